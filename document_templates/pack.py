"""Assembling a meeting pack: one .docx, then one PDF with the agencies' returns appended.

Which sections a pack holds, and for whom, is decided by the meeting workflow; this module
only assembles them. A pack is built as *one* document: the master template
(``templates/pack_master.docx``: cover page, contents list, confidentiality header naming
the recipient, Page X of Y) is rendered once, and every section is added to its body as
WordprocessingML generated in one go. Merging one sub-document at a time with docxcompose
costs 85–230 ms a document and grows with the pack; this costs milliseconds a section.

Section titles are Heading 1 / Heading 2 paragraphs, so Word's navigation pane, the
contents list and the PDF bookmarks all pick them up.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docx import Document
from lxml import etree
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError
from pypdf.generic import NameObject

from document_templates._xml import XML_ILLEGAL as _XML_ILLEGAL
from document_templates._xml import escape
from document_templates.pdf import OutlineItem, pdf_outline
from document_templates.render import render_docx
from document_templates.toc import fill_toc_element

__all__ = [
    "AnnexError",
    "KeyValue",
    "PACK_MASTER",
    "PackSection",
    "Paragraph",
    "Table",
    "assemble_docx",
    "pdf_with_annexes",
]

PACK_MASTER = Path(__file__).resolve().parent / "templates" / "pack_master.docx"

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_TWIPS_PER_CM = 567
# The width of the text block is read from the master; this is the fallback (A4, 2.3 cm margins).
_DEFAULT_TEXT_WIDTH = 9298
_SHADE = "E7ECF3"
# Table text is 10 pt Arial: about 120 twips a character, plus the cell margins.
_TWIPS_PER_CHAR = 120
_CELL_PADDING = 240


class AnnexError(Exception):
    """An annex PDF could not be appended (unreadable, encrypted, no pages)."""


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of text; line breaks in ``text`` are kept. ``style`` is a Word style id."""

    text: str
    style: str | None = None


@dataclass(frozen=True)
class Table:
    """A table with a header row (repeated on every page) and rows of values."""

    columns: Sequence[str]
    rows: Sequence[Sequence[Any]]


@dataclass(frozen=True)
class KeyValue:
    """A two-column table of labels and values (e.g. the details of a referral)."""

    rows: Sequence[tuple[str, Any]]


Block = Paragraph | Table | KeyValue


@dataclass(frozen=True)
class PackSection:
    """A titled section of a pack: ``level`` 1 starts a new page, 2 is a sub-section."""

    title: str
    level: int = 1
    blocks: Sequence[Block] = field(default_factory=tuple)


# -- WordprocessingML ----------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    return _XML_ILLEGAL.sub("", value if isinstance(value, str) else str(value))


def _runs(text: str, *, bold: bool = False) -> str:
    rpr = "<w:rPr><w:b/></w:rPr>" if bold else ""
    pieces = []
    for i, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n")):
        br = "<w:br/>" if i else ""
        pieces.append(f'<w:r>{rpr}{br}<w:t xml:space="preserve">{escape(line)}</w:t></w:r>')
    return "".join(pieces)


def _para(text: str, style: str | None = None, *, bold: bool = False) -> str:
    ppr = f'<w:pPr><w:pStyle w:val="{escape(style)}"/></w:pPr>' if style else ""
    return f"<w:p>{ppr}{_runs(text, bold=bold)}</w:p>"


def _cell(text: str, width: int, *, bold: bool = False, shade: bool = False) -> str:
    shd = f'<w:shd w:val="clear" w:color="auto" w:fill="{_SHADE}"/>' if shade else ""
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{shd}</w:tcPr>'
        f"{_para(text, 'TableText', bold=bold)}</w:tc>"
    )


def _table(
    widths: Sequence[int], rows: Sequence[Sequence[str]], *, header: bool, key_column: bool = False
) -> str:
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    out = [
        '<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/>'
        f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:tblLayout w:type="fixed"/>'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" '
        'w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>"
    ]
    for r, row in enumerate(rows):
        is_header = header and r == 0
        # A header row repeats on every page; no row is split across pages.
        trpr = (
            "<w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>"
            if is_header
            else "<w:trPr><w:cantSplit/></w:trPr>"
        )
        cells = "".join(
            _cell(
                value,
                widths[c],
                bold=is_header or (key_column and c == 0),
                shade=is_header or (key_column and c == 0),
            )
            for c, value in enumerate(row)
        )
        out.append(f"<w:tr>{trpr}{cells}</w:tr>")
    out.append("</w:tbl>")
    # Word needs a paragraph between two tables, and it gives air after the table.
    out.append('<w:p><w:pPr><w:spacing w:after="60"/></w:pPr></w:p>')
    return "".join(out)


def _column_widths(columns: Sequence[str], rows: Sequence[Sequence[str]], total: int) -> list[int]:
    """Share the width by content (header and a sample of rows).

    Each column first gets room for its longest word (so that "Health" is not broken into
    letters), up to an equal share; the rest goes by typical text length.
    """
    sample = rows[:50]
    n = len(columns)
    minimums: list[int] = []
    weights: list[float] = []
    for c, name in enumerate(columns):
        texts = [name] + [row[c] for row in sample]
        longest_word = max((len(w) for t in texts for w in t.split()), default=1)
        minimums.append(min(longest_word * _TWIPS_PER_CHAR + _CELL_PADDING, total // n))
        typical = sum(len(t) for t in texts) / len(texts)
        weights.append(min(max(typical, 1.0), 60.0))
    spare = max(total - sum(minimums), 0)
    widths = [m + int(spare * w / sum(weights)) for m, w in zip(minimums, weights, strict=True)]
    widths[-1] += total - sum(widths)
    return widths


def _block_xml(block: Block, text_width: int) -> str:
    if isinstance(block, Paragraph):
        return _para(_text(block.text), block.style)
    if isinstance(block, KeyValue):
        rows = [[_text(k), _text(v)] for k, v in block.rows]
        if not rows:
            return ""
        key = min(int(text_width * 0.32), 5 * _TWIPS_PER_CM + 300)
        return _table([key, text_width - key], rows, header=False, key_column=True)
    if isinstance(block, Table):
        columns = [_text(c) for c in block.columns]
        if not columns:
            raise ValueError("a table needs at least one column")
        rows = []
        for row in block.rows:
            cells = [_text(v) for v in row]
            if len(cells) > len(columns):
                raise ValueError(f"a row has {len(cells)} cells for {len(columns)} columns")
            rows.append(cells + [""] * (len(columns) - len(cells)))
        widths = _column_widths(columns, rows, text_width)
        return _table(widths, [columns, *rows], header=True)
    raise TypeError(f"not a pack block: {type(block).__name__}")


def _section_xml(section: PackSection, text_width: int) -> str:
    if section.level not in (1, 2):
        raise ValueError(f"section level must be 1 or 2, not {section.level}")
    title = _text(section.title).strip()
    if not title:
        raise ValueError("a section needs a title")
    parts = [_para(title.replace("\n", " "), f"Heading{section.level}")]
    parts.extend(_block_xml(block, text_width) for block in section.blocks)
    return "".join(parts)


def _text_width(doc: Any) -> int:
    section = doc.sections[-1]
    try:
        return int((section.page_width - section.left_margin - section.right_margin).twips)
    except (TypeError, AttributeError):
        return _DEFAULT_TEXT_WIDTH


def assemble_docx(
    sections: Sequence[PackSection],
    *,
    cover: Mapping[str, Any],
    recipient_name: str,
    master: bytes | Path | None = None,
) -> bytes:
    """Build one pack .docx from the master template and ``sections``; return its bytes.

    ``cover`` is the master's context (see ``DEMO_CONTEXTS["pack_master.docx"]``);
    ``recipient_name`` is printed on the cover and in the header of every page. The
    contents list is written from the section titles (page numbers are added when the
    pack is converted with ``update_toc=True``, or by Word when the field is updated).
    """
    template = master if master is not None else PACK_MASTER
    rendered = render_docx(template, {**cover, "recipient_name": recipient_name})
    doc = Document(io.BytesIO(rendered))
    text_width = _text_width(doc)
    xml = "".join(_section_xml(section, text_width) for section in sections)
    fragment = etree.fromstring(f'<w:body xmlns:w="{_W}">{xml}</w:body>')
    body = doc.element.body
    sect_pr = body.find(f"{{{_W}}}sectPr")
    for element in list(fragment):
        if sect_pr is not None:
            sect_pr.addprevious(element)
        else:
            body.append(element)
    fill_toc_element(doc.element)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# -- PDF -----------------------------------------------------------------------------------


def _open_annex(title: str, data: bytes) -> PdfReader:
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise AnnexError(f"annex {title!r} is password-protected")
        if len(reader.pages) == 0:
            raise AnnexError(f"annex {title!r} has no pages")
    except AnnexError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise AnnexError(f"annex {title!r} is not a readable PDF: {exc}") from exc
    return reader


def _find_headings(reader: PdfReader, headings: Sequence[tuple[int, str]]) -> list[OutlineItem]:
    """Pages of headings by their text, in order (for PDFs made without bookmarks)."""
    found: list[OutlineItem] = []
    page_index = 0
    texts: dict[int, str] = {}

    def text_of(i: int) -> str:
        if i not in texts:
            texts[i] = re.sub(r"\s+", " ", reader.pages[i].extract_text() or "").casefold()
        return texts[i]

    for level, title in headings:
        want = re.sub(r"\s+", " ", title).strip().casefold()
        for i in range(page_index, len(reader.pages)):
            if want in text_of(i):
                found.append(OutlineItem(level, title, i + 1))
                page_index = i
                break
    return found


def pdf_with_annexes(
    pack_pdf: Path,
    annexes: Sequence[tuple[str, bytes]],
    *,
    headings: Sequence[tuple[int, str]] | None = None,
) -> bytes:
    """Append the annex PDFs (title, bytes) to the pack PDF and bookmark everything.

    Bookmarks: each Heading 1 of the pack at the top level with its Heading 2s as
    children (taken from the bookmarks LibreOffice exports, or found by the text of
    ``headings`` — (level, title) pairs — when the PDF has none), then "Annexes" with one
    bookmark per annex at its first page. Actions that annexes would run on opening a
    page are removed. Raises :class:`AnnexError` naming an annex that cannot be read.
    """
    source = PdfReader(str(pack_pdf))
    outline = [item for item in pdf_outline(source) if item.level <= 2 and item.page > 0]
    if not outline and headings:
        outline = _find_headings(source, headings)

    writer = PdfWriter(clone_from=source)
    # Rebuild the outline from scratch: only the pack's two heading levels and the annexes.
    if "/Outlines" in writer._root_object:
        del writer._root_object["/Outlines"]

    parent = None
    for item in outline:
        if item.level == 1 or parent is None:
            parent = writer.add_outline_item(title=item.title, page_number=item.page - 1)
        else:
            writer.add_outline_item(title=item.title, page_number=item.page - 1, parent=parent)

    readers = [(title, _open_annex(title, data)) for title, data in annexes]
    annex_root = None
    for title, reader in readers:
        start = len(writer.pages)
        writer.append(reader, import_outline=False)
        for page in writer.pages[start:]:
            if "/AA" in page:
                del page[NameObject("/AA")]
        if annex_root is None:
            annex_root = writer.add_outline_item(title="Annexes", page_number=start)
        writer.add_outline_item(title=title, page_number=start, parent=annex_root)
    writer.page_mode = "/UseOutlines"
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
