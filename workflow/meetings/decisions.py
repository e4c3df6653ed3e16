"""The panel's decisions: the decision tools (``workflow.decision_tools``), recording a
decision, the voting roll and votes (``workflow.votes``), and escalation of a tie."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from partnerships import Partnership
from storage.db import Session, utcnow
from storage.models import AgendaItem, Decision, Meeting, Referral, TrackedReview, VoteRecord
from workflow.meetings.common import MeetingError
from workflow.meetings.declarations import withdrawn_from_decision

# -- decisions ------------------------------------------------------------------------------------


def tools_for(referral: Referral) -> list[str]:
    """The decision tools for the review types the referral considered (all when unsure)."""
    from workflow.decision_tools import TOOLS

    wanted = [t for t in (referral.review_types or []) if t in TOOLS]
    return wanted or list(TOOLS)


def visible_questions(tool_id: str, answers: Mapping[str, Any]) -> list[Any]:
    """The tool's questions whose ``shown_if`` holds for the answers so far."""
    from workflow.decision_tools import TOOLS

    return [q for q in TOOLS[tool_id].questions if _shown(q, answers)]


def _shown(question: Any, answers: Mapping[str, Any]) -> bool:
    cond = getattr(question, "shown_if", None)
    if not cond:
        return True
    if callable(cond):
        return bool(cond(answers))
    if isinstance(cond, Mapping):
        return all(
            (answers.get(k) in v) if isinstance(v, list | tuple | set | frozenset) else answers.get(k) == v
            for k, v in cond.items()
        )
    return True


def evaluate_tools(tool_answers: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """``{tool id: {outcome, label, reasons, missing}}`` for the answers given."""
    from workflow.decision_tools import evaluate

    out: dict[str, dict[str, Any]] = {}
    for tool_id, answers in tool_answers.items():
        result = evaluate(tool_id, dict(answers))
        out[tool_id] = {
            "outcome": result.outcome,
            "label": result.label,
            "reasons": list(result.reasons),
            "missing": list(result.missing),
        }
    return out


def recommendations() -> dict[str, str]:
    from workflow.decision_tools import recommendation_options

    return recommendation_options()


def methodology_options() -> dict[str, str]:
    from workflow.methodologies import METHODOLOGIES

    return {m.id: m.name for m in METHODOLOGIES.values()}


REVIEW_KINDS_NOT_TRACKED = frozenset({"no_further_action", "no_review", "none"})


def recommends_review(recommendation: str) -> bool:
    return recommendation not in REVIEW_KINDS_NOT_TRACKED


def suggested_lead(tool_outcomes: Mapping[str, Mapping[str, Any]]) -> str | None:
    """Which process leads when several review types apply (``lead_process``)."""
    from workflow.decision_tools import lead_process

    applicable = [t for t, o in tool_outcomes.items() if _applies(o.get("outcome"))]
    if len(applicable) < 2:
        return applicable[0] if applicable else None
    return lead_process(applicable)


def _applies(outcome: str | None) -> bool:
    return bool(outcome) and outcome.startswith("statutory")


def record_decision(
    meeting: Meeting | None,
    item: AgendaItem,
    *,
    tool_answers: Mapping[str, Mapping[str, Any]],
    recommendation: str,
    lead_process: str | None,
    methodology: str | None,
    rationale: str,
    recorded_by_id: int | None,
) -> Decision:
    """The panel's decision on the referral of ``item``, with the tools' suggestions.

    When it recommends a review the review goes into the case tracker.
    """
    referral = item.referral
    if referral is None:
        raise MeetingError("This agenda item has no referral to decide on")
    if recommendation not in recommendations():
        raise MeetingError("Select the panel's recommendation")
    if not (rationale or "").strip():
        raise MeetingError("Enter the rationale for the decision")
    outcomes = evaluate_tools(tool_answers)
    decision = Decision(
        referral_id=referral.id,
        meeting_id=meeting.id if meeting else None,
        agenda_item_id=item.id,
        tool_answers={k: dict(v) for k, v in tool_answers.items()},
        tool_outcomes=outcomes,
        recommendation=recommendation,
        lead_process=lead_process or None,
        methodology=methodology or None,
        rationale=rationale.strip(),
        method="consensus",
        recorded_by_id=recorded_by_id,
    )
    Session.add(decision)
    referral.status = "decided"
    Session.flush()
    if recommends_review(recommendation):
        Session.add(TrackedReview(referral_id=referral.id, decision_id=decision.id, review_kind=recommendation))
    Session.commit()
    return decision


@dataclass(frozen=True)
class Voter:
    """An agency that may vote on an item, and who speaks for it."""

    agency_id: str
    agency_name: str
    person: str


@dataclass
class VotingRoll:
    voters: list[Voter] = field(default_factory=list)
    # Agencies present whose every present person withdrew for a conflict.
    withdrawn_agencies: list[str] = field(default_factory=list)
    withdrawn_people: list[str] = field(default_factory=list)
    chair_name: str | None = None


def voting_roll(partnership: Partnership, meeting: Meeting, item: AgendaItem) -> VotingRoll:
    """The present voting agencies, one voter each, leaving out people ruled out of the decision."""
    out_ids = withdrawn_from_decision(meeting, item)
    roll = VotingRoll(withdrawn_people=sorted(out_ids.values()))
    present = [a for a in meeting.attendees if a.status == "present" and a.agency_id]
    chair = next((a for a in meeting.attendees if a.role == "chair" and a.status == "present"), None)
    roll.chair_name = chair.name if chair else None
    order = {"member": 0, "chair": 1, "deputy": 2, "other": 3}
    for agency in partnership.agencies:
        if not agency.voting:
            continue
        here = sorted((a for a in present if a.agency_id == agency.id), key=lambda a: order.get(a.role, 9))
        if not here:
            continue
        eligible = [a for a in here if a.user_id is None or a.user_id not in out_ids]
        if eligible:
            roll.voters.append(Voter(agency.id, agency.name, eligible[0].name))
        else:
            roll.withdrawn_agencies.append(agency.id)
    return roll


def record_votes(
    partnership: Partnership,
    decision: Decision,
    votes: Sequence[tuple[str, str, str]],
    *,
    dissent: Mapping[str, str] | None = None,
    chair_choice: str | None = None,
    withdrawn_agencies: Sequence[str] = (),
    withdrawn_people: Sequence[str] = (),
) -> Any:
    """Record one vote per agency (agency id, person, choice) and tally them.

    The outcome becomes the panel's recommendation; a tie with no casting vote is
    escalated (``partnership.voting.escalate_disagreement_to``) and tracked until resolved.
    A dissenting agency's rationale is kept with its vote.
    """
    from workflow.votes import Vote, tally

    allowed = recommendations()
    for _agency, _person, choice in votes:
        if choice not in allowed:
            raise MeetingError("Select each agency's vote")
    if not votes:
        raise MeetingError("Record at least one agency's vote")
    result = tally(
        partnership,
        [Vote(agency_id=a, person=p, choice=c) for a, p, c in votes],
        withdrawn_agencies=tuple(withdrawn_agencies),
        withdrawn_people=tuple(withdrawn_people),
        chair_choice=chair_choice or None,
    )
    decision.votes.clear()
    Session.flush()
    for a, p, c in votes:
        note = (dissent or {}).get(a)
        decision.votes.append(
            VoteRecord(
                agency_id=a,
                person=p,
                choice=c,
                dissent_rationale=(note or "").strip() or None
                if result.outcome and c != result.outcome
                else None,
            )
        )
    decision.vote_counts = dict(result.counts)
    decision.method = result.method
    decision.escalated = bool(result.escalate)
    decision.escalated_to = result.escalate_to if result.escalate else None
    if result.outcome and result.outcome != decision.recommendation:
        decision.recommendation = result.outcome
        _sync_tracked_review(decision)
    Session.commit()
    return result


def _sync_tracked_review(decision: Decision) -> None:
    reviews = list(Session.scalars(select(TrackedReview).where(TrackedReview.decision_id == decision.id)))
    if recommends_review(decision.recommendation):
        if reviews:
            for r in reviews:
                r.review_kind = decision.recommendation
        else:
            Session.add(
                TrackedReview(
                    referral_id=decision.referral_id, decision_id=decision.id, review_kind=decision.recommendation
                )
            )
    else:
        for r in reviews:
            if not (r.commissioned_on or r.reviewer):
                Session.delete(r)


def resolve_escalation(decision: Decision, when: datetime | None = None) -> None:
    if not decision.escalated:
        raise MeetingError("This decision was not escalated")
    decision.escalation_resolved_at = when or utcnow()
    Session.commit()


def decisions_for(meeting: Meeting) -> list[Decision]:
    return list(Session.scalars(select(Decision).where(Decision.meeting_id == meeting.id).order_by(Decision.id)))
