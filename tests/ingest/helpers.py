"""Helpers for the PDF reader's tests: the committed sample PDFs, tools that may be
missing, and hostile files made at run time (too large to commit)."""

from __future__ import annotations

import functools
import io
import os
import shutil
import zlib
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "pdf"
IN_CI = os.environ.get("CI", "").lower() == "true"


def require_tool(name: str) -> None:
    """Skip when an outside program is missing, except under CI=true where it fails."""
    if shutil.which(name) is None:
        reason = f"{name} is not installed"
        if IN_CI:
            pytest.fail(f"{reason} (CI=true: a missing tool is a failure)")
        pytest.skip(reason)


def fixture_bytes(name: str) -> bytes:
    """The bytes of a committed sample PDF."""
    return (FIXTURES / name).read_bytes()


def build_pdf(objects: list[bytes]) -> bytes:
    """A minimal PDF from numbered object bodies (object 1 is the catalogue)."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


@functools.cache
def decompression_bomb(inflated_mb: int) -> bytes:
    """A small PDF (about 0.5% of the size) whose one page's content stream inflates to
    ``inflated_mb`` MB. Made once per size: compressing it takes a second or two."""
    stream = zlib.compress(b"0 0 m " * (inflated_mb * 1024 * 1024 // 6), 1)
    return build_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ])
