"""Repeating groups: "Add another", "Remove", the least and most items."""

from __future__ import annotations

from forms import FormDefinition, build_page_form, handle_group_action, page_answers
from tests.forms.helpers import errors_of, formdata, post, render_page


def posted(definition: FormDefinition, data: dict) -> tuple:
    fd = formdata(data)
    form = build_page_form(definition, "people", {}, formdata=fd)
    return form, fd


def person(n: int, name: str, dob: tuple[str, str, str] = ("", "", "")) -> dict:
    return {f"people-{n}-name": name, f"people-{n}-date_of_birth": list(dob)}


def test_group_starts_with_its_minimum_number_of_items(sample: FormDefinition) -> None:
    form = build_page_form(sample, "people", {})
    assert len(form.people.entries) == 1


def test_referral_asks_for_the_next_of_kin_first_and_others_are_optional(
    referral: FormDefinition,
) -> None:
    """Appendix E: "next of kin / nearest relative / nearest relevant person", then other
    family members or friends "as required": the next of kin may be none known."""
    kin = referral.question("next_of_kin_known")
    assert [o.label for o in kin.choice_options] == ["Yes", "None known"]
    assert referral.page("next_of_kin_details").show_if.equals == "yes"
    form = build_page_form(referral, "other_persons", {})
    assert len(form.other_persons.entries) == 0
    html = render_page(form, referral, "other_persons")
    assert "Add a person" in html


def test_add_another_adds_an_empty_item_without_showing_errors(sample: FormDefinition) -> None:
    form, fd = posted(sample, {**person(0, ""), "add_item": "people"})
    assert handle_group_action(form, fd) is True
    assert len(form.people.entries) == 2
    assert form.error_list() == []
    html = render_page(form, sample, "people")
    assert 'id="people-1-name"' in html
    assert "Person 2" in html
    assert "There is a problem" not in html


def test_remove_takes_out_that_item_and_keeps_what_was_typed_in_the_others(
    sample: FormDefinition,
) -> None:
    data = {
        **person(0, "Kin"),
        **person(1, "Bea", ("1", "2", "1990")),
        **person(2, "Cal", ("31", "2", "1990")),
        "remove_item": "people:1",
    }
    form, fd = posted(sample, data)
    assert handle_group_action(form, fd) is True
    names = [e.form["name"].data for e in form.people.entries]
    assert names == ["Kin", "Cal"]
    # Cal's impossible date is kept as typed, to be corrected, under the new numbering.
    assert form.people.entries[1].form["date_of_birth"].raw_data == ["31", "2", "1990"]
    assert form.people.entries[1].form["name"].name == "people-1-name"


def test_the_first_items_up_to_the_minimum_cannot_be_removed(sample: FormDefinition) -> None:
    form, fd = posted(sample, {**person(0, "Kin"), "remove_item": "people:0"})
    assert handle_group_action(form, fd) is True
    assert len(form.people.entries) == 1
    html = render_page(form, sample, "people")
    assert 'value="people:0"' not in html


def test_adding_beyond_the_maximum_is_refused_with_a_message(sample: FormDefinition) -> None:
    data = {**person(0, "A"), **person(1, "B"), **person(2, "C"), "add_item": "people"}
    form, fd = posted(sample, data)
    assert handle_group_action(form, fd) is True
    assert len(form.people.entries) == 3
    assert errors_of(form) == {"people": "You can only add up to 3 to people"}
    assert "You can only add up to 3 to people" in render_page(form, sample, "people")


def test_more_items_than_the_maximum_posted_at_once_are_refused(sample: FormDefinition) -> None:
    data = {**person(0, "A"), **person(1, "B"), **person(2, "C"), **person(3, "D")}
    form = post(sample, "people", data)
    assert errors_of(form)["people"] == "You can only add up to 3 to people"


def test_an_ordinary_continue_is_not_a_group_action(sample: FormDefinition) -> None:
    form, fd = posted(sample, person(0, "Kin"))
    assert handle_group_action(form, fd) is False


def test_errors_in_an_item_link_to_that_items_input(sample: FormDefinition) -> None:
    form = post(sample, "people", {**person(0, ""), **person(1, "Bea", ("30", "2", "1990"))})
    assert errors_of(form) == {
        "people-0-name": "Enter the person's name",
        "people-1-date_of_birth-day": "Date of birth must be a real date",
    }


def test_group_answers_are_a_list_of_dicts_without_blank_items(sample: FormDefinition) -> None:
    form = post(
        sample,
        "people",
        {**person(0, "Kin", ("3", "3", "1950")), **person(1, "Bea"), "people-1-known": "yes"},
    )
    assert form.error_list() == []
    assert page_answers(sample, "people", form) == {
        "people": [
            {"name": "Kin", "date_of_birth": "1950-03-03"},
            {"name": "Bea", "known": "yes"},
        ]
    }


def test_a_saved_group_is_shown_again_with_its_items(sample: FormDefinition) -> None:
    answers = {"people": [{"name": "Kin"}, {"name": "Bea", "date_of_birth": "1990-02-01"}]}
    form = build_page_form(sample, "people", answers)
    assert [e.form["name"].data for e in form.people.entries] == ["Kin", "Bea"]
    html = render_page(form, sample, "people")
    assert 'value="Bea"' in html
    assert 'value="people:1"' in html


def test_a_blank_item_on_its_own_can_be_removed_from_a_saved_group(sample: FormDefinition) -> None:
    form = build_page_form(sample, "people", {"people": [{"name": "Kin"}, {"name": "Bea"}]})
    assert handle_group_action(form, formdata({"remove_item": "people:1"})) is True
    assert [e.form["name"].data for e in form.people.entries] == ["Kin"]
