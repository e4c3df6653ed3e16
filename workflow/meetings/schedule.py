"""Scheduling meetings: the standing agenda, meeting dates and deadlines, invitations,
the agenda and its numbering, and circulating the papers."""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from document_templates.contexts import THINK_FAMILY_STATEMENT
from partnerships import Partnership
from partnerships.model import Panel
from storage.db import Session, utcnow
from storage.models import AgendaItem, Attendance, Meeting, Referral, TrackedReview, User
from workflow import working_days
from workflow.meetings.common import MeetingError
from workflow.working_days import local_date

THINK_FAMILY = THINK_FAMILY_STATEMENT


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
# The items that hold what is added to any panel's agenda; a panel whose terms of reference
# give no standing agenda (every panel but Wolverhampton's One Panel) gets only these.
_CONTAINERS = ("new_referrals", "case_tracker", "panel_business")


def standing_items(panel: Panel | None) -> list[StandingItem]:
    """The standing agenda of ``panel``: its terms of reference's standing items where it
    has them (Wolverhampton ToR §9), the Think Family read-out where its document asks the
    chair for it; otherwise only the headings that hold new referrals, tracked cases and
    panel business."""
    settings = panel.meetings if panel else None
    out: list[StandingItem] = []
    for item in STANDING_ITEMS:
        if item.key == "think_family":
            if settings and settings.think_family_statement:
                out.append(item)
        elif (settings and settings.standing_agenda) or item.key in _CONTAINERS:
            out.append(item)
    return out


def same_panel(partnership: Partnership, panel_id: str | None) -> Any:
    """A query condition for the meetings of one panel: meetings recorded before panels were
    named (no panel id) belong to the partnership's first panel."""
    from sqlalchemy import or_

    first = partnership.default_panel.id
    if panel_id in (None, first):
        return or_(Meeting.panel_id.is_(None), Meeting.panel_id == first)
    return Meeting.panel_id == panel_id


def meeting_panel(partnership: Partnership, meeting: Meeting) -> Panel:
    """The panel that holds the meeting (the partnership's first for older meetings)."""
    try:
        return partnership.panel(meeting.panel_id)
    except KeyError:
        return partnership.default_panel

MEETING_KINDS = {"ordinary": "Ordinary meeting", "extraordinary": "Extraordinary meeting"}
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


def deadlines(partnership: Partnership, meeting_date: date, panel: Panel | None = None) -> Deadlines:
    settings = (panel or partnership.default_panel).meetings
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
    partnership: Partnership,
    *,
    today: date,
    last: date | None = None,
    count: int = 3,
    panel: Panel | None = None,
) -> list[date]:
    """The next ordinary meeting dates from the panel's ``meetings.frequency``.

    Meetings keep the pattern of the last one (e.g. the second Thursday of the month),
    every one, two or three months; a date that is not a working day moves to the next
    working day. A partnership that meets "as needed" gets no suggestions.
    """
    step = _MONTHS_BETWEEN.get((panel or partnership.default_panel).meetings.frequency)
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


def last_meeting_date(partnership: Partnership | None = None, panel_id: str | None = None) -> date | None:
    """The date of the last meeting held or planned (of one panel, when given)."""
    query = select(Meeting.date).where(Meeting.status != "cancelled")
    if partnership is not None:
        query = query.where(same_panel(partnership, panel_id))
    return Session.scalar(query.order_by(Meeting.date.desc()))



def schedule_meeting(
    *,
    when: date,
    start_time: time | None,
    location: str | None,
    kind: str = "ordinary",
    invitees: Iterable[User] = (),
    panel: Panel | None = None,
) -> Meeting:
    """A new meeting of ``panel`` with its standing agenda and the invitees invited."""
    if kind not in MEETING_KINDS:
        raise MeetingError("Select whether this is an ordinary or an extraordinary meeting")
    meeting = Meeting(
        date=when, start_time=start_time, location=location or None, kind=kind,
        panel_id=panel.id if panel else None,
    )
    Session.add(meeting)
    for n, standing in enumerate(standing_items(panel), start=1):
        meeting.items.append(
            AgendaItem(position=n, kind="standing", title=standing.title, notes=standing.notes)
        )
    invite(meeting, invitees)
    Session.commit()
    return meeting


def panel_invitees(partnership: Partnership | None = None, panel: Panel | None = None) -> list[User]:
    """Everyone invited to an ordinary meeting: active panel members and chairs; for a
    given panel, those whose agency is a member of it (and chairs with no agency)."""
    users = list(
        Session.scalars(
            select(User)
            .where(User.active.is_(True), User.role.in_(("chair", "panel_member")))
            .order_by(User.role, User.name, User.id)
        )
    )
    if partnership is None or panel is None:
        return users
    members = {a.id for a in partnership.panel_agencies(panel)}
    return [u for u in users if u.agency_id in members or (u.role == "chair" and not u.agency_id)]


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


def screened_by(partnership: Partnership, panel: Panel, referral: Referral) -> bool:
    """Whether ``panel`` screens the referral: it screens one of the review types the
    referral considered, or the referrer was not sure / saw a learning opportunity (any
    panel may then consider it)."""
    types = [t for t in (referral.review_types or []) if t in ("sar", "cspr", "dhr")]
    return not types or any(t in panel.review_types for t in types)


def referrals_ready_for_agenda(
    partnership: Partnership | None = None, panel: Panel | None = None
) -> list[Referral]:
    """Referrals waiting for a meeting; for a panel, those it screens."""
    rows = list(
        Session.scalars(
            select(Referral)
            .where(Referral.status.in_(AGENDA_READY_STATUSES))
            .order_by(Referral.received_at, Referral.id)
        )
    )
    if partnership is None or panel is None:
        return rows
    return [r for r in rows if screened_by(partnership, panel, r)]


def add_referral(meeting: Meeting, referral: Referral, partnership: Partnership | None = None) -> AgendaItem:
    """Put a new referral on the agenda; the referral's status becomes "on an agenda".

    With ``partnership``, the meeting's panel must screen the referral's review type (a
    DARDR in Telford & Wrekin goes to its Community Safety Partnership, not to a panel)."""
    if referral.status not in AGENDA_READY_STATUSES:
        raise MeetingError(f"Referral {referral.reference} is not waiting for a panel meeting")
    if partnership is not None:
        panel = meeting_panel(partnership, meeting)
        if not screened_by(partnership, panel, referral):
            types = ", ".join(partnership.review_type_label(t) for t in referral.review_types or [])
            screens = [partnership.panel_for(t) for t in referral.review_types or []]
            elsewhere = sorted({p.name for p in screens if p is not None and p.id != panel.id})
            forwarded = sorted({partnership.forwarded[t].to for t in referral.review_types or [] if t in partnership.forwarded})
            where = (
                f"it goes to the {' or '.join(elsewhere)}" if elsewhere
                else f"it is forwarded to {' and '.join(forwarded)}" if forwarded else "no panel screens it"
            )
            raise MeetingError(
                f"The {panel.name} does not screen referral {referral.reference} ({types}): {where}"
            )
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
    d = deadlines(partnership, meeting.date, meeting_panel(partnership, meeting))
    emails: list[str] = []
    for a in meeting.attendees:
        if a.user is not None and a.user.active and a.user.email not in emails:
            emails.append(a.user.email)
    return Circulation(emails, d.papers_passed(now.date()), d.papers)
