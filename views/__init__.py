"""The web layer: one blueprint per audience. Views are thin: validate, call, redirect."""
