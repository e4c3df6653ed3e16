"""Build the standard .docx templates in ``document_templates/templates/``.

The outputs are committed: the business unit opens them in Word, adjusts the wording and
uploads its own version; this script only recreates the standard starting point. It is
reproducible: run it again and the files come out byte for byte the same (the zip
timestamps and document dates are fixed).

    python -m document_templates.build_templates [--out DIR]

Tags follow docxtpl: ``{{ value }}``, ``{%p for … %}`` (repeat a paragraph),
``{%tr for … %}`` (repeat a table row), ``{%p if … %}``. Every variable a template uses is
listed, with example data, in :mod:`document_templates.contexts`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import sys
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph

from document_templates.toc import add_toc_field

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"

FONT = "Arial"  # LibreOffice renders it with the metric-compatible Liberation Sans
ACCENT = RGBColor(0x1D, 0x3D, 0x6E)
GREY = RGBColor(0x50, 0x50, 0x50)
SHADE = "E7ECF3"
CONFIDENTIAL = "In confidence, not for publication or dissemination"
PACK_CONFIDENTIAL = "In confidence, not for publication or dissemination – FOI exemption s41"

# Fixed so that rebuilding gives identical files.
_FIXED_DATE = dt.datetime(2025, 1, 1, 9, 0, 0)
_ZIP_DATE = (2025, 1, 1, 9, 0, 0)


# -- styles --------------------------------------------------------------------------


def _set_font(
    style_or_run: object,
    size: float | None = None,
    *,
    bold: bool | None = None,
    colour: RGBColor | None = None,
) -> None:
    """Arial for every script (Word otherwise falls back to Calibri/Cambria for some)."""
    font = style_or_run.font  # type: ignore[attr-defined]
    font.name = FONT
    rpr = style_or_run.element.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(attr), None)
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    if colour is not None:
        font.color.rgb = colour


def _setup_styles(doc: DocumentObject) -> None:
    styles = doc.styles
    normal = styles["Normal"]
    _set_font(normal, 11)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15

    for name, size, before in (("Heading 1", 14, 14), ("Heading 2", 12, 10), ("Title", 20, 0)):
        style = styles[name]
        _set_font(style, size, bold=True, colour=ACCENT)
        style.font.italic = False
        style.paragraph_format.space_before = Pt(before)
        style.paragraph_format.space_after = Pt(6)
        style.paragraph_format.keep_with_next = True
    # The Title style has a coloured bottom border in the default template; keep it plain.
    title_ppr = styles["Title"].element.get_or_add_pPr()
    for border in title_ppr.findall(qn("w:pBdr")):
        title_ppr.remove(border)

    for name in ("List Bullet", "List Number"):
        _set_font(styles[name], 11)

    table_text = styles.add_style("Table Text", WD_STYLE_TYPE.PARAGRAPH)
    table_text.base_style = normal
    _set_font(table_text, 10)
    table_text.paragraph_format.space_after = Pt(2)
    table_text.paragraph_format.line_spacing = 1.0

    small = styles.add_style("Letterhead Detail", WD_STYLE_TYPE.PARAGRAPH)
    small.base_style = normal
    _set_font(small, 9, colour=GREY)
    small.paragraph_format.space_after = Pt(0)

    footer = styles.add_style("Confidentiality", WD_STYLE_TYPE.PARAGRAPH)
    footer.base_style = normal
    _set_font(footer, 8.5, bold=True, colour=GREY)
    footer.paragraph_format.space_after = Pt(0)
    footer.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER

    text_width = (
        doc.sections[0].page_width - doc.sections[0].left_margin - doc.sections[0].right_margin
    )
    for level in (1, 2):
        toc = styles.add_style(f"TOC {level}", WD_STYLE_TYPE.PARAGRAPH)
        toc.base_style = normal
        _set_font(toc, 11, bold=(level == 1))
        fmt = toc.paragraph_format
        fmt.left_indent = Cm(0.6 * (level - 1))
        fmt.space_after = Pt(3 if level == 1 else 1)
        fmt.tab_stops.add_tab_stop(text_width, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)

    contents = styles.add_style("Contents Heading", WD_STYLE_TYPE.PARAGRAPH)
    contents.base_style = normal
    # Not a Heading style: the contents list must not list itself.
    _set_font(contents, 14, bold=True, colour=ACCENT)
    contents.paragraph_format.space_after = Pt(12)


def _page_setup(doc: DocumentObject) -> None:
    section = doc.sections[0]
    section.page_width = Cm(21.0)
    section.page_height = Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.3)
    section.top_margin = Cm(2.2)
    section.bottom_margin = Cm(2.0)
    section.header_distance = Cm(1.0)
    section.footer_distance = Cm(0.9)


# -- building blocks --------------------------------------------------------------------


def _field(paragraph: Paragraph, instruction: str, shown: str) -> None:
    """A Word field (PAGE, NUMPAGES …) with ``shown`` as its stored result."""

    def fld(kind: str) -> None:
        run = paragraph.add_run()
        char = OxmlElement("w:fldChar")
        char.set(qn("w:fldCharType"), kind)
        run._r.append(char)

    fld("begin")
    run = paragraph.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run._r.append(instr)
    fld("separate")
    paragraph.add_run(shown)
    fld("end")


def _bottom_border(paragraph: Paragraph, colour: str = "1D3D6E") -> None:
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "8"), ("w:space", "4"), ("w:color", colour)):
        bottom.set(qn(key), value)
    borders.append(bottom)
    ppr.append(borders)


def _page_x_of_y(paragraph: Paragraph) -> None:
    paragraph.add_run("Page ")
    _field(paragraph, "PAGE", "1")
    paragraph.add_run(" of ")
    _field(paragraph, "NUMPAGES", "1")


def _letterhead(doc: DocumentObject) -> None:
    """Header: partnership name and address; footer: confidentiality and Page X of Y."""
    header = doc.sections[0].header
    name = header.paragraphs[0]
    name.text = ""
    run = name.add_run("{{ partnership.name }}")
    _set_font(run, 15, bold=True, colour=ACCENT)
    name.paragraph_format.space_after = Pt(2)
    header.add_paragraph("{{ partnership.address }}", style="Letterhead Detail")
    contact = header.add_paragraph(
        "Telephone {{ partnership.telephone }}  ·  {{ partnership.email }}",
        style="Letterhead Detail",
    )
    _bottom_border(contact)
    _confidential_footer(doc, CONFIDENTIAL)


def _confidential_footer(doc: DocumentObject, text: str) -> None:
    footer = doc.sections[0].footer
    first = footer.paragraphs[0]
    first.text = text
    first.style = doc.styles["Confidentiality"]
    pages = footer.add_paragraph(style="Confidentiality")
    _page_x_of_y(pages)
    for run in pages.runs:
        run.font.bold = False


def _properties(doc: DocumentObject, title: str, subject: str, keywords: str) -> None:
    props = doc.core_properties
    props.author = "{{ partnership.name }}"
    props.title = title
    props.subject = subject
    props.keywords = keywords
    props.comments = ""
    props.last_modified_by = ""
    props.created = _FIXED_DATE
    props.modified = _FIXED_DATE
    props.revision = 1


def _new(title: str, subject: str, keywords: str, *, letterhead: bool = True) -> DocumentObject:
    doc = Document()
    _page_setup(doc)
    _setup_styles(doc)
    if letterhead:
        _letterhead(doc)
    _properties(doc, title, subject, keywords)
    # The default template starts with no paragraph; python-docx adds to the end.
    return doc


def _p(
    doc: DocumentObject,
    text: str = "",
    style: str | None = None,
    *,
    bold: bool = False,
    align: WD_ALIGN_PARAGRAPH | None = None,
    after: float | None = None,
) -> Paragraph:
    paragraph = doc.add_paragraph(style=style)
    if text:
        run = paragraph.add_run(text)
        run.bold = bold or None
    if align is not None:
        paragraph.alignment = align
    if after is not None:
        paragraph.paragraph_format.space_after = Pt(after)
    return paragraph


def _shade(cell: object, fill: str = SHADE) -> None:
    tcpr = cell._tc.get_or_add_tcPr()  # type: ignore[attr-defined]
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tcpr.append(shd)


def _cell_text(cell: object, text: str, *, bold: bool = False) -> None:
    paragraph = cell.paragraphs[0]  # type: ignore[attr-defined]
    paragraph.style = "Table Text"
    run = paragraph.add_run(text)
    run.bold = bold or None


def _repeat_header(row: object) -> None:
    trpr = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    el = OxmlElement("w:tblHeader")
    trpr.append(el)


def _widths(table: Table, widths_cm: Sequence[float]) -> None:
    table.autofit = False
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm, strict=True):
            cell.width = Cm(width)
    # LibreOffice lays tables out from the grid, Word from the cells: set both.
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths_cm, strict=True):
        col.set(qn("w:w"), str(int(Cm(width).twips)))


def _key_value_table(doc: DocumentObject, rows: Sequence[tuple[str, str]]) -> Table:
    table = doc.add_table(rows=len(rows), cols=2)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    for row, (key, value) in zip(table.rows, rows, strict=True):
        _cell_text(row.cells[0], key, bold=True)
        _shade(row.cells[0])
        _cell_text(row.cells[1], value)
    _widths(table, (5.2, 11.2))
    _p(doc, after=2)
    return table


def _loop_table(
    doc: DocumentObject,
    headers: Sequence[str],
    loop: str,
    cells: Sequence[str],
    widths_cm: Sequence[float],
) -> Table:
    """A table whose data row repeats: header, ``{%tr for …%}``, data, ``{%tr endfor %}``."""
    table = doc.add_table(rows=4, cols=len(headers))
    table.style = doc.styles["Table Grid"]
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        _cell_text(cell, text, bold=True)
        _shade(cell)
    _repeat_header(table.rows[0])
    _cell_text(table.rows[1].cells[0], "{%tr " + loop + " %}")
    for cell, text in zip(table.rows[2].cells, cells, strict=True):
        _cell_text(cell, text)
    _cell_text(table.rows[3].cells[0], "{%tr endfor %}")
    _widths(table, widths_cm)
    _p(doc, after=2)
    return table


def _bullets(doc: DocumentObject, loop: str, item: str) -> None:
    _p(doc, "{%p " + loop + " %}")
    _p(doc, item, "List Bullet")
    _p(doc, "{%p endfor %}")


def _letter_opening(doc: DocumentObject, subject_line: str) -> None:
    _p(doc, "{{ letter_date }}", align=WD_ALIGN_PARAGRAPH.RIGHT, after=12)
    for text in ("{{ recipient.name }}", "{{ recipient.role }}", "{{ recipient.organisation }}"):
        _p(doc, text, after=0)
    _p(doc, "{{ recipient.address }}", after=12)
    reference = _p(doc, after=12)
    reference.add_run("Our reference: ").bold = True
    reference.add_run("{{ reference }}")
    _p(doc, "Dear {{ recipient.salutation }},")
    _p(doc, subject_line, bold=True, after=10)


def _sign_off(doc: DocumentObject) -> None:
    _p(doc, "Yours sincerely,", after=30)
    _p(doc, "{{ sender.name }}", bold=True, after=0)
    _p(doc, "{{ sender.role }}", after=0)
    _p(doc, "On behalf of {{ panel_name }}, {{ partnership.name }}", after=0)
    _p(doc, "{{ sender.email }}  ·  {{ sender.telephone }}", after=0)


def _confidentiality_notice(doc: DocumentObject) -> None:
    note = _p(doc, after=0)
    note.paragraph_format.space_before = Pt(18)
    run = note.add_run(
        "This letter contains confidential and sensitive personal information. It must not be "
        "copied or passed on without the written permission of the chair of {{ panel_name }}."
    )
    run.font.size = Pt(9)
    run.font.color.rgb = GREY


# -- the templates -------------------------------------------------------------------------


def outcome_referrer() -> DocumentObject:
    """Letter to the referrer: the panel's decision and what happens next."""
    doc = _new(
        "Outcome of referral {{ reference }}",
        "One Panel decision for the referrer",
        "One Panel; outcome; {{ reference }}",
    )
    _letter_opening(doc, "Outcome of your referral to {{ panel_name }}: {{ subject_name }}")
    _p(
        doc,
        "Thank you for your referral dated {{ referral_date }} concerning {{ subject_name }}. "
        "{{ panel_name }} considered the referral, together with the information provided by "
        "partner agencies, at its meeting on {{ meeting_date }}.",
    )
    doc.add_heading("The panel's decision", 2)
    _p(doc, "{{ decision }}")
    doc.add_heading("Reasons", 2)
    _p(doc, "{{ rationale }}")
    doc.add_heading("What happens next", 2)
    _bullets(doc, "for step in next_steps", "{{ step }}")
    _p(
        doc,
        "Thank you for raising this case and for the care you took in completing the referral. "
        "If you have any questions about this decision, please contact {{ sender.name }} "
        "using the details below, quoting our reference {{ reference }}.",
    )
    _sign_off(doc)
    _confidentiality_notice(doc)
    return doc


def outcome_board_chair() -> DocumentObject:
    """Letter to the chair of the ratifying board asking for ratification."""
    doc = _new(
        "Recommendation for ratification {{ reference }}",
        "One Panel recommendation to {{ board_name }}",
        "One Panel; ratification; {{ review_type_label }}; {{ reference }}",
    )
    _letter_opening(doc, "Recommendation of {{ panel_name }} for ratification: {{ reference }}")
    _p(
        doc,
        "{{ panel_name }} met on {{ meeting_date }} and considered the referral concerning "
        "{{ subject_name }}. {{ quoracy_statement }} I write, on behalf of the panel, to set "
        "out its recommendation and to ask {{ board_name }} to ratify it.",
    )
    doc.add_heading("Recommendation", 2)
    _key_value_table(
        doc,
        [
            ("Reference", "{{ reference }}"),
            ("Recommendation", "{{ recommendation }}"),
            ("Review type", "{{ review_type_label }}"),
            ("Statutory basis", "{{ statutory_basis }}"),
            ("Proposed methodology", "{{ methodology }}"),
            ("Lead process", "{{ lead_process }}"),
        ],
    )
    doc.add_heading("Rationale", 2)
    _p(doc, "{{ rationale }}")
    doc.add_heading("Why this methodology", 2)
    _p(doc, "{{ methodology_reason }}")
    doc.add_heading("Request for ratification", 2)
    _p(
        doc,
        "I should be grateful if you would confirm, by {{ ratification_due_date }}, whether "
        "{{ board_name }} ratifies this recommendation so that the review can be commissioned. "
        "If the board does not agree, the panel would welcome its reasons so that they can be "
        "recorded in the decision log.",
    )
    _sign_off(doc)
    _confidentiality_notice(doc)
    return doc


def home_office_dhr_notification() -> DocumentObject:
    """The community safety partnership's notification to the Home Office of its decision."""
    doc = _new(
        "{{ dhr_label }} notification {{ reference }}",
        "Notification to the Home Office: decision of {{ csp_name }}",
        "{{ dhr_label }}; Home Office; {{ reference }}",
    )
    _letter_opening(doc, "Notification of a decision on a {{ dhr_label }}: {{ victim_pseudonym }}")
    _p(
        doc,
        "Under section 9 of the Domestic Violence, Crime and Victims Act 2004, {{ csp_name }} "
        "informs the Home Office of its decision whether to hold a {{ dhr_label }} following "
        "the death of {{ victim_pseudonym }}.",
    )
    _key_value_table(
        doc,
        [
            ("Community safety partnership", "{{ csp_name }}"),
            ("Deceased (pseudonym)", "{{ victim_pseudonym }}"),
            ("Age at death", "{{ victim_age }}"),
            ("Date of death", "{{ date_of_death }}"),
            ("Date the partnership was notified", "{{ csp_notified_date }}"),
            ("Date of the decision", "{{ decision_date }}"),
            ("Decision", "{{ decision }}"),
        ],
    )
    doc.add_heading("The decision", 2)
    _p(doc, "{%p if decision_to_hold %}")
    _p(
        doc,
        "Having considered the circumstances against the statutory guidance, {{ csp_name }} "
        "has decided to hold a {{ dhr_label }}. {{ independent_chair }} has been appointed as "
        "independent chair and author.",
    )
    _p(doc, "{%p else %}")
    _p(
        doc,
        "Having considered the circumstances against the statutory guidance, {{ csp_name }} "
        "has decided not to hold a {{ dhr_label }}. The reasons are set out below; we would "
        "welcome the Home Office's view.",
    )
    _p(doc, "{%p endif %}")
    doc.add_heading("Reasons", 2)
    _p(doc, "{{ rationale }}")
    _sign_off(doc)
    _confidentiality_notice(doc)
    return doc


def national_panel_cspr_notification() -> DocumentObject:
    """Notification to the National Child Safeguarding Practice Review Panel."""
    doc = _new(
        "Child safeguarding practice review notification {{ reference }}",
        "Notification to the National Child Safeguarding Practice Review Panel",
        "CSPR; National Panel; {{ reference }}",
    )
    _letter_opening(
        doc, "Decision on a local child safeguarding practice review: {{ child_pseudonym }}"
    )
    _p(
        doc,
        "The safeguarding partners for {{ local_authority }} write to inform the National Child "
        "Safeguarding Practice Review Panel of their decision following the rapid review of the "
        "serious incident concerning {{ child_pseudonym }}, notified to the Panel on "
        "{{ notification_date }}.",
    )
    _key_value_table(
        doc,
        [
            ("Child (pseudonym)", "{{ child_pseudonym }}"),
            ("Age", "{{ child_age }}"),
            ("Date of incident", "{{ incident_date }}"),
            ("Serious incident notified", "{{ notification_date }}"),
            ("Rapid review meeting", "{{ rapid_review_date }}"),
            ("Decision", "{{ decision }}"),
            ("Methodology", "{{ methodology }}"),
        ],
    )
    doc.add_heading("Reasons", 2)
    _p(doc, "{{ rationale }}")
    doc.add_heading("Safeguarding partners", 2)
    _bullets(doc, "for partner in safeguarding_partners", "{{ partner }}")
    _sign_off(doc)
    copies = _p(doc, after=0)
    copies.paragraph_format.space_before = Pt(12)
    copies.add_run("Copies to:").bold = True
    _bullets(doc, "for copy in copies_to", "{{ copy }}")
    _confidentiality_notice(doc)
    return doc


def screening_request_letter() -> DocumentObject:
    """Covering letter to an agency asking for its screening information by a deadline."""
    doc = _new(
        "Screening request {{ reference }}",
        "Screening request for information to {{ recipient.organisation }}",
        "One Panel; screening request; {{ reference }}",
    )
    _letter_opening(
        doc, "Screening request for information: {{ reference }} (reply by {{ deadline_date }})"
    )
    _p(
        doc,
        "{{ panel_name }} has received a referral that will be considered against the criteria "
        "for a {{ review_type_label }}. To help the panel decide, please tell us whether your "
        "agency knows the person named below and each member of the family, and if so provide:",
    )
    for item in (
        "whether each person is known or not known to your service;",
        "a chronology of your agency's involvement (dated entries);",
        "an analysis of that involvement: not only what happened but why;",
        "status information (for example a child protection plan or adult safeguarding enquiry);",
        "anything your agency is already doing, such as an internal review or lessons learnt.",
    ):
        _p(doc, item, "List Bullet")
    doc.add_heading("The person referred", 2)
    _key_value_table(
        doc,
        [
            ("Name", "{{ subject_name }}"),
            ("Date of birth", "{{ subject_dob }}"),
            ("Address", "{{ subject_address }}"),
        ],
    )
    doc.add_heading("Family members and other relevant people", 2)
    _loop_table(
        doc,
        ["Name", "Relationship", "Date of birth"],
        "for person in family_members",
        ["{{ person.name }}", "{{ person.relationship }}", "{{ person.dob }}"],
        (6.4, 5.5, 4.5),
    )
    doc.add_heading("How and when to reply", 2)
    reply = _p(doc)
    reply.add_run("Please reply by ")
    reply.add_run("{{ deadline_date }}").bold = True
    reply.add_run(
        " ({{ working_days }} working days), using the secure link below or by returning "
        "the attached form as a PDF. The case will be considered at the meeting on "
        "{{ meeting_date }}."
    )
    link = _p(doc)
    link.add_run("{{ return_link }}").bold = True
    _p(
        doc,
        "If your agency has had no involvement, please still reply so that the panel knows "
        "that the information is complete.",
    )
    _sign_off(doc)
    _confidentiality_notice(doc)
    return doc


def agenda() -> DocumentObject:
    """Meeting agenda: Think Family statement and the standing items."""
    doc = _new("{{ panel_name }} agenda {{ meeting.date }}", "Agenda", "One Panel; agenda")
    doc.add_paragraph("{{ panel_name }}", style="Title")
    _p(doc, "Agenda", bold=True, after=10)
    _key_value_table(
        doc,
        [
            ("Date", "{{ meeting.date }}"),
            ("Time", "{{ meeting.time }}"),
            ("Venue", "{{ meeting.venue }}"),
            ("Chair", "{{ chair_name }}"),
        ],
    )
    _p(doc, "{%p if think_family_statement %}")
    doc.add_heading("Think Family", 2)
    statement = _p(doc)
    statement.add_run("{{ think_family_statement }}").italic = True
    _p(doc, "{%p endif %}")
    doc.add_heading("Items", 2)
    _loop_table(
        doc,
        ["No.", "Item", "Lead", "Time", "Paper"],
        "for item in items",
        [
            "{{ item.number }}",
            "{{ item.title }}",
            "{{ item.lead }}",
            "{{ item.time }}",
            "{{ item.papers }}",
        ],
        (1.2, 7.0, 3.6, 1.8, 2.8),
    )
    _p(
        doc,
        "Papers circulated on {{ papers_circulated_date }}. Members who have a conflict of "
        "interest in an item should declare it at the start of the meeting; the chair will "
        "decide whether the member takes part in that item.",
    )
    _p(doc, "Date of next meeting: {{ next_meeting_date }}")
    return doc


def minutes() -> DocumentObject:
    """Minutes: attendance, quoracy, declarations and rulings, decisions, actions."""
    doc = _new("{{ panel_name }} minutes {{ meeting.date }}", "Minutes", "One Panel; minutes")
    doc.add_paragraph("{{ panel_name }}", style="Title")
    _p(
        doc,
        "Minutes of the meeting held on {{ meeting.date }}, {{ meeting.time }}, at {{ meeting.venue }}",
        bold=True,
        after=10,
    )
    doc.add_heading("Attendance", 2)
    _loop_table(
        doc,
        ["Name", "Role", "Agency", "Attendance"],
        "for person in attendees",
        ["{{ person.name }}", "{{ person.role }}", "{{ person.agency }}", "{{ person.status }}"],
        (4.2, 4.4, 4.8, 3.0),
    )
    doc.add_heading("Quoracy", 2)
    _p(doc, "{{ quoracy_statement }}")
    _p(doc, "{%p if think_family_statement %}")
    doc.add_heading("Think Family", 2)
    _p(doc, "The chair read the Think Family statement: “{{ think_family_statement }}”")
    _p(doc, "{%p endif %}")
    doc.add_heading("Declarations of interest", 2)
    _p(doc, "{%p if declarations %}")
    _loop_table(
        doc,
        ["Member", "Agency", "Item", "Interest declared", "Chair's ruling"],
        "for d in declarations",
        ["{{ d.member }}", "{{ d.agency }}", "{{ d.item }}", "{{ d.interest }}", "{{ d.ruling }}"],
        (3.0, 3.0, 1.6, 4.4, 4.4),
    )
    _p(doc, "{%p else %}")
    _p(doc, "No declarations of interest were made.")
    _p(doc, "{%p endif %}")
    doc.add_heading("Decisions", 2)
    _loop_table(
        doc,
        ["Item", "Reference", "Recommendation", "Rationale", "How agreed"],
        "for d in decisions",
        [
            "{{ d.item }}",
            "{{ d.reference }}",
            "{{ d.recommendation }}",
            "{{ d.rationale }}",
            "{{ d.vote }}",
        ],
        (1.2, 2.6, 4.2, 5.6, 2.8),
    )
    doc.add_heading("Actions", 2)
    _loop_table(
        doc,
        ["No.", "Action", "Owner", "Due", "Status"],
        "for a in actions",
        ["{{ a.number }}", "{{ a.action }}", "{{ a.owner }}", "{{ a.due }}", "{{ a.status }}"],
        (1.2, 7.0, 3.4, 2.4, 2.4),
    )
    _p(doc, "Date of next meeting: {{ next_meeting_date }}")
    return doc


def pack_master() -> DocumentObject:
    """Master of a meeting pack: cover page, contents list; sections are added after it.

    Header: the confidentiality line with the FOI s41 note and the recipient's name on
    every page; footer: Page X of Y.
    """
    doc = _new(
        "{{ pack_title }}", "{{ panel_name }} meeting pack", "One Panel; pack", letterhead=False
    )
    header = doc.sections[0].header
    first = header.paragraphs[0]
    first.text = PACK_CONFIDENTIAL
    first.style = doc.styles["Confidentiality"]
    named = header.add_paragraph(
        "Prepared for {{ recipient_name }}. Not to be copied or passed on "
        "without the chair's written permission.",
        style="Letterhead Detail",
    )
    named.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _bottom_border(named)
    footer = doc.sections[0].footer.paragraphs[0]
    footer.style = doc.styles["Letterhead Detail"]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_x_of_y(footer)

    _p(doc, "{{ partnership.name }}", bold=True, after=0)
    doc.add_paragraph("{{ partnership.address }}", style="Letterhead Detail")
    _p(
        doc,
        "Telephone {{ partnership.telephone }}  ·  {{ partnership.email }}",
        "Letterhead Detail",
        after=120,
    )
    doc.add_paragraph("{{ pack_title }}", style="Title")
    _p(doc, "{{ panel_name }}", after=24).runs[0].font.size = Pt(14)
    _key_value_table(
        doc,
        [
            ("Meeting", "{{ meeting.date }}, {{ meeting.time }}"),
            ("Venue", "{{ meeting.venue }}"),
            ("Prepared for", "{{ recipient_name }}"),
            ("Circulated", "{{ circulated_date }}"),
        ],
    )
    notice = _p(doc)
    notice.paragraph_format.space_before = Pt(36)
    run = notice.add_run(
        PACK_CONFIDENTIAL + ". These papers contain special category personal data about people "
        "who have died or been harmed and their families. They are provided to the named "
        "recipient for this meeting only and must not be copied or passed on without the chair's "
        "written permission."
    )
    run.font.size = Pt(9)
    _p(doc).add_run().add_break(WD_BREAK.PAGE)
    _p(doc, "Contents", "Contents Heading")
    body = doc.element.body
    sect_pr = body.find(qn("w:sectPr"))
    for el in add_toc_field("1-2"):
        sect_pr.addprevious(el)
    # Sections added by the pack start on their own page (Heading 1 has page break before).
    doc.styles["Heading 1"].paragraph_format.page_break_before = True
    return doc


def _dynamic_table(doc: DocumentObject, source: str) -> Table:
    """A table whose columns and rows both come from ``source``.

    ``source.heading`` heads the first column, ``source.columns`` the others; each of
    ``source.rows`` has a ``label`` and its ``cells``. The cells are left without fixed
    widths so that Word and LibreOffice share the page width between however many
    columns there are.
    """
    table = doc.add_table(rows=4, cols=4)
    table.style = doc.styles["Table Grid"]
    header = table.rows[0].cells
    for cell, text in zip(
        header,
        ["{{ " + source + ".heading }}", "{%tc for column in " + source + ".columns %}",
         "{{ column }}", "{%tc endfor %}"],
        strict=True,
    ):
        _cell_text(cell, text, bold=True)
        _shade(cell)
    # Many outcome columns share the width: a smaller size keeps words like
    # "Safeguarding" whole.
    header[2].paragraphs[0].runs[0].font.size = Pt(8.5)
    _repeat_header(table.rows[0])
    _cell_text(table.rows[1].cells[0], "{%tr for row in " + source + ".rows %}")
    for cell, text in zip(
        table.rows[2].cells,
        ["{{ row.label }}", "{%tc for value in row.cells %}", "{{ value }}", "{%tc endfor %}"],
        strict=True,
    ):
        _cell_text(cell, text)
    _cell_text(table.rows[3].cells[0], "{%tr endfor %}")
    tbl_pr = table._tbl.tblPr
    width = OxmlElement("w:tblW")
    width.set(qn("w:w"), "5000")
    width.set(qn("w:type"), "pct")
    for old in tbl_pr.findall(qn("w:tblW")):
        tbl_pr.remove(old)
    tbl_pr.append(width)
    _p(doc, after=2)
    return table


def annual_review() -> DocumentObject:
    """The chair's annual review of referrals: charts, each with its table of figures."""
    doc = _new(
        "{{ panel_name }} annual review of referrals {{ year }}",
        "Annual review of referrals",
        "One Panel; annual review; {{ year }}",
        letterhead=False,
    )
    header = doc.sections[0].header.paragraphs[0]
    header.text = "{{ partnership.name }}"
    header.style = doc.styles["Letterhead Detail"]
    _bottom_border(header)
    _confidential_footer(doc, CONFIDENTIAL)

    doc.add_paragraph("Annual review of referrals {{ year }}", style="Title")
    _p(doc, "{{ panel_name }}", after=12).runs[0].font.size = Pt(14)
    _key_value_table(
        doc,
        [
            ("Referrals received", "{{ period }}"),
            ("Number of referrals", "{{ total }}"),
            ("Prepared", "{{ prepared_date }}"),
        ],
    )
    doc.add_heading("About these figures", 2)
    _bullets(doc, "for note in notes", "{{ note }}")
    _p(doc, "{%p for section in sections %}")
    doc.add_heading("{{ section.title }}", 2)
    # The summary and the chart are one paragraph, so that the heading (kept with the
    # next paragraph) moves to the next page with its chart: LibreOffice does not follow
    # a chain of "keep with next" paragraphs further than one.
    summary = _p(doc, "{{ section.summary }}")
    summary.add_run().add_break()
    summary.add_run("{{ section.image }}")
    _dynamic_table(doc, "section")
    _p(doc, "{%p endfor %}")
    return doc


BUILDERS: dict[str, Callable[[], DocumentObject]] = {
    "outcome_referrer.docx": outcome_referrer,
    "outcome_board_chair.docx": outcome_board_chair,
    "home_office_dhr_notification.docx": home_office_dhr_notification,
    "national_panel_cspr_notification.docx": national_panel_cspr_notification,
    "screening_request_letter.docx": screening_request_letter,
    "agenda.docx": agenda,
    "minutes.docx": minutes,
    "pack_master.docx": pack_master,
    "annual_review.docx": annual_review,
}


def _reproducible(data: bytes) -> bytes:
    """Rewrite the zip with fixed timestamps and order, so rebuilding changes nothing."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as zin,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout,
    ):
        for item in zin.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zout.writestr(info, zin.read(item.filename))
    return out.getvalue()


def build(name: str) -> bytes:
    """The bytes of one standard template, by file name."""
    doc = BUILDERS[name]()
    buf = io.BytesIO()
    doc.save(buf)
    return _reproducible(buf.getvalue())


def build_all(out_dir: Path = TEMPLATES_DIR) -> list[Path]:
    """Write every standard template into ``out_dir``; return the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name in BUILDERS:
        path = out_dir / name
        path.write_bytes(build(name))
        written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: rebuild the templates."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=TEMPLATES_DIR)
    args = parser.parse_args(argv)
    written = build_all(args.out)
    sys.stdout.write("".join(f"{path}\n" for path in written))


if __name__ == "__main__":
    main()
