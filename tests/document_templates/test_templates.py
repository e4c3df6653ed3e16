"""The standard templates: contracts, rendering with demo data, reproducible build."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
from docx import Document

from document_templates import build_templates
from document_templates.build_templates import CONFIDENTIAL, TEMPLATES_DIR
from document_templates.contexts import DEMO_CONTEXTS
from document_templates.render import check_template, render_docx

TEMPLATE_NAMES = sorted(p.name for p in TEMPLATES_DIR.glob("*.docx"))


def _all_text(docx: bytes) -> str:
    """Every text node of the body, headers and footers, with line breaks as newlines."""
    doc = Document(io.BytesIO(docx))
    chunks: list[str] = []

    def paragraphs(container: Any) -> Iterator[str]:
        for p in container.paragraphs:
            yield p.text
        for table in container.tables:
            for row in table.rows:
                for cell in row.cells:
                    yield from paragraphs(cell)

    chunks.extend(paragraphs(doc))
    for section in doc.sections:
        chunks.extend(paragraphs(section.header))
        chunks.extend(paragraphs(section.footer))
    return "\n".join(chunks)


def _leaves(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _leaves(v)
    elif isinstance(value, list):
        for v in value:
            yield from _leaves(v)


def test_every_template_has_a_demo_context() -> None:
    assert TEMPLATE_NAMES
    assert set(TEMPLATE_NAMES) == set(DEMO_CONTEXTS)


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_template_uses_only_its_contract(name: str) -> None:
    assert check_template(TEMPLATES_DIR / name, DEMO_CONTEXTS[name]) == []


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_template_renders_demo_data(name: str) -> None:
    context = DEMO_CONTEXTS[name]
    out = render_docx(TEMPLATES_DIR / name, context)
    text = _all_text(out)
    assert "{{" not in text and "{%" not in text
    for value in _leaves(context):
        assert value in text, f"{value!r} missing from {name}"


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_footer_or_header_marks_confidentiality_and_numbers_pages(name: str) -> None:
    out = render_docx(TEMPLATES_DIR / name, DEMO_CONTEXTS[name])
    text = _all_text(out)
    assert CONFIDENTIAL in text
    with zipfile.ZipFile(io.BytesIO(out)) as z:
        parts = "".join(
            z.read(n).decode("utf-8")
            for n in z.namelist()
            if re.match(r"word/(footer|header)\d*\.xml", n)
        )
    assert re.search(r"<w:instrText[^>]*> PAGE </w:instrText>", parts)
    assert re.search(r"<w:instrText[^>]*> NUMPAGES </w:instrText>", parts)


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_committed_template_matches_build_script(name: str) -> None:
    assert build_templates.build(name) == (TEMPLATES_DIR / name).read_bytes(), (
        f"templates/{name} is out of date: run python -m document_templates.build_templates"
    )


def test_dhr_label_is_configurable() -> None:
    name = "home_office_dhr_notification.docx"
    demo = DEMO_CONTEXTS[name]
    context = {
        **demo,
        "dhr_label": "Domestic Abuse Related Death Review",
        "recipient": {**demo["recipient"], "name": "Review Team"},
    }
    out = render_docx(TEMPLATES_DIR / name, context)
    text = _all_text(out)
    assert "Domestic Abuse Related Death Review" in text
    assert "Domestic Homicide Review" not in text
    assert Document(io.BytesIO(out)).core_properties.title.startswith(
        "Domestic Abuse Related Death Review"
    )


def test_dhr_decision_not_to_hold() -> None:
    name = "home_office_dhr_notification.docx"
    context = {**DEMO_CONTEXTS[name], "decision_to_hold": False, "decision": "Not to hold a review"}
    text = _all_text(render_docx(TEMPLATES_DIR / name, context))
    assert "has decided not to hold a Domestic Homicide Review" in text
    assert "has been appointed" not in text


def test_minutes_without_declarations() -> None:
    context = {**DEMO_CONTEXTS["minutes.docx"], "declarations": []}
    text = _all_text(render_docx(TEMPLATES_DIR / "minutes.docx", context))
    assert "No declarations of interest were made." in text
    assert "Chair's ruling" not in text


def test_agenda_items_in_order() -> None:
    context = DEMO_CONTEXTS["agenda.docx"]
    doc = Document(io.BytesIO(render_docx(TEMPLATES_DIR / "agenda.docx", context)))
    items_table = doc.tables[-1]
    titles = [row.cells[1].text for row in items_table.rows[1:]]
    assert titles == [item["title"] for item in context["items"]]
