"""The secretariat (business unit): referral log, screening, meetings, packs."""

from __future__ import annotations

from flask import Blueprint, render_template

from storage.models import Role
from views.access import roles_required

bp = Blueprint("secretariat", __name__, url_prefix="/secretariat")


@bp.get("/")
@roles_required(Role.SECRETARIAT)
def index() -> str:
    return render_template("secretariat/index.html")


@bp.get("/partnership")
@roles_required(Role.SECRETARIAT, Role.CHAIR, Role.ADMIN)
def partnership() -> str:
    """The partnership's rules as configured: agencies, quorum, boards, time limits."""
    return render_template("secretariat/partnership.html")
