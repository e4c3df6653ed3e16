"""The subject's age at the incident, from the referral's date of birth, age and incident date.

Every expected age below is worked out by hand in the test's comment. The law the ages
matter for: a child is "a person under the age of eighteen" (Children Act 1989 s105(1));
a Domestic Abuse Related Death Review is for "the death of a person aged 16 or over"
(Domestic Violence, Crime and Victims Act 2004 s9(1); Redbridge Appendix B).
"""

from __future__ import annotations

from datetime import date

import pytest

from workflow.subject_age import age_at_incident, years_between

TODAY = date(2026, 12, 2)


def test_age_on_the_incident_date_from_the_date_of_birth() -> None:
    # Born 10 June 2008; incident 9 June 2025: the 17th birthday is the next day, so 16.
    age = age_at_incident({"subject_date_of_birth": "2008-06-10", "incident_date": "2025-06-09"})
    assert (age.years, age.basis, age.on, age.warnings) == (16, "date of birth", "the incident", [])
    assert age.is_child
    assert age.describe() == "16 at the incident (from the date of birth)"


def test_the_birthday_itself_counts() -> None:
    # Born 10 June 2008; incident 10 June 2025, the 17th birthday: 17.
    assert age_at_incident({"subject_date_of_birth": "2008-06-10", "incident_date": "2025-06-10"}).years == 17
    # The 18th birthday, 10 June 2026: an adult that day (no longer "under the age of eighteen").
    adult = age_at_incident({"subject_date_of_birth": "2008-06-10", "incident_date": "2026-06-10"})
    assert adult.years == 18 and adult.is_child is False


@pytest.mark.parametrize(
    ("on", "years"),
    [
        # Born 29 February 2008. 2025 is not a leap year, so there is no 29 February 2025:
        # on 28 February 2025 the birthday (29 Feb) has not come yet, 2025 - 2008 - 1 = 16;
        # on 1 March 2025 it has passed, 2025 - 2008 = 17.
        (date(2025, 2, 28), 16),
        (date(2025, 3, 1), 17),
        # 2024 is a leap year: on 29 February 2024 the 16th birthday itself, 16; the day
        # before, 15.
        (date(2024, 2, 29), 16),
        (date(2024, 2, 28), 15),
    ],
)
def test_a_leap_day_birthday(on: date, years: int) -> None:
    born = date(2008, 2, 29)
    assert years_between(born, on) == years
    assert age_at_incident({"subject_date_of_birth": born.isoformat(), "incident_date": on.isoformat()}).years == years


def test_stated_age_agreeing_with_the_date_of_birth_gives_no_warning() -> None:
    # Born 1 March 2008, incident 1 February 2026: 17 (the 18th birthday is a month later).
    answers = {"subject_date_of_birth": "2008-03-01", "incident_date": "2026-02-01"}
    assert age_at_incident({**answers, "subject_age": 17}).warnings == []
    # The referrer may give the age at referring, a year on: 18 is not a disagreement.
    assert age_at_incident({**answers, "subject_age": "18"}).warnings == []


def test_stated_age_disagreeing_with_the_date_of_birth_is_warned_about_naming_both() -> None:
    # Born 1 March 2008, incident 1 February 2026: 17; the referral says 19.
    age = age_at_incident(
        {"subject_date_of_birth": "2008-03-01", "incident_date": "2026-02-01", "subject_age": 19}
    )
    assert age.years == 17 and age.basis == "date of birth"
    assert age.warnings == ["The date of birth gives 17 at the incident; the referral says 19."]
    # When unsure, routing considers both ages.
    assert [years for years, _ in age.candidates()] == [17, 19]
    # A stated age a year below the date of birth's is a disagreement at the incident too.
    younger = age_at_incident(
        {"subject_date_of_birth": "2008-03-01", "incident_date": "2026-02-01", "subject_age": 16}
    )
    assert younger.warnings == ["The date of birth gives 17 at the incident; the referral says 16."]


def test_without_a_date_of_birth_the_stated_age_is_used() -> None:
    age = age_at_incident({"subject_age": 17, "incident_date": "2026-02-01"})
    assert (age.years, age.basis, age.warnings) == (17, "age given", [])
    assert age.describe() == "17 at the incident (as the referral gives it)"


def test_without_an_incident_date_the_age_is_worked_out_on_the_referral_date_and_says_so() -> None:
    # Born 1 March 2008, referred 20 November 2026: 18 on the date of the referral.
    age = age_at_incident({"subject_date_of_birth": "2008-03-01", "referral_date": "2026-11-20"}, today=TODAY)
    assert (age.years, age.on) == (18, "the date of the referral")
    assert age.warnings == [
        "No date of the incident is given: the age is worked out from the date of birth on the "
        "date of the referral (20 November 2026)."
    ]
    assert age.describe() == "18 on the date of the referral (from the date of birth)"
    # The stated age is at the (earlier) incident: a year less is not a disagreement.
    with_age = age_at_incident(
        {"subject_date_of_birth": "2008-03-01", "referral_date": "2026-11-20", "subject_age": 17}, today=TODAY
    )
    assert len(with_age.warnings) == 1


def test_without_an_incident_or_referral_date_the_age_is_worked_out_today() -> None:
    # Born 1 March 2008; today 2 December 2026: 18.
    age = age_at_incident({"subject_date_of_birth": "2008-03-01"}, today=TODAY)
    assert (age.years, age.on) == (18, "today")
    assert "on today (2 December 2026)" in age.warnings[0]


def test_a_date_of_birth_after_the_incident_is_warned_about_and_not_used() -> None:
    age = age_at_incident(
        {"subject_date_of_birth": "2026-03-01", "incident_date": "2026-02-01", "subject_age": 17}
    )
    assert (age.years, age.basis) == (17, "age given")
    assert age.warnings == [
        "The date of birth (1 March 2026) is after the date of the incident (1 February 2026): check "
        "both. The date of birth is not used."
    ]


@pytest.mark.parametrize(
    "answers",
    [
        {},
        {"subject_date_of_birth": None, "subject_age": None, "incident_date": None},
        {"subject_date_of_birth": "", "subject_age": "", "incident_date": ""},
        {"subject_date_of_birth": "not_known", "subject_age": "Not known"},
    ],
)
def test_missing_or_not_known_answers_give_an_unknown_age_without_warnings(answers: dict) -> None:
    age = age_at_incident(answers, today=TODAY)
    assert (age.years, age.basis, age.warnings, age.is_child) == (None, "not known", [], None)
    assert age.describe() == "Not known"
    assert age.candidates() == []


def test_answers_that_cannot_be_read_are_warned_about_and_not_used() -> None:
    age = age_at_incident(
        {"subject_date_of_birth": "2008-02", "subject_age": "seventeen", "incident_date": "2026-02-01"}
    )
    assert (age.years, age.basis) == (None, "not known")
    assert age.warnings == [
        "The date of birth given (“2008-02”) is not a full date, so it is not used.",
        "The age given (“seventeen”) is not a whole number of years, so it is not used.",
    ]
