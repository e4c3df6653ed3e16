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
from workflow.meetings.schedule import meeting_panel, same_panel

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

    return check_quorum(partnership, attendees_for_quorum(meeting), meeting_panel(partnership, meeting))


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
    panel = meeting_panel(partnership, upto)
    needed = panel.meetings.escalate_non_attendance_after
    if not needed:
        return []
    # Only the last ``needed`` meetings of the same panel with attendance recorded are read.
    recent = list(Session.scalars(
        select(Meeting)
        .where(Meeting.date <= upto.date, same_panel(partnership, panel.id), Meeting.attendees.any(Attendance.status.is_not(None)))
        .order_by(Meeting.date.desc(), Meeting.id.desc())
        .limit(needed)
    ))
    if len(recent) < needed:
        return []
    out = []
    for agency in partnership.panel_agencies(panel):
        rows = [[a for a in m.attendees if a.agency_id == agency.id] for m in recent]
        if all(rows) and not any(a.status == "present" for row in rows for a in row):
            out.append(NonAttendance(agency.id, agency.name, tuple(m.date for m in recent)))
    return out


def record_attendance(
    meeting: Meeting,
    changes: Mapping[int, tuple[str | None, str | None]],
    partnership: Partnership | None = None,
) -> None:
    """Record ``{attendance id: (status, role)}``; status present/apologies/absent.

    With ``partnership``, attendance that has one person present for two organisations is
    refused (one person represents one organisation at a time)."""
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
    if partnership is not None:
        _one_organisation_each(meeting, partnership)
    Session.commit()


def _one_organisation_each(meeting: Meeting, partnership: Partnership) -> None:
    """One person represents one organisation at a time: refuse attendance that records
    someone present for two organisations; the unsaved changes are rolled back."""
    seen: dict[str, tuple[str, str]] = {}
    for a in meeting.attendees:
        if a.status != "present" or not a.agency_id or a.role == "other":
            continue
        org = partnership.organisation_of(a.agency_id)
        key = f"user:{a.user_id}" if a.user_id else f"name:{a.name.strip().casefold()}"
        first = seen.setdefault(key, (org, a.agency_id))
        if first[0] != org:
            Session.rollback()
            raise MeetingError(
                f"{a.name} is recorded as present for {_org_name(partnership, first[0])} and "
                f"{_org_name(partnership, org)}: one person represents one organisation at a "
                "time. Record them for one, and someone else for the other"
            )


def _org_name(partnership: Partnership, organisation_id: str) -> str:
    try:
        return partnership.organisation(organisation_id).name
    except KeyError:
        return organisation_id


def add_attendee(meeting: Meeting, *, name: str, agency_id: str | None, role: str, partnership: Partnership) -> Attendance:
    """Someone without an account who attends (e.g. a deputy who is not a panel user)."""
    name = (name or "").strip()
    if not name:
        raise MeetingError("Enter the name of the person attending")
    if agency_id and agency_id not in partnership.agency_ids:
        raise MeetingError("Select the agency the person attends for")
    if role not in ATTENDANCE_ROLES:
        raise MeetingError("Select whether the person attends as member or deputy")
    panel = meeting_panel(partnership, meeting)
    members = {a.id for a in partnership.panel_agencies(panel)}
    if agency_id and role != "other" and agency_id not in members:
        raise MeetingError(
            f"{partnership.agency(agency_id).name} is not a member of the {panel.name}: "
            "record the person as attending in another capacity (other)"
        )
    row = Attendance(name=name[:200], agency_id=agency_id or None, role=role, status="present")
    meeting.attendees.append(row)
    _one_organisation_each(meeting, partnership)
    Session.commit()
    return row


def not_quorate_options(partnership: Partnership, meeting: Meeting | None = None) -> dict[str, str]:
    """The chair's options when the meeting is not quorate, as the panel's document allows
    (only Wolverhampton's terms of reference give "continue" and virtual ratification)."""
    panel = meeting_panel(partnership, meeting) if meeting is not None else partnership.default_panel
    return {c: NOT_QUORATE_CHOICES[c] for c in panel.when_not_quorate.options}


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
    if choice not in not_quorate_options(partnership, meeting):
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
    """The agencies the quorum still needs, as agency ids: for each missing organisation
    the agencies of it that were invited, or failing that its first agency (a council
    missing from the quorum is asked once, not once per service)."""
    result = result or quoracy(partnership, meeting)
    by_org: dict[str, list[str]] = {}
    for agency_id in result.missing_agencies:
        by_org.setdefault(partnership.organisation_of(agency_id), []).append(agency_id)
    invited_ids = {x.agency_id for x in meeting.attendees}
    out: list[str] = []
    for candidates in by_org.values():
        invited = [c for c in candidates if c in invited_ids]
        for c in invited or candidates[:1]:
            if c not in out:
                out.append(c)
    return out
