"""Outcome letters: the right letters for each decision, to the right people, with the facts."""

from __future__ import annotations

import io

import pytest
from docx import Document

from storage.db import Session
from storage.models import Decision
from tests.factories import make_referral
from workflow import letters


def _text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for r in t.rows for c in r.cells]
    for s in doc.sections:
        parts += [p.text for p in s.header.paragraphs] + [p.text for p in s.footer.paragraphs]
    return "\n".join(parts)


def _decision(app, index: int, recommendation: str) -> Decision:  # type: ignore[no-untyped-def]
    referral = make_referral(app, index=index)
    decision = Decision(
        referral_id=referral.id,
        recommendation=recommendation,
        methodology="reflective_learning_session",
        rationale="Criteria met & concerns about <how> agencies worked together.",
    )
    Session.add(decision)
    Session.commit()
    return decision


@pytest.mark.parametrize(
    "index,recommendation,kinds",
    [
        (0, "statutory_sar", ["referrer", "board_chair"]),
        (0, "no_further_action", ["referrer", "board_chair"]),
        (1, "statutory_cspr", ["referrer", "board_chair", "national_panel"]),
        (2, "statutory_dhr", ["referrer", "board_chair", "home_office"]),
        (2, "no_further_action", ["referrer", "board_chair", "home_office"]),
    ],
)
def test_each_decision_gets_its_letters_to_the_right_recipients(app, index, recommendation, kinds) -> None:  # type: ignore[no-untyped-def]
    decision = _decision(app, index, recommendation)
    partnership = app.extensions["partnership"]
    wanted = letters.letters_for(decision, decision.referral)
    assert [w.kind for w in wanted] == kinds
    for kind in kinds:
        text = _text(letters.render_letter(kind, decision, decision.referral, partnership, sender_name="Sam Okafor"))
        assert decision.referral.reference in text
        assert "Redbridge Safeguarding Partnerships" in text
        assert "In confidence, not for publication or dissemination" in text
        assert "Criteria met & concerns about <how> agencies worked together." in text
        if kind == "referrer":
            assert decision.referral.answers["referrer_name"] in text
        if kind == "board_chair":
            board = partnership.boards[letters.review_type_of(decision, decision.referral)]
            assert board.name in text
        if kind in ("referrer", "board_chair"):
            # How the panel decided (no meeting here: the chair's route, by consensus).
            assert "The panel agreed by consensus." in text
        if kind == "home_office":
            assert "Home Office" in text
            expected = "To hold a review" if recommendation == "statutory_dhr" else "Not to hold a review"
            assert expected in text
        if kind == "national_panel":
            assert "Ofsted" in text and "Department for Education" in text


def test_letters_are_downloaded_by_the_secretariat_only(app, staff) -> None:  # type: ignore[no-untyped-def]
    from tests.helpers import Client

    decision = _decision(app, 2, "statutory_dhr")
    client = Client(app)
    client.sign_in(staff["secretariat"].email)
    page = client.get(f"/secretariat/decisions/{decision.id}/letters").get_data(as_text=True)
    assert "Notification to the Home Office" in page
    response = client.get(f"/secretariat/decisions/{decision.id}/letters/home_office.docx")
    assert "Home Office" in _text(response.data)
    client.get(f"/secretariat/decisions/{decision.id}/letters/national_panel.docx", status=404)


def test_letters_say_what_is_not_known_of_the_incident_and_the_age(app) -> None:  # type: ignore[no-untyped-def]
    """Referral form version 2: an incident over a period or at an unknown time, and an
    approximate age instead of a date of birth, reach the letters as the referrer gave them."""
    partnership = app.extensions["partnership"]
    period = make_referral(
        app, 2, incident_date=None, incident_date_known="period",
        incident_period_from="2025-01-01", incident_period_to="2025-03-31",
        subject_date_of_birth="1992-06-01",
    )
    decision = Decision(referral_id=period.id, recommendation="statutory_dhr", rationale="Met.")
    Session.add(decision)
    Session.commit()
    ctx = letters.context_for("home_office", decision, period, partnership, sender_name="S")
    assert ctx["date_of_death"] == "Between 1 January 2025 and 31 March 2025"
    assert ctx["victim_age"] == "32"  # at the end of the period

    unknown = make_referral(
        app, 1, incident_date=None, incident_date_known="not_known",
        subject_date_of_birth=None, subject_date_of_birth_known="not_known", subject_age="about 2",
    )
    decision = Decision(referral_id=unknown.id, recommendation="statutory_cspr", rationale="Met.")
    Session.add(decision)
    Session.commit()
    ctx = letters.context_for("national_panel", decision, unknown, partnership, sender_name="S")
    assert ctx["incident_date"] == "Not known"
    assert ctx["child_age"] == "about 2"
