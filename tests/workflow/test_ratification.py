"""The board's answer at ratification applies: a board's changed decision becomes the
decision, the panel's recommendation is kept in the history, and the case tracker, the
notifications, the letters and the annual review follow the decision in force.

The documents behind it:

- Walsall arrangements 6.3: "The final decision on whether to undertake a review will be
  made by the Executive Group."
- Wolverhampton arrangements for safeguarding children §7.5: "The decision whether or not
  to conduct a LSCPR will be taken by the Chair of the Executive Group in consultation with
  the other statutory partners."
- Redbridge One Panel guidance: "The Panel discusses the referrals and uses statutory
  criteria to make recommendations to the relevant board or partnership for ratification.
  The final decision is then made about what type of review will take place."
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, time, timedelta

import pytest
from docx import Document

from storage.db import Session
from storage.models import Decision, TrackedReview
from tests.factories import make_quorate, make_referral, received_on
from workflow import letters, meetings
from workflow.annual_review import annual_review, reporting_year_of
from workflow.decision_tools import recommendation_options
from workflow.meetings import MeetingError

WHEN = date(2026, 11, 12)  # the panel meets
BOARD_DAY = date(2026, 11, 20)  # the board decides
TODAY = date(2026, 12, 1)


def _text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join(parts)


def _decided(app, recommendation: str, index: int = 0, **referral_changes) -> Decision:  # type: ignore[no-untyped-def]
    """The panel's decision by consensus at a quorate meeting of ``WHEN``."""
    p = app.extensions["partnership"]
    meeting = make_quorate(p, meetings.schedule_meeting(when=WHEN, start_time=time(10, 0), location="Room 2"))
    referral = received_on(make_referral(app, index, **referral_changes), WHEN - timedelta(days=10))
    item = meetings.add_referral(meeting, referral, p)
    return meetings.record_decision(
        meeting, item, tool_answers={}, recommendation=recommendation, lead_process=None,
        methodology=None, rationale="The panel's reasons.", recorded_by_id=None, partnership=p,
    )


def _tracker_row(app, decision: Decision) -> dict[str, str]:  # type: ignore[no-untyped-def]
    data = meetings.tracker_csv(app.extensions["partnership"], TODAY).decode("utf-8-sig")
    [row] = [r for r in csv.DictReader(io.StringIO(data)) if r["Reference"] == decision.referral.reference]
    return row


def _letter(app, kind: str, decision: Decision) -> str:  # type: ignore[no-untyped-def]
    p = app.extensions["partnership"]
    return _text(letters.render_letter(kind, decision, decision.referral, p, sender_name="Sam Okafor"))


def test_walsall_executive_group_changes_a_statutory_sar_to_a_learning_review(app_factory) -> None:  # type: ignore[no-untyped-def]
    """Walsall arrangements 6.3: "The final decision on whether to undertake a review will be
    made by the Executive Group." The Executive Group decides a learning lessons review
    where the Practice Review Group recommended a statutory SAR: that is the decision."""
    app = app_factory(PARTNERSHIP="walsall")
    p = app.extensions["partnership"]
    labels = recommendation_options(p)
    decision = _decided(app, "statutory_sar")  # demo referral 0: an adult, SAR considered
    assert meetings.board_for(p, decision).name == "Walsall Safeguarding Executive Group"
    meetings.ratify(
        decision, "changed", by="Independent Chair", on=BOARD_DAY, changed_to="learning_lessons_review",
        note="A learning review reaches the learning sooner.", today=TODAY,
    )
    decision = Session.get(Decision, decision.id)
    # The decision is the Executive Group's; the panel's recommendation is kept.
    assert decision.recommendation == "learning_lessons_review"
    assert decision.ratified_recommendation == "learning_lessons_review"
    assert decision.panel_recommendation == "statutory_sar"
    assert meetings.put_to_board(decision) == "statutory_sar"
    [review] = Session.query(TrackedReview).filter_by(decision_id=decision.id).all()
    assert review.review_kind == "learning_lessons_review"

    history = (
        "Changed by Independent Chair on 20 November 2026 to Multi-agency learning lessons review "
        f"(the panel recommended {labels['statutory_sar']})"
    )
    # The tracker: the decision in force, and how it came about.
    row = _tracker_row(app, decision)
    assert row["Recommendation"] == labels["learning_lessons_review"]
    assert history in row["How decided"]
    assert (row["Ratification"], row["Ratified by"], row["Ratified on"]) == ("Changed", "Independent Chair", "2026-11-20")
    # In the words the letters and minutes use, the board is named.
    named = (
        "Changed by the Walsall Safeguarding Executive Group (Independent Chair) on 20 November 2026 to "
        f"Multi-agency learning lessons review (the panel recommended {labels['statutory_sar']})."
    )
    assert named in meetings.how_decided(decision, p)

    # The letters to the referrer and to the board state the decision in force and the change.
    change = (
        "the Walsall Safeguarding Executive Group (Independent Chair) changed the panel's recommendation "
        "of Statutory Safeguarding Adults Review to Local multi-agency learning lessons review on 20 November 2026"
    )
    referrer = _letter(app, "referrer", decision)
    assert "The Walsall Safeguarding Executive Group decided: Local multi-agency learning lessons review." in referrer
    assert "The panel recommends" not in referrer
    assert change[0].upper() + change[1:] + ": that is the decision." in referrer
    assert "A learning review reaches the learning sooner." in referrer
    board = _letter(app, "board_chair", decision)
    assert f"Local multi-agency learning lessons review ({change})" in board
    assert named in board

    # Notifications follow the decision in force (a SAR, statutory or not, needs none).
    assert meetings.notifications_for(decision) == []
    # The annual review counts the decision in force.
    review_year = annual_review(p, reporting_year_of(p, WHEN))
    counts = {c.label: c.count for c in review_year.outcomes}
    assert counts[labels["learning_lessons_review"]] == 1
    assert counts.get(labels["statutory_sar"], 0) == 0


def test_wolverhampton_executive_group_decides_no_cspr_and_the_notification_follows(app_factory) -> None:  # type: ignore[no-untyped-def]
    """Wolverhampton children's arrangements §7.5: "The decision whether or not to conduct a
    LSCPR will be taken by the Chair of the Executive Group in consultation with the other
    statutory partners." A CSPR changed to no review: the National Panel notification and
    its letter are those of the decision in force, as if it had been the panel's."""
    app = app_factory(PARTNERSHIP="wolverhampton")
    p = app.extensions["partnership"]
    changed = _decided(app, "statutory_cspr", 1)  # demo referral 1: a child, CSPR considered
    assert meetings.board_for(p, changed).name == "WST Executive Group"
    assert [n.key for n in meetings.notifications_for(changed)] == ["national_panel"]
    meetings.ratify(changed, "changed", by="Chair of the Executive Group", on=BOARD_DAY,
                    changed_to="no_further_action", today=TODAY)
    assert changed.recommendation == "no_further_action" and changed.panel_recommendation == "statutory_cspr"
    # No review is tracked once the decision is no review.
    assert Session.query(TrackedReview).filter_by(decision_id=changed.id).count() == 0
    # The same notifications, tracker cells and letters as a panel decision of no review.
    panel_nfa = _decided(app, "no_further_action", 1)
    assert [n.key for n in meetings.notifications_for(changed)] == [
        n.key for n in meetings.notifications_for(panel_nfa)
    ]
    row, same = _tracker_row(app, changed), _tracker_row(app, panel_nfa)
    assert row["National Panel notification"] == same["National Panel notification"]
    assert row["Recommendation"] == same["Recommendation"] == "No further action"
    assert "Changed by Chair of the Executive Group on 20 November 2026 to No further action" in row["How decided"]
    assert [x.kind for x in letters.letters_for(changed, changed.referral)] == [
        x.kind for x in letters.letters_for(panel_nfa, panel_nfa.referral)
    ]
    # The letter to the National Panel (for any child's case considered) states the decision in force.
    assert "No further action" in _letter(app, "national_panel", changed)
    assert "Local Child Safeguarding Practice Review" not in _letter(app, "national_panel", changed)


def test_a_board_that_decides_a_cspr_makes_the_national_panel_notification_due(app_factory) -> None:  # type: ignore[no-untyped-def]
    """The other way: the panel recommended a learning review on a child's case and the Chair
    of the Executive Group decided a local CSPR; the National Panel is to be told of it."""
    app = app_factory(PARTNERSHIP="wolverhampton")
    decision = _decided(app, "learning_lessons_review", 1)
    meetings.ratify(decision, "changed", by="Chair of the Executive Group", on=BOARD_DAY,
                    changed_to="statutory_cspr", today=TODAY)
    assert [n.key for n in meetings.notifications_for(decision)] == ["national_panel"]
    assert _tracker_row(app, decision)["National Panel notification"] == "Not done"
    assert "national_panel" in [x.kind for x in letters.letters_for(decision, decision.referral)]
    assert "Local Child Safeguarding Practice Review" in _letter(app, "national_panel", decision)
    # The notification may be recorded as for any CSPR.
    meetings.record_notification(decision, "national_panel", BOARD_DAY, today=TODAY)
    assert _tracker_row(app, decision)["National Panel notification"] == "2026-11-20"


def test_changed_needs_what_the_board_decided_instead_and_it_must_differ(app) -> None:  # type: ignore[no-untyped-def]
    """Redbridge: recommendations go "to the relevant board or partnership for ratification.
    The final decision is then made about what type of review will take place": a change
    says what was decided, and something other than what was put to the board."""
    decision = _decided(app, "statutory_sar")
    for changed_to, message in (
        (None, "Select what the board decided instead"),
        ("", "Select what the board decided instead"),
        ("a_review_of_our_own", "Select what the board decided instead from the list"),
        ("statutory_sar", r"The board decided what was put to it \(Statutory Safeguarding Adults Review\)"),
    ):
        with pytest.raises(MeetingError, match=message) as exc:
            meetings.ratify(decision, "changed", by="Independent Chair", on=BOARD_DAY, changed_to=changed_to, today=TODAY)
        assert exc.value.field == "changed_to"
    assert (decision.ratification, decision.recommendation, decision.panel_recommendation) == (None, "statutory_sar", None)
    # A change is recorded only with "changed": ratified keeps the panel's recommendation.
    meetings.ratify(decision, "ratified", by="Independent Chair", on=BOARD_DAY, changed_to="no_further_action", today=TODAY)
    assert (decision.recommendation, decision.ratified_recommendation) == ("statutory_sar", None)


def test_the_board_decides_on_or_after_the_panel_and_not_in_the_future(app) -> None:  # type: ignore[no-untyped-def]
    decision = _decided(app, "statutory_sar")
    with pytest.raises(MeetingError, match="on or after the date of the panel's decision, 12 November 2026") as exc:
        meetings.ratify(decision, "ratified", by="Independent Chair", on=WHEN - timedelta(days=1), today=TODAY)
    assert exc.value.field == "on"
    with pytest.raises(MeetingError, match="today or in the past"):
        meetings.ratify(decision, "ratified", by="Independent Chair", on=TODAY + timedelta(days=1), today=TODAY)
    with pytest.raises(MeetingError, match="Enter the date"):
        meetings.ratify(decision, "ratified", by="Independent Chair", on=None, today=TODAY)
    with pytest.raises(MeetingError, match="Enter who decided"):
        meetings.ratify(decision, "ratified", by=" ", on=WHEN, today=TODAY)
    meetings.ratify(decision, "ratified", by="Independent Chair", on=WHEN, today=TODAY)
    assert decision.ratified_at == WHEN


def test_referred_back_then_ratified(app) -> None:  # type: ignore[no-untyped-def]
    """Referred back, the recommendation stays with the panel (the tracker says so); the
    panel may vote again, and the board's answer is recorded again afterwards."""
    p = app.extensions["partnership"]
    decision = _decided(app, "statutory_sar")
    meetings.ratify(decision, "referred_back", by="Independent Chair", on=BOARD_DAY,
                    note="More on the hospital discharge, please.", today=TODAY)
    assert (decision.ratification, decision.recommendation, decision.panel_recommendation) == (
        "referred_back", "statutory_sar", None
    )
    row = _tracker_row(app, decision)
    assert row["Ratification"] == "Referred back to the panel"
    assert "Referred back to the panel by Independent Chair on 20 November 2026" in row["How decided"]
    assert "we will write to you again when the decision is made" in _letter(app, "referrer", decision)
    # The panel reconsiders: its votes may change its recommendation while it is referred back.
    meetings.record_votes(p, decision, [("lbr-asc", "A", "discretionary_sar"), ("nel-ics", "B", "discretionary_sar")])
    assert decision.recommendation == "discretionary_sar"
    meetings.ratify(decision, "ratified", by="Independent Chair", on=BOARD_DAY + timedelta(days=7), today=TODAY)
    assert (decision.ratification, decision.recommendation, decision.ratified_at) == (
        "ratified", "discretionary_sar", date(2026, 11, 27)
    )
    row = _tracker_row(app, decision)
    assert (row["Ratification"], row["Recommendation"]) == ("Ratified", "Discretionary (non-statutory) Safeguarding Adults Review")
    assert "Referred back" not in row["How decided"]
    # Once the board has answered, the panel's votes no longer change the decision.
    with pytest.raises(MeetingError, match="The board has given its decision"):
        meetings.record_votes(p, decision, [("lbr-asc", "A", "no_further_action")])


def test_a_change_recorded_again_as_ratified_is_undone(app) -> None:  # type: ignore[no-untyped-def]
    """Recording the board's answer again replaces the earlier one: a change it no longer
    makes gives the panel's recommendation back, and the tracker follows."""
    decision = _decided(app, "statutory_sar")
    meetings.ratify(decision, "changed", by="Independent Chair", on=BOARD_DAY, changed_to="no_further_action", today=TODAY)
    assert Session.query(TrackedReview).filter_by(decision_id=decision.id).count() == 0
    # Changed again, to something else: the panel's recommendation is still the one kept.
    meetings.ratify(decision, "changed", by="Independent Chair", on=BOARD_DAY, changed_to="discretionary_sar", today=TODAY)
    assert (decision.recommendation, decision.panel_recommendation) == ("discretionary_sar", "statutory_sar")
    meetings.ratify(decision, "ratified", by="Independent Chair", on=BOARD_DAY, today=TODAY)
    assert (decision.recommendation, decision.panel_recommendation, decision.ratified_recommendation) == (
        "statutory_sar", None, None
    )
    [review] = Session.query(TrackedReview).filter_by(decision_id=decision.id).all()
    assert review.review_kind == "statutory_sar"


def test_a_board_changes_what_an_escalation_decided_and_the_panel_recommendation_is_kept(app) -> None:  # type: ignore[no-untyped-def]
    """Redbridge §6: a disagreement goes "to the statutory safeguarding partners for their
    final decision"; the board then ratifies what was decided. Its change is from the
    partners' decision; the panel's own recommendation stays in the history."""
    p = app.extensions["partnership"]
    decision = _decided(app, "statutory_sar")
    meetings.record_votes(
        p, decision,
        [("lbr-asc", "A", "statutory_sar"), ("nel-ics", "B", "statutory_sar"), ("mps-ea", "C", "learning_lessons_review")],
    )
    assert decision.escalated
    with pytest.raises(MeetingError, match="record its outcome before the board's ratification"):
        meetings.ratify(decision, "ratified", by="Independent Chair", on=BOARD_DAY, today=TODAY)
    meetings.resolve_escalation(
        decision, outcome="learning_lessons_review", decided_by="The statutory partners", decided_on=BOARD_DAY,
        when=datetime(2026, 11, 21, tzinfo=UTC),
    )
    with pytest.raises(MeetingError, match="what was put to it"):
        meetings.ratify(decision, "changed", by="Independent Chair", on=BOARD_DAY,
                        changed_to="learning_lessons_review", today=TODAY)
    meetings.ratify(decision, "changed", by="Independent Chair", on=BOARD_DAY, changed_to="discretionary_sar", today=TODAY)
    assert (decision.recommendation, decision.panel_recommendation, decision.escalation_outcome) == (
        "discretionary_sar", "statutory_sar", "learning_lessons_review"
    )
    assert meetings.put_to_board(decision) == "learning_lessons_review"
    text = meetings.how_decided(decision, p)
    assert "the panel had recommended Statutory Safeguarding Adults Review" in text
    assert (
        "to Discretionary (non-statutory) Safeguarding Adults Review (it was asked to ratify Multi-agency "
        "learning lessons review, decided on the escalation)"
    ) in text
    assert "of Local multi-agency learning lessons review to Discretionary" in _letter(app, "board_chair", decision)


def test_a_change_recorded_before_the_board_decision_was_kept_still_reads(app) -> None:  # type: ignore[no-untyped-def]
    """Decisions marked "changed" before this release have no record of what the board
    decided instead: their history says so, and the panel's recommendation stands."""
    decision = _decided(app, "statutory_sar")
    decision.ratification, decision.ratified_by, decision.ratified_at = "changed", "Independent Chair", BOARD_DAY
    Session.commit()
    assert meetings.put_to_board(decision) == "statutory_sar"
    assert "(what it decided instead was not recorded)" in _tracker_row(app, decision)["How decided"]


def test_migration_0012_adds_and_removes_the_board_decision(app, blank_database) -> None:  # type: ignore[no-untyped-def]
    """On a fresh database of the backend under test: up to 0011, then 0012, down, up."""
    from sqlalchemy import inspect

    from storage import migrate

    engine = blank_database

    def columns() -> set[str]:
        return {c["name"] for c in inspect(engine).get_columns("decisions")}

    migrate.upgrade(engine, "0011")
    assert "ratified_recommendation" not in columns()
    migrate.upgrade(engine, "0012")
    assert "ratified_recommendation" in columns()
    migrate.downgrade(engine, "0011")
    assert "ratified_recommendation" not in columns()
    migrate.upgrade(engine, "head")
    assert "ratified_recommendation" in columns()
