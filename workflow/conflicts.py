"""What the chair's ruling on a declared conflict of interest allows the member to do.

Every member declares any conflict of interest for an agenda item; the chair rules how it
is managed, and the declaration and the ruling are minuted.

- Wolverhampton One Panel terms of reference §11: "the Chair will determine whether the
  member concerned should withdraw from the meeting whilst the relevant discussion or
  decision related to the agenda item is in progress".
- Telford & Wrekin arrangements (CSPR Panel, Conflict of Interest): a conflict "will
  disqualify the member from participation in making the relevant decision on the issue
  but may not disqualify them from involvement in the discussion on the issue by
  agreement from other members of the group".

A member who withdraws from the discussion as well as the decision does not receive the
papers for that item (only the people who need a paper see it).

Each panel's ``conflicts`` rule says which rulings the chair may make: where a declared
conflict disqualifies the member from the decision (Telford & Wrekin CSPR Panel), "no
action" is not one of them. A declared interest the chair has not ruled on yet keeps the
member out of the decision until the ruling, and nobody rules on their own declaration.
"""

from __future__ import annotations

from enum import StrEnum

from partnerships.model import Panel


class Ruling(StrEnum):
    """The chair's ruling on a declaration of interest for one agenda item."""

    NO_ACTION = "no_action"
    WITHDRAW_FROM_DECISION = "withdraw_from_decision"
    WITHDRAW_FROM_DISCUSSION_AND_DECISION = "withdraw_from_discussion_and_decision"

    @property
    def label(self) -> str:
        return RULING_LABELS[self]


RULING_LABELS: dict[Ruling, str] = {
    Ruling.NO_ACTION: "No action needed: the member takes part as usual",
    # Telford & Wrekin: the conflict disqualifies from the decision; the other members may
    # agree that the member joins the discussion.
    Ruling.WITHDRAW_FROM_DECISION: "Withdraws from the decision (may take part in the discussion)",
    # Wolverhampton §11: the member withdraws while the discussion and decision are in progress.
    Ruling.WITHDRAW_FROM_DISCUSSION_AND_DECISION: "Withdraws from the discussion and the decision",
}


def may_receive_item(ruling: Ruling | str | None) -> bool:
    """Whether the member receives the papers for the item.

    False only where the member withdraws from the discussion as well as the decision
    (Wolverhampton §11): the papers are for the discussion they do not join. No ruling yet
    withholds nothing.
    """
    if ruling is None:
        return True
    return Ruling(ruling) is not Ruling.WITHDRAW_FROM_DISCUSSION_AND_DECISION


def may_join_discussion(ruling: Ruling | str | None) -> bool:
    """Whether the member may take part in the discussion of the item (same rule as the papers)."""
    return may_receive_item(ruling)


def may_vote(ruling: Ruling | str | None, *, has_interest: bool = True) -> bool:
    """Whether the member may take part in the decision on the item.

    A member who declared no interest votes. A declared interest not yet ruled on keeps
    the member out until the chair rules. Either withdrawal keeps them out: a conflict
    disqualifies the member from making the decision (Telford & Wrekin, Conflict of
    Interest).
    """
    if not has_interest:
        return True
    if ruling is None:
        return False
    return Ruling(ruling) is Ruling.NO_ACTION


def rulings_for(panel: Panel) -> list[Ruling]:
    """The rulings the chair of ``panel`` may make on a declared interest.

    Where the panel's document says a declared conflict disqualifies the member from the
    decision, "no action" is not offered (Telford & Wrekin CSPR Panel: "This will
    disqualify the member from participation in making the relevant decision on the issue
    but may not disqualify them from involvement in the discussion ... by agreement").
    """
    if panel.conflicts.disqualifies_from_decision:
        return [Ruling.WITHDRAW_FROM_DECISION, Ruling.WITHDRAW_FROM_DISCUSSION_AND_DECISION]
    return list(Ruling)
