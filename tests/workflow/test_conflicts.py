"""What a ruling on a declared conflict of interest allows."""

from __future__ import annotations

import pytest

from partnerships import load_partnership
from workflow.conflicts import Ruling, may_join_discussion, may_receive_item, may_vote, rulings_for


@pytest.mark.parametrize(
    ("ruling", "receives", "votes"),
    [
        (Ruling.NO_ACTION, True, True),
        (Ruling.WITHDRAW_FROM_DECISION, True, False),
        (Ruling.WITHDRAW_FROM_DISCUSSION_AND_DECISION, False, False),
    ],
)
def test_what_each_ruling_allows(ruling: Ruling, receives: bool, votes: bool) -> None:
    assert may_receive_item(ruling) is receives
    assert may_join_discussion(ruling) is receives
    assert may_vote(ruling) is votes
    # Stored values work as well as the enum.
    assert may_receive_item(ruling.value) is receives
    assert may_vote(ruling.value) is votes


def test_no_ruling_yet_withholds_the_papers_from_no_one() -> None:
    assert may_receive_item(None)


def test_an_unruled_declared_interest_blocks_the_vote_until_the_chair_rules() -> None:
    """Wolverhampton §11: "this shall be declared and the Chair will determine whether the
    member concerned should withdraw" -- until the chair has, the member does not vote."""
    assert may_vote(None) is False
    assert may_vote(None, has_interest=False) is True


def test_telford_cspr_panel_offers_no_no_action_ruling() -> None:
    """Telford & Wrekin CSPR Panel: a conflict "will disqualify the member from
    participation in making the relevant decision on the issue but may not disqualify them
    from involvement in the discussion"."""
    telford = load_partnership("telford-wrekin")
    cspr = telford.panel("cspr-panel")
    assert rulings_for(cspr) == [Ruling.WITHDRAW_FROM_DECISION, Ruling.WITHDRAW_FROM_DISCUSSION_AND_DECISION]
    # Its SAR Panel states no conflict rule: the chair's usual choices (a local setting).
    assert Ruling.NO_ACTION in rulings_for(telford.panel("sar-panel"))
    assert telford.panel("sar-panel").conflicts.source_of("disqualifies_from_decision") == "local"


@pytest.mark.parametrize("slug", ["redbridge", "wolverhampton", "walsall"])
def test_other_panels_let_the_chair_rule_no_action(slug: str) -> None:
    assert Ruling.NO_ACTION in rulings_for(load_partnership(slug).default_panel)


def test_rulings_have_labels() -> None:
    assert {r.value: r.label for r in Ruling} == {
        "no_action": "No action needed: the member takes part as usual",
        "withdraw_from_decision": "Withdraws from the decision (may take part in the discussion)",
        "withdraw_from_discussion_and_decision": "Withdraws from the discussion and the decision",
    }


def test_an_unknown_ruling_is_an_error() -> None:
    with pytest.raises(ValueError):
        may_vote("leave_the_room")
