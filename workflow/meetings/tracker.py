"""The case tracker and the decision and action log: actions and their evidence, the
stages of tracked reviews, declined reviews, and the tracker as CSV and XLSX."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from partnerships import Partnership
from storage.db import Session, utcnow
from storage.models import Action, Decision, Meeting, Referral, TrackedReview
from workflow.clocks import CLOCKS, Clock, clocks_for
from workflow.meetings.common import MeetingError
from workflow.meetings.ratification import (
    RATIFICATIONS,
    Notification,
    board_answer,
    decision_date,
    notification_status,
)
from workflow.working_days import local_date

# -- case tracker and the decision and action log ------------------------------------------------


@dataclass
class TrackerRow:
    referral: Referral
    decision: Decision | None
    reviews: list[TrackedReview]
    actions: list[Action]
    # (requested, returned) screening requests for the referral
    screening: tuple[int, int] = (0, 0)
    # The statutory clocks of the case (``workflow.clocks``), when a partnership was given.
    clocks: list[Clock] = field(default_factory=list)

    @property
    def notifications(self) -> list[tuple[Notification, date | None]]:
        return notification_status(self.decision)

    def overdue_clocks(self, today: date) -> list[Clock]:
        return [c for c in self.clocks if c.overdue(today)]


RETURNED_STATUSES = ("returned", "nil_return", "accepted")


def tracker(today: date, partnership: Partnership | None = None) -> list[TrackerRow]:
    """Every referral with its latest decision, tracked reviews, actions and screening
    returns, and, given the partnership, its statutory clocks."""
    from storage.models import ScreeningRequest

    referrals = Session.scalars(select(Referral).order_by(Referral.received_at.desc(), Referral.id.desc())).all()
    decisions: dict[int, Decision] = {}
    for d in Session.scalars(select(Decision).order_by(Decision.id)):
        decisions[d.referral_id] = d
    reviews: dict[int, list[TrackedReview]] = {}
    for r in Session.scalars(select(TrackedReview).order_by(TrackedReview.id)):
        reviews.setdefault(r.referral_id, []).append(r)
    actions: dict[int | None, list[Action]] = {}
    for a in Session.scalars(select(Action).order_by(Action.due, Action.id)):
        actions.setdefault(a.referral_id, []).append(a)
    screening: dict[int, list[int]] = {}
    for referral_id, status in Session.execute(select(ScreeningRequest.referral_id, ScreeningRequest.status)):
        counts = screening.setdefault(referral_id, [0, 0])
        counts[0] += 1
        counts[1] += status in RETURNED_STATUSES
    return [
        TrackerRow(
            r, decisions.get(r.id), reviews.get(r.id, []), actions.get(r.id, []),
            tuple(screening.get(r.id, (0, 0))),  # type: ignore[arg-type]
            clocks_for(partnership, r, decisions.get(r.id)) if partnership is not None else [],
        )
        for r in referrals
    ]


def panel_actions() -> list[Action]:
    """Actions not tied to a referral (panel business)."""
    return list(Session.scalars(select(Action).where(Action.referral_id.is_(None)).order_by(Action.due, Action.id)))


def is_overdue(action: Action, today: date) -> bool:
    return action.status == "open" and action.due is not None and action.due < today


def add_action(
    *, meeting: Meeting | None, referral: Referral | None, description: str, owner: str, due: date | None
) -> Action:
    if not (description or "").strip():
        raise MeetingError("Enter the action")
    if not (owner or "").strip():
        raise MeetingError("Enter who owns the action")
    action = Action(
        meeting_id=meeting.id if meeting else None,
        referral_id=referral.id if referral else None,
        description=description.strip(),
        owner=owner.strip()[:200],
        due=due,
    )
    Session.add(action)
    Session.commit()
    return action


EVIDENCE_MAX = 5000


def _evidence_text(evidence: str | None) -> str | None:
    text = (evidence or "").strip()
    if len(text) > EVIDENCE_MAX:
        raise MeetingError("The evidence must be 5,000 characters or fewer", field="evidence")
    return text or None


def complete_action(action: Action, when: datetime | None = None, *, evidence: str | None = None) -> None:
    """Mark the action done, with what shows it was done if given (kept if not)."""
    text = _evidence_text(evidence)
    action.status = "done"
    action.done_at = when or utcnow()
    if text:
        action.evidence = text
    Session.commit()


def add_evidence(action: Action, evidence: str | None) -> None:
    """Record (or replace) the evidence for an action, done or not."""
    text = _evidence_text(evidence)
    if text is None:
        raise MeetingError("Enter the evidence for the action", field="evidence")
    action.evidence = text
    Session.commit()


# The dated stages of a review, in the order they happen, with their names for messages.
DATED_STAGES: tuple[tuple[str, str], ...] = (
    ("commissioned_on", "commissioned"),
    ("terms_of_reference_on", "terms of reference agreed"),
    ("draft_to_panel_on", "draft report to the panel"),
    ("final_draft_on", "final draft back to the panel"),
    ("signed_off_on", "signed off"),
    ("published_on", "published"),
)
REVIEW_STAGES = ("reviewer", *(k for k, _ in DATED_STAGES), "notes")


def update_review(review: TrackedReview, **stages: Any) -> None:
    """Change the stages of a tracked review (commissioned, reviewer, terms of reference,
    draft to the panel, final draft, sign-off, publication); a stage may not come before
    the one it follows. The message names the first stage out of order (``field``)."""
    for key in stages:
        if key not in REVIEW_STAGES:
            raise KeyError(key)
    latest: tuple[str, date] | None = None
    for key, name in DATED_STAGES:
        when = stages.get(key, getattr(review, key))
        if not when:
            continue
        if latest and when < latest[1]:
            raise MeetingError(
                f"The date {name} must be on or after the date {latest[0]}, "
                f"{latest[1].day} {latest[1]:%B %Y}",
                field=key,
            )
        latest = (name, when)
    for key, value in stages.items():
        setattr(review, key, (value.strip() or None) if isinstance(value, str) else value)
    Session.commit()


# The recommendation whose review the agency may decline (the panel then asks why).
DECLINABLE = frozenset({"single_agency_review"})


def can_decline(review: TrackedReview) -> bool:
    return review.review_kind in DECLINABLE


def decline_review(review: TrackedReview, *, on: date | None, rationale: str | None, today: date | None = None) -> None:
    """Record that the agency declined a single agency review, with its rationale."""
    today = today or date.today()
    if not can_decline(review):
        raise MeetingError("Only a single agency review can be declined by the agency", field="rationale")
    text = (rationale or "").strip()
    if on is None:
        raise MeetingError("Enter the date the agency declined the review", field="on")
    if on > today:
        raise MeetingError("The date the agency declined the review must be today or in the past", field="on")
    if not text:
        raise MeetingError("Enter the agency's rationale for declining the review", field="rationale")
    if len(text) > 5000:
        raise MeetingError("The rationale must be 5,000 characters or fewer", field="rationale")
    review.declined_on = on
    review.declined_rationale = text
    Session.commit()


# -- the tracker as a table (CSV and XLSX export) -------------------------------------------------

TRACKER_COLUMNS: tuple[str, ...] = (
    "Reference",
    "Received",
    "Review types considered",
    "Status",
    "Screening returns received",
    "Screening returns requested",
    "Decision date",
    "Recommendation",
    "How decided",
    "Ratification",
    "Ratified by",
    "Ratified on",
    "Home Office notification",
    "National Panel notification",
    "Local authority aware of the incident",
    *(f"{kind.short} {end}" for kind in CLOCKS.values() for end in ("due", "done") if kind.key != "home_office"),
    "Home Office notification due",
    "Reviewer",
    "Commissioned",
    "Terms of reference agreed",
    "Draft to panel",
    "Final draft back to panel",
    "Signed off",
    "Published",
    "Declined by the agency on",
    "Agency's rationale for declining",
    "Open actions",
    "Overdue actions",
    "Overdue statutory steps",
)
NOT_NEEDED = "Not needed"
NOT_DONE = "Not done"
NO_START = "Start date not recorded"
NOT_RECORDED = "Not recorded"


def tracker_table(partnership: Partnership, today: date) -> list[list[Any]]:
    """One row per referral (``TRACKER_COLUMNS``), values as ``str``, ``int``, ``date`` or None.

    A notification is "Not needed", "Not done" or the date it was sent. A statutory clock's
    due date is "Not needed", "Start date not recorded" or a date; its done date "Not
    needed", "Not done" or a date. Where a referral has more than one tracked review, the
    latest is shown.
    """
    from workflow.decision_tools import recommendation_options
    from workflow.referrals import STATUSES

    labels = recommendation_options(partnership)
    out: list[list[Any]] = []
    for row in tracker(today, partnership):
        r, d = row.referral, row.decision
        review = row.reviews[-1] if row.reviews else None
        sent = {n.key: on for n, on in row.notifications}
        clocks = {c.key: c for c in row.clocks}

        def notice(key: str, sent: dict[str, date | None] = sent) -> Any:
            if key not in sent:
                return NOT_NEEDED
            return sent[key] or NOT_DONE

        def due(key: str, clocks: dict[str, Clock] = clocks) -> Any:
            if key not in clocks:
                return NOT_NEEDED
            return clocks[key].due_on or NO_START

        def done(key: str, clocks: dict[str, Clock] = clocks) -> Any:
            if key not in clocks:
                return NOT_NEEDED
            return clocks[key].done_on or NOT_DONE

        child = any(not CLOCKS[k].on_decision for k in clocks)

        requested, returned = row.screening
        out.append(
            [
                r.reference,
                local_date(r.received_at),
                ", ".join(partnership.review_type_label(t) for t in r.review_types or []),
                STATUSES.get(r.status, r.status),
                returned,
                requested,
                decision_date(d) if d else None,
                labels.get(d.recommendation, d.recommendation) if d else None,
                decision_flags(d, labels) if d else None,
                (RATIFICATIONS.get(d.ratification or "", "Awaiting the board") if d else None),
                d.ratified_by if d and d.ratification else None,
                d.ratified_at if d and d.ratification else None,
                notice("home_office"),
                notice("national_panel"),
                (r.la_aware_on or NOT_RECORDED) if child else NOT_NEEDED,
                *(f(k) for k in CLOCKS if k != "home_office" for f in (due, done)),
                due("home_office"),
                review.reviewer if review else None,
                *((getattr(review, k) if review else None) for k, _ in DATED_STAGES),
                review.declined_on if review else None,
                review.declined_rationale if review else None,
                sum(1 for a in row.actions if a.status == "open"),
                sum(1 for a in row.actions if is_overdue(a, today)),
                len(row.overdue_clocks(today)),
            ]
        )
    return out


def decision_flags(decision: Any, labels: dict[str, str]) -> str:
    """What a reader of the tracker must know of how a decision was taken: at an inquorate
    meeting, whether a disagreement was escalated and what was decided there, and whether
    the board changed the panel's recommendation (to what, from what, by whom and when) or
    referred it back."""
    from workflow.meetings.attendance import NOT_QUORATE_CHOICES

    bits = []
    if decision.meeting_id is None:
        bits.append("Decided without a meeting")
    elif decision.inquorate is None:
        bits.append("Quoracy not recorded with the decision")
    elif decision.inquorate:
        choice = NOT_QUORATE_CHOICES.get(decision.not_quorate_choice or "", "")
        bits.append(f"Taken when not quorate ({choice.lower()})" if choice else "Taken when not quorate")
    if decision.escalated:
        if decision.escalation_outcome:
            on = decision.escalation_decided_on
            bits.append(
                f"Escalated to {decision.escalated_to}; {decision.escalation_decided_by} decided "
                f"{labels.get(decision.escalation_outcome, decision.escalation_outcome)}"
                + (f" on {on.day} {on:%B %Y}" if on else "")
            )
        else:
            bits.append(f"Escalated to {decision.escalated_to}: awaiting their decision")
    if bits:
        if not decision.escalated:
            bits.append("by consensus" if decision.method == "consensus" else "by vote")
    else:
        bits.append("Quorate; by consensus" if decision.method == "consensus" else "Quorate; by vote")
    # A board's change (or referral back) is part of how the decision in force was reached;
    # its ratification alone is in the Ratification column.
    if decision.ratification in ("changed", "referred_back"):
        bits.append(board_answer(decision, labels) or "")
    return "; ".join(b for b in bits if b)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula, kept as text (CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def tracker_csv(partnership: Partnership, today: date) -> bytes:
    """The tracker as CSV: UTF-8 with a byte order mark (so Excel reads it as UTF-8), dates
    as YYYY-MM-DD, formula-like text neutralised."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(TRACKER_COLUMNS)
    for values in tracker_table(partnership, today):
        writer.writerow(
            ["" if v is None else v.isoformat() if isinstance(v, date) else safe_cell(str(v)) if isinstance(v, str) else v
             for v in values]
        )
    return buffer.getvalue().encode("utf-8-sig")


def tracker_xlsx(partnership: Partnership, today: date) -> bytes:
    """The tracker as an Excel workbook: real dates and numbers; every text cell is stored as
    text, so nothing in it is ever run as a formula."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Case tracker"
    sheet.append(list(TRACKER_COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for n, values in enumerate(tracker_table(partnership, today), start=2):
        for col, value in enumerate(values, start=1):
            cell = sheet.cell(row=n, column=col)
            if isinstance(value, str):
                cell.value = value
                cell.data_type = "s"  # openpyxl would otherwise take "=..." as a formula
            else:
                cell.value = value
                if isinstance(value, date):
                    cell.number_format = "d mmm yyyy"
    sheet.freeze_panes = "B2"
    for col, title in enumerate(TRACKER_COLUMNS, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=col).column_letter].width = max(12, min(40, len(title) + 2))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
