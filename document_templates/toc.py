"""The table of contents of a .docx: writing its entries ourselves.

Word fills a ``TOC`` field when the reader presses F9; LibreOffice exports the field's
stored result as it is and, in headless conversion, never regenerates it (and the
installed LibreOffice has no Basic or Python scripting to run an "update all" macro).
So the entries are written here, as the field's result, from the document's headings:

* :func:`fill_toc` without page numbers gives a .docx whose contents list is already
  right apart from page numbers (Word can still update the field as usual);
* with ``page_fields`` each entry's page number is a PAGEREF field that LibreOffice
  fills in when it converts the document (see :mod:`document_templates.pdf`), so the
  printed contents list is complete after one conversion.

Each entry links to a bookmark on its heading, so the contents list is clickable in Word
and in the PDF.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass

from docx import Document
from docx.oxml.ns import qn
from lxml import etree

from document_templates._xml import escape

__all__ = [
    "Heading",
    "add_toc_field",
    "document_headings",
    "fill_toc",
    "fill_toc_element",
    "has_toc",
]

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_HEADING_STYLE = re.compile(r"^Heading([1-9])$")
_LEVELS = re.compile(r'\\o\s+"?(\d)\s*-\s*(\d)"?')



@dataclass(frozen=True)
class Heading:
    """A heading the contents list shows: its level (1 = Heading 1), text and bookmark."""

    level: int
    text: str
    bookmark: str


def _w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


def _text_of(p: etree._Element) -> str:
    parts: list[str] = []
    for node in p.iter(_w("t"), _w("tab"), _w("br")):
        if node.tag == _w("t"):
            parts.append(node.text or "")
        else:
            parts.append(" ")
    return re.sub(r"\s+", " ", "".join(parts)).strip()


def _style_level(p: etree._Element) -> int | None:
    style = p.find(f"{_w('pPr')}/{_w('pStyle')}")
    if style is None:
        return None
    m = _HEADING_STYLE.match(style.get(qn("w:val")) or "")
    return int(m.group(1)) if m else None


def _field_start(body: etree._Element) -> tuple[etree._Element, str] | None:
    """The paragraph whose field instruction is ``TOC …`` and that instruction."""
    for instr in body.iter(_w("instrText")):
        if (instr.text or "").strip().upper().startswith("TOC"):
            p = next(instr.iterancestors(_w("p")))
            return p, instr.text or ""
    return None


def has_toc(docx: bytes) -> bool:
    """Whether the document holds a ``TOC`` field."""
    return _field_start(Document(io.BytesIO(docx)).element.body) is not None


def _field_end(start_p: etree._Element) -> etree._Element:
    """The paragraph holding the ``end`` that closes the field begun in ``start_p``."""
    depth = 0
    p: etree._Element | None = start_p
    while p is not None:
        for fld in p.iter(_w("fldChar")):
            kind = fld.get(qn("w:fldCharType"))
            if kind == "begin":
                depth += 1
            elif kind == "end":
                depth -= 1
                if depth == 0:
                    return p
        p = p.getnext()
    raise ValueError("the table of contents field is not closed")


def _escape(text: str) -> str:
    return escape(text)


def _run(text: str = "", *, extra: str = "") -> str:
    body = f'<w:t xml:space="preserve">{_escape(text)}</w:t>' if text else ""
    return f"<w:r>{extra}{body}</w:r>"


def _paragraphs(xml: str) -> list[etree._Element]:
    root = etree.fromstring(f'<w:body xmlns:w="{_W}">{xml}</w:body>')
    return list(root)


def document_headings(doc_element: etree._Element, max_level: int = 2) -> list[Heading]:
    """Headings of the body (Heading 1 … ``max_level``), bookmarking each one that lacks it."""
    body = doc_element.find(_w("body"))
    headings: list[Heading] = []
    used = {b.get(qn("w:name")) for b in body.iter(_w("bookmarkStart"))}
    next_id = 1 + max(
        (
            int(b.get(qn("w:id")))
            for b in body.iter(_w("bookmarkStart"))
            if (b.get(qn("w:id")) or "").isdigit()
        ),
        default=0,
    )
    for p in body.iter(_w("p")):
        level = _style_level(p)
        if level is None or level > max_level:
            continue
        text = _text_of(p)
        if not text:
            continue
        mark = next(
            (
                b.get(qn("w:name"))
                for b in p.iter(_w("bookmarkStart"))
                if (b.get(qn("w:name")) or "").startswith("_Toc")
            ),
            None,
        )
        if mark is None:
            mark = f"_Toc{next_id:08d}"
            while mark in used:
                next_id += 1
                mark = f"_Toc{next_id:08d}"
            used.add(mark)
            start = etree.Element(_w("bookmarkStart"))
            start.set(qn("w:id"), str(next_id))
            start.set(qn("w:name"), mark)
            end = etree.Element(_w("bookmarkEnd"))
            end.set(qn("w:id"), str(next_id))
            ppr = p.find(_w("pPr"))
            index = 0 if ppr is None else list(p).index(ppr) + 1
            p.insert(index, start)
            p.append(end)
            next_id += 1
        headings.append(Heading(level, text, mark))
    return headings


def _page_field(bookmark: str, cached: str) -> str:
    """A PAGEREF field: the page its bookmark falls on, worked out at layout."""
    return (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        + _run(extra=f'<w:instrText xml:space="preserve"> PAGEREF {bookmark} \\h </w:instrText>')
        + '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        + _run(cached)
        + '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )


def _toc_xml(instr: str, headings: Sequence[Heading], pages: Sequence[str], *, page_fields: bool = False) -> str:
    """The field's paragraphs: begin/instruction/separate, one entry a heading, end.

    With ``page_fields`` each entry's page number is a PAGEREF field to its heading's
    bookmark, and the entries are not wrapped in the ``TOC`` field: LibreOffice keeps a
    TOC field's content as it was stored, but works out PAGEREF fields outside one when
    it lays the document out, so one conversion prints the right pages.
    """
    field_start = (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        + _run(extra=f'<w:instrText xml:space="preserve">{_escape(instr)}</w:instrText>')
        + '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
    )
    paras: list[str] = []
    for i, (h, page) in enumerate(zip(headings, pages, strict=True)):
        head = field_start if i == 0 and not page_fields else ""
        number = _page_field(h.bookmark, page) if page_fields else _run(page)
        link = (
            f'<w:hyperlink w:anchor="{h.bookmark}" w:history="1">'
            + _run(h.text)
            + _run(extra="<w:tab/>")
            + number
            + "</w:hyperlink>"
        )
        paras.append(f'<w:p><w:pPr><w:pStyle w:val="TOC{h.level}"/></w:pPr>{head}{link}</w:p>')
    if page_fields:
        return "".join(paras)
    if not headings:
        paras.append(
            f"<w:p>{field_start}{_run('The contents list is completed when the pack is assembled.')}</w:p>"
        )
    paras.append('<w:p><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')
    return "".join(paras)


def add_toc_field(levels: str = "1-2") -> list[etree._Element]:
    """Paragraphs holding an empty ``TOC`` field (for building templates and packs)."""
    instr = f' TOC \\o "{levels}" \\h \\z \\u '
    return _paragraphs(_toc_xml(instr, [], []))


def fill_toc_element(
    doc_element: etree._Element, pages: Sequence[int | str | None] | None = None, *, page_fields: bool = False
) -> list[Heading]:
    """:func:`fill_toc` on a parsed ``w:document`` element, changed in place."""
    body = doc_element.find(_w("body"))
    found = _field_start(body)
    if found is None:
        return document_headings(doc_element)
    start_p, instr = found
    m = _LEVELS.search(instr)
    max_level = int(m.group(2)) if m else 3
    end_p = _field_end(start_p)
    headings = document_headings(doc_element, max_level)
    if pages is None:
        texts = [""] * len(headings)
    else:
        if len(pages) != len(headings):
            raise ValueError(f"{len(pages)} page numbers for {len(headings)} headings")
        texts = ["" if p is None else str(p) for p in pages]
    new = _paragraphs(_toc_xml(instr, headings, texts, page_fields=page_fields and bool(headings)))
    # Replace the old field paragraphs (start … end inclusive) by the new ones.
    parent = start_p.getparent()
    index = list(parent).index(start_p)
    p: etree._Element | None = start_p
    while p is not None:
        following = p.getnext()
        parent.remove(p)
        if p is end_p:
            break
        p = following
    for offset, el in enumerate(new):
        parent.insert(index + offset, el)
    return headings


def fill_toc(
    docx: bytes, pages: Sequence[int | str | None] | None = None, *, page_fields: bool = False
) -> tuple[bytes, list[Heading]]:
    """Write the contents list of ``docx`` from its headings; return the new file and them.

    ``pages`` gives the page of each heading in order (``None`` for unknown); without it
    the entries carry no page numbers (Word adds them when the field is updated). With
    ``page_fields`` the page numbers are PAGEREF fields that LibreOffice fills in as it
    converts (for the PDF edition; see :func:`_toc_xml`). A document without a ``TOC``
    field comes back unchanged with its headings.
    """
    doc = Document(io.BytesIO(docx))
    if _field_start(doc.element.body) is None:
        return docx, document_headings(doc.element)
    headings = fill_toc_element(doc.element, pages, page_fields=page_fields)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue(), headings
