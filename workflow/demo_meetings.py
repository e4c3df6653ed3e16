"""Demo meetings for ``make run``: the next meeting with the demo referrals on its agenda,
every panel member and the chair invited, and a past meeting with a decision, a tracked
review and an action. Everything here is invented."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

from flask import Flask
from sqlalchemy import func, select

from storage.db import Session
from storage.models import Meeting, Referral
from workflow import meetings


def load(app: Flask) -> Iterator[str]:
    partnership = app.extensions["partnership"]
    if Session.scalar(select(func.count(Meeting.id))):
        yield "Demo meetings not loaded: there are meetings already."
        return
    today = date.today()
    invitees = meetings.panel_invitees()
    past = meetings.schedule_meeting(
        when=today - timedelta(days=28), start_time=time(10, 0), location="Committee Room 2", invitees=invitees
    )
    upcoming_dates = meetings.suggest_dates(partnership, today=today, last=past.date, count=1)
    upcoming = meetings.schedule_meeting(
        when=upcoming_dates[0] if upcoming_dates else today + timedelta(days=21),
        start_time=time(10, 0),
        location="Committee Room 2 and Microsoft Teams",
        invitees=invitees,
    )
    waiting = list(Session.scalars(select(Referral).where(Referral.status.in_(meetings.AGENDA_READY_STATUSES)).order_by(Referral.id)))
    if waiting:
        # The referral decided at the past meeting was received three weeks before it.
        waiting[0].received_at = datetime.combine(past.date - timedelta(days=21), time(9, 30), tzinfo=UTC)
        first = meetings.add_referral(past, waiting[0])
        for a in past.attendees:
            a.status = "present"
        Session.commit()
        decision = meetings.record_decision(
            past,
            first,
            tool_answers={},
            recommendation=_recommendation_for(waiting[0]),
            lead_process=None,
            methodology=None,
            rationale="Demo decision: the criteria were met on the information the agencies gave.",
            recorded_by_id=None,
        )
        meetings.add_action(
            meeting=past,
            referral=waiting[0],
            description="Send the recommendation to the board chair for ratification",
            owner="Business unit",
            due=today + timedelta(days=7),
        )
        yield f"  past meeting {past.date.isoformat()}: decision on {waiting[0].reference} ({decision.recommendation})"
    for referral in waiting[1:]:
        meetings.add_referral(upcoming, referral)
    meetings.add_item(upcoming, "panel_business", "Single agency review: sign-off of the action plan")
    yield f"  next meeting {upcoming.date.isoformat()} with {len(waiting[1:])} new referrals on the agenda"


def _recommendation_for(referral: Referral) -> str:
    """A statutory review of the first type the demo referral considered."""
    options = meetings.recommendations()
    for kind in referral.review_types or []:
        if f"statutory_{kind}" in options:
            return f"statutory_{kind}"
    return next(iter(options))
