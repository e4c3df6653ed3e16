"""Statutory clocks on the pages: the case tracker (each clock with its due date, source and
an overdue tag; the business unit's form for the dates), the secretariat's home page, the
refusal to close a case with a step outstanding, the export and the reminders.

The words they rest on: Working Together to Safeguard Children 2023, ch. 5 ("within 5
working days of becoming aware that the incident has occurred"; "within 15 working days of
becoming aware of the incident"); Telford & Wrekin ("a rapid review meeting which will be
held within 13 working days and the National Panel will be notified within 15 working
days"); Redbridge ("Day 15 final report sent to national CSPR Panel").
"""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import date, time, timedelta

from sqlalchemy import select

from storage.db import Session
from storage.models import AuditEvent, ClockReminder, Decision, Referral
from tests.factories import make_referral, received_on
from tests.helpers import TEST_PASSWORD, Client
from tests.views.test_refer import body, outbox
from workflow import accounts, clocks, meetings
from workflow.working_days import add_working_days

WT_5_DAYS = "within 5 working days of becoming aware that the incident has occurred"
WT_15_DAYS = "within 15 working days of becoming aware of the incident"
TELFORD_13 = "a rapid review meeting which will be held within 13 working days"
TELFORD_15 = "the National Panel will be notified within 15 working days"
REDBRIDGE_DAY_15 = "Day 15 final report sent to national CSPR Panel"


def _client(app, user) -> Client:  # type: ignore[no-untyped-def]
    c = Client(app)
    c.sign_in(user.email)
    return c


def _text(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.get_data(as_text=True))


def _card(page: str, referral: Referral) -> str:
    """The tracker's card for one referral."""
    start = page.index(f'<div id="referral-{referral.id}">')
    end = page.find('<div id="referral-', start + 1)
    return page[start:end if end != -1 else len(page)]


def _telford(app_factory):  # type: ignore[no-untyped-def]
    app = app_factory(PARTNERSHIP="telford-wrekin")
    user = accounts.create_user(
        app.extensions["partnership"], email="bu@telford.gov.uk", name="Sam Business-Unit",
        role="secretariat", password=TEST_PASSWORD,
    )
    return app, _client(app, user)


def _dates(referral: Referral, **parts: tuple[int, int, int]) -> dict[str, list[str]]:
    """The form's fields for the dates given as (day, month, year)."""
    return {f"c{referral.id}-{name}": [str(v) for v in value] for name, value in parts.items()}


def test_telford_tracker_shows_each_clock_with_its_due_date_and_source(app_factory) -> None:  # type: ignore[no-untyped-def]
    """Aware Friday 22 December 2023 (counted in tests/workflow/test_clocks.py): National
    Panel notified by 3 January 2024, Telford's rapid review meeting by 15 January 2024
    ("within 13 working days"), the rapid review to the National Panel by 17 January 2024
    ("within 15 working days")."""
    app, client = _telford(app_factory)
    referral = make_referral(app, 1)  # considered for a CSPR
    card = _card(_text(client.get("/meetings/tracker")), referral)
    assert "Local authority became aware of the incident" in card
    assert card.count("Start date not recorded") == 3 and card.count("Start date needed") == 3

    client.post(f"/meetings/tracker/referrals/{referral.id}/clocks",
                _dates(referral, la_aware_on=(22, 12, 2023), serious_incident_notified_on=(3, 1, 2024)))
    page = _text(client.get("/meetings/tracker"))
    card = _card(page, referral)
    serious, meeting, rapid = (card.split(title, 1)[1] for title in (
        "Serious incident notified to the National Panel by the local authority",
        "Rapid review meeting held",
        "Rapid review sent to the National Panel, whatever it recommends",
    ))
    assert "Done on 3 January 2024" in serious and WT_5_DAYS in serious.split("Rapid review")[0]
    assert "Due date: " in meeting and "15 January 2024" in meeting and TELFORD_13 in meeting
    assert "13 working days from the day the local authority became aware of the incident, 22 December 2023" in meeting
    assert "17 January 2024" in rapid and TELFORD_15 in rapid
    # Long past (the test runs after 2024): overdue, in a red tag and in words.
    assert re.search(r'govuk-tag--red[^>]*>\s*Overdue\s*<', card)
    assert "Overdue: due on 15 January 2024" in meeting and "Overdue: due on 17 January 2024" in rapid
    assert "2 statutory steps are overdue" in page

    rows = list(csv.DictReader(io.StringIO(client.get("/meetings/tracker.csv").data.decode("utf-8-sig"))))
    [row] = [r for r in rows if r["Reference"] == referral.reference]
    assert (row["Local authority aware of the incident"], row["Serious incident notification due"],
            row["Serious incident notification done"]) == ("2023-12-22", "2024-01-03", "2024-01-03")
    assert (row["Rapid review meeting due"], row["Rapid review meeting done"]) == ("2024-01-15", "Not done")
    assert (row["Rapid review to the National Panel due"], row["Rapid review to the National Panel done"]) == (
        "2024-01-17", "Not done")
    assert (row["Home Office notification due"], row["Overdue statutory steps"]) == ("Not needed", "2")


def test_redbridge_tracker_quotes_its_day_15_and_names_the_rscp(app, staff) -> None:  # type: ignore[no-untyped-def]
    referral = make_referral(app, 1)
    client = _client(app, staff["secretariat"])
    client.post(f"/meetings/tracker/referrals/{referral.id}/clocks", _dates(referral, la_aware_on=(17, 4, 2025)))
    card = _card(_text(client.get("/meetings/tracker")), referral)
    assert "Rapid review meeting held" not in card  # no limit in Redbridge's documents
    rapid = card.split("Rapid review sent to the National Panel", 1)[1]
    assert "(the rapid review is run by Redbridge Safeguarding Children Partnership (RSCP))" in rapid
    # Aware Thursday 17 April 2025: past Good Friday and Easter Monday, day 15 is 13 May 2025.
    assert "13 May 2025" in rapid and REDBRIDGE_DAY_15 in rapid
    assert "28 April 2025" in card and WT_5_DAYS in card


def test_the_dates_are_recorded_checked_and_audited(app, staff) -> None:  # type: ignore[no-untyped-def]
    referral = make_referral(app, 1)
    url = f"/meetings/tracker/referrals/{referral.id}/clocks"
    client = _client(app, staff["secretariat"])
    client.get("/meetings/tracker")
    next_year = date.today().year + 1
    for data, message, field in (
        (_dates(referral, la_aware_on=(31, 2, 2024)), "Enter a real date for when the local authority became aware", "la_aware_on"),
        (_dates(referral, la_aware_on=(1, 1, next_year)), "must be today or in the past", "la_aware_on"),
        (_dates(referral, serious_incident_notified_on=(3, 1, 2024)), "Enter the date the local authority became aware", "la_aware_on"),
        (_dates(referral, la_aware_on=(22, 12, 2023), rapid_review_submitted_on=(21, 12, 2023)),
         "must be on or after the date the local authority became aware of the incident, 22 December 2023",
         "rapid_review_submitted_on"),
    ):
        page = _text(client.post(url, data, status=400))
        assert "There is a problem" in page and message in page, message
        assert f'href="#c{referral.id}-{field}-day"' in page
    assert Session.get(Referral, referral.id).la_aware_on is None
    response = client.post(url, _dates(referral, la_aware_on=(22, 12, 2023), rapid_review_submitted_on=(17, 1, 2024)))
    assert response.location.endswith(f"/meetings/tracker#referral-{referral.id}")
    saved = Session.get(Referral, referral.id)
    assert (saved.la_aware_on, saved.rapid_review_submitted_on) == (date(2023, 12, 22), date(2024, 1, 17))
    [event] = Session.scalars(select(AuditEvent).where(AuditEvent.action == "record_clock_dates")).all()
    assert event.user_id == staff["secretariat"].id and event.object_id == str(referral.id)
    assert event.detail == {"changed": {"la_aware_on": "2023-12-22", "rapid_review_submitted_on": "2024-01-17"}}
    # The chair sees the clocks but has no form, and may not post one.
    chair = _client(app, staff["chair"])
    page = _text(chair.get("/meetings/tracker"))
    assert "Done on 17 January 2024" in page and "Record the dates of the statutory steps" not in page
    chair.post(url, _dates(referral, la_aware_on=(21, 12, 2023)), status=403)
    # An adult's case has no clocks to record.
    client.post(f"/meetings/tracker/referrals/{make_referral(app, 0).id}/clocks",
                {"x-la_aware_on": ["1", "1", "2024"]}, status=404)


def _decide(app, recommendation: str, index: int = 1, when: date = date(2026, 3, 10)) -> Decision:  # type: ignore[no-untyped-def]
    meeting = meetings.schedule_meeting(when=when, start_time=time(10, 0), location="Room 1",
                                        invitees=meetings.panel_invitees())
    item = meetings.add_referral(meeting, received_on(make_referral(app, index), when - timedelta(days=14)))
    return meetings.record_decision(meeting, item, tool_answers={}, recommendation=recommendation,
                                    lead_process=None, methodology=None, rationale="Decided.", recorded_by_id=None)


def test_a_no_review_cspr_decision_still_shows_the_national_panel_as_needed(app, staff) -> None:  # type: ignore[no-untyped-def]
    """The National Panel "receives every rapid review within 15 working days, whatever it
    recommends" (DOMAIN §11): no "Not needed" for a child's case decided with no review."""
    referral = _decide(app, "no_further_action").referral
    card = _card(_text(_client(app, staff["secretariat"]).get("/meetings/tracker")), referral)
    assert "Notification to the National Child Safeguarding Practice Review Panel" in card
    assert "Record the date it was sent" in card
    assert "Rapid review sent to the National Panel, whatever it recommends" in card
    assert "Not needed" not in card


def test_an_overdue_clock_is_flagged_on_the_secretariats_home_page_only(app, staff) -> None:  # type: ignore[no-untyped-def]
    referral = make_referral(app, 1)
    waiting = make_referral(app, 1)
    clocks.record_dates(app.extensions["partnership"], referral, {"la_aware_on": date(2023, 12, 22)})
    page = _text(_client(app, staff["secretariat"]).get("/secretariat/"))
    banner = page[page.index("govuk-notification-banner"):page.index("Referral log</h1>")]
    assert "Statutory clocks" in banner and "2 statutory steps are overdue" in banner
    assert f'href="/meetings/tracker#referral-{referral.id}">{referral.reference}</a>' in banner
    assert ("Serious incident notified to the National Panel by the local authority – overdue, was due on "
            "3 January 2024") in banner
    assert "overdue, was due on 17 January 2024" in banner
    # The case whose start date is missing is named too: its clocks cannot run.
    assert f'href="/meetings/tracker#referral-{waiting.id}">{waiting.reference}</a>' in banner.split("not recorded for")[1]
    for role in ("panel_member", "chair"):
        other = _text(_client(app, staff[role]).get("/panel/"))
        assert "Statutory clocks" not in other and referral.reference not in other
    # Done, or closed: no longer flagged.
    clocks.record_dates(app.extensions["partnership"], Session.get(Referral, referral.id), {
        "serious_incident_notified_on": date(2024, 1, 2), "rapid_review_submitted_on": date(2024, 1, 17)})
    page = _text(_client(app, staff["secretariat"]).get("/secretariat/"))
    assert "statutory step" not in page and f"#referral-{referral.id}" not in page


def test_closing_is_refused_naming_each_outstanding_step_then_allowed(app, staff) -> None:  # type: ignore[no-untyped-def]
    """"A decision that needs a notification cannot be closed without it"."""
    decision = _decide(app, "no_further_action")
    referral_id = decision.referral_id
    client = _client(app, staff["secretariat"])
    url = f"/secretariat/referrals/{referral_id}/status"
    client.get(f"/secretariat/referrals/{referral_id}")
    page = _text(client.post(url, {"status": "closed"}, status=400))
    assert "There is a problem" in page and 'href="#status"' in page
    for step in (
        "Serious incident notified to the National Panel by the local authority",
        "Rapid review sent to the National Panel",
        "Notification to the National Child Safeguarding Practice Review Panel",
    ):
        assert step in page, step
    assert Session.get(Referral, referral_id).status == "decided"
    refused = Session.scalars(select(AuditEvent).where(AuditEvent.action == "change", AuditEvent.outcome == "refused")).one()
    assert refused.detail == {"status": "closed"}
    p = app.extensions["partnership"]
    clocks.record_dates(p, Session.get(Referral, referral_id), {
        "la_aware_on": date(2026, 2, 2), "serious_incident_notified_on": date(2026, 2, 4),
        "rapid_review_submitted_on": date(2026, 2, 20)})
    meetings.record_notification(Session.get(Decision, decision.id), "national_panel", date(2026, 3, 11))
    client.post(url, {"status": "closed"})
    Session.remove()
    assert Session.get(Referral, referral_id).status == "closed"


def test_send_reminders_tells_the_business_unit_once_per_clock_and_state(app) -> None:  # type: ignore[no-untyped-def]
    """A clock due within 2 working days, then overdue: one e-mail each, to the business
    unit's address, naming the reference and no person."""
    p = app.extensions["partnership"]
    today = date.today()
    referral = make_referral(app, 1)
    referral_id, reference = referral.id, referral.reference
    # Aware 4 working days ago: the serious incident notification (5) is due within one
    # working day; the rapid review (15) is far off.
    aware = add_working_days(today, -4)
    due = add_working_days(aware, 5)
    clocks.record_dates(p, referral, {"la_aware_on": aware})
    runner = app.test_cli_runner()
    before = len(outbox(app))
    output = runner.invoke(args=["send-reminders"]).output
    assert "Sent 0 reminders." in output and "Sent 1 statutory clock reminder to the business unit." in output
    assert "Sent 0 statutory clock reminders" in runner.invoke(args=["send-reminders"]).output
    [mail] = outbox(app)[before:]
    assert mail["To"] == p.secretariat_email
    assert mail["Subject"] == f"Statutory step due {_day(due)}: {reference}"
    text = body(mail)
    assert reference in text and WT_5_DAYS in text and f"/meetings/tracker#referral-{referral_id}" in text
    answers = Session.get(Referral, referral_id).answers
    for name in (answers["subject_first_name"], answers["subject_last_name"], answers["referrer_name"]):
        assert name not in text and name not in mail["Subject"]
    # Now overdue: one more, and only one.
    Session.get(Referral, referral_id).la_aware_on = add_working_days(today, -6)
    Session.commit()
    assert "Sent 1 statutory clock reminder" in runner.invoke(args=["send-reminders"]).output
    assert "Sent 0 statutory clock reminders" in runner.invoke(args=["send-reminders"]).output
    assert outbox(app)[-1]["Subject"] == f"Overdue statutory step: {reference}"
    assert [(r.clock, r.state) for r in Session.scalars(select(ClockReminder).order_by(ClockReminder.id))] == [
        ("serious_incident", "due_soon"), ("serious_incident", "overdue")]
    assert Session.scalars(select(AuditEvent).where(AuditEvent.action == "clock_reminder")).all()


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"
