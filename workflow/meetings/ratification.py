"""After the decision: virtual ratification by the members a meeting that was not quorate
missed, the board's ratification of the panel's recommendation, and the notifications a
statutory review needs (DOMAIN §8)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from partnerships import Partnership
from storage.db import Session, utcnow
from storage.models import Decision, Meeting, VirtualRatification
from workflow.meetings.common import MeetingError
from workflow.working_days import local_date

# -- virtual ratification (a meeting that was not quorate) ------------------------------------


def ratifications(meeting: Meeting) -> list[VirtualRatification]:
    return list(
        Session.scalars(
            select(VirtualRatification)
            .where(VirtualRatification.meeting_id == meeting.id)
            .order_by(VirtualRatification.id)
        )
    )


def mark_ratified(ratification: VirtualRatification, when: datetime | None = None) -> None:
    if ratification.ratified_at is None:
        ratification.ratified_at = when or utcnow()
        Session.commit()


# -- the board's ratification of the panel's recommendation ----------------------------------

RATIFICATIONS = {"ratified": "Ratified", "changed": "Changed", "referred_back": "Referred back"}


def board_for(partnership: Partnership, decision: Decision) -> Any:
    from workflow.letters import board_for_review, review_type_of

    return board_for_review(partnership, review_type_of(decision, decision.referral))


def ratify(decision: Decision, outcome: str, *, by: str, on: date, note: str | None = None) -> None:
    """The board's answer to the panel's recommendation: ratified, changed or referred back."""
    if outcome not in RATIFICATIONS:
        raise MeetingError("Select whether the board ratified, changed or referred back the recommendation")
    if not (by or "").strip():
        raise MeetingError("Enter who ratified the recommendation")
    decision.ratification = outcome
    decision.ratified_by = by.strip()[:200]
    decision.ratified_at = on
    decision.ratification_note = (note or "").strip() or None
    Session.commit()


# -- notifications after the decision (DOMAIN §8) --------------------------------------------


@dataclass(frozen=True)
class Notification:
    """A notification a statutory review needs, tracked as done (with its date) or not done."""

    key: str
    title: str
    # The Decision column that holds the date it was sent.
    column: str
    # The review type (``Recommendation.review_type``) whose statutory review needs it.
    review_type: str
    copies: tuple[str, ...] = ()
    # Sent whatever the panel decides, once a referral was considered for this review type.
    either_way: bool = False

    @property
    def label(self) -> str:
        return self.title + (f" (copies to {' and '.join(self.copies)})" if self.copies else "")


NOTIFICATIONS: dict[str, Notification] = {
    n.key: n
    for n in (
        # The Community Safety Partnership tells the Home Office of its decision on a
        # domestic homicide either way, review or not (DOMAIN.md §1).
        Notification("home_office", "Notification to the Home Office", "home_office_notified_on", "dhr", either_way=True),
        # The National Panel hears the outcome of every rapid review, whatever it recommends
        # (Working Together to Safeguard Children 2023, ch. 5; Telford & Wrekin: "the
        # National Panel will be notified within 15 working days of the outcome of the
        # Rapid Review"; Wolverhampton: "All decisions related to the commissioning and
        # publication of LSCPRs will be notified to the national SCPR Panel, the Department
        # of Education and OFSTED"): any decision on a referral considered for a CSPR.
        Notification(
            "national_panel",
            "Notification to the National Child Safeguarding Practice Review Panel",
            "national_panel_notified_on",
            "cspr",
            ("the Department for Education", "Ofsted"),
            either_way=True,
        ),
    )
}


def notifications_for(decision: Decision | None) -> list[Notification]:
    """The notifications ``decision`` needs: one for each statutory review type it recommends
    that has a notification, and, whatever the outcome, the Home Office's for any decision
    on a referral considered for a DHR and the National Panel's for any decision on a
    referral considered for a CSPR (the National Panel receives every rapid review, review
    or not)."""
    from workflow.decision_tools import RECOMMENDATIONS

    if decision is None:
        return []
    rec = RECOMMENDATIONS.get(decision.recommendation)
    recommended = rec.review_type if rec is not None and rec.statutory else None
    considered = set(decision.referral.review_types or []) if decision.referral is not None else set()
    return [
        n for n in NOTIFICATIONS.values()
        if n.review_type == recommended or (n.either_way and n.review_type in considered)
    ]


def notification_status(decision: Decision | None) -> list[tuple[Notification, date | None]]:
    """Each notification ``decision`` needs with the date it was sent (None: not done)."""
    return [(n, getattr(decision, n.column)) for n in notifications_for(decision)]


def decision_date(decision: Decision) -> date:
    """The day the panel decided: the meeting's date, or the day the decision was recorded
    if that was earlier (a decision recorded ahead of the minutes)."""
    recorded = local_date(decision.recorded_at) or date.today()
    meeting = decision.meeting
    if meeting is not None and meeting.date < recorded:
        return meeting.date
    return recorded


def record_notification(decision: Decision, key: str, on: date | None, *, today: date | None = None) -> Notification:
    """Record the day a notification was sent; it may not be before the decision or in the future."""
    today = today or date.today()
    wanted = {n.key: n for n in notifications_for(decision)}
    notification = wanted.get(key)
    if notification is None:
        raise MeetingError("This decision does not need that notification", field="on")
    if on is None:
        raise MeetingError("Enter the date the notification was sent", field="on")
    decided = decision_date(decision)
    if on < decided:
        raise MeetingError(
            f"The date the notification was sent must be on or after the date of the decision, "
            f"{decided.day} {decided:%B %Y}",
            field="on",
        )
    if on > today:
        raise MeetingError("The date the notification was sent must be today or in the past", field="on")
    setattr(decision, notification.column, on)
    Session.commit()
    return notification
