"""The annual review page and its Word report, as the chair and the business unit see them."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from docx import Document

from storage.db import Session
from storage.models import AuditEvent
from tests.helpers import Client
from tests.workflow.test_annual_review import make_known_referrals
from workflow import annual_review as ar


def _client(app, user) -> Client:  # type: ignore[no-untyped-def]
    c = Client(app)
    c.sign_in(user.email)
    return c


def _table_after(html: str, caption: str) -> list[list[str]]:
    """The rows (header and cells, as text) of the table with ``caption``."""
    match = re.search(
        r"<caption[^>]*>\s*" + re.escape(caption) + r"\s*</caption>(.*?)</table>", html, re.DOTALL
    )
    assert match, f"no table captioned {caption!r}"
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", match.group(1), re.DOTALL)
    return [
        [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.DOTALL)]
        for r in rows
    ]


@pytest.mark.parametrize("role", ["chair", "secretariat"])
def test_page_shows_exact_figures_with_a_chart_and_table_for_each(app, staff, role) -> None:  # type: ignore[no-untyped-def]
    make_known_referrals(app)
    html = _client(app, staff[role]).get("/annual-review?year=2025").get_data(as_text=True)
    assert "Annual review of referrals 2025" in html
    assert re.search(r'<option value="2025" selected>2025</option>', html)
    assert '<option value="2024" >2024</option>' in html or '<option value="2024">2024</option>' in html
    # Exact numbers on the page, for the chair.
    assert _table_after(html, "Referrals by outcome")[-2:] == [
        ["Closed without a decision", "1"], ["No decision yet", "4"],
    ]
    assert _table_after(html, "Gender against outcome")[1] == ["Male", "1", "0", "0", "1", "3", "5"]
    assert "fewer than 5" in html  # only in the explanation of the report
    assert "counts from 1 to 4 are shown as “fewer than 5”" in html
    # Every chart is an SVG image with a title and a description, drawn without styles
    # or scripts, followed by its table.
    charts = re.findall(r'<svg class="app-chart[^"]*".*?</svg>', html, re.DOTALL)
    assert len(charts) == 9
    for chart in charts:
        assert 'role="img"' in chart and "<title id=" in chart and "<desc id=" in chart
        assert "style=" not in chart and "<script" not in chart
    tables = html.count('<table class="govuk-table">')
    assert tables == 10  # 9 charts' tables and the times by outcome
    assert 'style="' not in html
    entry = Session.query(AuditEvent).filter_by(action="view", object_type="annual_review").one()
    assert entry.object_id == "2025" and entry.detail == {"referrals": 8}


def test_page_defaults_to_the_last_full_year_and_ignores_a_strange_year(app, staff) -> None:  # type: ignore[no-untyped-def]
    make_known_referrals(app)
    client = _client(app, staff["chair"])
    expected = ar.default_year([2025, 2024], date.today())
    for url in ("/annual-review", "/annual-review?year=banana", "/annual-review?year=1999"):
        html = client.get(url).get_data(as_text=True)
        assert f"Annual review of referrals {expected}" in html


def test_page_with_no_referrals(app, staff) -> None:  # type: ignore[no-untyped-def]
    html = _client(app, staff["chair"]).get("/annual-review").get_data(as_text=True)
    assert "No referrals were received in" in html


def test_report_download_is_a_word_document_with_charts_and_suppressed_tables(app, staff) -> None:  # type: ignore[no-untyped-def]
    make_known_referrals(app)
    response = _client(app, staff["secretariat"]).get("/annual-review/2025.docx")
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "annual-review-of-referrals-2025.docx" in response.headers["Content-Disposition"]
    assert "no-store" in response.headers["Cache-Control"]
    doc = Document(io.BytesIO(response.data))
    assert doc.paragraphs[0].text == "Annual review of referrals 2025"
    assert len(doc.inline_shapes) == 9
    key_values = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    assert key_values == [
        ["Referrals received", "1 January 2025 to 31 December 2025"],
        ["Number of referrals", "8"],
        ["Prepared", f"{date.today().day} {date.today():%B %Y}"],
    ]
    outcomes = [[c.text for c in row.cells] for row in doc.tables[4].rows]
    assert outcomes[0] == ["Outcome", "Referrals"]
    assert outcomes[-1] == ["No decision yet", "fewer than 5"]
    assert "In confidence, not for publication or dissemination" in doc.sections[0].footer.paragraphs[0].text
    entry = Session.query(AuditEvent).filter_by(action="download", object_type="annual_review").one()
    assert entry.object_id == "2025"


def test_report_for_a_year_out_of_range_is_not_found(app, staff) -> None:  # type: ignore[no-untyped-def]
    _client(app, staff["chair"]).get(f"/annual-review/{date.today().year + 1}.docx", status=404)


@pytest.mark.parametrize("url", ["/annual-review", "/annual-review/2025.docx"])
def test_panel_members_and_admins_may_not_see_it(app, staff, url) -> None:  # type: ignore[no-untyped-def]
    for role in ("panel_member", "admin"):
        _client(app, staff[role]).get(url, status=403)


@pytest.mark.parametrize("url", ["/annual-review", "/annual-review/2025.docx"])
def test_anonymous_visitors_are_sent_to_sign_in(client, url) -> None:  # type: ignore[no-untyped-def]
    response = client.get(url, status=302)
    assert "/sign-in" in response.location


def test_nav_links_to_the_annual_review_for_the_chair_only_among_members(app, staff) -> None:  # type: ignore[no-untyped-def]
    assert 'href="/annual-review"' in _client(app, staff["chair"]).get("/").get_data(as_text=True)
    assert 'href="/annual-review"' not in _client(app, staff["panel_member"]).get("/").get_data(as_text=True)


def test_page_and_report_follow_a_reporting_year_from_april(app, staff) -> None:  # type: ignore[no-untyped-def]
    app.extensions["partnership"] = app.extensions["partnership"].model_copy(update={"reporting_year_starts_month": 4})
    make_known_referrals(app)  # received from November 2024 to 31 December 2025
    client = _client(app, staff["chair"])
    html = client.get("/annual-review?year=2024").get_data(as_text=True)
    assert "Annual review of referrals 2024 to 2025" in html
    assert '<option value="2025" >2025 to 2026</option>' in html.replace("  ", " ")
    assert "(1 April 2024 to 31 March 2025, UK time)" in html
    response = client.get("/annual-review/2024.docx")
    assert "annual-review-of-referrals-2024-2025.docx" in response.headers["Content-Disposition"]
    text = "\n".join(p.text for p in Document(io.BytesIO(response.data)).paragraphs)
    assert "Annual review of referrals 2024 to 2025" in text
