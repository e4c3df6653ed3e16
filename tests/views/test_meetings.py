"""Meetings through the browser's eyes: the business unit schedules and builds the agenda,
the chair records attendance, rulings and decisions, members declare interests, and
nobody sees a meeting they are not invited to."""

from __future__ import annotations

import email
import io
import re
from datetime import date, time
from pathlib import Path

import pytest
from docx import Document

from storage.db import Session
from storage.models import (
    Attendance,
    AuditEvent,
    Decision,
    Declaration,
    Meeting,
    Referral,
    TrackedReview,
    VirtualRatification,
)
from tests.factories import make_referral
from tests.helpers import Client
from workflow import accounts, meetings
from workflow.demo_referrals import demo_answers


def _client(app, user) -> Client:  # type: ignore[no-untyped-def]
    c = Client(app)
    c.sign_in(user.email)
    return c


def _meeting(app, when=date(2027, 1, 14)) -> Meeting:  # type: ignore[no-untyped-def]
    return meetings.schedule_meeting(
        when=when, start_time=time(10, 0), location="Committee Room 2", invitees=meetings.panel_invitees()
    )


def _outbox(app) -> list[email.message.Message]:  # type: ignore[no-untyped-def]
    folder = Path(app.instance_path) / "outbox"
    return [email.message_from_bytes(p.read_bytes()) for p in sorted(folder.glob("*.eml"))]


def _docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    return "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells])


def _record_attendance(client: Client, meeting: Meeting, statuses: dict[int, str]) -> None:
    client.get(f"/meetings/{meeting.id}/attendance")
    client.post(f"/meetings/{meeting.id}/attendance", {f"status-{k}": v for k, v in statuses.items()})


def _add_attendee(meeting: Meeting, agency_id: str, name: str, status: str = "present") -> Attendance:
    row = Attendance(name=name, agency_id=agency_id, role="member", status=status)
    meeting.attendees.append(row)
    Session.commit()
    return row


# -- scheduling ---------------------------------------------------------------------------


def test_business_unit_schedules_a_meeting_and_sees_its_deadlines(app, staff) -> None:  # type: ignore[no-untyped-def]
    client = _client(app, staff["secretariat"])
    page = client.get("/meetings/new").get_data(as_text=True)
    assert "Suggested dates" in page and "meets monthly" in page
    response = client.post(
        "/meetings/new",
        {"when": ["6", "5", "2027"], "start_time": "10:00", "location": "Lynton House", "kind": "ordinary"},
    )
    meeting = Session.query(Meeting).one()
    assert response.location.endswith(f"/meetings/{meeting.id}")
    assert meeting.date == date(2027, 5, 6) and meeting.start_time == time(10, 0)
    assert {a.user_id for a in meeting.attendees} == {staff["chair"].id, staff["panel_member"].id}
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    # Monday 3 May 2027 is a bank holiday: 5 working days before Thursday 6 May is 28 April.
    assert "Wednesday 28 April 2027 (5 working days before)" in page
    assert "Monday 26 April 2027 (10 days before)" in page


def test_scheduling_without_a_date_shows_the_error_summary(app, staff) -> None:  # type: ignore[no-untyped-def]
    client = _client(app, staff["secretariat"])
    client.get("/meetings/new")
    page = client.post("/meetings/new", {"when": ["", "", ""], "start_time": "25:00", "kind": "ordinary"},
                       status=200).get_data(as_text=True)
    assert "There is a problem" in page
    assert "Enter the date of the meeting" in page
    assert "Enter the start time using the 24-hour clock" in page
    assert Session.query(Meeting).count() == 0


def test_papers_deadline_passed_shows_a_warning(app, staff) -> None:  # type: ignore[no-untyped-def]
    meeting = _meeting(app, when=date.today())
    client = _client(app, staff["secretariat"])
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "govuk-warning-text" in page
    assert "has passed and the papers have not been circulated" in page


# -- the agenda ---------------------------------------------------------------------------


def test_agenda_shows_the_standing_items_and_the_think_family_statement(app, staff) -> None:  # type: ignore[no-untyped-def]
    meeting = _meeting(app)
    page = _client(app, staff["chair"]).get(f"/meetings/{meeting.id}").get_data(as_text=True)
    positions = [page.index(t) for t in (
        "Think Family statement", "Matters arising and action log", "Case tracker review",
        "New referrals", "Panel business", "Learning from the National Panel",
    )]
    assert positions == sorted(positions)
    assert (
        "“As a One Panel we are committed to enhancing a Think Family approach in our practice "
        "by utilising and embedding our learning using a whole family approach”" in page
    )


def test_adding_a_referral_to_the_agenda(app, staff) -> None:  # type: ignore[no-untyped-def]
    meeting = _meeting(app)
    referral = make_referral(app, 0)
    client = _client(app, staff["secretariat"])
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert f'<option value="{referral.id}">{referral.reference}' in page
    client.post(f"/meetings/{meeting.id}/agenda/referrals", {"agenda-referral_id": str(referral.id)})
    assert Session.get(Referral, referral.id).status == "on_agenda"
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert f"New referral {referral.reference}" in page
    assert re.search(r">\s*4\.1\s*<", page)
    # Once on an agenda it is no longer offered.
    assert f'<option value="{referral.id}">{referral.reference} (' not in page
    page = client.post(f"/meetings/{meeting.id}/agenda/referrals", {"agenda-referral_id": ""}, status=400)
    assert "Select the referral to add to the agenda" in page.get_data(as_text=True)


def test_agenda_downloads_as_a_word_document(app, staff) -> None:  # type: ignore[no-untyped-def]
    meeting = _meeting(app)
    item = meetings.add_referral(meeting, make_referral(app, 0))
    response = _client(app, staff["panel_member"]).get(f"/meetings/{meeting.id}/agenda.docx")
    assert response.mimetype.endswith("wordprocessingml.document")
    text = _docx_text(response.data)
    assert item.title in text and meetings.THINK_FAMILY in text
    assert "Test chair" in text


# -- attendance and quoracy -----------------------------------------------------------------


def test_attendance_makes_the_meeting_quorate_or_not_with_the_reason_shown(app, staff) -> None:  # type: ignore[no-untyped-def]
    meeting = _meeting(app)
    for agency_id in ("lbr-asc", "lbr-csc", "nelft", "lbr-community-safety"):
        _add_attendee(meeting, agency_id, f"Member {agency_id}", status=None)  # type: ignore[arg-type]
    chair = _client(app, staff["chair"])
    police = next(a for a in meeting.attendees if a.user_id == staff["panel_member"].id)
    others = {a.id: "present" for a in meeting.attendees if a.id != police.id}
    _record_attendance(chair, meeting, {**others, police.id: "apologies"})
    page = chair.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Not quorate" in page
    assert "No one from police is present" in page
    _record_attendance(chair, meeting, {**others, police.id: "present"})
    page = chair.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Quorate" in page and "Not quorate" not in page
    assert "No one from police is present" not in page
    assert Session.get(Attendance, police.id).status == "present"


def test_not_quorate_meeting_continues_with_virtual_ratification_tracked(app_factory) -> None:  # type: ignore[no-untyped-def]
    app = app_factory(PARTNERSHIP="wolverhampton")
    p = app.extensions["partnership"]
    chair = accounts.create_user(p, email="chair@example.org", name="Wolves Chair", role="chair",
                                 password="correct horse battery staple", agency_id="cwc")
    police = accounts.create_user(p, email="police@example.org", name="Wolves Police", role="panel_member",
                                  password="correct horse battery staple", agency_id="wmp")
    secretariat = accounts.create_user(p, email="bu@example.org", name="Wolves BU", role="secretariat",
                                       password="correct horse battery staple")
    meeting = _meeting(app)
    _add_attendee(meeting, "bc-icb", "ICB member")
    chair_client = _client(app, chair)
    statuses = {a.id: "present" for a in meeting.attendees}
    statuses[next(a.id for a in meeting.attendees if a.user_id == police.id)] = "apologies"
    _record_attendance(chair_client, meeting, statuses)
    page = chair_client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Not quorate" in page
    assert "Continue, with key decisions ratified virtually by the missing members" in page
    chair_client.post(f"/meetings/{meeting.id}/quorum", {"quorum-choice": "virtual_ratification"})
    rows = {r.agency_id: r for r in Session.query(VirtualRatification).filter_by(meeting_id=meeting.id)}
    assert set(rows) == {"wmp", "swp"}
    assert rows["wmp"].member_name == "Wolves Police"
    assert all(r.ratified_at is None for r in rows.values())
    bu = _client(app, secretariat)
    page = bu.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Awaited" in page and "Wolves Police" in page
    bu.post(f"/meetings/{meeting.id}/ratifications/{rows['wmp'].id}")
    assert Session.get(VirtualRatification, rows["wmp"].id).ratified_at is not None
    assert Session.get(VirtualRatification, rows["swp"].id).ratified_at is None


def test_redbridge_does_not_offer_virtual_ratification(app, staff) -> None:  # type: ignore[no-untyped-def]
    meeting = _meeting(app)
    chair = _client(app, staff["chair"])
    _record_attendance(chair, meeting, {a.id: "present" for a in meeting.attendees})
    page = chair.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Reschedule the meeting" in page
    assert "ratified virtually" not in page
    chair.post(f"/meetings/{meeting.id}/quorum", {"quorum-choice": "virtual_ratification"}, status=400)
    assert Session.get(Meeting, meeting.id).not_quorate_choice is None


# -- circulating the papers -----------------------------------------------------------------


def test_circulating_papers_emails_a_link_and_no_subject_name(app, staff) -> None:  # type: ignore[no-untyped-def]
    meeting = _meeting(app)
    referral = make_referral(app, 0)
    meetings.add_referral(meeting, referral)
    client = _client(app, staff["secretariat"])
    client.get(f"/meetings/{meeting.id}")
    client.post(f"/meetings/{meeting.id}/circulate")
    mails = _outbox(app)
    assert sorted(m["To"] for m in mails) == sorted([staff["chair"].email, staff["panel_member"].email])
    answers = demo_answers()[0]
    for mail in mails:
        text = mail.get_payload(decode=True).decode()
        assert f"http://localhost/meetings/{meeting.id}/papers" in text
        assert not mail.is_multipart()  # a link, never the pack as an attachment
        for personal in (answers["subject_first_name"], answers["subject_last_name"], referral.reference):
            assert personal not in text and personal not in mail["Subject"]
    assert Session.get(Meeting, meeting.id).papers_circulated_at is not None


# -- declarations of interest ---------------------------------------------------------------


def test_member_declares_an_interest_and_the_chair_rules_on_it(app, staff) -> None:  # type: ignore[no-untyped-def]
    meeting = _meeting(app)
    item = meetings.add_referral(meeting, make_referral(app, 0))
    member = _client(app, staff["panel_member"])
    page = member.get(f"/meetings/{meeting.id}/declare").get_data(as_text=True)
    assert f'<option value="{item.id}">14 January 2027 – item 4.1: {item.title}</option>' in page
    page = member.post(f"/meetings/{meeting.id}/declare", {"has_interest": "yes"}, status=400).get_data(as_text=True)
    assert "There is a problem" in page
    member.post(
        f"/meetings/{meeting.id}/declare",
        {"agenda_item": str(item.id), "has_interest": "yes", "interest_nature": "professional",
         "interest_details": "My team worked with the family",
         "date_declared": [str(date.today().day), str(date.today().month), str(date.today().year)]},
    )
    decl = Session.query(Declaration).one()
    assert decl.user_id == staff["panel_member"].id and decl.has_interest and decl.ruling is None
    assert meetings.withdrawn_items(meeting, staff["panel_member"]) == set()

    chair = _client(app, staff["chair"])
    page = chair.get(f"/meetings/{meeting.id}/declarations").get_data(as_text=True)
    assert "My team worked with the family" in page and "Test panel_member" in page
    chair.post(
        f"/meetings/{meeting.id}/declarations/{decl.id}",
        {f"d{decl.id}-ruling": "withdraw_from_discussion_and_decision", f"d{decl.id}-note": "Left the room"},
    )
    decl = Session.get(Declaration, decl.id)
    assert decl.ruling == "withdraw_from_discussion_and_decision" and decl.ruled_by_id == staff["chair"].id
    assert meetings.withdrawn_items(meeting, staff["panel_member"]) == {item.id}
    page = member.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert meetings.ruling_labels()["withdraw_from_discussion_and_decision"] in page


def test_panel_member_cannot_rule_on_declarations(app, staff) -> None:  # type: ignore[no-untyped-def]
    meeting = _meeting(app)
    _client(app, staff["panel_member"]).get(f"/meetings/{meeting.id}/declarations", status=403)


# -- decisions and votes --------------------------------------------------------------------


def _sar_form(tool_answers: dict[str, str]) -> dict[str, str]:
    return {f"sar-{k}": v for k, v in tool_answers.items()}


def _statutory_sar_answers() -> dict[str, str]:
    from workflow.decision_tools import TOOLS, evaluate

    answers: dict[str, str] = {}
    for _ in range(len(TOOLS["sar"].questions) + 1):
        for q in meetings.visible_questions("sar", answers):
            answers.setdefault(q.id, "yes")
        if not evaluate("sar", answers).missing:
            break
    return answers


def test_decision_with_sar_tool_answers_suggests_a_statutory_sar(app, staff) -> None:  # type: ignore[no-untyped-def]
    meeting = _meeting(app)
    item = meetings.add_referral(meeting, make_referral(app, 0))
    chair = _client(app, staff["chair"])
    url = f"/meetings/{meeting.id}/items/{item.id}/decision"
    page = chair.get(url).get_data(as_text=True)
    assert "decision tool" in page
    answers = _statutory_sar_answers()
    page = chair.post(url, {**_sar_form(answers), "action": "update"}, status=200).get_data(as_text=True)
    assert "The tool suggests" in page
    page = chair.post(url, {**_sar_form(answers), "recommendation": "statutory_sar", "how": "consensus"},
                      status=400).get_data(as_text=True)
    assert "Enter the rationale for the decision" in page
    chair.post(url, {**_sar_form(answers), "recommendation": "statutory_sar", "how": "consensus",
                     "rationale": "Care Act s44 criteria met."})
    decision = Session.query(Decision).one()
    assert decision.tool_outcomes["sar"]["outcome"] == "statutory_sar"
    assert decision.tool_answers["sar"] == answers
    assert decision.method == "consensus" and decision.recorded_by_id == staff["chair"].id
    review = Session.query(TrackedReview).one()
    assert review.referral_id == item.referral_id and review.review_kind == "statutory_sar"
    tracker = chair.get("/meetings/tracker").get_data(as_text=True)
    assert Session.get(Referral, review.referral_id).reference in tracker and "Awaiting the board" in tracker


def test_vote_leaves_out_a_withdrawn_member(app, staff) -> None:  # type: ignore[no-untyped-def]
    meeting = _meeting(app)
    item = meetings.add_referral(meeting, make_referral(app, 0))
    _add_attendee(meeting, "nelft", "Health member")
    for a in meeting.attendees:
        a.status = "present"
    Session.commit()
    decl = meetings.declare_interest(meeting, staff["panel_member"], {"agenda_item": str(item.id), "has_interest": "yes"})
    meetings.rule_on_declaration(decl, "withdraw_from_decision", None, staff["chair"].id)
    chair = _client(app, staff["chair"])
    url = f"/meetings/{meeting.id}/items/{item.id}/decision"
    chair.get(url)
    response = chair.post(url, {**_sar_form(_statutory_sar_answers()), "recommendation": "statutory_sar",
                                "how": "vote", "rationale": "Met."})
    decision = Session.query(Decision).one()
    assert response.location.endswith(f"/meetings/{meeting.id}/decisions/{decision.id}/votes")
    page = chair.get(response.location).get_data(as_text=True)
    police = staff["panel_member"].agency_id
    assert f'name="vote-{police}"' not in page
    assert "Withdrawn from the decision: Test panel_member." in page
    chair_agency = staff["chair"].agency_id
    chair.post(response.location, {f"vote-{chair_agency}": "discretionary_sar", "vote-nelft": "statutory_sar",
                                   f"dissent-{chair_agency}": "Wants more information",
                                   f"vote-{police}": "discretionary_sar"})  # ignored: withdrawn
    decision = Session.get(Decision, decision.id)
    assert {v.agency_id for v in decision.votes} == {chair_agency, "nelft"}
    assert sum(decision.vote_counts.values()) == 2


def test_telford_chair_has_the_casting_vote(app_factory) -> None:  # type: ignore[no-untyped-def]
    app = app_factory(PARTNERSHIP="telford-wrekin")
    p = app.extensions["partnership"]
    first, second = p.statutory_partners[0].id, p.statutory_partners[1].id
    chair = accounts.create_user(p, email="chair@example.org", name="Telford Chair", role="chair",
                                 password="correct horse battery staple", agency_id=first)
    meeting = _meeting(app)
    item = meetings.add_referral(meeting, make_referral(app, 0))
    _add_attendee(meeting, second, "Second partner")
    for a in meeting.attendees:
        a.status = "present"
    Session.commit()
    decision = meetings.record_decision(meeting, item, tool_answers={}, recommendation="statutory_sar",
                                        lead_process=None, methodology=None, rationale="Split.", recorded_by_id=None)
    client = _client(app, chair)
    url = f"/meetings/{meeting.id}/decisions/{decision.id}/votes"
    page = client.get(url).get_data(as_text=True)
    assert "casting vote" in page
    client.post(url, {f"vote-{first}": "statutory_sar", f"vote-{second}": "no_further_action",
                      "chair_choice": "statutory_sar"})
    decision = Session.get(Decision, decision.id)
    assert decision.method == "casting_vote" and decision.recommendation == "statutory_sar"
    assert not decision.escalated


def test_board_ratification_is_recorded_by_the_business_unit(app, staff) -> None:  # type: ignore[no-untyped-def]
    meeting = _meeting(app)
    item = meetings.add_referral(meeting, make_referral(app, 0))
    decision = meetings.record_decision(meeting, item, tool_answers={}, recommendation="statutory_sar",
                                        lead_process=None, methodology=None, rationale="Met.", recorded_by_id=None)
    client = _client(app, staff["secretariat"])
    page = client.get(f"/meetings/decisions/{decision.id}/ratification").get_data(as_text=True)
    assert "Redbridge Safeguarding Adults Board" in page
    client.post(f"/meetings/decisions/{decision.id}/ratification",
                {"outcome": "ratified", "by": "Independent Chair", "on": ["5", "1", "2026"]})
    decision = Session.get(Decision, decision.id)
    assert (decision.ratification, decision.ratified_by, decision.ratified_at) == (
        "ratified", "Independent Chair", date(2026, 1, 5)
    )
    assert "Ratified by Independent Chair on 5 January 2026" in client.get("/meetings/tracker").get_data(as_text=True)


def test_tracker_shows_review_stages_and_overdue_actions(app, staff) -> None:  # type: ignore[no-untyped-def]
    meeting = _meeting(app)
    item = meetings.add_referral(meeting, make_referral(app, 0))
    meetings.record_decision(meeting, item, tool_answers={}, recommendation="statutory_sar",
                             lead_process=None, methodology=None, rationale="Met.", recorded_by_id=None)
    meetings.add_action(meeting=meeting, referral=item.referral, description="Chase the GP",
                        owner="Business unit", due=date(2020, 1, 1))
    client = _client(app, staff["secretariat"])
    page = client.get("/meetings/tracker").get_data(as_text=True)
    assert "1 action is overdue." in page and "Overdue" in page and "Chase the GP" in page
    review = Session.query(TrackedReview).one()
    client.get(f"/meetings/tracker/reviews/{review.id}")
    client.post(f"/meetings/tracker/reviews/{review.id}",
                {"reviewer": "Independent reviewer", "commissioned_on": ["1", "2", "2027"]})
    page = client.get("/meetings/tracker").get_data(as_text=True)
    assert "Reviewer: Independent reviewer" in page and "Commissioned: 1 February 2027" in page


# -- minutes --------------------------------------------------------------------------------


def test_draft_minutes_contain_the_attendance_and_the_ruling(app, staff) -> None:  # type: ignore[no-untyped-def]
    meeting = _meeting(app)
    item = meetings.add_referral(meeting, make_referral(app, 0))
    for a in meeting.attendees:
        a.status = "present"
    Session.commit()
    decl = meetings.declare_interest(meeting, staff["panel_member"], {
        "agenda_item": str(item.id), "has_interest": "yes", "interest_details": "Knows the family"})
    meetings.rule_on_declaration(decl, "withdraw_from_discussion_and_decision", None, staff["chair"].id)
    response = _client(app, staff["chair"]).get(f"/meetings/{meeting.id}/minutes.docx")
    text = _docx_text(response.data)
    assert "Test chair" in text and "Test panel_member" in text
    assert meetings.ruling_labels()["withdraw_from_discussion_and_decision"] in text
    assert "Knows the family" in text


# -- who may see what ---------------------------------------------------------------------------


def test_panel_member_not_invited_gets_not_found_and_it_is_audited(app, staff) -> None:  # type: ignore[no-untyped-def]
    meeting = _meeting(app)
    outsider = accounts.create_user(app.extensions["partnership"], email="outsider@example.org", name="Outsider",
                                    role="panel_member", password="correct horse battery staple", agency_id="nelft")
    client = _client(app, outsider)
    for url in (f"/meetings/{meeting.id}", f"/meetings/{meeting.id}/agenda.docx", f"/meetings/{meeting.id}/declare"):
        client.get(url, status=404)
    denied = Session.query(AuditEvent).filter_by(user_id=outsider.id, outcome="denied").all()
    assert len(denied) == 3
    assert {(e.action, e.object_type, e.object_id) for e in denied} == {("not_found", "meeting", str(meeting.id))}
    assert f"/meetings/{meeting.id}" not in client.get("/meetings/").get_data(as_text=True)


def test_invited_member_sees_the_meeting_and_the_view_is_audited(app, staff) -> None:  # type: ignore[no-untyped-def]
    meeting = _meeting(app)
    client = _client(app, staff["panel_member"])
    assert f"/meetings/{meeting.id}" in client.get("/meetings/").get_data(as_text=True)
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Declare an interest" in page
    assert "Record attendance" not in page
    assert Session.query(AuditEvent).filter_by(
        user_id=staff["panel_member"].id, action="view", object_type="meeting", object_id=str(meeting.id)
    ).count() == 1


@pytest.mark.parametrize("role", ["panel_member", "chair"])
def test_only_the_business_unit_adds_to_the_agenda(app, staff, role) -> None:  # type: ignore[no-untyped-def]
    meeting = _meeting(app)
    referral = make_referral(app, 0)
    client = _client(app, staff[role])
    client.get(f"/meetings/{meeting.id}")
    client.post(f"/meetings/{meeting.id}/agenda/referrals", {"agenda-referral_id": str(referral.id)}, status=403)
    assert Session.get(Referral, referral.id).status == "received"
