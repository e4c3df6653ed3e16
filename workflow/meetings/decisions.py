"""The panel's decisions: the decision tools (``workflow.decision_tools``), recording a
decision, the voting roll and votes (``workflow.votes``), and escalation of a
disagreement with its outcome.

Where the decision is recorded the panel's own rules are enforced:

- quoracy: an inquorate meeting records a decision only after the chair chose an option
  the panel's document allows that goes on deciding (Wolverhampton ToR §4: "continue as
  planned and/or any key decisions will need to be virtually ratified"); the decision is
  then marked inquorate wherever it appears. A panel whose document gives no such option
  records no decision until it is quorate;
- conflicts: a member ruled out of the decision, or whose declared interest is not yet
  ruled on, neither votes nor records the decision.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from partnerships import Partnership
from partnerships.model import DECIDING_WHEN_NOT_QUORATE
from storage.db import Session, utcnow
from storage.models import AgendaItem, Decision, Meeting, Referral, TrackedReview, VoteRecord
from workflow.meetings.attendance import NOT_QUORATE_CHOICES, not_quorate_options, quoracy
from workflow.meetings.common import MeetingError
from workflow.meetings.declarations import withdrawn_from_decision
from workflow.meetings.schedule import meeting_panel
from workflow.subject_age import CHILD_UNDER, DARDR_FROM, SubjectAge, age_at_incident

# -- decisions ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ToolRouting:
    """Which decision tools the panel sees for a referral, and why.

    ``tools``: tool ids in the tools' order; ``age``: the subject's age at the incident
    (``workflow.subject_age``); ``added``: {tool id: why it was added to those the referrer
    ticked}; ``warnings``: the age's warnings and any about the tools ticked.
    """

    tools: list[str]
    age: SubjectAge
    added: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    unsure: bool = False


# Citations for the age thresholds (DOMAIN.md §11: "A 16- or 17-year-old victim is also a
# child case").
CHILD_LAW = "Children Act 1989 s105"
DARDR_LAW = "Domestic Violence, Crime and Victims Act 2004 s9, as amended"


def tool_routing(
    referral: Referral, partnership: Partnership | None = None, *, today: date | None = None
) -> ToolRouting:
    """The decision tools for a referral: those for the review types ticked (every tool
    when none was ticked), plus those its subject's age at the
    incident calls for, whatever was ticked:

    - 16 or 17: a child (Children Act 1989 s105) and old enough for a DARDR (Domestic
      Violence, Crime and Victims Act 2004 s9(1), "a person aged 16 or over"): the DHR and
      CSPR tools (the DHR tool only if the subject may have died: a DARDR reviews a death);
    - under 16: the CSPR tool;
    - 18 or over with a CSPR ticked: the CSPR tool stays, with a warning that the subject
      was an adult at the incident.

    When the date of birth and the stated age disagree, both ages are considered.
    """
    from workflow.decision_tools import DEFAULT_REVIEW_LABELS, TOOLS

    answers = referral.answers or {}
    age = age_at_incident(answers, today=today)
    ticked = list(referral.review_types or [])
    chosen = {t for t in ticked if t in TOOLS}
    # No review type ticked (only "not sure" or "learning opportunity"): every tool.
    unsure = not chosen
    if unsure:
        chosen = set(TOOLS)
    warnings = list(age.warnings)
    added: dict[str, str] = {}

    def label(review_type: str) -> str:
        if partnership is not None:
            return partnership.review_label(review_type)
        return DEFAULT_REVIEW_LABELS[review_type]

    died = str(answers.get("subject_died") or "").lower() != "no"
    for years, said in age.candidates():
        wanted: list[str] = []
        if DARDR_FROM <= years < CHILD_UNDER:
            why = f"{said}, a child ({CHILD_LAW})"
            if died:
                why += f" and old enough for a {label('dhr')} ({DARDR_LAW})"
                wanted.append("dhr")
            wanted.append("cspr")
        elif years < DARDR_FROM:
            why = f"{said}, a child ({CHILD_LAW})"
            wanted.append("cspr")
            if "dhr" in chosen:
                warnings.append(
                    f"The {label('dhr')} is for the death of a person aged 16 or over "
                    f"({DARDR_LAW}), but {said}."
                )
        else:
            if "cspr" in ticked:
                warnings.append(
                    f"A {label('cspr')} was ticked, but {said}, an adult: a "
                    f"{label('cspr')} is for a child, under 18 ({CHILD_LAW})."
                )
            continue
        for tool_id in wanted:
            if tool_id not in chosen:
                chosen.add(tool_id)
                added[tool_id] = f"Added: {why}."
    return ToolRouting(
        tools=[t for t in TOOLS if t in chosen],
        age=age,
        added=added,
        warnings=warnings,
        unsure=unsure,
    )


def tools_for(referral: Referral, partnership: Partnership | None = None) -> list[str]:
    """The decision tools for the referral (``tool_routing``): the review types ticked, all
    when none was, and those the subject's age at the incident calls for."""
    return tool_routing(referral, partnership).tools


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


# Tool outcomes under which the review type applies and may lead: a statutory review, a
# CSPR's rapid review or local review, and a discretionary SAR (which leads only where no
# statutory review applies).
LEAD_OUTCOMES = frozenset(
    {"statutory_sar", "discretionary_sar", "statutory_dhr", "rapid_review", "local_cspr"}
)


def lead_suggestion(
    tool_outcomes: Mapping[str, Mapping[str, Any]],
    tool_answers: Mapping[str, Mapping[str, Any]] | None = None,
    age: SubjectAge | None = None,
    partnership: Partnership | None = None,
) -> Any:
    """Which tool's process leads when several review types apply, and why
    (``decision_tools.suggest_lead``), or None when none applies.

    It reads the DHR tool's answers (a suicide or a homicide; an intimate partner) and the
    subject's age at the incident (a child or an adult)."""
    from workflow.decision_tools import LeadSuggestion, dhr_death, shown_answers, suggest_lead

    by_outcome = {
        o.get("outcome"): tool_id for tool_id, o in tool_outcomes.items() if _applies(o.get("outcome"))
    }
    if not by_outcome:
        return None
    if len(by_outcome) == 1:
        [tool_id] = by_outcome.values()
        return LeadSuggestion(tool_id, "Only one review type applies.")
    dhr_answers = (tool_answers or {}).get("dhr", {})
    death = dhr_death(dhr_answers)
    lead = suggest_lead(
        [str(o) for o in by_outcome],
        homicide=None if death is None else death == "homicide",
        subject_is_child=age.is_child if age is not None else None,
        intimate_partner=shown_answers("dhr", dhr_answers).get("intimate_partner") == "yes",
        partnership=partnership,
    )
    return LeadSuggestion(by_outcome[lead.process], lead.reason)


def suggested_lead(
    tool_outcomes: Mapping[str, Mapping[str, Any]],
    tool_answers: Mapping[str, Mapping[str, Any]] | None = None,
    age: SubjectAge | None = None,
) -> str | None:
    """The tool id of the process suggested to lead (``lead_suggestion``), or None."""
    lead = lead_suggestion(tool_outcomes, tool_answers, age)
    return lead.process if lead is not None else None


def _applies(outcome: str | None) -> bool:
    return outcome in LEAD_OUTCOMES


@dataclass(frozen=True)
class DecisionGate:
    """Whether a decision may be recorded at the meeting now, and how it is marked."""

    inquorate: bool = False
    not_quorate_choice: str | None = None


def decision_gate(
    partnership: Partnership | None, meeting: Meeting | None, item: AgendaItem, recorded_by_id: int | None
) -> DecisionGate:
    """Check the panel's quorum and conflict rules before a decision is recorded.

    Raises ``MeetingError`` saying what stops the decision; returns how it is marked.
    A decision made without a meeting (the chair's further-information route, Redbridge
    §6: "a decision made without a second meeting") is not gated by attendance.
    """
    if partnership is None or meeting is None:
        return DecisionGate()
    out = withdrawn_from_decision(meeting, item)
    if recorded_by_id is not None and recorded_by_id in out:
        raise MeetingError(
            f"{out[recorded_by_id]} is out of this decision (conflict of interest): "
            "another member records it"
        )
    result = quoracy(partnership, meeting)
    if result.quorate:
        return DecisionGate()
    panel = meeting_panel(partnership, meeting)
    allowed = not_quorate_options(partnership, meeting)
    reasons = "; ".join(result.reasons)
    deciding = [c for c in allowed if c in DECIDING_WHEN_NOT_QUORATE]
    if not deciding:
        raise MeetingError(
            f"The meeting is not quorate ({reasons}). The {panel.name}'s rules give the chair "
            f"only: {', '.join(NOT_QUORATE_CHOICES[c].lower() for c in allowed)}. "
            "No decision can be recorded until the meeting is quorate"
        )
    if meeting.not_quorate_choice not in deciding:
        raise MeetingError(
            f"The meeting is not quorate ({reasons}). The chair must first choose what the "
            f"meeting will do: {', or '.join(NOT_QUORATE_CHOICES[c].lower() for c in allowed)}"
        )
    return DecisionGate(inquorate=True, not_quorate_choice=meeting.not_quorate_choice)


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
    partnership: Partnership | None = None,
) -> Decision:
    """The panel's decision on the referral of ``item``, with the tools' suggestions.

    With ``partnership`` given, the panel's quorum and conflict rules are checked first
    (``decision_gate``). When it recommends a review the review goes into the case tracker.
    """
    referral = item.referral
    if referral is None:
        raise MeetingError("This agenda item has no referral to decide on")
    gate = decision_gate(partnership, meeting, item, recorded_by_id)
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
        inquorate=gate.inquorate,
        not_quorate_choice=gate.not_quorate_choice,
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
    present = [a for a in meeting.attendees if a.status == "present" and a.agency_id and a.role != "other"]
    chair = next((a for a in meeting.attendees if a.role == "chair" and a.status == "present"), None)
    roll.chair_name = chair.name if chair else None
    order = {"member": 0, "chair": 1, "deputy": 2, "other": 3}
    panel = meeting_panel(partnership, meeting)
    per_org = panel.decisions.votes_per == "organisation"
    seen_units: set[str] = set()
    for agency in partnership.panel_agencies(panel):
        if not agency.voting:
            continue
        unit = agency.organisation_id if per_org else agency.id
        here = sorted((a for a in present if a.agency_id == agency.id), key=lambda a: order.get(a.role, 9))
        if not here or unit in seen_units:
            continue
        eligible = [a for a in here if a.user_id is None or a.user_id not in out_ids]
        if eligible:
            seen_units.add(unit)
            name = agency.organisation_name if per_org else agency.name
            roll.voters.append(Voter(agency.id, name, eligible[0].name))
        else:
            roll.withdrawn_agencies.append(agency.id)
    # An organisation whose first agency's people all withdrew may still vote through
    # another of its agencies; it is withdrawn only when no one of it may vote.
    voted = {partnership.organisation_of(v.agency_id) if per_org else v.agency_id for v in roll.voters}
    roll.withdrawn_agencies = [
        a for a in roll.withdrawn_agencies if (partnership.organisation_of(a) if per_org else a) not in voted
    ]
    return roll


def record_votes(
    partnership: Partnership,
    decision: Decision,
    votes: Sequence[tuple[str, str, str]],
    *,
    dissent: Mapping[str, str] | None = None,
    chair_choice: str | None = None,
    chair_refers: bool = False,
    withdrawn_agencies: Sequence[str] = (),
    withdrawn_people: Sequence[str] = (),
    recorded_by_id: int | None = None,
) -> Any:
    """Record one vote per organisation (agency id, person, choice) and tally them under the
    meeting's panel's rules (``workflow.votes.tally``).

    The quorum and conflict rules are checked as for the decision; people out of the
    decision for a conflict (ruled out, or declared and not yet ruled on) are never
    counted, whatever the caller passes. The outcome becomes the panel's recommendation; a
    disagreement the rules send on is escalated and tracked until its outcome is recorded.
    A dissenting agency's rationale is kept with its vote.
    """
    from workflow.votes import Vote, tally

    if decision.ratification in ("ratified", "changed"):
        # The board's answer is the final decision (Walsall arrangements 6.3); only a
        # recommendation referred back to the panel is the panel's to decide again.
        raise MeetingError(
            "The board has given its decision on this recommendation: the panel's votes can no "
            "longer change it"
        )
    allowed = recommendations()
    for _agency, _person, choice in votes:
        if choice not in allowed:
            raise MeetingError("Select each agency's vote")
    if not votes:
        raise MeetingError("Record at least one agency's vote")
    meeting = decision.meeting
    item = decision.agenda_item_id and Session.get(AgendaItem, decision.agenda_item_id)
    panel = meeting_panel(partnership, meeting) if meeting is not None else None
    out_people = set(withdrawn_people)
    if meeting is not None and item:
        gate = decision_gate(partnership, meeting, item, recorded_by_id)
        decision.inquorate, decision.not_quorate_choice = gate.inquorate, gate.not_quorate_choice
        out_people |= set(withdrawn_from_decision(meeting, item).values())
    result = tally(
        partnership,
        [Vote(agency_id=a, person=p, choice=c) for a, p, c in votes],
        panel=panel,
        withdrawn_agencies=tuple(withdrawn_agencies),
        withdrawn_people=tuple(sorted(out_people)),
        chair_choice=chair_choice or None,
        chair_refers=chair_refers,
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


def resolve_escalation(
    decision: Decision,
    when: datetime | None = None,
    *,
    outcome: str | None = None,
    decided_by: str | None = None,
    decided_on: date | None = None,
    note: str | None = None,
) -> None:
    """Record what the body the disagreement went to decided, who decided and when, and
    apply it: their choice becomes the decision's recommendation (the panel's own is kept
    in ``panel_recommendation``) and the case tracker follows it."""
    if not decision.escalated:
        raise MeetingError("This decision was not escalated")
    if decision.escalation_resolved_at is not None:
        raise MeetingError("The outcome of this escalation has been recorded already")
    if outcome is not None:
        if outcome not in recommendations():
            raise MeetingError("Select what was decided")
        decided_by = (decided_by or "").strip()
        if not decided_by:
            raise MeetingError(f"Enter who decided (for example, {decision.escalated_to})")
        if decided_on is None:
            raise MeetingError("Enter the date of the decision")
        if decided_on > (when or utcnow()).date():
            raise MeetingError("The date of the decision must be today or in the past")
        if decision.panel_recommendation is None and decision.method not in ("tied", "referred", "no_votes"):
            # The panel's own recommendation, kept in the history; a tied vote made none.
            decision.panel_recommendation = decision.recommendation
        decision.escalation_outcome = outcome
        decision.escalation_decided_by = decided_by[:200]
        decision.escalation_decided_on = decided_on
        decision.escalation_note = (note or "").strip() or None
        if outcome != decision.recommendation:
            decision.recommendation = outcome
            _sync_tracked_review(decision)
    decision.escalation_resolved_at = when or utcnow()
    Session.commit()


def decisions_for(meeting: Meeting) -> list[Decision]:
    return list(Session.scalars(select(Decision).where(Decision.meeting_id == meeting.id).order_by(Decision.id)))


_METHOD_WORDS = {
    "consensus": "by consensus",
    "majority": "by a majority vote",
    "casting_vote": "on the chair's casting vote after a tied vote",
    "tied": "after a tied vote",
    "referred": "after a tied vote the chair referred",
    "no_votes": "with no votes counted",
}


def how_decided(decision: Decision, partnership: Partnership) -> str:
    """How the decision was reached, in the words a board chair, a referrer and the minutes
    read: quorate or not (and what the chair chose), consensus or vote (with the count and
    who dissented), any escalation with who decided what and when, and the board's answer
    (ratified, changed to what and from what, or referred back; by whom and when)."""
    labels = recommendations()
    meeting = decision.meeting
    if meeting is not None:
        panel = meeting_panel(partnership, meeting)
    else:
        types = decision.referral.review_types if decision.referral is not None else []
        panel = next(
            (p for p in (partnership.panel_for(t) for t in types or []) if p is not None),
            partnership.default_panel,
        )
    parts: list[str] = []
    where = f"the {panel.name} meeting of {meeting.date.day} {meeting.date:%B %Y}" if meeting else f"the {panel.name}"
    if meeting is not None and decision.inquorate is None:
        parts.append(f"The decision was taken at {where}.")
    elif decision.inquorate:
        choice = NOT_QUORATE_CHOICES.get(decision.not_quorate_choice or "", "continue")
        parts.append(
            f"The decision was taken at {where}, which was not quorate; the chair decided: "
            f"{choice.lower()}, as the {panel.name}'s terms of reference allow."
        )
    elif meeting is not None:
        parts.append(f"The decision was taken at {where}, which was quorate.")
    counts = decision.vote_counts or {}
    if decision.method == "consensus" or not counts:
        parts.append("The panel agreed by consensus." if decision.method == "consensus" else "")
    else:
        tally = "; ".join(f"{labels.get(k, k)}: {n}" for k, n in counts.items())
        method = _METHOD_WORDS.get(decision.method, decision.method)
        if decision.method == "referred":
            parts.append(f"The panel voted ({tally}); {method} the split to {decision.escalated_to}.")
        else:
            parts.append(f"The panel decided {method} ({tally}).")
        # Dissent is from what the panel decided, not from what an escalation later decided.
        panel_choice = decision.panel_recommendation or decision.recommendation
        dissenters = sorted({v.agency_id for v in decision.votes if v.choice != panel_choice})
        if dissenters and decision.method != "tied":
            names = []
            for agency_id in dissenters:
                try:
                    names.append(partnership.agency(agency_id).name)
                except KeyError:
                    names.append(agency_id)
            parts.append(f"Dissenting: {', '.join(names)}.")
    if decision.escalated:
        if decision.escalation_outcome:
            panel_rec = decision.panel_recommendation
            if decision.method in ("tied", "referred"):
                panel_words = " (the panel's vote was tied)"
            elif panel_rec and panel_rec != decision.escalation_outcome:
                panel_words = f" (the panel had recommended {labels.get(panel_rec, panel_rec)})"
            else:
                panel_words = ""
            on = decision.escalation_decided_on
            parts.append(
                f"The disagreement was escalated to {decision.escalated_to}; "
                f"{decision.escalation_decided_by} decided {labels.get(decision.escalation_outcome)}"
                f"{f' on {on.day} {on:%B %Y}' if on else ''}{panel_words}."
            )
        else:
            parts.append(
                f"The disagreement has been escalated to {decision.escalated_to} for the final "
                "decision, which is awaited."
            )
    # The board's answer: a change it made is the decision now (Walsall arrangements 6.3).
    from workflow.meetings.ratification import board_answer, board_for

    answer = board_answer(decision, labels, board_for(partnership, decision).name)
    if answer:
        parts.append(f"{answer}.")
    return " ".join(p for p in parts if p)
