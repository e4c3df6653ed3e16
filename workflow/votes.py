"""Counting the panel's votes on a referral, by the panel's own decision rules.

The rules are the panel's ``decisions`` in the partnership file, each with its source:

- Decisions are normally reached by consensus; if not, a vote is taken of members
  (Telford & Wrekin CSPR Panel, "Decisions and Disputes").
- One vote per organisation, regardless of the number of its representatives or services
  present (Redbridge One Panel guidance §6: "Each partner agency attending the Panel will
  have one vote, regardless of the number of individual representatives"); a council's
  children's and adults' services share the council's one vote. ``votes_per: agency``
  counts each agency at the table instead, where a document says so.
- Only voting members of the panel vote; one person votes for one organisation.
- A member who declared a conflict of interest and was ruled out of the decision, or
  whose declaration the chair has not ruled on yet, does not vote (the caller passes
  them in ``withdrawn_people``; Telford & Wrekin CSPR Panel: a conflict "will disqualify
  the member from participation in making the relevant decision").
- Disagreement: where ``escalate`` is ``disagreement`` (Redbridge: "Where there are
  disagreements at the Panel ... the Chair will escalate this to the statutory
  safeguarding partners for their final decision"; Wolverhampton §7 to the Executive
  Group) any vote that is not unanimous goes to ``escalate_to``; the majority's choice is
  the panel's recommendation until they decide. Where it is ``tie`` only a split does.
- On a split the chair has the casting vote where ``chair_casting_vote`` is set, "or
  discuss with the Partnership Manager" where ``chair_may_refer_split_to`` names someone
  (Telford & Wrekin CSPR Panel only).
- A dissenting member shares their rationale with their own agency lead, who shares the
  dissent with the chair of the panel (Redbridge One Panel guidance, Governance).

Where two representatives of one organisation vote differently, it has not cast one vote:
neither vote is counted, it is recorded as dissenting, and the reason is given.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from partnerships.model import Panel, Partnership
from workflow.decision_tools import recommendation_options

Method = Literal["consensus", "majority", "casting_vote", "tied", "no_votes", "referred"]


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
    panel: Panel | None = None,
    withdrawn_agencies: Collection[str] = frozenset(),
    withdrawn_people: Collection[str] = frozenset(),
    chair_choice: str | None = None,
    chair_refers: bool = False,
    consensus: bool = False,
) -> VoteResult:
    """Count ``votes`` under the panel's decision rules (the first panel when none is given).

    ``withdrawn_agencies`` / ``withdrawn_people``: agencies and people out of this decision
    for a conflict of interest; their votes are not counted. ``chair_choice`` is the chair's
    casting vote, used only on a split where the panel gives the chair one;
    ``chair_refers`` is the chair choosing, on a split, to refer it to the person the
    panel's rules name instead. ``consensus`` records that the panel reached the decision by
    consensus: when every counted vote agrees the method is "consensus"; if the votes
    differ, they are counted as a vote and the explanation says so.
    """
    panel = panel or partnership.default_panel
    rules = panel.decisions
    withdrawn_agencies = set(withdrawn_agencies or ())
    withdrawn_people = set(withdrawn_people or ())
    discarded: list[tuple[str, str]] = []
    members = {a.id: a for a in partnership.panel_agencies(panel)}
    per_org = rules.votes_per == "organisation"

    def unit(agency_id: str) -> str:
        return members[agency_id].organisation_id if per_org else agency_id

    def unit_name(key: str) -> str:
        if per_org:
            try:
                return partnership.organisation(key).name
            except KeyError:
                return key
        return _agency_name(partnership, key)

    # 1. Who may vote at all; one person votes for one organisation.
    eligible: list[Vote] = []
    person_unit: dict[str, str] = {}
    for vote in votes:
        name = _agency_name(partnership, vote.agency_id)
        if vote.agency_id not in members:
            discarded.append((vote.person, f"{name} is not a member of the {panel.name}"))
        elif not members[vote.agency_id].voting:
            discarded.append((vote.person, f"{name} is not a voting member of the {panel.name}"))
        elif vote.agency_id in withdrawn_agencies:
            discarded.append(
                (vote.person, f"{name} withdrew from the decision (conflict of interest)")
            )
        elif vote.person in withdrawn_people:
            discarded.append(
                (
                    vote.person,
                    f"{vote.person} may not take part in the decision (conflict of interest)",
                )
            )
        elif person_unit.setdefault(vote.person.strip().casefold(), unit(vote.agency_id)) != unit(
            vote.agency_id
        ):
            discarded.append(
                (
                    vote.person,
                    f"{vote.person} has voted for another organisation: one person "
                    "represents one organisation at a time",
                )
            )
        else:
            eligible.append(vote)

    # 2. One vote per organisation (or per agency where the panel's rules say so).
    counted: list[Vote] = []
    conflicting: list[str] = []
    by_unit: dict[str, list[Vote]] = {}
    for vote in eligible:
        by_unit.setdefault(unit(vote.agency_id), []).append(vote)
    for key, unit_votes in by_unit.items():
        name = unit_name(key)
        if len({v.choice for v in unit_votes}) > 1:
            conflicting.extend(dict.fromkeys(v.agency_id for v in unit_votes))
            for v in unit_votes:
                discarded.append(
                    (v.person, f"{name} cast different votes, so its vote is not counted")
                )
            continue
        counted.append(unit_votes[0])
        for v in unit_votes[1:]:
            discarded.append(
                (
                    v.person,
                    f"One vote per {'organisation' if per_org else 'agency'}: {name}'s vote is counted once",
                )
            )

    counts = dict(Counter(v.choice for v in counted).most_common())
    labels = recommendation_options(partnership)

    def say(choice: str) -> str:
        return labels.get(choice, choice)

    def result(
        outcome: str | None,
        method: Method,
        explanation: str,
        escalate: bool = False,
        to: str | None = None,
    ) -> VoteResult:
        return VoteResult(
            outcome=outcome,
            counts=counts,
            method=method,
            discarded=discarded,
            escalate=escalate,
            escalate_to=(to or rules.escalate_to) if escalate else None,
            explanation=explanation,
            dissenting_agencies=dissents(eligible, outcome, also=conflicting),
        )

    if not counts:
        return result(None, "no_votes", "No votes were counted, so no decision was reached.")

    top = max(counts.values())
    leaders = [choice for choice, n in counts.items() if n == top]
    total = sum(counts.values())
    unanimous = len(counts) == 1 and not conflicting

    if len(leaders) == 1:
        outcome = leaders[0]
        if consensus and unanimous:
            return result(
                outcome,
                "consensus",
                f"Agreed by consensus ({_plural(total, 'organisation' if per_org else 'agency', 'organisations' if per_org else 'agencies')}).",
            )
        prefix = (
            "Consensus was recorded but the votes differ, so the decision is by vote. "
            if consensus and not unanimous
            else ""
        )
        text = f"{prefix}Decided by majority: {top} of {_plural(total, 'vote', 'votes')} for {say(outcome)}."
        if not unanimous and rules.escalate == "disagreement":
            return result(
                outcome,
                "majority",
                f"{text} The panel disagreed, so it is escalated to {rules.escalate_to} for "
                f"the final decision; {say(outcome)} stands as the panel's recommendation "
                "until then.",
                escalate=True,
            )
        return result(outcome, "majority", text)

    tied = " and ".join(say(choice) for choice in leaders)
    if rules.chair_casting_vote and chair_choice in leaders and not chair_refers:
        return result(
            chair_choice,
            "casting_vote",
            f"The vote was tied ({tied}, {top} each); the chair's casting vote decided {say(chair_choice)}.",
        )
    if rules.chair_may_refer_split_to and chair_refers:
        return result(
            None,
            "referred",
            f"The vote was tied ({tied}, {top} each); the chair referred it to "
            f"{rules.chair_may_refer_split_to} for resolution.",
            escalate=True,
            to=rules.chair_may_refer_split_to,
        )
    if rules.chair_casting_vote:
        missing = (
            "the chair has not given a casting vote"
            if not chair_choice
            else f"the chair's casting vote ({say(chair_choice)}) is not one of the tied choices"
        )
        return result(
            None,
            "tied",
            f"The vote was tied ({tied}, {top} each) and {missing}; "
            f"the disagreement is escalated to {rules.escalate_to}.",
            escalate=True,
        )
    return result(
        None,
        "tied",
        f"The vote was tied ({tied}, {top} each) and the chair has no casting vote; "
        f"the disagreement is escalated to {rules.escalate_to}.",
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
