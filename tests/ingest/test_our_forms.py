"""Round trips through the request forms the service itself sends: the fillable PDF filled
in by a PDF library, the Word request filled in and saved as PDF by LibreOffice, and that
PDF printed and scanned. Each is read back with the shipped screening return's questions."""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject

from document_templates.screening_forms import request_docx, request_pdf
from forms.loader import load_definition
from ingest import extract
from ingest.fields import specs_from_definition
from tests.ingest.helpers import require_tool

ROOT = Path(__file__).resolve().parents[2]
DEFINITION = load_definition(ROOT / "forms" / "definitions" / "screening_return.yaml")
FIELDS = specs_from_definition(DEFINITION.model_dump(mode="json"))
CONTEXT = {
    "partnership_name": "Redbridge Safeguarding Partnerships",
    "title": "One Panel: screening request for information",
    "reference": "OP-2026-0042",
    "agency_name": "Barking, Havering and Redbridge University Hospitals NHS Trust",
    "deadline": "16 December 2026",
}
ANSWERS = {
    "agency_name": "BHRUT safeguarding team",
    "completed_by_name": "Priya Shah",
    "completed_by_role": "Named nurse for adult safeguarding",
    "analysis": "The ward saw him twice and recorded low mood. No referral was made because the threshold was thought not met.",
    "other_agencies": "GP practice and the community mental health team.",
    "lessons_learnt": "A one-page guide to adult safeguarding referrals is now on every ward.",
}
CHRONOLOGY = [
    ("02/03/2026", "Outpatient appointment", "Did not attend"),
    ("15/04/2026", "A&E attendance after a fall at home", "Discharged with advice"),
]


def _values(result) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {name: v.value for name, v in result.values.items()}


def test_our_fillable_pdf_filled_in_by_a_pdf_library_reads_back_field_for_field() -> None:
    blank = request_pdf(DEFINITION, CONTEXT)
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(blank)))
    text = {**ANSWERS}
    for n, (when, event, outcome) in enumerate(CHRONOLOGY, start=1):
        text |= {f"chronology_{n}_date": when, f"chronology_{n}_event": event, f"chronology_{n}_outcome": outcome}
    for page in writer.pages:
        writer.update_page_form_field_values(page, text, auto_regenerate=False)
    # Tick boxes and choose radio buttons as a PDF reader's user would: set the value and
    # the appearance state of the chosen widget.
    ticks = {"status__dols", "status__adult_safeguarding"}
    radios = {"subject_known": "known", "internal_review": "no"}
    for page in writer.pages:
        for annot in page.get("/Annots") or []:
            widget = annot.get_object()
            parent = widget.get("/Parent")
            name = widget.get("/T") or (parent.get_object().get("/T") if parent else None)
            on = [k for k in widget["/AP"]["/N"] if k != "/Off"] if "/AP" in widget else []
            if name in ticks:
                widget[NameObject("/V")] = widget[NameObject("/AS")] = NameObject(on[0])
            elif name in radios and on and on[0] == f"/{radios[name]}":
                widget[NameObject("/AS")] = NameObject(on[0])
                parent.get_object()[NameObject("/V")] = NameObject(on[0])
    out = io.BytesIO()
    writer.write(out)

    result = extract(out.getvalue(), FIELDS)
    assert result.kind == "acroform"
    values = _values(result)
    for name, expected in ANSWERS.items():
        assert values[name] == expected, name
    assert values["subject_known"] == "known"
    assert values["internal_review"] == "no"
    assert sorted(values["status"]) == ["adult_safeguarding", "dols"]
    assert [(c.date, c.event, c.outcome) for c in result.chronology] == [
        (date(2026, 3, 2), "Outpatient appointment", "Did not attend"),
        (date(2026, 4, 15), "A&E attendance after a fall at home", "Discharged with advice"),
    ]
    assert {v.confidence for v in result.values.values()} == {1.0}


def _filled_word_request() -> bytes:
    """Our Word request answered as an agency does: text under each heading, ☒ for a
    choice, rows typed into the chronology table."""
    doc = Document(io.BytesIO(request_docx(DEFINITION, CONTEXT)))
    labels = {q.id: q.label for page in DEFINITION.pages for q in page.questions}
    choose = {"Known to the service", "No", "Deprivation of Liberty Safeguards (DoLS)"}
    heading: str | None = None
    done: set[str] = set()
    for para in doc.paragraphs:
        if para.style.name.startswith("Heading"):
            heading = next((qid for qid, label in labels.items() if para.text.startswith(label)), None)
            continue
        if para.text.startswith("☐ ") and para.text[2:] in choose and heading in {"subject_known", "internal_review", "status"}:
            para.runs[0].text = "☒ " + para.text[2:]
        elif para.text == "" and heading in ANSWERS and heading not in done:
            para.add_run(ANSWERS[heading])
            done.add(heading)
    table = doc.tables[0]
    for row, cells in zip(table.rows[1:], CHRONOLOGY, strict=False):
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    assert done == set(ANSWERS)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _soffice_pdf(docx: bytes) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "return.docx"
        source.write_bytes(docx)
        subprocess.run(  # noqa: S603
            [shutil.which("soffice") or "soffice", f"-env:UserInstallation=file://{tmp}/profile", "--headless",
             "--convert-to", "pdf", "--outdir", tmp, str(source)],
            check=True, capture_output=True, timeout=180,
        )
        return (Path(tmp) / "return.pdf").read_bytes()


@pytest.fixture(scope="module")
def word_pdf() -> bytes:
    require_tool("soffice")
    return _soffice_pdf(_filled_word_request())


def test_our_word_request_filled_in_and_saved_as_pdf_by_libreoffice_reads_back(word_pdf: bytes) -> None:
    result = extract(word_pdf, FIELDS)
    assert result.kind == "flat"
    values = _values(result)
    for name, expected in ANSWERS.items():
        assert values[name] == expected, name
    assert values["subject_known"] == "known"
    assert values["internal_review"] == "no"
    assert values["status"] == ["dols"]
    assert [(c.date, c.event, c.outcome) for c in result.chronology] == [
        (date(2026, 3, 2), "Outpatient appointment", "Did not attend"),
        (date(2026, 4, 15), "A&E attendance after a fall at home", "Discharged with advice"),
    ]
    # The follow-up about the internal review is not answered (the answer was No), and is
    # not reported missing.
    assert values.get("internal_review_details") in (None, "")
    assert not result.needs_manual_entry and not any("not found" in m for m in result.messages)
    # The request's own printed header, footer and introduction are not taken as answers.
    assert all("In confidence" not in str(v.raw) and "Redbridge" not in str(v.raw) for v in result.values.values())


def test_a_scan_of_our_word_request_is_read_back_by_ocr(word_pdf: bytes) -> None:
    require_tool("tesseract")
    require_tool("pdftoppm")
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "in.pdf").write_bytes(word_pdf)
        subprocess.run(  # noqa: S603
            ["pdftoppm", "-r", "200", "-gray", "-png", str(Path(tmp) / "in.pdf"), str(Path(tmp) / "page")],
            check=True, timeout=120,
        )
        pages = [Image.open(p).convert("L") for p in sorted(Path(tmp).glob("page-*.png"))]
        # A scanner tilts the paper a little.
        pages = [p.rotate(1.2, expand=True, fillcolor=255) for p in pages]
        scan = io.BytesIO()
        pages[0].save(scan, "PDF", resolution=200, save_all=True, append_images=pages[1:])
    result = extract(scan.getvalue(), FIELDS)
    assert result.kind == "scanned"
    values = _values(result)
    assert values["completed_by_name"] == "Priya Shah"
    assert values["agency_name"] == "BHRUT safeguarding team"
    assert values["subject_known"] == "known"
    assert "Deprivation" not in str(values.get("analysis"))
    assert [c.date for c in result.chronology][:2] == [date(2026, 3, 2), date(2026, 4, 15)]


def test_command_line_reads_our_fillable_pdf_with_the_shipped_questions(tmp_path: Path) -> None:
    import json
    import sys

    blank = request_pdf(DEFINITION, CONTEXT)
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(blank)))
    for page in writer.pages:
        writer.update_page_form_field_values(page, {"completed_by_name": "Priya Shah"}, auto_regenerate=False)
    for page in writer.pages:
        for annot in page.get("/Annots") or []:
            widget = annot.get_object()
            parent = widget.get("/Parent")
            if parent is not None and parent.get_object().get("/T") == "subject_known" and "/not_known" in widget["/AP"]["/N"]:
                widget[NameObject("/AS")] = NameObject("/not_known")
                parent.get_object()[NameObject("/V")] = NameObject("/not_known")
    path = tmp_path / "return.pdf"
    writer.write(path)
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "ingest", str(path)], capture_output=True, text=True, cwd=ROOT, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    fields = json.loads(done.stdout)["fields"]
    assert fields["completed_by_name"]["value"] == "Priya Shah"
    assert fields["subject_known"]["value"] == "not_known"

    bad = tmp_path / "broken.yaml"
    bad.write_text("id: screening_return\npages: 3\n")
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "ingest", str(path), "--form", str(bad)], capture_output=True, text=True, cwd=ROOT,
        timeout=120, check=False,
    )
    assert done.returncode == 2 and "broken.yaml" in done.stderr
