"""Counting votes by each panel's own rules: one vote per organisation, conflicts, the
chair's casting vote, and disagreement routes, each from the partnership's document."""

from __future__ import annotations

from partnerships import load_partnership
from workflow.votes import Vote, dissents, tally

REDBRIDGE = load_partnership("redbridge")
TELFORD = load_partnership("telford-wrekin")
WOLVERHAMPTON = load_partnership("wolverhampton")
WALSALL = load_partnership("walsall")
TELFORD_CSPR = TELFORD.panel("cspr-panel")
TELFORD_SAR = TELFORD.panel("sar-panel")

SAR = "statutory_sar"
NFA = "no_further_action"
LLR = "learning_lessons_review"
CSPR = "local_cspr"


def test_redbridge_one_vote_per_partner_agency_so_the_council_has_one_vote() -> None:
    """Redbridge §6: "Each partner agency attending the Panel will have one vote, regardless
    of the number of individual representatives from the agency present." LB Redbridge's
    adult and children's services are one partner agency."""
    votes = [
        Vote("lbr-asc", "A", NFA),
        Vote("lbr-csc", "B", NFA),
        Vote("lbr-housing", "C", NFA),
        Vote("mps-ea", "D", SAR),
        Vote("nelft", "E", SAR),
    ]
    result = tally(REDBRIDGE, votes)
    assert result.counts == {SAR: 2, NFA: 1}
    assert result.discarded == [
        ("B", "One vote per organisation: London Borough of Redbridge's vote is counted once"),
        ("C", "One vote per organisation: London Borough of Redbridge's vote is counted once"),
    ]


def test_redbridge_escalates_any_disagreement_not_only_a_tie() -> None:
    """Redbridge §6: "Where there are disagreements at the Panel regarding the most
    appropriate action in relation to a case, the Chair will escalate this to the statutory
    safeguarding partners for their final decision"."""
    votes = [Vote("nelft", "A", SAR), Vote("lbr-csc", "B", SAR), Vote("mps-ea", "C", NFA)]
    result = tally(REDBRIDGE, votes)
    assert result.outcome == SAR and result.method == "majority"
    assert result.escalate is True
    assert result.escalate_to.startswith("the statutory safeguarding partners")
    assert result.dissenting_agencies == ["mps-ea"]
    assert "for the final decision" in result.explanation


def test_redbridge_unanimous_vote_is_not_escalated() -> None:
    result = tally(REDBRIDGE, [Vote("nelft", "A", LLR), Vote("mps-ea", "B", LLR)], consensus=True)
    assert result.outcome == LLR and result.method == "consensus" and not result.escalate
    assert result.explanation == "Agreed by consensus (2 organisations)."


def test_redbridge_tie_has_no_casting_vote_and_is_escalated() -> None:
    votes = [Vote("nelft", "A", SAR), Vote("mps-ea", "B", NFA)]
    result = tally(REDBRIDGE, votes, chair_choice=NFA)  # Redbridge gives no casting vote
    assert result.outcome is None and result.method == "tied" and result.escalate
    assert result.dissenting_agencies == []


def test_wolverhampton_disagreement_goes_to_the_executive_group() -> None:
    """Wolverhampton ToR §7: "Where members of the partnership find themselves to be in
    disagreement these are to be escalated to the Executive Group.\""""
    votes = [Vote("cwc-csc", "A", SAR), Vote("wmp", "B", SAR), Vote("swp", "C", LLR)]
    result = tally(WOLVERHAMPTON, votes)
    assert result.outcome == SAR and result.escalate
    assert result.escalate_to == "the WST Executive Group"


def test_a_council_represented_by_two_services_that_disagree_casts_no_vote() -> None:
    votes = [Vote("cwc-csc", "A", SAR), Vote("cwc-asc", "B", NFA), Vote("wmp", "C", SAR)]
    result = tally(WOLVERHAMPTON, votes)
    assert result.counts == {SAR: 1}
    reason = "City of Wolverhampton Council cast different votes, so its vote is not counted"
    assert result.discarded == [("A", reason), ("B", reason)]
    assert sorted(result.dissenting_agencies) == ["cwc-asc", "cwc-csc"]


def test_telford_cspr_panel_split_is_settled_by_the_chairs_casting_vote() -> None:
    """Telford CSPR Panel: "In the event of a split the Chair will have the casting vote"."""
    votes = [Vote("twc-csc", "A", CSPR), Vote("stw-icb", "B", NFA)]
    result = tally(TELFORD, votes, panel=TELFORD_CSPR, chair_choice=NFA)
    assert result.outcome == NFA and result.method == "casting_vote" and not result.escalate
    assert result.dissenting_agencies == ["twc-csc"]


def test_telford_cspr_panel_chair_may_instead_discuss_with_the_partnership_manager() -> None:
    """Telford CSPR Panel: "... or discuss with the Partnership Manager for resolution of
    outstanding issues"."""
    votes = [Vote("twc-csc", "A", CSPR), Vote("stw-icb", "B", NFA)]
    result = tally(TELFORD, votes, panel=TELFORD_CSPR, chair_refers=True)
    assert result.outcome is None and result.method == "referred"
    assert result.escalate and result.escalate_to == "the Partnership Manager"


def test_telford_sar_panel_has_no_casting_vote() -> None:
    """The SAR Panel's terms of reference state no rule: the CSPR Panel's casting vote is
    not applied to SAR decisions; the tie goes to the TWSP Chair (local setting)."""
    votes = [Vote("twc-asc", "A", SAR), Vote("stw-icb", "B", NFA)]
    result = tally(TELFORD, votes, panel=TELFORD_SAR, chair_choice=SAR)
    assert result.outcome is None and result.method == "tied"
    assert result.escalate_to == "the TWSP Chair"
    assert TELFORD_SAR.decisions.source_of("chair_casting_vote") == "local"


def test_telford_majority_without_a_tie_is_not_escalated() -> None:
    votes = [Vote("twc-csc", "A", CSPR), Vote("stw-icb", "B", CSPR), Vote("sath", "C", NFA)]
    result = tally(TELFORD, votes, panel=TELFORD_CSPR)
    assert result.outcome == CSPR and not result.escalate


def test_a_casting_vote_must_be_for_one_of_the_tied_choices() -> None:
    votes = [Vote("twc-csc", "A", CSPR), Vote("stw-icb", "B", NFA)]
    result = tally(TELFORD, votes, panel=TELFORD_CSPR, chair_choice=LLR)
    assert result.outcome is None and result.method == "tied" and result.escalate
    assert "is not one of the tied choices" in result.explanation


def test_a_member_out_of_the_decision_for_a_conflict_is_not_counted() -> None:
    votes = [Vote("nelft", "A", SAR), Vote("mps-ea", "Inspector A", NFA), Vote("lbr-csc", "B", NFA)]
    result = tally(REDBRIDGE, votes, withdrawn_people={"Inspector A"})
    assert result.counts == {SAR: 1, NFA: 1}
    assert result.discarded == [
        ("Inspector A", "Inspector A may not take part in the decision (conflict of interest)")
    ]


def test_a_withdrawn_agency_is_not_counted() -> None:
    votes = [Vote("nelft", "A", SAR), Vote("mps-ea", "Inspector A", NFA), Vote("lbr-csc", "B", SAR)]
    result = tally(REDBRIDGE, votes, withdrawn_agencies=frozenset({"mps-ea"}))
    assert result.counts == {SAR: 2}
    assert result.discarded[0][1].endswith("withdrew from the decision (conflict of interest)")


def test_one_person_votes_for_one_organisation_only() -> None:
    votes = [Vote("bc-icb", "Dr Shared", SAR), Vote("swp", "Dr Shared", SAR), Vote("wmp", "C", NFA)]
    result = tally(WOLVERHAMPTON, votes)
    assert result.counts == {SAR: 1, NFA: 1}
    assert "one person represents one organisation at a time" in result.discarded[0][1]


def test_a_vote_from_outside_the_panel_is_not_counted() -> None:
    """Wrekin Housing sits on the SAR Panel, not the CSPR Panel (membership: local setting)."""
    result = tally(TELFORD, [Vote("stw-icb", "A", NFA), Vote("wrekin-housing", "V", CSPR)], panel=TELFORD_CSPR)
    assert result.counts == {NFA: 1}
    assert result.discarded == [("V", "Wrekin Housing Group is not a member of the CSPR Panel")]


def test_no_counted_votes_gives_no_outcome() -> None:
    result = tally(REDBRIDGE, [Vote("acme", "Visitor", SAR)])
    assert result.outcome is None and result.method == "no_votes" and result.counts == {}


def test_one_vote_per_agency_when_a_panel_so_configures() -> None:
    panel = REDBRIDGE.default_panel
    per_agency = panel.model_copy(
        update={"decisions": panel.decisions.model_copy(update={"votes_per": "agency"})}
    )
    votes = [Vote("lbr-asc", "A", NFA), Vote("lbr-csc", "B", NFA), Vote("nelft", "C", SAR)]
    assert tally(REDBRIDGE, votes, panel=per_agency).counts == {NFA: 2, SAR: 1}


def test_dissents_lists_each_agency_that_voted_otherwise_once() -> None:
    votes = [
        Vote("nelft", "A", SAR),
        Vote("mps-ea", "B", NFA),
        Vote("mps-ea", "C", NFA),
        Vote("lbr-csc", "D", LLR),
    ]
    assert dissents(votes, SAR) == ["mps-ea", "lbr-csc"]
    assert dissents(votes, None) == []
