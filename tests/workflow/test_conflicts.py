"""What a ruling on a declared conflict of interest allows."""

from __future__ import annotations

import pytest

from workflow.conflicts import Ruling, may_join_discussion, may_receive_item, may_vote


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


def test_no_ruling_yet_withholds_nothing() -> None:
    assert may_receive_item(None) and may_vote(None)


def test_rulings_have_labels() -> None:
    assert {r.value: r.label for r in Ruling} == {
        "no_action": "No action needed: the member takes part as usual",
        "withdraw_from_decision": "Withdraws from the decision (may take part in the discussion)",
        "withdraw_from_discussion_and_decision": "Withdraws from the discussion and the decision",
    }


def test_an_unknown_ruling_is_an_error() -> None:
    with pytest.raises(ValueError):
        may_vote("leave_the_room")
