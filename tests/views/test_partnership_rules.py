"""The rules page (/secretariat/partnership): every rule of the partnership with its source,
the document's words quoted, or marked as a local setting; one section per panel."""

from __future__ import annotations

import lxml.html

from partnerships.model import LOCAL_LABEL
from tests.helpers import TEST_PASSWORD, Client
from workflow import accounts

URL = "/secretariat/partnership"


def _text(el) -> str:  # type: ignore[no-untyped-def]
    return " ".join(el.text_content().split())


def _page(client: Client) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(client.get(URL).get_data(as_text=True))


def _sections(doc: lxml.html.HtmlElement) -> dict[str, list[lxml.html.HtmlElement]]:
    """Each h2 of the page's main content -> the table rows (tbody) that follow it."""
    out: dict[str, list[lxml.html.HtmlElement]] = {}
    for h2 in doc.xpath("//main//h2"):
        rows: list[lxml.html.HtmlElement] = []
        for sibling in h2.itersiblings():
            if sibling.tag == "h2":
                break
            rows += sibling.xpath("descendant-or-self::table/tbody/tr")
        out[_text(h2)] = rows
    return out


def _row(rows: list[lxml.html.HtmlElement], starts_with: str) -> lxml.html.HtmlElement:
    found = [r for r in rows if _text(r.xpath("./*")[0]).startswith(starts_with)]
    assert len(found) == 1, (starts_with, [_text(r) for r in rows])
    return found[0]


def _source_cell(row: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    return row.xpath("./*")[-1]


def _signed_in(app, role: str = "secretariat") -> Client:  # type: ignore[no-untyped-def]
    partnership = app.extensions["partnership"]
    agency = partnership.agencies[0].id if role == "panel_member" else None
    accounts.create_user(
        partnership,
        email=f"{role}@example.org",
        name=f"Test {role}",
        role=role,
        password=TEST_PASSWORD,
        agency_id=agency,
    )
    client = Client(app)
    client.sign_in(f"{role}@example.org")
    return client


def test_telford_shows_both_panels_with_the_cspr_casting_vote_quoted_and_the_sar_one_local(
    app_factory,  # type: ignore[no-untyped-def]
) -> None:
    app = app_factory(PARTNERSHIP="telford-wrekin")
    doc = _page(_signed_in(app))
    sections = _sections(doc)
    assert "SAR Panel" in sections and "CSPR Panel" in sections

    cspr = _source_cell(_row(sections["CSPR Panel"], "On a split the chair has the casting vote"))
    assert (
        "Telford & Wrekin Safeguarding Partnership arrangements, "
        "Child Safeguarding Practice Review Panel, Decisions and Disputes" in _text(cspr)
    )
    assert "\u201cIn the event of a split the Chair will have the casting vote\u201d" in _text(cspr)
    assert not cspr.xpath(".//*[contains(@class, 'govuk-tag')]")

    sar = _source_cell(_row(sections["SAR Panel"], "The chair has no casting vote"))
    tag = sar.xpath(".//strong[contains(@class, 'govuk-tag')]")
    # The grey tag carries words, so its meaning does not rest on its colour.
    assert [_text(t) for t in tag] == ["Local setting"]
    assert "govuk-tag--grey" in tag[0].get("class")
    assert LOCAL_LABEL in _text(sar)
    assert "casting vote" not in _text(sar)

    # The DHR goes to the Community Safety Partnership: no panel section carries it.
    forwarded = sections["Review types forwarded to another body"]
    assert "Telford & Wrekin Community Safety Partnership" in _text(forwarded[0])
    assert (
        "whilst recognising that the CSP has the statutory responsibility to commission them"
        in _text(forwarded[0])
    )
    assert "Screens referrals for: Safeguarding Adults Review" in _text(sections["SAR Panel"][0])
    assert "Screens referrals for: Child Safeguarding Practice Review" in _text(
        sections["CSPR Panel"][0]
    )
    limits = " ".join(_text(r) for r in sections["Time limits"])
    assert "a rapid review meeting which will be held within 13 working days" in limits


def test_redbridge_shows_its_referral_address_with_the_appendix_e_source(app, staff) -> None:  # type: ignore[no-untyped-def]
    client = Client(app)
    client.sign_in(staff["secretariat"].email)
    doc = _page(client)
    sections = _sections(doc)
    contact = _row(sections["Contact"], "Referrals and papers: RedbridgeOnePanel@redbridge.gov.uk")
    source = _text(_source_cell(contact))
    assert "Redbridge One Panel guidance, Appendix E, referral form" in source
    assert (
        "\u201cPlease complete the form below and send to: \u2026 "
        "RedbridgeOnePanel@redbridge.gov.uk\u201d" in source
    )

    # Organisations: the services that represent each and whether it is a statutory partner.
    council = _row(sections["Organisations"], "London Borough of Redbridge")
    cells = [_text(c) for c in council.xpath("./*")]
    assert council.xpath("./*")[0].tag == "th"
    assert "Legal Services" in cells[1] and "Adult Social Care (HASS)" in cells[1]
    assert cells[2] == "Yes"
    refuge = [_text(c) for c in _row(sections["Organisations"], "Refuge").xpath("./*")]
    assert refuge[1:3] == ["Represented as itself", "No"]

    # One panel, the rapid review run by the children's partnership, the boards.
    assert "One Panel" in sections
    pathway = _text(sections["Pathways run by other bodies"][0])
    assert "Redbridge Safeguarding Children Partnership (RSCP)" in pathway
    boards = " ".join(_text(r) for r in sections["Decision-makers"])
    assert "Redbridge Safeguarding Adults Board" in boards and "Home Office" in boards

    # Every table is captioned; the count of rules is on the page.
    tables = doc.xpath("//main//table")
    assert tables and all(_text(t.xpath("./caption")[0]) for t in tables)
    assert " rules: " in _text(doc.xpath("//main")[0])


def test_a_panel_member_may_not_see_the_rules_page(app) -> None:  # type: ignore[no-untyped-def]
    client = _signed_in(app, "panel_member")
    client.get(URL, status=403)
