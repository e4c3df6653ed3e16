"""Reading a returned PDF. Runs inside the child process started by ``ingest.extract``.

Order of attempts:

1. our fillable form: its AcroForm fields, read with pypdf (``acroform``);
2. a text layer (our Word or PDF request saved as PDF): each answer found under its
   question heading, the chronology read as a table by pdfplumber on the pages between
   the chronology heading and the next question (``flat``);
3. pages with no text: read by OCR, then as in 2 (``scanned``);
4. anything else (``other``): text and tables kept, rows starting with a UK date offered
   as chronology entries, and flagged for manual entry.
"""

from __future__ import annotations

import bisect
import difflib
import io
import re
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ingest.acroform import check_xfa, read_acroform
from ingest.dates import leading_date, parse_uk_date
from ingest.model import (
    ChronologyEntry,
    ExtractedReturn,
    ExtractedTable,
    ExtractedValue,
    FieldSpec,
    IngestError,
)
from ingest.text import Line, clean_line, lower_same_length, norm

MIN_TEXT_CHARS = 40  # a page with less text than this and an image on it is a scan
EOF_WINDOW = 8192  # viewers accept a %%EOF marker a little before the very end
SAVE_AGAIN = "Save it again and upload the new file."

# File types agencies upload by mistake, named so the message can say what the file is.
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"PK\x03\x04", "a Word document or other zipped file"),
    (b"\xd0\xcf\x11\xe0", "an old-style Word document"),
    (b"{\\rtf", "a rich text document"),
    (b"MZ", "a program"),
)


# -- opening ------------------------------------------------------------------------------


def check_bytes(data: bytes) -> None:
    """Refuse, before any parsing, a file that is empty, not a PDF or cut short."""
    if not data:
        raise IngestError("The file is empty.")
    # The PDF header may follow a little junk; anything else is another kind of file.
    if b"%PDF-" not in data[:1024]:
        kind = next((name for magic, name in _SIGNATURES if data.startswith(magic)), None)
        what = f"it is {kind} with a name ending .pdf" if kind else "it does not start as a PDF does"
        raise IngestError(
            f"The file is not a PDF: {what}. Save or print your return as a PDF and upload that."
        )
    if b"%%EOF" not in data[-EOF_WINDOW:]:
        raise IngestError(
            f"The PDF is damaged or incomplete: it has no end-of-file marker, so it may have "
            f"been cut short while being saved or sent. {SAVE_AGAIN}"
        )


def open_pdf(data: bytes, max_pages: int) -> Any:
    """A pypdf reader for the file, refusing encrypted, damaged and over-long PDFs."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            # A PDF with only an owner password (printing or copying restricted) opens
            # with an empty user password, and can be read.
            try:
                opened = reader.decrypt("")
            except Exception:  # noqa: BLE001 - any failure to decrypt means it stays locked
                opened = 0
            if not opened:
                raise IngestError(
                    "The PDF is encrypted and protected by a password, so it cannot be read. "
                    "Save it again without a password and upload the new file."
                )
        pages = len(reader.pages)
    except IngestError:
        raise
    except RecursionError as exc:
        raise IngestError(f"The PDF is damaged: its page list loops back on itself. {SAVE_AGAIN}") from exc
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
        raise IngestError(f"The PDF is damaged and cannot be read. {SAVE_AGAIN}") from exc
    if pages == 0:
        raise IngestError("The PDF has no pages.")
    if pages > max_pages:
        raise IngestError(f"The PDF has {pages} pages; the most that can be read is {max_pages}.")
    return reader


# -- pages as lines -------------------------------------------------------------------------


def text_layer(data: bytes) -> tuple[list[list[Line]], list[bool]]:
    """Each page's text lines (PDFium) and whether the page carries an image."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    pdf = pdfium.PdfDocument(data)
    pages: list[list[Line]] = []
    has_image: list[bool] = []
    try:
        for n, page in enumerate(pdf, start=1):
            textpage = page.get_textpage()
            text = textpage.get_text_range()
            textpage.close()
            has_image.append(any(True for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2)))
            page.close()
            lines = [Line(clean_line(t), n) for t in re.split(r"\r\n|\r|\n", text)]
            pages.append([ln for ln in lines if ln.text])
    finally:
        pdf.close()
    return pages, has_image


_PAGE_NUMBER = re.compile(r"^(page )?# ?(of|/) ?#$|^#$|^page #$|^- ?# ?-$")


def strip_furniture(pages: list[list[Line]]) -> list[list[Line]]:
    """Pages without running headers, footers and page numbers, which would otherwise
    end up in the middle of an answer that runs over a page break."""
    def key(line: Line) -> str:
        return re.sub(r"\d+", "#", norm(line.text))

    edge = 3
    seen: Counter[str] = Counter()
    for lines in pages:
        seen.update({key(ln) for ln in lines[:edge] + lines[-edge:]})
    repeated = {k for k, count in seen.items() if len(pages) >= 2 and count >= max(2, len(pages) / 2)}
    out = []
    for lines in pages:
        keep = []
        for i, ln in enumerate(lines):
            at_edge = i < edge or i >= len(lines) - edge
            k = key(ln)
            if at_edge and (k in repeated or _PAGE_NUMBER.match(k)):
                continue
            keep.append(ln)
        out.append(keep)
    return out


@dataclass
class Document:
    """All lines of the PDF joined into one text, with a way back from an offset to its line."""

    lines: list[Line]
    text: str
    low: str
    starts: list[int]

    @classmethod
    def of(cls, pages: list[list[Line]]) -> Document:
        lines = [ln for page in pages for ln in page]
        starts, parts, offset = [], [], 0
        for ln in lines:
            starts.append(offset)
            parts.append(ln.text)
            offset += len(ln.text) + 1
        text = "\n".join(parts)
        return cls(lines, text, lower_same_length(text), starts)

    def line_at(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self.starts, offset) - 1)

    def span(self, start: int, end: int) -> list[tuple[str, Line]]:
        """The text of each line between two offsets (the first and last may be partial)."""
        out = []
        if start >= end:
            return out
        for i in range(self.line_at(start), self.line_at(max(start, end - 1)) + 1):
            line_start = self.starts[i]
            a = max(start, line_start) - line_start
            b = min(end, line_start + len(self.lines[i].text)) - line_start
            piece = self.lines[i].text[a:b].strip()
            if piece:
                out.append((piece, self.lines[i]))
        return out


# -- finding the questions ------------------------------------------------------------------


@dataclass
class Heading:
    spec: FieldSpec
    start: int
    end: int


def _words(label: str) -> list[str]:
    return norm(label).rstrip("?: ").split()


def locate_headings(doc: Document, fields: Sequence[FieldSpec]) -> list[Heading]:
    """Where each question heading is in the text, in order of appearance.

    A heading is looked for on a line of its own first (a wrapped heading may take two
    lines, and may be numbered or followed by a colon and the answer), then anywhere, then,
    for OCR slips, as a line that is nearly the heading.
    """
    found: list[Heading] = []
    taken: list[tuple[int, int]] = []
    cursor = 0

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    for spec in fields:
        words = _words(spec.label)
        if not words:
            continue
        body = r"\s+".join(re.escape(w) for w in words)
        strict = re.compile(rf"(?m)^[^\S\n]*(?:\d{{1,2}}[.)][^\S\n]*)?{body}[^\S\n]*(?:[?:]|$)")
        loose = re.compile(rf"(?<![\w]){body}(?![\w])\s*[?:]?")
        match = None
        for pattern in (strict, loose):
            for origin in (cursor, 0):
                match = next((m for m in pattern.finditer(doc.low, origin) if free(m.start(), m.end())), None)
                if match:
                    break
            if match:
                break
        span = (match.start(), match.end()) if match else _fuzzy(doc, " ".join(words), free)
        if span is None:
            continue
        found.append(Heading(spec, *span))
        taken.append(span)
        cursor = span[1]
    found.sort(key=lambda h: h.start)
    return found


def _fuzzy(doc: Document, label: str, free: Any) -> tuple[int, int] | None:
    """A line (or two joined lines) that reads nearly as the heading, for OCR slips."""
    best, best_span = 0.86, None
    n = len(doc.lines)
    for i in range(n):
        for j in (i, i + 1):
            if j >= n:
                continue
            start, end = doc.starts[i], doc.starts[j] + len(doc.lines[j].text)
            candidate = " ".join(doc.low[start:end].split()).rstrip("?: ")
            if abs(len(candidate) - len(label)) > max(4, len(label) // 4):
                continue
            matcher = difflib.SequenceMatcher(None, candidate, label, autojunk=False)
            if matcher.quick_ratio() < best:
                continue
            ratio = matcher.ratio()
            if ratio > best and free(start, end):
                best, best_span = ratio, (start, end)
    return best_span


# -- answers ------------------------------------------------------------------------------


def _strip_hint(pieces: list[tuple[str, Line]], hint: str) -> list[tuple[str, Line]]:
    """The answer without the guidance printed under the heading (allowing for OCR slips
    and for the hint wrapping over several lines)."""
    if not hint or not pieces:
        return pieces
    target = " ".join(norm(hint).split())
    best_k, best_ratio = 0, 0.85
    for k in range(1, min(len(pieces), 4) + 1):
        joined = " ".join(norm(p) for p, _ in pieces[:k])
        if joined.startswith(target):
            # The hint ends part-way through a line: the rest of that line is the answer.
            rest = " ".join(p for p, _ in pieces[:k])[len(target):].strip()
            return ([(rest, pieces[k - 1][1])] if rest else []) + pieces[k:]
        ratio = difflib.SequenceMatcher(None, joined, target, autojunk=False).ratio()
        if ratio > best_ratio:
            best_k, best_ratio = k, ratio
        if len(joined) > len(target) * 1.3:
            break
    return pieces[best_k:]


def _paragraphs(pieces: list[tuple[str, Line]], width: dict[int, int]) -> str:
    """Lines made back into paragraphs: a long line not ending a sentence was wrapped."""
    paras: list[str] = []
    joining = False
    for text, line in pieces:
        if joining and paras:
            paras[-1] += " " + text
        else:
            paras.append(text)
        joining = len(line.text) >= 0.7 * width.get(line.page, 80) and not re.search(r"[.!?:;)\"']$", text)
    return "\n".join(paras)


def _ocr_conf(pieces: list[tuple[str, Line]], fallback: Line | None) -> float | None:
    confs = [ln.conf for _, ln in pieces if ln.conf is not None]
    if not confs and fallback is not None and fallback.conf is not None:
        confs = [fallback.conf]
    return sum(confs) / len(confs) if confs else None


CHECKED = r"☒|☑|✓|✔|✗|✘|■|\[\s*[xX✓✔]\s*\]|\(\s*[xX✓✔]\s*\)"
UNCHECKED = r"☐|□|❑|\[\s*\]|\(\s*\)"
_MARK = re.compile(rf"({CHECKED}|{UNCHECKED})")
_CHECKED = re.compile(rf"^(?:{CHECKED})$")


@dataclass
class _Option:
    value: str
    marked: bool | None  # True ticked, False an empty box, None no mark printed
    ink: float | None


def _find_options(pieces: list[tuple[str, Line]], spec: FieldSpec) -> tuple[list[_Option], bool]:
    """Each option printed in the answer, with its mark; and whether any marks were printed."""
    labels = sorted(
        ((value, norm(label)) for value, label in spec.options),
        key=lambda o: -len(o[1]),
    ) + [(value, norm(value).replace("_", " ")) for value, _ in spec.options]
    found: list[_Option] = []
    any_marks = False
    for text, line in pieces:
        parts = _MARK.split(text)
        # parts: text, mark, text, mark, text ...
        segments = [(None, parts[0])] + [(parts[i], parts[i + 1]) for i in range(1, len(parts) - 1, 2)]
        for mark, segment in segments:
            if mark is not None:
                any_marks = True
            seg = norm(segment)
            x_mark = re.match(r"^[xX]\s+", seg) if mark is None else None
            if x_mark:
                seg = seg[x_mark.end():]
            seg_words = seg.split()
            for skip in range(0, 3 if line.words else 1):
                # OCR may read a printed box as a stray short token before the label.
                if skip and (skip > len(seg_words) or len(seg_words[skip - 1]) > 3):
                    break
                candidate = " ".join(seg_words[skip:])
                hit = next(
                    (v for v, lab in labels if re.match(rf"{re.escape(lab)}(?![a-z0-9])", candidate)),
                    None,
                )
                if hit is None:
                    continue
                if any(o.value == hit for o in found):
                    break
                marked = bool(_CHECKED.match(mark)) if mark is not None else (True if x_mark else None)
                if x_mark:
                    any_marks = True
                found.append(_Option(hit, marked, _ink_before(line, candidate)))
                break
    return found, any_marks


def _ink_before(line: Line, candidate: str) -> float | None:
    """For an OCR line, how dark the box position left of the option's first word is."""
    if not line.words or not candidate:
        return None
    first = candidate.split()[0]
    for word in line.words:
        if first[:4] in norm(word.text):
            return word.ink_left
    return None


def read_choice(spec: FieldSpec, pieces: list[tuple[str, Line]], messages: list[str]) -> tuple[list[str], float]:
    """The chosen option values and a base confidence, from text like "☒ Yes ☐ No",
    "[x] Yes", "X Yes", a bare "Yes", or (after OCR) the darker of the printed boxes."""
    if not pieces:
        return [], 0.6
    options, any_marks = _find_options(pieces, spec)
    inks = [o.ink for o in options if o.ink is not None]
    chosen: list[str] = []
    confidence = 0.9
    if len(inks) >= 2 and len(inks) == len(options) and max(inks) - min(inks) >= 0.08:
        low, high = min(inks), max(inks)
        if spec.kind == "radio":
            chosen = [max(options, key=lambda o: o.ink or 0.0).value]
        else:
            chosen = [o.value for o in options if (o.ink or 0.0) >= low + 0.5 * (high - low)]
    elif any(o.marked is not None for o in options):
        chosen = [o.value for o in options if o.marked]
    elif not any_marks and options and len(options) < len(spec.options):
        chosen = [o.value for o in options]  # the answer is simply the option's words
        confidence = 0.8
    if not chosen and options and all(o.marked is False for o in options):
        # Every printed box left empty: the question was not answered, which is clear.
        messages.append(f"No answer was marked for '{spec.label}'.")
        return [], 0.6
    if not chosen:
        messages.append(f"Could not tell which answer was marked for '{spec.label}'; check it against the page.")
        return [], 0.4
    if spec.kind == "radio" and len(chosen) > 1:
        messages.append(f"More than one answer was marked for '{spec.label}'; check it against the page.")
        return chosen[:1], 0.5
    return chosen, confidence


def read_answers(doc: Document, headings: list[Heading], result: ExtractedReturn) -> None:
    """Each question's answer: the text from its heading to the next heading."""
    width: dict[int, int] = {}
    for line in doc.lines:
        width[line.page] = max(width.get(line.page, 0), len(line.text))
    for i, heading in enumerate(headings):
        spec = heading.spec
        if spec.kind == "chronology":
            continue
        stop = headings[i + 1].start if i + 1 < len(headings) else len(doc.text)
        pieces = _strip_hint(doc.span(heading.end, stop), spec.hint)
        pieces = [(p.strip(" :"), ln) for p, ln in pieces if p.strip(" :")]
        heading_line = doc.lines[doc.line_at(heading.start)]
        page = pieces[0][1].page if pieces else heading_line.page
        raw = "\n".join(p for p, _ in pieces)
        ocr = _ocr_conf(pieces, heading_line)
        value: str | list[str]
        if spec.kind in ("radio", "checkbox"):
            chosen, base = read_choice(spec, pieces, result.messages)
            value = chosen if spec.kind == "checkbox" else (chosen[0] if chosen else "")
        elif spec.kind == "date":
            parsed, raw_date = parse_uk_date(raw)
            value, base = (parsed.isoformat(), 0.9) if parsed else (raw, 0.5 if raw else 0.6)
            if raw and parsed is None:
                what = f"'{raw_date}' is not a date that exists" if raw_date else f"'{raw}' is not a date"
                result.messages.append(f"'{spec.label}': {what}; check it.")
        elif spec.kind == "text":
            # A one-line answer: its first paragraph (a long answer may wrap), so that text
            # the field list does not know about is not taken into it.
            first = _paragraphs(pieces, width).split("\n", 1)[0]
            value, base = " ".join(first.split()), 0.9 if pieces else 0.6
        else:
            value, base = _paragraphs(pieces, width), 0.9 if pieces else 0.6
        confidence = base * ocr if ocr is not None else base
        result.values[spec.name] = ExtractedValue(value, raw, page, round(confidence, 2))


# -- chronology ---------------------------------------------------------------------------


def _cell(text: str | None) -> str:
    return " ".join((text or "").split())


def _entry(raw_cell: str, event: str, outcome: str, page: int, sure: float, messages: list[str]) -> ChronologyEntry:
    parsed, raw_date = parse_uk_date(raw_cell)
    if raw_date and parsed is None:
        messages.append(f"Chronology: '{raw_date}' (page {page}) is not a date that exists; check it.")
    elif raw_cell and parsed is None:
        raw_date = raw_cell
        messages.append(f"Chronology: '{raw_cell}' (page {page}) is not a date; check it.")
    elif not raw_date:
        messages.append(f"Chronology: an entry on page {page} has no date.")
    return ChronologyEntry(parsed, raw_date, event, outcome, page, round(sure if parsed else sure * 0.55, 2))


def chronology_from_tables(data: bytes, pages: list[int], messages: list[str]) -> list[ChronologyEntry]:
    """Rows of the "Date | Event | Action / outcome" table on ``pages`` (1-based), read by
    pdfplumber, which runs only on those pages and frees each page after use. Without
    that header row, the rows of any table there that start with a date are taken."""
    import pdfplumber

    after_header: list[tuple[list[str], int]] = []
    dated: list[tuple[list[str], int]] = []
    started = False
    with pdfplumber.open(io.BytesIO(data), password="") as pdf:
        for n in pages:
            page = pdf.pages[n - 1]
            try:
                tables = page.extract_tables()
            finally:
                page.close()
            first_row_here = True
            for table in tables:
                for row in table:
                    cells = [_cell(c) for c in row]
                    if len(cells) < 2 or not any(cells):
                        continue
                    if norm(cells[0]).startswith("date") and norm(cells[1]).startswith("event"):
                        started = True
                        continue
                    if leading_date(cells[0]):
                        dated.append((cells, n))
                    if not started:
                        continue
                    if not cells[0] and after_header and first_row_here:
                        # A row split by a page break: its second half has no date.
                        previous = after_header[-1][0]
                        for k in range(1, min(len(cells), len(previous))):
                            previous[k] = f"{previous[k]} {cells[k]}".strip()
                    else:
                        after_header.append((cells, n))
                    first_row_here = False
    rows = after_header or dated
    return [
        _entry(cells[0], cells[1], " ".join(cells[2:]).strip(), n, 0.9 if after_header else 0.6, messages)
        for cells, n in rows
    ]


def chronology_from_ocr(pieces: list[tuple[str, Line]], messages: list[str]) -> list[ChronologyEntry]:
    """The chronology table of a scan, split into columns by where the header's words
    "Date", "Event" and "Action" stand; a line with no date continues the row above."""
    columns: tuple[int, int] | None = None
    rows: list[tuple[list[list[str]], Line]] = []  # the three cells' words, the row's first line
    for text, line in pieces:
        words = line.words
        # The header row; "Date" may be lost to the table's rules, so "Event" and "Action"
        # (or "Outcome") are enough.
        if words and re.match(r"^(date\b.*)?\bevent\b.*\b(action|outcome)", norm(text)):
            event_x = next((w.left for w in words if norm(w.text).startswith("event")), None)
            action_x = next((w.left for w in words if norm(w.text).startswith(("action", "outcome"))), None)
            if event_x is not None:
                columns = (event_x, action_x if action_x is not None else 10**9)
            continue
        if columns is None or not words:
            continue
        tolerance = 0.5 * max(w.height for w in words)
        split: list[list[str]] = [[], [], []]
        for w in words:
            col = 0 if w.left < columns[0] - tolerance else 1 if w.left < columns[1] - tolerance else 2
            split[col].append(w.text)
        if leading_date(" ".join(split[0])):
            rows.append((split, line))
        elif rows:
            for k in range(3):
                rows[-1][0][k].extend(split[k])
    return [
        _entry(" ".join(c[0]), " ".join(c[1]), " ".join(c[2]), line.page, 0.9 * (line.conf or 1.0), messages)
        for c, line in rows
    ]


def dated_lines(lines: list[Line], confidence: float, messages: list[str]) -> list[ChronologyEntry]:
    """Lines that start with a UK date, offered as chronology entries."""
    out = []
    for line in lines:
        match = leading_date(line.text)
        if not match:
            continue
        rest = re.sub(r"^[\s\-|:~_\[\](){}.,]+", "", line.text[match.end():]).strip()
        sure = confidence * (line.conf if line.conf is not None else 1.0)
        out.append(_entry(match.group(0), rest, "", line.page, round(sure, 2), messages))
    return out


def tables_and_dated_rows(
    data: bytes, pages: list[int], messages: list[str]
) -> tuple[list[ExtractedTable], list[ChronologyEntry], set[int]]:
    """Tables on ``pages`` of a PDF that is not our form, the rows of them that start with a
    date, and the pages where such rows were found."""
    import pdfplumber

    tables: list[ExtractedTable] = []
    entries: list[ChronologyEntry] = []
    covered: set[int] = set()
    with pdfplumber.open(io.BytesIO(data), password="") as pdf:
        for n in pages:
            page = pdf.pages[n - 1]
            try:
                found = page.extract_tables()
            finally:
                page.close()
            for table in found:
                rows = [[_cell(c) for c in row] for row in table]
                tables.append(ExtractedTable(n, rows))
                for cells in rows:
                    if cells and leading_date(cells[0]):
                        date_match = leading_date(cells[0])
                        assert date_match is not None
                        extra = cells[0][date_match.end():].strip()
                        event = "; ".join(c for c in [extra, *cells[1:]] if c)
                        entries.append(_entry(date_match.group(0), event, "", n, 0.5, messages))
                        covered.add(n)
    return tables, entries, covered


# -- the whole reading ----------------------------------------------------------------------


def read(data: bytes, fields: Sequence[FieldSpec], max_pages: int = 200, timeout_s: float = 120) -> ExtractedReturn:
    """Everything that can be read from one returned PDF (see the module's docstring)."""
    deadline = time.monotonic() + timeout_s
    check_bytes(data)
    reader = open_pdf(data, max_pages)
    check_xfa(reader)
    form = read_acroform(reader, fields)
    if form is not None:
        return form
    page_count = len(reader.pages)
    del reader

    pages, has_image = text_layer(data)
    messages: list[str] = []
    scans = [n for n, lines in enumerate(pages, start=1)
             if sum(len(ln.text) for ln in lines) < MIN_TEXT_CHARS and has_image[n - 1]]
    no_ocr = False
    if scans:
        from ingest.ocr import ocr_pages, tesseract_path

        numbers = ", ".join(str(n) for n in scans)
        pages_word = f"Page{'s' if len(scans) > 1 else ''} {numbers}"
        if tesseract_path() is None:
            # The upload is still a return: a person can type its answers from the page images.
            no_ocr = True
            messages.append(
                "This PDF is a scan, and the text recogniser (Tesseract) is not installed on "
                "the server, so it was not read. Enter the answers from the page images."
                if len(scans) == page_count
                else f"{pages_word} had no text and could not be read, because the text recogniser "
                "(Tesseract) is not installed on the server. Enter their answers from the page images."
            )
            if len(scans) == page_count:
                return ExtractedReturn(
                    kind="scanned", page_count=page_count, needs_manual_entry=True, messages=messages,
                    text_by_page=["" for _ in pages],
                )
        else:
            for n, lines in ocr_pages(data, scans, messages, deadline).items():
                pages[n - 1] = lines
            if len(scans) < page_count:
                messages.append(f"{pages_word} had no text and {'were' if len(scans) > 1 else 'was'} read by OCR.")
    all_scanned = len(scans) == page_count
    pages = strip_furniture(pages)
    doc = Document.of(pages)
    result = ExtractedReturn(
        kind="scanned" if all_scanned else "flat",
        page_count=page_count,
        messages=messages,
        text_by_page=["\n".join(ln.text for ln in lines) for lines in pages],
    )
    headings = locate_headings(doc, fields)
    ours = [h for h in headings if h.spec.kind != "chronology"]
    if len(headings) < max(2, len(fields) // 3) or not ours:
        return _other(data, doc, pages, result, scans)

    read_answers(doc, headings, result)
    # A follow-up question is left out of a printed return when it does not apply.
    missing = [f for f in fields if f.name not in {h.spec.name for h in headings} and not f.conditional]
    for spec in missing:
        result.messages.append(f"The question '{spec.label}' was not found in the PDF; enter its answer by hand.")
    result.needs_manual_entry = bool(missing) or no_ocr

    chronology = next((i for i, h in enumerate(headings) if h.spec.kind == "chronology"), None)
    if chronology is not None:
        head = headings[chronology]
        stop = headings[chronology + 1].start if chronology + 1 < len(headings) else len(doc.text)
        first = doc.lines[doc.line_at(head.start)].page
        last = doc.lines[doc.line_at(max(head.end, stop - 1))].page
        span = doc.span(head.end, stop)
        text_pages = [n for n in range(first, last + 1) if n not in scans]
        if text_pages:
            result.chronology += chronology_from_tables(data, text_pages, result.messages)
        if any(ln.words for _, ln in span):
            ocr_span = [(t, ln) for t, ln in span if ln.words]
            entries = chronology_from_ocr(ocr_span, result.messages)
            if not entries:  # no header row found: fall back to lines that start with a date
                entries = dated_lines([ln for _, ln in ocr_span], 0.6, result.messages)
            result.chronology += entries
    return result


def _other(data: bytes, doc: Document, pages: list[list[Line]], result: ExtractedReturn, scans: list[int]) -> ExtractedReturn:
    """A PDF that is not our form: text kept, tables and dated rows found, manual entry."""
    result.kind = "other"
    result.needs_manual_entry = True
    dated_pages = [n for n, lines in enumerate(pages, start=1)
                   if n not in scans and any(leading_date(ln.text) for ln in lines)]
    notes: list[str] = []
    covered: set[int] = set()
    if dated_pages:
        result.tables, result.chronology, covered = tables_and_dated_rows(data, dated_pages, notes)
    # Pages without a table (or scans) give their dated lines instead.
    rest = [ln for ln in doc.lines if ln.page not in covered]
    result.chronology += dated_lines(rest, 0.5, notes)
    result.chronology.sort(key=lambda e: e.page)
    result.messages.append(
        "This PDF is not our request form: its questions were not found, so its answers "
        "must be entered by hand from the page images."
    )
    if result.chronology:
        result.messages.append(
            f"{len(result.chronology)} row{'s' if len(result.chronology) != 1 else ''} starting with a date "
            "were found and are offered as chronology entries; check each one."
        )
    result.messages += notes
    return result

