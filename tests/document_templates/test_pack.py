"""Pack assembly: one document, headings in order, recipient on every page, PDF annexes."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader, PdfWriter
from reportlab.pdfgen import canvas

from document_templates.contexts import DEMO_CONTEXTS
from document_templates.pack import (
    AnnexError,
    KeyValue,
    PackSection,
    Paragraph,
    Table,
    assemble_docx,
    pdf_with_annexes,
)
from document_templates.pdf import pdf_outline

COVER = {k: v for k, v in DEMO_CONTEXTS["pack_master.docx"].items() if k != "recipient_name"}


def big_pack_sections(n: int = 60, table_rows: int = 300) -> list[PackSection]:
    sections = []
    for i in range(n):
        blocks: list = [
            Paragraph(f'Summary of item {i}: Tom & Jerry <b> "quoted" {{{{ 7*7 }}}}\nsecond line'),
            KeyValue([("Reference", f"OP-2025-{i:04d}"), ("Review type", "SAR")]),
        ]
        if i == 5:
            blocks.append(
                Table(
                    ["Date", "Agency", "Entry", "Analysis"],
                    [
                        [f"2024-{1 + r % 12:02d}-01", "Health", f"Entry {r}", "Why it happened"]
                        for r in range(table_rows)
                    ],
                )
            )
        sections.append(PackSection(f"Item {i}: case {i}", 1 if i % 3 == 0 else 2, blocks))
    return sections


def _headings(doc: Document) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("Heading")]


def test_big_pack_builds_in_order_with_recipient_in_header() -> None:
    sections = big_pack_sections()
    data = assemble_docx(sections, cover=COVER, recipient_name="Dr Aisha Bello")
    doc = Document(io.BytesIO(data))
    assert _headings(doc) == [(f"Heading {s.level}", s.title) for s in sections]
    header_text = "\n".join(p.text for p in doc.sections[0].header.paragraphs)
    assert "Dr Aisha Bello" in header_text
    assert "FOI exemption s41" in header_text
    assert len(doc.sections) == 1  # one header for every page
    table = max(doc.tables, key=lambda t: len(t.rows))
    assert len(table.rows) == 301
    assert table.rows[300].cells[2].text == "Entry 299"
    body_text = "\n".join(p.text for p in doc.paragraphs)
    assert 'Tom & Jerry <b> "quoted" {{ 7*7 }}\nsecond line' in body_text


def test_contents_list_lists_every_heading() -> None:
    sections = big_pack_sections(6, 3)
    doc = Document(io.BytesIO(assemble_docx(sections, cover=COVER, recipient_name="R")))
    entries = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("TOC")]
    assert entries == [(f"TOC {s.level}", f"{s.title}\t") for s in sections]


def test_cover_is_rendered_safely() -> None:
    cover = {**COVER, "pack_title": "Papers {{ 7*7 }} & more"}
    doc = Document(io.BytesIO(assemble_docx([], cover=cover, recipient_name="A <b>")))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Papers {{ 7*7 }} & more" in text
    assert "A <b>" in "\n".join(p.text for p in doc.sections[0].header.paragraphs)


def test_control_characters_are_dropped() -> None:
    doc = Document(
        io.BytesIO(
            assemble_docx(
                [PackSection("T\x00itle", 1, [Paragraph("a\x0bb"), Table(["c\x01"], [["d\x1f"]])])],
                cover=COVER,
                recipient_name="R",
            )
        )
    )
    assert ("Heading 1", "Title") in _headings(doc)


@pytest.mark.parametrize(
    "bad", [PackSection("x", 3), PackSection("  ", 1), PackSection("x", 1, [Table([], [])])]
)
def test_invalid_sections_are_refused(bad: PackSection) -> None:
    with pytest.raises(ValueError):
        assemble_docx([bad], cover=COVER, recipient_name="R")


def _pdf(pages: int, label: str) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    for i in range(pages):
        c.drawString(72, 720, f"{label} page {i + 1}")
        c.showPage()
    c.save()
    return buf.getvalue()


def _pack_pdf(tmp_path: Path, with_outline: bool) -> Path:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(_pdf(4, "Pack"))))
    if with_outline:
        top = writer.add_outline_item(title="Item 0", page_number=1)
        writer.add_outline_item(title="Item 1", page_number=2, parent=top)
        writer.add_outline_item(title="Item 2", page_number=3)
    path = tmp_path / "pack.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    return path


def test_annexes_are_appended_and_bookmarked(tmp_path: Path) -> None:
    pack = _pack_pdf(tmp_path, with_outline=True)
    annexes = [("Police return", _pdf(2, "Police")), ("Health return", _pdf(3, "Health"))]
    out = PdfReader(io.BytesIO(pdf_with_annexes(pack, annexes)))
    assert len(out.pages) == 4 + 2 + 3
    outline = [(i.level, i.title, i.page) for i in pdf_outline(out)]
    assert outline == [
        (1, "Item 0", 2),
        (2, "Item 1", 3),
        (1, "Item 2", 4),
        (1, "Annexes", 5),
        (2, "Police return", 5),
        (2, "Health return", 7),
    ]
    assert "Health page 1" in out.pages[6].extract_text()


def test_headings_found_by_text_when_pdf_has_no_bookmarks(tmp_path: Path) -> None:
    pack = _pack_pdf(tmp_path, with_outline=False)
    out = PdfReader(io.BytesIO(pdf_with_annexes(pack, [], headings=[(1, "Pack page 3")])))
    assert [(i.level, i.title, i.page) for i in pdf_outline(out)] == [(1, "Pack page 3", 3)]


def test_unreadable_or_locked_annex_is_named(tmp_path: Path) -> None:
    pack = _pack_pdf(tmp_path, with_outline=True)
    with pytest.raises(AnnexError, match="Broken return"):
        pdf_with_annexes(pack, [("Broken return", b"%PDF-1.4 not really")])
    locked = PdfWriter(clone_from=PdfReader(io.BytesIO(_pdf(1, "Locked"))))
    locked.encrypt(user_password="secret", owner_password="owner")
    buf = io.BytesIO()
    locked.write(buf)
    with pytest.raises(AnnexError, match="password"):
        pdf_with_annexes(pack, [("Locked return", buf.getvalue())])
