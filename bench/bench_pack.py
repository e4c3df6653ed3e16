"""Benchmark of a meeting's briefing pack: our one-document build against the naive way.

    .venv/bin/python bench/bench_pack.py [--referrals 12] [--agencies 15] [--no-pdf]

A reference meeting of 12 referrals with 15 agency returns each. Printed, all measured in
the same run:

* our .docx build (``document_templates.pack.assemble_docx`` on the sections the pack
  workflow makes) as a ratio to the naive build — each section rendered with docxtpl as
  its own document and appended with docxcompose — (target <= 0.2x), and to the floor of
  ONE docxtpl render of a document of the same size (target <= 2x); peak memory of each;
* growth from 6 to 12 to 24 referrals (target: 24 <= 2.2x 12);
* the PDF edition (contents page numbers, annexes) as a ratio to one LibreOffice
  conversion of the same .docx plus annexing the PDFs with pypdf (target <= 1.3x).
"""

from __future__ import annotations

import argparse
import io
import shutil
import sys
import tempfile
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from docx import Document  # noqa: E402
from pypdf import PdfWriter  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402

from document_templates.pack import (  # noqa: E402
    KeyValue,
    PackSection,
    Paragraph,
    Table,
    assemble_docx,
    pdf_with_annexes,
)
from document_templates.pdf import LibreOfficeConverter  # noqa: E402

TEXT = (
    "The agency's involvement began with a referral from the GP practice about the "
    "family's housing. Practitioners visited twice and recorded concerns about mobility and "
    "self-neglect; the analysis considers why the information was not shared."
)
COVER = {
    "partnership": {"name": "Redbridge Safeguarding Partnerships", "address": "Ilford", "telephone": "", "email": "x@example.org"},
    "panel_name": "Redbridge One Panel",
    "pack_title": "Meeting papers",
    "meeting": {"date": "Thursday 14 January 2027", "time": "10:00", "venue": "Committee Room 2"},
    "circulated_date": "7 January 2027",
}


def meeting_sections(referrals: int, agencies: int) -> list[PackSection]:
    """Sections shaped like the pack workflow's: summary, returns, merged chronology."""
    sections = [PackSection("Agenda", 1, (Table(("Item", "Business"), [(str(i), f"Item {i}") for i in range(1, 12)]),))]
    for r in range(1, referrals + 1):
        ref = f"RED-2027-{r:04d}"
        sections.append(PackSection(f"{ref}: referral", 1, (KeyValue([(f"Question {q}", TEXT) for q in range(12)]),)))
        chronology = []
        for a in range(1, agencies + 1):
            sections.append(
                PackSection(
                    f"{ref}: return from Agency {a}",
                    2,
                    (Paragraph("Returned by web form."), KeyValue([(f"Answer {q}", TEXT) for q in range(8)])),
                )
            )
            start = date(2026, 1, 1) + timedelta(days=a)
            chronology += [((start + timedelta(days=7 * e)).isoformat(), f"Agency {a}", f"Event {e}", "Outcome") for e in range(6)]
        chronology.sort()
        sections.append(PackSection(f"{ref}: multi-agency chronology", 2, (Table(("Date", "Agency", "Event", "Action / outcome"), chronology),)))
    sections.append(PackSection("Case tracker", 1, (Paragraph("No review is being tracked."),)))
    return sections


def measure(fn):  # type: ignore[no-untyped-def]
    tracemalloc.start()
    start = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return result, elapsed, peak / 1e6


def ours(referrals: int, agencies: int) -> bytes:
    return assemble_docx(meeting_sections(referrals, agencies), cover=COVER, recipient_name="Business unit")


def _section_template(tmp: Path) -> Path:
    """A docxtpl template for one section: heading, paragraph, key/value table loop."""
    doc = Document()
    doc.add_heading("{{ title }}", level=1)
    doc.add_paragraph("{{ intro }}")
    table = doc.add_table(rows=3, cols=2)
    table.cell(0, 0).text = "{%tr for k, v in rows %}"
    table.cell(1, 0).text = "{{ k }}"
    table.cell(1, 1).text = "{{ v }}"
    table.cell(2, 0).text = "{%tr endfor %}"
    path = tmp / "section.docx"
    doc.save(path)
    return path


def _rows(section: PackSection) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for block in section.blocks:
        if isinstance(block, KeyValue):
            rows += [(str(k), str(v)) for k, v in block.rows]
        elif isinstance(block, Table):
            rows += [(str(r[0]), " | ".join(map(str, r[1:]))) for r in block.rows]
    return rows


def naive(referrals: int, agencies: int, tmp: Path) -> bytes:
    """Render every section with docxtpl and append them one by one with docxcompose."""
    from docxcompose.composer import Composer
    from docxtpl import DocxTemplate

    template = _section_template(tmp)
    sections = meeting_sections(referrals, agencies)
    master = None
    composer = None
    for section in sections:
        tpl = DocxTemplate(template)
        tpl.render({"title": section.title, "intro": "", "rows": _rows(section)}, autoescape=True)
        buf = io.BytesIO()
        tpl.save(buf)
        doc = Document(io.BytesIO(buf.getvalue()))
        if composer is None:
            master = doc
            composer = Composer(master)
        else:
            composer.append(doc)
    out = io.BytesIO()
    composer.save(out)  # type: ignore[union-attr]
    return out.getvalue()


def floor(referrals: int, agencies: int, tmp: Path) -> bytes:
    """One docxtpl render of a document holding the same content (the unavoidable work)."""
    from docxtpl import DocxTemplate

    doc = Document()
    doc.add_paragraph("{%p for s in sections %}")
    doc.add_paragraph("{{ s.title }}", style="Heading 1")
    table = doc.add_table(rows=3, cols=2)
    table.cell(0, 0).text = "{%tr for k, v in s.rows %}"
    table.cell(1, 0).text = "{{ k }}"
    table.cell(1, 1).text = "{{ v }}"
    table.cell(2, 0).text = "{%tr endfor %}"
    doc.add_paragraph("{%p endfor %}")
    path = tmp / "whole.docx"
    doc.save(path)
    sections = [{"title": s.title, "rows": _rows(s)} for s in meeting_sections(referrals, agencies)]
    tpl = DocxTemplate(path)
    tpl.render({"sections": sections}, autoescape=True)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


PDF_REPEAT = 3


def annex_pdfs(count: int) -> list[tuple[str, bytes]]:
    out = []
    for n in range(count):
        buf = io.BytesIO()
        c = canvas.Canvas(buf)
        for page in range(3):
            c.drawString(72, 720, f"Agency return {n} page {page + 1}")
            c.showPage()
        c.save()
        out.append((f"Original return {n}", buf.getvalue()))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--referrals", type=int, default=12)
    parser.add_argument("--agencies", type=int, default=15)
    parser.add_argument("--no-pdf", action="store_true")
    args = parser.parse_args()
    r, a = args.referrals, args.agencies
    tmp = Path(tempfile.mkdtemp(prefix="bench-pack-"))
    try:
        print(f"Reference meeting: {r} referrals x {a} agency returns")
        data, t_ours, m_ours = measure(lambda: ours(r, a))
        _, t_floor, m_floor = measure(lambda: floor(r, a, tmp))
        _, t_naive, m_naive = measure(lambda: naive(r, a, tmp))
        print(f"  ours   .docx build: {t_ours:7.2f} s  peak {m_ours:7.1f} MB  ({len(data) / 1e6:.1f} MB file)")
        print(f"  naive  docxtpl + docxcompose: {t_naive:7.2f} s  peak {m_naive:7.1f} MB")
        print(f"  floor  one docxtpl render:    {t_floor:7.2f} s  peak {m_floor:7.1f} MB")
        print(f"  ratio ours/naive = {t_ours / t_naive:.3f}x (target <= 0.2x); memory {m_ours / m_naive:.2f}x")
        print(f"  ratio ours/floor = {t_ours / t_floor:.2f}x (target <= 2x)")

        times = {}
        for n in (6, 12, 24):
            _, t, _ = measure(lambda n=n: ours(n, a))
            times[n] = t
            print(f"  growth: {n:2d} referrals {t:6.2f} s")
        print(f"  growth 24/12 = {times[24] / times[12]:.2f}x (target <= 2.2x); 12/6 = {times[12] / times[6]:.2f}x")

        soffice = shutil.which("soffice")
        if args.no_pdf or soffice is None:
            print("  PDF: skipped" + ("" if args.no_pdf else " (LibreOffice not installed)"))
            return
        docx = tmp / "pack.docx"
        docx.write_bytes(data)
        annexes = annex_pdfs(a)
        converter = LibreOfficeConverter(soffice)

        def ours_pdf() -> bytes:
            [pdf] = converter.convert([docx], tmp / "ours", update_toc=True)
            return pdf_with_annexes(pdf, annexes)

        def floor_pdf() -> bytes:
            [pdf] = converter.convert([docx], tmp / "floor", update_toc=False)
            writer = PdfWriter(clone_from=str(pdf))
            for _, annex in annexes:
                writer.append(io.BytesIO(annex))
            out = io.BytesIO()
            writer.write(out)
            return out.getvalue()

        # Best of three, taken in turn, so that both see the same machine load: one
        # LibreOffice start-up varies by a second or more from run to run.
        t_fl = t_pdf = float("inf")
        for _ in range(PDF_REPEAT):
            t_fl = min(t_fl, measure(floor_pdf)[1])
            pdf, t, _ = measure(ours_pdf)
            t_pdf = min(t_pdf, t)
        from pypdf import PdfReader

        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        print(f"  PDF edition (best of {PDF_REPEAT}): ours {t_pdf:.2f} s ({pages} pages), floor {t_fl:.2f} s: "
              f"ratio {t_pdf / t_fl:.2f}x (target <= 1.3x)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
