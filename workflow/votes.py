"""Counting the panel's votes on a referral.

The rules come from the partnership's ``voting`` configuration:

- Decisions are normally reached by consensus; if not, a vote is taken of members
  (Telford & Wrekin arrangements, CSPR Panel "Decisions and Disputes").
- One vote per agency, regardless of the number of its representatives present
  (Redbridge One Panel guidance §6; ``voting.one_vote_per_agency``).
- Only voting member agencies vote (``Agency.voting``; e.g. legal services advise).
- A member who declared a conflict of interest and was ruled out of the decision does not
  vote (Telford & Wrekin: a conflict "will disqualify the member from participation in
  making the relevant decision"; Wolverhampton One Panel terms of reference §11).
- The choice with the most votes wins. On a split, the chair has the casting vote where
  ``voting.chair_casting_vote`` is set (Telford & Wrekin: "In the event of a split the
  Chair will have the casting vote"); otherwise there is no outcome and the disagreement is
  escalated to ``voting.escalate_disagreement_to`` (Redbridge: "the Chair will escalate
  this to the statutory safeguarding partners for their final decision").
- A dissenting member shares their rationale with their own agency lead, who shares the
  dissent with the chair of the panel (Redbridge One Panel guidance, Governance).

Where two representatives of one agency vote differently, the agency has not cast one vote:
neither vote is counted, the agency is recorded as dissenting, and the reason is given
("<agency> cast different votes, so its vote is not counted").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from partnerships.model import Partnership
from workflow.decision_tools import recommendation_options

Method = Literal["consensus", "majority", "casting_vote", "tied", "no_votes"]


@dataclass(frozen=True)
class Vote:
    """One person's vote for their agency: ``choice`` is a recommendation id."""

    agency_id: str
    person: str
    choice: str


@dataclass(frozen=True)
class VoteResult:
    """The outcome of a vote and how it was reached.

    ``outcome`` is None when no decision was reached (a tie not settled by a casting vote,
    or no counted votes). ``discarded`` lists ``(person, reason)`` for every vote that was
    not counted. ``dissenting_agencies`` are the agency ids that voted otherwise than the
    outcome (including an agency whose representatives disagreed).
    """

    outcome: str | None
    counts: dict[str, int]
    method: Method
    discarded: list[tuple[str, str]] = field(default_factory=list)
    escalate: bool = False
    escalate_to: str | None = None
    explanation: str = ""
    dissenting_agencies: list[str] = field(default_factory=list)


def _agency_name(partnership: Partnership, agency_id: str) -> str:
    try:
        return partnership.agency(agency_id).name
    except KeyError:
        return agency_id


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def tally(
    partnership: Partnership,
    votes: Sequence[Vote],
    *,
    withdrawn_agencies: Collection[str] = frozenset(),
    withdrawn_people: Collection[str] = frozenset(),
    chair_choice: str | None = None,
    consensus: bool = False,
) -> VoteResult:
    """Count ``votes`` under the partnership's voting rules.

    ``withdrawn_agencies`` / ``withdrawn_people``: agencies and people ruled out of this
    decision for a conflict of interest; their votes are not counted. ``chair_choice`` is
    the chair's casting vote, used only on a split where the partnership gives the chair
    one. ``consensus`` records that the panel reached the decision by consensus: when every
    counted vote agrees the method is "consensus"; if the votes differ, they are counted as
    a vote and the explanation says so.
    """
    rules = partnership.voting
    withdrawn_agencies = set(withdrawn_agencies or ())
    withdrawn_people = set(withdrawn_people or ())
    discarded: list[tuple[str, str]] = []
    known = set(partnership.agency_ids)

    # 1. Who may vote at all.
    eligible: list[Vote] = []
    for vote in votes:
        name = _agency_name(partnership, vote.agency_id)
        if vote.agency_id not in known:
            discarded.append((vote.person, f"{name} is not a member agency of the panel"))
        elif not partnership.agency(vote.agency_id).voting:
            discarded.append((vote.person, f"{name} is not a voting member of the panel"))
        elif vote.agency_id in withdrawn_agencies:
            discarded.append(
                (vote.person, f"{name} withdrew from the decision (conflict of interest)")
            )
        elif vote.person in withdrawn_people:
            discarded.append(
                (vote.person, f"{vote.person} withdrew from the decision (conflict of interest)")
            )
        else:
            eligible.append(vote)

    # 2. One vote per agency (Redbridge One Panel guidance §6).
    counted: list[Vote] = []
    conflicting: list[str] = []
    if rules.one_vote_per_agency:
        by_agency: dict[str, list[Vote]] = {}
        for vote in eligible:
            by_agency.setdefault(vote.agency_id, []).append(vote)
        for agency_id, agency_votes in by_agency.items():
            name = _agency_name(partnership, agency_id)
            if len({v.choice for v in agency_votes}) > 1:
                conflicting.append(agency_id)
                for v in agency_votes:
                    discarded.append(
                        (v.person, f"{name} cast different votes, so its vote is not counted")
                    )
                continue
            counted.append(agency_votes[0])
            for v in agency_votes[1:]:
                discarded.append((v.person, f"One vote per agency: {name}'s vote is counted once"))
    else:
        counted = list(eligible)

    counts = dict(Counter(v.choice for v in counted).most_common())
    escalate_to = rules.escalate_disagreement_to
    labels = recommendation_options(partnership)

    def say(choice: str) -> str:
        return labels.get(choice, choice)

    def result(
        outcome: str | None, method: Method, explanation: str, escalate: bool = False
    ) -> VoteResult:
        return VoteResult(
            outcome=outcome,
            counts=counts,
            method=method,
            discarded=discarded,
            escalate=escalate,
            escalate_to=escalate_to if escalate else None,
            explanation=explanation,
            dissenting_agencies=dissents(eligible, outcome, also=conflicting),
        )

    if not counts:
        return result(None, "no_votes", "No votes were counted, so no decision was reached.")

    top = max(counts.values())
    leaders = [choice for choice, n in counts.items() if n == top]
    total = sum(counts.values())

    if len(leaders) == 1:
        outcome = leaders[0]
        if consensus and len(counts) == 1 and not conflicting:
            return result(
                outcome,
                "consensus",
                f"Agreed by consensus ({_plural(total, 'agency', 'agencies')}).",
            )
        prefix = (
            "Consensus was recorded but the votes differ, so the decision is by vote. "
            if consensus
            else ""
        )
        return result(
            outcome,
            "majority",
            f"{prefix}Decided by majority: {top} of {_plural(total, 'vote', 'votes')} "
            f"for {say(outcome)}.",
        )

    tied = " and ".join(say(choice) for choice in leaders)
    # Telford & Wrekin arrangements: "In the event of a split the Chair will have the
    # casting vote".
    if rules.chair_casting_vote:
        if chair_choice in leaders:
            return result(
                chair_choice,
                "casting_vote",
                f"The vote was tied ({tied}, {top} each); the chair's casting vote "
                f"decided {say(chair_choice)}.",
            )
        missing = (
            "the chair has not given a casting vote"
            if not chair_choice
            else f"the chair's casting vote ({say(chair_choice)}) is not one of the tied choices"
        )
        return result(
            None,
            "tied",
            f"The vote was tied ({tied}, {top} each) and {missing}; "
            f"the disagreement is escalated to {escalate_to}.",
            escalate=True,
        )
    # Redbridge One Panel guidance §6: disagreement is escalated for a final decision.
    return result(
        None,
        "tied",
        f"The vote was tied ({tied}, {top} each) and the chair has no casting vote; "
        f"the disagreement is escalated to {escalate_to}.",
        escalate=True,
    )


def dissents(votes: Iterable[Vote], outcome: str | None, *, also: Iterable[str] = ()) -> list[str]:
    """The agencies that voted otherwise than ``outcome``, each once, in voting order.

    A dissenting member shares their rationale with their own agency lead, who shares the
    dissent with the chair (Redbridge One Panel guidance, Governance). ``also`` adds
    agencies to record as dissenting whatever they voted (e.g. an agency whose
    representatives cast different votes). With no outcome there is nothing to dissent from
    and only ``also`` is returned.
    """
    out: list[str] = []
    if outcome is not None:
        for vote in votes:
            if vote.choice != outcome and vote.agency_id not in out:
                out.append(vote.agency_id)
    for agency_id in also:
        if agency_id not in out:
            out.append(agency_id)
    return out
