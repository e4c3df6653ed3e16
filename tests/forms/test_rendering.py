"""The referral's pages rendered with the GOV.UK macros: labels, hints, error summary,
conditional reveals, the review-type definitions, escaping."""

from __future__ import annotations

import re

import pytest
from flask import render_template_string

from forms import FormDefinition, build_page_form
from tests.forms.helpers import post, render_page

REFERRAL_PAGES = [
    "context",
    "subject",
    "subject_health",
    "subject_home",
    "next_of_kin",
    "next_of_kin_details",
    "other_persons",
    "agency_contact",
    "agency_status",
    "agency_work",
    "agency_partnership",
    "referrer",
    "referrer_review",
]


@pytest.mark.parametrize("page_id", REFERRAL_PAGES)
def test_every_referral_page_renders_its_title_and_labels(
    referral: FormDefinition, page_id: str
) -> None:
    answers = {"subject_died": "yes", "next_of_kin_known": "yes"}
    page = referral.page(page_id)
    form = build_page_form(referral, page_id, answers)
    html = render_page(form, referral, page_id)
    if form.is_single_question():
        assert '<h1 class="govuk-fieldset__heading">' in html
    else:
        assert f'<h1 class="govuk-heading-l">{page.title}</h1>'.replace("'", "&#39;") in html
    for q in page.questions:
        if q.type == "group":
            assert f'value="{q.id}" name="add_item"' in html
        elif q.type != "content":
            label = q.label.replace("'", "&#39;")
            assert label in html, q.id
    assert '<form method="post" novalidate>' in html
    assert "Save and continue" in html


def test_context_page_shows_the_short_definition_of_each_review(referral: FormDefinition) -> None:
    html = render_page(build_page_form(referral, "context", {}), referral, "context")
    assert 'class="govuk-inset-text"' in html
    assert "The reviews in brief" in html
    assert "A Domestic Homicide Review (DHR) is when the death of a person aged 16 or over" in html
    for label in [
        "Safeguarding Adults Review (SAR)",
        "Child Safeguarding Practice Review (CSPR)",
        "Domestic Homicide Review (DHR)",
        "Not sure",
        "Learning opportunity",
    ]:
        assert label in html
    assert "Care Act 2014, section 44" in html  # the option's hint


def test_error_summary_links_each_error_to_its_field(referral: FormDefinition) -> None:
    form = post(referral, "context", {"reason_summary": "x" * 5001})
    html = render_page(form, referral, "context")
    assert "<title>Error: Context for referral</title>" in html
    assert 'class="govuk-error-summary"' in html
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', html)
    assert links == [
        ("referral_date-day", "Enter the date of this referral"),
        (
            "review_types",
            "Select which review the case may meet the criteria for, or select not sure",
        ),
        ("reason_summary", "Summary of reason for referral must be 5,000 characters or fewer"),
        (
            "incident_date_known",
            "Select when the incident or death happened, or select not known",
        ),
        ("subject_died", "Select whether the subject has died"),
    ]
    # Each link's target exists on the page.
    for target, _ in links:
        assert f'id="{target}"' in html
    assert (
        '<span class="govuk-visually-hidden">Error:</span> Enter the date of this referral' in html
    )


def test_date_input_keeps_what_was_typed_after_an_error(referral: FormDefinition) -> None:
    form = post(
        referral, "context", {"incident_date_known": "date", "incident_date": ["31", "2", "2026"]}
    )
    html = render_page(form, referral, "context")
    assert "Date of incident or death must be a real date" in html
    assert 'id="incident_date-day" name="incident_date" type="text" value="31"' in html
    assert 'id="incident_date-year" name="incident_date" type="text" value="2026"' in html


def test_answers_are_escaped_when_shown_again(referral: FormDefinition) -> None:
    answers = {"reason_summary": "<script>alert(1)</script> {{ 7*7 }}"}
    html = render_page(build_page_form(referral, "context", answers), referral, "context")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{ 7*7 }}" in html
    assert "<script>alert(1)" not in html
    assert "49" not in html


def test_yes_no_with_a_revealed_question_is_not_inline(referral: FormDefinition) -> None:
    html = render_page(
        build_page_form(referral, "referrer_review", {}), referral, "referrer_review"
    )
    assert 'id="conditional-internal_review"' in html
    assert "govuk-radios--inline" not in html
    context = render_page(build_page_form(referral, "context", {}), referral, "context")
    assert "govuk-radios--inline" in context  # "Has the subject died?" reveals nothing


def test_a_page_with_one_question_uses_its_label_as_the_heading(
    definitions: dict[str, FormDefinition],
) -> None:
    screening = definitions["screening_return"]
    html = render_page(build_page_form(screening, "status", {}), screening, "status")
    assert '<h1 class="govuk-fieldset__heading">' in html
    assert "Which of these apply to the subject?" in html
    assert '<h1 class="govuk-heading-l">' not in html


def test_inputs_get_the_right_type_and_width(referral: FormDefinition) -> None:
    html = render_page(build_page_form(referral, "referrer", {}), referral, "referrer")
    assert re.search(
        r'id="referrer_email" name="referrer_email" type="email"[^>]*autocomplete="email"', html
    )
    assert 'type="tel"' in html
    subject = render_page(build_page_form(referral, "subject", {}), referral, "subject")
    assert re.search(r'class="govuk-input govuk-input--width-10" id="subject_nhs_number"', subject)
    assert 'inputmode="numeric"' in subject


def test_group_has_add_and_remove_buttons(referral: FormDefinition) -> None:
    answers = {"other_persons": [{"name": "Jo"}, {"name": "Sam"}]}
    html = render_page(
        build_page_form(referral, "other_persons", answers), referral, "other_persons"
    )
    assert re.search(
        r'value="other_persons" name="add_item" class="govuk-button govuk-button--secondary"', html
    )
    assert 'value="other_persons:1" name="remove_item"' in html
    # Nobody has to be added (the next of kin has a page of its own): each can be removed.
    assert 'value="other_persons:0" name="remove_item"' in html
    assert "Add a person" in html
    # Enter in a text box must not press "Remove": a plain submit comes first.
    assert html.index('tabindex="-1"') < html.index('name="remove_item"')


def test_declaration_lists_the_meetings_agenda_items(
    definitions: dict[str, FormDefinition],
) -> None:
    declaration = definitions["declaration_of_interest"]
    form = build_page_form(
        declaration, "declaration", {}, choices={"agenda_items": [("m1-3", "12 May 2026 – item 3")]}
    )
    html = render_page(form, declaration, "declaration")
    assert '<option value="m1-3">12 May 2026 – item 3</option>' in html
    assert '<option value="" selected>Select an option</option>' in html


def test_extra_buttons_can_be_given_with_a_call_block(referral: FormDefinition) -> None:
    form = build_page_form(referral, "referrer", {})
    html = render_template_string(
        '{% from "forms/macros.html" import render_page %}'
        '{% call render_page(form, page, definition, submit_text="Continue") %}'
        '<a class="govuk-link" href="/later">Save and come back later</a>{% endcall %}',
        form=form,
        page=referral.page("referrer"),
        definition=referral,
    )
    assert "Continue" in html and "Save and come back later" in html


def test_file_upload_page_is_multipart(sample: FormDefinition) -> None:
    html = render_page(build_page_form(sample, "upload", {}), sample, "upload")
    assert 'enctype="multipart/form-data"' in html
    assert 'type="file"' in html
    assert "govuk-details" in html and "What you can upload" in html
