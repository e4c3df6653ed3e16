"""Reading the PDFs agencies send back into structured data a person checks.

:func:`extract` parses in a child process with memory, CPU-time and wall-clock limits, so
a hostile file (a decompression bomb, an endless page tree) ends as an
:class:`IngestError` with a clear message, never a crash or hang of the service.
:func:`page_image` draws one page for the "check beside the source page" screen, also in a
limited child process. ``python -m ingest FILE.pdf`` prints what was read as JSON.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess  # nosec B404: runs this package's own worker with fixed arguments
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ingest.fields import DEFAULT_SCREENING_FIELDS
from ingest.model import (
    ChronologyEntry,
    ExtractedReturn,
    ExtractedTable,
    ExtractedValue,
    FieldSpec,
    IngestError,
    spec_to_json,
)
from ingest.reader import check_bytes

__all__ = [
    "DEFAULT_SCREENING_FIELDS",
    "ChronologyEntry",
    "ExtractedReturn",
    "ExtractedTable",
    "ExtractedValue",
    "FieldSpec",
    "IngestError",
    "extract",
    "page_image",
]

_PACKAGE_PARENT = Path(__file__).resolve().parent.parent
_ADVICE = "Save or print it to PDF again and upload the new file, or answer on the web form."


def _run_worker(command: str, payload: bytes, args: dict[str, Any], *, timeout_s: float, memory_mb: int) -> bytes:
    """Run ``python -m ingest._worker`` under limits; its standard output, or IngestError."""
    request = {"args": args, "memory_mb": memory_mb, "cpu_s": int(timeout_s) + 1}
    # Its own session, so that on time-out the worker and any OCR process it started are
    # ended together.
    proc = subprocess.Popen(  # nosec B603: fixed arguments, no shell
        [sys.executable, "-m", "ingest._worker", command],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=_PACKAGE_PARENT,
        env={**os.environ, "PYTHONPATH": _python_path()},
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(json.dumps(request).encode() + b"\n" + payload, timeout=timeout_s)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        proc.communicate()
        raise IngestError(
            f"Reading the PDF took longer than the {timeout_s:g} seconds allowed and was stopped. "
            f"The file may be damaged or much larger than a return. {_ADVICE}"
        ) from None
    finally:
        if proc.returncode is None or proc.returncode != 0:
            _kill_group(proc)
    code = proc.returncode
    if code == 0:
        return out
    if code == 3:  # the worker's own refusal, worded for the person
        raise IngestError(out.decode("utf-8", "replace").strip())
    if code in (-signal.SIGXCPU, -signal.SIGKILL):
        raise IngestError(
            f"Reading the PDF used more than the {timeout_s:g} seconds of processing allowed and was stopped. "
            f"The file may be damaged or built to overload the service. {_ADVICE}"
        )
    if code == 4 or code < 0:
        raise IngestError(
            f"Reading the PDF needed more than the {memory_mb} MB of memory allowed and was stopped. "
            f"The file may be damaged or built to overload the service. {_ADVICE}"
        )
    last = err.decode("utf-8", "replace").strip().splitlines()[-1:] or ["unknown error"]
    raise IngestError(f"The PDF is damaged and cannot be read ({last[0][:120]}). {_ADVICE}")


def _python_path() -> str:
    """PYTHONPATH for the worker: this package's folder first, whatever the caller's cwd."""
    return os.pathsep.join(filter(None, [str(_PACKAGE_PARENT), os.environ.get("PYTHONPATH")]))


def _size(n: int) -> str:
    """A byte count as people write it: 20 MB, 20.5 MB, 48 KB."""
    if n >= 1024 * 1024:
        return f"{n / 1048576:.1f}".removesuffix(".0") + " MB"
    return f"{-(-n // 1024)} KB"


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def extract(
    pdf_bytes: bytes,
    fields: Sequence[FieldSpec],
    *,
    max_pages: int = 200,
    max_bytes: int = 20 * 1024 * 1024,
    timeout_s: float = 120,
    memory_mb: int = 1024,
) -> ExtractedReturn:
    """What a returned PDF says, question by question, with page and confidence.

    Parsing happens in a child process limited to ``memory_mb`` of address space and
    ``timeout_s`` of CPU and wall-clock time. Raises :class:`IngestError` with a message
    for the person uploading when the file is not a readable PDF or breaks a limit.
    """
    if len(pdf_bytes) > max_bytes:
        raise IngestError(
            f"The file is {_size(len(pdf_bytes))}; the largest that can be read is {_size(max_bytes)}."
        )
    check_bytes(pdf_bytes)  # cheap refusals without starting a process
    out = _run_worker(
        "extract",
        pdf_bytes,
        {"fields": [spec_to_json(f) for f in fields], "max_pages": max_pages, "timeout_s": timeout_s},
        timeout_s=timeout_s,
        memory_mb=memory_mb,
    )
    return ExtractedReturn.from_json(json.loads(out))


def page_image(
    pdf_bytes: bytes,
    page: int,
    *,
    dpi: int = 110,
    max_pages: int = 200,
    timeout_s: float = 30,
    memory_mb: int = 768,
) -> bytes:
    """One page (1-based) of the PDF as PNG bytes, drawn in a limited child process.

    ``dpi`` is capped at 300 and the image at 30 million pixels, whatever size the page
    declares. Raises :class:`IngestError` for a bad file or a page that does not exist.
    """
    check_bytes(pdf_bytes)
    return _run_worker(
        "image",
        pdf_bytes,
        {"page": page, "dpi": dpi, "max_pages": max_pages},
        timeout_s=timeout_s,
        memory_mb=memory_mb,
    )
