"""Files that cannot be read are refused with a message saying what is wrong, and hostile
files are stopped by the child process's limits without harming the caller."""

from __future__ import annotations

import io
import os
import time

import pytest
from pypdf import PdfReader, PdfWriter

from ingest import FieldSpec, IngestError, extract
from tests.ingest.helpers import build_pdf, decompression_bomb, fixture_bytes


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("actually_a_png.pdf", r"^The file is not a PDF: it is a PNG image with a name ending \.pdf\."),
        ("no_eof_marker.pdf", r"^The PDF is damaged or incomplete: it has no end-of-file marker"),
        ("encrypted.pdf", r"^The PDF is encrypted and protected by a password"),
        ("xfa_only.pdf", r"^This PDF is an XFA form, which cannot be read\. Please print it to PDF .* or use the web form"),
    ],
)
def test_bad_file_is_refused_with_a_clear_message(name: str, message: str, fields: list[FieldSpec]) -> None:
    with pytest.raises(IngestError, match=message):
        extract(fixture_bytes(name), fields)


def test_empty_and_oversized_files_are_refused(fields: list[FieldSpec]) -> None:
    with pytest.raises(IngestError, match=r"^The file is empty\.$"):
        extract(b"", fields)
    data = fixture_bytes("word_saved_as_pdf.pdf")
    with pytest.raises(IngestError, match=r"^The file is 49 KB; the largest that can be read is 10 KB\.$"):
        extract(data, fields, max_bytes=10 * 1024)
    with pytest.raises(IngestError, match=r"^The file is 20\.5 MB; the largest that can be read is 20 MB\.$"):
        extract(b"%PDF-1.7\n" + b" " * (20 * 1024 * 1024 + 512 * 1024 - 9), fields)


def test_too_many_pages_is_refused(fields: list[FieldSpec]) -> None:
    writer = PdfWriter()
    for _ in range(201):
        writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(IngestError, match=r"^The PDF has 201 pages; the most that can be read is 200\.$"):
        extract(out.getvalue(), fields)


def test_a_page_tree_that_loops_is_refused(fields: list[FieldSpec]) -> None:
    looped = build_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>"])
    with pytest.raises(IngestError, match=r"^The PDF (is damaged|has no pages)"):
        extract(looped, fields, timeout_s=30)


def test_a_pdf_restricted_only_by_an_owner_password_is_read(fields: list[FieldSpec]) -> None:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(fixture_bytes("word_saved_as_pdf.pdf"))))
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    result = extract(out.getvalue(), fields)
    assert result.kind == "flat"
    assert result.values["completed_by_name"].value == "Sam Nurse"
    assert len(result.chronology) == 6


def test_decompression_bomb_is_stopped_by_the_memory_limit(fields: list[FieldSpec]) -> None:
    bomb = decompression_bomb(900)
    assert len(bomb) < 5 * 1024 * 1024  # small on disk, 900 MB inflated
    started = time.monotonic()
    with pytest.raises(IngestError, match=r"^Reading the PDF needed more than the 512 MB of memory allowed and was stopped\."):
        extract(bomb, fields, memory_mb=512, timeout_s=60)
    assert time.monotonic() - started < 60


def test_slow_file_is_stopped_by_the_time_limit(fields: list[FieldSpec]) -> None:
    started = time.monotonic()
    with pytest.raises(IngestError, match=r"^Reading the PDF (took longer than|used more than) the 2 seconds"):
        extract(decompression_bomb(400), fields, timeout_s=2)
    assert time.monotonic() - started < 10


def test_no_worker_is_left_running_after_a_time_out(fields: list[FieldSpec]) -> None:
    with pytest.raises(IngestError):
        extract(decompression_bomb(400), fields, timeout_s=1)
    # Other tests' long-lived children (the browser tests' server) are not workers.
    workers = [
        pid for pid in os.listdir("/proc") if pid.isdigit()
        and _parent(pid) == os.getpid() and b"ingest._worker" in _cmdline(pid)
    ]
    assert workers == []


def _cmdline(pid: str) -> bytes:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            return cmdline.read()
    except OSError:
        return b""


def _parent(pid: str) -> int:
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as stat:
            return int(stat.read().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return -1


def test_a_scan_without_tesseract_is_kept_for_manual_entry(
    fields: list[FieldSpec], monkeypatch: pytest.MonkeyPatch, tmp_path: os.PathLike[str]
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # the worker finds no tesseract
    result = extract(fixture_bytes("scanned.pdf"), fields)
    assert result.kind == "scanned"
    assert result.needs_manual_entry
    assert result.values == {} and result.chronology == []
    assert result.messages == [
        "This PDF is a scan, and the text recogniser (Tesseract) is not installed on the server, "
        "so it was not read. Enter the answers from the page images."
    ]
