"""Declarations of interest on agenda items and the chair's rulings on them
(``workflow.conflicts``: what a ruling allows)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from storage.db import Session, utcnow
from storage.models import AgendaItem, Declaration, Meeting, User
from workflow.meetings.common import MeetingError
from workflow.meetings.schedule import _ordered, agenda_numbers

# -- declarations of interest -------------------------------------------------------------------


def agenda_item_choices(meeting: Meeting) -> list[tuple[str, str]]:
    """(value, label) pairs for the declaration form's ``agenda_items`` run-time choices."""
    numbers = agenda_numbers(meeting)
    when = f"{meeting.date.day} {meeting.date:%B %Y}"
    return [
        (str(item.id), f"{when} – item {numbers[item.id]}: {item.title}")
        for item in _ordered(meeting.items)
        if item.kind != "standing"
    ]


def declare_interest(meeting: Meeting, user: User, answers: Mapping[str, Any]) -> Declaration:
    """Record (or replace) ``user``'s declaration for one agenda item of ``meeting``.

    A changed declaration goes back to the chair: any earlier ruling is cleared.
    """
    try:
        item_id = int(answers.get("agenda_item") or 0)
    except (TypeError, ValueError):
        item_id = 0
    if item_id not in {i.id for i in meeting.items}:
        raise MeetingError("Select the meeting and agenda item")
    existing = Session.scalar(
        select(Declaration).where(
            Declaration.meeting_id == meeting.id,
            Declaration.agenda_item_id == item_id,
            Declaration.user_id == user.id,
        )
    )
    answers = dict(answers)
    has_interest = answers.get("has_interest") == "yes"
    if existing is None:
        existing = Declaration(meeting_id=meeting.id, agenda_item_id=item_id, user_id=user.id)
        Session.add(existing)
    elif existing.answers != answers:
        existing.ruling = existing.ruled_by_id = existing.ruled_at = existing.ruling_note = None
    existing.answers = answers
    existing.has_interest = has_interest
    existing.declared_at = utcnow()
    Session.commit()
    return existing


def ruling_labels() -> dict[str, str]:
    from workflow.conflicts import Ruling

    return {r.value: r.label for r in Ruling}


def rule_on_declaration(declaration: Declaration, ruling: str, note: str | None, ruled_by_id: int | None) -> None:
    """The chair's decision on how a declared interest is managed (minuted)."""
    if ruling not in ruling_labels():
        raise MeetingError("Select how the interest is to be managed")
    declaration.ruling = ruling
    declaration.ruling_note = (note or "").strip() or None
    declaration.ruled_by_id = ruled_by_id
    declaration.ruled_at = utcnow()
    Session.commit()


def _ruling(value: str | None) -> Any:
    from workflow.conflicts import Ruling

    return Ruling(value) if value else None


def withdrawn_items(meeting: Meeting, user: User | None) -> set[int]:
    """The agenda items ``user`` must NOT receive: the chair ruled they withdraw from the
    discussion as well as the decision (DOMAIN §9: a member who withdrew for a conflict does
    not receive that item). A declaration not yet ruled on withholds nothing."""
    from workflow.conflicts import may_receive_item

    if user is None:
        return set()
    rows = Session.scalars(
        select(Declaration).where(Declaration.meeting_id == meeting.id, Declaration.user_id == user.id)
    )
    return {
        d.agenda_item_id
        for d in rows
        if d.agenda_item_id is not None and d.ruling and not may_receive_item(_ruling(d.ruling))
    }


def withdrawn_from_decision(meeting: Meeting, item: AgendaItem) -> dict[int, str]:
    """``{user id: name}`` of the people ruled out of the decision on ``item``."""
    from workflow.conflicts import may_vote

    rows = Session.scalars(
        select(Declaration).where(Declaration.meeting_id == meeting.id, Declaration.agenda_item_id == item.id)
    )
    out: dict[int, str] = {}
    for d in rows:
        if d.ruling and not may_vote(_ruling(d.ruling)):
            out[d.user_id] = d.user.name
    return out


def declarations_for(meeting: Meeting, user: User | None = None) -> list[Declaration]:
    query = select(Declaration).where(Declaration.meeting_id == meeting.id).order_by(Declaration.id)
    if user is not None:
        query = query.where(Declaration.user_id == user.id)
    return list(Session.scalars(query))
