"""Statutory clocks (``workflow.clocks``), each test citing the words it rests on.

Working Together to Safeguard Children 2023, chapter 5: the local authority notifies the
National Panel "within 5 working days of becoming aware that the incident has occurred";
the rapid review goes to the National Panel "within 15 working days of becoming aware of
the incident", whatever it recommends (DOMAIN §11). Telford & Wrekin: "a rapid review
meeting which will be held within 13 working days and the National Panel will be notified
within 15 working days". Redbridge: "Day 15 final report sent to national CSPR Panel".

Every expected date below is counted by hand, day by day, in a comment; working days
exclude weekends and England & Wales bank holidays.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from partnerships import load_partnership
from partnerships.model import LOCAL, Source
from partnerships.rules import rule_lines
from storage.db import Session
from storage.models import ClockReminder, Decision, Referral
from tests.factories import make_referral, received_on
from workflow import clocks, meetings, referrals
from workflow.clocks import (
    HOME_OFFICE,
    RAPID_REVIEW,
    RAPID_REVIEW_MEETING,
    SERIOUS_INCIDENT,
    ClockError,
)
from workflow.referrals import ReferralError

PARTNERSHIPS = ("redbridge", "telford-wrekin", "walsall", "wolverhampton")
WT_5_DAYS = "within 5 working days of becoming aware that the incident has occurred"
WT_15_DAYS = "within 15 working days of becoming aware of the incident"
TELFORD_13 = "a rapid review meeting which will be held within 13 working days"
TELFORD_15 = "the National Panel will be notified within 15 working days"
REDBRIDGE_DAY_15 = "Day 15 final report sent to national CSPR Panel"


def _child(aware: date | None = None, **dates: date) -> Referral:
    """A referral considered for a CSPR, not stored (the clocks need no database)."""
    return Referral(reference="T-2023-0001", review_types=["cspr"], answers={}, la_aware_on=aware, **dates)


def _words(source: object) -> str:
    assert isinstance(source, Source), source
    return source.words


def _by_key(found: list[clocks.Clock]) -> dict[str, clocks.Clock]:
    return {c.key: c for c in found}


# -- the clocks across bank holidays, for each partnership -----------------------------------------


@pytest.mark.parametrize("slug", PARTNERSHIPS)
def test_child_clocks_across_christmas_2023_for_each_partnership(slug: str) -> None:
    """Aware on Friday 22 December 2023. Counting working days after it: Sat 23, Sun 24,
    Mon 25 (Christmas Day) and Tue 26 (Boxing Day) do not count; Wed 27 (1), Thu 28 (2),
    Fri 29 (3); Sat 30, Sun 31, Mon 1 January 2024 (New Year's Day) do not count; Tue 2 (4),
    Wed 3 (5): the National Panel is notified by 3 January 2024 ("within 5 working days
    of becoming aware that the incident has occurred"). Thu 4 (6), Fri 5 (7), Mon 8 (8),
    Tue 9 (9), Wed 10 (10), Thu 11 (11), Fri 12 (12), Mon 15 (13): Telford's meeting by
    15 January 2024. Tue 16 (14), Wed 17 (15): the rapid review by 17 January 2024."""
    p = load_partnership(slug)
    found = _by_key(clocks.clocks_for(p, _child(date(2023, 12, 22))))
    assert found[SERIOUS_INCIDENT].due_on == date(2024, 1, 3)
    assert found[RAPID_REVIEW].due_on == date(2024, 1, 17)
    if slug == "telford-wrekin":
        assert list(found) == [SERIOUS_INCIDENT, RAPID_REVIEW_MEETING, RAPID_REVIEW]
        assert found[RAPID_REVIEW_MEETING].due_on == date(2024, 1, 15)
    else:
        # Only Telford & Wrekin's documents set a limit for the rapid review meeting.
        assert list(found) == [SERIOUS_INCIDENT, RAPID_REVIEW]
    assert all(c.started_on == date(2023, 12, 22) and not c.done for c in found.values())


@pytest.mark.parametrize("slug", PARTNERSHIPS)
def test_child_clocks_across_easter_and_the_early_may_bank_holiday_2025(slug: str) -> None:
    """Aware on Thursday 17 April 2025. Good Friday 18 April, Sat 19, Sun 20 and Easter
    Monday 21 April do not count; Tue 22 (1), Wed 23 (2), Thu 24 (3), Fri 25 (4), Mon 28
    (5): notification by 28 April 2025. Tue 29 (6), Wed 30 (7), Thu 1 May (8), Fri 2 May
    (9); Mon 5 May (early May bank holiday) does not count; Tue 6 (10), Wed 7 (11), Thu 8
    (12), Fri 9 (13): Telford's meeting by 9 May 2025. Mon 12 (14), Tue 13 (15): the rapid
    review by 13 May 2025."""
    p = load_partnership(slug)
    found = _by_key(clocks.clocks_for(p, _child(date(2025, 4, 17))))
    assert found[SERIOUS_INCIDENT].due_on == date(2025, 4, 28)
    assert found[RAPID_REVIEW].due_on == date(2025, 5, 13)
    assert (found.get(RAPID_REVIEW_MEETING) is not None) == (slug == "telford-wrekin")
    if slug == "telford-wrekin":
        assert found[RAPID_REVIEW_MEETING].due_on == date(2025, 5, 9)


@pytest.mark.parametrize("slug", PARTNERSHIPS)
def test_each_clock_carries_the_source_of_its_limit(slug: str) -> None:
    """The serious incident clock rests on Working Together 2023 ch. 5 everywhere (no
    partnership's file sets it); the rapid review clock on the partnership's own words
    where it has them (Redbridge: "Day 15 final report sent to national CSPR Panel";
    Telford & Wrekin: "the National Panel will be notified within 15 working days"), else
    on Working Together ("within 15 working days of becoming aware of the incident")."""
    p = load_partnership(slug)
    found = _by_key(clocks.clocks_for(p, _child(date(2025, 4, 17))))
    serious = found[SERIOUS_INCIDENT].source
    assert _words(serious) == WT_5_DAYS and serious.document == "working-together-2023"
    rapid = _words(found[RAPID_REVIEW].source)
    expected = {"redbridge": REDBRIDGE_DAY_15, "telford-wrekin": TELFORD_15}.get(slug, WT_15_DAYS)
    assert expected in rapid
    assert (found[SERIOUS_INCIDENT].working_days, found[RAPID_REVIEW].working_days) == (5, 15)
    if slug == "telford-wrekin":
        assert TELFORD_13 in _words(found[RAPID_REVIEW_MEETING].source)
        assert found[RAPID_REVIEW_MEETING].working_days == 13


def test_redbridge_rapid_review_is_run_by_the_rscp_and_its_clock_still_applies() -> None:
    """Redbridge Appendix A: the rapid review "occurs outside of the One Panel"; DOMAIN §11:
    "the 15-working-day clock and the National Panel submission still apply"."""
    p = load_partnership("redbridge")
    rapid = _by_key(clocks.clocks_for(p, _child(date(2025, 4, 17))))[RAPID_REVIEW]
    assert rapid.run_by == "Redbridge Safeguarding Children Partnership (RSCP)"
    assert "run by Redbridge Safeguarding Children Partnership (RSCP)" in rapid.title
    assert rapid.due_on == date(2025, 5, 13)
    telford = _by_key(clocks.clocks_for(load_partnership("telford-wrekin"), _child(date(2025, 4, 17))))
    assert telford[RAPID_REVIEW].run_by is None and "run by" not in telford[RAPID_REVIEW].title


def test_without_the_day_the_local_authority_became_aware_there_is_no_due_date() -> None:
    p = load_partnership("walsall")
    found = clocks.clocks_for(p, _child(None))
    assert [c.key for c in found] == [SERIOUS_INCIDENT, RAPID_REVIEW]
    for c in found:
        assert c.due_on is None and c.needs_start and not c.overdue(date(2030, 1, 1))
        assert c.state(date(2030, 1, 1)) == "needs_start"
        assert c.status_text(date(2030, 1, 1)).startswith("Start date not recorded")


def test_clock_states_in_words() -> None:
    """Due 3 January 2024 (aware 22 December 2023, as counted above)."""
    p = load_partnership("wolverhampton")
    [serious, _rapid] = clocks.clocks_for(p, _child(date(2023, 12, 22)))
    # Thu 28 December: Fri 29 (1), Tue 2 January (2), Wed 3 (3) are left.
    assert serious.status_text(date(2023, 12, 28)) == "Due on 3 January 2024 (3 working days left)"
    assert serious.due_soon(date(2023, 12, 28), 2) is False
    # Fri 29 December: Tue 2 (1), Wed 3 (2).
    assert serious.status_text(date(2023, 12, 29)) == "Due on 3 January 2024 (2 working days left)"
    assert serious.due_soon(date(2023, 12, 29), 2) is True
    assert serious.status_text(date(2024, 1, 3)) == "Due today, 3 January 2024"
    assert not serious.overdue(date(2024, 1, 3)) and serious.overdue(date(2024, 1, 4))
    assert serious.status_text(date(2024, 1, 5)) == "Overdue: due on 3 January 2024 (2 working days ago)"
    late = clocks.clocks_for(p, _child(date(2023, 12, 22), serious_incident_notified_on=date(2024, 1, 4)))[0]
    assert late.state(date(2024, 2, 1)) == "done_late" and not late.overdue(date(2024, 2, 1))
    assert late.status_text(date(2024, 2, 1)) == "Done on 4 January 2024, after the due date of 3 January 2024"
    on_time = clocks.clocks_for(p, _child(date(2023, 12, 22), serious_incident_notified_on=date(2024, 1, 2)))[0]
    assert on_time.status_text(date(2024, 2, 1)) == "Done on 2 January 2024"


def test_a_child_subject_runs_the_clocks_and_an_adult_case_does_not() -> None:
    """DOMAIN §11: "A 16- or 17-year-old victim is also a child case"."""
    p = load_partnership("wolverhampton")
    adult = Referral(reference="T-1", review_types=["sar"], answers={}, la_aware_on=date(2025, 4, 17))
    assert clocks.clocks_for(p, adult) == []
    child_victim = Referral(
        reference="T-2", review_types=["dhr"], la_aware_on=date(2025, 4, 17),
        answers={"subject_date_of_birth": "2008-05-01", "incident_date": "2025-04-15"},  # 16 years old
    )
    assert [c.key for c in clocks.clocks_for(p, child_victim)] == [SERIOUS_INCIDENT, RAPID_REVIEW]
    eighteen = Referral(
        reference="T-3", review_types=["dhr"], answers={"subject_date_of_birth": "2007-04-15", "incident_date": "2025-04-15"},
    )
    assert clocks.clocks_for(p, eighteen) == []


# -- the decision: the National Panel either way, the Home Office either way -----------------------


def _decided(app, recommendation: str, index: int = 1, when: date = date(2023, 12, 20)) -> Decision:  # type: ignore[no-untyped-def]
    meeting = meetings.schedule_meeting(when=when, start_time=time(10, 0), location="Room 1",
                                        invitees=meetings.panel_invitees())
    referral = received_on(make_referral(app, index), when - timedelta(days=14))
    item = meetings.add_referral(meeting, referral)
    return meetings.record_decision(meeting, item, tool_answers={}, recommendation=recommendation,
                                    lead_process=None, methodology=None, rationale="Decided.", recorded_by_id=None)


def test_a_no_review_cspr_decision_still_needs_the_national_panel(app) -> None:
    """The National Panel "receives every rapid review within 15 working days, whatever it
    recommends" (DOMAIN §11, Working Together 2023 ch. 5): a decision not to review a
    child's case still needs the submission and the notification, never "Not needed"."""
    p = app.extensions["partnership"]
    decision = _decided(app, "no_further_action")
    assert "cspr" in decision.referral.review_types
    assert [n.key for n in meetings.notifications_for(decision)] == ["national_panel"]
    assert RAPID_REVIEW in [c.key for c in clocks.clocks_for(p, decision.referral, decision)]
    [row] = [dict(zip(meetings.TRACKER_COLUMNS, r, strict=True)) for r in meetings.tracker_table(p, date(2024, 1, 2))]
    assert row["National Panel notification"] == "Not done"
    assert row["Rapid review to the National Panel due"] == "Start date not recorded"
    assert row["Rapid review to the National Panel done"] == "Not done"


@pytest.mark.parametrize("slug", PARTNERSHIPS)
@pytest.mark.parametrize("recommendation", ["statutory_dhr", "no_further_action"])
def test_home_office_clock_runs_either_way_where_the_panel_screens_dardrs(app_factory, slug, recommendation) -> None:  # type: ignore[no-untyped-def]
    """Redbridge Appendix A: "CSP inform the Home Office of decision to hold DHR or not."
    Decided Wednesday 20 December 2023; 20 working days (the product's default, a local
    setting: no document gives a number): Thu 21 (1), Fri 22 (2); 25, 26 December do not
    count; Wed 27 (3), Thu 28 (4), Fri 29 (5); 1 January does not count; Tue 2 (6), Wed 3
    (7), Thu 4 (8), Fri 5 (9), Mon 8 (10), Tue 9 (11), Wed 10 (12), Thu 11 (13), Fri 12
    (14), Mon 15 (15), Tue 16 (16), Wed 17 (17), Thu 18 (18), Fri 19 (19), Mon 22 (20):
    due 22 January 2024. Telford & Wrekin and Walsall forward DARDRs to their Community
    Safety Partnership: the panel has no Home Office clock there."""
    app = app_factory(PARTNERSHIP=slug)
    p = app.extensions["partnership"]
    decision = _decided(app, recommendation, index=2)  # a referral considered for a DHR
    found = _by_key(clocks.clocks_for(p, decision.referral, decision))
    if "dhr" in p.forwarded:
        assert HOME_OFFICE not in found
        return
    home_office = found[HOME_OFFICE]
    assert (home_office.started_on, home_office.due_on) == (date(2023, 12, 20), date(2024, 1, 22))
    assert home_office.source == LOCAL and p.time_limits.source_of("home_office_notification") == LOCAL
    assert home_office.overdue(date(2024, 1, 23))
    meetings.record_notification(decision, "home_office", date(2024, 1, 10))
    assert _by_key(clocks.clocks_for(p, decision.referral, decision))[HOME_OFFICE].done_on == date(2024, 1, 10)


@pytest.mark.parametrize("slug", PARTNERSHIPS)
def test_the_rules_page_words_for_the_clocks(slug: str) -> None:
    p = load_partnership(slug)
    lines = {line.rule: line for line in rule_lines(p) if line.topic == "Time limits"}
    meeting = [r for r in lines if r.startswith("The rapid review meeting")]
    assert bool(meeting) == (slug == "telford-wrekin")
    home_office = [r for r in lines if r.startswith("The Home Office is told")]
    if "dhr" in p.forwarded:
        assert home_office == []
    else:
        [rule] = home_office
        assert "review or not, within 20 working days of the decision" in rule and lines[rule].local
    serious = next(line for r, line in lines.items() if r.startswith("The local authority notifies"))
    assert _words(serious.source) == WT_5_DAYS and "workflow.clocks" in serious.applied_by


# -- recording the dates --------------------------------------------------------------------------


def test_dates_are_recorded_and_checked(app_factory) -> None:  # type: ignore[no-untyped-def]
    app = app_factory(PARTNERSHIP="telford-wrekin")
    p = app.extensions["partnership"]
    referral = make_referral(app, 1)
    assert clocks.date_fields(p, referral) == [
        "la_aware_on", "serious_incident_notified_on", "rapid_review_meeting_on", "rapid_review_submitted_on",
    ]
    today = date(2024, 2, 1)
    with pytest.raises(ClockError, match="must be today or in the past") as err:
        clocks.record_dates(p, referral, {"la_aware_on": date(2024, 2, 2)}, today=today)
    assert err.value.field == "la_aware_on"
    with pytest.raises(ClockError, match="Enter the date the local authority became aware") as err:
        clocks.record_dates(p, referral, {"serious_incident_notified_on": date(2024, 1, 3)}, today=today)
    assert err.value.field == "la_aware_on"
    with pytest.raises(ClockError, match="on or after the date the local authority became aware of the "
                                         "incident, 22 December 2023") as err:
        clocks.record_dates(p, referral, {"la_aware_on": date(2023, 12, 22),
                                          "rapid_review_meeting_on": date(2023, 12, 21)}, today=today)
    assert err.value.field == "rapid_review_meeting_on"
    assert Session.get(Referral, referral.id).la_aware_on is None  # nothing saved on a refusal
    changed = clocks.record_dates(p, referral, {"la_aware_on": date(2023, 12, 22),
                                                "serious_incident_notified_on": date(2024, 1, 3)}, today=today)
    assert changed == {"la_aware_on": "2023-12-22", "serious_incident_notified_on": "2024-01-03"}
    found = _by_key(clocks.clocks_for(p, Session.get(Referral, referral.id)))
    assert found[SERIOUS_INCIDENT].state(today) == "done"
    assert found[RAPID_REVIEW_MEETING].overdue(today) and found[RAPID_REVIEW].overdue(today)


def test_a_partnership_without_a_meeting_clock_does_not_take_its_date(app) -> None:
    p = app.extensions["partnership"]  # Redbridge
    referral = make_referral(app, 1)
    assert "rapid_review_meeting_on" not in clocks.date_fields(p, referral)
    with pytest.raises(KeyError):
        clocks.record_dates(p, referral, {"rapid_review_meeting_on": date(2024, 1, 3)})
    with pytest.raises(ClockError, match="not a child's case"):
        clocks.record_dates(p, make_referral(app, 0), {"la_aware_on": date(2024, 1, 3)})


# -- closing, and the reminders ---------------------------------------------------------------------


def test_a_case_is_not_closed_while_a_statutory_step_is_outstanding(app) -> None:
    """"A decision that needs a notification cannot be closed without it": the refusal names
    every step not done; once each is recorded the case closes."""
    p = app.extensions["partnership"]
    decision = _decided(app, "no_further_action")
    referral = decision.referral
    with pytest.raises(ReferralError) as err:
        referrals.set_status(p, referral, "closed")
    message = str(err.value)
    assert "cannot be closed until each statutory step is recorded as done" in message
    assert "Serious incident notified to the National Panel by the local authority (the date the local " \
           "authority became aware is not recorded)" in message
    assert "Rapid review sent to the National Panel" in message
    assert "Notification to the National Child Safeguarding Practice Review Panel" in message
    assert Session.get(Referral, referral.id).status == "decided"
    clocks.record_dates(p, referral, {"la_aware_on": date(2023, 12, 1), "serious_incident_notified_on": date(2023, 12, 5),
                                      "rapid_review_submitted_on": date(2023, 12, 19)})
    with pytest.raises(ReferralError) as err:
        referrals.set_status(p, referral, "closed")
    assert "Serious incident" not in str(err.value) and "Notification to the National" in str(err.value)
    meetings.record_notification(decision, "national_panel", date(2023, 12, 21))
    referrals.set_status(p, referral, "closed")
    assert Session.get(Referral, referral.id).status == "closed"
    # An adult's case with nothing statutory outstanding closes at once.
    adult = make_referral(app, 0)
    referrals.set_status(p, adult, "closed")
    assert adult.status == "closed"


def test_reminders_once_per_clock_and_state_and_none_for_closed_cases(app) -> None:
    """Aware 22 December 2023: serious incident due 3 January 2024, rapid review due 17
    January 2024 (counted above). On Tue 2 January the first is due within 2 working days
    (Wed 3: one working day left)."""
    p = app.extensions["partnership"]
    referral = make_referral(app, 1)
    clocks.record_dates(p, referral, {"la_aware_on": date(2023, 12, 22)})
    assert clocks.due_reminders(p, date(2023, 12, 28)) == []  # 3 working days left
    [soon] = clocks.due_reminders(p, date(2024, 1, 2))
    assert (soon.clock.key, soon.state, soon.clock.due_on) == (SERIOUS_INCIDENT, "due_soon", date(2024, 1, 3))
    clocks.mark_reminded(soon)
    assert clocks.due_reminders(p, date(2024, 1, 3)) == []  # reminded already: not again
    [late] = clocks.due_reminders(p, date(2024, 1, 4))
    assert (late.clock.key, late.state) == (SERIOUS_INCIDENT, "overdue")
    clocks.mark_reminded(late)
    assert clocks.due_reminders(p, date(2024, 1, 5)) == []
    # Tue 16 January 2024: the rapid review is due within 2 working days (Wed 17).
    assert [(r.clock.key, r.state) for r in clocks.due_reminders(p, date(2024, 1, 16))] == [(RAPID_REVIEW, "due_soon")]
    assert len(Session.scalars(select(ClockReminder)).all()) == 2
    # Done steps and finished cases are not reminded.
    clocks.record_dates(p, referral, {"rapid_review_submitted_on": date(2024, 1, 15)}, today=date(2024, 1, 16))
    assert clocks.due_reminders(p, date(2024, 1, 16)) == []
    other = make_referral(app, 1)
    clocks.record_dates(p, other, {"la_aware_on": date(2023, 12, 22)})
    assert clocks.due_reminders(p, date(2024, 1, 4))
    other.status = "forwarded"
    Session.commit()
    assert clocks.due_reminders(p, date(2024, 1, 4)) == []


def test_overdue_clocks_of_open_cases_soonest_first(app) -> None:
    p = app.extensions["partnership"]
    first, second = make_referral(app, 1), make_referral(app, 1)
    clocks.record_dates(p, first, {"la_aware_on": date(2025, 4, 17)})
    clocks.record_dates(p, second, {"la_aware_on": date(2023, 12, 22)})
    # 14 May 2025: both of each case's clocks are past (3 Jan, 17 Jan 2024; 28 Apr, 13 May 2025).
    found = [(cc.referral.reference, cc.clock.key) for cc in clocks.overdue_clocks(p, date(2025, 5, 14))]
    assert found == [
        (second.reference, SERIOUS_INCIDENT), (second.reference, RAPID_REVIEW),
        (first.reference, SERIOUS_INCIDENT), (first.reference, RAPID_REVIEW),
    ]
    assert clocks.overdue_clocks(p, date(2024, 1, 3)) == []
    no_start = make_referral(app, 1)
    assert [cc.referral.id for cc in clocks.clocks_without_start(p)] == [no_start.id, no_start.id]


def test_the_received_time_does_not_start_any_clock(app) -> None:
    """The clocks start from the day the local authority became aware, never from the day
    the referral reached the panel."""
    p = app.extensions["partnership"]
    referral = make_referral(app, 1)
    referral.received_at = datetime.combine(date(2023, 12, 22), time(9), tzinfo=UTC)
    Session.commit()
    assert all(c.due_on is None for c in clocks.clocks_for(p, referral))


def test_migration_0011_adds_and_removes_the_reminders_table(blank_database) -> None:  # type: ignore[no-untyped-def]
    """On a fresh database of the backend under test: up to 0010, then 0011, down, up."""
    from sqlalchemy import inspect

    from storage import migrate

    engine = blank_database

    def tables() -> set[str]:
        return set(inspect(engine).get_table_names())

    migrate.upgrade(engine, "0010")
    assert "clock_reminders" not in tables()
    migrate.upgrade(engine, "0011")
    assert "clock_reminders" in tables()
    columns = {c["name"] for c in inspect(engine).get_columns("clock_reminders")}
    assert columns == {"id", "referral_id", "clock", "state", "due_on", "sent_at"}
    migrate.downgrade(engine, "0010")
    assert "clock_reminders" not in tables()
    migrate.upgrade(engine, "head")
    assert "clock_reminders" in tables()
