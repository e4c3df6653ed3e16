"""The partnership's heading on every document it sends: name, address, e-mail and the
panel's name, as the Word templates' ``partnership`` and ``panel_name`` variables."""

from __future__ import annotations

from typing import Any

from partnerships import Partnership


def letterhead(partnership: Partnership, panel_name: str) -> dict[str, Any]:
    """``{"partnership": {...}, "panel_name": "<short name> <panel>"}`` for a template."""
    return {
        "partnership": {
            "name": partnership.name,
            "address": ", ".join(partnership.address),
            "telephone": "",
            "email": str(partnership.secretariat_email),
        },
        "panel_name": f"{partnership.short_name} {panel_name}",
    }
