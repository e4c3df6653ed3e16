"""Counting votes: one vote per agency, conflicts, the chair's casting vote, escalation."""

from __future__ import annotations

from partnerships import load_partnership
from workflow.votes import Vote, dissents, tally

REDBRIDGE = load_partnership("redbridge")
TELFORD = load_partnership("telford-wrekin")
WOLVERHAMPTON = load_partnership("wolverhampton")

SAR = "statutory_sar"
NFA = "no_further_action"
LLR = "learning_lessons_review"


def test_majority_decides_and_the_others_dissent() -> None:
    votes = [
        Vote("nelft", "A", SAR),
        Vote("lbr-csc", "B", SAR),
        Vote("mps-ea", "C", SAR),
        Vote("lbr-asc", "D", NFA),
    ]
    result = tally(REDBRIDGE, votes)
    assert result.outcome == SAR
    assert result.method == "majority"
    assert result.counts == {SAR: 3, NFA: 1}
    assert result.discarded == []
    assert not result.escalate and result.escalate_to is None
    assert result.dissenting_agencies == ["lbr-asc"]
    assert result.explanation == (
        "Decided by majority: 3 of 4 votes for Statutory Safeguarding Adults Review."
    )


def test_one_vote_per_agency_however_many_representatives_attend() -> None:
    votes = [
        Vote("mps-ea", "Inspector A", NFA),
        Vote("mps-ea", "Sergeant B", NFA),
        Vote("nelft", "C", SAR),
        Vote("lbr-csc", "D", SAR),
    ]
    result = tally(REDBRIDGE, votes)
    assert result.counts == {SAR: 2, NFA: 1}
    assert result.outcome == SAR
    assert result.discarded == [
        (
            "Sergeant B",
            "One vote per agency: Metropolitan Police – East Area BCU's vote is counted once",
        )
    ]


def test_conflicting_votes_within_one_agency_are_not_counted_and_recorded_as_dissent() -> None:
    votes = [
        Vote("mps-ea", "Inspector A", NFA),
        Vote("mps-ea", "Sergeant B", SAR),
        Vote("nelft", "C", SAR),
    ]
    result = tally(REDBRIDGE, votes)
    assert result.counts == {SAR: 1}
    assert result.outcome == SAR
    reason = "Metropolitan Police – East Area BCU cast different votes, so its vote is not counted"
    assert result.discarded == [("Inspector A", reason), ("Sergeant B", reason)]
    assert result.dissenting_agencies == ["mps-ea"]


def test_a_member_withdrawn_for_a_conflict_of_interest_is_not_counted() -> None:
    votes = [Vote("nelft", "A", SAR), Vote("mps-ea", "Inspector A", NFA), Vote("lbr-csc", "B", NFA)]
    result = tally(REDBRIDGE, votes, withdrawn_people={"Inspector A"})
    assert result.counts == {SAR: 1, NFA: 1}
    assert result.discarded == [
        ("Inspector A", "Inspector A withdrew from the decision (conflict of interest)")
    ]


def test_a_withdrawn_agency_is_not_counted() -> None:
    votes = [Vote("nelft", "A", SAR), Vote("mps-ea", "Inspector A", NFA), Vote("lbr-csc", "B", SAR)]
    result = tally(REDBRIDGE, votes, withdrawn_agencies=frozenset({"mps-ea"}))
    assert result.counts == {SAR: 2}
    assert result.method == "majority"
    assert result.discarded == [
        (
            "Inspector A",
            "Metropolitan Police – East Area BCU withdrew from the decision (conflict of interest)",
        )
    ]
    assert result.dissenting_agencies == []


def test_a_non_voting_agency_is_not_counted() -> None:
    result = tally(REDBRIDGE, [Vote("nelft", "A", SAR), Vote("lbr-legal", "Solicitor", NFA)])
    assert result.counts == {SAR: 1}
    assert result.discarded == [
        ("Solicitor", "LB Redbridge – Legal Services is not a voting member of the panel")
    ]


def test_a_vote_from_outside_the_panel_is_not_counted() -> None:
    result = tally(REDBRIDGE, [Vote("nelft", "A", SAR), Vote("acme", "Visitor", NFA)])
    assert result.counts == {SAR: 1}
    assert result.discarded == [("Visitor", "acme is not a member agency of the panel")]


def test_telford_tie_is_broken_by_the_chairs_casting_vote() -> None:
    votes = [
        Vote("twc-asc", "A", SAR),
        Vote("stw-icb", "B", NFA),
        Vote("sath", "C", SAR),
        Vote("mpft", "D", NFA),
    ]
    result = tally(TELFORD, votes, chair_choice=NFA)
    assert result.outcome == NFA
    assert result.method == "casting_vote"
    assert result.counts == {SAR: 2, NFA: 2}
    assert not result.escalate
    assert result.dissenting_agencies == ["twc-asc", "sath"]
    assert result.explanation == (
        "The vote was tied (Statutory Safeguarding Adults Review and No further action, 2 each); "
        "the chair's casting vote decided No further action."
    )


def test_telford_tie_without_a_casting_vote_is_escalated() -> None:
    votes = [Vote("twc-asc", "A", SAR), Vote("stw-icb", "B", NFA)]
    result = tally(TELFORD, votes)
    assert result.outcome is None
    assert result.method == "tied"
    assert result.escalate and result.escalate_to == "the Safeguarding Partnership Executive"


def test_a_casting_vote_must_be_for_one_of_the_tied_choices() -> None:
    votes = [Vote("twc-asc", "A", SAR), Vote("stw-icb", "B", NFA)]
    result = tally(TELFORD, votes, chair_choice=LLR)
    assert result.outcome is None and result.method == "tied" and result.escalate
    assert "is not one of the tied choices" in result.explanation


def test_redbridge_tie_has_no_outcome_and_is_escalated_to_the_relevant_board_chair() -> None:
    votes = [Vote("nelft", "A", SAR), Vote("mps-ea", "B", NFA)]
    result = tally(REDBRIDGE, votes, chair_choice=NFA)  # no casting vote in Redbridge
    assert result.outcome is None
    assert result.method == "tied"
    assert result.escalate is True
    assert result.escalate_to == "the relevant board chair"
    assert result.dissenting_agencies == []
    assert result.explanation == (
        "The vote was tied (Statutory Safeguarding Adults Review and No further action, 1 each) "
        "and the chair has no casting vote; the disagreement is escalated to the relevant board chair."
    )


def test_wolverhampton_escalates_a_tie_to_its_executive_group() -> None:
    result = tally(WOLVERHAMPTON, [Vote("cwc", "A", SAR), Vote("wmp", "B", LLR)])
    assert result.escalate_to == "the WST Executive Group"


def test_consensus_is_recorded_when_every_vote_agrees() -> None:
    votes = [Vote("nelft", "A", LLR), Vote("mps-ea", "B", LLR)]
    result = tally(REDBRIDGE, votes, consensus=True)
    assert result.outcome == LLR
    assert result.method == "consensus"
    assert result.explanation == "Agreed by consensus (2 agencies)."


def test_consensus_claimed_but_votes_differ_is_decided_by_vote() -> None:
    votes = [Vote("nelft", "A", LLR), Vote("mps-ea", "B", LLR), Vote("lbr-csc", "C", NFA)]
    result = tally(REDBRIDGE, votes, consensus=True)
    assert result.method == "majority"
    assert result.explanation.startswith("Consensus was recorded but the votes differ")


def test_no_counted_votes_gives_no_outcome() -> None:
    result = tally(REDBRIDGE, [Vote("lbr-legal", "Solicitor", SAR)])
    assert result.outcome is None
    assert result.method == "no_votes"
    assert result.counts == {}


def test_one_vote_per_person_when_the_partnership_so_configures() -> None:
    per_person = REDBRIDGE.model_copy(
        update={"voting": REDBRIDGE.voting.model_copy(update={"one_vote_per_agency": False})}
    )
    votes = [Vote("mps-ea", "A", NFA), Vote("mps-ea", "B", NFA), Vote("nelft", "C", SAR)]
    assert tally(per_person, votes).counts == {NFA: 2, SAR: 1}


def test_dissents_lists_each_agency_that_voted_otherwise_once() -> None:
    votes = [
        Vote("nelft", "A", SAR),
        Vote("mps-ea", "B", NFA),
        Vote("mps-ea", "C", NFA),
        Vote("lbr-csc", "D", LLR),
    ]
    assert dissents(votes, SAR) == ["mps-ea", "lbr-csc"]
    assert dissents(votes, None) == []
