"""Attendance at a meeting, its quoracy (``workflow.quorum``), the chair's choice when
it is not quorate, and member agencies to escalate for non-attendance."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from partnerships import Partnership
from storage.db import Session
from storage.models import Attendance, Meeting, VirtualRatification
from workflow.meetings.common import MeetingError

# -- attendance and quoracy -------------------------------------------------------------------

ATTENDANCE_STATUSES = {"present": "Present", "apologies": "Apologies", "absent": "Absent"}
ATTENDANCE_ROLES = {"member": "Member", "deputy": "Deputy", "chair": "Chair", "other": "Other"}
NOT_QUORATE_CHOICES = {
    "reschedule": "Reschedule the meeting",
    "continue": "Continue the meeting",
    "virtual_ratification": "Continue, with key decisions ratified virtually by the missing members",
}


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
