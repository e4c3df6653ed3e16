"""What ``ingest`` takes (the questions) and gives back (what it read, where, how sure).

Confidence (0.0-1.0) is worked out the same way everywhere:

* ``acroform``: 1.0 for a value read from a form field (0.5 for a radio value that is not
  one of the options, or a date that does not exist);
* ``flat``: 0.9 for an answer found under its question heading; 0.8 for a choice given
  as a bare word with no boxes printed; 0.6 when the heading was found but nothing under
  it, or every box was left empty; 0.5 for two ticks on a one-answer question; 0.4 for a
  choice whose marks could not be made out;
* ``scanned``: the flat figure multiplied by the mean Tesseract word confidence (0-1) of
  the lines the answer was read from (a clean scan gives about 0.85);
* chronology rows: 0.9 from our table (times the OCR line confidence for a scan), 0.5
  for a row of a PDF that is not ours (``other``), recognised only by its leading date;
  about half that when the date does not exist (31/02/2026).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

KINDS = ("text", "textarea", "radio", "checkbox", "date", "chronology")


class IngestError(Exception):
    """The PDF cannot be read; the message says what is wrong in words an agency can act on."""


@dataclass(frozen=True)
class FieldSpec:
    """One question of the return, as printed in our Word/PDF request.

    ``name`` is also the AcroForm field name in our fillable PDF (a checkbox question has
    one box per option, named ``<name>__<value>``; chronology cells are
    ``chronology_<n>_date|event|outcome``). ``label`` is the question heading as printed.
    ``kind`` is one of :data:`KINDS`. ``options`` are (value, label) pairs for radio and
    checkbox questions. ``hint`` is guidance printed under the heading, which is left out
    of the answer when found.
    """

    name: str
    label: str
    kind: str
    options: tuple[tuple[str, str], ...] = ()
    hint: str = ""
    #: Asked only after some answers (a follow-up question), so a PDF may leave it out.
    conditional: bool = False


@dataclass
class ExtractedValue:
    """One answer: ``value`` is a str, or a list of option values for a checkbox question;
    ``raw`` the text it was read from; ``page`` 1-based; ``confidence`` as described above."""

    value: str | list[str]
    raw: str
    page: int
    confidence: float


@dataclass
class ChronologyEntry:
    """One dated row of an agency's chronology. ``date`` is None when ``raw_date`` is
    missing or is not a real date."""

    date: date | None
    raw_date: str
    event: str
    outcome: str
    page: int
    confidence: float


@dataclass
class ExtractedTable:
    """A table found in a PDF that is not our form, kept for the person entering it."""

    page: int
    rows: list[list[str]]


@dataclass
class ExtractedReturn:
    """Everything read from one returned PDF.

    ``kind`` is ``acroform`` (our fillable PDF), ``flat`` (our Word or PDF request with a
    text layer), ``scanned`` (read by OCR) or ``other`` (not our form: text, tables and
    dated rows kept, ``needs_manual_entry`` set). ``messages`` are plain-English notes for
    the secretariat.
    """

    kind: str
    page_count: int
    values: dict[str, ExtractedValue] = field(default_factory=dict)
    chronology: list[ChronologyEntry] = field(default_factory=list)
    needs_manual_entry: bool = False
    messages: list[str] = field(default_factory=list)
    text_by_page: list[str] = field(default_factory=list)
    tables: list[ExtractedTable] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (dates as ISO strings); :meth:`from_json` reverses it."""
        data = asdict(self)
        for entry in data["chronology"]:
            entry["date"] = entry["date"].isoformat() if entry["date"] else None
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ExtractedReturn:
        """The result from the dict made by :meth:`to_json`."""
        return cls(
            kind=data["kind"],
            page_count=data["page_count"],
            values={k: ExtractedValue(**v) for k, v in data["values"].items()},
            chronology=[
                ChronologyEntry(**{**c, "date": date.fromisoformat(c["date"]) if c["date"] else None})
                for c in data["chronology"]
            ],
            needs_manual_entry=data["needs_manual_entry"],
            messages=list(data["messages"]),
            text_by_page=list(data["text_by_page"]),
            tables=[ExtractedTable(**t) for t in data.get("tables", [])],
        )


def spec_to_json(spec: FieldSpec) -> dict[str, Any]:
    """A field spec as a JSON-ready dict."""
    return {
        "name": spec.name,
        "label": spec.label,
        "kind": spec.kind,
        "options": [list(o) for o in spec.options],
        "hint": spec.hint,
        "conditional": spec.conditional,
    }


def spec_from_json(data: dict[str, Any]) -> FieldSpec:
    """A field spec from a dict with name, label, kind and optional options and hint."""
    kind = str(data["kind"])
    if kind not in KINDS:
        raise ValueError(f"unknown field kind {kind!r} (expected one of {', '.join(KINDS)})")
    return FieldSpec(
        name=str(data["name"]),
        label=str(data["label"]),
        kind=kind,
        options=tuple((str(v), str(lab)) for v, lab in data.get("options") or []),
        hint=str(data.get("hint") or ""),
        conditional=bool(data.get("conditional", False)),
    )
