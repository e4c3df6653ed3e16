"""Objects for tests, made through the same workflow functions the service uses."""

from __future__ import annotations

from typing import Any

from flask import Flask

from storage.db import Session
from storage.models import Referral
from workflow import referrals
from workflow.demo_referrals import demo_answers


def make_referral(app: Flask, index: int = 0, **changes: Any) -> Referral:
    answers = {**demo_answers()[index], **changes}
    definition = app.extensions["form_definitions"]["referral"]
    snapshot = referrals.snapshot_definition(
        definition.id, definition.version, definition.model_dump(mode="json")
    )
    referral = referrals.create_referral(
        app.extensions["partnership"],
        answers=answers,
        facts=referrals.ReferralFacts(
            review_types=answers["review_types"],
            referrer_name=answers.get("referrer_name"),
            referring_agency=answers.get("referrer_agency"),
        ),
        snapshot=snapshot,
        referrer_email=answers["referrer_email"],
    )
    Session.commit()
    return referral


def received_on(referral: Referral, day: Any) -> Referral:
    """Date the referral's receipt ``day`` (a meeting may only take referrals received by then)."""
    from datetime import UTC, datetime, time

    referral.received_at = datetime.combine(day, time(9, 0), tzinfo=UTC)
    Session.commit()
    return referral


def make_screening_request(app: Flask, referral: Referral | None = None, agency_id: str = "nelft"):  # type: ignore[no-untyped-def]
    from workflow import screening

    referral = referral or make_referral(app)
    [req] = screening.send_requests(
        app.extensions["partnership"],
        referral,
        [screening.Recipient(agency_id, f"safeguarding@{agency_id}.nhs.uk")],
        sent_by_id=None,
    )
    return req


def accepted_return(app: Flask, req, chronology: list[dict[str, Any]], source: str = "web"):  # type: ignore[no-untyped-def]
    """An agency's accepted return with the given chronology entries."""
    from workflow import screening

    d = app.extensions["form_definitions"]["screening_return"]
    snapshot = referrals.snapshot_definition(d.id, d.version, d.model_dump(mode="json"))
    answers = {
        "agency_name": app.extensions["partnership"].agency(req.agency_id).name,
        "completed_by_name": "Pat Lead",
        "completed_by_role": "Named professional",
        "subject_known": "known",
        "status": ["adult_safeguarding"],
        "chronology": chronology,
        "analysis": "What happened and why.",
        "internal_review": "no",
    }
    return screening.submit_web_return(req, answers, snapshot)


def make_meeting(app: Flask, staff: dict, referral_ids: list[int]):  # type: ignore[no-untyped-def]
    """A meeting with the standing items, the referrals on the agenda and staff invited."""
    from datetime import date, time

    from storage.models import AgendaItem, Attendance, Meeting

    meeting = Meeting(date=date(2027, 1, 14), start_time=time(10, 0), location="Committee Room 2")
    Session.add(meeting)
    position = 1
    for title in ("Think Family statement", "Matters arising and action log", "Case tracker review"):
        Session.add(AgendaItem(meeting=meeting, position=position, kind="standing", title=title))
        position += 1
    for rid in referral_ids:
        referral = Session.get(Referral, rid)
        Session.add(
            AgendaItem(
                meeting=meeting, position=position, kind="new_referral",
                title=f"New referral {referral.reference}", referral_id=rid,
            )
        )
        position += 1
    for role in ("chair", "panel_member"):
        user = staff[role]
        Session.add(
            Attendance(
                meeting=meeting, user_id=user.id, name=user.name, agency_id=user.agency_id,
                role="chair" if role == "chair" else "member",
            )
        )
    Session.commit()
    return meeting


def make_quorate(partnership, meeting, panel=None):  # type: ignore[no-untyped-def]
    """Record present, for the meeting's panel, one person for each agency of a smallest set
    that makes it quorate (``workflow.quorum.agencies_for_quorum``), besides anyone there."""
    from storage.models import Attendance
    from workflow.meetings import meeting_panel
    from workflow.quorum import agencies_for_quorum

    panel = panel or meeting_panel(partnership, meeting)
    present = {a.agency_id for a in meeting.attendees if a.status == "present"}
    for agency_id in (a.id for a in agencies_for_quorum(partnership, panel)):
        if agency_id not in present:
            meeting.attendees.append(
                Attendance(name=f"Member for {agency_id}", agency_id=agency_id, role="member", status="present")
            )
    Session.commit()
    return meeting
