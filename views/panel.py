"""Panel members and the chair: their meetings, papers, declarations and votes."""

from __future__ import annotations

from flask import Blueprint, render_template

from storage.models import Role
from views.access import roles_required

bp = Blueprint("panel", __name__, url_prefix="/panel")


@bp.get("/")
@roles_required(Role.PANEL_MEMBER, Role.CHAIR)
def index() -> str:
    return render_template("panel/index.html")
