"""Conditional questions: revealed on the same page, or skipped when an earlier answer
rules them out. A hidden question's answer is never stored."""

from __future__ import annotations

from forms import (
    FormDefinition,
    build_page_form,
    merge_answers,
    missing_answers,
    page_answers,
    summary,
    visible_pages,
)
from tests.forms.helpers import errors_of, post, render_page

CHOICES = {"team": "north"}


def test_revealed_question_is_required_when_its_answer_is_chosen(sample: FormDefinition) -> None:
    form = post(sample, "choices", {**CHOICES, "has_pets": "yes", "pet_names": ""})
    assert errors_of(form) == {"pet_names": "Enter the pets' names"}


def test_revealed_question_is_not_validated_when_its_answer_is_not_chosen(
    sample: FormDefinition,
) -> None:
    form = post(sample, "choices", {**CHOICES, "has_pets": "no", "pet_names": ""})
    assert form.error_list() == []


def test_revealed_question_under_a_checkbox_follows_that_checkbox(sample: FormDefinition) -> None:
    shown = post(sample, "choices", {**CHOICES, "has_pets": "no", "contact": ["post", "other"]})
    assert errors_of(shown) == {"contact_other": "Enter the other way to contact the subject"}
    hidden = post(
        sample, "choices", {**CHOICES, "has_pets": "no", "contact": ["post"], "contact_other": ""}
    )
    assert hidden.error_list() == []


def test_answer_typed_into_a_closed_reveal_is_not_stored(sample: FormDefinition) -> None:
    # Typed, then the person changed their mind and chose "No": the names must not be kept.
    form = post(sample, "choices", {**CHOICES, "has_pets": "no", "pet_names": "Rex"})
    new = page_answers(sample, "choices", form)
    assert "pet_names" not in new
    merged = merge_answers(sample, {"pet_names": "Rex", "has_pets": "yes"}, "choices", new)
    assert "pet_names" not in merged
    assert merged["has_pets"] == "no"


def test_changing_an_earlier_answer_drops_answers_on_later_pages(sample: FormDefinition) -> None:
    answers = {"team": "north", "has_pets": "yes", "pet_names": "Rex", "pet_care": "A neighbour"}
    form = post(sample, "choices", {**CHOICES, "has_pets": "no"})
    merged = merge_answers(sample, answers, "choices", page_answers(sample, "choices", form))
    assert merged == {"team": "north", "has_pets": "no"}


def test_a_page_whose_condition_fails_is_skipped(sample: FormDefinition) -> None:
    assert "pets" in [p.id for p in visible_pages(sample, {"has_pets": "yes"})]
    assert "pets" not in [p.id for p in visible_pages(sample, {"has_pets": "no"})]


def test_question_that_depends_on_an_earlier_page_is_left_out_of_the_form(
    referral: FormDefinition,
) -> None:
    alive = build_page_form(referral, "subject_health", {"subject_died": "no"})
    died = build_page_form(referral, "subject_health", {"subject_died": "yes"})
    assert "post_mortem_result" not in alive._fields
    assert "post_mortem_result" in died._fields
    html = render_page(alive, referral, "subject_health")
    assert "Post-mortem result" not in html
    assert "Post-mortem result" in render_page(died, referral, "subject_health")


def test_posted_answer_to_a_question_left_out_is_ignored(referral: FormDefinition) -> None:
    form = post(
        referral,
        "subject_health",
        {"post_mortem_result": "Smuggled"},
        answers={"subject_died": "no"},
    )
    assert page_answers(referral, "subject_health", form) == {"subject_gp": None}


def test_hidden_questions_are_neither_missing_nor_summarised(referral: FormDefinition) -> None:
    answers = {"internal_review": "no"}
    missing = {qid for _page, qid, _msg in missing_answers(referral, answers)}
    assert "internal_review_details" not in missing
    rows = [r.question_id for s in summary(referral, answers) for r in s.rows]
    assert "internal_review_details" not in rows
    assert "internal_review_details" in {
        qid for _p, qid, _m in missing_answers(referral, {"internal_review": "yes"})
    }


def test_revealed_question_is_rendered_inside_its_answer(sample: FormDefinition) -> None:
    html = render_page(build_page_form(sample, "choices", {}), sample, "choices")
    reveal_at = html.index('id="conditional-has_pets"')
    assert html.index('id="pet_names"') > reveal_at
    assert 'data-aria-controls="conditional-has_pets"' in html
    assert "govuk-radios__conditional--hidden" in html  # closed until "Yes" is chosen
    opened = render_page(build_page_form(sample, "choices", {"has_pets": "yes"}), sample, "choices")
    assert 'class="govuk-radios__conditional" id="conditional-has_pets"' in opened
