"""A PDF screening return in a real browser: the secretariat asks an agency, the agency
uploads its return as a PDF from its personal link (after a wrong file), and the
secretariat checks the values read from it beside an image of the page, corrects one and
accepts it. Every page, and every error state, is checked with axe-core.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.helpers import ROOT, outbox, sign_in
from tests.browser.test_screening import agency_link

pytestmark = pytest.mark.browser

PDF = ROOT / "tests" / "fixtures" / "pdf" / "word_saved_as_pdf.pdf"
AGENCY, AGENCY_NAME, ADDRESS = "barts", "Barts Health NHS Trust", "safeguarding.adults@bartshealth.nhs.uk"
REFERRAL = re.compile(r"RED-\d{4}-0002")
UPLOAD = re.compile(r"^Upload your return \(PDF")
CORRECTED = "Sam Nurse (corrected)"


def wait_for_focus_in_error_summary(page) -> None:  # type: ignore[no-untyped-def]
    """GOV.UK Frontend moves the focus to the error summary when the page loads."""
    page.wait_for_function("document.activeElement?.closest('.govuk-error-summary') != null", timeout=5_000)


def test_agency_uploads_a_pdf_return_and_the_secretariat_checks_and_accepts_it(new_journey, live_server) -> None:  # type: ignore[no-untyped-def]
    # The secretariat asks one agency for a return on a referral.
    staff = new_journey(who="secretariat")
    page = staff.page
    sign_in(staff, live_server.users["secretariat"], live_server.password)
    with page.expect_navigation():
        # The referral log's link (the statutory clocks banner links to the tracker too).
        page.locator("a[href^='/secretariat/referrals/']", has_text=REFERRAL).click()
    with page.expect_navigation():
        page.get_by_role("link", name="Send screening requests to agencies").click()
    for box in page.locator("input[name=agencies]").all():
        if box.get_attribute("value") != AGENCY:
            box.uncheck()
    page.get_by_label(f"E-mail address for {AGENCY_NAME}").fill(ADDRESS)
    sent_before = len(outbox(live_server.instance))
    staff.submit("Send requests")
    assert staff.path().endswith("/screening/status"), staff.error_summary()
    status_url = staff.path()

    # The agency opens its personal link.
    agency = new_journey(who="agency")
    upload = agency.page
    agency.goto(agency_link(live_server, ADDRESS, sent_before))
    assert agency.path() == "/agency/request"
    agency.check("agency-request")

    # No file, then a file that is not a PDF: each time the error summary takes the focus.
    agency.submit("Upload return")
    assert "Select the PDF of your return" in agency.error_summary()
    wait_for_focus_in_error_summary(upload)
    agency.check("upload-no-file-error")
    upload.get_by_label(UPLOAD).set_input_files(
        files=[{"name": "our return.docx", "mimeType": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "buffer": b"PK\x03\x04 not a PDF"}]
    )
    agency.submit("Upload return")
    assert "The selected file must be a PDF" in agency.error_summary()
    wait_for_focus_in_error_summary(upload)
    # The summary's link leads to the file input, which carries the message too.
    upload.locator(".govuk-error-summary").get_by_role("link", name="The selected file must be a PDF").click()
    upload.wait_for_function("document.activeElement.id === 'return_pdf'")
    assert "The selected file must be a PDF" in upload.locator("#return_pdf-error").inner_text()
    agency.check("upload-not-a-pdf-error")

    # The PDF (a Word document saved as PDF).
    upload.get_by_label(UPLOAD).set_input_files(PDF)
    agency.submit("Upload return")
    assert agency.path() == "/agency/request/done", agency.error_summary()
    agency.check("upload-sent")

    # The secretariat sees it returned as a PDF and opens the check page.
    staff.goto(status_url)
    row = page.locator("tbody tr", has_text=AGENCY_NAME)
    assert "Returned (PDF)" in row.inner_text()
    staff.check("screening-status-returned-pdf")
    with page.expect_navigation():
        page.get_by_role("link", name=f"Check and accept from {AGENCY_NAME}").click()
    request_path = staff.path()
    assert re.fullmatch(r"/secretariat/screening/\d+", request_path), request_path
    assert f"Return from {AGENCY_NAME}" in page.get_by_role("heading", level=1).inner_text()

    # Each value read sits beside the image of the page it was read from.
    name = page.get_by_label("Your name", exact=True)
    assert name.input_value() == "Sam Nurse"
    assert page.get_by_label("Agency completing this return").input_value() == AGENCY_NAME
    hint = page.locator("#field-completed_by_name-hint").inner_text()
    assert re.match(r"Read from page 1, confidence \d+%", hint), hint
    row = page.locator(".govuk-grid-row", has=page.locator("#field-completed_by_name"))
    image = row.get_by_role("img", name="Page 1 of the PDF return")
    image.scroll_into_view_if_needed()
    image.evaluate("img => img.complete || new Promise((done) => img.addEventListener('load', done))")
    assert image.evaluate("img => img.naturalWidth") > 100, "the page image did not load"
    assert image.get_attribute("src") == f"{request_path}/page/1.png"
    chronology = page.get_by_role("table", name="Chronology entries")
    assert "Outpatient appointment" in chronology.inner_text()
    staff.check("check-return")

    # Correct one value, then accept.
    name.fill(CORRECTED)
    staff.submit("Accept these values")
    assert staff.path() == status_url
    assert "Return accepted" in page.locator(".govuk-notification-banner").inner_text()
    assert "Accepted" in page.locator("tbody tr", has_text=AGENCY_NAME).inner_text()
    staff.check("screening-status-accepted")

    # The accepted return shows the corrected value.
    staff.goto(request_path)
    main = page.locator("main").inner_text()
    assert re.search(r"Accepted \d{1,2} \w+ \d{4}", main), main[:1000]
    assert CORRECTED in main
    staff.check("accepted-return")
