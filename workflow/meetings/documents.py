"""The agenda and draft minutes of a meeting as Word documents, and the data they are
rendered with."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from document_templates.render import render_docx
from partnerships import Partnership
from storage.db import Session
from storage.files import FileStore
from storage.models import Action, Decision, Meeting
from workflow.letterhead import letterhead
from workflow.meetings.attendance import (
    ATTENDANCE_ROLES,
    ATTENDANCE_STATUSES,
    NOT_QUORATE_CHOICES,
    attendance_recorded,
    quoracy,
)
from workflow.meetings.decisions import decisions_for, how_decided, recommendations
from workflow.meetings.declarations import declarations_for, ruling_labels
from workflow.meetings.ratification import ratifications
from workflow.meetings.schedule import (
    THINK_FAMILY,
    _ordered,
    _standing_of,
    agenda_numbers,
    deadlines,
    meeting_panel,
    same_panel,
)

# -- documents --------------------------------------------------------------------------------------


def _long_date(d: date | None) -> str:
    return f"{d:%A} {d.day} {d:%B %Y}" if d else ""


def _short_date(d: date | datetime | None) -> str:
    return f"{d.day} {d:%B %Y}" if d else ""


def _common(partnership: Partnership, meeting: Meeting) -> dict[str, Any]:
    start = meeting.start_time
    panel = meeting_panel(partnership, meeting)
    if start:
        end = (datetime.combine(meeting.date, start) + timedelta(minutes=panel.meetings.duration_minutes)).time()
        when = f"{start:%H:%M} to {end:%H:%M}"
    else:
        when = ""
    return {
        **letterhead(partnership, panel.name),
        "meeting": {"date": _long_date(meeting.date), "time": when, "venue": meeting.location or ""},
        "think_family_statement": THINK_FAMILY if panel.meetings.think_family_statement else "",
        "next_meeting_date": _long_date(_next_meeting(partnership, meeting)),
    }


def _next_meeting(partnership: Partnership, meeting: Meeting) -> date | None:
    return Session.scalar(
        select(Meeting.date)
        .where(
            Meeting.date > meeting.date,
            Meeting.status != "cancelled",
            same_panel(partnership, meeting_panel(partnership, meeting).id),
        )
        .order_by(Meeting.date)
    )


def agenda_context(partnership: Partnership, meeting: Meeting) -> dict[str, Any]:
    """The data ``agenda.docx`` is rendered with (see DEMO_CONTEXTS["agenda.docx"])."""
    numbers = agenda_numbers(meeting)
    chair = next((a.name for a in meeting.attendees if a.role == "chair"), "")
    items = []
    for item in _ordered(meeting.items):
        standing = _standing_of(item)
        title = item.title
        if standing and standing.notes and standing.key != "think_family":
            title = f"{title}: {standing.notes}"
        items.append(
            {
                "number": numbers[item.id],
                "title": title,
                "lead": standing.lead if standing else ("Business unit" if item.referral_id else "Chair"),
                "time": "",
                "papers": "In the pack" if item.referral_id else "—",
            }
        )
    return {
        **_common(partnership, meeting),
        "chair_name": chair,
        "items": items,
        "papers_circulated_date": _short_date(meeting.papers_circulated_at)
        or f"by {_short_date(deadlines(partnership, meeting.date, meeting_panel(partnership, meeting)).papers)}",
    }


def quoracy_statement(partnership: Partnership, meeting: Meeting) -> str:
    if not attendance_recorded(meeting):
        return "Attendance has not been recorded."
    result = quoracy(partnership, meeting)
    if result.quorate:
        names = [partnership.organisation(o).name for o in result.present_organisations]
        return "The meeting was quorate" + (f": {', '.join(names)} were represented." if names else ".")
    text = "The meeting was not quorate. " + " ".join(_sentence(r) for r in result.reasons)
    if meeting.not_quorate_choice:
        text += f" The chair decided: {NOT_QUORATE_CHOICES[meeting.not_quorate_choice].lower()}."
        pending = ratifications(meeting)
        if pending:
            text += " Virtual ratification by " + ", ".join(
                f"{r.member_name} ({'ratified ' + _short_date(r.ratified_at) if r.ratified_at else 'awaited'})"
                for r in pending
            ) + "."
    return text


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith(".") else text + "."


def minutes_context(partnership: Partnership, meeting: Meeting) -> dict[str, Any]:
    """The data ``minutes.docx`` is rendered with (see DEMO_CONTEXTS["minutes.docx"])."""
    numbers = agenda_numbers(meeting)
    labels = ruling_labels()

    def agency_name(agency_id: str | None) -> str:
        if agency_id and agency_id in partnership.agency_ids:
            return partnership.agency(agency_id).name
        return ""

    attendees = [
        {
            "name": a.name,
            "role": ATTENDANCE_ROLES.get(a.role, a.role),
            "agency": agency_name(a.agency_id),
            "status": "Deputy" if a.status == "present" and a.role == "deputy" else ATTENDANCE_STATUSES.get(a.status or "", "Not recorded"),
        }
        for a in meeting.attendees
    ]
    declarations = []
    attendance_by_user = {a.user_id: a for a in meeting.attendees if a.user_id}
    for d in declarations_for(meeting):
        if not d.has_interest:
            continue
        row = attendance_by_user.get(d.user_id)
        answers = d.answers or {}
        ruling = labels.get(d.ruling or "", "Awaiting the chair's ruling")
        if d.ruling_note:
            ruling = f"{ruling}. {d.ruling_note}"
        declarations.append(
            {
                "member": d.user.name,
                "agency": agency_name(row.agency_id if row else d.user.agency_id),
                "item": numbers.get(d.agenda_item_id, ""),
                "interest": answers.get("interest_details") or "",
                "ruling": ruling,
            }
        )
    recs = recommendations()
    decisions = []
    for dec in decisions_for(meeting):
        vote = _vote_text(dec, partnership)
        decisions.append(
            {
                "item": numbers.get(dec.agenda_item_id, ""),
                "reference": dec.referral.reference,
                "recommendation": recs.get(dec.recommendation, dec.recommendation.replace("_", " ")),
                "rationale": dec.rationale,
                "vote": vote,
            }
        )
    acts = list(Session.scalars(select(Action).where(Action.meeting_id == meeting.id).order_by(Action.id)))
    year = f"{meeting.date:%y}"
    actions = [
        {
            "number": f"{year}/{n:02d}",
            "action": a.description,
            "owner": a.owner,
            "due": _short_date(a.due),
            "status": "Done" if a.status == "done" else "Open",
        }
        for n, a in enumerate(acts, start=1)
    ]
    return {
        **_common(partnership, meeting),
        "attendees": attendees,
        "quoracy_statement": quoracy_statement(partnership, meeting),
        "declarations": declarations,
        "decisions": decisions,
        "actions": actions,
    }


def _vote_text(decision: Decision, partnership: Partnership) -> str:
    """How the decision was reached (quorate or not, consensus or vote, escalation), with
    each dissenting member's rationale."""
    text = how_decided(decision, partnership)
    dissent = [v for v in decision.votes if v.dissent_rationale]
    if dissent:
        text += " Dissent: " + "; ".join(f"{v.person}: {v.dissent_rationale}" for v in dissent)
    return text


def render_agenda(partnership: Partnership, meeting: Meeting, store: FileStore) -> bytes:
    from workflow.template_versions import template_bytes

    return render_docx(template_bytes("agenda.docx", store), agenda_context(partnership, meeting))


def render_minutes(partnership: Partnership, meeting: Meeting, store: FileStore) -> bytes:
    from workflow.template_versions import template_bytes

    return render_docx(template_bytes("minutes.docx", store), minutes_context(partnership, meeting))
