"""check_template: syntax errors, unknown variables and forbidden attributes, by part."""

from __future__ import annotations

from document_templates.render import TemplateProblem, check_template

from .conftest import MakeDocx


def test_fine_template_has_no_problems(make_docx: MakeDocx) -> None:
    assert check_template(make_docx(), {"name"}) == []
    assert check_template(make_docx(), {"name": "x", "other": 1}) == []


def test_syntax_error_reports_part_line_and_tag(make_docx: MakeDocx) -> None:
    problems = check_template(
        make_docx(body="Intro {% if name %} no end", header="{{ name }"), {"name"}
    )
    parts = {p.part for p in problems}
    assert "body" in parts
    assert any(p.part.startswith("header") for p in problems)
    body = next(p for p in problems if p.part == "body")
    assert "line" in body.message
    assert "{% if name %}" in body.message


def test_unknown_variables_are_named_with_their_part(make_docx: MakeDocx) -> None:
    template = make_docx(
        body="{{ name }} {{ referral_date }}",
        header="{{ partnership.name }}",
        title="{{ reference }}",
        footnote="{{ footnote_source }}",
    )
    problems = check_template(template, {"name"})
    found = {(p.part.split(" ")[0], p.message.split("'")[1]) for p in problems}
    assert found == {
        ("body", "referral_date"),
        ("header", "partnership"),
        ("properties:", "reference"),
        ("footnotes", "footnote_source"),
    }


def test_loop_variables_and_globals_are_not_reported(make_docx: MakeDocx) -> None:
    template = make_docx(
        body="{% for x in range(3) %}{{ x }}{{ loop.index }}{% endfor %}{{ name }}"
    )
    assert check_template(template, {"name"}) == []


def test_forbidden_attribute_is_reported(make_docx: MakeDocx) -> None:
    problems = check_template(make_docx(footer="{{ name.__class__ }}"), {"name"})
    assert problems == [
        TemplateProblem(problems[0].part, "uses the forbidden attribute '__class__'")
    ]
    assert problems[0].part.startswith("footer")


def test_not_a_docx(make_docx: MakeDocx) -> None:
    problems = check_template(b"not a zip file", set())
    assert len(problems) == 1 and problems[0].part == "file"
