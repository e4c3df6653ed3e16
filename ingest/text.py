"""Text normalisation shared by the readers: the same question heading must match whether
it came from a Word export, our PDF or OCR (curly quotes, odd spaces, ligatures, case)."""

from __future__ import annotations

import re
import unicodedata

_QUOTES = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u00a0": " ", "\u200b": "", "\ufeff": "", "\u00ad": "",
})


def clean_line(text: str) -> str:
    """One line with quotes, dashes and spaces made plain and runs of space collapsed
    (case kept). The box glyphs ☐ ☒ are kept: they carry answers."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    return re.sub(r"\s+", " ", text).strip()


def lower_same_length(text: str) -> str:
    """Lower case without changing the length, so offsets into the two texts agree."""
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def norm(text: str) -> str:
    """Text for comparing: cleaned, lower case, one space between words."""
    return lower_same_length(clean_line(text))


def label_pattern(label: str) -> str:
    """A regex for a question heading in normalised text: any run of whitespace (a wrapped
    line) between words, trailing ``?`` or ``:`` optional."""
    words = norm(label).rstrip("?: ").split()
    return r"\s+".join(re.escape(w) for w in words) + r"\s*[?:]?"


class Word:
    """A word read by OCR: its box on the upright page image, Tesseract's confidence
    (0-1), and how dark the space just left of it is (a ticked box there is darker)."""

    __slots__ = ("text", "left", "top", "width", "height", "conf", "ink_left")

    def __init__(self, text: str, left: int, top: int, width: int, height: int, conf: float) -> None:
        self.text, self.left, self.top, self.width, self.height = text, left, top, width, height
        self.conf = conf
        self.ink_left = 0.0


class Line:
    """One line of a page: its cleaned text, page, and for OCR the words and their mean
    confidence (None for a text layer, which is exact)."""

    __slots__ = ("text", "page", "conf", "words")

    def __init__(self, text: str, page: int, conf: float | None = None, words: list[Word] | None = None) -> None:
        self.text, self.page, self.conf = text, page, conf
        self.words = words or []
