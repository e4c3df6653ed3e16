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

RATIFICATIONS = {
    "ratified": "Ratified",
    "changed": "Changed",
    "referred_back": "Referred back to the panel",
}


def board_for(partnership: Partnership, decision: Decision) -> Any:
    """The board the recommendation goes to: the one for the recommendation put to it (not
    for what a board changed it to)."""
    from workflow.letters import board_for_review, review_type_of

    return board_for_review(
        partnership, review_type_of(decision, decision.referral, put_to_board(decision))
    )


def put_to_board(decision: Decision) -> str:
    """The recommendation the board was asked to ratify: the panel's, or what the body a
    disagreement was escalated to decided. While the board's change stands the decision's
    ``recommendation`` is the board's, so this is read from the history."""
    if decision.ratification == "changed":
        before = decision.escalation_outcome or decision.panel_recommendation
        if before:
            return before
    return decision.recommendation


def ratify(
    decision: Decision,
    outcome: str,
    *,
    by: str,
    on: date | None,
    note: str | None = None,
    changed_to: str | None = None,
    today: date | None = None,
) -> None:
    """The board's answer to the panel's recommendation: ratified, changed or referred back.

    The body that makes the final decision may decide otherwise (Walsall arrangements 6.3:
    "The final decision on whether to undertake a review will be made by the Executive
    Group"; Redbridge: recommendations go "to the relevant board or partnership for
    ratification. The final decision is then made about what type of review will take
    place"). When it changes the recommendation, what it decided (``changed_to``) becomes
    the decision's recommendation, the panel's own is kept in ``panel_recommendation`` and
    the case tracker follows. Referred back, the recommendation stays with the panel and
    the board's answer may be recorded again. Recording the answer again replaces the
    earlier one: a change it no longer makes is undone.
    """
    from workflow.meetings.decisions import _sync_tracked_review, recommendations

    today = today or date.today()
    if outcome not in RATIFICATIONS:
        raise MeetingError(
            "Select whether the board ratified, changed or referred back the recommendation", field="outcome"
        )
    if not (by or "").strip():
        raise MeetingError("Enter who decided for the board", field="by")
    if decision.escalated and decision.escalation_resolved_at is None:
        raise MeetingError(
            f"The disagreement is with {decision.escalated_to} for the final decision: record its "
            "outcome before the board's ratification",
            field="outcome",
        )
    _check_date_since_decision(decision, on, today, "the date of the board's decision", "the panel's decision")
    before = put_to_board(decision)
    labels = recommendations()
    if outcome == "changed":
        if not changed_to:
            raise MeetingError("Select what the board decided instead", field="changed_to")
        if changed_to not in labels:
            raise MeetingError("Select what the board decided instead from the list", field="changed_to")
        if changed_to == before:
            raise MeetingError(
                f"The board decided what was put to it ({labels[before]}): select Ratified, or "
                "what the board decided instead",
                field="changed_to",
            )
    if decision.escalation_outcome is None:
        # Without an escalation's outcome the panel's own recommendation is the one put to
        # the board; kept only while a board's change replaces it.
        decision.panel_recommendation = before if outcome == "changed" else None
    new = changed_to if outcome == "changed" else before
    decision.ratification = outcome
    decision.ratified_recommendation = changed_to if outcome == "changed" else None
    decision.ratified_by = by.strip()[:200]
    decision.ratified_at = on
    decision.ratification_note = (note or "").strip() or None
    if new != decision.recommendation:
        decision.recommendation = new  # type: ignore[assignment]
        _sync_tracked_review(decision)
    Session.commit()


def board_answer(decision: Decision, labels: dict[str, str], board_name: str | None = None) -> str | None:
    """The board's answer in a sentence for the decision's history (None before it answers):
    "Changed by the Executive Group (its chair) on 3 May 2027 to a learning lessons review
    (the panel recommended a statutory SAR)"; ``board_name`` names the board before who
    decided for it."""
    if not decision.ratification:
        return None
    who = f"the {board_name} ({decision.ratified_by})" if board_name else decision.ratified_by
    on = decision.ratified_at
    when = f" on {on.day} {on:%B %Y}" if on else ""
    if decision.ratification == "referred_back":
        return f"Referred back to the panel by {who}{when}: the board's decision is awaited"
    if decision.ratification == "ratified":
        return f"Ratified by {who}{when}"
    to = decision.ratified_recommendation
    if not to:  # recorded before what the board decided instead was kept
        return f"Changed by {who}{when} (what it decided instead was not recorded)"
    if decision.escalation_outcome:
        was = f"it was asked to ratify {labels.get(decision.escalation_outcome, decision.escalation_outcome)}, decided on the escalation"
    else:
        panel = decision.panel_recommendation
        was = f"the panel recommended {labels.get(panel, panel)}" if panel else ""
    return f"Changed by {who}{when} to {labels.get(to, to)}" + (f" ({was})" if was else "")


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


def _check_date_since_decision(
    decision: Decision, on: date | None, today: date, what: str, since: str
) -> None:
    """``on`` (``what``, e.g. "the date the notification was sent") is given, on or after the
    day of the decision (``since``) and not in the future; the message names the field."""
    if on is None:
        raise MeetingError(f"Enter {what}", field="on")
    decided = decision_date(decision)
    if on < decided:
        raise MeetingError(
            f"{what[0].upper()}{what[1:]} must be on or after the date of {since}, "
            f"{decided.day} {decided:%B %Y}",
            field="on",
        )
    if on > today:
        raise MeetingError(f"{what[0].upper()}{what[1:]} must be today or in the past", field="on")


def record_notification(decision: Decision, key: str, on: date | None, *, today: date | None = None) -> Notification:
    """Record the day a notification was sent; it may not be before the decision or in the future."""
    today = today or date.today()
    wanted = {n.key: n for n in notifications_for(decision)}
    notification = wanted.get(key)
    if notification is None:
        raise MeetingError("This decision does not need that notification", field="on")
    _check_date_since_decision(decision, on, today, "the date the notification was sent", "the decision")
    setattr(decision, notification.column, on)
    Session.commit()
    return notification
