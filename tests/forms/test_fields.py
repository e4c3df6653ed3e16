"""Each question type accepts what it should, refuses what it should not, and says why in
the GOV.UK way."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from forms import FormDefinition, build_page_form, page_answers
from forms import validators as v
from tests.forms.helpers import errors_of, post

VALID_ABOUT = {"full_name": "Sam Smith", "reason": "Concern about agencies working together"}


def about(sample: FormDefinition, **fields: str) -> dict[str, str]:
    return errors_of(post(sample, "about", {**VALID_ABOUT, **fields}))


def test_a_valid_page_has_no_errors(sample: FormDefinition) -> None:
    form = post(sample, "about", VALID_ABOUT)
    assert form.error_list() == []


def test_required_text_says_enter_with_the_short_label(sample: FormDefinition) -> None:
    errors = errors_of(post(sample, "about", {}))
    assert errors["full_name"] == "Enter the subject's full name"
    assert errors["reason"] == "Enter a summary of the reason for referral"


def test_spaces_alone_do_not_answer_a_required_question(sample: FormDefinition) -> None:
    assert about(sample, full_name="   ")["full_name"] == "Enter the subject's full name"


def test_text_over_its_limit_says_how_many_characters_are_allowed(sample: FormDefinition) -> None:
    errors = about(sample, reason="x" * 20_000)
    assert errors["reason"] == "Summary of reason for referral must be 5,000 characters or fewer"


def test_text_at_its_limit_is_accepted(sample: FormDefinition) -> None:
    assert "reason" not in about(sample, reason="x" * 5_000)


def test_surrounding_whitespace_is_stripped_and_markup_kept_literally(
    sample: FormDefinition,
) -> None:
    typed = "  <script>alert(1)</script> {{ 7*7 }} &amp;\n"
    form = post(sample, "about", {**VALID_ABOUT, "reason": typed})
    assert form.error_list() == []
    answers = page_answers(sample, "about", form)
    assert answers["reason"] == "<script>alert(1)</script> {{ 7*7 }} &amp;"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("943 476 5919", "9434765919"),
        ("9434765919", "9434765919"),
        (" 943-476-5919 ", "9434765919"),
    ],
)
def test_nhs_number_with_a_valid_check_digit_is_stored_as_ten_digits(
    sample: FormDefinition, typed: str, stored: str
) -> None:
    form = post(sample, "about", {**VALID_ABOUT, "nhs_number": typed})
    assert form.error_list() == []
    assert page_answers(sample, "about", form)["nhs_number"] == stored


def test_nhs_number_with_a_wrong_check_digit_is_not_valid(sample: FormDefinition) -> None:
    assert about(sample, nhs_number="943 476 5918")["nhs_number"] == "Enter a valid NHS number"


@pytest.mark.parametrize("typed", ["943 476 591", "943 476 59190", "ABC 476 5919", "943476591X"])
def test_nhs_number_in_the_wrong_format_shows_an_example(
    sample: FormDefinition, typed: str
) -> None:
    assert (
        about(sample, nhs_number=typed)["nhs_number"]
        == "Enter an NHS number in the correct format, like 485 777 3456"
    )


def test_nhs_number_whose_check_digit_would_be_10_is_never_valid() -> None:
    # 1,0,0,0,0,0,0,0,1 weighted 10..2 sums to 12; 12 mod 11 = 1; 11 - 1 = 10.
    assert not any(v.nhs_check_digit_ok(f"100000001{d}") for d in range(10))


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("sw1a 1aa", "SW1A 1AA"),
        ("SW1A1AA", "SW1A 1AA"),
        ("  m1   1ae ", "M1 1AE"),
        ("ig1 1nn", "IG1 1NN"),
    ],
)
def test_postcode_is_stored_in_capitals_with_one_space(
    sample: FormDefinition, typed: str, stored: str
) -> None:
    form = post(sample, "about", {**VALID_ABOUT, "postcode": typed})
    assert form.error_list() == []
    assert page_answers(sample, "about", form)["postcode"] == stored


@pytest.mark.parametrize("typed", ["SW1A", "12345", "SW1A 1AAA", "not a postcode"])
def test_postcode_that_is_not_a_uk_postcode_is_refused(sample: FormDefinition, typed: str) -> None:
    assert about(sample, postcode=typed)["postcode"] == "Enter a real postcode"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("020 7946 0000", "020 7946 0000"),
        ("02079460000", "020 7946 0000"),
        ("07911123456", "07911 123456"),
        ("+44 20 7946 0000", "020 7946 0000"),
    ],
)
def test_uk_phone_numbers_are_accepted_and_written_the_uk_way(
    sample: FormDefinition, typed: str, stored: str
) -> None:
    form = post(sample, "about", {**VALID_ABOUT, "phone": typed})
    assert form.error_list() == []
    assert page_answers(sample, "about", form)["phone"] == stored


# 07700 900xxx and 01632 960xxx are Ofcom's numbers for drama: never a real telephone.
@pytest.mark.parametrize(
    "typed", ["12345", "0207 946", "phone me", "020 7946 00000", "07700 900982"]
)
def test_phone_number_that_is_not_a_real_number_is_refused(
    sample: FormDefinition, typed: str
) -> None:
    assert about(sample, phone=typed)["phone"] == (
        "Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"
    )


def test_email_address_is_checked_for_format_without_a_dns_lookup(sample: FormDefinition) -> None:
    form = post(
        sample, "about", {**VALID_ABOUT, "email": "officer@no-such-domain-onepanel.example"}
    )
    assert form.error_list() == []


@pytest.mark.parametrize("typed", ["bad@", "no-at-sign", "a@b@c.org", "name@example"])
def test_email_address_in_the_wrong_format_shows_an_example(
    sample: FormDefinition, typed: str
) -> None:
    assert about(sample, email=typed)["email"] == (
        "Enter an email address in the correct format, like name@example.com"
    )


def test_number_is_stored_as_an_int(sample: FormDefinition) -> None:
    form = post(sample, "about", {**VALID_ABOUT, "age": " 42 "})
    assert page_answers(sample, "about", form)["age"] == 42


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("forty", "Age must be a whole number"),
        ("4.5", "Age must be a whole number"),
        ("131", "Age must be 130 or less"),
        ("-1", "Age must be 0 or more"),
    ],
)
def test_number_outside_its_rules_is_refused(
    sample: FormDefinition, typed: str, message: str
) -> None:
    assert about(sample, age=typed)["age"] == message


def test_optional_questions_left_blank_are_stored_as_none(sample: FormDefinition) -> None:
    form = post(sample, "about", {**VALID_ABOUT, "age": "", "email": " ", "nhs_number": ""})
    answers = page_answers(sample, "about", form)
    assert answers["age"] is None and answers["email"] is None and answers["nhs_number"] is None


# -- dates ------------------------------------------------------------------------------


def dates(sample: FormDefinition, dob: list[str], dod: list[str] | None = None) -> dict[str, str]:
    data = {"date_of_birth": dob, "date_of_death": dod or ["", "", ""]}
    return errors_of(post(sample, "dates", data))


def test_missing_date_says_enter_the_short_label(sample: FormDefinition) -> None:
    assert dates(sample, ["", "", ""])["date_of_birth-day"] == "Enter the subject's date of birth"


def test_31_february_is_not_a_real_date(sample: FormDefinition) -> None:
    errors = dates(sample, ["1", "1", "1980"], ["31", "2", "2026"])
    assert errors == {"date_of_death-day": "Date of death must be a real date"}


def test_date_of_birth_must_be_a_real_date(sample: FormDefinition) -> None:
    assert (
        dates(sample, ["12", "13", "1980"])["date_of_birth-day"]
        == "Date of birth must be a real date"
    )


def test_a_partly_given_date_says_which_part_is_missing(sample: FormDefinition) -> None:
    assert (
        dates(sample, ["12", "", "1980"])["date_of_birth-day"]
        == "Date of birth must include a month"
    )
    assert (
        dates(sample, ["", "3", ""])["date_of_birth-day"]
        == "Date of birth must include a day and year"
    )


def test_a_two_digit_year_is_refused(sample: FormDefinition) -> None:
    assert dates(sample, ["1", "2", "80"])["date_of_birth-day"] == "Year must include 4 numbers"


def test_date_of_death_in_the_future_is_refused(sample: FormDefinition) -> None:
    tomorrow = v.today() + timedelta(days=1)
    errors = dates(
        sample, ["1", "1", "1980"], [str(tomorrow.day), str(tomorrow.month), str(tomorrow.year)]
    )
    assert errors == {"date_of_death-day": "Date of death must be today or in the past"}


def test_date_of_death_today_is_accepted(sample: FormDefinition) -> None:
    today = v.today()
    assert (
        dates(sample, ["1", "1", "1980"], [str(today.day), str(today.month), str(today.year)]) == {}
    )


def test_date_of_birth_today_is_not_in_the_past(sample: FormDefinition) -> None:
    today = v.today()
    errors = dates(sample, [str(today.day), str(today.month), str(today.year)])
    assert errors["date_of_birth-day"] == "Date of birth must be in the past"


def test_date_of_death_before_date_of_birth_is_refused(sample: FormDefinition) -> None:
    errors = dates(sample, ["3", "3", "2000"], ["2", "3", "2000"])
    assert errors == {"date_of_death-day": "Date of death must be after date of birth"}


def test_dates_are_stored_as_iso_and_shown_back_in_three_boxes(sample: FormDefinition) -> None:
    form = post(
        sample, "dates", {"date_of_birth": ["3", "03", "1980"], "date_of_death": ["", "", ""]}
    )
    answers = page_answers(sample, "dates", form)
    assert answers == {"date_of_birth": "1980-03-03", "date_of_death": None}
    again = build_page_form(sample, "dates", answers)
    assert again.date_of_birth.data == date(1980, 3, 3)
    assert again.date_of_death.data is None


def test_date_compared_with_an_answer_on_an_earlier_page(referral: FormDefinition) -> None:
    earlier = {"incident_date": "2026-01-10"}
    form = post(
        referral,
        "subject",
        {
            "subject_first_name": "A",
            "subject_last_name": "B",
            "subject_date_of_birth_known": "yes",
            "subject_date_of_birth": ["11", "1", "2026"],
        },
        answers=earlier,
    )
    assert errors_of(form) == {
        "subject_date_of_birth-day": "Date of birth must be before the date of the incident or death"
    }


# -- choices ----------------------------------------------------------------------------


CHOICES_OK = {"team": "north", "has_pets": "no"}


def test_unanswered_choices_say_select(sample: FormDefinition) -> None:
    errors = errors_of(post(sample, "choices", {}))
    assert errors["team"] == "Select team"
    assert errors["has_pets"] == "Select whether the subject has pets"


def test_a_value_that_was_never_offered_is_refused(sample: FormDefinition) -> None:
    errors = errors_of(
        post(sample, "choices", {**CHOICES_OK, "team": "east", "contact": ["post", "fax"]})
    )
    assert errors["team"] == "Select team"
    assert errors["contact"] == "Select how we can contact the subject"


def test_checkboxes_are_stored_as_a_list_and_select_as_its_value(sample: FormDefinition) -> None:
    form = post(sample, "choices", {**CHOICES_OK, "contact": ["post", "phone"]})
    assert form.error_list() == []
    answers = page_answers(sample, "choices", form)
    assert answers["contact"] == ["post", "phone"]
    assert answers["team"] == "north"
    assert answers["has_pets"] == "no"


def test_exclusive_none_of_these_cannot_be_chosen_with_another(referral: FormDefinition) -> None:
    form = post(referral, "agency_status", {"status_subject": ["cp_plan", "none"]})
    assert (
        errors_of(form)["status_subject"] == "Select the subject's status, or select none of these"
    )


def test_options_from_are_given_when_the_form_is_built(
    definitions: dict[str, FormDefinition],
) -> None:
    declaration = definitions["declaration_of_interest"]
    items = [("m1-3", "12 May 2026 – item 3: Adult A"), ("m1-4", "12 May 2026 – item 4: Child B")]
    form = post(
        declaration,
        "declaration",
        {"agenda_item": "m1-4", "has_interest": "no", "date_declared": ["1", "1", "2026"]},
        choices={"agenda_items": items},
    )
    assert form.error_list() == []
    assert page_answers(declaration, "declaration", form)["agenda_item"] == "m1-4"
    refused = post(
        declaration, "declaration", {"agenda_item": "m9-9"}, choices={"agenda_items": lambda: items}
    )
    assert errors_of(refused)["agenda_item"] == "Select the meeting and agenda item"


def test_options_from_without_choices_is_a_programming_error(
    definitions: dict[str, FormDefinition],
) -> None:
    with pytest.raises(KeyError, match="agenda_items"):
        build_page_form(definitions["declaration_of_interest"], "declaration", {})


def test_error_messages_in_the_definition_replace_the_defaults(referral: FormDefinition) -> None:
    q = referral.question("other_persons")
    assert v.message(q, "max_items", max_items=15).startswith("You can add up to 15 people")


def test_the_example_in_the_nhs_format_message_is_not_itself_a_valid_number() -> None:
    # GOV.UK's pattern example, 485 777 3456, fails the Modulus 11 check: nobody can
    # submit the example by copying it.
    assert not v.nhs_check_digit_ok("4857773456")
    assert v.nhs_check_digit_ok("9434765919")
