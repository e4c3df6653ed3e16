"""What a referrer often does not know may be said so on the referral form (version 2):
the date of birth (then the age or an approximate age), the date of the incident (a period,
or not known), a next of kin (none known); and a telephone number or an e-mail address
will do, at least one."""

from __future__ import annotations

from typing import Any

from forms import FormDefinition, missing_answers, page_answers, summary
from tests.forms.helpers import errors_of, post
from workflow.referral_answers import given_age, incident_day, incident_text

CONTEXT = {
    "referral_date": ["3", "3", "2026"],
    "review_types": ["sar"],
    "reason_summary": "Found dead at home after missed care visits.",
    "subject_died": "yes",
}
SUBJECT = {"subject_first_name": "Arthur", "subject_last_name": "Ellis"}
REFERRER = {
    "referrer_name": "Jo Helper",
    "referrer_role": "Befriending volunteer",
}


def _rows(definition: FormDefinition, answers: dict[str, Any]) -> dict[str, str]:
    return {r.question_id: r.value_text for s in summary(definition, answers) for r in s.rows}


def test_date_of_birth_not_known_with_an_approximate_age_passes(referral: FormDefinition) -> None:
    form = post(
        referral,
        "subject",
        {**SUBJECT, "subject_date_of_birth_known": "not_known", "subject_age": "about 80"},
    )
    assert errors_of(form) == {}
    answers = page_answers(referral, "subject", form)
    assert answers["subject_age"] == "about 80"
    assert "subject_date_of_birth" not in answers
    assert given_age(answers) == 80
    rows = _rows(referral, {**answers, "subject_date_of_birth_known": "not_known"})
    assert rows["subject_date_of_birth_known"] == "No, it is not known"
    assert rows["subject_age"] == "about 80"
    assert "subject_date_of_birth" not in rows


def test_date_of_birth_not_known_asks_for_the_age_instead(referral: FormDefinition) -> None:
    form = post(referral, "subject", {**SUBJECT, "subject_date_of_birth_known": "not_known"})
    assert errors_of(form) == {"subject_age": "Enter the subject's age or approximate age"}
    # A date of birth typed before choosing "not known" is not kept.
    form = post(
        referral,
        "subject",
        {
            **SUBJECT,
            "subject_date_of_birth_known": "not_known",
            "subject_date_of_birth": ["1", "2", "1948"],
            "subject_age": "78",
        },
    )
    assert "subject_date_of_birth" not in page_answers(referral, "subject", form)


def test_a_known_date_of_birth_is_still_asked_for(referral: FormDefinition) -> None:
    form = post(referral, "subject", {**SUBJECT, "subject_date_of_birth_known": "yes"})
    assert errors_of(form) == {"subject_date_of_birth-day": "Enter the subject's date of birth"}


def test_incident_date_not_known_passes(referral: FormDefinition) -> None:
    form = post(referral, "context", {**CONTEXT, "incident_date_known": "not_known"})
    assert errors_of(form) == {}
    answers = page_answers(referral, "context", form)
    assert "incident_date" not in answers
    assert incident_text(answers) == "Not known"
    assert incident_day(answers) is None
    assert _rows(referral, answers)["incident_date_known"] == "Not known"


def test_an_incident_over_a_period_passes(referral: FormDefinition) -> None:
    form = post(
        referral,
        "context",
        {
            **CONTEXT,
            "incident_date_known": "period",
            "incident_period_from": ["1", "1", "2026"],
            "incident_period_to": ["28", "2", "2026"],
        },
    )
    assert errors_of(form) == {}
    answers = page_answers(referral, "context", form)
    assert (answers["incident_period_from"], answers["incident_period_to"]) == (
        "2026-01-01",
        "2026-02-28",
    )
    assert incident_text(answers) == "Between 1 January 2026 and 28 February 2026"
    assert incident_day(answers).isoformat() == "2026-02-28"
    rows = _rows(referral, answers)
    assert rows["incident_period_from"] == "1 January 2026"
    assert rows["incident_period_to"] == "28 February 2026"


def test_a_period_must_end_after_it_starts(referral: FormDefinition) -> None:
    form = post(
        referral,
        "context",
        {
            **CONTEXT,
            "incident_date_known": "period",
            "incident_period_from": ["1", "3", "2026"],
            "incident_period_to": ["1", "1", "2026"],
        },
    )
    assert errors_of(form) == {
        "incident_period_to-day": "The end of the period must be after its start"
    }


def test_an_exact_incident_date_is_still_asked_for(referral: FormDefinition) -> None:
    form = post(referral, "context", {**CONTEXT, "incident_date_known": "date"})
    assert errors_of(form) == {"incident_date-day": "Enter the date of the incident or death"}
    assert incident_text({"incident_date": "2026-02-14"}) == "14 February 2026"


def test_neither_phone_nor_email_fails_with_the_message_on_the_phone(
    referral: FormDefinition,
) -> None:
    form = post(referral, "referrer", REFERRER)
    assert errors_of(form) == {"referrer_phone": "Enter a telephone number or an e-mail address"}
    assert (
        "referrer",
        "referrer_phone",
        "Enter a telephone number or an e-mail address",
    ) in missing_answers(referral, {})


def test_phone_or_email_either_will_do(referral: FormDefinition) -> None:
    assert errors_of(post(referral, "referrer", {**REFERRER, "referrer_phone": "020 7946 0000"})) == {}
    assert errors_of(post(referral, "referrer", {**REFERRER, "referrer_email": "jo@example.org"})) == {}


def test_a_family_member_or_volunteer_need_not_name_an_agency_or_a_manager(
    referral: FormDefinition,
) -> None:
    form = post(referral, "referrer", {**REFERRER, "referrer_email": "jo@example.org"})
    assert errors_of(form) == {}
    answers = page_answers(referral, "referrer", form)
    assert answers["referrer_agency"] is None and answers["quality_assurance_manager"] is None


def test_next_of_kin_none_known_passes(referral: FormDefinition) -> None:
    form = post(referral, "next_of_kin", {"next_of_kin_known": "none_known"})
    assert errors_of(form) == {}
    answers = page_answers(referral, "next_of_kin", form)
    # No details page, and no name asked for.
    assert not [m for m in missing_answers(referral, answers) if m[0].startswith("next_of_kin")]
    assert _rows(referral, answers)["next_of_kin_known"] == "None known"
    # The other persons page asks for nobody in particular.
    assert errors_of(post(referral, "other_persons", {})) == {}


def test_a_known_next_of_kin_needs_only_their_relationship(referral: FormDefinition) -> None:
    kin = {"next_of_kin_known": "yes"}
    assert ("next_of_kin_details", "next_of_kin_relationship", "Enter the next of kin's relationship to the subject") in missing_answers(referral, kin)
    form = post(referral, "next_of_kin_details", {"next_of_kin_relationship": "Daughter"}, answers=kin)
    assert errors_of(form) == {}
