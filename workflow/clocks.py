"""Statutory clocks: the steps the law or the partnership's documents give a time limit,
with the date each is due, where the limit comes from, and whether it was done.

A child's case (a referral considered for a Child Safeguarding Practice Review, one whose
decision recommends one, or one about a child under 18) runs the clocks of Working
Together to Safeguard Children 2023, chapter 5, from the day the local authority became
aware of the serious incident:

- the local authority notifies the National Panel of the incident (5 working days);
- the rapid review meeting, only where the partnership's documents set a limit for it
  (Telford & Wrekin: 13 working days);
- the rapid review goes to the National Panel (15 working days), whatever it recommends,
  also where another body runs it (Redbridge's children's partnership).

A decision on a domestic abuse related death (DARDR, formerly DHR) that the panel screens
runs the Home Office notification clock from the day of the decision, review or not.

The limits come from ``partnership.time_limits`` with their sources; working days exclude
weekends and England & Wales bank holidays (``workflow.working_days``). This module is
plain Python: pages, the export, the reminders and the closing check all ask it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from partnerships import Partnership
from partnerships.model import SourceRef
from storage.db import Session
from storage.models import ClockReminder, Decision, Referral
from workflow.referral_answers import iso_date, years_between
from workflow.working_days import add_working_days, working_days_between

SERIOUS_INCIDENT = "serious_incident"
RAPID_REVIEW_MEETING = "rapid_review_meeting"
RAPID_REVIEW = "rapid_review"
HOME_OFFICE = "home_office"

# Referral statuses whose clocks no longer need anyone's attention.
FINISHED_STATUSES = ("closed", "forwarded")

AWARE = "the local authority became aware of the incident"


@dataclass(frozen=True)
class ClockKind:
    """One kind of statutory clock: its time limit (a ``TimeLimits`` field) and where its
    done date is kept (a column of the referral, or of the decision)."""

    key: str
    title: str
    limit: str
    done_column: str
    on_decision: bool = False
    # What the export's columns are called ("<short> due", "<short> done").
    short: str = ""
    # "The date ... " in a message about the done date.
    done_words: str = ""


CLOCKS: dict[str, ClockKind] = {
    k.key: k
    for k in (
        ClockKind(
            SERIOUS_INCIDENT,
            "Serious incident notified to the National Panel by the local authority",
            "serious_incident_notification",
            "serious_incident_notified_on",
            short="Serious incident notification",
            done_words="the serious incident was notified to the National Panel",
        ),
        ClockKind(
            RAPID_REVIEW_MEETING,
            "Rapid review meeting held",
            "rapid_review_meeting",
            "rapid_review_meeting_on",
            short="Rapid review meeting",
            done_words="the rapid review meeting was held",
        ),
        ClockKind(
            RAPID_REVIEW,
            "Rapid review sent to the National Panel, whatever it recommends",
            "national_panel_notification",
            "rapid_review_submitted_on",
            short="Rapid review to the National Panel",
            done_words="the rapid review was sent to the National Panel",
        ),
        ClockKind(
            HOME_OFFICE,
            "Notification to the Home Office of the decision, review or not",
            "home_office_notification",
            "home_office_notified_on",
            on_decision=True,
            short="Home Office notification",
            done_words="the Home Office was notified",
        ),
    )
}


class ClockError(ValueError):
    """A date the business unit must put right; ``field`` names the form field."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


@dataclass(frozen=True)
class Clock:
    """A statutory step of one case: when its clock started, when it is due, when it was
    done (None: not yet) and the source of its time limit."""

    key: str
    title: str
    started_on: date | None
    due_on: date | None
    done_on: date | None
    source: SourceRef
    working_days: int
    # What starts the clock, e.g. "the local authority became aware of the incident".
    starts_when: str = AWARE
    # The body that runs the step where it is not the panel (partnership.yaml pathways).
    run_by: str | None = None

    @property
    def kind(self) -> ClockKind:
        return CLOCKS[self.key]

    @property
    def done(self) -> bool:
        return self.done_on is not None

    @property
    def needs_start(self) -> bool:
        """Not done, and the date that starts the clock is not recorded: no due date."""
        return not self.done and self.started_on is None

    @property
    def done_late(self) -> bool:
        return self.done_on is not None and self.due_on is not None and self.done_on > self.due_on

    def overdue(self, today: date) -> bool:
        """Not done, and the day it was due has passed."""
        return not self.done and self.due_on is not None and today > self.due_on

    def due_soon(self, today: date, within: int) -> bool:
        """Not done, not yet overdue, and due within ``within`` working days of ``today``."""
        return (
            not self.done
            and self.due_on is not None
            and today <= self.due_on
            and working_days_between(today, self.due_on) <= within
        )

    def state(self, today: date) -> str:
        """done | done_late | needs_start | overdue | running"""
        if self.done:
            return "done_late" if self.done_late else "done"
        if self.due_on is None:
            return "needs_start"
        return "overdue" if self.overdue(today) else "running"

    @property
    def limit_text(self) -> str:
        """``within 5 working days of the local authority becoming aware...`` in words."""
        return f"{self.working_days} working days from the day {self.starts_when}"

    def status_text(self, today: date) -> str:
        """What a reader must know of the step, in words (never colour alone)."""
        state = self.state(today)
        if state == "done":
            return f"Done on {_day(self.done_on)}"  # type: ignore[arg-type]
        if state == "done_late":
            return f"Done on {_day(self.done_on)}, after the due date of {_day(self.due_on)}"  # type: ignore[arg-type]
        if state == "needs_start":
            return f"Start date not recorded: enter the date {self.starts_when}"
        due = self.due_on
        assert due is not None
        if state == "overdue":
            late = working_days_between(due, today)
            return f"Overdue: due on {_day(due)} ({late} working day{'s' if late != 1 else ''} ago)"
        left = working_days_between(today, due)
        if left == 0:
            return f"Due today, {_day(due)}"
        return f"Due on {_day(due)} ({left} working day{'s' if left != 1 else ''} left)"


# -- which clocks a case runs ----------------------------------------------------------------


def subject_is_a_child(referral: Referral) -> bool:
    """The subject was under 18 on the day of the incident (or on the day of the referral),
    where the referral gives a date of birth."""
    answers = referral.answers or {}
    born = iso_date(answers.get("subject_date_of_birth"))
    if born is None:
        return False
    on = iso_date(answers.get("incident_date")) or iso_date(answers.get("referral_date"))
    if on is None:
        return False
    return years_between(born, on) < 18


def is_child_case(referral: Referral, decision: Decision | None = None) -> bool:
    """A child's case runs the clocks of Working Together: the referral considered a CSPR,
    its decision recommends one, or its subject is a child (a 16- or 17-year-old victim of
    a domestic abuse related death is also a child case, DOMAIN §11)."""
    from workflow.decision_tools import RECOMMENDATIONS

    if "cspr" in (referral.review_types or []):
        return True
    if decision is not None:
        rec = RECOMMENDATIONS.get(decision.recommendation)
        if rec is not None and rec.review_type == "cspr":
            return True
    return subject_is_a_child(referral)


def has_meeting_clock(partnership: Partnership) -> bool:
    """A rapid review meeting has its own clock only where the partnership's file sets one
    (Telford & Wrekin: "a rapid review meeting which will be held within 13 working days")."""
    return "rapid_review_meeting" in partnership.time_limits.model_fields_set


def _clock(partnership: Partnership, key: str, started: date | None, done: date | None, **extra: Any) -> Clock:
    kind = CLOCKS[key]
    limits = partnership.time_limits
    days = getattr(limits, kind.limit)
    return Clock(
        key=key,
        title=extra.pop("title", kind.title),
        started_on=started,
        due_on=add_working_days(started, days) if started is not None else None,
        done_on=done,
        source=limits.source_of(kind.limit),
        working_days=days,
        **extra,
    )


def clocks_for(partnership: Partnership, referral: Referral, decision: Decision | None = None) -> list[Clock]:
    """The statutory clocks of a referral (and of its decision, if given), in the order the
    steps happen."""
    from workflow.meetings.ratification import decision_date, notifications_for

    out: list[Clock] = []
    if is_child_case(referral, decision):
        step = partnership.rapid_review_by()
        run_by = step.run_by if step is not None else None
        aware = referral.la_aware_on
        out.append(_clock(partnership, SERIOUS_INCIDENT, aware, referral.serious_incident_notified_on))
        if has_meeting_clock(partnership):
            title = CLOCKS[RAPID_REVIEW_MEETING].title + (f" (by {run_by})" if run_by else "")
            out.append(
                _clock(partnership, RAPID_REVIEW_MEETING, aware, referral.rapid_review_meeting_on,
                       title=title, run_by=run_by)
            )
        # DOMAIN §11: where another body runs the rapid review, "the 15-working-day clock and
        # the National Panel submission still apply".
        title = CLOCKS[RAPID_REVIEW].title + (f" (the rapid review is run by {run_by})" if run_by else "")
        out.append(
            _clock(partnership, RAPID_REVIEW, aware, referral.rapid_review_submitted_on, title=title, run_by=run_by)
        )
    if (
        decision is not None
        and "dhr" not in partnership.forwarded
        and any(n.key == HOME_OFFICE for n in notifications_for(decision))
    ):
        out.append(
            _clock(partnership, HOME_OFFICE, decision_date(decision), decision.home_office_notified_on,
                   starts_when="the panel decided")
        )
    return out


def latest_decision(referral: Referral) -> Decision | None:
    return Session.scalar(
        select(Decision).where(Decision.referral_id == referral.id).order_by(Decision.id.desc()).limit(1)
    )


def outstanding_steps(partnership: Partnership, referral: Referral, decision: Decision | None = None) -> list[str]:
    """Each statutory step of the case not yet done, in words: its clocks and the
    notifications its latest decision needs. A case with any cannot be closed."""
    from workflow.meetings.ratification import notification_status

    decision = decision if decision is not None else latest_decision(referral)
    clocks = clocks_for(partnership, referral, decision)
    out = []
    for c in clocks:
        if not c.done:
            out.append(
                c.title + (" (the date the local authority became aware is not recorded)" if c.needs_start else "")
            )
    keys = {c.key for c in clocks}
    for notification, on in notification_status(decision):
        if on is None and notification.key not in keys:
            out.append(notification.label)
    return out


# -- recording the dates of a child's case ---------------------------------------------------

# The referral's dates the business unit records, and what each is, for messages.
DATE_WORDS: dict[str, str] = {
    "la_aware_on": AWARE,
    **{k.done_column: k.done_words for k in CLOCKS.values() if not k.on_decision},
}


def date_fields(partnership: Partnership, referral: Referral, decision: Decision | None = None) -> list[str]:
    """The referral's dates its clocks use: the day the local authority became aware, then
    each step's done date. Empty when the case runs no referral clock."""
    clocks = [c for c in clocks_for(partnership, referral, decision) if not CLOCKS[c.key].on_decision]
    if not clocks:
        return []
    return ["la_aware_on", *(CLOCKS[c.key].done_column for c in clocks)]


def record_dates(
    partnership: Partnership,
    referral: Referral,
    values: dict[str, date | None],
    *,
    decision: Decision | None = None,
    today: date | None = None,
) -> dict[str, str | None]:
    """Record the day the local authority became aware and the day each step was done.

    No date may be in the future; a step cannot be done before the local authority became
    aware, nor recorded without that date. A date left out of ``values`` is kept; None
    clears it. Returns what changed (field: ISO date or None), for the audit log."""
    today = today or date.today()
    allowed = date_fields(partnership, referral, decision)
    if not allowed:
        raise ClockError(f"Referral {referral.reference} is not a child's case: it has no statutory clocks to record")
    unknown = set(values) - set(allowed)
    if unknown:
        raise KeyError(", ".join(sorted(unknown)))
    merged = {f: values[f] if f in values else getattr(referral, f) for f in allowed}
    for field in allowed:
        given = merged[field]
        if given is not None and given > today:
            raise ClockError(f"The date {DATE_WORDS[field]} must be today or in the past", field=field)
    aware = merged["la_aware_on"]
    for field in allowed[1:]:
        done = merged[field]
        if done is None:
            continue
        if aware is None:
            raise ClockError(
                f"Enter the date {AWARE}: the statutory clocks start from it", field="la_aware_on"
            )
        if done < aware:
            raise ClockError(
                f"The date {DATE_WORDS[field]} must be on or after the date {AWARE}, {_day(aware)}",
                field=field,
            )
    changed: dict[str, str | None] = {}
    for field, value in merged.items():
        if getattr(referral, field) != value:
            setattr(referral, field, value)
            changed[field] = value.isoformat() if value else None
    Session.commit()
    return changed


# -- what needs attention: the home page and the reminders -----------------------------------


@dataclass(frozen=True)
class CaseClock:
    referral: Referral
    clock: Clock


def open_cases() -> list[tuple[Referral, Decision | None]]:
    """Every referral not closed or forwarded, with its latest decision, newest first."""
    referrals = Session.scalars(
        select(Referral)
        .where(Referral.status.not_in(FINISHED_STATUSES))
        .order_by(Referral.received_at.desc(), Referral.id.desc())
    ).all()
    decisions: dict[int, Decision] = {}
    if referrals:
        ids = [r.id for r in referrals]
        for d in Session.scalars(select(Decision).where(Decision.referral_id.in_(ids)).order_by(Decision.id)):
            decisions[d.referral_id] = d
    return [(r, decisions.get(r.id)) for r in referrals]


def open_clocks(partnership: Partnership) -> list[CaseClock]:
    return [
        CaseClock(r, c) for r, d in open_cases() for c in clocks_for(partnership, r, d) if not c.done
    ]


def overdue_clocks(
    partnership: Partnership, today: date, case_clocks: list[CaseClock] | None = None
) -> list[CaseClock]:
    """The statutory steps not done by their due date, of cases still open, soonest due first
    (of ``case_clocks`` when the caller has read them already)."""
    found = [cc for cc in (open_clocks(partnership) if case_clocks is None else case_clocks) if cc.clock.overdue(today)]
    return sorted(found, key=lambda cc: (cc.clock.due_on, cc.referral.reference))


def clocks_without_start(
    partnership: Partnership, case_clocks: list[CaseClock] | None = None
) -> list[CaseClock]:
    """Open cases' clocks that cannot run because the day they start from is not recorded."""
    return [cc for cc in (open_clocks(partnership) if case_clocks is None else case_clocks) if cc.clock.needs_start]


@dataclass(frozen=True)
class Reminder:
    referral: Referral
    clock: Clock
    state: str  # "due_soon" | "overdue"


def due_reminders(partnership: Partnership, today: date | None = None) -> list[Reminder]:
    """Reminders to send the business unit today: a clock due within
    ``time_limits.clock_reminder`` working days, or overdue; each clock once in each state
    for the same due date."""
    today = today or date.today()
    within = partnership.time_limits.clock_reminder
    sent = {
        (r.referral_id, r.clock, r.state, r.due_on)
        for r in Session.scalars(select(ClockReminder))
    }
    out = []
    for cc in open_clocks(partnership):
        clock = cc.clock
        if clock.overdue(today):
            state = "overdue"
        elif clock.due_soon(today, within):
            state = "due_soon"
        else:
            continue
        if (cc.referral.id, clock.key, state, clock.due_on) not in sent:
            out.append(Reminder(cc.referral, clock, state))
    return out


def mark_reminded(reminder: Reminder) -> None:
    Session.add(
        ClockReminder(
            referral_id=reminder.referral.id,
            clock=reminder.clock.key,
            state=reminder.state,
            due_on=reminder.clock.due_on,
        )
    )
    Session.commit()
