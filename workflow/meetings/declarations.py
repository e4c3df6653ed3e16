"""Declarations of interest on agenda items and the chair's rulings on them
(``workflow.conflicts``: what a ruling allows)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from partnerships import Partnership
from storage.db import Session, utcnow
from storage.models import AgendaItem, Declaration, Meeting, User
from workflow.meetings.common import MeetingError
from workflow.meetings.schedule import _ordered, agenda_numbers, meeting_panel

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


def ruling_labels(partnership: Partnership | None = None, meeting: Meeting | None = None) -> dict[str, str]:
    """Every ruling's label; for a meeting, only the rulings its panel's conflict rule
    allows (Telford & Wrekin CSPR Panel: a declared conflict disqualifies the member from
    the decision, so "no action" is not offered)."""
    from workflow.conflicts import Ruling, rulings_for

    if partnership is None or meeting is None:
        return {r.value: r.label for r in Ruling}
    return {r.value: r.label for r in rulings_for(meeting_panel(partnership, meeting))}


def rule_on_declaration(
    declaration: Declaration,
    ruling: str,
    note: str | None,
    ruled_by_id: int | None,
    *,
    partnership: Partnership | None = None,
) -> None:
    """The chair's decision on how a declared interest is managed (minuted).

    Nobody rules on their own declaration (the deputy chair or another member chairs that
    item); the ruling must be one the panel's conflict rule allows.
    """
    if ruled_by_id is not None and ruled_by_id == declaration.user_id:
        raise MeetingError(
            "You cannot rule on your own declaration: another member chairs this item and rules on it"
        )
    if ruling not in ruling_labels(partnership, declaration.meeting):
        if partnership is not None and ruling in ruling_labels():
            panel = meeting_panel(partnership, declaration.meeting)
            raise MeetingError(
                f"Under the {panel.name}'s conflict rule a declared conflict disqualifies the "
                "member from the decision: select how they withdraw"
            )
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
    """``{user id: name}`` of the people out of the decision on ``item``: ruled out for a
    conflict, or with a declared interest the chair has not yet ruled on."""
    from workflow.conflicts import may_vote

    rows = Session.scalars(
        select(Declaration).where(Declaration.meeting_id == meeting.id, Declaration.agenda_item_id == item.id)
    )
    out: dict[int, str] = {}
    for d in rows:
        if not may_vote(_ruling(d.ruling), has_interest=d.has_interest):
            out[d.user_id] = d.user.name
    return out


def unruled_declarations(meeting: Meeting, item: AgendaItem) -> list[Declaration]:
    """Declared interests on ``item`` the chair has not ruled on: those members do not take
    part in the decision until the ruling."""
    return [
        d
        for d in meeting.declarations
        if d.agenda_item_id == item.id and d.has_interest and not d.ruling
    ]


def declarations_for(meeting: Meeting, user: User | None = None) -> list[Declaration]:
    query = select(Declaration).where(Declaration.meeting_id == meeting.id).order_by(Declaration.id)
    if user is not None:
        query = query.where(Declaration.user_id == user.id)
    return list(Session.scalars(query))
