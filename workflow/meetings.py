"""Meetings of the panel, in plain Python: scheduling, agenda, attendance and quoracy,
declarations of interest, decisions and votes, ratification, the case tracker, the
decision and action log, and the agenda and draft minutes as Word documents.

The rules themselves live beside this module and are only called from here:
``workflow.quorum`` (who must be present), ``workflow.votes`` (one vote per agency, the
chair's casting vote), ``workflow.decision_tools`` (the review criteria),
``workflow.methodologies`` (Appendix D) and ``workflow.conflicts`` (what a ruling on a
declaration of interest allows). Everything that differs between partnerships comes from
the :class:`~partnerships.Partnership` given.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from document_templates.contexts import THINK_FAMILY_STATEMENT
from document_templates.render import render_docx
from partnerships import Partnership
from storage.db import Session, utcnow
from storage.files import FileStore
from storage.models import (
    Action,
    AgendaItem,
    Attendance,
    Decision,
    Declaration,
    Meeting,
    Referral,
    TrackedReview,
    User,
    VirtualRatification,
    VoteRecord,
)
from workflow import working_days
from workflow.working_days import local_date

THINK_FAMILY = THINK_FAMILY_STATEMENT


class MeetingError(ValueError):
    """Something the user must put right; the message says what, in words for a page.

    ``field``, when given, names the form field the message belongs to.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


# -- the standing agenda (Wolverhampton One Panel terms of reference, DOMAIN §7) ---------


@dataclass(frozen=True)
class StandingItem:
    key: str
    title: str
    lead: str
    notes: str | None = None
    # Which added items are listed under this one (AgendaItem.kind), if any.
    holds: str | None = None


STANDING_ITEMS: tuple[StandingItem, ...] = (
    StandingItem("think_family", "Think Family statement", "Chair", THINK_FAMILY),
    StandingItem("matters_arising", "Matters arising and action log", "Chair"),
    StandingItem("case_tracker", "Case tracker review", "Business unit", holds="tracked_case"),
    StandingItem("new_referrals", "New referrals", "Chair", holds="new_referral"),
    StandingItem(
        "panel_business",
        "Panel business",
        "Chair",
        "Exception reports; sign-off of action plans and learning lessons briefings; "
        "single agency reviews; referrals to other groups",
        holds="panel_business",
    ),
    StandingItem("national_panel", "Learning from the National Panel", "Business unit"),
)
_STANDING_BY_TITLE = {s.title: s for s in STANDING_ITEMS}

MEETING_KINDS = {"ordinary": "Ordinary meeting", "extraordinary": "Extraordinary meeting"}
ATTENDANCE_STATUSES = {"present": "Present", "apologies": "Apologies", "absent": "Absent"}
ATTENDANCE_ROLES = {"member": "Member", "deputy": "Deputy", "chair": "Chair", "other": "Other"}
NOT_QUORATE_CHOICES = {
    "reschedule": "Reschedule the meeting",
    "continue": "Continue the meeting",
    "virtual_ratification": "Continue, with key decisions ratified virtually by the missing members",
}
RATIFICATIONS = {"ratified": "Ratified", "changed": "Changed", "referred_back": "Referred back"}
# Referrals that may be put on an agenda (DOMAIN §3: received or in screening).
AGENDA_READY_STATUSES = ("received", "screening")


# -- scheduling and deadlines ----------------------------------------------------------------

_MONTHS_BETWEEN = {"monthly": 1, "bi-monthly": 2, "quarterly": 3}


@dataclass(frozen=True)
class Deadlines:
    """When agenda items and papers are due for a meeting on ``meeting_date``."""

    meeting_date: date
    agenda_items: date  # calendar days before (partnership.meetings.agenda_item_deadline_days)
    papers: date  # working days before (partnership.meetings.papers_deadline_working_days)

    def agenda_items_passed(self, today: date) -> bool:
        return today > self.agenda_items

    def papers_passed(self, today: date) -> bool:
        return today > self.papers


def deadlines(partnership: Partnership, meeting_date: date) -> Deadlines:
    settings = partnership.meetings
    return Deadlines(
        meeting_date=meeting_date,
        agenda_items=meeting_date - timedelta(days=settings.agenda_item_deadline_days),
        papers=working_days.working_days_before(meeting_date, settings.papers_deadline_working_days),
    )


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> date:
    """The ``nth`` (1-based; 5 means the last) ``weekday`` of a month."""
    days = [d for d in calendar.Calendar().itermonthdates(year, month) if d.month == month and d.weekday() == weekday]
    return days[min(nth, len(days)) - 1]


def suggest_dates(
    partnership: Partnership, *, today: date, last: date | None = None, count: int = 3
) -> list[date]:
    """The next ordinary meeting dates from ``partnership.meetings.frequency``.

    Meetings keep the pattern of the last one (e.g. the second Thursday of the month),
    every one, two or three months; a date that is not a working day moves to the next
    working day. A partnership that meets "as needed" gets no suggestions.
    """
    step = _MONTHS_BETWEEN.get(partnership.meetings.frequency)
    if step is None:
        return []
    base = last or today
    weekday, nth = base.weekday(), (base.day - 1) // 7 + 1
    out: list[date] = []
    months = step
    while len(out) < count and months < 12 * 5:
        y, m = divmod(base.month - 1 + months, 12)
        candidate = _nth_weekday(base.year + y, m + 1, weekday, nth)
        while not working_days.is_working_day(candidate):
            candidate += timedelta(days=1)
        if candidate > today:
            out.append(candidate)
        months += step
    return out


def last_meeting_date() -> date | None:
    return Session.scalar(
        select(Meeting.date).where(Meeting.status != "cancelled").order_by(Meeting.date.desc())
    )


def schedule_meeting(
    *,
    when: date,
    start_time: time | None,
    location: str | None,
    kind: str = "ordinary",
    invitees: Iterable[User] = (),
) -> Meeting:
    """A new meeting with the standing agenda, every panel member and the chair invited."""
    if kind not in MEETING_KINDS:
        raise MeetingError("Select whether this is an ordinary or an extraordinary meeting")
    meeting = Meeting(date=when, start_time=start_time, location=location or None, kind=kind)
    Session.add(meeting)
    for n, standing in enumerate(STANDING_ITEMS, start=1):
        meeting.items.append(
            AgendaItem(position=n, kind="standing", title=standing.title, notes=standing.notes)
        )
    invite(meeting, invitees)
    Session.commit()
    return meeting


def panel_invitees() -> list[User]:
    """Everyone invited to an ordinary meeting: active panel members and chairs."""
    return list(
        Session.scalars(
            select(User)
            .where(User.active.is_(True), User.role.in_(("chair", "panel_member")))
            .order_by(User.role, User.name, User.id)
        )
    )


def invite(meeting: Meeting, users: Iterable[User]) -> list[Attendance]:
    """Add an invitation (an Attendance row, status not yet recorded) for each new person.

    The chair is invited as chair; a panel member who is another member's nominated
    deputy as deputy; every other panel member as member.
    """
    users = list(users)
    deputies = {u.deputy_id for u in users if u.deputy_id}
    already = {a.user_id for a in meeting.attendees if a.user_id}
    added = []
    for user in users:
        if user.id in already:
            continue
        role = "chair" if user.role == "chair" else "deputy" if user.id in deputies else "member"
        row = Attendance(user_id=user.id, name=user.name, agency_id=user.agency_id, role=role)
        meeting.attendees.append(row)
        added.append(row)
    return added


def is_invited(meeting: Meeting, user_id: int) -> bool:
    return any(a.user_id == user_id for a in meeting.attendees)


# -- the agenda ---------------------------------------------------------------------------------


def _standing_of(item: AgendaItem) -> StandingItem | None:
    return _STANDING_BY_TITLE.get(item.title) if item.kind == "standing" else None


def _ordered(items: Sequence[AgendaItem]) -> list[AgendaItem]:
    """Standing items in their order; each added item under the standing item that holds it."""
    standing = [i for i in items if i.kind == "standing"]
    added = [i for i in items if i.kind != "standing"]
    out: list[AgendaItem] = []
    placed: set[int] = set()
    for s in sorted(standing, key=lambda i: i.position):
        out.append(s)
        holder = _standing_of(s)
        if holder and holder.holds:
            for a in sorted(added, key=lambda i: (i.position, i.id or 0)):
                if a.kind == holder.holds:
                    out.append(a)
                    placed.add(id(a))
    out += [a for a in sorted(added, key=lambda i: i.position) if id(a) not in placed]
    return out


def _renumber(meeting: Meeting) -> None:
    for n, item in enumerate(_ordered(meeting.items), start=1):
        item.position = n


def agenda_numbers(meeting: Meeting) -> dict[int, str]:
    """Item numbers as printed: "4" for a standing item, "4.1" for a referral under it."""
    numbers: dict[int, str] = {}
    top = sub = 0
    for item in _ordered(meeting.items):
        if item.kind == "standing":
            top += 1
            sub = 0
            numbers[item.id] = str(top)
        else:
            sub += 1
            numbers[item.id] = f"{top}.{sub}" if top else str(sub)
    return numbers


def ordered_items(meeting: Meeting) -> list[AgendaItem]:
    return _ordered(meeting.items)


def referrals_ready_for_agenda() -> list[Referral]:
    return list(
        Session.scalars(
            select(Referral)
            .where(Referral.status.in_(AGENDA_READY_STATUSES))
            .order_by(Referral.received_at, Referral.id)
        )
    )


def add_referral(meeting: Meeting, referral: Referral) -> AgendaItem:
    """Put a new referral on the agenda; the referral's status becomes "on an agenda"."""
    if referral.status not in AGENDA_READY_STATUSES:
        raise MeetingError(f"Referral {referral.reference} is not waiting for a panel meeting")
    received = local_date(referral.received_at)
    if received is not None and meeting.date < received:
        raise MeetingError(
            f"Referral {referral.reference} was received on {received.day} {received:%B %Y}, "
            f"after this meeting of {meeting.date.day} {meeting.date:%B %Y}"
        )
    item = AgendaItem(
        kind="new_referral",
        title=f"New referral {referral.reference}",
        referral_id=referral.id,
        position=len(meeting.items) + 1,
    )
    meeting.items.append(item)
    referral.status = "on_agenda"
    _renumber(meeting)
    Session.commit()
    return item


def add_item(meeting: Meeting, kind: str, title: str, referral: Referral | None = None) -> AgendaItem:
    """Add a tracked case or an item of panel business."""
    if kind not in ("tracked_case", "panel_business"):
        raise MeetingError("Select what kind of item this is")
    title = (title or "").strip()
    if not title and referral is not None:
        title = f"Tracked case {referral.reference}"
    if not title:
        raise MeetingError("Enter the title of the item")
    item = AgendaItem(
        kind=kind,
        title=title[:300],
        referral_id=referral.id if referral else None,
        position=len(meeting.items) + 1,
    )
    meeting.items.append(item)
    _renumber(meeting)
    Session.commit()
    return item


def tracked_referrals() -> list[Referral]:
    """Referrals with a review in the case tracker (candidates for a tracked-case item)."""
    return list(
        Session.scalars(
            select(Referral)
            .where(Referral.id.in_(select(TrackedReview.referral_id)))
            .order_by(Referral.id)
        )
    )


# -- attendance and quoracy -------------------------------------------------------------------


def attendees_for_quorum(meeting: Meeting) -> list[Any]:
    from workflow.quorum import Attendee

    return [
        Attendee(agency_id=a.agency_id, person=a.name, role=a.role, status=a.status)
        for a in meeting.attendees
    ]


def quoracy(partnership: Partnership, meeting: Meeting) -> Any:
    """The live quoracy of the meeting (``workflow.quorum.QuorumResult``)."""
    from workflow.quorum import check_quorum

    return check_quorum(partnership, attendees_for_quorum(meeting))


def attendance_recorded(meeting: Meeting) -> bool:
    return any(a.status for a in meeting.attendees)


@dataclass(frozen=True)
class NonAttendance:
    """A member agency not represented at the meetings listed (newest first)."""

    agency_id: str
    agency_name: str
    missed: tuple[date, ...]


def non_attendance(partnership: Partnership, upto: Meeting) -> list[NonAttendance]:
    """Member agencies to escalate as of ``upto``: invited, and not represented (nobody of
    theirs present, member or deputy) at each of the last
    ``meetings.escalate_non_attendance_after`` meetings whose attendance was recorded."""
    needed = partnership.meetings.escalate_non_attendance_after
    if not needed:
        return []
    # Only the last ``needed`` meetings with attendance recorded are read, not every past one.
    recent = list(Session.scalars(
        select(Meeting)
        .where(Meeting.date <= upto.date, Meeting.attendees.any(Attendance.status.is_not(None)))
        .order_by(Meeting.date.desc(), Meeting.id.desc())
        .limit(needed)
    ))
    if len(recent) < needed:
        return []
    out = []
    for agency in partnership.agencies:
        rows = [[a for a in m.attendees if a.agency_id == agency.id] for m in recent]
        if all(rows) and not any(a.status == "present" for row in rows for a in row):
            out.append(NonAttendance(agency.id, agency.name, tuple(m.date for m in recent)))
    return out


def record_attendance(meeting: Meeting, changes: Mapping[int, tuple[str | None, str | None]]) -> None:
    """Record ``{attendance id: (status, role)}``; status present/apologies/absent."""
    rows = {a.id: a for a in meeting.attendees}
    for attendance_id, (status, role) in changes.items():
        row = rows.get(attendance_id)
        if row is None:
            raise MeetingError("That person is not invited to this meeting")
        if status not in (None, "", *ATTENDANCE_STATUSES):
            raise MeetingError(f"Select whether {row.name} was present, sent apologies or was absent")
        if role and role not in ATTENDANCE_ROLES:
            raise MeetingError(f"Select whether {row.name} attended as member or deputy")
        row.status = status or None
        if role:
            row.role = role
    Session.commit()


def add_attendee(meeting: Meeting, *, name: str, agency_id: str | None, role: str, partnership: Partnership) -> Attendance:
    """Someone without an account who attends (e.g. a deputy who is not a panel user)."""
    name = (name or "").strip()
    if not name:
        raise MeetingError("Enter the name of the person attending")
    if agency_id and agency_id not in partnership.agency_ids:
        raise MeetingError("Select the agency the person attends for")
    if role not in ATTENDANCE_ROLES:
        raise MeetingError("Select whether the person attends as member or deputy")
    row = Attendance(name=name[:200], agency_id=agency_id or None, role=role, status="present")
    meeting.attendees.append(row)
    Session.commit()
    return row


def not_quorate_options(partnership: Partnership) -> dict[str, str]:
    """The chair's options when the meeting is not quorate, as this partnership allows."""
    return {c: NOT_QUORATE_CHOICES[c] for c in partnership.quorum.when_not_quorate}


def _member_name_for(meeting: Meeting, agency_id: str, partnership: Partnership) -> str:
    invited = [a for a in meeting.attendees if a.agency_id == agency_id and a.role in ("member", "chair")]
    invited = invited or [a for a in meeting.attendees if a.agency_id == agency_id]
    return invited[0].name if invited else f"The member for {partnership.agency(agency_id).name}"


def choose_when_not_quorate(
    partnership: Partnership,
    meeting: Meeting,
    choice: str,
    ratifiers: Mapping[str, str] | None = None,
) -> list[VirtualRatification]:
    """Record the chair's choice when the meeting is not quorate.

    ``virtual_ratification`` (where the partnership allows it) asks each missing agency's
    named member to ratify the key decisions; each request is tracked until ratified.
    ``ratifiers`` may name the member for an agency; otherwise the invited member is named.
    """
    if choice not in partnership.quorum.when_not_quorate:
        raise MeetingError("Select what the meeting will do")
    result = quoracy(partnership, meeting)
    if result.quorate:
        raise MeetingError("The meeting is quorate: there is nothing to decide")
    meeting.not_quorate_choice = choice
    made: list[VirtualRatification] = []
    if choice == "reschedule":
        meeting.status = "cancelled"
    if choice == "virtual_ratification":
        existing = {
            r.agency_id
            for r in Session.scalars(select(VirtualRatification).where(VirtualRatification.meeting_id == meeting.id))
        }
        for agency_id in missing_agency_ids(partnership, meeting, result):
            if agency_id in existing:
                continue
            name = ((ratifiers or {}).get(agency_id) or "").strip() or _member_name_for(meeting, agency_id, partnership)
            row = VirtualRatification(meeting_id=meeting.id, agency_id=agency_id, member_name=name[:200])
            Session.add(row)
            made.append(row)
    Session.commit()
    return made


def missing_agency_ids(partnership: Partnership, meeting: Meeting, result: Any | None = None) -> list[str]:
    """The agencies the quorum still needs, as agency ids.

    Where a rule names a sector rather than an agency, the agencies of that sector that
    were invited (or, failing that, all of that sector's agencies) are named.
    """
    result = result or quoracy(partnership, meeting)
    known = set(partnership.agency_ids)
    out: list[str] = []
    for entry in result.missing_agencies:
        candidates = [entry] if entry in known else [
            a.id for a in partnership.agencies if entry in a.sectors
        ]
        invited = [c for c in candidates if any(x.agency_id == c for x in meeting.attendees)]
        for c in invited or candidates:
            if c not in out:
                out.append(c)
    return out


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


# -- circulating papers -------------------------------------------------------------------------


@dataclass(frozen=True)
class Circulation:
    recipients: list[str]
    late: bool
    deadline: date


def circulate_papers(partnership: Partnership, meeting: Meeting, *, now: datetime | None = None) -> Circulation:
    """Note that the papers went out now; who to tell (invited people with an account).

    The e-mail itself is sent by the caller; it carries a link, never the papers.
    """
    now = now or utcnow()
    meeting.papers_circulated_at = now
    Session.commit()
    d = deadlines(partnership, meeting.date)
    emails: list[str] = []
    for a in meeting.attendees:
        if a.user is not None and a.user.active and a.user.email not in emails:
            emails.append(a.user.email)
    return Circulation(emails, d.papers_passed(now.date()), d.papers)


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


# -- decisions ------------------------------------------------------------------------------------


def tools_for(referral: Referral) -> list[str]:
    """The decision tools for the review types the referral considered (all when unsure)."""
    from workflow.decision_tools import TOOLS

    wanted = [t for t in (referral.review_types or []) if t in TOOLS]
    return wanted or list(TOOLS)


def visible_questions(tool_id: str, answers: Mapping[str, Any]) -> list[Any]:
    """The tool's questions whose ``shown_if`` holds for the answers so far."""
    from workflow.decision_tools import TOOLS

    return [q for q in TOOLS[tool_id].questions if _shown(q, answers)]


def _shown(question: Any, answers: Mapping[str, Any]) -> bool:
    cond = getattr(question, "shown_if", None)
    if not cond:
        return True
    if callable(cond):
        return bool(cond(answers))
    if isinstance(cond, Mapping):
        return all(
            (answers.get(k) in v) if isinstance(v, list | tuple | set | frozenset) else answers.get(k) == v
            for k, v in cond.items()
        )
    return True


def evaluate_tools(tool_answers: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """``{tool id: {outcome, label, reasons, missing}}`` for the answers given."""
    from workflow.decision_tools import evaluate

    out: dict[str, dict[str, Any]] = {}
    for tool_id, answers in tool_answers.items():
        result = evaluate(tool_id, dict(answers))
        out[tool_id] = {
            "outcome": result.outcome,
            "label": result.label,
            "reasons": list(result.reasons),
            "missing": list(result.missing),
        }
    return out


def recommendations() -> dict[str, str]:
    from workflow.decision_tools import recommendation_options

    return recommendation_options()


def methodology_options() -> dict[str, str]:
    from workflow.methodologies import METHODOLOGIES

    return {m.id: m.name for m in METHODOLOGIES.values()}


REVIEW_KINDS_NOT_TRACKED = frozenset({"no_further_action", "no_review", "none"})


def recommends_review(recommendation: str) -> bool:
    return recommendation not in REVIEW_KINDS_NOT_TRACKED


def suggested_lead(tool_outcomes: Mapping[str, Mapping[str, Any]]) -> str | None:
    """Which process leads when several review types apply (``lead_process``)."""
    from workflow.decision_tools import lead_process

    applicable = [t for t, o in tool_outcomes.items() if _applies(o.get("outcome"))]
    if len(applicable) < 2:
        return applicable[0] if applicable else None
    return lead_process(applicable)


def _applies(outcome: str | None) -> bool:
    return bool(outcome) and outcome.startswith("statutory")


def record_decision(
    meeting: Meeting | None,
    item: AgendaItem,
    *,
    tool_answers: Mapping[str, Mapping[str, Any]],
    recommendation: str,
    lead_process: str | None,
    methodology: str | None,
    rationale: str,
    recorded_by_id: int | None,
) -> Decision:
    """The panel's decision on the referral of ``item``, with the tools' suggestions.

    When it recommends a review the review goes into the case tracker.
    """
    referral = item.referral
    if referral is None:
        raise MeetingError("This agenda item has no referral to decide on")
    if recommendation not in recommendations():
        raise MeetingError("Select the panel's recommendation")
    if not (rationale or "").strip():
        raise MeetingError("Enter the rationale for the decision")
    outcomes = evaluate_tools(tool_answers)
    decision = Decision(
        referral_id=referral.id,
        meeting_id=meeting.id if meeting else None,
        agenda_item_id=item.id,
        tool_answers={k: dict(v) for k, v in tool_answers.items()},
        tool_outcomes=outcomes,
        recommendation=recommendation,
        lead_process=lead_process or None,
        methodology=methodology or None,
        rationale=rationale.strip(),
        method="consensus",
        recorded_by_id=recorded_by_id,
    )
    Session.add(decision)
    referral.status = "decided"
    Session.flush()
    if recommends_review(recommendation):
        Session.add(TrackedReview(referral_id=referral.id, decision_id=decision.id, review_kind=recommendation))
    Session.commit()
    return decision


@dataclass(frozen=True)
class Voter:
    """An agency that may vote on an item, and who speaks for it."""

    agency_id: str
    agency_name: str
    person: str


@dataclass
class VotingRoll:
    voters: list[Voter] = field(default_factory=list)
    # Agencies present whose every present person withdrew for a conflict.
    withdrawn_agencies: list[str] = field(default_factory=list)
    withdrawn_people: list[str] = field(default_factory=list)
    chair_name: str | None = None


def voting_roll(partnership: Partnership, meeting: Meeting, item: AgendaItem) -> VotingRoll:
    """The present voting agencies, one voter each, leaving out people ruled out of the decision."""
    out_ids = withdrawn_from_decision(meeting, item)
    roll = VotingRoll(withdrawn_people=sorted(out_ids.values()))
    present = [a for a in meeting.attendees if a.status == "present" and a.agency_id]
    chair = next((a for a in meeting.attendees if a.role == "chair" and a.status == "present"), None)
    roll.chair_name = chair.name if chair else None
    order = {"member": 0, "chair": 1, "deputy": 2, "other": 3}
    for agency in partnership.agencies:
        if not agency.voting:
            continue
        here = sorted((a for a in present if a.agency_id == agency.id), key=lambda a: order.get(a.role, 9))
        if not here:
            continue
        eligible = [a for a in here if a.user_id is None or a.user_id not in out_ids]
        if eligible:
            roll.voters.append(Voter(agency.id, agency.name, eligible[0].name))
        else:
            roll.withdrawn_agencies.append(agency.id)
    return roll


def record_votes(
    partnership: Partnership,
    decision: Decision,
    votes: Sequence[tuple[str, str, str]],
    *,
    dissent: Mapping[str, str] | None = None,
    chair_choice: str | None = None,
    withdrawn_agencies: Sequence[str] = (),
    withdrawn_people: Sequence[str] = (),
) -> Any:
    """Record one vote per agency (agency id, person, choice) and tally them.

    The outcome becomes the panel's recommendation; a tie with no casting vote is
    escalated (``partnership.voting.escalate_disagreement_to``) and tracked until resolved.
    A dissenting agency's rationale is kept with its vote.
    """
    from workflow.votes import Vote, tally

    allowed = recommendations()
    for _agency, _person, choice in votes:
        if choice not in allowed:
            raise MeetingError("Select each agency's vote")
    if not votes:
        raise MeetingError("Record at least one agency's vote")
    result = tally(
        partnership,
        [Vote(agency_id=a, person=p, choice=c) for a, p, c in votes],
        withdrawn_agencies=tuple(withdrawn_agencies),
        withdrawn_people=tuple(withdrawn_people),
        chair_choice=chair_choice or None,
    )
    decision.votes.clear()
    Session.flush()
    for a, p, c in votes:
        note = (dissent or {}).get(a)
        decision.votes.append(
            VoteRecord(
                agency_id=a,
                person=p,
                choice=c,
                dissent_rationale=(note or "").strip() or None
                if result.outcome and c != result.outcome
                else None,
            )
        )
    decision.vote_counts = dict(result.counts)
    decision.method = result.method
    decision.escalated = bool(result.escalate)
    decision.escalated_to = result.escalate_to if result.escalate else None
    if result.outcome and result.outcome != decision.recommendation:
        decision.recommendation = result.outcome
        _sync_tracked_review(decision)
    Session.commit()
    return result


def _sync_tracked_review(decision: Decision) -> None:
    reviews = list(Session.scalars(select(TrackedReview).where(TrackedReview.decision_id == decision.id)))
    if recommends_review(decision.recommendation):
        if reviews:
            for r in reviews:
                r.review_kind = decision.recommendation
        else:
            Session.add(
                TrackedReview(
                    referral_id=decision.referral_id, decision_id=decision.id, review_kind=decision.recommendation
                )
            )
    else:
        for r in reviews:
            if not (r.commissioned_on or r.reviewer):
                Session.delete(r)


def resolve_escalation(decision: Decision, when: datetime | None = None) -> None:
    if not decision.escalated:
        raise MeetingError("This decision was not escalated")
    decision.escalation_resolved_at = when or utcnow()
    Session.commit()


def board_for(partnership: Partnership, decision: Decision) -> Any:
    from workflow.letters import review_type_of

    return partnership.boards[review_type_of(decision, decision.referral)]


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
        # The safeguarding partners tell the National Panel of a local CSPR.
        Notification(
            "national_panel",
            "Notification to the National Child Safeguarding Practice Review Panel",
            "national_panel_notified_on",
            "cspr",
            ("the Department for Education", "Ofsted"),
        ),
    )
}


def notifications_for(decision: Decision | None) -> list[Notification]:
    """The notifications ``decision`` needs: one for each statutory review type it recommends
    that has a notification (the National Panel for a CSPR), and the Home Office's for any
    decision on a referral considered for a DHR, whatever the outcome."""
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


def decisions_for(meeting: Meeting) -> list[Decision]:
    return list(Session.scalars(select(Decision).where(Decision.meeting_id == meeting.id).order_by(Decision.id)))


# -- case tracker and the decision and action log ------------------------------------------------


@dataclass
class TrackerRow:
    referral: Referral
    decision: Decision | None
    reviews: list[TrackedReview]
    actions: list[Action]
    # (requested, returned) screening requests for the referral
    screening: tuple[int, int] = (0, 0)

    @property
    def notifications(self) -> list[tuple[Notification, date | None]]:
        return notification_status(self.decision)


RETURNED_STATUSES = ("returned", "nil_return", "accepted")


def tracker(today: date) -> list[TrackerRow]:
    """Every referral with its latest decision, tracked reviews, actions and screening returns."""
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
    "Ratification",
    "Ratified by",
    "Ratified on",
    "Home Office notification",
    "National Panel notification",
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
)
NOT_NEEDED = "Not needed"
NOT_DONE = "Not done"


def tracker_table(partnership: Partnership, today: date) -> list[list[Any]]:
    """One row per referral (``TRACKER_COLUMNS``), values as ``str``, ``int``, ``date`` or None.

    A notification is "Not needed", "Not done" or the date it was sent. Where a referral has
    more than one tracked review, the latest is shown.
    """
    from workflow.decision_tools import recommendation_options
    from workflow.referrals import STATUSES

    labels = recommendation_options(partnership)
    out: list[list[Any]] = []
    for row in tracker(today):
        r, d = row.referral, row.decision
        review = row.reviews[-1] if row.reviews else None
        sent = {n.key: on for n, on in row.notifications}

        def notice(key: str, sent: dict[str, date | None] = sent) -> Any:
            if key not in sent:
                return NOT_NEEDED
            return sent[key] or NOT_DONE

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
                (RATIFICATIONS.get(d.ratification or "", "Awaiting the board") if d else None),
                d.ratified_by if d and d.ratification else None,
                d.ratified_at if d and d.ratification else None,
                notice("home_office"),
                notice("national_panel"),
                review.reviewer if review else None,
                *((getattr(review, k) if review else None) for k, _ in DATED_STAGES),
                review.declined_on if review else None,
                review.declined_rationale if review else None,
                sum(1 for a in row.actions if a.status == "open"),
                sum(1 for a in row.actions if is_overdue(a, today)),
            ]
        )
    return out


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


# -- documents --------------------------------------------------------------------------------------


def _long_date(d: date | None) -> str:
    return f"{d:%A} {d.day} {d:%B %Y}" if d else ""


def _short_date(d: date | datetime | None) -> str:
    return f"{d.day} {d:%B %Y}" if d else ""


def _common(partnership: Partnership, meeting: Meeting) -> dict[str, Any]:
    start = meeting.start_time
    if start:
        end = (datetime.combine(meeting.date, start) + timedelta(minutes=partnership.meetings.duration_minutes)).time()
        when = f"{start:%H:%M} to {end:%H:%M}"
    else:
        when = ""
    return {
        "partnership": {
            "name": partnership.name,
            "address": ", ".join(partnership.address),
            "telephone": "",
            "email": str(partnership.secretariat_email),
        },
        "panel_name": f"{partnership.short_name} {partnership.screening_body}",
        "meeting": {"date": _long_date(meeting.date), "time": when, "venue": meeting.location or ""},
        "think_family_statement": THINK_FAMILY,
        "next_meeting_date": _long_date(_next_meeting(meeting)),
    }


def _next_meeting(meeting: Meeting) -> date | None:
    return Session.scalar(
        select(Meeting.date)
        .where(Meeting.date > meeting.date, Meeting.status != "cancelled")
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
        or f"by {_short_date(deadlines(partnership, meeting.date).papers)}",
    }


def quoracy_statement(partnership: Partnership, meeting: Meeting) -> str:
    if not attendance_recorded(meeting):
        return "Attendance has not been recorded."
    result = quoracy(partnership, meeting)
    if result.quorate:
        names = [partnership.agency(a).name for a in result.present_agencies if a in partnership.agency_ids]
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
        vote = {"consensus": "Consensus"}.get(dec.method) or _vote_text(dec)
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


def _vote_text(decision: Decision) -> str:
    counts = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in (decision.vote_counts or {}).items())
    method = {
        "majority": "Vote",
        "casting_vote": "Vote, decided by the chair's casting vote",
        "tied": "Vote tied",
    }.get(decision.method, decision.method.replace("_", " ").capitalize())
    text = f"{method} ({counts})" if counts else method
    if decision.escalated:
        text += f"; escalated to {decision.escalated_to}"
    dissent = [v for v in decision.votes if v.dissent_rationale]
    if dissent:
        text += "; dissent: " + "; ".join(f"{v.person}: {v.dissent_rationale}" for v in dissent)
    return text


def render_agenda(partnership: Partnership, meeting: Meeting, store: FileStore) -> bytes:
    from workflow.template_versions import template_bytes

    return render_docx(template_bytes("agenda.docx", store), agenda_context(partnership, meeting))


def render_minutes(partnership: Partnership, meeting: Meeting, store: FileStore) -> bytes:
    from workflow.template_versions import template_bytes

    return render_docx(template_bytes("minutes.docx", store), minutes_context(partnership, meeting))
