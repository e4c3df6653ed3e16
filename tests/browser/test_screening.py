"""Screening in a real browser: the secretariat sends requests, agencies answer by web and
with a nil return, the secretariat sees each status. Every page is checked with axe-core."""

from __future__ import annotations

import re

import pytest

from forms import load_definitions
from tests.browser.helpers import body, fill, outbox, post_data, sign_in, wait_for_mail

pytestmark = pytest.mark.browser

RETURN = load_definitions()["screening_return"]
WEB_AGENCY, WEB_ADDRESS = "nelft", "safeguarding@nelft.nhs.uk"
NIL_AGENCY, NIL_ADDRESS = "mps-ea", "safeguarding@met.police.uk"
WEB_ANSWERS = {
    "agency_name": "NELFT",
    "completed_by_name": "Pat Lead",
    "completed_by_role": "Named nurse",
    "subject_known": "known",
    "others_known": [{"person_name": "Karen Ellis", "known": "no"}],
    "status": ["adult_safeguarding"],
    "chronology": [
        {"date": "2026-03-02", "event": "District nurse visit", "outcome": "Leg ulcer dressed"},
        {"date": "2026-04-10", "event": "Missed visit", "outcome": "No access; GP told"},
    ],
    "analysis": "Missed visits were not escalated because the alerts went to a shared inbox.",
    "internal_review": "no",
}


def agency_link(server, address: str, after: int) -> str:  # type: ignore[no-untyped-def]
    text = body(wait_for_mail(server.instance, address, after))
    return re.search(r"(http://127\.0\.0\.1:\d+/agency/\S+)", text).group(1)


def test_secretariat_sends_screening_requests_and_agencies_answer(new_journey, live_server) -> None:  # type: ignore[no-untyped-def]
    staff = new_journey(who="secretariat")
    page = staff.page
    sign_in(staff, live_server.users["secretariat"], live_server.password, check=True)
    assert staff.path() == "/secretariat/"
    staff.check("referral-log")
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile(r"RED-\d{4}-0001")).click()
    staff.check("referral")
    referral_url = staff.path()
    with page.expect_navigation():
        page.get_by_role("link", name="Send screening requests to agencies").click()
    staff.check("send-screening-requests")

    # Ask two agencies. A different deadline without a reason is refused first.
    for box in page.locator("input[name=agencies]").all():
        if box.get_attribute("value") not in (WEB_AGENCY, NIL_AGENCY):
            box.uncheck()
    page.locator(f"#email-{WEB_AGENCY}").fill(WEB_ADDRESS)
    page.locator(f"#email-{NIL_AGENCY}").fill(NIL_ADDRESS)
    page.get_by_label("A different deadline").check()
    staff.check("send-screening-requests-different-deadline")
    for part, value in zip(("day", "month", "year"), ("1", "12", "2099"), strict=True):
        page.locator(f"#deadline-{part}").fill(value)
    staff.submit("Send requests")
    assert "Enter why the deadline is different" in staff.error_summary()
    staff.check("send-screening-requests-error")
    page.locator("#override").check()
    sent_before = len(outbox(live_server.instance))
    staff.submit("Send requests")
    assert staff.path().endswith("/screening/status")
    staff.check("screening-status-sent")
    status_url = staff.path()

    # The first agency answers on the web.
    web = new_journey(who="agency-web")
    web.goto(agency_link(live_server, WEB_ADDRESS, sent_before))
    assert web.path() == "/agency/request"
    web.check("agency-request")
    with web.page.expect_navigation():
        web.page.get_by_role("button", name="Start the return").click()
    web.submit()
    assert web.error_summary()
    web.check("return-first-page-errors")
    while web.path().startswith("/agency/request/page/"):
        page_id = web.path().rsplit("/", 1)[-1]
        web.check(f"return-{page_id}")
        if fill(web.page, post_data(RETURN, page_id, WEB_ANSWERS)):
            web.check(f"return-{page_id}-items-added")
        web.submit()
        assert not web.page.locator(".govuk-error-summary").count(), web.error_summary()
    assert web.path() == "/agency/request/check"
    web.check("return-check")
    web.submit("Send return")
    assert web.path() == "/agency/request/done"
    web.check("return-sent")

    # The second agency sends a nil return, first without its name.
    nil = new_journey(who="agency-nil")
    nil.goto(agency_link(live_server, NIL_ADDRESS, sent_before))
    nil.check("agency-request")
    nil.page.get_by_label("Your role").fill("Detective Sergeant")
    nil.submit("Send a nil return: not known to our service")
    assert nil.error_summary()
    nil.check("nil-return-error")
    nil.page.get_by_label("Your name").fill("Sam Officer")
    nil.page.get_by_label("Your role").fill("Detective Sergeant")
    nil.submit("Send a nil return: not known to our service")
    assert nil.path() == "/agency/request/done"
    nil.check("nil-return-sent")

    # The secretariat sees both statuses and the web return.
    staff.goto(status_url)
    rows = page.locator("tbody tr")
    assert "Returned (web)" in rows.filter(has_text="North East London NHS Foundation Trust").inner_text()
    assert "Nil return" in rows.filter(has_text=re.compile("Metropolitan Police")).inner_text()
    staff.check("screening-status-returned")
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("View return from North East London")).click()
    assert "Missed visit" in page.locator("main").inner_text()
    staff.check("web-return")
    staff.goto(referral_url, "referral-in-screening")
