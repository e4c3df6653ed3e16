"""PDF conversion with LibreOffice: batches, failure detection, contents list page numbers."""

from __future__ import annotations

import re
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from document_templates.build_templates import TEMPLATES_DIR
from document_templates.contexts import DEMO_CONTEXTS
from document_templates.pack import assemble_docx, pdf_with_annexes
from document_templates.pdf import (
    ConversionError,
    LibreOfficeConverter,
    PdfConverter,
    convert_to_pdf,
    pdf_outline,
)
from document_templates.render import render_docx

from .test_pack import COVER, big_pack_sections


def _pdftext(pdf: Path, first: int | None = None, last: int | None = None) -> str:
    cmd = ["pdftotext", "-layout"]
    if first:
        cmd += ["-f", str(first)]
    if last:
        cmd += ["-l", str(last)]
    return subprocess.run([*cmd, str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def _profiles() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("onepanel-lo-*")}


def test_converter_satisfies_protocol() -> None:
    converter: PdfConverter = LibreOfficeConverter()
    assert callable(converter.convert)


def test_batch_of_letters(soffice: str, tmp_path: Path) -> None:
    names = ["outcome_referrer.docx", "screening_request_letter.docx"]
    files = []
    for name in names:
        path = tmp_path / "in" / name
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(render_docx(TEMPLATES_DIR / name, DEMO_CONTEXTS[name]))
        files.append(path)
    before = _profiles()
    pdfs = convert_to_pdf(files, tmp_path / "out", soffice=soffice)
    assert [p.name for p in pdfs] == ["outcome_referrer.pdf", "screening_request_letter.pdf"]
    assert _profiles() <= before  # the private profile is removed
    text = _pdftext(pdfs[0])
    assert "OP-2025-0042" in text
    assert "In confidence, not for publication or dissemination" in text
    assert re.search(r"Page 1 of 1", text)


def test_missing_pdf_is_an_error_with_output(
    fake_soffice: Callable[[str], str], tmp_path: Path
) -> None:
    docx = tmp_path / "a.docx"
    docx.write_bytes(b"x")
    script = fake_soffice('echo "Error: source file could not be loaded"; exit 0')
    with pytest.raises(ConversionError) as info:
        convert_to_pdf([docx], tmp_path / "out", soffice=script)
    assert "a.pdf" in str(info.value)
    assert "could not be loaded" in info.value.output


def test_non_pdf_output_is_an_error(fake_soffice: Callable[[str], str], tmp_path: Path) -> None:
    docx = tmp_path / "a.docx"
    docx.write_bytes(b"x")
    out = tmp_path / "out"
    script = fake_soffice(f'echo "<html>not a pdf</html>" > "{out}/a.pdf"; exit 0')
    with pytest.raises(ConversionError):
        convert_to_pdf([docx], out, soffice=script)


def test_timeout_stops_soffice(fake_soffice: Callable[[str], str], tmp_path: Path) -> None:
    docx = tmp_path / "a.docx"
    docx.write_bytes(b"x")
    with pytest.raises(ConversionError, match="did not finish"):
        convert_to_pdf([docx], tmp_path / "out", soffice=fake_soffice("sleep 30"), timeout_s=1)


def test_same_names_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        convert_to_pdf([tmp_path / "a" / "x.docx", tmp_path / "b" / "x.docx"], tmp_path)


def test_contents_list_gets_page_numbers(soffice: str, tmp_path: Path) -> None:
    sections = big_pack_sections(24, 120)
    pack = tmp_path / "pack.docx"
    pack.write_bytes(assemble_docx(sections, cover=COVER, recipient_name="Dr Aisha Bello"))
    letter = tmp_path / "letter.docx"
    letter.write_bytes(render_docx(TEMPLATES_DIR / "agenda.docx", DEMO_CONTEXTS["agenda.docx"]))
    pdf, letter_pdf = convert_to_pdf(
        [pack, letter], tmp_path / "out", update_toc=True, soffice=soffice
    )
    assert letter_pdf.exists()

    outline = pdf_outline(pdf)
    assert [o.title for o in outline] == [s.title for s in sections]
    contents = _pdftext(pdf, 2, 3)
    for item in outline:
        # "Item 5: case 5 ........ 7" — the entry's page is where the heading is.
        assert re.search(rf"{re.escape(item.title)}\s*\.+\s*{item.page}\b", contents), item
    assert outline[-1].page > outline[0].page > 2
    assert "Dr Aisha Bello" in _pdftext(pdf, outline[-1].page, outline[-1].page)

    # The pack PDF then takes annexes, with bookmarks for sections and annexes.
    final = tmp_path / "final.pdf"
    final.write_bytes(pdf_with_annexes(pdf, [("Agenda (annex)", letter_pdf.read_bytes())]))
    titles = [(o.level, o.title) for o in pdf_outline(final)]
    assert (1, "Item 0: case 0") in titles and (2, "Item 1: case 1") in titles
    assert titles[-2:] == [(1, "Annexes"), (2, "Agenda (annex)")]
