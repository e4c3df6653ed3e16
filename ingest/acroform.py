"""Our fillable PDF: answers read from its AcroForm fields with pypdf.

pdfplumber's own AcroForm decoding is never used here: it recursed without end on a
reportlab-made form whose fields link back to their /Parent.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ingest.dates import parse_uk_date
from ingest.model import ChronologyEntry, ExtractedReturn, ExtractedValue, FieldSpec, IngestError
from ingest.text import norm

# States a PDF viewer writes for an unticked box or an unanswered radio group.
OFF_STATES = {"", "off", "false", "0", "no", "none", "null"}

XFA_MESSAGE = (
    "This PDF is an XFA form, which cannot be read. Please print it to PDF (File > Print > "
    "Save as PDF) and upload that, or use the web form: the link is in the request e-mail."
)


def check_xfa(reader: Any) -> None:
    """Refuse an XFA-only form: its answers live in XML that PDF libraries do not fill in."""
    acro = reader.trailer["/Root"].get("/AcroForm")
    if acro is None:
        return
    acro = acro.get_object()
    if "/XFA" in acro and not acro.get("/Fields"):
        raise IngestError(XFA_MESSAGE)


def _field_values(reader: Any) -> dict[str, Any]:
    """Field name -> value, with a qualified name ("page1.agency_name") also under its last part."""
    raw = reader.get_fields() or {}
    values: dict[str, Any] = {}
    for name, field in raw.items():
        value = field.get("/V")
        values[name] = value
        short = name.rsplit(".", 1)[-1]
        values.setdefault(short, value)
    return values


def _pages_of_fields(reader: Any) -> dict[str, int]:
    """Field name -> 1-based page of its first widget, for the check screen."""
    page_of: dict[str, int] = {}
    for number, page in enumerate(reader.pages, start=1):
        for annot in page.get("/Annots") or []:
            obj = annot.get_object()
            name = obj.get("/T")
            parent = obj.get("/Parent")
            if name is None and parent is not None:
                name = parent.get_object().get("/T")
            if name is not None:
                page_of.setdefault(str(name), number)
    return page_of


def _state(value: Any) -> str:
    """A button value as plain text: ``/Yes`` -> ``Yes``; a list (several kids) joined."""
    if isinstance(value, list | tuple):
        return ",".join(_state(v) for v in value)
    return str(value if value is not None else "").strip().lstrip("/")


def is_on(value: Any) -> bool:
    """Whether a checkbox value is ticked (``/Yes``, ``/On``, ``/1`` or any export name)."""
    return norm(_state(value)) not in OFF_STATES


def match_option(text: str, spec: FieldSpec) -> str | None:
    """The option value whose value or label equals ``text`` (case and spacing ignored)."""
    wanted = norm(text).replace("_", " ")
    for value, label in spec.options:
        if wanted in (norm(value).replace("_", " "), norm(label)):
            return value
    return None


def _text(value: Any) -> str:
    text = str(value if value is not None else "")
    # Viewers store line breaks in multi-line fields as CR.
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def our_field_count(values: dict[str, Any], fields: Sequence[FieldSpec]) -> int:
    """How many of the questions have a field of their own name in the PDF."""
    count = 0
    for spec in fields:
        if spec.kind == "chronology":
            count += "chronology_1_date" in values
        elif spec.kind == "checkbox":
            count += spec.name in values or any(f"{spec.name}__{v}" in values for v, _ in spec.options)
        else:
            count += spec.name in values
    return count


def read_acroform(reader: Any, fields: Sequence[FieldSpec]) -> ExtractedReturn | None:
    """The answers in our fillable PDF's fields, or None when the PDF is not our form."""
    values = _field_values(reader)
    if not values or our_field_count(values, fields) < max(2, len(fields) // 3):
        return None
    page_of = _pages_of_fields(reader)
    result = ExtractedReturn(kind="acroform", page_count=len(reader.pages))
    for spec in fields:
        if spec.kind == "chronology":
            result.chronology = _chronology(values, page_of, result.messages)
        elif spec.kind == "checkbox":
            _checkbox(spec, values, page_of, result)
        elif spec.name in values:
            _single(spec, values[spec.name], page_of.get(spec.name, 1), result)
    if not any(_has_answer(v.value) for v in result.values.values()) and not result.chronology:
        result.messages.append("The form's fields are all empty: it may have been returned without being filled in.")
    return result


def _has_answer(value: str | list[str]) -> bool:
    return bool(value)


def _single(spec: FieldSpec, raw_value: Any, page: int, result: ExtractedReturn) -> None:
    if spec.kind == "radio":
        raw = _state(raw_value)
        # "No" is a real answer to a yes/no radio group: only an empty or /Off value is none.
        if norm(raw) in ("", "off"):
            result.values[spec.name] = ExtractedValue("", raw, page, 1.0)
            return
        value = match_option(raw, spec)
        if value is None:
            result.messages.append(
                f"'{spec.label}' was answered '{raw}', which is not one of its options; check it."
            )
            result.values[spec.name] = ExtractedValue(raw, raw, page, 0.5)
        else:
            result.values[spec.name] = ExtractedValue(value, raw, page, 1.0)
        return
    text = _text(raw_value)
    if spec.kind == "date" and text:
        parsed, _ = parse_uk_date(text)
        if parsed is None:
            result.messages.append(f"'{spec.label}': '{text}' is not a date that exists; check it.")
            result.values[spec.name] = ExtractedValue(text, text, page, 0.5)
        else:
            result.values[spec.name] = ExtractedValue(parsed.isoformat(), text, page, 1.0)
        return
    if spec.kind == "text":
        text = " ".join(text.split())
    result.values[spec.name] = ExtractedValue(text, _text(raw_value), page, 1.0)


def _checkbox(spec: FieldSpec, values: dict[str, Any], page_of: dict[str, int], result: ExtractedReturn) -> None:
    chosen: list[str] = []
    raws: list[str] = []
    pages = [page_of[f"{spec.name}__{v}"] for v, _ in spec.options if f"{spec.name}__{v}" in page_of]
    for value, _label in spec.options:
        key = f"{spec.name}__{value}"
        if key in values and is_on(values[key]):
            chosen.append(value)
            raws.append(f"{key}={_state(values[key])}")
    if spec.name in values:
        # One field for the whole question: its value (or each kid's) is an export name.
        raw = _state(values[spec.name])
        for part in raw.split(","):
            value = match_option(part, spec)
            if value is not None and value not in chosen:
                chosen.append(value)
        raws.append(raw)
        pages.append(page_of.get(spec.name, 1))
    result.values[spec.name] = ExtractedValue(chosen, "; ".join(raws), min(pages, default=1), 1.0)


def _chronology(values: dict[str, Any], page_of: dict[str, int], messages: list[str]) -> list[ChronologyEntry]:
    entries = []
    n = 1
    while f"chronology_{n}_date" in values or f"chronology_{n}_event" in values:
        raw_date = _text(values.get(f"chronology_{n}_date"))
        event = _text(values.get(f"chronology_{n}_event"))
        outcome = _text(values.get(f"chronology_{n}_outcome"))
        if raw_date or event or outcome:
            parsed, _ = parse_uk_date(raw_date)
            if raw_date and parsed is None:
                messages.append(f"Chronology row {n}: '{raw_date}' is not a date that exists; check it.")
            elif not raw_date:
                messages.append(f"Chronology row {n} has no date.")
            page = page_of.get(f"chronology_{n}_date", page_of.get(f"chronology_{n}_event", 1))
            entries.append(ChronologyEntry(parsed, raw_date, event, outcome, page, 1.0 if parsed else 0.5))
        n += 1
    return entries
