"""Each panel's own rules enforced where the decision is recorded: quoracy and what an
inquorate panel may do, conflicts of interest, disagreement routes and their outcome,
one person for one organisation. Every test names the words of the document it rests on."""

from __future__ import annotations

from datetime import date, time

import pytest

from partnerships import load_partnership
from storage.db import Session
from storage.models import Attendance, Decision, Declaration
from tests.factories import make_quorate, make_referral, received_on
from workflow import meetings
from workflow.meetings import MeetingError

REDBRIDGE = load_partnership("redbridge")
WOLVERHAMPTON = load_partnership("wolverhampton")
TELFORD = load_partnership("telford-wrekin")
WALSALL = load_partnership("walsall")
WHEN = date(2026, 11, 12)


def _meeting_with_referral(app, partnership, panel_id=None):  # type: ignore[no-untyped-def]
    panel = partnership.panel(panel_id)
    meeting = meetings.schedule_meeting(when=WHEN, start_time=time(10, 0), location="Room 2", panel=panel)
    referral = received_on(make_referral(app), date(2026, 11, 2))
    item = meetings.add_referral(meeting, referral)
    return meeting, item


def _present(meeting, *agency_ids: str) -> None:  # type: ignore[no-untyped-def]
    for agency_id in agency_ids:
        meeting.attendees.append(
            Attendance(name=f"Member for {agency_id}", agency_id=agency_id, role="member", status="present")
        )
    Session.commit()


def _decide(meeting, item, partnership, by=None):  # type: ignore[no-untyped-def]
    return meetings.record_decision(
        meeting, item, tool_answers={}, recommendation="statutory_sar", lead_process=None,
        methodology=None, rationale="The criteria in s44 are met.", recorded_by_id=by,
        partnership=partnership,
    )


# -- quoracy enforced --------------------------------------------------------------------------


def test_redbridge_inquorate_panel_records_no_decision(app) -> None:  # type: ignore[no-untyped-def]
    """Redbridge guidance: "The Panel will not be considered quorate without representatives
    from the following agencies: health, children's social care, adults social care,
    community safety and the police." It gives no option to continue, so no decision."""
    meeting, item = _meeting_with_referral(app, REDBRIDGE)
    _present(meeting, "lbr-asc", "lbr-csc", "nel-ics", "mps-ea")  # no community safety
    with pytest.raises(MeetingError) as exc:
        _decide(meeting, item, REDBRIDGE)
    assert "not quorate (No one from community safety is present)" in str(exc.value)
    assert "No decision can be recorded until the meeting is quorate" in str(exc.value)
    assert Session.query(Decision).count() == 0
    with pytest.raises(MeetingError):
        meetings.choose_when_not_quorate(REDBRIDGE, meeting, "continue")


def test_redbridge_quorate_panel_records_a_decision_not_marked_inquorate(app) -> None:  # type: ignore[no-untyped-def]
    meeting, item = _meeting_with_referral(app, REDBRIDGE)
    make_quorate(REDBRIDGE, meeting)
    decision = _decide(meeting, item, REDBRIDGE)
    assert decision.inquorate is False
    assert "which was quorate" in meetings.how_decided(decision, REDBRIDGE)


def test_wolverhampton_inquorate_panel_decides_only_after_the_chair_chooses_to_continue(app) -> None:  # type: ignore[no-untyped-def]
    """Wolverhampton ToR §4: "the chair will need to make a decision ... as to whether the
    meeting will need to be rescheduled, continue as planned and/or any key decisions will
    need to be virtually ratified by any missing quorate members"."""
    meeting, item = _meeting_with_referral(app, WOLVERHAMPTON)
    _present(meeting, "cwc-csc", "bc-icb", "wmp")  # Safer Wolverhampton Partnership absent
    with pytest.raises(MeetingError, match="The chair must first choose what the meeting will do"):
        _decide(meeting, item, WOLVERHAMPTON)
    made = meetings.choose_when_not_quorate(WOLVERHAMPTON, meeting, "virtual_ratification")
    assert [r.agency_id for r in made] == ["swp"]
    decision = _decide(meeting, item, WOLVERHAMPTON)
    assert decision.inquorate and decision.not_quorate_choice == "virtual_ratification"
    text = meetings.how_decided(decision, WOLVERHAMPTON)
    assert "which was not quorate" in text and "ratified virtually by the missing members" in text


def test_wolverhampton_virtual_ratification_asks_the_council_once_not_per_service(app) -> None:  # type: ignore[no-untyped-def]
    meeting, _item = _meeting_with_referral(app, WOLVERHAMPTON)
    _present(meeting, "bc-icb", "wmp", "swp")
    made = meetings.choose_when_not_quorate(WOLVERHAMPTON, meeting, "virtual_ratification")
    assert [r.agency_id for r in made] == ["cwc-csc"]


@pytest.mark.parametrize(("partnership", "panel_id"), [(TELFORD, "cspr-panel"), (TELFORD, "sar-panel"), (WALSALL, None)])
def test_panels_without_a_continue_option_cannot_decide_when_inquorate(app, partnership, panel_id) -> None:  # type: ignore[no-untyped-def]
    """Telford & Wrekin's and Walsall's documents say only when a meeting is quorate; only
    rescheduling (a local setting) is offered."""
    meeting, item = _meeting_with_referral(app, partnership, panel_id)
    _present(meeting, partnership.agencies[0].id)
    assert list(meetings.not_quorate_options(partnership, meeting)) == ["reschedule"]
    with pytest.raises(MeetingError, match="No decision can be recorded"):
        _decide(meeting, item, partnership)


def test_telford_cspr_panel_is_quorate_with_childrens_services_for_the_council(app) -> None:  # type: ignore[no-untyped-def]
    """Telford & Wrekin: "at least two thirds of partners/organisations are represented,
    including one representative from each of the statutory partners"; the statutory
    partners are "The local authority (Children and Adult Services), Police and ICS"."""
    meeting, item = _meeting_with_referral(app, TELFORD, "cspr-panel")
    _present(meeting, "twc-csc", "stw-icb", "wmp-mercia", "sath")
    assert meetings.quoracy(TELFORD, meeting).quorate
    assert _decide(meeting, item, TELFORD).inquorate is False


# -- one person, one organisation -------------------------------------------------------------


def test_one_person_cannot_be_present_for_two_organisations(app) -> None:  # type: ignore[no-untyped-def]
    meeting, _item = _meeting_with_referral(app, WOLVERHAMPTON)
    meetings.add_attendee(meeting, name="Dr Shared", agency_id="bc-icb", role="member", partnership=WOLVERHAMPTON)
    with pytest.raises(MeetingError, match="one person represents one organisation at a time"):
        meetings.add_attendee(meeting, name="Dr Shared", agency_id="swp", role="member", partnership=WOLVERHAMPTON)
    assert [a.agency_id for a in meeting.attendees if a.name == "Dr Shared"] == ["bc-icb"]


def test_an_agency_outside_the_panel_attends_only_in_another_capacity(app) -> None:  # type: ignore[no-untyped-def]
    meeting, _item = _meeting_with_referral(app, TELFORD, "cspr-panel")
    with pytest.raises(MeetingError, match="is not a member of the CSPR Panel"):
        meetings.add_attendee(meeting, name="H. Officer", agency_id="wrekin-housing", role="member", partnership=TELFORD)
    meetings.add_attendee(meeting, name="H. Officer", agency_id="wrekin-housing", role="other", partnership=TELFORD)


# -- conflicts of interest --------------------------------------------------------------------


def _declare(meeting, item, user, ruling=None):  # type: ignore[no-untyped-def]
    d = Declaration(
        meeting_id=meeting.id, agenda_item_id=item.id, user_id=user.id, has_interest=True,
        answers={"has_interest": "yes"}, ruling=ruling,
    )
    Session.add(d)
    Session.commit()
    return d


def test_nobody_rules_on_their_own_declaration(app, staff) -> None:  # type: ignore[no-untyped-def]
    """Wolverhampton ToR §11: a conflict "shall be declared and the Chair will determine
    whether the member concerned should withdraw" -- the chair cannot judge their own."""
    meeting, item = _meeting_with_referral(app, REDBRIDGE)
    chair = staff["chair"]
    declaration = _declare(meeting, item, chair)
    with pytest.raises(MeetingError, match="cannot rule on your own declaration"):
        meetings.rule_on_declaration(declaration, "no_action", None, chair.id, partnership=REDBRIDGE)
    assert declaration.ruling is None


def test_telford_cspr_panel_chair_cannot_rule_no_action(app, staff) -> None:  # type: ignore[no-untyped-def]
    """Telford CSPR Panel: a declared conflict "will disqualify the member from
    participation in making the relevant decision on the issue"."""
    meeting, item = _meeting_with_referral(app, TELFORD, "cspr-panel")
    declaration = _declare(meeting, item, staff["panel_member"])
    with pytest.raises(MeetingError, match="disqualifies the member from the decision"):
        meetings.rule_on_declaration(declaration, "no_action", None, staff["chair"].id, partnership=TELFORD)
    meetings.rule_on_declaration(declaration, "withdraw_from_decision", "May join the discussion", staff["chair"].id, partnership=TELFORD)
    assert declaration.ruling == "withdraw_from_decision"
    # The SAR Panel states no such rule: "no action" is the chair's to choose there.
    sar_meeting, sar_item = _meeting_with_referral(app, TELFORD, "sar-panel")
    sar_declaration = _declare(sar_meeting, sar_item, staff["panel_member"])
    meetings.rule_on_declaration(sar_declaration, "no_action", None, staff["chair"].id, partnership=TELFORD)
    assert sar_declaration.ruling == "no_action"


def test_an_unruled_declaration_keeps_the_member_out_of_the_vote(app, staff) -> None:  # type: ignore[no-untyped-def]
    meeting, item = _meeting_with_referral(app, REDBRIDGE)
    make_quorate(REDBRIDGE, meeting)
    member = staff["panel_member"]  # the police member
    meeting.attendees.append(Attendance(user_id=member.id, name=member.name, agency_id=member.agency_id, role="member", status="present"))
    Session.commit()
    _declare(meeting, item, member)
    roll = meetings.voting_roll(REDBRIDGE, meeting, item)
    assert member.name in roll.withdrawn_people
    decision = _decide(meeting, item, REDBRIDGE)
    result = meetings.record_votes(
        REDBRIDGE, decision,
        [("mps-ea", member.name, "no_further_action"), ("nel-ics", "Member for nel-ics", "statutory_sar")],
    )
    assert result.counts == {"statutory_sar": 1}
    assert (member.name, f"{member.name} may not take part in the decision (conflict of interest)") in result.discarded


def test_a_member_out_of_the_decision_cannot_record_it(app, staff) -> None:  # type: ignore[no-untyped-def]
    meeting, item = _meeting_with_referral(app, REDBRIDGE)
    make_quorate(REDBRIDGE, meeting)
    chair = staff["chair"]
    _declare(meeting, item, chair, ruling="withdraw_from_decision")
    with pytest.raises(MeetingError, match="is out of this decision"):
        _decide(meeting, item, REDBRIDGE, by=chair.id)


# -- disagreement routes and their outcome --------------------------------------------------


def test_redbridge_disagreement_goes_to_the_statutory_partners_and_their_decision_applies(app) -> None:  # type: ignore[no-untyped-def]
    """Redbridge §6: "Where there are disagreements at the Panel regarding the most
    appropriate action in relation to a case, the Chair will escalate this to the statutory
    safeguarding partners for their final decision"."""
    meeting, item = _meeting_with_referral(app, REDBRIDGE)
    make_quorate(REDBRIDGE, meeting)
    decision = _decide(meeting, item, REDBRIDGE)
    result = meetings.record_votes(
        REDBRIDGE, decision,
        [("lbr-asc", "A", "statutory_sar"), ("nel-ics", "B", "statutory_sar"), ("mps-ea", "C", "learning_lessons_review")],
    )
    assert result.escalate and decision.escalated
    assert decision.escalated_to.startswith("the statutory safeguarding partners")
    assert decision.recommendation == "statutory_sar"
    with pytest.raises(MeetingError, match="Enter who decided"):
        meetings.resolve_escalation(decision, outcome="learning_lessons_review", decided_by=" ", decided_on=date(2026, 11, 20))
    meetings.resolve_escalation(
        decision, outcome="learning_lessons_review", decided_by="The statutory safeguarding partners",
        decided_on=date(2026, 11, 20), note="A learning review will reach the learning sooner.",
    )
    assert decision.recommendation == "learning_lessons_review"
    assert decision.panel_recommendation == "statutory_sar"
    text = meetings.how_decided(decision, REDBRIDGE)
    assert "The statutory safeguarding partners decided" in text
    assert "on 20 November 2026" in text and "the panel had recommended" in text
    # Dissent is from the panel's decision, not from the partners' later one.
    assert "Dissenting: Metropolitan Police Service – East Area Basic Command Unit." in text
    flags = meetings.decision_flags(decision, meetings.recommendations())
    assert "decided" in flags and "20 November 2026" in flags


def test_telford_cspr_split_referred_to_the_partnership_manager(app) -> None:  # type: ignore[no-untyped-def]
    """Telford CSPR Panel: "In the event of a split the Chair will have the casting vote or
    discuss with the Partnership Manager for resolution of outstanding issues"."""
    meeting, item = _meeting_with_referral(app, TELFORD, "cspr-panel")
    make_quorate(TELFORD, meeting)
    decision = _decide(meeting, item, TELFORD)
    result = meetings.record_votes(
        TELFORD, decision, [("twc-asc", "A", "statutory_cspr"), ("stw-icb", "B", "no_further_action")],
        chair_refers=True,
    )
    assert result.method == "referred" and decision.escalated_to == "the Partnership Manager"


# -- each panel screens its own review types ---------------------------------------------------


def test_telford_panels_take_only_the_referrals_they_screen(app) -> None:  # type: ignore[no-untyped-def]
    """Telford & Wrekin: the SAR Panel considers "cases which may indicate the necessity
    for undertaking a Safeguarding Adult Review"; the CSPR Panel child safeguarding practice
    reviews; "the CSP has the statutory responsibility to commission" DHRs."""
    sar = meetings.schedule_meeting(when=WHEN, start_time=time(10, 0), location="Room 2", panel=TELFORD.panel("sar-panel"))
    cspr = meetings.schedule_meeting(when=WHEN, start_time=time(14, 0), location="Room 2", panel=TELFORD.panel("cspr-panel"))
    dhr = received_on(make_referral(app, review_types=["dhr"]), date(2026, 11, 2))
    child = received_on(make_referral(app, review_types=["cspr"]), date(2026, 11, 2))
    unsure = received_on(make_referral(app, review_types=["not_sure"]), date(2026, 11, 2))
    with pytest.raises(MeetingError, match="is forwarded to Telford & Wrekin Community Safety Partnership"):
        meetings.add_referral(sar, dhr, TELFORD)
    with pytest.raises(MeetingError, match="it goes to the CSPR Panel"):
        meetings.add_referral(sar, child, TELFORD)
    assert meetings.add_referral(cspr, child, TELFORD).referral_id == child.id
    assert meetings.add_referral(sar, unsure, TELFORD).referral_id == unsure.id
    assert dhr not in meetings.referrals_ready_for_agenda(TELFORD, TELFORD.panel("sar-panel"))


def test_a_decision_made_without_a_meeting_does_not_claim_quoracy(app) -> None:  # type: ignore[no-untyped-def]
    """Redbridge §6: "a decision made without a second meeting" (further information)."""
    _meeting, item = _meeting_with_referral(app, REDBRIDGE)
    decision = meetings.record_decision(
        None, item, tool_answers={}, recommendation="no_further_action", lead_process=None,
        methodology=None, rationale="Decided by e-mail.", recorded_by_id=None, partnership=REDBRIDGE,
    )
    flags = meetings.decision_flags(decision, meetings.recommendations())
    assert flags.startswith("Decided without a meeting") and "Quorate" not in flags
