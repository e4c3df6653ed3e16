"""Field specs from a form definition, and a fixed generic screening return.

The service and ``python -m ingest`` build their list from the screening return the
service ships (:func:`shipped_screening_fields`, through :func:`specs_from_definition`), so
a PDF made from the service's own request forms is read with the same questions and option
values. :data:`DEFAULT_SCREENING_FIELDS` is a fixed, generic return (yes/no answers), which
the reader's own sample PDFs and benchmark use so that they do not change when a
partnership edits its form.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from ingest.model import FieldSpec

YES_NO: tuple[tuple[str, str], ...] = (("yes", "Yes"), ("no", "No"))

STATUS_OPTIONS: tuple[tuple[str, str], ...] = (
    ("child_protection_plan", "Child protection plan"),
    ("child_in_need", "Child in need"),
    ("looked_after", "Looked-after child"),
    ("adult_safeguarding_enquiry", "Adult safeguarding enquiry (Care Act 2014 section 42)"),
    ("dols", "Deprivation of Liberty Safeguards (DoLS)"),
    ("mappa", "Multi-Agency Public Protection Arrangements (MAPPA)"),
    ("marac", "Multi-Agency Risk Assessment Conference (MARAC)"),
    ("none", "None of these"),
)

DEFAULT_SCREENING_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("agency_name", "Agency completing this return", "text"),
    FieldSpec("completed_by_name", "Your name", "text"),
    FieldSpec("completed_by_role", "Your role", "text"),
    FieldSpec("subject_known", "Is the subject known to your service?", "radio", YES_NO),
    FieldSpec(
        "others_known",
        "Relevant persons (name; is this person known to your service; details)",
        "textarea",
        hint="Add each relevant person named in the request and say whether your service knows them.",
    ),
    FieldSpec(
        "status", "Which of these apply to the subject?", "checkbox", STATUS_OPTIONS,
        hint="Select all that apply.",
    ),
    FieldSpec("chronology", "Chronology", "chronology"),
    FieldSpec(
        "analysis",
        "Analysis of your agency's involvement",
        "textarea",
        hint=(
            "Not only what happened, but why. Include what went well and what could have "
            "been done differently."
        ),
    ),
    FieldSpec("other_agencies", "Which other agencies were involved?", "textarea"),
    FieldSpec("internal_review", "Is an internal review under way?", "radio", YES_NO),
    FieldSpec(
        "lessons_learnt", "Lessons learnt", "textarea",
        hint="Any lessons your agency has already learnt, and changes made as a result.",
    ),
)


SHIPPED_SCREENING_RETURN = Path(__file__).resolve().parent.parent / "forms" / "definitions" / "screening_return.yaml"


def shipped_screening_fields(path: Path = SHIPPED_SCREENING_RETURN) -> list[FieldSpec]:
    """The questions of a screening return form definition (default: the one the service
    ships), checked as the service checks it."""
    from forms.loader import load_definition

    return specs_from_definition(load_definition(path).model_dump(mode="json"))


def specs_from_definition(data: Mapping[str, Any]) -> list[FieldSpec]:
    """Field specs from a form definition (YAML data or a model dump with ``pages`` of
    ``questions``), labelled as the Word and PDF request forms print them."""
    return [_spec(q) for page in data["pages"] for q in page["questions"] if q["type"] != "content"]


def _spec(q: Mapping[str, Any]) -> FieldSpec:
    spec = _plain_spec(q)
    return replace(spec, conditional=True) if q.get("show_if") else spec


def _plain_spec(q: Mapping[str, Any]) -> FieldSpec:
    qid, label, qtype, hint = q["id"], q["label"], q["type"], str(q.get("hint") or "")
    options = tuple((str(o["value"]), str(o["label"])) for o in q.get("options") or [])
    if qid == "chronology":
        return FieldSpec(qid, label, "chronology", hint=hint)
    if qtype == "group":
        # Printed as one heading naming the group's parts, answered as free text.
        names = "; ".join(f["label"].rstrip("?").lower() for f in q["fields"])
        return FieldSpec(qid, f"{label} ({names})", "textarea", hint=hint)
    if qtype == "yes_no":
        return FieldSpec(qid, label, "radio", YES_NO, hint)
    if qtype in ("radios", "checkboxes"):
        return FieldSpec(qid, label, "radio" if qtype == "radios" else "checkbox", options, hint)
    if qtype == "date":
        return FieldSpec(qid, label, "date", hint=hint)
    return FieldSpec(qid, label, "textarea" if qtype == "textarea" else "text", hint=hint)
