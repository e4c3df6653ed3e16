"""The annual review's figures for a known set of referrals, and its Word report."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, time

import pytest
from docx import Document

from document_templates.contexts import CONTRACTS
from partnerships import load_partnership
from storage.db import Session
from storage.models import Referral
from tests.factories import make_quorate, make_referral
from workflow import annual_review as ar
from workflow import meetings

REDBRIDGE = load_partnership("redbridge")
SAR = "Statutory Safeguarding Adults Review"
DHR = "Statutory Domestic Abuse Related Death Review (formerly DHR)"
NFA = "No further action"


def _received(referral: Referral, when: datetime, status: str | None = None) -> Referral:
    referral.received_at = when
    if status:
        referral.status = status
    Session.commit()
    return referral


def _decide(referral: Referral, on: date, recommendation: str) -> None:
    meeting = meetings.schedule_meeting(
        when=on, start_time=time(10, 0), location="Room 2", panel=REDBRIDGE.default_panel
    )
    if referral.status not in meetings.AGENDA_READY_STATUSES:
        referral.status = "screening"  # referred back to the panel for a second decision
    item = meetings.add_referral(meeting, referral, REDBRIDGE)
    make_quorate(REDBRIDGE, meeting)  # a decision is recorded only at a quorate meeting
    meetings.record_decision(
        meeting, item, tool_answers={}, recommendation=recommendation, lead_process=None,
        methodology=None, rationale="Recorded for the annual review test.", recorded_by_id=None,
        partnership=REDBRIDGE,
    )


def _at(y: int, m: int, d: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(y, m, d, hour, minute, tzinfo=UTC)


def make_known_referrals(app) -> dict[str, Referral]:  # type: ignore[no-untyped-def]
    """Eight referrals received in 2025 and one in 2024, with the figures the tests expect.

    | ref | received   | review types  | agency typed          | age at incident | gender | ethnicity     | disability | outcome                          |
    | r1  | 6 Jan 2025 | SAR           | NELFT                 | 76              | Male   | White British | dementia   | discretionary, then statutory SAR (13 Feb) |
    | r2  | 3 Mar 2025 | CSPR          | LB Redbridge CSC      | under 1         | Female | (blank)       | (blank)    | no further action (13 Mar)       |
    | r3  | 14 Apr 2025| DHR, not sure | Metropolitan Police   | 32              | Female | Black British | none       | statutory DHR (8 May)            |
    | r4  | 2 Jun 2025 | SAR           | nelft                 | 74              | m      | white british | (blank)    | closed without a decision        |
    | r5  | 31 Dec 2025| learning      | Riverside Academy     | 15 (age given)  | (blank)| (blank)       | (blank)    | no decision yet                  |
    | r6-8| 1-3 Jul 2025| SAR          | NELFT                 | 85              | Male   | White British | (blank)    | no decision yet                  |
    | old | 20 Nov 2024| SAR           | NELFT                 | 76              | Male   | White British | dementia   | no further action (16 Jan 2025)  |
    """
    common = {"subject_disability": ""}
    r1 = make_referral(app, 0, subject_date_of_birth="1948-02-14", incident_date="2024-12-20",
                       subject_gender="Male", subject_ethnicity="White British",
                       subject_disability="Vascular dementia")
    _received(r1, _at(2025, 1, 6))
    _decide(r1, date(2025, 1, 16), "discretionary_sar")
    _decide(r1, date(2025, 2, 13), "statutory_sar")

    r2 = make_referral(app, 1, **common, subject_date_of_birth="2024-08-01", incident_date="2025-02-25",
                       subject_gender="Female", subject_ethnicity="")
    _received(r2, _at(2025, 3, 3))
    _decide(r2, date(2025, 3, 13), "no_further_action")

    r3 = make_referral(app, 2, subject_date_of_birth="1992-06-01", incident_date="2025-03-25",
                       subject_gender="Female", subject_ethnicity="Black British", subject_disability="None")
    _received(r3, _at(2025, 4, 14, 9))
    _decide(r3, date(2025, 5, 8), "statutory_dhr")

    r4 = make_referral(app, 0, **common, subject_date_of_birth="1950-05-05", incident_date="2025-05-01",
                       subject_gender="m", subject_ethnicity="white  british", referrer_agency="nelft")
    r4.referring_agency = "nelft"
    _received(r4, _at(2025, 6, 2), status="closed")

    r5 = make_referral(app, 1, **common, subject_date_of_birth=None, subject_age=15, incident_date="2025-11-01",
                       subject_gender="", subject_ethnicity="", review_types=["learning"])
    r5.review_types = ["learning"]
    r5.referring_agency = "Riverside Academy"
    _received(r5, _at(2025, 12, 31, 23, 30))

    for day in (1, 2, 3):
        r = make_referral(app, 0, **common, subject_date_of_birth="1940-01-01", incident_date="2025-06-20",
                          subject_gender="Male", subject_ethnicity="White British")
        _received(r, _at(2025, 7, day))

    old = make_referral(app, 0, subject_gender="Male", subject_ethnicity="White British")
    _received(old, _at(2024, 11, 20))
    _decide(old, date(2025, 1, 16), "no_further_action")
    return {"r1": r1, "r2": r2, "r3": r3, "r4": r4, "r5": r5, "old": old}


def _counts(counts) -> list[tuple[str, int]]:  # type: ignore[no-untyped-def]
    return [(c.label, c.count) for c in counts]


def _table(tab: ar.CrossTab) -> dict[str, dict[str, int]]:
    return {r.label: {o: n for o, n in zip(tab.outcomes, r.counts, strict=True) if n} for r in tab.rows}


# -- the figures ------------------------------------------------------------------------------


def test_counts_by_review_type_agency_sector_and_outcome(app) -> None:  # type: ignore[no-untyped-def]
    make_known_referrals(app)
    review = ar.annual_review(REDBRIDGE, 2025)
    assert review.total == 8
    assert (review.start, review.end) == (date(2025, 1, 1), date(2025, 12, 31))
    assert _counts(review.review_types) == [
        ("Safeguarding Adults Review", 5),
        ("Child Safeguarding Practice Review", 1),
        ("Domestic Abuse Related Death Review (formerly DHR)", 1),
        ("Not sure", 1),
        ("Learning opportunity", 1),
    ]
    assert _counts(review.agencies) == [
        ("North East London NHS Foundation Trust (NELFT)", 5),
        # Typed "LB Redbridge Children's Social Care": the council's children's social care.
        ("London Borough of Redbridge – Child Protection, Early Intervention and Community Social Work", 1),
        ("Metropolitan Police Service – East Area Basic Command Unit", 1),
        ("Riverside Academy", 1),
    ]
    assert _counts(review.sectors) == [
        ("Health", 5), ("Children's social care", 1), ("Police", 1), ("Not a member agency", 1),
    ]
    # Every recommendation is listed (a nought is a finding too); the two kinds of
    # "no outcome" only when they happened.
    assert _counts(review.outcomes) == [
        (SAR, 1),
        ("Statutory Child Safeguarding Practice Review", 0),
        (DHR, 1),
        ("Discretionary (non-statutory) Safeguarding Adults Review", 0),
        ("Multi-agency learning lessons review", 0),
        ("Single agency review", 0),
        (NFA, 1),
        ("Closed without a decision", 1),
        ("No decision yet", 4),
    ]


def test_time_from_referral_to_the_latest_decision(app) -> None:  # type: ignore[no-untyped-def]
    make_known_referrals(app)
    t = ar.annual_review(REDBRIDGE, 2025).times
    # r1: 6 Jan to 13 Feb (the second decision) = 38 days, 28 working days;
    # r2: 3 to 13 Mar = 10 days, 8 working days;
    # r3: 14 Apr to 8 May = 24 days, 15 working days (Good Friday, Easter Monday and the
    # early May bank holiday are not working days).
    assert (t.decided, t.undecided) == (3, 5)
    assert (t.median_days, t.shortest_days, t.longest_days) == (24, 10, 38)
    assert (t.median_working_days, t.shortest_working_days, t.longest_working_days) == (15, 8, 28)
    assert _counts(t.bands) == [
        ("Up to 4 weeks", 2), ("4 to 8 weeks", 1), ("8 to 13 weeks", 0), ("More than 13 weeks", 0),
    ]
    assert [(r.outcome, r.decided, r.median_days, r.median_working_days) for r in t.by_outcome] == [
        (SAR, 1, 38, 28), (DHR, 1, 24, 15), (NFA, 1, 10, 8),
    ]


def test_subject_characteristics_against_outcome(app) -> None:  # type: ignore[no-untyped-def]
    make_known_referrals(app)
    review = ar.annual_review(REDBRIDGE, 2025)
    age = review.characteristic("age")
    assert age.outcomes == (SAR, DHR, NFA, "Closed without a decision", "No decision yet")
    # Every band is shown, in age order, so that an absence shows too.
    assert [r.label for r in age.rows] == [b[0] for b in ar.AGE_BANDS]
    assert {k: v for k, v in _table(age).items() if v} == {
        "Under 1": {NFA: 1},
        "11 to 15": {"No decision yet": 1},
        "25 to 44": {DHR: 1},
        "65 to 74": {"Closed without a decision": 1},
        "75 and over": {SAR: 1, "No decision yet": 3},
    }
    gender = review.characteristic("gender")
    assert [(r.label, r.total) for r in gender.rows] == [("Male", 5), ("Female", 2), ("Not recorded", 1)]
    assert _table(gender)["Male"] == {SAR: 1, "Closed without a decision": 1, "No decision yet": 3}
    ethnicity = review.characteristic("ethnicity")
    assert [(r.label, r.total) for r in ethnicity.rows] == [
        ("White British", 5), ("Black British", 1), ("Not recorded", 2),
    ]
    disability = review.characteristic("disability")
    assert [(r.label, r.total) for r in disability.rows] == [("Disability recorded", 1), ("None recorded", 7)]
    assert _table(disability)["Disability recorded"] == {SAR: 1}


def test_a_year_holds_only_the_referrals_received_in_it(app) -> None:  # type: ignore[no-untyped-def]
    make_known_referrals(app)
    older = ar.annual_review(REDBRIDGE, 2024)
    assert older.total == 1
    assert [(c.label, c.count) for c in older.outcomes if c.count] == [(NFA, 1)]
    # 20 November 2024 to 16 January 2025: 57 days.
    assert (older.times.median_days, older.times.bands[2].count) == (57, 1)
    empty = ar.annual_review(REDBRIDGE, 2023)
    assert empty.total == 0 and empty.times.median_days is None
    assert ar.years_with_referrals() == [2025, 2024]


def test_the_default_year_is_the_last_full_year() -> None:
    years = [2025, 2024]
    assert ar.default_year(years, date(2026, 3, 1)) == 2025
    assert ar.default_year(years, date(2025, 6, 1)) == 2024
    assert ar.default_year(years, date(2030, 1, 1)) == 2025
    assert ar.default_year([], date(2030, 1, 1)) == 2030


@pytest.mark.parametrize(
    ("age", "band"),
    [(0, "Under 1"), (1, "1 to 4"), (4, "1 to 4"), (5, "5 to 10"), (10, "5 to 10"), (11, "11 to 15"),
     (16, "16 and 17"), (17, "16 and 17"), (18, "18 to 24"), (44, "25 to 44"), (45, "45 to 64"),
     (65, "65 to 74"), (75, "75 and over"), (103, "75 and over"), (None, "Not known")],
)
def test_age_bands(age, band) -> None:  # type: ignore[no-untyped-def]
    assert ar.age_band(age) == band


def test_age_is_taken_at_the_incident_then_as_given_then_at_receipt() -> None:
    received = date(2025, 6, 1)
    assert ar.subject_age({"subject_date_of_birth": "2000-06-02", "incident_date": "2025-06-01"}, received) == 24
    assert ar.subject_age({"subject_date_of_birth": "2000-06-02", "subject_age": 30}, received) == 30
    assert ar.subject_age({"subject_date_of_birth": "2000-06-01"}, received) == 25
    assert ar.subject_age({"subject_age": "7"}, received) == 7
    assert ar.subject_age({}, received) is None


def test_free_text_characteristics_are_grouped() -> None:
    assert [ar.gender(v) for v in ("M", " male ", "Woman", "non-binary", "")] == [
        "Male", "Male", "Female", "Non-binary", "Not recorded",
    ]
    assert [ar.disability(v) for v in ("", "None.", "not known", "Autism")] == [
        "None recorded", "None recorded", "None recorded", "Disability recorded",
    ]


def test_referring_agency_is_matched_to_a_member_agency() -> None:
    def matched(typed: str) -> str | None:
        agency = ar.match_agency(REDBRIDGE, typed)
        return agency.id if agency else None

    assert matched("NELFT") == "nelft"
    assert matched("Metropolitan police") == "mps-ea"
    # An organisation's service by the organisation's name (or "LB Redbridge") and the
    # service's sector or name; of two services in a sector, the first the file lists.
    assert matched("LB Redbridge Children's Social Care") == "lbr-csc"
    assert matched("London Borough of Redbridge adult social care") == "lbr-asc"
    assert matched("LB Redbridge Housing Service") == "lbr-housing"
    assert matched("London Borough of Redbridge – Legal Services") == "lbr-legal"
    assert matched("probation") == "probation"
    assert matched("Riverside Academy") is None
    assert matched("") is None


def test_small_numbers_are_suppressed_for_the_report() -> None:
    assert [ar.suppress(n) for n in (0, 1, 4, 5, 12)] == ["0", "fewer than 5", "fewer than 5", "5", "12"]


# -- the Word report ----------------------------------------------------------------------------


def test_report_context_follows_the_template_contract(app) -> None:  # type: ignore[no-untyped-def]
    make_known_referrals(app)
    context = ar.report_context(REDBRIDGE, ar.annual_review(REDBRIDGE, 2025), date(2026, 1, 15))
    assert set(context) == set(CONTRACTS["annual_review.docx"])
    assert context["period"] == "1 January 2025 to 31 December 2025"
    assert context["prepared_date"] == "15 January 2026"


def test_report_shows_the_figures_with_small_numbers_suppressed(app) -> None:  # type: ignore[no-untyped-def]
    make_known_referrals(app)
    review = ar.annual_review(REDBRIDGE, 2025)
    data = ar.render_report(REDBRIDGE, review, app.extensions["file_store"], date(2026, 1, 15))
    doc = Document(io.BytesIO(data))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings == [
        "About these figures",
        "Referrals by review type considered",
        "Referrals by referring agency",
        "Referrals by sector of the referring agency",
        "Outcome of the referrals",
        "Time from referral to decision",
        "Time to decision by outcome",
        "Age band against outcome",
        "Gender against outcome",
        "Ethnicity against outcome",
        "Disability against outcome",
    ]
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables[1:]]
    review_types, _agencies, _sectors, outcomes, _bands, times, _age, gender, _ethnicity, disability = tables
    assert review_types == [
        ["Review type", "Referrals"],
        ["Safeguarding Adults Review", "5"],
        ["Child Safeguarding Practice Review", "fewer than 5"],
        ["Domestic Abuse Related Death Review (formerly DHR)", "fewer than 5"],
        ["Not sure", "fewer than 5"],
        ["Learning opportunity", "fewer than 5"],
    ]
    assert outcomes[-2:] == [["Closed without a decision", "fewer than 5"], ["No decision yet", "fewer than 5"]]
    assert times[0] == ["Outcome", "Referrals decided", "Median days", "Shortest", "Longest",
                                     "Median working days"]
    # Three decided referrals: too few to show their times.
    assert times[1] == ["All decided referrals", "fewer than 5", "—", "—", "—", "—"]
    assert gender[0] == ["Gender", SAR, DHR, NFA, "Closed without a decision", "No decision yet", "Total"]
    assert gender[1] == ["Male", "fewer than 5", "0", "0", "fewer than 5", "fewer than 5", "5"]
    assert disability[2] == ["None recorded", "0", "fewer than 5", "fewer than 5", "fewer than 5",
                                       "fewer than 5", "7"]
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Referrals with a decision: fewer than 5. Times are not shown" in text
    assert "median" not in text.lower()
    # A chart for each section but the table of times by outcome, with alternative text.
    assert len(doc.inline_shapes) == 9
    descriptions = [s._inline.docPr.get("descr") for s in doc.inline_shapes]
    assert descriptions[0] == (
        "Bar chart: referrals by review type considered. The figures are in the table below it."
    )
    # Nothing in the document gives an exact count below 5 in a table.
    for rows in tables:
        for row in rows[1:]:
            assert not set(row[1:]) & {"1", "2", "3", "4"}, row


def test_a_partnership_reporting_from_april_to_march_gets_its_own_years(app) -> None:  # type: ignore[no-untyped-def]
    april = REDBRIDGE.model_copy(update={"reporting_year_starts_month": 4})
    _received(make_referral(app, 0), _at(2026, 3, 31, 22, 30))  # 31 March, 11.30pm in London
    _received(make_referral(app, 1), _at(2026, 3, 31, 23, 30))  # 1 April, 0.30am in London
    _received(make_referral(app, 2), _at(2027, 3, 20))
    assert ar.years_with_referrals(april) == [2026, 2025]
    assert ar.years_with_referrals(REDBRIDGE) == [2027, 2026]
    review = ar.annual_review(april, 2026)
    assert (review.label, review.start, review.end) == ("2026 to 2027", date(2026, 4, 1), date(2027, 3, 31))
    assert review.total == 2
    assert ar.annual_review(april, 2025).total == 1
    assert ar.default_year([2026, 2025], date(2027, 3, 31), april) == 2025
    assert ar.default_year([2026, 2025], date(2027, 4, 1), april) == 2026
    assert ar.annual_review(REDBRIDGE, 2026).label == "2026"
    context = ar.report_context(april, review, date(2027, 4, 2))
    assert context["year"] == "2026 to 2027" and context["period"] == "1 April 2026 to 31 March 2027"


def test_an_approximate_age_and_a_period_give_the_age_band() -> None:
    received = date(2026, 1, 1)
    assert ar.subject_age({"subject_age": "about 80"}, received) == 80
    assert ar.subject_age({"subject_age": "not known"}, received) is None
    period = {"subject_date_of_birth": "2000-06-02", "incident_period_from": "2025-01-01", "incident_period_to": "2025-06-02"}
    assert ar.subject_age(period, received) == 25
