"""Rules over several questions of a page, declared in the definition: ``at_least_one``
(e.g. a telephone number or an e-mail address, either will do)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from forms import DefinitionError, load_definition, missing_answers
from forms.loader import definition_from_data
from tests.forms.helpers import errors_of, post, render_page

CONTACT = {
    "id": "contact",
    "version": 1,
    "title": "Contact",
    "pages": [
        {
            "id": "ask",
            "title": "How can we reach you?",
            "rules": [
                {
                    "at_least_one": ["phone", "email"],
                    "message": "Enter a telephone number or an e-mail address",
                }
            ],
            "questions": [
                {"id": "name", "type": "text", "label": "Name"},
                {"id": "phone", "type": "phone", "label": "Telephone number", "required": False},
                {"id": "email", "type": "email", "label": "Email address", "required": False},
            ],
        }
    ],
}


@pytest.fixture
def contact():  # type: ignore[no-untyped-def]
    return definition_from_data(CONTACT)


def test_neither_answered_is_one_error_on_the_first_question(contact) -> None:  # type: ignore[no-untyped-def]
    form = post(contact, "ask", {"name": "Jo"})
    assert form.validate() is False
    assert errors_of(form) == {"phone": "Enter a telephone number or an e-mail address"}
    html = render_page(form, contact, "ask")
    assert '<a href="#phone">Enter a telephone number or an e-mail address</a>' in html
    assert 'id="phone-error"' in html


@pytest.mark.parametrize(
    "given", [{"phone": "020 7946 0000"}, {"email": "jo@example.org"}, {"phone": "020 7946 0000", "email": "jo@example.org"}]
)
def test_either_answer_will_do(contact, given) -> None:  # type: ignore[no-untyped-def]
    form = post(contact, "ask", {"name": "Jo", **given})
    assert form.validate() is True
    assert errors_of(form) == {}


def test_a_wrong_answer_shows_its_own_error_not_the_rule(contact) -> None:  # type: ignore[no-untyped-def]
    form = post(contact, "ask", {"name": "Jo", "email": "not an address"})
    assert errors_of(form) == {
        "email": "Enter an email address in the correct format, like name@example.com"
    }


def test_the_rule_may_name_the_question_its_error_goes_on() -> None:
    data = {**CONTACT, "pages": [{**CONTACT["pages"][0], "rules": [{**CONTACT["pages"][0]["rules"][0], "field": "email"}]}]}
    definition = definition_from_data(data)
    form = post(definition, "ask", {"name": "Jo"})
    assert errors_of(form) == {"email": "Enter a telephone number or an e-mail address"}


def test_check_your_answers_lists_a_rule_not_met(contact) -> None:  # type: ignore[no-untyped-def]
    assert missing_answers(contact, {"name": "Jo"}) == [
        ("ask", "phone", "Enter a telephone number or an e-mail address")
    ]
    assert missing_answers(contact, {"name": "Jo", "email": "jo@example.org"}) == []


def test_hidden_questions_count_as_unanswered_and_all_hidden_turns_the_rule_off() -> None:
    page = CONTACT["pages"][0]
    data = {
        **CONTACT,
        "pages": [
            {
                **page,
                "questions": [
                    {"id": "reachable", "type": "yes_no", "label": "Can we reach you?"},
                    *[{**q, "show_if": {"question": "reachable", "equals": "yes"}} for q in page["questions"][1:]],
                ],
            }
        ],
    }
    definition = definition_from_data(data)
    assert post(definition, "ask", {"reachable": "no", "phone": "020 7946 0000"}).validate() is True
    assert errors_of(post(definition, "ask", {"reachable": "yes"})) == {
        "phone": "Enter a telephone number or an e-mail address"
    }
    assert missing_answers(definition, {"reachable": "no"}) == []
    assert missing_answers(definition, {"reachable": "yes"}) == [
        ("ask", "phone", "Enter a telephone number or an e-mail address")
    ]


RULE_FILE = """\
id: tiny
version: 1
title: Tiny form
pages:
  - id: first
    title: First page
    rules:
      - at_least_one: [phone, email]
        message: Enter one
    questions:
      - id: phone
        type: phone
        label: Telephone number
        required: false
      - id: email
        type: email
        label: Email address
        required: false
  - id: second
    title: Second page
    questions:
      - id: other
        type: text
        label: Other
        required: false
"""


def _problem(tmp_path: Path, old: str, new: str) -> str:
    path = tmp_path / "tiny.yaml"
    path.write_text(textwrap.dedent(RULE_FILE.replace(old, new, 1)), encoding="utf-8")
    with pytest.raises(DefinitionError) as caught:
        load_definition(path)
    return str(caught.value)


def test_a_sound_rule_loads(tmp_path: Path) -> None:
    path = tmp_path / "tiny.yaml"
    path.write_text(RULE_FILE, encoding="utf-8")
    definition = load_definition(path)
    assert definition.page("first").rules[0].target == "phone"


@pytest.mark.parametrize(
    "old,new,expected",
    [
        ("[phone, email]", "[phone, emial]", "pages[0].rules[0].at_least_one[1]: unknown question 'emial'"),
        ("[phone, email]", "[phone, other]", "pages[0].rules[0].at_least_one[1]: 'other' is not on this page"),
        ("[phone, email]", "[phone, phone]", "pages[0].rules[0].at_least_one: a question is listed twice"),
        ("message: Enter one", "message: Enter one\n        field: other", "pages[0].rules[0].field: 'other' is not one of at_least_one"),
        (
            "label: Telephone number\n        required: false",
            "label: Telephone number",
            "pages[0].rules[0].at_least_one[0]: 'phone' is required already",
        ),
        ("[phone, email]", "[phone]", "pages[0].rules[0].at_least_one"),
        ("        message: Enter one\n", "", "pages[0].rules[0].message"),
    ],
)
def test_a_wrong_rule_is_named_with_its_path(tmp_path: Path, old: str, new: str, expected: str) -> None:
    assert old in RULE_FILE
    assert expected in _problem(tmp_path, old, new)
