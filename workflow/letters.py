"""Outcome letters after the panel's decision (DOMAIN §8), rendered from the Word templates.

To the referrer; to the chair of the board that ratifies; for a domestic homicide the
Community Safety Partnership's notification to the Home Office (whether or not a review is
held); for a child's case the notification to the National Child Safeguarding Practice
Review Panel with copies to the DfE and Ofsted. The letterhead comes from the partnership's
configuration.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from document_templates.contexts import CONTRACTS
from document_templates.render import render_docx
from partnerships import Partnership
from storage.models import Decision, Referral
from workflow.letterhead import letterhead
from workflow.meetings.decisions import how_decided
from workflow.meetings.ratification import put_to_board
from workflow.meetings.schedule import meeting_panel
from workflow.referral_answers import incident_day, incident_text, iso_date, years_between

TEMPLATES = Path(__file__).resolve().parents[1] / "document_templates" / "templates"

RECOMMENDATION_LABELS = {
    "statutory_sar": "Statutory Safeguarding Adults Review",
    "statutory_cspr": "Local Child Safeguarding Practice Review",
    "statutory_dhr": "Domestic Homicide Review",
    "discretionary_sar": "Discretionary (non-statutory) Safeguarding Adults Review",
    "learning_lessons_review": "Local multi-agency learning lessons review",
    "single_agency_review": "Single agency review",
    "no_further_action": "No further action",
}
STATUTORY_BASIS = {
    "sar": "Care Act 2014, section 44",
    "cspr": "Children Act 2004, section 16F; Working Together to Safeguard Children, chapter 4",
    "dhr": "Domestic Violence, Crime and Victims Act 2004, section 9",
}
HOME_OFFICE = {
    "name": "Domestic Homicide Review Team",
    "role": "Interpersonal Abuse Unit",
    "organisation": "Home Office",
    "address": "2 Marsham Street\nLondon SW1P 4DF",
    "salutation": "Colleagues",
}
NATIONAL_PANEL = {
    "name": "The Chair",
    "role": "Child Safeguarding Practice Review Panel",
    "organisation": "National Child Safeguarding Practice Review Panel",
    "address": "Sanctuary Buildings\nGreat Smith Street\nLondon SW1P 3BT",
    "salutation": "Chair",
}


@dataclass(frozen=True)
class Letter:
    kind: str  # referrer | board_chair | home_office | national_panel
    title: str
    template: str


LETTERS = {
    "referrer": Letter("referrer", "Outcome letter to the referrer", "outcome_referrer.docx"),
    "board_chair": Letter("board_chair", "Letter to the board chair for ratification", "outcome_board_chair.docx"),
    "home_office": Letter("home_office", "Notification to the Home Office", "home_office_dhr_notification.docx"),
    "national_panel": Letter(
        "national_panel", "Notification to the National Panel (copies to DfE and Ofsted)",
        "national_panel_cspr_notification.docx",
    ),
}


def _d(value: Any) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    return f"{value.day} {value:%B %Y}"


def review_type_of(decision: Decision, referral: Referral, recommendation: str | None = None) -> str:
    """The review type whose board ratifies: from the recommendation (the decision's, or
    ``recommendation``), else what was referred."""
    recommendation = recommendation or decision.recommendation
    for kind in ("dhr", "cspr", "sar"):
        if kind in recommendation:
            return kind
    for kind in ("dhr", "cspr", "sar"):
        if kind in (referral.review_types or []):
            return kind
    return "sar"


def letters_for(decision: Decision, referral: Referral) -> list[Letter]:
    """Which letters a decision needs."""
    out = [LETTERS["referrer"], LETTERS["board_chair"]]
    kinds = set(referral.review_types or []) | {review_type_of(decision, referral)}
    if "dhr" in kinds:
        out.append(LETTERS["home_office"])
    if "cspr" in kinds:
        out.append(LETTERS["national_panel"])
    return out


def _letterhead(partnership: Partnership, sender_name: str, panel_name: str) -> dict[str, Any]:
    return {
        **letterhead(partnership, panel_name),
        "sender": {
            "name": sender_name,
            "role": "Partnership Business Unit",
            "email": str(partnership.secretariat_email),
            "telephone": "",
        },
        "letter_date": _d(date.today()),
    }


def _process_label(process: str, partnership: Partnership) -> str:
    if process in ("sar", "cspr", "dhr"):
        return f"The {partnership.review_label(process)} leads"
    return RECOMMENDATION_LABELS.get(process, process.replace("_", " "))


def _age(answers: dict[str, Any]) -> str:
    """The subject's age at the incident or death (the end of the period, when a period was
    given; today, when not known): from the date of birth, else the age or approximate age
    the referrer gave ("about 80")."""
    born = iso_date(answers.get("subject_date_of_birth"))
    if born is None:
        return str(answers.get("subject_age") or "")
    on_d = incident_day(answers) or date.today()
    years = years_between(born, on_d)
    if years >= 1:
        return str(years)
    months = (on_d.year - born.year) * 12 + on_d.month - born.month
    return f"{max(months, 0)} months"


def context_for(
    kind: str, decision: Decision, referral: Referral, partnership: Partnership, *, sender_name: str
) -> dict[str, Any]:
    """The template context for one letter; it provides exactly the template's variables."""
    a = referral.answers or {}
    review = review_type_of(decision, referral)
    # The board the recommendation went to (a change it made may be of another review type).
    board = board_for_review(partnership, review_type_of(decision, referral, put_to_board(decision)))
    subject = " ".join(x for x in (a.get("subject_first_name"), a.get("subject_last_name")) if x)
    meeting_date = _d(decision.meeting.date) if decision.meeting else _d(decision.recorded_at)
    recommendation = recommendation_text(decision, partnership)
    # The panel that decided: the meeting's, or (a decision without a meeting) the panel
    # that screens the review type.
    panel = (
        meeting_panel(partnership, decision.meeting)
        if decision.meeting is not None
        else partnership.panel_for(review) or partnership.default_panel
    )
    base = {**_letterhead(partnership, sender_name, panel.name), "reference": referral.reference}
    if kind == "referrer":
        name = a.get("referrer_name") or referral.referrer_name or "Referrer"
        ctx = {
            **base,
            "recipient": {
                "name": name,
                "role": a.get("referrer_role", ""),
                "organisation": a.get("referrer_agency", ""),
                "address": referral.referrer_email,
                "salutation": name,
            },
            "referral_date": _d(a.get("referral_date") or referral.received_at),
            "subject_name": subject,
            "meeting_date": meeting_date,
            "decision": (
                f"The {board.name} decided: {recommendation}. {how_decided(decision, partnership)}"
                if decision.ratification == "changed"
                else f"The panel recommends: {recommendation}. {how_decided(decision, partnership)}"
            ),
            "rationale": decision.rationale,
            "next_steps": [
                _board_step(decision, board, partnership),
                "The business unit will write to the agencies involved.",
                "We will contact you if you are asked to take part in the review or a learning event.",
            ],
        }
    elif kind == "board_chair":
        ctx = {
            **base,
            "recipient": {
                "name": board.chair_title,
                "role": board.chair_title,
                "organisation": board.name,
                "address": "\n".join(board.address or partnership.address),
                "salutation": board.chair_title,
            },
            "board_name": board.name,
            "subject_name": subject,
            "meeting_date": meeting_date,
            "quoracy_statement": how_decided(decision, partnership),
            # The decision in force: after a board's change, what it decided, with what the
            # panel recommended, when and by whom.
            "recommendation": (
                f"{recommendation} ({_board_change(decision, board, partnership)})"
                if decision.ratification == "changed"
                else recommendation
            ),
            "review_type_label": partnership.review_label(review),
            "statutory_basis": STATUTORY_BASIS[review],
            "methodology": (decision.methodology or "To be agreed").replace("_", " "),
            "lead_process": _process_label(decision.lead_process or review, partnership),
            "rationale": decision.rationale,
            "methodology_reason": decision.rationale,
            "ratification_due_date": "",
        }
    elif kind == "home_office":
        hold = decision.recommendation == "statutory_dhr"
        ctx = {
            **base,
            "dhr_label": partnership.review_label("dhr"),
            "recipient": HOME_OFFICE,
            "csp_name": board_for_review(partnership, "dhr").name,
            "victim_pseudonym": a.get("subject_first_name", ""),
            "victim_age": _age(a),
            "date_of_death": incident_text(a),
            "csp_notified_date": _d(referral.received_at),
            "decision_date": meeting_date,
            "decision": "To hold a review" if hold else "Not to hold a review",
            "decision_to_hold": hold,
            "independent_chair": "To be appointed" if hold else "",
            "rationale": decision.rationale,
        }
    elif kind == "national_panel":
        ctx = {
            **base,
            "recipient": NATIONAL_PANEL,
            "local_authority": partnership.short_name,
            "child_pseudonym": f"Child {(a.get('subject_first_name') or 'A')[0]}",
            "child_age": _age(a),
            "incident_date": incident_text(a),
            "notification_date": _d(referral.received_at),
            "rapid_review_date": meeting_date,
            "decision": recommendation,
            "methodology": (decision.methodology or "To be agreed").replace("_", " "),
            "rationale": decision.rationale,
            "safeguarding_partners": [a_.name for a_ in partnership.statutory_partners],
            "copies_to": ["Department for Education", "Ofsted"],
        }
    else:
        raise KeyError(kind)
    template = LETTERS[kind].template
    missing = CONTRACTS[template] - set(ctx)
    if missing:  # a template needs something this module does not provide
        raise KeyError(f"{template}: no value for {', '.join(sorted(missing))}")
    return ctx


def board_for_review(partnership: Partnership, review: str) -> Any:
    """The body the panel recommends to for a review type; for a type the partnership
    forwards (e.g. a DARDR to its Community Safety Partnership), that body."""
    from partnerships.model import Board

    if review in partnership.boards:
        return partnership.boards[review]  # type: ignore[index]
    forwarded = partnership.forwarded.get(review)  # type: ignore[call-overload]
    if forwarded is not None:
        return Board(name=forwarded.to, chair_title="Chair")
    return next(iter(partnership.boards.values()))


def recommendation_text(decision: Decision, partnership: Partnership) -> str:
    """The decision in force, in words: the panel's recommendation, or what the body that
    decided instead (an escalation, the board at ratification) decided."""
    return _label(decision.recommendation, partnership)


def _label(recommendation: str, partnership: Partnership) -> str:
    if recommendation == "statutory_dhr":
        return partnership.review_label("dhr")
    return RECOMMENDATION_LABELS.get(recommendation, recommendation.replace("_", " "))


def _board_change(decision: Decision, board: Any, partnership: Partnership) -> str:
    """What the board changed: from what to what, when and by whom."""
    on = f" on {_d(decision.ratified_at)}" if decision.ratified_at else ""
    return (
        f"the {board.name} ({decision.ratified_by}) changed the panel's recommendation of "
        f"{_label(put_to_board(decision), partnership)} to {_label(decision.recommendation, partnership)}{on}"
    )


def _board_step(decision: Decision, board: Any, partnership: Partnership) -> str:
    """The board's part in what happens next: awaited, or what it decided and when."""
    on = f" on {_d(decision.ratified_at)}" if decision.ratified_at else ""
    if decision.ratification == "ratified":
        return f"The {board.name} ratified the recommendation{on}."
    if decision.ratification == "changed":
        change = _board_change(decision, board, partnership)
        reasons = f" Its reasons: {decision.ratification_note}" if decision.ratification_note else ""
        return f"{change[0].upper()}{change[1:]}: that is the decision.{reasons}"
    if decision.ratification == "referred_back":
        return (
            f"The {board.name} referred the recommendation back to the panel{on}; we will write "
            "to you again when the decision is made."
        )
    return f"The recommendation goes to the {board.chair_title} of the {board.name} for agreement."


def render_letter(
    kind: str,
    decision: Decision,
    referral: Referral,
    partnership: Partnership,
    *,
    sender_name: str,
    store: Any = None,
) -> bytes:
    """The letter as .docx, from the live template version (or the shipped one)."""
    from workflow.template_versions import template_bytes

    name = LETTERS[kind].template
    template = template_bytes(name, store) if store is not None else TEMPLATES / name
    return render_docx(template, context_for(kind, decision, referral, partnership, sender_name=sender_name))
