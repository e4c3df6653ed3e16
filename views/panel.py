"""Panel members and the chair: their meetings, papers, declarations and votes."""

from __future__ import annotations

from flask import Blueprint, render_template

from storage.models import Role
from views.access import roles_required

bp = Blueprint("panel", __name__, url_prefix="/panel")


@bp.get("/")
@roles_required(Role.PANEL_MEMBER, Role.CHAIR)
def index() -> str:
    """The meetings this person is invited to, newest first, with their papers."""
    from flask_login import current_user
    from sqlalchemy import select

    from storage.db import Session
    from storage.models import Attendance, Meeting
    from workflow import packs

    meetings = Session.scalars(
        select(Meeting)
        .join(Attendance, Attendance.meeting_id == Meeting.id)
        .where(Attendance.user_id == current_user.id)
        .order_by(Meeting.date.desc())
    ).unique().all()
    ready = {m.id: packs.current_build(m.id) is not None for m in meetings}
    return render_template("panel/index.html", meetings=meetings, ready=ready)
