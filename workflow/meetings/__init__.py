"""Meetings of the panel, in plain Python: scheduling, agenda, attendance and quoracy,
declarations of interest, decisions and votes, ratification, the case tracker, the
decision and action log, and the agenda and draft minutes as Word documents.

The rules themselves live beside this package and are only called from here:
``workflow.quorum`` (who must be present), ``workflow.votes`` (one vote per agency, the
chair's casting vote), ``workflow.decision_tools`` (the review criteria),
``workflow.methodologies`` (Appendix D) and ``workflow.conflicts`` (what a ruling on a
declaration of interest allows). Everything that differs between partnerships comes from
the :class:`~partnerships.Partnership` given.

One module per concern:

- ``schedule``: the standing agenda, dates and deadlines, invitations, the agenda, papers;
- ``attendance``: attendance, quoracy, the chair's choice when not quorate, non-attendance;
- ``declarations``: declarations of interest and the chair's rulings;
- ``decisions``: decision tools, decisions, the voting roll and votes, escalation;
- ``ratification``: virtual and board ratification, notifications after the decision;
- ``tracker``: the case tracker, actions, tracked reviews, CSV and XLSX export;
- ``documents``: the agenda and draft minutes as Word documents;
- ``common``: ``MeetingError``.

This module re-exports the names the rest of the service uses, so ``from workflow import
meetings`` keeps working; code that needs one concern may import its module directly.
"""

from partnerships.model import FREQUENCY_WORDS
from workflow.meetings.attendance import (
    ATTENDANCE_ROLES,
    ATTENDANCE_STATUSES,
    NOT_QUORATE_CHOICES,
    add_attendee,
    attendance_recorded,
    choose_when_not_quorate,
    non_attendance,
    not_quorate_options,
    quoracy,
    record_attendance,
)
from workflow.meetings.common import MeetingError
from workflow.meetings.decisions import (
    DecisionGate,
    ToolRouting,
    decision_gate,
    decisions_for,
    evaluate_tools,
    how_decided,
    lead_suggestion,
    methodology_options,
    recommendations,
    record_decision,
    record_votes,
    resolve_escalation,
    suggested_lead,
    tool_routing,
    tools_for,
    visible_questions,
    voting_roll,
)
from workflow.meetings.declarations import (
    agenda_item_choices,
    declarations_for,
    declare_interest,
    rule_on_declaration,
    ruling_labels,
    unruled_declarations,
    withdrawn_items,
)
from workflow.meetings.documents import (
    agenda_context,
    minutes_context,
    render_agenda,
    render_minutes,
)
from workflow.meetings.ratification import (
    NOTIFICATIONS,
    RATIFICATIONS,
    board_answer,
    board_for,
    decision_date,
    mark_ratified,
    notification_status,
    notifications_for,
    put_to_board,
    ratifications,
    ratify,
    record_notification,
)
from workflow.meetings.schedule import (
    AGENDA_READY_STATUSES,
    MEETING_KINDS,
    THINK_FAMILY,
    add_item,
    add_referral,
    agenda_numbers,
    circulate_papers,
    deadlines,
    is_invited,
    last_meeting_date,
    meeting_panel,
    ordered_items,
    panel_invitees,
    referrals_ready_for_agenda,
    schedule_meeting,
    screened_by,
    standing_items,
    suggest_dates,
    tracked_referrals,
)
from workflow.meetings.tracker import (
    DATED_STAGES,
    EVIDENCE_MAX,
    REVIEW_STAGES,
    TRACKER_COLUMNS,
    add_action,
    add_evidence,
    can_decline,
    complete_action,
    decision_flags,
    decline_review,
    is_overdue,
    panel_actions,
    tracker,
    tracker_csv,
    tracker_table,
    tracker_xlsx,
    update_review,
)

__all__ = [
    "screened_by",
    "add_attendee",
    "decision_flags",
    "how_decided",
    "FREQUENCY_WORDS",
    "meeting_panel",
    "standing_items",
    "decision_gate",
    "DecisionGate",
    "ToolRouting",
    "unruled_declarations",
    "AGENDA_READY_STATUSES",
    "ATTENDANCE_ROLES",
    "ATTENDANCE_STATUSES",
    "DATED_STAGES",
    "EVIDENCE_MAX",
    "MEETING_KINDS",
    "NOTIFICATIONS",
    "NOT_QUORATE_CHOICES",
    "RATIFICATIONS",
    "REVIEW_STAGES",
    "THINK_FAMILY",
    "TRACKER_COLUMNS",
    "MeetingError",
    "add_action",
    "add_evidence",
    "add_item",
    "add_referral",
    "agenda_context",
    "agenda_item_choices",
    "agenda_numbers",
    "attendance_recorded",
    "board_answer",
    "board_for",
    "can_decline",
    "choose_when_not_quorate",
    "circulate_papers",
    "complete_action",
    "deadlines",
    "decision_date",
    "decisions_for",
    "declarations_for",
    "declare_interest",
    "decline_review",
    "evaluate_tools",
    "is_invited",
    "is_overdue",
    "last_meeting_date",
    "lead_suggestion",
    "mark_ratified",
    "methodology_options",
    "minutes_context",
    "non_attendance",
    "not_quorate_options",
    "notification_status",
    "notifications_for",
    "ordered_items",
    "panel_actions",
    "panel_invitees",
    "quoracy",
    "put_to_board",
    "ratifications",
    "ratify",
    "recommendations",
    "record_attendance",
    "record_decision",
    "record_notification",
    "record_votes",
    "referrals_ready_for_agenda",
    "render_agenda",
    "render_minutes",
    "resolve_escalation",
    "rule_on_declaration",
    "ruling_labels",
    "schedule_meeting",
    "suggest_dates",
    "suggested_lead",
    "tool_routing",
    "tools_for",
    "tracked_referrals",
    "tracker",
    "tracker_csv",
    "tracker_table",
    "tracker_xlsx",
    "update_review",
    "visible_questions",
    "voting_roll",
    "withdrawn_items",
]
