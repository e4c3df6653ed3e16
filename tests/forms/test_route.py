"""The route through the pages: which pages are shown, next and previous, progress."""

from __future__ import annotations

from forms import FormDefinition, next_page_id, previous_page_id, progress, visible_pages
from forms.answers import first_page_id

REFERRAL_PAGES = [
    "context",
    "subject",
    "subject_health",
    "subject_home",
    "next_of_kin",
    "other_persons",
    "agency_contact",
    "agency_status",
    "agency_work",
    "agency_partnership",
    "referrer",
    "referrer_review",
]


def test_referral_pages_follow_the_sections_of_the_form(referral: FormDefinition) -> None:
    assert [p.id for p in visible_pages(referral, {})] == REFERRAL_PAGES


def test_next_and_previous_walk_the_pages_in_order(referral: FormDefinition) -> None:
    assert next_page_id(referral, "context", {}) == "subject"
    assert previous_page_id(referral, "subject", {}) == "context"
    assert previous_page_id(referral, "context", {}) is None
    assert next_page_id(referral, "referrer_review", {}) is None  # then check your answers


def test_a_page_shown_only_for_some_answers_is_skipped_both_ways(sample: FormDefinition) -> None:
    assert next_page_id(sample, "choices", {"has_pets": "yes"}) == "pets"
    assert next_page_id(sample, "choices", {"has_pets": "no"}) == "people"
    assert previous_page_id(sample, "people", {"has_pets": "no"}) == "choices"
    assert previous_page_id(sample, "people", {"has_pets": "yes"}) == "pets"


def test_progress_counts_only_the_pages_shown(sample: FormDefinition) -> None:
    assert progress(sample, "about", {}) == (1, 5)
    assert progress(sample, "people", {"has_pets": "no"}) == (4, 5)
    assert progress(sample, "people", {"has_pets": "yes"}) == (5, 6)
    assert progress(sample, "upload", {"has_pets": "yes"}) == (6, 6)


def test_referral_progress(referral: FormDefinition) -> None:
    assert progress(referral, "context", {}) == (1, 12)
    assert progress(referral, "referrer_review", {}) == (12, 12)
    # Knowing a next of kin adds the page for their details.
    assert progress(referral, "referrer_review", {"next_of_kin_known": "yes"}) == (13, 13)


def test_the_form_starts_on_its_first_page(referral: FormDefinition) -> None:
    assert first_page_id(referral, {}) == "context"
