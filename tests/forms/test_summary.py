"""The summary of answers, worded for people: used by check-your-answers, the
secretariat's view of a referral and the documents."""

from __future__ import annotations

from typing import Any

from flask import render_template

from forms import FormDefinition, SummaryRow, missing_answers, summary

ANSWERS: dict[str, Any] = {
    "referral_date": "2026-03-03",
    "review_types": ["sar", "dhr"],
    "reason_summary": "Line one\n<b>line two</b>",
    "incident_date_known": "date",
    "incident_date": "2026-02-14",
    "subject_died": "yes",
    "subject_first_name": "Alex",
    "subject_last_name": "Doe",
    "subject_date_of_birth_known": "yes",
    "subject_date_of_birth": "1970-01-01",
    "subject_nhs_number": "9434765919",
    "post_mortem_result": "Awaited",
    "subject_home_address": "1 High Road",
    "subject_housing_tenure": "social_rented",
    "next_of_kin_known": "none_known",
    "other_persons": [
        {"name": "Jo Doe", "relationship": "Sister", "date_of_birth": "1972-05-09"},
        {"name": "Sam Roe"},
    ],
}


def rows(definition: FormDefinition, answers: dict[str, Any]) -> dict[str, SummaryRow]:
    return {r.label: r for s in summary(definition, answers) for r in s.rows}


def test_summary_has_one_section_per_page_shown(referral: FormDefinition) -> None:
    sections = summary(referral, ANSWERS)
    assert [s.title for s in sections][:3] == [
        "Context for referral",
        "Subject details",
        "Subject's GP and post-mortem",
    ]


def test_dates_are_written_out(referral: FormDefinition) -> None:
    assert rows(referral, ANSWERS)["Date of this One Panel referral"].value_text == "3 March 2026"


def test_options_are_shown_by_their_labels(referral: FormDefinition) -> None:
    r = rows(referral, ANSWERS)
    assert r["Which review do you think the case may meet the criteria for?"].value_text == (
        "Safeguarding Adults Review (SAR)\nDomestic Homicide Review (DHR)"
    )
    assert r["Has the subject died?"].value_text == "Yes"
    assert r["Housing tenure"].value_text == "Rented from the council or a housing association"


def test_nhs_number_is_shown_in_three_groups(referral: FormDefinition) -> None:
    assert rows(referral, ANSWERS)["NHS number"].value_text == "943 476 5919"


def test_each_item_of_a_group_is_a_row_with_its_item_label(referral: FormDefinition) -> None:
    r = rows(referral, ANSWERS)
    first = r["Person 1: other relevant person, family member or friend"]
    assert (
        first.value_text == "Name: Jo Doe\nDate of birth: 9 May 1972\nRelationship to subject: Sister"
    )
    assert first.anchor == "other_persons-0"
    assert (
        r["Person 2: other relevant person, family member or friend"].value_text == "Name: Sam Roe"
    )
    # No next of kin known: said so, and no page of details.
    assert r[referral.question("next_of_kin_known").label].value_text == "None known"
    assert "next_of_kin_details" not in [s.page_id for s in summary(referral, ANSWERS)]


def test_unanswered_optional_questions_say_not_provided(referral: FormDefinition) -> None:
    row = rows(referral, ANSWERS)["Other names used"]
    assert row.value_text == "Not provided" and row.answered is False


def test_rows_know_where_to_change_the_answer(referral: FormDefinition) -> None:
    r = rows(referral, ANSWERS)
    assert (r["Date of birth"].page_id, r["Date of birth"].anchor) == (
        "subject",
        "subject_date_of_birth-day",
    )
    assert (r["First name"].page_id, r["First name"].anchor) == ("subject", "subject_first_name")


def test_hidden_questions_are_left_out(referral: FormDefinition) -> None:
    alive = {**ANSWERS, "subject_died": "no"}
    assert "Post-mortem result (if applicable)" in rows(referral, ANSWERS)
    assert "Post-mortem result (if applicable)" not in rows(referral, alive)


def test_check_answers_page_escapes_answers_and_links_to_each_question(
    referral: FormDefinition,
) -> None:
    html = render_template(
        "forms_test/check.html",
        sections=summary(referral, ANSWERS),
        change_url=lambda page_id: f"/refer/{page_id}",
    )
    assert "Line one<br>&lt;b&gt;line two&lt;/b&gt;" in html
    assert 'href="/refer/subject#subject_date_of_birth-day"' in html
    assert (
        'Change<span class="govuk-visually-hidden"> Date of birth (Subject details)</span>' in html
    )
    assert "Subject details" in html


def test_missing_answers_lists_what_stops_the_referral_being_sent(referral: FormDefinition) -> None:
    missing = missing_answers(referral, ANSWERS)
    assert ("subject", "subject_date_of_birth", "Enter the subject's date of birth") not in missing
    assert ("referrer", "referrer_name", "Enter your name") in missing
    assert (
        "agency_partnership",
        "partnership_working",
        "Enter how well the multi-agency partnership has worked together",
    ) in missing


def test_missing_answers_catches_dates_that_no_longer_fit(referral: FormDefinition) -> None:
    changed = {**ANSWERS, "incident_date": "1969-12-31"}
    assert (
        "subject",
        "subject_date_of_birth",
        "Date of birth must be before the date of the incident or death",
    ) in missing_answers(referral, changed)


def test_missing_answers_looks_inside_group_items(sample: FormDefinition) -> None:
    answers = {"people": [{"name": "Kin"}, {"date_of_birth": "1990-01-01"}]}
    missing = [m for m in missing_answers(sample, answers) if m[1] == "people"]
    assert missing == [("people", "people", "Person 2: Enter the person's name")]


def test_a_complete_referral_has_nothing_missing(referral: FormDefinition) -> None:
    complete = {
        **ANSWERS,
        "subject_died": "no",
        "original_contact_subject": "Referred by GP",
        "status_subject": ["none"],
        "work_summary_subject": "Assessment",
        "partnership_working": "Well",
        "referrer_name": "R",
        "referrer_agency": "A",
        "referrer_role": "Role",
        "referrer_phone": "020 7946 0000",
        "referrer_email": "r@example.org",
        "quality_assurance_manager": "M",
        "internal_review": "no",
    }
    assert missing_answers(referral, complete) == []


def test_options_given_at_run_time_are_summarised_by_their_labels(
    definitions: dict[str, FormDefinition],
) -> None:
    declaration = definitions["declaration_of_interest"]
    answers = {
        "agenda_item": "m1-3",
        "has_interest": "yes",
        "interest_nature": ["family"],
        "interest_details": "My cousin",
        "date_declared": "2026-05-12",
    }
    choices = {"agenda_items": [("m1-3", "12 May 2026 – item 3")]}
    r = {row.label: row for s in summary(declaration, answers, choices=choices) for row in s.rows}
    assert r["Meeting and agenda item"].value_text == "12 May 2026 – item 3"
    assert r["What is the nature of your interest?"].value_text == "Family relationship"
    without = {row.label: row for s in summary(declaration, answers) for row in s.rows}
    assert without["Meeting and agenda item"].value_text == "m1-3"
