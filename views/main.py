"""Public pages: home, accessibility statement, privacy notice."""

from __future__ import annotations

from flask import Blueprint, render_template

from views.access import public

bp = Blueprint("main", __name__)


@bp.get("/")
@public
def home() -> str:
    return render_template("pages/home.html")


@bp.get("/accessibility")
@public
def accessibility() -> str:
    return render_template("pages/accessibility.html")


@bp.get("/privacy")
@public
def privacy() -> str:
    return render_template("pages/privacy.html")


@bp.get("/healthz")
@public
def healthz() -> tuple[str, int, dict[str, str]]:
    from sqlalchemy import text

    from storage.db import Session

    Session.execute(text("SELECT 1"))
    return "ok", 200, {"Content-Type": "text/plain"}


@bp.get("/brand.css")
@public
def brand_css() -> tuple[str, int, dict[str, str]]:
    """The partnership's header colour, as a stylesheet (the CSP allows no inline styles)."""
    from flask import current_app

    colour = current_app.extensions["partnership"].branding.colour
    css = f":root {{ --app-brand-colour: {colour}; }}\n"
    return css, 200, {"Content-Type": "text/css; charset=utf-8"}
