"""The meeting domain: scheduling and deadlines, the agenda, quoracy, declarations of
interest, decisions and votes, ratification, the case tracker and the minutes."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, time, timedelta

import pytest
from docx import Document

from document_templates import check_template
from document_templates.contexts import CONTRACTS, THINK_FAMILY_STATEMENT
from partnerships import load_partnership
from storage.db import Session
from storage.models import AgendaItem, Declaration, TrackedReview
from tests.factories import make_quorate, make_referral, received_on
from workflow import meetings
from workflow.meetings import MeetingError

REDBRIDGE = load_partnership("redbridge")
WOLVERHAMPTON = load_partnership("wolverhampton")
TELFORD = load_partnership("telford-wrekin")
WALSALL = load_partnership("walsall")
WOLVES_PANEL = WOLVERHAMPTON.panel("one-panel")


def _docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join(parts)


# -- scheduling and deadlines -------------------------------------------------------------


def test_papers_deadline_counts_working_days_and_skips_the_bank_holiday() -> None:
    # Thursday 6 May 2027; Monday 3 May 2027 is the early May bank holiday.
    d = meetings.deadlines(REDBRIDGE, date(2027, 5, 6))
    assert d.papers == date(2027, 4, 28)  # 5 working days: 5, 4, (3 is a holiday), 30, 29, 28
    assert d.agenda_items == date(2027, 4, 26)  # 10 calendar days
    assert not d.papers_passed(date(2027, 4, 28))
    assert d.papers_passed(date(2027, 4, 29))


def test_next_dates_follow_the_partnership_frequency() -> None:
    last = date(2027, 1, 14)  # the second Thursday of January
    assert meetings.suggest_dates(REDBRIDGE, today=date(2027, 1, 15), last=last) == [
        date(2027, 2, 11), date(2027, 3, 11), date(2027, 4, 8),
    ]
    assert meetings.suggest_dates(WOLVERHAMPTON, today=date(2027, 1, 15), last=last) == [
        date(2027, 3, 11), date(2027, 5, 13), date(2027, 7, 8),
    ]
    assert meetings.suggest_dates(WALSALL, today=date(2027, 1, 15), last=last) == []


def test_suggested_date_on_a_bank_holiday_moves_to_the_next_working_day() -> None:
    # First Monday of the month; in May 2027 that is the bank holiday.
    [suggested] = meetings.suggest_dates(REDBRIDGE, today=date(2027, 4, 6), last=date(2027, 4, 5), count=1)
    assert suggested == date(2027, 5, 4)


# -- the agenda -------------------------------------------------------------------------------


def _meeting(app, staff=None, when=date(2027, 1, 14), panel=None):  # type: ignore[no-untyped-def]
    return meetings.schedule_meeting(
        when=when, start_time=time(10, 0), location="Committee Room 2",
        invitees=meetings.panel_invitees() if staff else (), panel=panel,
    )


def test_agenda_has_the_standing_items_in_order_with_the_think_family_statement(app) -> None:  # type: ignore[no-untyped-def]
    """Wolverhampton One Panel's terms of reference (§9) give the standing agenda and the
    Think Family statement; a panel whose document gives neither (Redbridge's One Panel)
    gets only the headings that hold what is added to the agenda."""
    meeting = _meeting(app, panel=WOLVES_PANEL)
    assert [i.title for i in meetings.ordered_items(meeting)] == [
        "Think Family statement",
        "Matters arising and action log",
        "Case tracker review",
        "New referrals",
        "Panel business",
        "Learning from the National Panel",
    ]
    assert meeting.items[0].notes == (
        "As a One Panel we are committed to enhancing a Think Family approach in our practice "
        "by utilising and embedding our learning using a whole family approach"
    )
    redbridge = _meeting(app, panel=REDBRIDGE.panel("one-panel"), when=date(2027, 2, 11))
    assert [i.title for i in meetings.ordered_items(redbridge)] == [
        "Case tracker review", "New referrals", "Panel business",
    ]
    assert all(i.notes != THINK_FAMILY_STATEMENT for i in redbridge.items)


def test_adding_a_referral_puts_it_under_new_referrals_and_on_an_agenda(app) -> None:  # type: ignore[no-untyped-def]
    meeting = _meeting(app)
    referral = make_referral(app, 0)
    assert referral in meetings.referrals_ready_for_agenda()
    item = meetings.add_referral(meeting, referral)
    assert referral.status == "on_agenda"
    assert referral not in meetings.referrals_ready_for_agenda()
    # Redbridge's agenda: 1 Case tracker review, 2 New referrals, 3 Panel business.
    assert meetings.agenda_numbers(meeting)[item.id] == "2.1"
    business = meetings.add_item(meeting, "panel_business", "Single agency review: sign-off")
    assert meetings.agenda_numbers(meeting)[business.id] == "3.1"
    titles = [i.title for i in meetings.ordered_items(meeting)]
    assert titles.index(item.title) == titles.index("New referrals") + 1
    with pytest.raises(MeetingError, match="not waiting for a panel meeting"):
        meetings.add_referral(meeting, referral)


def test_schedule_invites_every_panel_member_and_the_chair(app, staff) -> None:  # type: ignore[no-untyped-def]
    staff["panel_member"].deputy_id = None
    meeting = _meeting(app, staff)
    assert {(a.name, a.role) for a in meeting.attendees} == {
        ("Test chair", "chair"), ("Test panel_member", "member"),
    }
    assert all(a.status is None for a in meeting.attendees)


# -- attendance and quoracy ----------------------------------------------------------------------


def _attend(meeting, partnership, agency_ids, status="present"):  # type: ignore[no-untyped-def]
    from storage.models import Attendance

    for agency_id in agency_ids:
        meeting.attendees.append(
            Attendance(name=f"Member for {agency_id}", agency_id=agency_id, role="member", status=status)
        )
    Session.commit()


def test_quorate_only_when_every_required_sector_is_present(app) -> None:  # type: ignore[no-untyped-def]
    meeting = _meeting(app)
    _attend(meeting, REDBRIDGE, ["lbr-asc", "lbr-csc", "nelft", "lbr-community-safety"])
    result = meetings.quoracy(REDBRIDGE, meeting)
    assert not result.quorate
    assert "No one from police is present" in " ".join(result.reasons)
    _attend(meeting, REDBRIDGE, ["mps-ea"])
    assert meetings.quoracy(REDBRIDGE, meeting).quorate


def test_an_agency_unrepresented_at_two_meetings_in_a_row_is_flagged_for_escalation(app) -> None:  # type: ignore[no-untyped-def]
    from storage.models import Attendance

    first = _meeting(app, when=date(2026, 9, 2))
    second = _meeting(app, when=date(2026, 10, 7))
    third = _meeting(app, when=date(2026, 11, 4))
    for m in (first, second, third):
        _attend(m, REDBRIDGE, ["lbr-asc", "nelft"])
    _attend(first, REDBRIDGE, ["mps-ea", "lbr-csc"])  # police came to the first only
    _attend(second, REDBRIDGE, ["mps-ea"], status="absent")
    _attend(third, REDBRIDGE, ["mps-ea"], status="apologies")
    # Children's social care sent apologies from its member, but its deputy came.
    _attend(second, REDBRIDGE, ["lbr-csc"], status="apologies")
    second.attendees.append(Attendance(name="Deputy for CSC", agency_id="lbr-csc", role="deputy", status="present"))
    _attend(third, REDBRIDGE, ["lbr-csc"], status="absent")
    Session.commit()

    flagged = meetings.non_attendance(REDBRIDGE, third)
    assert [(n.agency_id, n.missed) for n in flagged] == [("mps-ea", (date(2026, 11, 4), date(2026, 10, 7)))]
    assert flagged[0].agency_name == "Metropolitan Police Service – East Area Basic Command Unit"
    # As of the second meeting police had missed only one in a row.
    assert meetings.non_attendance(REDBRIDGE, second) == []
    # A meeting whose attendance is not recorded yet does not count either way.
    fourth = _meeting(app, when=date(2026, 12, 2))
    _attend(fourth, REDBRIDGE, ["mps-ea"], status=None)
    assert [n.agency_id for n in meetings.non_attendance(REDBRIDGE, fourth)] == ["mps-ea"]
    # The panel can ask for three in a row, or turn it off.
    def after(n):  # type: ignore[no-untyped-def]
        [panel] = REDBRIDGE.panels
        settings = panel.meetings.model_copy(update={"escalate_non_attendance_after": n})
        return REDBRIDGE.model_copy(update={"panels": [panel.model_copy(update={"meetings": settings})]})

    assert meetings.non_attendance(after(3), third) == []
    assert meetings.non_attendance(after(0), third) == []


def test_not_quorate_virtual_ratification_is_tracked_until_each_member_ratifies(app) -> None:  # type: ignore[no-untyped-def]
    """Wolverhampton ToR §4: "rescheduled, continue as planned and/or any key decisions will
    need to be virtually ratified by any missing quorate members". The council is there
    through its adults' social care, so only the police and the community safety
    partnership are asked to ratify."""
    meeting = _meeting(app, panel=WOLVES_PANEL)
    _attend(meeting, WOLVERHAMPTON, ["cwc-asc", "bc-icb"])
    with pytest.raises(MeetingError):
        meetings.choose_when_not_quorate(REDBRIDGE, meeting, "virtual_ratification")  # not a Redbridge option
    made = meetings.choose_when_not_quorate(WOLVERHAMPTON, meeting, "virtual_ratification")
    assert sorted(r.agency_id for r in made) == ["swp", "wmp"]
    assert meeting.not_quorate_choice == "virtual_ratification"
    assert all(r.ratified_at is None for r in meetings.ratifications(meeting))
    meetings.mark_ratified(made[0])
    states = {r.agency_id: r.ratified_at is not None for r in meetings.ratifications(meeting)}
    assert states == {made[0].agency_id: True, made[1].agency_id: False}


# -- declarations of interest -------------------------------------------------------------------


def _declare(meeting, user, item, ruling=None):  # type: ignore[no-untyped-def]
    decl = meetings.declare_interest(
        meeting, user,
        {"agenda_item": str(item.id), "has_interest": "yes", "interest_nature": ["professional"],
         "interest_details": "Managed the allocated officer", "date_declared": "2027-01-10"},
    )
    if ruling:
        meetings.rule_on_declaration(decl, ruling, "Minuted", None)
    return decl


def test_member_with_conflict_does_not_receive_item(app, staff) -> None:  # type: ignore[no-untyped-def]
    meeting = _meeting(app, staff)
    first = meetings.add_referral(meeting, make_referral(app, 0))
    second = meetings.add_referral(meeting, make_referral(app, 1))
    member, chair = staff["panel_member"], staff["chair"]
    decl = _declare(meeting, member, second)
    assert meetings.withdrawn_items(meeting, member) == set()  # not ruled on yet
    meetings.rule_on_declaration(decl, "withdraw_from_decision", None, chair.id)
    assert meetings.withdrawn_items(meeting, member) == set()  # stays for the discussion
    meetings.rule_on_declaration(decl, "withdraw_from_discussion_and_decision", "Left the room", chair.id)
    assert meetings.withdrawn_items(meeting, member) == {second.id}
    assert first.id not in meetings.withdrawn_items(meeting, member)
    assert meetings.withdrawn_items(meeting, chair) == set()
    assert meetings.withdrawn_items(meeting, None) == set()


def test_changed_declaration_goes_back_to_the_chair(app, staff) -> None:  # type: ignore[no-untyped-def]
    meeting = _meeting(app, staff)
    item = meetings.add_referral(meeting, make_referral(app, 0))
    decl = _declare(meeting, staff["panel_member"], item, "no_action")
    again = meetings.declare_interest(
        meeting, staff["panel_member"], {"agenda_item": str(item.id), "has_interest": "no"}
    )
    assert again.id == decl.id and again.ruling is None and not again.has_interest
    with pytest.raises(MeetingError):
        meetings.declare_interest(meeting, staff["panel_member"], {"agenda_item": "999999", "has_interest": "no"})


# -- decisions, votes, ratification, tracker ---------------------------------------------------


def _statutory_sar_answers() -> dict[str, dict[str, str]]:
    """Answers to the SAR tool for an adult with care needs who died of suspected neglect."""
    from workflow.decision_tools import TOOLS, evaluate

    answers: dict[str, str] = {}
    for _ in range(len(TOOLS["sar"].questions) + 1):
        for q in meetings.visible_questions("sar", answers):
            answers.setdefault(q.id, "yes")
        if not evaluate("sar", answers).missing:
            break
    return {"sar": answers}


def _item_with_referral(app, meeting, index=0):  # type: ignore[no-untyped-def]
    referral = make_referral(app, index)
    if referral.received_at.date() > meeting.date:
        received_on(referral, meeting.date - timedelta(days=14))
    return meetings.add_referral(meeting, referral)


def test_sar_tool_suggests_a_statutory_review_and_the_review_is_tracked(app) -> None:  # type: ignore[no-untyped-def]
    meeting = _meeting(app)
    item = _item_with_referral(app, meeting)  # demo referral 0: adult, SAR considered
    assert meetings.tools_for(item.referral) == ["sar"]
    answers = _statutory_sar_answers()
    outcomes = meetings.evaluate_tools(answers)
    assert outcomes["sar"]["outcome"] == "statutory_sar"
    assert outcomes["sar"]["reasons"]
    decision = meetings.record_decision(
        meeting, item, tool_answers=answers, recommendation="statutory_sar", lead_process=None,
        methodology=None, rationale="Care Act s44 met.", recorded_by_id=None,
    )
    assert decision.tool_outcomes["sar"]["outcome"] == "statutory_sar"
    assert item.referral.status == "decided"
    [tracked] = Session.query(TrackedReview).filter_by(referral_id=item.referral_id).all()
    assert tracked.decision_id == decision.id and tracked.review_kind == "statutory_sar"
    [row] = [r for r in meetings.tracker(date.today()) if r.referral.id == item.referral_id]
    assert row.decision is decision or row.decision.id == decision.id
    assert [r.id for r in row.reviews] == [tracked.id]


def test_decision_needs_a_rationale_and_no_review_is_not_tracked(app) -> None:  # type: ignore[no-untyped-def]
    meeting = _meeting(app)
    item = _item_with_referral(app, meeting)
    with pytest.raises(MeetingError, match="rationale"):
        meetings.record_decision(meeting, item, tool_answers={}, recommendation="no_further_action",
                                 lead_process=None, methodology=None, rationale=" ", recorded_by_id=None)
    meetings.record_decision(meeting, item, tool_answers={}, recommendation="no_further_action",
                             lead_process=None, methodology=None, rationale="Not met.", recorded_by_id=None)
    assert Session.query(TrackedReview).count() == 0


def test_member_withdrawn_from_the_decision_does_not_vote(app, staff) -> None:  # type: ignore[no-untyped-def]
    """The police member withdrew for a conflict and does not vote; the council votes once
    (its adults' and children's services share London Borough of Redbridge's one vote).
    The vote is 2 to 1, and Redbridge's One Panel guidance says "Where there are
    disagreements at the Panel regarding the most appropriate action in relation to a case,
    the Chair will escalate this to the statutory safeguarding partners for their final
    decision": the majority's choice stands as the panel's recommendation, escalated."""
    meeting = _meeting(app, staff)
    item = _item_with_referral(app, meeting)
    for a in meeting.attendees:
        a.status = "present"
    _attend(meeting, REDBRIDGE, ["nelft", "lbr-csc", "lbr-community-safety"])
    assert meetings.quoracy(REDBRIDGE, meeting).quorate
    _declare(meeting, staff["panel_member"], item, "withdraw_from_decision")
    roll = meetings.voting_roll(REDBRIDGE, meeting, item)
    police, chair_agency = staff["panel_member"].agency_id, staff["chair"].agency_id
    assert police not in [v.agency_id for v in roll.voters]
    assert police in roll.withdrawn_agencies
    assert roll.withdrawn_people == ["Test panel_member"]
    assert [v.agency_id for v in roll.voters] == [chair_agency, "nelft", "lbr-community-safety"]
    decision = meetings.record_decision(meeting, item, tool_answers={}, recommendation="statutory_sar",
                                        lead_process=None, methodology=None, rationale="Met.", recorded_by_id=None,
                                        partnership=REDBRIDGE)
    assert not decision.inquorate
    choices = {"nelft": "statutory_sar", "lbr-community-safety": "statutory_sar", chair_agency: "discretionary_sar"}
    result = meetings.record_votes(
        REDBRIDGE, decision, [(v.agency_id, v.person, choices[v.agency_id]) for v in roll.voters],
        dissent={chair_agency: "Not enough information yet"},
        withdrawn_agencies=roll.withdrawn_agencies, withdrawn_people=roll.withdrawn_people,
    )
    assert result.outcome == "statutory_sar"
    assert sum(decision.vote_counts.values()) == 3
    assert {v.agency_id for v in decision.votes} == {"nelft", "lbr-community-safety", chair_agency}
    dissent = [v for v in decision.votes if v.dissent_rationale]
    assert [(v.agency_id, v.dissent_rationale) for v in dissent] == [(chair_agency, "Not enough information yet")]
    assert (decision.method, decision.recommendation) == ("majority", "statutory_sar")
    assert decision.escalated and decision.escalated_to == REDBRIDGE.panel("one-panel").decisions.escalate_to


def test_tied_vote_is_settled_by_the_telford_chairs_casting_vote(app) -> None:  # type: ignore[no-untyped-def]
    """Telford & Wrekin CSPR Panel: "In the event of a split the Chair will have the casting
    vote or discuss with the Partnership Manager". Its SAR Panel gives the chair no casting
    vote: the same split there is escalated."""
    cspr_panel = TELFORD.panel("cspr-panel")
    meeting = make_quorate(TELFORD, _meeting(app, panel=cspr_panel))
    item = _item_with_referral(app, meeting, 1)  # demo referral 1: a child, CSPR considered
    decision = meetings.record_decision(meeting, item, tool_answers={}, recommendation="statutory_cspr",
                                        lead_process=None, methodology=None, rationale="Split.", recorded_by_id=None,
                                        partnership=TELFORD)
    a, b = "twc-csc", "stw-icb"  # two organisations: the council and the ICB
    votes = [(a, "A", "statutory_cspr"), (b, "B", "no_further_action")]
    result = meetings.record_votes(TELFORD, decision, votes, chair_choice="no_further_action")
    assert result.outcome == "no_further_action"
    assert decision.method == "casting_vote"
    assert decision.recommendation == "no_further_action"
    assert not decision.escalated
    assert Session.query(TrackedReview).count() == 0  # the review is no longer recommended

    sar_panel = TELFORD.panel("sar-panel")
    sar_meeting = make_quorate(TELFORD, _meeting(app, panel=sar_panel, when=date(2027, 1, 21)))
    sar_item = _item_with_referral(app, sar_meeting, 0)
    sar_decision = meetings.record_decision(
        sar_meeting, sar_item, tool_answers={}, recommendation="statutory_sar", lead_process=None,
        methodology=None, rationale="Split.", recorded_by_id=None, partnership=TELFORD,
    )
    result = meetings.record_votes(
        TELFORD, sar_decision, [("twc-asc", "A", "statutory_sar"), ("stw-icb", "B", "no_further_action")],
        chair_choice="no_further_action",
    )
    assert result.outcome is None and sar_decision.method == "tied"
    assert sar_decision.escalated and sar_decision.escalated_to == sar_panel.decisions.escalate_to


def test_telford_cspr_chair_may_refer_the_split_to_the_partnership_manager(app) -> None:  # type: ignore[no-untyped-def]
    """Telford & Wrekin CSPR Panel: "In the event of a split the Chair will have the casting
    vote or discuss with the Partnership Manager": instead of the casting vote the chair
    refers the split, and it waits for the Partnership Manager's decision."""
    meeting = make_quorate(TELFORD, _meeting(app, panel=TELFORD.panel("cspr-panel")))
    item = _item_with_referral(app, meeting, 1)
    decision = meetings.record_decision(meeting, item, tool_answers={}, recommendation="statutory_cspr",
                                        lead_process=None, methodology=None, rationale="Split.", recorded_by_id=None,
                                        partnership=TELFORD)
    votes = [("twc-csc", "A", "statutory_cspr"), ("stw-icb", "B", "no_further_action")]
    result = meetings.record_votes(TELFORD, decision, votes, chair_refers=True)
    assert result.outcome is None and decision.method == "referred"
    assert decision.escalated and decision.escalated_to == "the Partnership Manager"
    assert "referred the split to the Partnership Manager" in meetings.how_decided(decision, TELFORD)


def test_tied_vote_without_a_casting_vote_is_escalated_until_resolved(app) -> None:  # type: ignore[no-untyped-def]
    """Redbridge: "the Chair will escalate this to the statutory safeguarding partners for
    their final decision". Their decision, who made it and when are recorded and become the
    decision; the panel's own recommendation is kept."""
    meeting = make_quorate(REDBRIDGE, _meeting(app, when=date(2026, 3, 10)))
    item = _item_with_referral(app, meeting)
    decision = meetings.record_decision(meeting, item, tool_answers={}, recommendation="statutory_sar",
                                        lead_process=None, methodology=None, rationale="Split.", recorded_by_id=None,
                                        partnership=REDBRIDGE)
    votes = [("nelft", "A", "statutory_sar"), ("mps-ea", "B", "no_further_action")]
    meetings.record_votes(REDBRIDGE, decision, votes, chair_choice="no_further_action")
    escalate_to = REDBRIDGE.panel("one-panel").decisions.escalate_to
    assert decision.method == "tied"  # the chair's choice is no casting vote at Redbridge
    assert decision.escalated and decision.escalated_to == escalate_to
    assert decision.escalation_resolved_at is None
    assert "which is awaited" in meetings.how_decided(decision, REDBRIDGE)
    with pytest.raises(MeetingError, match="today or in the past"):
        meetings.resolve_escalation(decision, outcome="discretionary_sar", decided_by="The statutory partners",
                                    decided_on=date.today() + timedelta(days=1))
    with pytest.raises(MeetingError, match="Enter who decided"):
        meetings.resolve_escalation(decision, outcome="discretionary_sar", decided_by=" ",
                                    decided_on=date(2026, 3, 20))
    assert decision.escalation_resolved_at is None
    meetings.resolve_escalation(decision, outcome="discretionary_sar", decided_by="The statutory partners",
                                decided_on=date(2026, 3, 20), note="Proportionate")
    assert decision.escalation_resolved_at is not None
    # A tied vote made no recommendation of the panel's own to keep in the history.
    assert (decision.recommendation, decision.panel_recommendation) == ("discretionary_sar", None)
    assert (decision.escalation_decided_by, decision.escalation_decided_on) == ("The statutory partners", date(2026, 3, 20))
    [tracked] = Session.query(TrackedReview).filter_by(decision_id=decision.id).all()
    assert tracked.review_kind == "discretionary_sar"
    assert "The statutory partners decided" in meetings.how_decided(decision, REDBRIDGE)
    with pytest.raises(MeetingError, match="recorded already"):
        meetings.resolve_escalation(decision, outcome="no_further_action", decided_by="X", decided_on=date(2026, 3, 21))


def test_board_ratification_is_recorded(app) -> None:  # type: ignore[no-untyped-def]
    meeting = _meeting(app)
    item = _item_with_referral(app, meeting)
    decision = meetings.record_decision(meeting, item, tool_answers={}, recommendation="statutory_sar",
                                        lead_process=None, methodology=None, rationale="Met.", recorded_by_id=None)
    assert meetings.board_for(REDBRIDGE, decision).name == "Redbridge Safeguarding Adults Board"
    with pytest.raises(MeetingError):
        meetings.ratify(decision, "approved", by="Chair", on=date(2027, 2, 1))
    meetings.ratify(decision, "changed", by="Independent Chair", on=date(2027, 2, 1), note="Discretionary instead")
    assert (decision.ratification, decision.ratified_by, decision.ratified_at) == (
        "changed", "Independent Chair", date(2027, 2, 1)
    )


def test_overdue_actions_are_flagged(app) -> None:  # type: ignore[no-untyped-def]
    meeting = _meeting(app)
    late = meetings.add_action(meeting=meeting, referral=None, description="Chase", owner="BU", due=date(2027, 1, 1))
    later = meetings.add_action(meeting=meeting, referral=None, description="Write", owner="BU", due=date(2027, 3, 1))
    assert meetings.is_overdue(late, date(2027, 1, 2)) and not meetings.is_overdue(later, date(2027, 1, 2))
    meetings.complete_action(late)
    assert not meetings.is_overdue(late, date(2027, 1, 2))


def test_review_stages_must_come_in_order(app) -> None:  # type: ignore[no-untyped-def]
    meeting = _meeting(app)
    item = _item_with_referral(app, meeting)
    meetings.record_decision(meeting, item, tool_answers={}, recommendation="statutory_sar",
                             lead_process=None, methodology=None, rationale="Met.", recorded_by_id=None)
    review = Session.query(TrackedReview).one()
    meetings.update_review(review, reviewer="Independent reviewer", commissioned_on=date(2027, 2, 1))
    with pytest.raises(MeetingError):
        meetings.update_review(review, final_draft_on=date(2027, 1, 1))
    assert review.reviewer == "Independent reviewer"


# -- documents ------------------------------------------------------------------------------------


def test_agenda_and_minutes_contexts_give_every_variable_their_templates_use(app, staff) -> None:  # type: ignore[no-untyped-def]
    from workflow.template_versions import SHIPPED

    meeting = _meeting(app, staff)
    _item_with_referral(app, meeting)
    agenda = meetings.agenda_context(REDBRIDGE, meeting)
    minutes = meetings.minutes_context(REDBRIDGE, meeting)
    assert set(agenda) == set(CONTRACTS["agenda.docx"])
    assert set(minutes) == set(CONTRACTS["minutes.docx"])
    assert check_template(SHIPPED / "agenda.docx", agenda) == []
    assert check_template(SHIPPED / "minutes.docx", minutes) == []
    # Redbridge's guidance asks for no Think Family statement; Wolverhampton's ToR does.
    assert agenda["think_family_statement"] == ""
    wolves = _meeting(app, panel=WOLVES_PANEL, when=date(2027, 1, 21))
    wolves_agenda = meetings.agenda_context(WOLVERHAMPTON, wolves)
    assert set(wolves_agenda) == set(CONTRACTS["agenda.docx"])
    assert check_template(SHIPPED / "agenda.docx", wolves_agenda) == []
    assert wolves_agenda["think_family_statement"] == THINK_FAMILY_STATEMENT


def test_minutes_record_attendance_declarations_rulings_and_decisions(app, staff) -> None:  # type: ignore[no-untyped-def]
    """The minutes say whether the meeting was quorate and how each decision was taken. A
    Redbridge meeting that is not quorate records no decision (its guidance gives the chair
    no option to continue), so the decision is taken once the meeting is quorate."""
    meeting = _meeting(app, staff)
    item = _item_with_referral(app, meeting)
    for a in meeting.attendees:
        a.status = "present"
    Session.commit()
    _declare(meeting, staff["panel_member"], item, "withdraw_from_discussion_and_decision")
    text = _docx_text(meetings.render_minutes(REDBRIDGE, meeting, app.extensions["file_store"]))
    assert "not quorate" in text  # Redbridge needs five sectors; two are here
    with pytest.raises(MeetingError, match="No decision can be recorded until the meeting is quorate"):
        meetings.record_decision(meeting, item, tool_answers={}, recommendation="statutory_sar",
                                 lead_process=None, methodology=None, rationale="Care Act s44 met.",
                                 recorded_by_id=None, partnership=REDBRIDGE)
    make_quorate(REDBRIDGE, meeting)
    meetings.record_decision(meeting, item, tool_answers={}, recommendation="statutory_sar",
                             lead_process=None, methodology=None, rationale="Care Act s44 met.", recorded_by_id=None,
                             partnership=REDBRIDGE)
    meetings.add_action(meeting=meeting, referral=item.referral, description="Tell the SAB chair",
                        owner="Business unit", due=date(2027, 1, 28))
    text = _docx_text(meetings.render_minutes(REDBRIDGE, meeting, app.extensions["file_store"]))
    assert "Test chair" in text and "Test panel_member" in text
    assert meetings.ruling_labels()["withdraw_from_discussion_and_decision"] in text
    assert "Managed the allocated officer" in text
    assert item.referral.reference in text and "Care Act s44 met." in text
    assert "Tell the SAB chair" in text
    assert "The meeting was quorate" in text and "not quorate" not in text
    assert "The panel agreed by consensus." in text
    agenda = _docx_text(meetings.render_agenda(REDBRIDGE, meeting, app.extensions["file_store"]))
    assert item.title in agenda
    assert THINK_FAMILY_STATEMENT not in agenda  # Redbridge's guidance does not ask for it


def test_agenda_items_are_offered_to_the_declaration_form(app) -> None:  # type: ignore[no-untyped-def]
    meeting = _meeting(app)
    item = _item_with_referral(app, meeting)
    assert meetings.agenda_item_choices(meeting) == [
        (str(item.id), f"14 January 2027 – item 2.1: {item.title}")
    ]
    assert Session.get(AgendaItem, item.id) is not None
    assert Session.query(Declaration).count() == 0


# -- notifications, review stages, declined reviews, evidence, the tracker export ------------------


def _decided(app, recommendation, index=0, when=date(2027, 1, 14)):  # type: ignore[no-untyped-def]
    meeting = _meeting(app, when=when)
    item = _item_with_referral(app, meeting, index)
    return meetings.record_decision(meeting, item, tool_answers={}, recommendation=recommendation,
                                    lead_process=None, methodology=None, rationale="Met.", recorded_by_id=None)


def test_a_dhr_needs_the_home_office_a_cspr_the_national_panel_and_a_sar_neither(app) -> None:  # type: ignore[no-untyped-def]
    dhr = _decided(app, "statutory_dhr", 2)  # a referral considered for a DHR
    cspr = _decided(app, "statutory_cspr", 1)
    sar = _decided(app, "statutory_sar", 0)
    assert [n.key for n in meetings.notifications_for(dhr)] == ["home_office"]
    assert [n.key for n in meetings.notifications_for(cspr)] == ["national_panel"]
    assert meetings.notifications_for(sar) == []
    assert meetings.notifications_for(None) == []
    [national] = meetings.notifications_for(cspr)
    assert "the Department for Education and Ofsted" in national.label
    # Only a statutory review is notified: a discretionary SAR or no review needs nothing.
    for recommendation in ("discretionary_sar", "learning_lessons_review", "single_agency_review", "no_further_action"):
        sar.recommendation = recommendation
        assert meetings.notifications_for(sar) == []
        # ...except that the Home Office hears of every decision on a domestic homicide.
        dhr.recommendation = recommendation
        assert [n.key for n in meetings.notifications_for(dhr)] == ["home_office"]


def test_notification_date_is_recorded_and_checked(app) -> None:  # type: ignore[no-untyped-def]
    dhr = _decided(app, "statutory_dhr", when=date(2026, 3, 10))
    assert meetings.decision_date(dhr) == date(2026, 3, 10)
    assert meetings.notification_status(dhr)[0][1] is None
    with pytest.raises(MeetingError, match="Enter the date the notification was sent"):
        meetings.record_notification(dhr, "home_office", None)
    with pytest.raises(MeetingError, match="on or after the date of the decision, 10 March 2026"):
        meetings.record_notification(dhr, "home_office", date(2026, 3, 9))
    with pytest.raises(MeetingError, match="today or in the past"):
        meetings.record_notification(dhr, "home_office", date(2026, 4, 2), today=date(2026, 4, 1))
    with pytest.raises(MeetingError, match="does not need that notification"):
        meetings.record_notification(dhr, "national_panel", date(2026, 3, 11))
    assert dhr.home_office_notified_on is None and dhr.national_panel_notified_on is None
    meetings.record_notification(dhr, "home_office", date(2026, 3, 10), today=date(2026, 4, 1))
    assert dhr.home_office_notified_on == date(2026, 3, 10)
    assert [(n.key, on) for n, on in meetings.notification_status(dhr)] == [("home_office", date(2026, 3, 10))]


def test_review_stages_include_terms_of_reference_and_the_draft_in_order(app) -> None:  # type: ignore[no-untyped-def]
    _decided(app, "statutory_sar")
    review = Session.query(TrackedReview).one()
    assert meetings.REVIEW_STAGES == (
        "reviewer", "commissioned_on", "terms_of_reference_on", "draft_to_panel_on", "final_draft_on",
        "signed_off_on", "published_on", "notes",
    )
    meetings.update_review(review, commissioned_on=date(2027, 2, 1), terms_of_reference_on=date(2027, 2, 15))
    with pytest.raises(MeetingError, match="terms of reference agreed must be on or after the date commissioned") as err:
        meetings.update_review(review, terms_of_reference_on=date(2027, 1, 31))
    assert err.value.field == "terms_of_reference_on"
    with pytest.raises(MeetingError) as err:
        meetings.update_review(review, draft_to_panel_on=date(2027, 5, 1), final_draft_on=date(2027, 4, 1))
    assert err.value.field == "final_draft_on"
    meetings.update_review(review, draft_to_panel_on=date(2027, 5, 1), final_draft_on=date(2027, 6, 1))
    assert (review.terms_of_reference_on, review.draft_to_panel_on) == (date(2027, 2, 15), date(2027, 5, 1))


def test_declined_single_agency_review_needs_the_agencys_rationale(app) -> None:  # type: ignore[no-untyped-def]
    _decided(app, "single_agency_review")
    review = Session.query(TrackedReview).one()
    assert meetings.can_decline(review)
    with pytest.raises(MeetingError, match="Enter the agency's rationale"):
        meetings.decline_review(review, on=date(2026, 5, 1), rationale="  ")
    with pytest.raises(MeetingError, match="today or in the past"):
        meetings.decline_review(review, on=date(2026, 5, 2), rationale="Why", today=date(2026, 5, 1))
    assert review.declined_on is None
    meetings.decline_review(review, on=date(2026, 5, 1), rationale=" Already reviewed internally. ")
    assert (review.declined_on, review.declined_rationale) == (date(2026, 5, 1), "Already reviewed internally.")
    other = _decided(app, "statutory_sar", 1)
    sar_review = Session.query(TrackedReview).filter_by(decision_id=other.id).one()
    with pytest.raises(MeetingError, match="Only a single agency review"):
        meetings.decline_review(sar_review, on=date(2026, 5, 1), rationale="No")


def test_action_evidence_is_kept(app) -> None:  # type: ignore[no-untyped-def]
    action = meetings.add_action(meeting=None, referral=None, description="Send the letter", owner="BU", due=None)
    meetings.complete_action(action, evidence="  Letter sent 3 March  ")
    assert (action.status, action.evidence) == ("done", "Letter sent 3 March")
    with pytest.raises(MeetingError, match="Enter the evidence"):
        meetings.add_evidence(action, " ")
    meetings.add_evidence(action, "Letter and reply on file")
    assert action.evidence == "Letter and reply on file"


def test_tracker_table_has_one_row_per_referral(app) -> None:  # type: ignore[no-untyped-def]
    from workflow import screening

    dhr = _decided(app, "statutory_dhr", 0, when=date(2026, 3, 10))
    undecided = make_referral(app, 1)
    screening.send_requests(REDBRIDGE, undecided, [screening.Recipient("nelft", "a@nelft.nhs.uk")], sent_by_id=None)
    meetings.add_action(meeting=None, referral=dhr.referral, description="Late", owner="BU", due=date(2026, 4, 1))
    meetings.add_action(meeting=None, referral=dhr.referral, description="Later", owner="BU", due=date(2026, 6, 1))
    rows = {r[0]: dict(zip(meetings.TRACKER_COLUMNS, r, strict=True))
            for r in meetings.tracker_table(REDBRIDGE, date(2026, 5, 1))}
    assert set(rows) == {dhr.referral.reference, undecided.reference}
    row = rows[dhr.referral.reference]
    assert row["Recommendation"] == f"Statutory {REDBRIDGE.review_label('dhr')}"
    assert (row["Decision date"], row["Ratification"]) == (date(2026, 3, 10), "Awaiting the board")
    assert (row["Home Office notification"], row["National Panel notification"]) == ("Not done", "Not needed")
    assert (row["Open actions"], row["Overdue actions"]) == (2, 1)
    other = rows[undecided.reference]
    assert (other["Screening returns requested"], other["Screening returns received"]) == (1, 0)
    assert other["Recommendation"] is None and other["Home Office notification"] == "Not needed"


def test_migration_0007_applies_and_reverts_keeping_the_data(app, blank_database) -> None:  # type: ignore[no-untyped-def]
    """On a fresh database of the backend under test: up to 0006, then 0007, down, up."""
    from sqlalchemy import (
        JSON,
        Boolean,
        Column,
        Date,
        DateTime,
        Integer,
        MetaData,
        String,
        Table,
        Text,
        inspect,
        text,
    )

    from storage import migrate
    from storage.models import FormDefinitionVersion, VoteRecord

    engine = blank_database
    # The decisions table as it is at 0007: the model's own table has columns added since
    # (0009), which an insert would name.
    decisions_0007 = Table(
        "decisions", MetaData(),
        *(Column(name, type_) for name, type_ in (
            ("id", Integer()), ("referral_id", Integer()), ("tool_answers", JSON()), ("tool_outcomes", JSON()),
            ("recommendation", String()), ("rationale", Text()), ("method", String()), ("vote_counts", JSON()),
            ("escalated", Boolean()), ("recorded_at", DateTime(timezone=True)), ("home_office_notified_on", Date()),
        )),
    )
    # Likewise the referrals table (0010 added columns with defaults an insert would name).
    referrals_0007 = Table(
        "referrals", MetaData(),
        *(Column(name, type_) for name, type_ in (
            ("id", Integer()), ("reference", String()), ("definition_version_id", Integer()),
            ("answers", JSON()), ("review_types", JSON()), ("referrer_email", String()),
            ("status", String()), ("source", String()), ("received_at", DateTime(timezone=True)),
        )),
    )
    added = {
        "decisions": {"home_office_notified_on", "national_panel_notified_on"},
        "tracked_reviews": {"terms_of_reference_on", "draft_to_panel_on", "declined_on", "declined_rationale"},
        "actions": {"evidence"},
    }

    def columns(table: str) -> set[str]:
        return {c["name"] for c in inspect(engine).get_columns(table)}

    migrate.upgrade(engine, "0006")
    assert all(not (cols & columns(t)) for t, cols in added.items())
    migrate.upgrade(engine, "0007")
    assert all(cols <= columns(t) for t, cols in added.items())
    # A decision with a vote and a tracked review, written at 0007, survives the downgrade.
    with engine.begin() as conn:
        conn.execute(FormDefinitionVersion.__table__.insert().values(
            id=1, form_id="referral", version=1, sha256="0" * 64, definition={}))
        conn.execute(referrals_0007.insert().values(
            id=1, reference="R-MIG-1", definition_version_id=1, answers={}, review_types=[],
            referrer_email="a@example.org", status="received", source="web",
            received_at=datetime(2026, 3, 1, 9, 0, tzinfo=UTC)))
        conn.execute(decisions_0007.insert().values(
            id=1, referral_id=1, tool_answers={}, tool_outcomes={}, recommendation="statutory_dhr",
            rationale="Met.", method="consensus", vote_counts={}, escalated=False,
            recorded_at=datetime(2026, 3, 10, 12, 0, tzinfo=UTC), home_office_notified_on=date(2026, 3, 10)))
        conn.execute(VoteRecord.__table__.insert().values(
            decision_id=1, agency_id="nelft", person="A", choice="statutory_dhr"))
        conn.execute(TrackedReview.__table__.insert().values(
            referral_id=1, decision_id=1, review_kind="statutory_dhr", declined_rationale="x"))
    migrate.downgrade(engine, "0006")
    assert all(not (cols & columns(t)) for t, cols in added.items())
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM votes")).scalar_one() == 1
        assert conn.execute(text("SELECT decision_id FROM tracked_reviews")).scalar_one() == 1
    migrate.upgrade(engine, "head")
    assert all(cols <= columns(t) for t, cols in added.items())
    with engine.connect() as conn:
        assert conn.execute(text("SELECT home_office_notified_on FROM decisions")).scalar_one() is None
