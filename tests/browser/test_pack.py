"""The briefing pack in a real browser: the secretariat builds the pack for meeting 2,
watches it build (the page polls its status) and downloads it; a panel member finds their
own papers from "My meetings". Every page and state is checked with axe-core.
"""

from __future__ import annotations

import io
import re
import time
from datetime import datetime

import pytest

from tests.browser.helpers import Journey, sign_in

pytestmark = pytest.mark.browser

MEETING = "/meetings/2"
BUILD_TIMEOUT_MS = 60_000
DOCX_MAGIC = b"PK\x03\x04"
PDF_MAGIC = b"%PDF-"


def document_text(data: bytes, suffix: str) -> str:
    """All the text of a downloaded .docx (python-docx) or .pdf (pypdf)."""
    if suffix == ".pdf":
        from pypdf import PdfReader

        return "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)
    import docx

    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    for section in document.sections:
        parts += [p.text for p in section.header.paragraphs + section.first_page_header.paragraphs]
    return "\n".join(parts)


def download(j: Journey, link_name: str | re.Pattern[str]) -> tuple[str, bytes]:
    """Click a download link; returns the suggested file name and the bytes."""
    with j.page.expect_download() as info:
        j.page.get_by_role("link", name=link_name).first.click()
    got = info.value
    path = got.path()
    assert path is not None, got.failure()
    with open(path, "rb") as f:
        return got.suggested_filename, f.read()


def check_document(name: str, data: bytes, *expected: str) -> str:
    """The file is a .docx or .pdf (by its first bytes too) whose text has each of ``expected``."""
    suffix = name[name.rfind("."):]
    assert suffix in (".docx", ".pdf"), name
    assert data.startswith(DOCX_MAGIC if suffix == ".docx" else PDF_MAGIC), data[:8]
    text = document_text(data, suffix)
    for words in expected:
        assert words in text, f"{words!r} not in {name}: {text[:1500]}"
    return text


def test_secretariat_builds_and_downloads_the_pack_and_a_member_reads_their_papers(  # type: ignore[no-untyped-def]
    new_journey, live_server
) -> None:
    staff = new_journey(who="secretariat")
    page = staff.page
    sign_in(staff, live_server.users["secretariat"], live_server.password)
    staff.goto(MEETING, "meeting")
    with page.expect_navigation():
        page.get_by_role("link", name="Build the briefing pack").click()
    assert staff.path() == f"{MEETING}/pack"
    # "Meeting on 6 January 2027": the date the pack must name.
    meeting_date = re.search(r"Meeting on (\d{1,2} \w+ \d{4})", page.locator("main").inner_text()).group(1)
    staff.check("pack")

    # Start a build. Polls of the status endpoint are held back while the "building" state
    # is checked (so the page does not reload under axe), then let through.
    polls: list[str] = []
    page.route("**/pack/status.json", lambda route: (polls.append(route.request.url), route.abort()))
    first_build = page.get_by_role("button", name="Build the pack", exact=True).count() == 1
    staff.submit("Build the pack" if first_build else "Rebuild the pack")
    assert staff.path() == f"{MEETING}/pack"
    progress = page.locator("#pack-progress")
    if progress.count():  # still queued or building when the page was made
        assert page.get_by_label("Building the pack").count() == 1
        assert "The pack is being built" in page.locator(".govuk-notification-banner").inner_text()
        staff.check("pack-building")
        deadline = time.monotonic() + 10
        while not polls and time.monotonic() < deadline:  # the page polls every 2 s
            page.wait_for_timeout(200)
        assert polls, "the building page never asked for the build's status"
        page.unroute("**/pack/status.json")
        # The page reloads itself once a poll says the build is ready.
        page.get_by_role("heading", name="Current pack").wait_for(timeout=BUILD_TIMEOUT_MS)
        page.wait_for_load_state("load")
    else:
        page.unroute("**/pack/status.json")
    assert not page.locator("#pack-progress").count()
    assert not page.locator(".govuk-warning-text", has_text="failed").count(), page.locator("main").inner_text()
    assert page.get_by_role("button", name="Rebuild the pack").count() == 1
    staff.check("pack-ready")

    # The business unit's full pack.
    name, data = download(staff, re.compile(r"^Word edition for Business unit"))
    iso = datetime.strptime(meeting_date, "%d %B %Y").date().isoformat()
    assert name == f"panel-papers-{iso}-full.docx", name
    text = check_document(name, data, meeting_date)
    assert re.search(r"RED-\d{4}-0002", text) and re.search(r"RED-\d{4}-0003", text)

    # A panel member: "My meetings", then their own papers for the meeting.
    member = new_journey(who="panel-member")
    sign_in(member, live_server.users["panel_member"], live_server.password)
    member.goto("/panel/", "my-meetings")
    with member.page.expect_navigation():
        member.page.get_by_role("link", name=f"Your papers for {meeting_date}").click()
    assert member.path() == f"{MEETING}/papers"
    assert "These papers were prepared for Test panel member" in member.page.locator("main").inner_text()
    member.check("papers")
    name, data = download(member, re.compile(r"^Download the papers \((Word|PDF)\)"))
    assert re.fullmatch(rf"panel-papers-{iso}-user-\d+\.(docx|pdf)", name), name
    check_document(name, data, meeting_date, "Test panel member")
    # Someone else's edition, or the full pack, is not theirs to download.
    full = page.get_by_role("link", name=re.compile(r"^Word edition for Business unit")).get_attribute("href")
    assert member.page.request.get(member.url(full)).status == 404
