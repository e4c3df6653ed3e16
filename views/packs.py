"""Briefing packs: the business unit builds them; each member downloads their own edition."""

from __future__ import annotations

import io

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    send_file,
    url_for,
)
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers import Response

from storage.db import Session
from storage.models import Attendance, Meeting, PackBuild, Role, StoredFile
from views.access import roles_required
from views.audit import record
from workflow import packs

bp = Blueprint("packs", __name__, url_prefix="/meetings/<int:meeting_id>")


class EmptyForm(FlaskForm):
    """CSRF only."""


def _meeting_for_user(meeting_id: int) -> Meeting:
    """The meeting, if this user may see its papers: the business unit, or someone invited."""
    meeting = Session.get(Meeting, meeting_id)
    if meeting is not None and current_user.role == Role.SECRETARIAT:
        return meeting
    if meeting is not None:
        invited = Session.scalar(
            select(Attendance.id).where(
                Attendance.meeting_id == meeting.id, Attendance.user_id == current_user.id
            )
        )
        if invited:
            return meeting
    record("not_found", "meeting", meeting_id, outcome="denied")
    abort(404)


@bp.get("/pack")
@roles_required(Role.SECRETARIAT)
def pack(meeting_id: int) -> str:
    meeting = _meeting_for_user(meeting_id)
    record("view", "meeting_pack", meeting.id)
    return render_template(
        "packs/pack.html",
        meeting=meeting,
        current=packs.current_build(meeting.id),
        latest=packs.latest_build(meeting.id),
        form=EmptyForm(),
    )


@bp.post("/pack/build")
@roles_required(Role.SECRETARIAT)
def build(meeting_id: int) -> Response:
    meeting = _meeting_for_user(meeting_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    job = packs.request_build(meeting, current_user.id)
    if job.status == "queued" and job.progress == 0:
        current_app.extensions["pack_worker"].enqueue(job.id)
    record("build_pack", "meeting_pack", meeting.id, detail={"build": job.id})
    flash("The pack is being built. This page shows its progress.", "success")
    return redirect(url_for("packs.pack", meeting_id=meeting.id))


@bp.get("/pack/status.json")
@roles_required(Role.SECRETARIAT)
def status(meeting_id: int) -> Response:
    meeting = _meeting_for_user(meeting_id)
    latest = packs.latest_build(meeting.id)
    if latest is None:
        return jsonify({"status": "none", "progress": 0, "message": ""})
    return jsonify({"status": latest.status, "progress": latest.progress, "message": latest.message or ""})


@bp.get("/papers")
@roles_required(Role.SECRETARIAT, Role.CHAIR, Role.PANEL_MEMBER)
def papers(meeting_id: int) -> str:
    """The signed-in person's own papers for a meeting."""
    meeting = _meeting_for_user(meeting_id)
    current = packs.current_build(meeting.id)
    key = packs.FULL_EDITION if current_user.role == Role.SECRETARIAT else f"user-{current_user.id}"
    edition = (current.editions or {}).get(key) if current else None
    record("view", "meeting_papers", meeting.id)
    return render_template(
        "packs/papers.html", meeting=meeting, current=current, edition=edition, key=key
    )


@bp.get("/pack/<int:build_id>/<edition>.<fmt>")
@roles_required(Role.SECRETARIAT, Role.CHAIR, Role.PANEL_MEMBER)
def download(meeting_id: int, build_id: int, edition: str, fmt: str) -> Response:
    meeting = _meeting_for_user(meeting_id)
    build = Session.get(PackBuild, build_id)
    own = f"user-{current_user.id}"
    allowed = current_user.role == Role.SECRETARIAT or edition == own
    entry = (build.editions or {}).get(edition) if build and build.meeting_id == meeting.id else None
    if not allowed or entry is None or fmt not in ("docx", "pdf") or fmt not in entry:
        record("not_found", "pack_edition", f"{build_id}:{edition}", outcome="denied")
        abort(404)
    row = Session.get(StoredFile, entry[fmt])
    data = current_app.extensions["file_store"].get(row.key)
    record("download", "pack_edition", f"{build_id}:{edition}", detail={"format": fmt, "meeting": meeting.id})
    return send_file(
        io.BytesIO(data),
        mimetype=row.content_type,
        as_attachment=True,
        download_name=f"panel-papers-{meeting.date.isoformat()}-{edition}.{fmt}",
        max_age=0,
    )


# -- outcome letters -------------------------------------------------------------------------

letters_bp = Blueprint("letters", __name__, url_prefix="/secretariat/decisions")


@letters_bp.get("/<int:decision_id>/letters")
@roles_required(Role.SECRETARIAT)
def letters_index(decision_id: int) -> str:
    from storage.models import Decision
    from workflow import letters

    decision = Session.get(Decision, decision_id)
    if decision is None:
        record("not_found", "decision", decision_id, outcome="denied")
        abort(404)
    record("view", "decision_letters", decision.id)
    return render_template(
        "packs/letters.html", decision=decision, letters=letters.letters_for(decision, decision.referral)
    )


@letters_bp.get("/<int:decision_id>/letters/<kind>.docx")
@roles_required(Role.SECRETARIAT)
def letter(decision_id: int, kind: str) -> Response:
    from storage.models import Decision
    from workflow import letters

    decision = Session.get(Decision, decision_id)
    wanted = letters.letters_for(decision, decision.referral) if decision else []
    if decision is None or kind not in {w.kind for w in wanted}:
        record("not_found", "decision_letter", f"{decision_id}:{kind}", outcome="denied")
        abort(404)
    data = letters.render_letter(
        kind,
        decision,
        decision.referral,
        current_app.extensions["partnership"],
        sender_name=current_user.name,
        store=current_app.extensions["file_store"],
    )
    record("download", "decision_letter", f"{decision.id}:{kind}")
    return send_file(
        io.BytesIO(data),
        mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        as_attachment=True,
        download_name=f"{decision.referral.reference}-{kind.replace('_', '-')}.docx",
        max_age=0,
    )
