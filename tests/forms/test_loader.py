"""Definitions are data: the shipped ones load, and a broken one fails with a message that
names the file, the path inside it and the problem."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from forms import (
    DefinitionError,
    FormDefinition,
    definition_from_data,
    load_definition,
    load_definitions,
)

SHIPPED = {"referral", "declaration_of_interest", "screening_return"}

GOOD = """\
id: tiny
version: 1
title: Tiny form
pages:
  - id: first
    title: First page
    questions:
      - id: has_pets
        type: yes_no
        label: Any pets?
      - id: pet_names
        type: text
        label: Pets' names
        show_if: {question: has_pets, equals: "yes"}
  - id: second
    title: Second page
    questions:
      - id: colour
        type: radios
        label: Colour
        options:
          - {value: red, label: Red}
          - {value: blue, label: Blue}
      - id: when
        type: date
        label: When
      - id: until
        type: date
        label: Until
        after: when
"""


def write(tmp_path: Path, text: str, name: str = "tiny.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def broken(tmp_path: Path, old: str, new: str) -> str:
    """Load GOOD with one change; return the error message."""
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(DefinitionError) as caught:
        load_definition(path)
    message = str(caught.value)
    assert str(path) in message
    return message


def test_all_shipped_definitions_load(definitions: dict[str, FormDefinition]) -> None:
    assert SHIPPED <= set(definitions)
    assert all(d.version >= 1 for d in definitions.values())


def test_a_good_definition_loads(tmp_path: Path) -> None:
    definition = load_definition(write(tmp_path, GOOD))
    assert definition.id == "tiny"
    assert [p.id for p in definition.pages] == ["first", "second"]


@pytest.mark.parametrize("name", sorted(SHIPPED) + ["sample"])
def test_model_dump_round_trips(
    name: str, definitions: dict[str, FormDefinition], sample: FormDefinition
) -> None:
    definition = sample if name == "sample" else definitions[name]
    snapshot = definition.model_dump(mode="json")
    again = FormDefinition.model_validate(snapshot)
    assert again == definition
    assert again.model_dump(mode="json") == snapshot
    assert definition_from_data(snapshot) == definition


def test_an_unknown_question_type_is_named_with_its_path(tmp_path: Path) -> None:
    message = broken(
        tmp_path, "type: date\n        label: When", "type: calendar\n        label: When"
    )
    assert "pages[1].questions[1].type" in message
    assert "unknown question type 'calendar'" in message


def test_show_if_pointing_at_an_unknown_question(tmp_path: Path) -> None:
    message = broken(tmp_path, "question: has_pets", "question: has_cats")
    assert "pages[0].questions[1].show_if.question: unknown question 'has_cats'" in message


def test_show_if_pointing_at_a_later_page(tmp_path: Path) -> None:
    message = broken(tmp_path, 'question: has_pets, equals: "yes"', "question: colour, equals: red")
    assert "pages[0].questions[1].show_if.question: 'colour' is on a later page" in message


def test_show_if_on_a_value_never_offered(tmp_path: Path) -> None:
    message = broken(tmp_path, 'equals: "yes"', 'equals: "yess"')
    assert "pages[0].questions[1].show_if: 'yess' is not an option of 'has_pets'" in message


def test_a_duplicate_question_id(tmp_path: Path) -> None:
    message = broken(tmp_path, "id: until", "id: when")
    assert "pages[1].questions[2].id: duplicate question id 'when'" in message


def test_choice_question_without_options(tmp_path: Path) -> None:
    text = GOOD.replace(
        "        options:\n          - {value: red, label: Red}\n          - {value: blue, label: Blue}\n",
        "",
    )
    path = write(tmp_path, text)
    with pytest.raises(DefinitionError) as caught:
        load_definition(path)
    assert f"{path}: pages[1].questions[0]: a radios question needs options" in str(caught.value)


def test_after_pointing_at_an_unknown_question(tmp_path: Path) -> None:
    message = broken(tmp_path, "after: when", "after: whenever")
    assert "pages[1].questions[2].after.question: unknown question 'whenever'" in message


def test_a_misspelt_key_is_reported(tmp_path: Path) -> None:
    message = broken(tmp_path, "label: Colour", "label: Colour\n        requried: false")
    assert "pages[1].questions[0].requried: unknown key" in message


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    message = broken(tmp_path, "title: First page", "title: [First page")
    assert "line " in message and "not valid YAML" in message


def test_a_question_id_that_is_not_an_identifier(tmp_path: Path) -> None:
    message = broken(tmp_path, "id: when", "id: When-1")
    assert "pages[1].questions[1].id" in message


def test_a_question_id_the_form_itself_uses_is_reserved(tmp_path: Path) -> None:
    message = broken(tmp_path, "id: when", "id: validate")
    assert "pages[1].questions[1].id: 'validate' is a reserved name" in message


def test_same_page_reveal_must_come_from_radios_checkboxes_or_yes_no(tmp_path: Path) -> None:
    message = broken(
        tmp_path,
        "      - id: until\n        type: date",
        "      - id: until\n        show_if: {question: when, equals: x}\n        type: date",
    )
    assert "must be radios, checkboxes or yes_no" in message


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = GOOD.replace("after: when", "after: nowhere").replace(
        "question: has_pets", "question: nobody"
    )
    with pytest.raises(DefinitionError) as caught:
        load_definition(write(tmp_path, text))
    assert len(caught.value.problems) == 2


def test_two_files_with_one_id_are_refused(tmp_path: Path) -> None:
    write(tmp_path, GOOD, "a.yaml")
    write(tmp_path, GOOD, "b.yaml")
    with pytest.raises(DefinitionError, match="b.yaml: id: 'tiny' is also the id of"):
        load_definitions(tmp_path)


def test_screening_return_uses_the_agreed_question_ids(
    definitions: dict[str, FormDefinition],
) -> None:
    screening = definitions["screening_return"]
    ids = {q.id for q in screening.questions()}
    assert {
        "agency_name",
        "completed_by_name",
        "completed_by_role",
        "subject_known",
        "others_known",
        "status",
        "chronology",
        "analysis",
        "other_agencies",
        "internal_review",
        "internal_review_details",
        "lessons_learnt",
    } <= ids
    assert [f.id for f in screening.question("chronology").fields or []] == [
        "date",
        "event",
        "outcome",
    ]
    assert {o.value for o in screening.question("status").choice_options} == {
        "cp_plan",
        "child_in_need",
        "looked_after",
        "adult_safeguarding",
        "dols",
        "mappa",
        "marac",
        "none",
    }


def test_referral_has_every_field_of_the_paper_form(referral: FormDefinition) -> None:
    labels = {q.label for q in referral.questions()}
    labels |= {f.label for f in referral.question("other_persons").fields or []}
    for expected in [
        "Date of this One Panel referral",
        "Summary of reason for referral",
        "Date of incident or death",
        "First name",
        "Last name",
        "Other names used",
        "Date of birth",
        "Age or approximate age",
        "Gender",
        "Ethnicity",
        "Disability",
        "NHS number",
        "GP",
        "Post-mortem result (if applicable)",
        "Home address",
        "Housing tenure",
        "School or college",
        "Name",
        "Relationship to subject",
        "Address",
        "Any other information that is relevant to the discussion",
        "Status of the subject",
        "Status of relevant others",
        "How well, in your opinion, has the multi-agency partnership worked together?",
        "Agency",
        "Role",
        "Telephone number",
        "Email address",
        "Name of the manager responsible for quality assuring the referral",
        "Is this referral subject to an internal or single agency review?",
        "Lessons learnt",
        "Considerations",
    ]:
        assert expected in labels, expected
    # Section 6 (the One Panel decision) is the secretariat's, not the referrer's.
    assert not any("recommendation" in label.lower() for label in labels)
