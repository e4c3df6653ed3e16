"""Every rule of a partnership in words, with its source and the code that applies it.

The rules page (``/secretariat/partnership``) and ``flask --app app check-config`` show
this list, so a business unit can check each rule against its own published documents; a
rule the documents do not contain is marked as set by the partnership.
"""

from __future__ import annotations

from dataclasses import dataclass

from partnerships.model import (
    FREQUENCY_WORDS,
    LOCAL,
    LOCAL_LABEL,
    REFERRER_KIND_WORDS,
    SECTOR_LABELS,
    Panel,
    Partnership,
    QuorumRequirement,
    Source,
    SourceRef,
    is_local,
)

NOT_QUORATE_WORDS = {
    "reschedule": "reschedule the meeting",
    "continue": "continue as planned",
    "virtual_ratification": "have key decisions virtually ratified by the missing members",
}


@dataclass(frozen=True)
class RuleLine:
    """One rule: where it belongs, what it says, its source and what applies it."""

    topic: str
    rule: str
    source: SourceRef
    applied_by: str

    @property
    def local(self) -> bool:
        return is_local(self.source)


def source_text(partnership: Partnership, source: SourceRef) -> str:
    """``Title, section: "words"`` or the local-setting label."""
    if isinstance(source, Source):
        return f'{partnership.document_title(source)}, {source.section}: "{source.words}"'
    return LOCAL_LABEL


def _requirement(partnership: Partnership, req: QuorumRequirement) -> str:
    if req.organisation:
        org = partnership.organisation(req.organisation)
        via = [s.name for s in org.services]
        tail = f" (by itself or by {', '.join(via)})" if via else ""
        return f"{org.name} is represented{tail}"
    if req.sector:
        return f"someone from {SECTOR_LABELS.get(req.sector, req.sector)} is present"
    if req.fraction_of_members:
        return f"at least {req.fraction_of_members} of the member organisations are represented"
    return "each statutory partner is represented"


def _panel_rules(partnership: Partnership, panel: Panel) -> list[RuleLine]:
    name = panel.name
    labels = ", ".join(partnership.review_label(t) for t in panel.review_types)
    members = partnership.panel_organisations(panel)
    decisions, conflicts, meetings = panel.decisions, panel.conflicts, panel.meetings
    out = [
        RuleLine(
            name,
            f"Screens referrals for: {labels}",
            panel.review_types_source,
            "workflow.referrals (routing by review type)",
        ),
        RuleLine(
            name, f"Chaired by the {panel.chair.title}", panel.chair.source, "meeting attendance"
        ),
        RuleLine(
            name,
            "Members: "
            + ", ".join(o.name for o in members)
            + ("" if panel.membership.members else " (every member organisation)"),
            panel.membership.source,
            "workflow.quorum, workflow.votes (who counts and votes)",
        ),
        RuleLine(
            name,
            "Quorate when "
            + "; and ".join(_requirement(partnership, r) for r in panel.quorum.requirements),
            panel.quorum.source,
            "workflow.quorum.check_quorum",
        ),
        RuleLine(
            name,
            "When not quorate the chair may "
            + " or ".join(NOT_QUORATE_WORDS[o] for o in panel.when_not_quorate.options)
            + (
                ""
                if set(panel.when_not_quorate.options) - {"reschedule"}
                else "; no decision is recorded at an inquorate meeting"
            ),
            panel.when_not_quorate.source,
            "workflow.meetings.attendance.choose_when_not_quorate; decisions refused or marked inquorate",
        ),
        RuleLine(
            name,
            "Decisions by consensus, otherwise a vote"
            if decisions.vote_when_no_consensus
            else "Decisions by consensus",
            decisions.source_of("vote_when_no_consensus"),
            "workflow.votes.tally",
        ),
        RuleLine(
            name,
            "One vote per organisation, however many of its people or services attend"
            if decisions.votes_per == "organisation"
            else "One vote per agency at the table",
            decisions.source_of("votes_per"),
            "workflow.votes.tally",
        ),
        RuleLine(
            name,
            "On a split the chair has the casting vote"
            if decisions.chair_casting_vote
            else "The chair has no casting vote",
            decisions.source_of("chair_casting_vote"),
            "workflow.votes.tally",
        ),
    ]
    if decisions.chair_may_refer_split_to:
        out.append(
            RuleLine(
                name,
                f"On a split the chair may instead refer it to {decisions.chair_may_refer_split_to}",
                decisions.source_of("chair_may_refer_split_to"),
                "workflow.votes.tally",
            )
        )
    out += [
        RuleLine(
            name,
            (
                "Any disagreement the panel does not settle by consensus"
                if decisions.escalate == "disagreement"
                else "A tied vote the rules do not break"
            )
            + " is escalated",
            decisions.source_of("escalate"),
            "workflow.votes.tally; escalation outcome recorded on the decision",
        ),
        RuleLine(
            name,
            f"Escalations go to {decisions.escalate_to}",
            decisions.source_of("escalate_to"),
            "workflow.votes.tally",
        ),
        RuleLine(
            name,
            "A declared conflict disqualifies the member from the decision (they may join the "
            "discussion if the others agree)"
            if conflicts.disqualifies_from_decision
            else "The chair rules whether a member with a declared conflict withdraws",
            conflicts.source_of("disqualifies_from_decision"),
            "workflow.conflicts.rulings_for; workflow.meetings.declarations",
        ),
        RuleLine(
            name,
            f"Meets {FREQUENCY_WORDS[meetings.frequency]}",
            meetings.source_of("frequency"),
            "workflow.meetings.schedule.suggest_dates",
        ),
        RuleLine(
            name,
            "The chair may cancel a meeting when there is nothing new"
            if meetings.may_cancel_when_nothing_new
            else "Meetings are not cancelled for want of business",
            meetings.source_of("may_cancel_when_nothing_new"),
            "meeting page",
        ),
        RuleLine(
            name,
            f"Meetings last about {meetings.duration_minutes} minutes",
            meetings.source_of("duration_minutes"),
            "agenda document",
        ),
        RuleLine(
            name,
            f"Agenda items due {meetings.agenda_item_deadline_days} days before the meeting",
            meetings.source_of("agenda_item_deadline_days"),
            "workflow.meetings.schedule.deadlines",
        ),
        RuleLine(
            name,
            f"Papers circulated {meetings.papers_deadline_working_days} working days before the meeting",
            meetings.source_of("papers_deadline_working_days"),
            "workflow.meetings.schedule.deadlines",
        ),
        RuleLine(
            name,
            "The chair reads the Think Family statement"
            if meetings.think_family_statement
            else "No Think Family read-out on the agenda",
            meetings.source_of("think_family_statement"),
            "workflow.meetings.schedule (standing items)",
        ),
        RuleLine(
            name,
            "Standing agenda: matters arising, case tracker, new referrals, panel business, "
            "learning from the National Panel"
            if meetings.standing_agenda
            else "Agenda: new referrals only (no standing items)",
            meetings.source_of("standing_agenda"),
            "workflow.meetings.schedule (standing items)",
        ),
        RuleLine(
            name,
            "A member organisation not represented at "
            f"{meetings.escalate_non_attendance_after} meetings in a row is flagged to the chair"
            if meetings.escalate_non_attendance_after
            else "Non-attendance is not flagged",
            meetings.source_of("escalate_non_attendance_after"),
            "workflow.meetings.attendance.non_attendance",
        ),
    ]
    return out


def _referrer_rules(p: Partnership) -> list[RuleLine]:
    """Who may refer through the form, and the e-mail domains that need no confirmation."""
    applied = "workflow.referrals.start_draft; the referral log's confirmation"
    out = [
        RuleLine(
            "Referrers",
            "Professionals and practitioners at partner agencies may refer"
            + (
                ""
                if len(p.referrers.accepted) > 1
                else "; nobody else may refer through the form (they contact the business unit)"
            ),
            p.referrers.source_of("partner"),
            applied,
        )
    ]
    for kind in p.referrers.accepted:
        if kind == "partner":
            continue
        words = REFERRER_KIND_WORDS[kind]
        out.append(
            RuleLine(
                "Referrers",
                f"A referral by {words} is accepted: the referrer confirms an e-mail address "
                "with a code and the business unit confirms the referral",
                p.referrers.source_of(kind),
                applied,
            )
        )
    out.append(
        RuleLine(
            "Referrers",
            "An e-mail address at "
            + ", ".join(p.referrer_email_domains)
            + " (or a sub-domain) is a partner agency's: its referral needs no confirmation",
            LOCAL,
            "workflow.referrals.start_draft (Partnership.email_domain_allowed)",
        )
    )
    return out


def rule_lines(partnership: Partnership) -> list[RuleLine]:
    """Every rule of the partnership in the order a reader checks them."""
    p = partnership
    out = [
        RuleLine(
            "Contact",
            f"Referrals and papers: {p.secretariat_email}; {', '.join(p.address)}",
            p.contact.source,
            "letters, packs and pages",
        ),
    ]
    out += _referrer_rules(p)
    for org in p.organisations:
        bits = [org.name]
        if org.services:
            bits.append("represented by " + ", ".join(s.name for s in org.services))
        if org.statutory_partner:
            bits.append("statutory partner")
        out.append(
            RuleLine(
                "Organisations", "; ".join(bits), org.source, "workflow.quorum, workflow.votes"
            )
        )
    for panel in p.panels:
        out += _panel_rules(p, panel)
    for rt, fwd in p.forwarded.items():
        out.append(
            RuleLine(
                "Forwarded",
                f"{p.review_label(rt)} referrals are screened by {fwd.to}, "
                "not by a panel of the partnership; they are forwarded and tracked",
                fwd.source,
                "workflow.referrals.forward",
            )
        )
    for rt, steps in p.pathways.items():
        for step in steps:
            out.append(
                RuleLine(
                    "Pathways",
                    f"{p.review_label(rt)}: the rapid review is run by {step.run_by}; "
                    "the panel records its outcome",
                    step.source,
                    "workflow.screening.time_limit_for; referral page",
                )
            )
    for rt, board in p.boards.items():
        notify = f"; told: {', '.join(board.notify)}" if board.notify else ""
        out.append(
            RuleLine(
                "Decision-makers",
                f"{p.review_label(rt)}: the panel recommends to {board.name} "
                f"({board.chair_title}){notify}",
                board.source,
                "workflow.letters; ratification",
            )
        )
    limits = p.time_limits
    screening = "workflow.screening; workflow.working_days"
    clocks = "workflow.clocks (statutory clocks on the case tracker); workflow.working_days"
    # (words, what applies the rule); a statutory clock's line names workflow.clocks.
    words = {
        "screening_return_adult": ("agencies return screening information (adults) within {} working days", screening),
        "screening_return_dhr": ("agencies return screening information (domestic abuse related deaths) within {} working days", screening),
        "rapid_review_return": ("agencies return single agency reports for a rapid review within {} working days", screening),
        "rapid_review_meeting": ("the rapid review meeting is held within {} working days of the local authority becoming aware of the incident", clocks),
        "national_panel_notification": ("the rapid review goes to the National Panel within {} working days of the local authority becoming aware of the incident, whatever it recommends", clocks),
        "serious_incident_notification": ("the local authority notifies the National Panel of a serious incident within {} working days of becoming aware of it", clocks),
        "home_office_notification": (
            "the Home Office is told of the decision on a "
            + p.review_label("dhr")
            + ", review or not, within {} working days of the decision",
            clocks,
        ),
        "agency_link_grace": ("an agency's link stays open {} working days after its deadline", screening),
        "screening_reminder": ("agencies are reminded {} working days before their deadline", screening),
        "clock_reminder": ("the business unit is reminded of a statutory clock {} working days before it runs out, and when it is overdue", clocks),
    }
    for key, (text, applied_by) in words.items():
        if key in ("screening_return_dhr", "home_office_notification") and "dhr" in p.forwarded:
            continue
        # The rapid review meeting has a clock only where the partnership's documents set one
        # (Telford & Wrekin: 13 working days); Working Together sets no separate limit.
        if key == "rapid_review_meeting" and key not in limits.model_fields_set:
            continue
        line = text.format(getattr(limits, key))
        out.append(
            RuleLine(
                "Time limits",
                line[0].upper() + line[1:],
                limits.source_of(key),
                applied_by,
            )
        )
    return out
