"""Building page forms: cached classes, prefilling, answers that can be stored as JSON,
uploads handed to the caller."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from werkzeug.datastructures import FileStorage, MultiDict

from forms import FormDefinition, build_page_form, page_answers
from forms.build import page_form_class
from forms.loader import definition_from_data
from tests.forms.helpers import errors_of, post


def test_the_form_class_is_built_once_per_definition_version_and_page(
    referral: FormDefinition,
) -> None:
    assert page_form_class(referral, "subject") is page_form_class(referral, "subject")
    assert page_form_class(referral, "subject") is not page_form_class(referral, "referrer")
    newer = definition_from_data({**referral.model_dump(mode="json"), "version": 99})
    assert page_form_class(newer, "subject") is not page_form_class(referral, "subject")


def test_an_old_snapshot_builds_the_form_it_was_made_with(referral: FormDefinition) -> None:
    snapshot = referral.model_dump(mode="json")
    snapshot["pages"][1]["questions"][0]["label"] = "Given name"
    old = definition_from_data(snapshot)
    assert build_page_form(old, "subject", {}).subject_first_name.label.text == "Given name"
    assert build_page_form(referral, "subject", {}).subject_first_name.label.text == "First name"


def test_a_get_prefills_every_type_from_the_answers(sample: FormDefinition) -> None:
    answers = {"full_name": "Sam", "age": 42, "nhs_number": "9434765919", "postcode": "SW1A 1AA"}
    form = build_page_form(sample, "about", answers)
    assert form.full_name.data == "Sam"
    assert form.age._value() == "42"
    assert form.nhs_number._value() == "943 476 5919"
    choices = build_page_form(sample, "choices", {"contact": ["post"], "has_pets": "yes"})
    assert choices.contact.data == ["post"] and choices.has_pets.data == "yes"


def test_a_post_is_read_from_the_posted_data_not_the_old_answers(sample: FormDefinition) -> None:
    form = build_page_form(
        sample, "choices", {"contact": ["post"]}, formdata=MultiDict({"team": "north"})
    )
    assert form.contact.data == []


def test_page_answers_are_json_ready(referral: FormDefinition) -> None:
    form = post(
        referral,
        "subject",
        {
            "subject_first_name": " Alex ",
            "subject_last_name": "Doe",
            "subject_date_of_birth_known": "not_known",
            "subject_age": " about 56 ",
            "subject_nhs_number": "943 476 5919",
        },
    )
    assert form.error_list() == []
    answers = page_answers(referral, "subject", form)
    assert json.loads(json.dumps(answers)) == answers
    assert answers["subject_first_name"] == "Alex"
    # The date of birth is not known: the approximate age is kept as written.
    assert "subject_date_of_birth" not in answers
    assert answers["subject_age"] == "about 56"


def test_whitespace_is_stripped_inside_group_items(sample: FormDefinition) -> None:
    form = post(sample, "people", {"people-0-name": "  Kin  "})
    assert page_answers(sample, "people", form)["people"] == [{"name": "Kin"}]


def upload(name: str = "letter.pdf") -> FileStorage:
    return FileStorage(
        stream=io.BytesIO(b"%PDF-1.7"), filename=name, content_type="application/pdf"
    )


def test_an_upload_is_handed_to_save_file_and_its_reference_stored(sample: FormDefinition) -> None:
    saved: list[Any] = []

    def save_file(question: Any, storage: FileStorage) -> dict[str, str]:
        saved.append((question.id, storage.read()))
        return {"file_id": "f1", "filename": storage.filename}

    form = post(sample, "upload", {"document": upload()})
    assert form.error_list() == []
    assert page_answers(sample, "upload", form, save_file=save_file) == {
        "document": {"file_id": "f1", "filename": "letter.pdf"}
    }
    assert saved == [("document", b"%PDF-1.7")]


def test_without_a_new_upload_the_earlier_file_is_kept(sample: FormDefinition) -> None:
    earlier = {"document": {"file_id": "f1", "filename": "letter.pdf"}}
    form = post(sample, "upload", {}, answers=earlier)
    assert page_answers(sample, "upload", form) == earlier


def test_an_upload_without_save_file_is_refused_loudly(sample: FormDefinition) -> None:
    form = post(sample, "upload", {"document": upload()})
    with pytest.raises(ValueError, match="save_file"):
        page_answers(sample, "upload", form)


def test_a_required_upload_is_satisfied_by_an_earlier_file(sample: FormDefinition) -> None:
    data = sample.model_dump(mode="json")
    data["pages"][-1]["questions"][0]["required"] = True
    required = definition_from_data(data)
    assert errors_of(post(required, "upload", {})) == {"document": "Select a document"}
    assert post(required, "upload", {}, answers={"document": {"file_id": "f1"}}).error_list() == []


def test_page_forms_carry_and_check_the_csrf_token(
    forms_app: Any, referral: FormDefinition
) -> None:
    forms_app.config["WTF_CSRF_ENABLED"] = True
    try:
        with forms_app.test_request_context(method="POST"):
            form = build_page_form(
                referral, "referrer_review", {}, formdata=MultiDict({"internal_review": "no"})
            )
            assert not form.validate()
            assert "csrf_token" in form.errors
            assert 'name="csrf_token"' in str(form.hidden_tag())
    finally:
        forms_app.config["WTF_CSRF_ENABLED"] = False
