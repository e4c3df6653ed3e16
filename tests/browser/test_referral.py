"""The referral journey in a real browser: by mouse, by keyboard alone, saved and resumed,
and at 400% zoom. Every page (and every error state) is checked with axe-core."""

from __future__ import annotations

import re
from typing import Any

import pytest

from forms import load_definitions
from tests.browser.helpers import (
    REFLOW_WIDTH,
    Journey,
    assert_focus_visible,
    body,
    by_id,
    by_text,
    fill,
    focused,
    keyboard_fill,
    outbox,
    post_data,
    tab_to,
    wait_for_mail,
)
from workflow.demo_referrals import demo_answers

pytestmark = pytest.mark.browser

DEFINITION = load_definitions()["referral"]
FIRST_PAGE = "/refer/page/context"


def start(j: Journey, server, address: str, *, check: bool = True, empty_first: bool = False) -> None:  # type: ignore[no-untyped-def]
    """Start → e-mail → the code from the e-mail → the first page of the form."""
    page = j.page
    j.goto("/refer", "start" if check else None)
    with page.expect_navigation():
        page.get_by_role("button", name="Start now").click()
    assert j.path() == "/refer/email"
    if check:
        j.check("email")
    if empty_first:
        j.submit("Send the code")
        assert "Enter your e-mail address" in j.error_summary()
        j.check("email-error")
    sent_before = len(outbox(server.instance))
    page.get_by_label("Your e-mail address").fill(address)
    j.submit("Send the code")
    assert j.path() == "/refer/confirm"
    if check:
        j.check("security-code")
    code = re.search(r"\b(\d{6})\b", body(wait_for_mail(server.instance, address, sent_before))).group(1)
    page.get_by_label("Security code").fill(code)
    j.submit("Continue")
    assert j.path() == FIRST_PAGE


def fill_pages(j: Journey, answers: dict[str, Any], *, check: bool = True, stop_before: str | None = None) -> str:
    """Fill each page of the form from ``answers`` until check-your-answers."""
    while j.path().startswith("/refer/page/"):
        page_id = j.path().split("?")[0].rsplit("/", 1)[-1]
        if page_id == stop_before:
            break
        if check:
            j.check(f"page-{page_id}")
        if fill(j.page, post_data(DEFINITION, page_id, answers)) and check:
            j.check(f"page-{page_id}-items-added")
        j.submit()
        assert not j.page.locator(".govuk-error-summary").count(), j.error_summary()
    return j.path()


def send(j: Journey, *, check: bool = True) -> str:
    """Check your answers → declaration → the confirmation; returns the reference."""
    assert j.path() == "/refer/check"
    if check:
        j.check("check-your-answers")
    j.page.get_by_label(re.compile("I confirm that the information")).check()
    j.submit("Send referral")
    assert j.path() == "/refer/done"
    if check:
        j.check("confirmation")
    return re.search(r"RED-\d{4}-\d{4}", j.page.locator("main").inner_text()).group(0)


def test_referrer_completes_the_referral_journey(journey, live_server) -> None:  # type: ignore[no-untyped-def]
    j = journey
    answers = demo_answers()[0]
    start(j, live_server, "rita.worker@nelft.nhs.uk", empty_first=True)

    # The first form page sent empty: the error summary, each error linked to its input.
    j.check("page-context")
    j.submit()
    summary = j.error_summary()
    assert "Enter the date of this referral" in summary or "date of this referral" in summary
    j.check("page-context-errors")
    fill(j.page, post_data(DEFINITION, "context", answers))
    j.submit()
    # A wrong NHS number on the next page: an error message on a filled page.
    j.check("page-subject")
    fill(j.page, post_data(DEFINITION, "subject", {**answers, "subject_nhs_number": "9434765918"}))
    j.submit()
    assert "Enter a valid NHS number" in j.error_summary()
    j.check("page-subject-invalid-nhs-number")
    fill(j.page, {"subject_nhs_number": answers["subject_nhs_number"]})
    j.submit()

    assert fill_pages(j, answers) == "/refer/check"
    assert "943 476 5919" in j.page.locator("main").inner_text()
    # Sending without the declaration is refused with an error.
    j.check("check-your-answers")
    j.submit("Send referral")
    assert j.error_summary()
    j.check("check-your-answers-declaration-error")
    reference = send(j, check=False)
    j.check("confirmation")
    wait_for_mail(live_server.instance, "rita.worker@nelft.nhs.uk", subject=f"Referral {reference} received")


def test_save_and_return_by_the_emailed_link(new_journey, live_server) -> None:  # type: ignore[no-untyped-def]
    j = new_journey(who="first-visit")
    answers = demo_answers()[2]
    address = "sam.lead@redbridge.gov.uk"
    start(j, live_server, address, check=False)
    assert fill_pages(j, answers, stop_before="agency_contact") == "/refer/page/agency_contact"
    j.check("page-agency_contact")
    fill(j.page, post_data(DEFINITION, "agency_contact", answers))
    sent_before = len(outbox(live_server.instance))
    j.submit("Save and come back later")
    assert j.path() == "/refer/saved"
    j.check("saved")
    mail = wait_for_mail(live_server.instance, address, sent_before)
    link = re.search(r"(http://127\.0\.0\.1:\d+/refer/resume/\S+)", body(mail)).group(1)

    # Later, in another browser: the link opens the draft where it was left.
    later = new_journey(who="resumed")
    later.goto(link)
    assert later.path() == "/refer/page/agency_status"
    assert fill_pages(later, answers) == "/refer/check"
    send(later)
    # The link is spent once the referral is sent.
    later.goto(link, status=404)
    later.check("resume-link-spent")


def test_referral_with_the_keyboard_alone(journey, live_server) -> None:  # type: ignore[no-untyped-def]
    """Tab, Shift+Tab, Enter and Space only; the focus is visible at every stop."""
    j = journey
    page = j.page
    answers = demo_answers()[0]
    address = "kim.keys@nelft.nhs.uk"
    j.goto("/refer", "start")
    # The skip link comes first and works.
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Skip to main content"
    assert_focus_visible(page)
    tab_to(page, by_text("Start now"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert j.path() == "/refer/email"
    j.check("email")

    # Send the empty form: the error summary takes the focus; its link leads to the input.
    tab_to(page, by_text("Send the code"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement.closest('.govuk-error-summary') !== null")
    assert focused(page)["inSummary"]
    assert_focus_visible(page)
    j.check("email-error")
    tab_to(page, by_text("Enter your e-mail address"))
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement.id === 'email'")
    assert_focus_visible(page)
    sent_before = len(outbox(live_server.instance))
    page.keyboard.type(address)
    tab_to(page, by_text("Send the code"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert j.path() == "/refer/confirm"
    j.check("security-code")

    code = re.search(r"\b(\d{6})\b", body(wait_for_mail(live_server.instance, address, sent_before))).group(1)
    tab_to(page, by_id("code"))
    page.keyboard.type(code)
    tab_to(page, by_text("Continue"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert j.path() == FIRST_PAGE
    j.check("page-context")

    # The first form page: sent empty, then filled from the keyboard.
    tab_to(page, by_text("Save and continue"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement.closest('.govuk-error-summary') !== null")
    assert_focus_visible(page)
    j.check("page-context-errors")
    # Forward to the button, back with Shift+Tab to the first error's link, then fill the
    # page from the top.
    tab_to(page, by_text("Save and continue"))
    tab_to(page, lambda info: info["inSummary"] and "date of this referral" in info["text"], backwards=True)
    keyboard_fill(page, post_data(DEFINITION, "context", answers))
    tab_to(page, by_text("Save and continue"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert j.path() == "/refer/page/subject", j.error_summary()

    # The subject page from the keyboard too (text, dates, number).
    j.check("page-subject")
    keyboard_fill(page, post_data(DEFINITION, "subject", answers))
    tab_to(page, by_text("Save and continue"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert j.path() == "/refer/page/subject_health", j.error_summary()

    # The rest of the form as before, then send the referral from the keyboard.
    assert fill_pages(j, answers) == "/refer/check"
    j.check("check-your-answers")
    tab_to(page, lambda info: info["name"] == "declaration")
    page.keyboard.press("Space")
    assert page.locator("input[name=declaration]").is_checked()
    tab_to(page, by_text("Send referral"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert j.path() == "/refer/done"
    j.check("confirmation")


REFLOW_JS = """() => ({
  scrollWidth: document.documentElement.scrollWidth,
  wide: [...document.querySelectorAll('main *, header *, footer *')]
    .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
    .slice(0, 5).map((e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + '.' + [...e.classList].join('.')),
})"""


def assert_reflows(j: Journey, name: str) -> None:
    j.check(name)
    result = j.page.evaluate(REFLOW_JS)
    assert result["scrollWidth"] <= REFLOW_WIDTH, (
        f"{j.path()} scrolls sideways at {REFLOW_WIDTH}px: scrollWidth {result['scrollWidth']}, "
        f"too wide: {result['wide']}"
    )


def test_referral_journey_reflows_at_400_percent_zoom(new_journey, live_server) -> None:  # type: ignore[no-untyped-def]
    """At 320 CSS px wide (1280 px at 400%) no page of the journey scrolls sideways."""
    j = new_journey(width=REFLOW_WIDTH, height=640)
    answers = demo_answers()[1]
    address = "zoe.zoom@nelft.nhs.uk"
    page = j.page
    j.goto("/refer")
    assert_reflows(j, "start")
    with page.expect_navigation():
        page.get_by_role("button", name="Start now").click()
    j.submit("Send the code")
    assert_reflows(j, "email-error")
    sent_before = len(outbox(live_server.instance))
    page.get_by_label("Your e-mail address").fill(address)
    j.submit("Send the code")
    assert_reflows(j, "security-code")
    code = re.search(r"\b(\d{6})\b", body(wait_for_mail(live_server.instance, address, sent_before))).group(1)
    page.get_by_label("Security code").fill(code)
    j.submit("Continue")
    j.submit()
    assert_reflows(j, "page-context-errors")
    while j.path().startswith("/refer/page/"):
        page_id = j.path().rsplit("/", 1)[-1]
        assert_reflows(j, f"page-{page_id}")
        fill(page, post_data(DEFINITION, page_id, answers))
        j.submit()
    assert_reflows(j, "check-your-answers")
    send(j, check=False)
    assert_reflows(j, "confirmation")
