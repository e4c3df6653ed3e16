"""The screening request as a Word document and as a fillable PDF, made from the form
definition, so that the web form, the Word form and the PDF always ask the same questions.

Both are laid out so that ``ingest`` can read them back: in Word each question is a
heading with the answer under it and the chronology is a table headed
"Date | Event | Action / outcome"; in the PDF each question is an AcroForm field named
by its question id (checkbox options ``<id>__<value>``, chronology cells
``chronology_<n>_date|event|outcome``).
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.shared import Cm, Pt, RGBColor
from reportlab.lib.colors import HexColor, black
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

import document_templates  # noqa: F401  (applies the python-docx compatibility fix)

CHRONOLOGY_ROWS_DOCX = 15
CHRONOLOGY_ROWS_PDF = 30
CHRONOLOGY_HEADERS = ("Date", "Event", "Action / outcome")
CONFIDENTIAL = "In confidence, not for publication or dissemination"


def _yes_no(q: Any) -> list[tuple[str, str]]:
    if q.type == "yes_no":
        return [("yes", "Yes"), ("no", "No")]
    return [(o.value, o.label) for o in q.choice_options]


def printable_questions(definition: Any) -> list[Any]:
    """The questions a printed form asks, in order (content blocks left out)."""
    return [q for page in definition.pages for q in page.questions if q.type != "content"]


def flat_label(q: Any) -> str:
    if q.type == "group" and q.id != "chronology":
        names = "; ".join(f.label.rstrip("?").lower() for f in q.fields)
        return f"{q.label} ({names})"
    return q.label


# -- Word ---------------------------------------------------------------------------------


def request_docx(definition: Any, context: Mapping[str, Any]) -> bytes:
    """A Word screening request an agency can fill in and return (as Word or PDF)."""
    doc = Document()
    section = doc.sections[0]
    section.left_margin = section.right_margin = Cm(2)
    styles = doc.styles
    styles["Normal"].font.name = "Arial"
    styles["Normal"].font.size = Pt(11)
    for name in ("Title", "Heading 1", "Heading 2"):
        styles[name].font.name = "Arial"
        styles[name].font.color.rgb = RGBColor(0x0B, 0x0C, 0x0C)
    footer = section.footer.paragraphs[0]
    footer.text = CONFIDENTIAL
    header = section.header.paragraphs[0]
    header.text = str(context.get("partnership_name", ""))

    doc.add_heading(str(context.get("title", "Screening request for information")), level=0)
    intro = doc.add_paragraph()
    intro.add_run(f"Reference: {context.get('reference', '')}").bold = True
    doc.add_paragraph(f"Agency: {context.get('agency_name', '')}")
    doc.add_paragraph(f"Please return by: {context.get('deadline', '')}")
    doc.add_paragraph(
        "Answer each question under its heading. For a choice, replace ☐ with ☒ next to "
        "your answer. Add rows to the chronology table if you need them. Return the "
        "completed form through the link in your e-mail, as a Word document saved as PDF."
    )
    for q in printable_questions(definition):
        doc.add_heading(flat_label(q), level=2)
        if q.hint:
            hint = doc.add_paragraph(q.hint)
            hint.runs[0].italic = True
        if q.type in ("radios", "yes_no", "checkboxes"):
            for _value, label in _yes_no(q):
                doc.add_paragraph(f"☐ {label}")
        elif q.id == "chronology":
            table = doc.add_table(rows=1 + CHRONOLOGY_ROWS_DOCX, cols=3)
            table.style = "Table Grid"
            table.alignment = WD_TABLE_ALIGNMENT.CENTER
            for cell, text in zip(table.rows[0].cells, CHRONOLOGY_HEADERS, strict=True):
                cell.text = text
                cell.paragraphs[0].runs[0].bold = True
        else:
            doc.add_paragraph("")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# -- PDF ----------------------------------------------------------------------------------


class _Layout:
    """Writes fields down A4 pages, starting a new page when one is full."""

    def __init__(self, c: canvas.Canvas, context: Mapping[str, Any]) -> None:
        self.c = c
        self.context = context
        self.width, self.height = A4
        self.left = 20 * mm
        self.right = self.width - 20 * mm
        self.y = 0.0
        self.page = 0
        self.new_page()

    def new_page(self) -> None:
        if self.page:
            self.c.showPage()
        self.page += 1
        self.c.setFont("Helvetica", 8)
        self.c.drawString(self.left, 12 * mm, CONFIDENTIAL)
        self.c.drawRightString(self.right, 12 * mm, f"Page {self.page}")
        self.c.drawString(self.left, self.height - 12 * mm, str(self.context.get("partnership_name", "")))
        self.y = self.height - 22 * mm

    def need(self, height: float) -> None:
        if self.y - height < 20 * mm:
            self.new_page()

    def text(self, text: str, size: int = 10, bold: bool = False, gap: float = 2) -> None:
        font = "Helvetica-Bold" if bold else "Helvetica"
        words, line, lines = text.split(), "", []
        for word in words:
            trial = f"{line} {word}".strip()
            if self.c.stringWidth(trial, font, size) > self.right - self.left:
                lines.append(line)
                line = word
            else:
                line = trial
        lines.append(line)
        self.need(len(lines) * (size + 3) + gap)
        self.c.setFont(font, size)
        for ln in lines:
            self.y -= size + 3
            self.c.drawString(self.left, self.y, ln)
        self.y -= gap


def request_pdf(definition: Any, context: Mapping[str, Any]) -> bytes:
    """A fillable PDF (AcroForm) screening request with the definition's questions."""
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    c.setTitle(f"Screening request {context.get('reference', '')}")
    form = c.acroForm
    lay = _Layout(c, context)
    lay.text(str(context.get("title", "Screening request for information")), size=16, bold=True, gap=6)
    lay.text(f"Reference: {context.get('reference', '')}", bold=True)
    lay.text(f"Agency: {context.get('agency_name', '')}")
    lay.text(f"Please return by: {context.get('deadline', '')}", gap=8)
    field_style = {
        "borderColor": HexColor("#0b0c0c"),
        "fillColor": HexColor("#ffffff"),
        "textColor": black,
        "forceBorder": True,
        "fontSize": 9,
    }
    for q in printable_questions(definition):
        lay.text(flat_label(q), size=11, bold=True)
        if q.hint:
            lay.text(q.hint, size=8)
        if q.type in ("radios", "yes_no"):
            for value, label in _yes_no(q):
                lay.need(16)
                lay.y -= 14
                form.radio(
                    name=q.id, value=value, selected=False, x=lay.left, y=lay.y,
                    size=11, buttonStyle="circle", borderColor=HexColor("#0b0c0c"),
                    fillColor=HexColor("#ffffff"), forceBorder=True, tooltip=label,
                )
                c.setFont("Helvetica", 10)
                c.drawString(lay.left + 16, lay.y + 2, label)
            lay.y -= 6
        elif q.type == "checkboxes":
            for value, label in _yes_no(q):
                lay.need(16)
                lay.y -= 14
                form.checkbox(
                    name=f"{q.id}__{value}", x=lay.left, y=lay.y, size=11,
                    buttonStyle="check", borderColor=HexColor("#0b0c0c"),
                    fillColor=HexColor("#ffffff"), forceBorder=True, tooltip=label,
                )
                c.setFont("Helvetica", 10)
                c.drawString(lay.left + 16, lay.y + 2, label)
            lay.y -= 6
        elif q.id == "chronology":
            widths = (28 * mm, 72 * mm, (lay.right - lay.left) - 100 * mm)
            lay.need(14)
            c.setFont("Helvetica-Bold", 9)
            x = lay.left
            lay.y -= 12
            for w, head in zip(widths, CHRONOLOGY_HEADERS, strict=True):
                c.drawString(x + 2, lay.y + 3, head)
                x += w
            for n in range(1, CHRONOLOGY_ROWS_PDF + 1):
                lay.need(26)
                lay.y -= 24
                x = lay.left
                for w, part in zip(widths, ("date", "event", "outcome"), strict=True):
                    form.textfield(
                        name=f"chronology_{n}_{part}", x=x, y=lay.y, width=w - 2, height=22,
                        fieldFlags="multiline" if part != "date" else "", tooltip=f"Row {n} {part}",
                        **field_style,
                    )
                    x += w
            lay.y -= 6
        else:
            tall = q.type in ("textarea", "group")
            height = 70 if tall else 18
            lay.need(height + 6)
            lay.y -= height
            form.textfield(
                name=q.id, x=lay.left, y=lay.y, width=lay.right - lay.left, height=height,
                fieldFlags="multiline" if tall else "", tooltip=q.label, **field_style,
            )
            lay.y -= 8
    c.save()
    return out.getvalue()
