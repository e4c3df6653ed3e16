"""Meetings through the browser's eyes: the business unit schedules and builds the agenda,
the chair records attendance, rulings and decisions, members declare interests, and
nobody sees a meeting they are not invited to."""

from __future__ import annotations

import email
import io
import re
from datetime import date, time, timedelta
from pathlib import Path

import pytest
from docx import Document

from storage.db import Session
from storage.models import (
    Action,
    AgendaItem,
    Attendance,
    AuditEvent,
    Decision,
    Declaration,
    Meeting,
    Referral,
    TrackedReview,
    VirtualRatification,
)
from tests.factories import make_quorate, make_referral, received_on
from tests.helpers import Client
from workflow import accounts, meetings
from workflow.demo_referrals import demo_answers


def _client(app, user) -> Client:  # type: ignore[no-untyped-def]
    c = Client(app)
    c.sign_in(user.email)
    return c


def _meeting(app, when=date(2027, 1, 14), panel=None) -> Meeting:  # type: ignore[no-untyped-def]
    return meetings.schedule_meeting(
        when=when, start_time=time(10, 0), location="Committee Room 2", invitees=meetings.panel_invitees(),
        panel=panel,
    )


def _wolverhampton(app_factory):  # type: ignore[no-untyped-def]
    """A Wolverhampton app with its chair (for the council's adults' social care), a police
    member and the business unit."""
    app = app_factory(PARTNERSHIP="wolverhampton")
    p = app.extensions["partnership"]
    users = {
        key: accounts.create_user(p, email=f"{key}@example.org", name=name, role=role,
                                  password="correct horse battery staple", agency_id=agency)
        for key, name, role, agency in (
            ("chair", "Wolves Chair", "chair", "cwc-asc"),
            ("police", "Wolves Police", "panel_member", "wmp"),
            ("secretariat", "Wolves BU", "secretariat", None),
        )
    }
    return app, p, users


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


def test_agenda_shows_the_standing_items_and_the_think_family_statement(app_factory) -> None:  # type: ignore[no-untyped-def]
    """The standing agenda and the Think Family statement are Wolverhampton One Panel's
    (terms of reference §9)."""
    app, p, users = _wolverhampton(app_factory)
    meeting = _meeting(app, panel=p.panel("one-panel"))
    page = _client(app, users["chair"]).get(f"/meetings/{meeting.id}").get_data(as_text=True)
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
    # Redbridge's agenda: 1 Case tracker review, 2 New referrals, 3 Panel business.
    assert re.search(r">\s*2\.1\s*<", page)
    # Once on an agenda it is no longer offered.
    assert f'<option value="{referral.id}">{referral.reference} (' not in page
    page = client.post(f"/meetings/{meeting.id}/agenda/referrals", {"agenda-referral_id": ""}, status=400)
    assert "Select the referral to add to the agenda" in page.get_data(as_text=True)


def test_agenda_downloads_as_a_word_document(app, staff) -> None:  # type: ignore[no-untyped-def]
    """Redbridge's One Panel guidance asks for no Think Family statement (Wolverhampton's
    terms of reference do): its agenda has none."""
    meeting = _meeting(app)
    item = meetings.add_referral(meeting, make_referral(app, 0))
    response = _client(app, staff["panel_member"]).get(f"/meetings/{meeting.id}/agenda.docx")
    assert response.mimetype.endswith("wordprocessingml.document")
    text = _docx_text(response.data)
    assert item.title in text and "New referrals" in text
    assert meetings.THINK_FAMILY not in text
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
    app, p, users = _wolverhampton(app_factory)
    chair, police, secretariat = users["chair"], users["police"], users["secretariat"]
    meeting = _meeting(app, panel=p.panel("one-panel"))
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
    assert f'<option value="{item.id}">14 January 2027 – item 2.1: {item.title}</option>' in page
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
    meeting = make_quorate(app.extensions["partnership"], _meeting(app))
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
    # Answers to questions the tool no longer asks (the discretionary ones, once the
    # statutory criteria are met) are not recorded.
    asked = {q.id for q in meetings.visible_questions("sar", answers)}
    assert decision.tool_answers["sar"] == {k: v for k, v in answers.items() if k in asked}
    assert len(asked) < len(answers)
    assert decision.method == "consensus" and decision.recorded_by_id == staff["chair"].id
    assert not decision.inquorate
    review = Session.query(TrackedReview).one()
    assert review.referral_id == item.referral_id and review.review_kind == "statutory_sar"
    tracker = chair.get("/meetings/tracker").get_data(as_text=True)
    assert Session.get(Referral, review.referral_id).reference in tracker and "Awaiting the board" in tracker


def test_a_17_year_old_dardr_referral_ticked_dhr_only_shows_both_tools(app, staff) -> None:  # type: ignore[no-untyped-def]
    """DOMAIN.md §11: DHRs are now Domestic Abuse Related Death Reviews, for the "death of a
    person aged 16+"; "A 16- or 17-year-old victim is also a child case". The referrer ticked
    the DHR only; the decision page shows the CSPR tool too and says why, and for a child
    killed by a household member (not a partner) suggests the CSPR leads (Redbridge: the
    panel agrees "if they meet more than one which process may take the lead")."""
    # Born 10 January 2009; killed 12 November 2026: 17 (the 18th birthday is 10 January 2027).
    referral = make_referral(app, 2, review_types=["dhr"], subject_date_of_birth="2009-01-10",
                             subject_age=17, incident_date="2026-11-12", subject_died="yes")
    meeting = make_quorate(app.extensions["partnership"], _meeting(app))
    item = meetings.add_referral(meeting, referral)
    chair = _client(app, staff["chair"])
    url = f"/meetings/{meeting.id}/items/{item.id}/decision"
    page = chair.get(url).get_data(as_text=True)
    assert "Domestic Abuse Related Death Review (formerly DHR) decision tool" in page
    assert "Child Safeguarding Practice Review decision tool" in page
    assert "Safeguarding Adults Review decision tool" not in page
    assert "The subject’s age: 17 at the incident (from the date of birth)." in page
    assert (
        "Added: the subject was 17 at the incident, a child (Children Act 1989 s105) and old enough for a "
        "Domestic Abuse Related Death Review (formerly DHR) (Domestic Violence, Crime and Victims Act 2004 "
        "s9, as amended)." in page
    )
    assert "govuk-warning-text" not in page
    # Both tools must be answered before the decision is recorded.
    page = chair.post(url, {"recommendation": "statutory_cspr", "how": "consensus", "rationale": "Both."},
                      status=400).get_data(as_text=True)
    assert 'href="#dhr-aged_16_or_over"' in page and 'href="#cspr-abuse_or_neglect_known_or_suspected"' in page
    answers = {
        "dhr-aged_16_or_over": "yes", "dhr-died_by_suicide": "no", "dhr-death_from_violence_abuse_or_neglect": "yes",
        "dhr-relative": "yes", "dhr-intimate_partner": "no", "dhr-same_household": "yes",
        "cspr-abuse_or_neglect_known_or_suspected": "yes", "cspr-child_died_or_seriously_harmed": "yes",
    }
    page = chair.post(url, {**answers, "action": "update"}, status=200).get_data(as_text=True)
    assert "The tool suggests: Statutory Domestic Abuse Related Death Review (formerly DHR)" in page
    assert "The tool suggests: Notifiable incident: a rapid review is needed" in page
    assert "Suggested: Child Safeguarding Practice Review" in page
    assert "The subject was a child (under 18, Children Act 1989 s105): the Child Safeguarding" in page
    chair.post(url, {**answers, "recommendation": "statutory_cspr", "how": "consensus",
                     "rationale": "A child killed by a relative: both reviews, the CSPR leading."})
    decision = Session.query(Decision).one()
    assert set(decision.tool_outcomes) == {"dhr", "cspr"}
    assert decision.tool_outcomes["dhr"]["outcome"] == "statutory_dhr"
    assert decision.lead_process == "cspr"


def test_decision_page_warns_when_the_date_of_birth_and_age_disagree(app, staff) -> None:  # type: ignore[no-untyped-def]
    # Demo referral 0: born 14 February 1948, incident 2 November 2026: 78; the referral says 70.
    referral = make_referral(app, 0, subject_age=70)
    meeting = make_quorate(app.extensions["partnership"], _meeting(app))
    item = meetings.add_referral(meeting, referral)
    page = _client(app, staff["chair"]).get(f"/meetings/{meeting.id}/items/{item.id}/decision").get_data(as_text=True)
    assert "The subject’s age: 78 at the incident (from the date of birth)." in page
    assert "govuk-warning-text" in page
    assert "The date of birth gives 78 at the incident; the referral says 70." in page
    assert "Safeguarding Adults Review decision tool" in page
    assert "Child Safeguarding Practice Review decision tool" not in page


def test_vote_leaves_out_a_withdrawn_member(app, staff) -> None:  # type: ignore[no-untyped-def]
    """The police member withdrew for a conflict and is not offered a vote; the council votes
    once, whichever of its services attend. The vote is 2 to 1, and Redbridge's One Panel
    guidance says "Where there are disagreements at the Panel regarding the most
    appropriate action in relation to a case, the Chair will escalate this to the statutory
    safeguarding partners for their final decision": the decision is escalated."""
    meeting = _meeting(app)
    item = meetings.add_referral(meeting, make_referral(app, 0))
    _add_attendee(meeting, "nelft", "Health member")
    _add_attendee(meeting, "lbr-csc", "Children's member")  # the council, as the chair's agency is
    _add_attendee(meeting, "lbr-community-safety", "Community safety member")
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
    assert 'name="vote-lbr-csc"' not in page  # one vote for London Borough of Redbridge
    assert "Withdrawn from the decision: Test panel_member." in page
    chair_agency = staff["chair"].agency_id
    chair.post(response.location, {f"vote-{chair_agency}": "discretionary_sar", "vote-nelft": "statutory_sar",
                                   "vote-lbr-community-safety": "statutory_sar",
                                   f"dissent-{chair_agency}": "Wants more information",
                                   f"vote-{police}": "discretionary_sar"})  # ignored: withdrawn
    decision = Session.get(Decision, decision.id)
    assert {v.agency_id for v in decision.votes} == {chair_agency, "nelft", "lbr-community-safety"}
    assert sum(decision.vote_counts.values()) == 3
    assert (decision.method, decision.recommendation) == ("majority", "statutory_sar")
    assert decision.escalated
    assert decision.escalated_to == app.extensions["partnership"].panel("one-panel").decisions.escalate_to


def test_telford_chair_has_the_casting_vote(app_factory) -> None:  # type: ignore[no-untyped-def]
    """Telford & Wrekin CSPR Panel: "In the event of a split the Chair will have the casting
    vote or discuss with the Partnership Manager" (its SAR Panel has no casting vote)."""
    app = app_factory(PARTNERSHIP="telford-wrekin")
    p = app.extensions["partnership"]
    panel = p.panel("cspr-panel")
    first, second = (p.agencies_of(o.id)[0].id for o in p.statutory_partners[:2])
    chair = accounts.create_user(p, email="chair@example.org", name="Telford Chair", role="chair",
                                 password="correct horse battery staple", agency_id=first)
    meeting = _meeting(app, panel=panel)
    item = meetings.add_referral(meeting, make_referral(app, 1))  # demo referral 1: a child
    _add_attendee(meeting, second, "Second partner")
    for a in meeting.attendees:
        a.status = "present"
    Session.commit()
    make_quorate(p, meeting)
    decision = meetings.record_decision(meeting, item, tool_answers={}, recommendation="statutory_cspr",
                                        lead_process=None, methodology=None, rationale="Split.", recorded_by_id=None,
                                        partnership=p)
    roll = meetings.voting_roll(p, meeting, item)
    assert len(roll.voters) == 4 and {first, second} <= {v.agency_id for v in roll.voters}
    # A split, two and two: the council and one other for a review, the ICB and one other not.
    others = [v.agency_id for v in roll.voters if v.agency_id not in (first, second)]
    choices = {first: "statutory_cspr", others[0]: "statutory_cspr",
               second: "no_further_action", others[1]: "no_further_action"}
    client = _client(app, chair)
    url = f"/meetings/{meeting.id}/decisions/{decision.id}/votes"
    page = client.get(url).get_data(as_text=True)
    assert "casting vote" in page and "refers the split to the Partnership Manager" in page
    client.post(url, {**{f"vote-{a}": c for a, c in choices.items()}, "chair_choice": "statutory_cspr"})
    decision = Session.get(Decision, decision.id)
    assert decision.method == "casting_vote" and decision.recommendation == "statutory_cspr"
    assert not decision.escalated


def test_board_ratification_is_recorded_by_the_business_unit(app, staff) -> None:  # type: ignore[no-untyped-def]
    decision = _decide(app, "statutory_sar", 0)  # at the meeting of 10 March 2026
    client = _client(app, staff["secretariat"])
    page = client.get(f"/meetings/decisions/{decision.id}/ratification").get_data(as_text=True)
    assert "Redbridge Safeguarding Adults Board" in page
    client.post(f"/meetings/decisions/{decision.id}/ratification",
                {"outcome": "ratified", "by": "Independent Chair", "on": ["5", "4", "2026"]})
    decision = Session.get(Decision, decision.id)
    assert (decision.ratification, decision.ratified_by, decision.ratified_at) == (
        "ratified", "Independent Chair", date(2026, 4, 5)
    )
    assert "Ratified by Independent Chair on 5 April 2026" in client.get("/meetings/tracker").get_data(as_text=True)


def _walsall_business_unit(app_factory):  # type: ignore[no-untyped-def]
    app = app_factory(PARTNERSHIP="walsall")
    bu = accounts.create_user(app.extensions["partnership"], email="bu@example.org", name="Walsall BU",
                              role="secretariat", password="correct horse battery staple")
    return app, _client(app, bu)


def test_walsall_executive_group_changes_the_recommendation_on_the_ratification_page(app_factory) -> None:  # type: ignore[no-untyped-def]
    """Walsall arrangements 6.3: "The final decision on whether to undertake a review will be
    made by the Executive Group." Under "Changed" the business unit says what the Executive
    Group decided instead; it becomes the decision, in the tracker and the letters."""
    app, client = _walsall_business_unit(app_factory)
    decision = _decide(app, "statutory_sar", 0)  # the Practice Review Group, 10 March 2026
    url = f"/meetings/decisions/{decision.id}/ratification"
    page = client.get(url).get_data(as_text=True)
    assert "Walsall Safeguarding Executive Group" in page
    # The question is revealed under "Changed" (GOV.UK conditional reveal; shown without JavaScript).
    assert 'data-aria-controls="conditional-outcome-2"' in page
    reveal = page[page.index('id="conditional-outcome-2"'):]
    reveal = reveal[:reveal.index("</select>")]
    assert "What did the board decide instead?" in reveal
    assert 'value="learning_lessons_review"' in reveal and 'value="statutory_sar"' not in reveal
    base = {"outcome": "changed", "by": "Independent Chair", "on": ["20", "3", "2026"]}
    # Changed, without saying to what: refused, with the error summary linking to the question.
    page = client.post(url, base, status=400).get_data(as_text=True)
    assert "There is a problem" in page and 'href="#changed_to"' in page
    assert "Select what the board decided instead" in page
    # Changed to what was put to the board: refused.
    page = client.post(url, {**base, "changed_to": "statutory_sar"}, status=400).get_data(as_text=True)
    assert "The board decided what was put to it" in page
    # Before the panel's decision: refused, linked to the date.
    page = client.post(url, {**base, "changed_to": "learning_lessons_review", "on": ["9", "3", "2026"]},
                       status=400).get_data(as_text=True)
    assert "on or after the date of the panel" in page and 'href="#on-day"' in page
    assert Session.get(Decision, decision.id).ratification is None

    client.post(url, {**base, "changed_to": "learning_lessons_review", "note": "Learning sooner"})
    decision = Session.get(Decision, decision.id)
    assert (decision.ratification, decision.recommendation, decision.panel_recommendation) == (
        "changed", "learning_lessons_review", "statutory_sar"
    )
    labels = meetings.recommendations()
    tracker = client.get("/meetings/tracker").get_data(as_text=True)
    card = _card(tracker, decision.referral.reference)
    assert f"{labels['learning_lessons_review']} (" in card  # the Decision row: the decision in force
    assert (
        f"Changed by Independent Chair on 20 March 2026 to {labels['learning_lessons_review']} "
        f"(the panel recommended {labels['statutory_sar']})"
    ) in card.replace("&#39;", "'")
    import csv

    [row] = [r for r in csv.DictReader(io.StringIO(client.get("/meetings/tracker.csv").data.decode("utf-8-sig")))
             if r["Reference"] == decision.referral.reference]
    assert (row["Recommendation"], row["Ratification"]) == (labels["learning_lessons_review"], "Changed")
    letter = Document(io.BytesIO(client.get(f"/secretariat/decisions/{decision.id}/letters/referrer.docx").data))
    text = "\n".join(p.text for p in letter.paragraphs)
    assert "The Walsall Safeguarding Executive Group decided: Local multi-agency learning lessons review." in text
    assert "changed the panel's recommendation of Statutory Safeguarding Adults Review" in text
    # The page shows what was put to the board and the decision now in force.
    page = client.get(url).get_data(as_text=True)
    assert "Decision now in force" in page and "(changed by the board)" in page


def test_referred_back_shows_in_the_tracker_and_can_be_ratified_later(app_factory) -> None:  # type: ignore[no-untyped-def]
    app, client = _walsall_business_unit(app_factory)
    decision = _decide(app, "statutory_sar", 0)
    url = f"/meetings/decisions/{decision.id}/ratification"
    client.post(url, {"outcome": "referred_back", "by": "Independent Chair", "on": ["20", "3", "2026"],
                      "changed_to": "no_further_action"})
    decision = Session.get(Decision, decision.id)
    assert (decision.ratification, decision.recommendation, decision.ratified_recommendation) == (
        "referred_back", "statutory_sar", None
    )
    card = _card(client.get("/meetings/tracker").get_data(as_text=True), decision.referral.reference)
    assert "Referred back to the panel by Independent Chair on 20 March 2026" in card
    client.post(url, {"outcome": "ratified", "by": "Independent Chair", "on": ["3", "4", "2026"]})
    decision = Session.get(Decision, decision.id)
    assert (decision.ratification, decision.ratified_at) == ("ratified", date(2026, 4, 3))
    card = _card(client.get("/meetings/tracker").get_data(as_text=True), decision.referral.reference)
    assert "Ratified by Independent Chair on 3 April 2026" in card and "Referred back" not in card


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


# -- the panel's own rules when deciding: quorum, escalation, conflicts ----------------------


def _decision_form(rationale: str = "Care Act s44 criteria met.") -> dict[str, str]:
    return {**_sar_form(_statutory_sar_answers()), "recommendation": "statutory_sar", "how": "consensus",
            "rationale": rationale}


def test_redbridge_meeting_not_quorate_records_no_decision(app, staff) -> None:  # type: ignore[no-untyped-def]
    """Redbridge's One Panel guidance gives the chair no way to go on deciding when the
    meeting is not quorate (only "reschedule", a local setting): no decision is recorded
    until it is quorate."""
    meeting = _meeting(app)
    item = meetings.add_referral(meeting, make_referral(app, 0))
    chair = _client(app, staff["chair"])
    _record_attendance(chair, meeting, {a.id: "present" for a in meeting.attendees})  # the chair and police
    url = f"/meetings/{meeting.id}/items/{item.id}/decision"
    warning = "No decision can be recorded until the meeting is quorate"
    page = chair.get(url).get_data(as_text=True)
    assert "govuk-warning-text" in page and warning in page
    assert "No one from health is present" in page
    page = chair.post(url, _decision_form(), status=400).get_data(as_text=True)
    assert "There is a problem" in page and warning in page
    assert Session.query(Decision).count() == 0
    assert Session.get(Referral, item.referral_id).status == "on_agenda"
    # Once the meeting is quorate the same decision is recorded.
    make_quorate(app.extensions["partnership"], Session.get(Meeting, meeting.id))
    assert warning not in chair.get(url).get_data(as_text=True)
    chair.post(url, _decision_form())
    decision = Session.query(Decision).one()
    assert decision.recommendation == "statutory_sar" and not decision.inquorate


def test_wolverhampton_meeting_not_quorate_continues_and_its_decision_is_marked(app_factory) -> None:  # type: ignore[no-untyped-def]
    """Wolverhampton ToR §4: the meeting not quorate may be "rescheduled, continue as planned
    and/or any key decisions will need to be virtually ratified by any missing quorate
    members". After the chair chooses to continue a decision is recorded, marked as taken
    when not quorate on the meeting page and in the minutes."""
    app, p, users = _wolverhampton(app_factory)
    meeting = _meeting(app, panel=p.panel("one-panel"))
    item = meetings.add_referral(meeting, make_referral(app, 0))
    _add_attendee(meeting, "bc-icb", "ICB member")
    chair = _client(app, users["chair"])
    statuses = {a.id: "present" for a in meeting.attendees}
    statuses[next(a.id for a in meeting.attendees if a.user_id == users["police"].id)] = "apologies"
    _record_attendance(chair, meeting, statuses)
    url = f"/meetings/{meeting.id}/items/{item.id}/decision"
    # Until the chair chooses what the meeting does, no decision.
    page = chair.post(url, _decision_form(), status=400).get_data(as_text=True)
    assert "The chair must first choose what the meeting will do" in page
    assert Session.query(Decision).count() == 0
    chair.post(f"/meetings/{meeting.id}/quorum", {"quorum-choice": "continue"})
    assert Session.get(Meeting, meeting.id).not_quorate_choice == "continue"
    page = chair.get(url).get_data(as_text=True)
    assert "This decision will be marked as taken when not quorate" in page
    chair.post(url, _decision_form())
    decision = Session.query(Decision).one()
    assert decision.inquorate and decision.not_quorate_choice == "continue"
    page = chair.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Taken when not quorate" in page
    text = _docx_text(chair.get(f"/meetings/{meeting.id}/minutes.docx").data)
    assert "The meeting was not quorate" in text
    assert "which was not quorate; the chair decided: continue the meeting" in text
    tracker = _client(app, users["secretariat"]).get("/meetings/tracker").get_data(as_text=True)
    assert "Taken when not quorate (continue the meeting)" in tracker


def test_escalation_outcome_is_recorded_and_becomes_the_decision(app, staff) -> None:  # type: ignore[no-untyped-def]
    """Redbridge: "Where there are disagreements at the Panel regarding the most appropriate
    action in relation to a case, the Chair will escalate this to the statutory safeguarding
    partners for their final decision". A 2 to 1 vote is escalated; their decision, who made
    it and when are recorded and become the decision; the panel's own is kept."""
    import csv

    p = app.extensions["partnership"]
    when = date(2026, 3, 10)
    meeting = make_quorate(p, _meeting(app, when=when))
    item = meetings.add_referral(meeting, received_on(make_referral(app, 0), when - timedelta(days=14)))
    decision = meetings.record_decision(meeting, item, tool_answers={}, recommendation="statutory_sar",
                                        lead_process=None, methodology=None, rationale="Met.", recorded_by_id=None,
                                        partnership=p)
    meetings.record_votes(p, decision, [
        ("nel-ics", "Member for nel-ics", "statutory_sar"),
        ("mps-ea", "Member for mps-ea", "statutory_sar"),
        ("lbr-community-safety", "Member for lbr-community-safety", "discretionary_sar"),
    ])
    decision_id, reference = decision.id, item.referral.reference
    decision = Session.get(Decision, decision_id)
    assert decision.escalated and (decision.method, decision.recommendation) == ("majority", "statutory_sar")
    chair = _client(app, staff["chair"])
    url = f"/meetings/{meeting.id}/decisions/{decision_id}/escalation"
    assert f'href="{url}"' in chair.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    page = chair.get(url).get_data(as_text=True)
    assert decision.escalated_to in page
    assert 'name="outcome"' in page and 'name="decided_by"' in page and 'id="decided_on-day"' in page
    future = date.today() + timedelta(days=1)
    answers = {"outcome": "discretionary_sar", "decided_by": "The statutory safeguarding partners",
               "note": "Proportionate to what is known"}
    page = chair.post(url, {**answers, "decided_on": [str(future.day), str(future.month), str(future.year)]},
                      status=400).get_data(as_text=True)
    assert "There is a problem" in page and "The date of their decision must be today or in the past" in page
    decision = Session.get(Decision, decision_id)
    assert decision.escalation_resolved_at is None and decision.recommendation == "statutory_sar"
    chair.post(url, {**answers, "decided_on": ["20", "3", "2026"]})
    decision = Session.get(Decision, decision_id)
    assert (decision.recommendation, decision.panel_recommendation, decision.escalation_outcome) == (
        "discretionary_sar", "statutory_sar", "discretionary_sar"
    )
    assert (decision.escalation_decided_by, decision.escalation_decided_on) == (
        "The statutory safeguarding partners", date(2026, 3, 20)
    )
    assert decision.escalation_note == "Proportionate to what is known"
    assert decision.escalation_resolved_at is not None
    assert Session.query(TrackedReview).filter_by(decision_id=decision_id).one().review_kind == "discretionary_sar"
    response = chair.get("/meetings/tracker.csv")
    [row] = [r for r in csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))) if r["Reference"] == reference]
    labels = meetings.recommendations()
    assert row["Recommendation"] == labels["discretionary_sar"]
    assert (
        f"The statutory safeguarding partners decided {labels['discretionary_sar']} on 20 March 2026"
        in row["How decided"]
    )
    # The outcome is recorded once.
    chair.get(url, status=302)


def test_the_chair_cannot_rule_on_their_own_declaration(app, staff) -> None:  # type: ignore[no-untyped-def]
    """Nobody rules on their own declaration (another member chairs that item); until it is
    ruled on, the chair is out of the decision and cannot record it either."""
    meeting = make_quorate(app.extensions["partnership"], _meeting(app))
    item = meetings.add_referral(meeting, make_referral(app, 0))
    decl = meetings.declare_interest(meeting, staff["chair"], {
        "agenda_item": str(item.id), "has_interest": "yes", "interest_details": "Manages the allocated worker"})
    chair = _client(app, staff["chair"])
    page = chair.get(f"/meetings/{meeting.id}/declarations").get_data(as_text=True)
    assert "Manages the allocated worker" in page and "Test chair" in page
    page = chair.post(f"/meetings/{meeting.id}/declarations/{decl.id}",
                      {f"d{decl.id}-ruling": "no_action", f"d{decl.id}-note": "Fine"},
                      status=400).get_data(as_text=True)
    assert "There is a problem" in page
    assert "You cannot rule on your own declaration" in page
    decl = Session.get(Declaration, decl.id)
    assert decl.ruling is None and decl.ruled_by_id is None and decl.ruling_note is None
    assert Session.query(AuditEvent).filter_by(action="rule_on_declaration").count() == 0
    page = chair.get(f"/meetings/{meeting.id}/items/{item.id}/decision").get_data(as_text=True)
    assert "Test chair is out of this decision (conflict of interest): another member records it" in page


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


# -- notifications, review stages, evidence and the tracker export ----------------------------


def _decide(app, recommendation: str, index: int = 0, when: date = date(2026, 3, 10)) -> Decision:  # type: ignore[no-untyped-def]
    """A decision by consensus at a quorate meeting."""
    p = app.extensions["partnership"]
    meeting = make_quorate(p, _meeting(app, when=when))
    item = meetings.add_referral(meeting, received_on(make_referral(app, index), when - timedelta(days=14)))
    return meetings.record_decision(meeting, item, tool_answers={}, recommendation=recommendation,
                                    lead_process=None, methodology=None, rationale="Met.", recorded_by_id=None,
                                    partnership=p)


def _card(page: str, reference: str) -> str:
    """The tracker's card for one referral."""
    start = re.search(rf"{re.escape(reference)}\s*</h2>", page).start()  # type: ignore[union-attr]
    end = page.find('<div id="referral-', start)
    return page[start:end if end != -1 else len(page)]


def test_notifications_are_shown_recorded_and_checked_on_the_tracker(app, staff) -> None:  # type: ignore[no-untyped-def]
    dhr = _decide(app, "statutory_dhr", 2)  # a referral considered for a DHR
    cspr = _decide(app, "statutory_cspr", 1)
    sar = _decide(app, "statutory_sar", 0)
    refs = {d.id: d.referral.reference for d in (dhr, cspr, sar)}
    dhr_referral_id = dhr.referral_id
    client = _client(app, staff["secretariat"])
    page = client.get("/meetings/tracker").get_data(as_text=True)
    dhr_card, cspr_card, sar_card = (_card(page, refs[d.id]) for d in (dhr, cspr, sar))
    assert "Notification to the Home Office" in dhr_card and "National Child Safeguarding" not in dhr_card
    # A statutory clock now: decided 10 March 2026, due 20 working days later (9 April 2026,
    # after Good Friday 3 and Easter Monday 6 April), and long past.
    assert "Overdue" in dhr_card and "due on 9 April 2026" in dhr_card
    assert "Notification to the National Child Safeguarding Practice Review Panel (copies to the Department " \
           "for Education and Ofsted)" in cspr_card and "Home Office" not in cspr_card
    assert "Notification to" not in sar_card
    url = f"/meetings/decisions/{dhr.id}/notifications/home_office"
    field = f"n{dhr.id}-home_office-on"
    for parts, message in (
        (["", "", ""], "Enter the date the notification was sent"),
        (["31", "2", "2026"], "Enter a real date for the notification"),
        (["9", "3", "2026"], "must be on or after the date of the decision, 10 March 2026"),
        ([str(date.today().day), str(date.today().month), str(date.today().year + 1)], "today or in the past"),
    ):
        page = client.post(url, {field: parts}, status=400).get_data(as_text=True)
        assert "There is a problem" in page and message in page, message
        assert f'href="#{field}-day"' in page
    assert Session.get(Decision, dhr.id).home_office_notified_on is None
    response = client.post(url, {field: ["12", "3", "2026"]})
    assert response.location.endswith(f"/meetings/tracker#referral-{dhr_referral_id}")
    assert Session.get(Decision, dhr.id).home_office_notified_on == date(2026, 3, 12)
    page = client.get("/meetings/tracker").get_data(as_text=True)
    assert "Done on 12 March 2026" in _card(page, refs[dhr.id])
    assert "Not done" in _card(page, refs[cspr.id])
    # A notification the decision does not need is not there to record.
    client.post(f"/meetings/decisions/{sar.id}/notifications/home_office", {"x-on": ["12", "3", "2026"]}, status=404)
    client.post(f"/meetings/decisions/{dhr.id}/notifications/national_panel", {}, status=404)
    assert Session.query(AuditEvent).filter_by(action="record_notification", object_id=str(dhr.id)).count() == 1
    # The chair sees the status but has no form.
    page = _client(app, staff["chair"]).get("/meetings/tracker").get_data(as_text=True)
    assert "Done on 12 March 2026" in page and "Record the date it was sent" not in page
    _client(app, staff["chair"]).post(url, {field: ["12", "3", "2026"]}, status=403)


def test_review_page_records_the_new_stages_in_order_and_a_declined_review(app, staff) -> None:  # type: ignore[no-untyped-def]
    _decide(app, "single_agency_review")
    review = Session.query(TrackedReview).one()
    client = _client(app, staff["secretariat"])
    page = client.get(f"/meetings/tracker/reviews/{review.id}").get_data(as_text=True)
    assert "Terms of reference agreed" in page and "Draft report to the panel" in page
    assert "If the agency declined the review" in page
    page = client.post(f"/meetings/tracker/reviews/{review.id}", {
        "commissioned_on": ["1", "4", "2026"], "terms_of_reference_on": ["1", "3", "2026"],
    }, status=400).get_data(as_text=True)
    assert "The date terms of reference agreed must be on or after the date commissioned, 1 April 2026" in page
    assert 'href="#terms_of_reference_on-day"' in page
    client.post(f"/meetings/tracker/reviews/{review.id}", {
        "reviewer": "Agency lead", "commissioned_on": ["1", "4", "2026"], "terms_of_reference_on": ["8", "4", "2026"],
        "draft_to_panel_on": ["1", "6", "2026"],
    })
    page = client.post(f"/meetings/tracker/reviews/{review.id}/declined",
                       {"declined-on": ["2", "6", "2026"], "declined-rationale": ""}, status=400).get_data(as_text=True)
    assert "Enter the agency&#39;s rationale for declining the review" in page
    client.post(f"/meetings/tracker/reviews/{review.id}/declined",
                {"declined-on": ["2", "6", "2026"], "declined-rationale": "Covered by the agency's own inquiry."})
    page = client.get("/meetings/tracker").get_data(as_text=True)
    assert "Terms of reference agreed: 8 April 2026" in page and "Draft report to the panel: 1 June 2026" in page
    assert "Declined by the agency" in page and "Covered by the agency&#39;s own inquiry." in page
    # Only a single agency review can be declined.
    other = _decide(app, "statutory_sar", 1)
    sar_review = Session.query(TrackedReview).filter_by(decision_id=other.id).one()
    assert "If the agency declined" not in client.get(f"/meetings/tracker/reviews/{sar_review.id}").get_data(as_text=True)
    client.post(f"/meetings/tracker/reviews/{sar_review.id}/declined",
                {"declined-on": ["2", "6", "2026"], "declined-rationale": "No"}, status=404)


def test_action_marked_done_with_evidence_and_evidence_added_later(app, staff) -> None:  # type: ignore[no-untyped-def]
    decision = _decide(app, "statutory_sar")
    late = meetings.add_action(meeting=None, referral=decision.referral, description="Chase the GP",
                               owner="Business unit", due=date(2020, 1, 1))
    other = meetings.add_action(meeting=None, referral=None, description="Book the room", owner="BU", due=None)
    client = _client(app, staff["secretariat"])
    page = client.get("/meetings/tracker").get_data(as_text=True)
    assert "1 action is overdue." in page and 'class="app-overdue"' in page
    client.post(f"/meetings/tracker/actions/{late.id}/done", {f"a{late.id}-evidence": "GP records received 3 March"})
    late = Session.get(Action, late.id)
    assert (late.status, late.evidence) == ("done", "GP records received 3 March")
    client.post(f"/meetings/tracker/actions/{other.id}/done", {})
    page = client.post(f"/meetings/tracker/actions/{other.id}/evidence", {f"a{other.id}-evidence": " "},
                       status=400).get_data(as_text=True)
    assert "There is a problem" in page and "Enter the evidence for the action" in page
    page = client.post(f"/meetings/tracker/actions/{other.id}/evidence", {f"a{other.id}-evidence": "x" * 5001},
                       status=400).get_data(as_text=True)
    assert "The evidence must be 5,000 characters or fewer" in page
    client.post(f"/meetings/tracker/actions/{other.id}/evidence", {f"a{other.id}-evidence": "Room booked"})
    page = client.get("/meetings/tracker").get_data(as_text=True)
    assert "GP records received 3 March" in page and "Room booked" in page and "overdue." not in page


def test_meeting_page_shows_its_decision_and_action_log(app, staff) -> None:  # type: ignore[no-untyped-def]
    meeting = _meeting(app)
    item = meetings.add_referral(meeting, make_referral(app, 0))
    meetings.record_decision(meeting, item, tool_answers={}, recommendation="statutory_sar",
                             lead_process=None, methodology=None, rationale="Met.", recorded_by_id=None)
    meetings.add_action(meeting=meeting, referral=item.referral, description="Write to the SAB chair",
                        owner="Business unit", due=date(2020, 1, 1))
    page = _client(app, staff["secretariat"]).get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "decision and action log" in page and "Write to the SAB chair" in page and "Overdue" in page
    member_page = _client(app, staff["panel_member"]).get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Write to the SAB chair" in member_page and "/meetings/tracker" not in member_page


def _export_fixture(app):  # type: ignore[no-untyped-def]
    """A DHR referral decided, ratified, notified, with a review and actions; one undecided."""
    dhr = _decide(app, "statutory_dhr", 0)
    meetings.ratify(dhr, "ratified", by="+Chair of the CSP", on=date(2026, 3, 20))
    meetings.record_notification(dhr, "home_office", date(2026, 3, 12))
    review = Session.query(TrackedReview).filter_by(decision_id=dhr.id).one()
    meetings.update_review(review, reviewer='=HYPERLINK("http://evil.example","x")',
                           commissioned_on=date(2026, 4, 1), terms_of_reference_on=date(2026, 4, 8))
    meetings.add_action(meeting=None, referral=dhr.referral, description="Late", owner="BU", due=date(2020, 1, 1))
    meetings.add_action(meeting=None, referral=dhr.referral, description="Soon", owner="BU", due=date(2099, 1, 1))
    undecided = make_referral(app, 1)
    return Session.get(Decision, dhr.id), undecided


def _expected_rows(app, dhr, undecided):  # type: ignore[no-untyped-def]
    from views.filters import LONDON

    p = app.extensions["partnership"]

    def types(r):  # type: ignore[no-untyped-def]
        return ", ".join(p.review_label(t) for t in r.review_types)

    def received(r):  # type: ignore[no-untyped-def]
        value = r.received_at if r.received_at.tzinfo else r.received_at.replace(tzinfo=__import__("datetime").UTC)
        return value.astimezone(LONDON).date()

    return {
        dhr.referral.reference: {
            "Reference": dhr.referral.reference, "Received": received(dhr.referral),
            "Review types considered": types(dhr.referral), "Status": "Decided",
            "Screening returns received": 0, "Screening returns requested": 0,
            "Decision date": date(2026, 3, 10), "Recommendation": f"Statutory {p.review_label('dhr')}",
            "How decided": "Quorate; by consensus",
            "Ratification": "Ratified", "Ratified by": "+Chair of the CSP", "Ratified on": date(2026, 3, 20),
            "Home Office notification": date(2026, 3, 12), "National Panel notification": "Not needed",
            # An adult's case: no child's clocks. The Home Office clock runs 20 working days
            # (a local setting) from the decision on 10 March 2026: 9 April 2026, past Good
            # Friday (3 April) and Easter Monday (6 April).
            "Local authority aware of the incident": "Not needed",
            "Serious incident notification due": "Not needed", "Serious incident notification done": "Not needed",
            "Rapid review meeting due": "Not needed", "Rapid review meeting done": "Not needed",
            "Rapid review to the National Panel due": "Not needed",
            "Rapid review to the National Panel done": "Not needed",
            "Home Office notification due": date(2026, 4, 9),
            "Reviewer": '=HYPERLINK("http://evil.example","x")', "Commissioned": date(2026, 4, 1),
            "Terms of reference agreed": date(2026, 4, 8), "Draft to panel": None,
            "Final draft back to panel": None, "Signed off": None, "Published": None,
            "Declined by the agency on": None, "Agency's rationale for declining": None,
            "Open actions": 2, "Overdue actions": 1, "Overdue statutory steps": 0,
        },
        undecided.reference: {
            "Reference": undecided.reference, "Received": received(undecided),
            "Review types considered": types(undecided), "Status": "Received",
            "Screening returns received": 0, "Screening returns requested": 0, "Decision date": None,
            "Recommendation": None, "How decided": None, "Ratification": None, "Ratified by": None,
            "Ratified on": None,
            "Home Office notification": "Not needed", "National Panel notification": "Not needed",
            # A child's case (considered for a CSPR), undecided: its clocks wait for the day
            # the local authority became aware; Redbridge sets no rapid review meeting clock.
            "Local authority aware of the incident": "Not recorded",
            "Serious incident notification due": "Start date not recorded",
            "Serious incident notification done": "Not done",
            "Rapid review meeting due": "Not needed", "Rapid review meeting done": "Not needed",
            "Rapid review to the National Panel due": "Start date not recorded",
            "Rapid review to the National Panel done": "Not done",
            "Home Office notification due": "Not needed",
            "Reviewer": None, "Commissioned": None, "Terms of reference agreed": None, "Draft to panel": None,
            "Final draft back to panel": None, "Signed off": None, "Published": None,
            "Declined by the agency on": None, "Agency's rationale for declining": None,
            "Open actions": 0, "Overdue actions": 0, "Overdue statutory steps": 0,
        },
    }


def test_tracker_exports_as_csv_read_back_row_for_row(app, staff) -> None:  # type: ignore[no-untyped-def]
    import csv

    dhr, undecided = _export_fixture(app)
    client = _client(app, staff["chair"])
    page = client.get("/meetings/tracker").get_data(as_text=True)
    assert 'href="/meetings/tracker.csv"' in page and 'href="/meetings/tracker.xlsx"' in page
    response = client.get("/meetings/tracker.csv")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="case-tracker-')
    assert "no-store" in response.headers["Cache-Control"]
    assert response.data.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM, for Excel
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert [r["Reference"] for r in rows] == [undecided.reference, dhr.referral.reference]  # newest first
    expected = _expected_rows(app, dhr, undecided)

    def as_csv(value):  # type: ignore[no-untyped-def]
        return "" if value is None else value.isoformat() if isinstance(value, date) else str(value)

    for row in rows:
        want = {k: as_csv(v) for k, v in expected[row["Reference"]].items()}
        # Formula-like text is kept as text: prefixed with an apostrophe.
        if row["Reference"] == dhr.referral.reference:
            want["Reviewer"] = "'" + want["Reviewer"]
            want["Ratified by"] = "'+Chair of the CSP"
        assert row == want
    assert list(rows[0]) == list(meetings.TRACKER_COLUMNS)
    event = Session.query(AuditEvent).filter_by(action="export", object_type="case_tracker").one()
    assert event.user_id == staff["chair"].id and event.detail == {"format": "csv"}


def test_tracker_exports_as_xlsx_read_back_row_for_row(app, staff) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    dhr, undecided = _export_fixture(app)
    response = _client(app, staff["secretariat"]).get("/meetings/tracker.xlsx")
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.headers["Content-Disposition"].endswith('.xlsx"')
    assert "no-store" in response.headers["Cache-Control"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert list(header) == list(meetings.TRACKER_COLUMNS)
    expected = _expected_rows(app, dhr, undecided)
    assert [r[0] for r in rows] == [undecided.reference, dhr.referral.reference]
    for row in rows:
        got = {k: (v.date() if hasattr(v, "date") and callable(v.date) else v) for k, v in zip(header, row, strict=True)}
        assert got == expected[row[0]]
    # The formula-like reviewer is a text cell, never a formula.
    reviewer = sheet.cell(row=3, column=list(header).index("Reviewer") + 1)
    assert reviewer.data_type == "s" and reviewer.value.startswith("=HYPERLINK")
    assert all(c.data_type != "f" for r in sheet.iter_rows() for c in r)
    assert Session.query(AuditEvent).filter_by(action="export", object_type="case_tracker").one().detail == {"format": "xlsx"}


def test_panel_member_cannot_export_the_tracker(app, staff) -> None:  # type: ignore[no-untyped-def]
    _export_fixture(app)
    client = _client(app, staff["panel_member"])
    for url in ("/meetings/tracker.csv", "/meetings/tracker.xlsx"):
        response = client.get(url, status=403)
        assert response.mimetype == "text/html"
    assert Session.query(AuditEvent).filter_by(action="export").count() == 0


def test_meeting_page_flags_an_agency_missing_two_meetings_running_to_the_chair_only(app, staff) -> None:  # type: ignore[no-untyped-def]
    p = app.extensions["partnership"]
    member_agency = p.agency(staff["panel_member"].agency_id).name
    held = []
    for when in (date(2026, 10, 7), date(2026, 11, 4)):
        m = _meeting(app, when=when)
        meetings.record_attendance(m, {
            a.id: ("present" if a.user_id == staff["chair"].id else "absent", None) for a in m.attendees
        })
        held.append(m.id)
    page = _client(app, staff["chair"]).get(f"/meetings/{held[1]}").get_data(as_text=True)
    assert "For the chair to escalate: 1 member agency was not represented at the last 2 meetings." in page
    assert f"{member_agency}: 4 November 2026, 7 October 2026" in page
    earlier = _client(app, staff["chair"]).get(f"/meetings/{held[0]}").get_data(as_text=True)
    assert "For the chair to escalate" not in earlier
    member_page = _client(app, staff["panel_member"]).get(f"/meetings/{held[1]}").get_data(as_text=True)
    assert "For the chair to escalate" not in member_page


def test_marking_an_action_done_from_the_meeting_page_returns_to_the_meeting(app, staff) -> None:  # type: ignore[no-untyped-def]
    meeting = _meeting(app)
    action = meetings.add_action(meeting=meeting, referral=None, description="Book the room", owner="BU", due=None)
    client = _client(app, staff["secretariat"])
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert 'name="return_to" value="meeting"' in page
    response = client.post(f"/meetings/tracker/actions/{action.id}/done", {"return_to": "meeting"})
    assert response.location == f"/meetings/{meeting.id}#actions"
    # Any other value goes to the tracker: the address is never taken from the form.
    other = meetings.add_action(meeting=meeting, referral=None, description="Send the minutes", owner="BU", due=None)
    response = client.post(f"/meetings/tracker/actions/{other.id}/done", {"return_to": "https://evil.example/"})
    assert response.location == "/meetings/tracker#actions"


def test_a_referral_cannot_go_on_the_agenda_of_a_meeting_before_it_was_received(app, staff) -> None:  # type: ignore[no-untyped-def]
    referral = received_on(make_referral(app, 0), date(2026, 11, 20))
    earlier = _meeting(app, when=date(2026, 11, 4))
    client = _client(app, staff["secretariat"])
    page = client.post(f"/meetings/{earlier.id}/agenda/referrals", {"agenda-referral_id": str(referral.id)},
                       status=400).get_data(as_text=True)
    assert "There is a problem" in page
    assert f"Referral {referral.reference} was received on 20 November 2026, after this meeting of 4 November 2026" in page
    assert Session.query(AgendaItem).filter_by(referral_id=referral.id).count() == 0
    later = _meeting(app, when=date(2026, 11, 20))  # the same day is fine
    client.post(f"/meetings/{later.id}/agenda/referrals", {"agenda-referral_id": str(referral.id)})
    assert Session.query(AgendaItem).filter_by(referral_id=referral.id, meeting_id=later.id).count() == 1
