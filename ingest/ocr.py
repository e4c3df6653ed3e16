"""Reading scanned pages with Tesseract: each page drawn at 300 dpi, turned upright
(Tesseract's orientation detection), straightened (a projection-profile skew estimate),
then read word by word with confidences.

Tesseract is called directly rather than through OCRmyPDF because the word confidences
and positions are what the reader needs: confidences for the check screen, positions to
split a chronology table into its columns and to see which printed box is ticked.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess  # nosec B404: runs tesseract with fixed arguments
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from PIL import Image, ImageStat

from ingest.model import IngestError
from ingest.text import Line, Word, clean_line

OCR_DPI = 300
MAX_OCR_PIXELS = 40_000_000  # about A3 at 300 dpi; larger pages are drawn smaller
MIN_SKEW = 0.15  # degrees; less than this is left alone


def tesseract_path() -> str | None:
    """Where the ``tesseract`` program is, or None when it is not installed."""
    return shutil.which("tesseract")


def ocr_pages(data: bytes, pages: list[int], messages: list[str], deadline: float) -> dict[int, list[Line]]:
    """The lines of each of ``pages`` (1-based) read by OCR; notes on turned pages go to
    ``messages``. ``deadline`` is a ``time.monotonic()`` value that no step may pass."""
    import pypdfium2 as pdfium

    tesseract = tesseract_path()
    if tesseract is None:
        raise IngestError(
            "This PDF is a scan, and the text recogniser (Tesseract) is not installed on the "
            "server, so it cannot be read. Enter the answers from the page images."
        )
    with tempfile.TemporaryDirectory(prefix="onepanel-ocr-") as tmp_name:
        tmp = Path(tmp_name)
        # PDFium is not thread-safe: draw every page first, then OCR them in parallel.
        pdf = pdfium.PdfDocument(data)
        try:
            for n in pages:
                page = pdf[n - 1]
                width, height = page.get_size()
                scale = OCR_DPI / 72
                pixels = width * height * scale * scale
                if pixels > MAX_OCR_PIXELS:
                    scale *= (MAX_OCR_PIXELS / pixels) ** 0.5
                page.render(scale=scale).to_pil().convert("L").save(tmp / f"p{n}.png")
                page.close()
        finally:
            pdf.close()
        workers = max(1, min(len(pages), os.cpu_count() or 1, 4))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            done = list(pool.map(lambda n: _ocr_page(tesseract, tmp, n, deadline), pages))
    out: dict[int, list[Line]] = {}
    for n, (lines, rotated, skew) in zip(pages, done, strict=True):
        out[n] = lines
        if rotated and abs(skew) >= MIN_SKEW:
            messages.append(
                f"Page {n} was rotated {rotated}° and skewed by {abs(skew):.1f}°, and was straightened before reading."
            )
        elif rotated:
            messages.append(f"Page {n} was rotated {rotated}° and was straightened before reading.")
        elif abs(skew) >= 0.5:
            messages.append(f"Page {n} was skewed by {abs(skew):.1f}° and was straightened before reading.")
    return out


def _run(cmd: list[str], deadline: float) -> str:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise IngestError("Reading the scanned pages took longer than allowed and was stopped.")
    # One thread each: pages are already read in parallel, and OpenMP threads on top of
    # that slow Tesseract down on a small machine.
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    proc = subprocess.run(  # nosec B603: fixed arguments, no shell
        cmd, capture_output=True, timeout=remaining, check=False, env=env
    )
    return (proc.stdout + proc.stderr).decode("utf-8", "replace")


def _ocr_page(tesseract: str, tmp: Path, n: int, deadline: float) -> tuple[list[Line], int, float]:
    path = tmp / f"p{n}.png"
    image = Image.open(path).convert("L")
    rotated = _orientation(tesseract, image, tmp / f"p{n}_osd.png", deadline)
    if rotated:
        # Tesseract gives the clockwise turn that makes the page upright; PIL turns
        # anticlockwise for a positive angle.
        image = image.rotate(-rotated, expand=True, fillcolor=255)
    skew = estimate_skew(image)
    if abs(skew) >= MIN_SKEW:
        image = image.rotate(skew, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    upright = tmp / f"p{n}_upright.png"
    image.save(upright)
    tsv = _run([tesseract, str(upright), "-", "-l", "eng", "--psm", "3", "tsv"], deadline)
    words = parse_tsv(tsv)
    lines = group_lines(words, n)
    if words:
        unit = statistics.median(w.height for w in words)
        for line in lines:
            top = min(w.top for w in line.words)
            bottom = max(w.top + w.height for w in line.words)
            for word in line.words:
                word.ink_left = _ink(image, word, top, bottom, unit)
    return lines, rotated, skew


def _orientation(tesseract: str, image: Image.Image, path: Path, deadline: float) -> int:
    """Degrees (0, 90, 180, 270) to turn the page clockwise to make it upright."""
    small = image.resize((max(1, image.width // 2), max(1, image.height // 2)))
    small.save(path)
    out = _run([tesseract, str(path), "-", "--psm", "0", "-l", "osd"], deadline)
    rotate = re.search(r"Rotate: (\d+)", out)
    confidence = re.search(r"Orientation confidence: ([\d.]+)", out)
    if not rotate or not confidence or float(confidence.group(1)) < 1.0:
        return 0  # too little text to tell: leave the page as it is
    return int(rotate.group(1)) % 360


def estimate_skew(image: Image.Image) -> float:
    """The small angle (degrees, -5 to 5) that makes the text lines of a page level.

    Lines of text are level when the page's row-by-row ink profile is sharpest, so each
    candidate angle is scored by the squared differences between neighbouring rows.
    """
    width = 800
    thumb = image.resize((width, max(1, round(image.height * width / image.width))))
    ink = thumb.point(lambda p: 255 if p < 160 else 0)

    def score(angle: float) -> float:
        profile = list(ink.rotate(angle, fillcolor=0).resize((1, ink.height), Image.Resampling.BOX).getdata())
        return float(sum((b - a) ** 2 for a, b in zip(profile, profile[1:], strict=False)))

    best = max((a / 2 for a in range(-10, 11)), key=score)
    best = max((best + a / 10 for a in range(-5, 6)), key=score)
    return round(best, 2)


def parse_tsv(tsv: str) -> list[Word]:
    """The recognised words of Tesseract's TSV output (confidence 0-1)."""
    words = []
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5":
            continue
        text = clean_line(cols[11])
        try:
            conf = float(cols[10])
        except ValueError:
            continue
        if not text or conf < 0:
            continue
        left, top, width, height = (int(c) for c in cols[6:10])
        words.append(Word(text, left, top, width, height, conf / 100))
    return words


def group_lines(words: list[Word], page: int) -> list[Line]:
    """Words gathered into lines across the whole width of the page.

    Tesseract reads a table's columns as separate blocks; gathering by position instead
    keeps each table row on one line, left to right.
    """
    if not words:
        return []
    tolerance = statistics.median(w.height for w in words) * 0.6
    rows: list[list[Word]] = []
    centres: list[float] = []
    for word in sorted(words, key=lambda w: w.top + w.height / 2):
        centre = word.top + word.height / 2
        if rows and abs(centre - centres[-1]) <= tolerance:
            rows[-1].append(word)
            centres[-1] = sum(w.top + w.height / 2 for w in rows[-1]) / len(rows[-1])
        else:
            rows.append([word])
            centres.append(centre)
    lines = []
    for row in rows:
        row.sort(key=lambda w: w.left)
        conf = sum(w.conf for w in row) / len(row)
        lines.append(Line(" ".join(w.text for w in row), page, conf, row))
    return lines


def _ink(image: Image.Image, word: Word, line_top: int, line_bottom: int, unit: float) -> float:
    """How much ink (0-1) is inside the printed box just left of a word, if there is one.

    The box's outline is the same ticked or not, so only its middle counts: the ink found
    in the space left of the word is boxed, and the outer quarter on each side left out.
    A ☒ scores about 0.2-0.4, an empty ☐ close to 0.
    """
    region = (
        max(0, int(word.left - 2.0 * unit)),
        max(0, int(line_top - 0.2 * unit)),
        max(0, int(word.left - 0.1 * unit)),
        min(image.height, int(line_bottom + 0.2 * unit)),
    )
    if region[2] - region[0] < 2 or region[3] - region[1] < 2:
        return 0.0
    crop = image.crop(region)
    bbox = crop.point(lambda p: 255 if p < 128 else 0).getbbox()
    if bbox is None:
        return 0.0
    left, top, right, bottom = bbox
    dx, dy = (right - left) // 4, (bottom - top) // 4
    if right - left < 0.4 * unit or bottom - top < 0.4 * unit:
        return 0.0  # a speck or a stray stroke, not a box
    middle = crop.crop((left + dx, top + dy, right - dx, bottom - dy))
    return round(1 - ImageStat.Stat(middle).mean[0] / 255, 4)
