"""Converting .docx files to PDF with LibreOffice.

One ``soffice --headless --convert-to pdf`` call converts a whole batch (start-up, ~1.7 s,
is the dominant cost of a small document). Each call gets its own, throw-away LibreOffice
profile: two conversions sharing a profile collide, and the loser exits without a word,
so every expected PDF is checked to exist and to be a PDF, not just the exit code.

Contents lists: headless LibreOffice exports a ``TOC`` field's stored entries as they are
and cannot be told to update them. With ``update_toc=True`` the entries are therefore
written by :mod:`document_templates.toc`, each with its page number as a PAGEREF field to
its heading's bookmark and outside any TOC field: LibreOffice works those out as it lays
the document out, so one conversion prints the right page numbers. (The .docx edition
keeps Word's own TOC field, which Word updates as usual.)
"""

from __future__ import annotations

import os
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

from document_templates.toc import fill_toc, has_toc

__all__ = [
    "ConversionError",
    "LibreOfficeConverter",
    "PdfConverter",
    "convert_to_pdf",
    "pdf_outline",
]


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

    def _convert_with_toc(self, files: list[Path], out_dir: Path) -> list[Path]:
        """One conversion, the contents entries' page numbers left to LibreOffice."""
        with tempfile.TemporaryDirectory(prefix="onepanel-toc-") as tmp:
            staged = []
            for f in files:
                data = f.read_bytes()
                if has_toc(data):
                    data, _ = fill_toc(data, page_fields=True)
                target = Path(tmp) / f.name
                target.write_bytes(data)
                staged.append(target)
            return self._run(staged, out_dir)


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
