"""Converting .docx files to PDF with LibreOffice.

One ``soffice --headless --convert-to pdf`` call converts a whole batch (start-up, ~1.7 s,
is the dominant cost of a small document). Each call gets its own, throw-away LibreOffice
profile: two conversions sharing a profile collide, and the loser exits without a word,
so every expected PDF is checked to exist and to be a PDF, not just the exit code.

Contents lists: headless LibreOffice exports a ``TOC`` field's stored entries as they are
and cannot be told to update them (the scripting that an "update all indexes" macro would
need is not part of the installed LibreOffice). With ``update_toc=True`` the entries are
therefore written by :mod:`document_templates.toc` and the page numbers measured:

1. the entries are written with a wide placeholder page number and the batch converted;
2. LibreOffice exports every heading as a PDF bookmark with its page; those pages are read
   back (pypdf) and written into the entries;
3. the batch is converted again. The contents list has the same lines as in step 1, so
   nothing moves; this is verified, and repeated (at most twice more) if a page changed.

The cost is one extra conversion of the documents that have a contents list.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess  # nosec B404: runs LibreOffice with a fixed argument list, no shell
import tempfile
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from pypdf import PdfReader

from document_templates.toc import PAGE_PLACEHOLDER, Heading, fill_toc, has_toc

__all__ = [
    "ConversionError",
    "LibreOfficeConverter",
    "PdfConverter",
    "convert_to_pdf",
    "pdf_outline",
]

_MAX_TOC_PASSES = 3


class ConversionError(Exception):
    """A conversion failed or produced no PDF; ``output`` holds what soffice printed."""

    def __init__(self, message: str, output: str = "") -> None:
        super().__init__(f"{message}\n{output}".rstrip())
        self.output = output


class PdfConverter(Protocol):
    """Something that turns .docx files into PDFs (chosen by configuration)."""

    def convert(
        self, docx_files: Sequence[Path], out_dir: Path, *, update_toc: bool = False
    ) -> list[Path]:
        """Convert each file to ``out_dir/<stem>.pdf``; return the PDFs in input order."""
        ...


@dataclass(frozen=True)
class OutlineItem:
    """One PDF bookmark: nesting level (1 = top), title and 1-based page."""

    level: int
    title: str
    page: int


def pdf_outline(pdf: Path | PdfReader) -> list[OutlineItem]:
    """The bookmarks of a PDF in reading order, flattened with their levels."""
    reader = pdf if isinstance(pdf, PdfReader) else PdfReader(str(pdf))
    items: list[OutlineItem] = []

    def walk(nodes: list, level: int) -> None:
        for node in nodes:
            if isinstance(node, list):
                walk(node, level + 1)
                continue
            page = reader.get_destination_page_number(node)
            items.append(OutlineItem(level, str(node.title), (page + 1) if page is not None else 0))

    walk(reader.outline, 1)
    return items


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def _heading_pages(headings: Sequence[Heading], outline: Sequence[OutlineItem]) -> list[int | None]:
    """Match headings to bookmarks in order (titles may repeat; order disambiguates)."""
    pages: list[int | None] = []
    at = 0
    for heading in headings:
        want = _norm(heading.text)
        found = None
        for i in range(at, len(outline)):
            if _norm(outline[i].title) == want:
                found = i
                break
        if found is None:
            pages.append(None)
        else:
            pages.append(outline[found].page or None)
            at = found + 1
    return pages


def _looks_like_pdf(path: Path) -> bool:
    try:
        size = path.stat().st_size
        if size < 64:
            return False
        with path.open("rb") as fh:
            head = fh.read(8)
            fh.seek(max(0, size - 1024))
            tail = fh.read()
    except OSError:
        return False
    return head.startswith(b"%PDF-") and b"%%EOF" in tail


class LibreOfficeConverter:
    """:class:`PdfConverter` using a headless LibreOffice (``soffice``)."""

    def __init__(self, soffice: str | None = None, *, timeout_s: float = 300) -> None:
        self.soffice = soffice or shutil.which("soffice") or "soffice"
        self.timeout_s = timeout_s

    def _run(self, docx_files: Sequence[Path], out_dir: Path) -> list[Path]:
        """One soffice call for the batch, with a private profile removed afterwards."""
        profile = Path(tempfile.gettempdir()) / f"onepanel-lo-{uuid.uuid4().hex}"
        cmd = [
            self.soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--invisible",
            "--nologo",
            "--nodefault",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(out_dir),
            *[str(Path(f).resolve()) for f in docx_files],
        ]
        output = ""
        try:
            # A new session, so that a timeout can stop soffice and the children it starts.
            proc = subprocess.Popen(  # nosec B603: no shell; arguments are paths we made
                cmd,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                env={**os.environ, "HOME": str(profile)},
            )
            try:
                out, _ = proc.communicate(timeout=self.timeout_s)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                out, _ = proc.communicate()
                raise ConversionError(
                    f"soffice did not finish within {self.timeout_s:g} s",
                    out.decode("utf-8", "replace"),
                ) from None
            output = out.decode("utf-8", "replace")
        except FileNotFoundError as exc:
            raise ConversionError(f"LibreOffice not found: {self.soffice}") from exc
        finally:
            shutil.rmtree(profile, ignore_errors=True)
        pdfs = [out_dir / f"{Path(f).stem}.pdf" for f in docx_files]
        missing = [p.name for p in pdfs if not _looks_like_pdf(p)]
        if missing:
            raise ConversionError(
                f"soffice (exit {proc.returncode}) produced no valid PDF for: {', '.join(missing)}",
                output,
            )
        return pdfs

    def convert(
        self, docx_files: Sequence[Path], out_dir: Path, *, update_toc: bool = False
    ) -> list[Path]:
        """Convert each .docx to ``out_dir/<stem>.pdf`` in one soffice call (see module doc)."""
        files = [Path(f) for f in docx_files]
        if not files:
            return []
        stems = [f.stem for f in files]
        if len(set(stems)) != len(stems):
            raise ValueError("two input files have the same name; their PDFs would collide")
        out_dir.mkdir(parents=True, exist_ok=True)
        if not update_toc:
            return self._run(files, out_dir)
        return self._convert_with_toc(files, out_dir)

    def _uno_python(self) -> str | None:
        """A Python that can drive LibreOffice through UNO (Debian's python3-uno), if any."""
        if not hasattr(self, "_uno"):
            self._uno = None
            for candidate in ("/usr/bin/python3", shutil.which("python3")):
                if not candidate:
                    continue
                ok = subprocess.run(  # nosec B603: fixed arguments
                    [candidate, "-c", "import uno"], capture_output=True, timeout=30
                ).returncode == 0
                if ok:
                    self._uno = candidate
                    break
        return self._uno

    def _run_uno(self, python: str, files: Sequence[Path], out_dir: Path) -> list[Path]:
        """One LibreOffice session that updates each document's indexes and exports it."""
        profile = Path(tempfile.gettempdir()) / f"onepanel-lo-{uuid.uuid4().hex}"
        script = Path(__file__).resolve().parent / "lo_uno_export.py"
        cmd = [python, str(script), str(profile), str(out_dir), *[str(Path(f).resolve()) for f in files]]
        try:
            proc = subprocess.Popen(  # nosec B603: no shell; arguments are paths we made
                cmd,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                env={**os.environ, "HOME": str(profile)},
            )
            try:
                out, _ = proc.communicate(timeout=self.timeout_s)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                out, _ = proc.communicate()
                raise ConversionError(
                    f"soffice did not finish within {self.timeout_s:g} s", out.decode("utf-8", "replace")
                ) from None
        finally:
            shutil.rmtree(profile, ignore_errors=True)
        pdfs = [out_dir / f"{Path(f).stem}.pdf" for f in files]
        missing = [p.name for p in pdfs if not _looks_like_pdf(p)]
        if missing:
            raise ConversionError(
                f"soffice (exit {proc.returncode}) produced no valid PDF for: {', '.join(missing)}",
                out.decode("utf-8", "replace"),
            )
        return pdfs

    def _convert_with_toc(self, files: list[Path], out_dir: Path) -> list[Path]:
        python = self._uno_python()
        if python is not None:
            # Fill the contents entries first (so the field has our entries and links),
            # then let LibreOffice put in the page numbers in the same session as export.
            with tempfile.TemporaryDirectory(prefix="onepanel-toc-") as tmp:
                staged = []
                for f in files:
                    data = f.read_bytes()
                    if has_toc(data):
                        data, _ = fill_toc(data)
                    target = Path(tmp) / f.name
                    target.write_bytes(data)
                    staged.append(target)
                return self._run_uno(python, staged, out_dir)
        return self._convert_two_pass(files, out_dir)

    def _convert_two_pass(self, files: list[Path], out_dir: Path) -> list[Path]:
        with tempfile.TemporaryDirectory(prefix="onepanel-toc-") as tmp:
            work = Path(tmp)
            staged: list[Path] = []
            with_toc: dict[int, list[Heading]] = {}
            for i, f in enumerate(files):
                data = f.read_bytes()
                if has_toc(data):
                    _, headings = fill_toc(data)
                    placeholder = [PAGE_PLACEHOLDER] * len(headings)
                    data, headings = fill_toc(data, placeholder)
                    with_toc[i] = headings
                target = work / "src" / f.name
                target.parent.mkdir(exist_ok=True)
                target.write_bytes(data)
                staged.append(target)
            measured = work / "pass"
            measured.mkdir()
            pdfs = self._run(staged, measured)
            # Documents without a contents list are finished after the first pass.
            for i, pdf in enumerate(pdfs):
                if i not in with_toc:
                    shutil.move(str(pdf), out_dir / pdf.name)
            pending = {i: _heading_pages(with_toc[i], pdf_outline(pdfs[i])) for i in with_toc}
            for _ in range(_MAX_TOC_PASSES - 1):
                if not pending:
                    break
                batch = []
                for i, pages in pending.items():
                    data, _ = fill_toc(staged[i].read_bytes(), pages)
                    staged[i].write_bytes(data)
                    batch.append(i)
                pdfs_now = self._run([staged[i] for i in batch], measured)
                still: dict[int, list[int | None]] = {}
                for i, pdf in zip(batch, pdfs_now, strict=True):
                    actual = _heading_pages(with_toc[i], pdf_outline(pdf))
                    if actual != pending[i]:
                        still[i] = actual
                    shutil.move(str(pdf), out_dir / pdf.name)
                pending = still
        return [out_dir / f"{f.stem}.pdf" for f in files]


def convert_to_pdf(
    docx_files: Sequence[Path],
    out_dir: Path,
    *,
    timeout_s: float = 300,
    update_toc: bool = False,
    soffice: str | None = None,
) -> list[Path]:
    """Convert .docx files to PDFs in ``out_dir`` with one LibreOffice call; return them.

    Raises :class:`ConversionError` (with soffice's output) when a PDF is missing or not a
    PDF, or the call exceeds ``timeout_s``. ``update_toc`` fills contents lists with page
    numbers (one extra conversion; see the module documentation).
    """
    return LibreOfficeConverter(soffice, timeout_s=timeout_s).convert(
        docx_files, out_dir, update_toc=update_toc
    )
