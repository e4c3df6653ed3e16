"""``python -m ingest`` and the page images for the check screen."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from ingest import DEFAULT_SCREENING_FIELDS, IngestError, page_image
from ingest.model import spec_to_json
from tests.ingest.helpers import FIXTURES, fixture_bytes

ROOT = Path(__file__).resolve().parents[2]


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ingest", *args], capture_output=True, text=True, cwd=ROOT, check=False, timeout=120
    )


def test_command_line_prints_the_extraction_as_json(tmp_path: Path) -> None:
    # The sample PDFs answer the generic return (yes/no), not the shipped form.
    generic = tmp_path / "generic.json"
    generic.write_text(json.dumps([spec_to_json(f) for f in DEFAULT_SCREENING_FIELDS]))
    done = _cli(str(FIXTURES / "filled_fillable.pdf"), "--fields", str(generic))
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["kind"] == "acroform"
    assert data["page_count"] == 3
    assert data["fields"]["agency_name"] == {
        "value": "Smith & Jones <Community> Health",
        "raw": "Smith & Jones <Community> Health",
        "page": 1,
        "confidence": 1.0,
    }
    assert data["fields"]["status"]["value"] == ["child_in_need", "marac"]
    assert [c["date"] for c in data["chronology"]] == ["2026-03-02", "2026-04-03", "2026-04-15", None, "2026-04-03"]
    assert data["messages"] == ["Chronology row 4: '31/02/2026' is not a date that exists; check it."]


def test_command_line_takes_a_field_list(tmp_path: Path) -> None:
    spec = tmp_path / "fields.json"
    spec.write_text(json.dumps([
        {"name": "name", "label": "Your name", "kind": "text"},
        {"name": "known", "label": "Is the subject known to your service?", "kind": "radio",
         "options": [["y", "Yes"], ["n", "No"]]},
    ]))
    done = _cli(str(FIXTURES / "word_saved_as_pdf.pdf"), "--fields", str(spec))
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["kind"] == "flat"
    assert data["fields"]["name"]["value"] == "Sam Nurse"
    assert data["fields"]["known"]["value"] == "y"


def test_command_line_lists_text_and_tables_of_a_foreign_pdf() -> None:
    data = json.loads(_cli(str(FIXTURES / "agency_export.pdf")).stdout)
    assert data["kind"] == "other" and data["needs_manual_entry"] is True
    assert data["tables"][0]["rows"][0] == ["Date/Time", "Practitioner", "Contact type", "Notes"]
    assert "Case notes export" in data["text_by_page"][0]


def test_command_line_exits_2_with_one_line_on_a_bad_file() -> None:
    done = _cli(str(FIXTURES / "actually_a_png.pdf"))
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert "The file is not a PDF: it is a PNG image" in done.stderr
    missing = _cli(str(FIXTURES / "no_such_file.pdf"))
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1


def _png(data: bytes) -> Image.Image:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    return Image.open(io.BytesIO(data))


def test_page_image_is_a_png_of_the_page_asked_for() -> None:
    scan = fixture_bytes("scanned.pdf")
    # Page 1 of the scan is upright A4; page 2 was fed in sideways, so it is landscape.
    first, second = _png(page_image(scan, 1)), _png(page_image(scan, 2))
    assert abs(first.width - 909) <= 2 and abs(first.height - 1286) <= 2  # A4 at 110 dpi
    assert second.width > second.height
    assert abs(second.width - first.height) <= 2
    # A bigger dpi gives a bigger image of the same page.
    assert abs(_png(page_image(scan, 1, dpi=55)).width - first.width / 2) <= 2


def test_page_image_shows_the_page_content() -> None:
    pdf = fixture_bytes("agency_export.pdf")
    image = _png(page_image(pdf, 1)).convert("L")
    # The export's table rules and text make the upper part of the page dark in places.
    assert image.crop((0, 0, image.width, image.height // 2)).getextrema()[0] < 100


def test_page_image_refuses_a_page_that_does_not_exist_and_bad_files() -> None:
    with pytest.raises(IngestError, match=r"^No such page: the PDF has 2 pages\.$"):
        page_image(fixture_bytes("scanned.pdf"), 3)
    with pytest.raises(IngestError, match=r"^No such page"):
        page_image(fixture_bytes("scanned.pdf"), 0)
    with pytest.raises(IngestError, match=r"^The file is not a PDF"):
        page_image(fixture_bytes("actually_a_png.pdf"), 1)
