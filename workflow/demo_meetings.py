"""Demo meetings for ``make run``, for each panel of the partnership: a past meeting with
the demo accounts present so that it is quorate and, when the panel has more than one demo
referral, a decision on the first with a tracked review and an action; and the next
meeting with the panel's other demo referrals on its agenda (its only one, if it has one).
Every member of the panel and the chair are invited. Everything here is invented."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, time, timedelta

from flask import Flask
from sqlalchemy import func, select

from partnerships.model import OTHER_REVIEW_TYPE_LABELS, Panel, Partnership
from storage.db import Session
from storage.models import Meeting, Referral
from workflow import meetings
from workflow.quorum import agencies_for_quorum


def panel_of(partnership: Partnership, review_types: Sequence[str]) -> Panel | None:
    """The panel that screens a referral: the first that screens a review type it considered;
    the first panel for "not sure" or "learning"; None when every type is forwarded."""
    for kind in review_types:
        panel = partnership.panel_for(kind)
        if panel is not None:
            return panel
    if any(kind in OTHER_REVIEW_TYPE_LABELS for kind in review_types):
        return partnership.default_panel
    return None


def load(app: Flask) -> Iterator[str]:
    partnership = app.extensions["partnership"]
    if Session.scalar(select(func.count(Meeting.id))):
        yield "Demo meetings not loaded: there are meetings already."
        return
    today = date.today()
    waiting = list(
        Session.scalars(
            select(Referral)
            .where(Referral.status.in_(meetings.AGENDA_READY_STATUSES))
            .order_by(Referral.id)
        )
    )
    for n, panel in enumerate(partnership.panels):
        own = [r for r in waiting if panel_of(partnership, r.review_types or []) == panel]
        yield from _panel_meetings(partnership, panel, own, today, afternoon=n % 2 == 1)
    forwarded = [r for r in waiting if panel_of(partnership, r.review_types or []) is None]
    for referral in forwarded:
        yield f"  {referral.reference} is for a review no panel screens: it waits to be forwarded"


def _panel_meetings(
    partnership: Partnership, panel: Panel, waiting: list[Referral], today: date, *, afternoon: bool
) -> Iterator[str]:
    start = time(14, 0) if afternoon else time(10, 0)
    invitees = meetings.panel_invitees(partnership, panel)
    past = meetings.schedule_meeting(
        when=today - timedelta(days=28), start_time=start, location="Committee Room 2",
        invitees=invitees, panel=panel,
    )
    upcoming_dates = meetings.suggest_dates(
        partnership, today=today, last=past.date, count=1, panel=panel
    )
    upcoming = meetings.schedule_meeting(
        when=upcoming_dates[0] if upcoming_dates else today + timedelta(days=21),
        start_time=start,
        location="Committee Room 2 and Microsoft Teams",
        invitees=invitees,
        panel=panel,
    )
    # The chair and the members whose agencies make the panel quorate are present; other
    # invited people sent their apologies.
    quorum = {a.id for a in agencies_for_quorum(partnership, panel)}
    meetings.record_attendance(
        past,
        {
            a.id: (
                "present" if a.role == "chair" or (a.role == "member" and a.agency_id in quorum)
                else "apologies",
                None,
            )
            for a in past.attendees
        },
    )
    check = meetings.quoracy(partnership, past)
    quorate = "quorate" if check.quorate else "not quorate: " + "; ".join(check.reasons)
    # A panel with a single demo referral keeps it for the next meeting, to screen there.
    first, new = (waiting[0], waiting[1:]) if len(waiting) > 1 else (None, waiting)
    if first is not None:
        # The referral decided at the past meeting was received three weeks before it.
        first.received_at = datetime.combine(past.date - timedelta(days=21), time(9, 30), tzinfo=UTC)
        item = meetings.add_referral(past, first)
        decision = meetings.record_decision(
            past,
            item,
            tool_answers={},
            recommendation=_recommendation_for(first),
            lead_process=None,
            methodology=None,
            rationale="Demo decision: the criteria were met on the information the agencies gave.",
            recorded_by_id=None,
        )
        meetings.add_action(
            meeting=past,
            referral=first,
            description="Send the recommendation to the board chair for ratification",
            owner="Business unit",
            due=today + timedelta(days=7),
        )
        yield (
            f"  {panel.name}: past meeting {past.date.isoformat()} ({quorate}): decision on "
            f"{first.reference} ({decision.recommendation})"
        )
    else:
        yield f"  {panel.name}: past meeting {past.date.isoformat()} ({quorate})"
    for referral in new:
        meetings.add_referral(upcoming, referral)
    meetings.add_item(upcoming, "panel_business", "Single agency review: sign-off of the action plan")
    yield (
        f"  {panel.name}: next meeting {upcoming.date.isoformat()} with {len(new)} new "
        f"referral{'' if len(new) == 1 else 's'} on the agenda"
    )


def _recommendation_for(referral: Referral) -> str:
    """A statutory review of the first type the demo referral considered."""
    options = meetings.recommendations()
    for kind in referral.review_types or []:
        if f"statutory_{kind}" in options:
            return f"statutory_{kind}"
    return next(iter(options))
