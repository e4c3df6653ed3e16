"""Safe rendering: values render literally, template tags cannot escape the sandbox."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document

from document_templates.render import (
    TemplateRenderError,
    TemplateSecurityError,
    clear_template_cache,
    render_docx,
)

from .conftest import MakeDocx, footnote_text

HOSTILE_VALUE = "Tom & Jerry <script>alert(1)</script> \"quoted\" 'single' {{ 7*7 }} {% if x %} 😀"

INJECTIONS = [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ joiner.__init__.__globals__['os'].system('true') }}",
    "{% for c in ''.__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}",
]


def _open(docx: bytes) -> Document:
    return Document(io.BytesIO(docx))


def test_hostile_value_renders_literally_everywhere(make_docx: MakeDocx) -> None:
    template = make_docx(
        body="Hello {{ name }}",
        header="Header {{ name }}",
        footer="Footer {{ name }}",
        title="Title {{ name }}",
        subject="Subject {{ name }}",
        keywords="Keywords {{ name }}",
        footnote="Note {{ name }}",
    )
    doc = _open(render_docx(template, {"name": HOSTILE_VALUE}))
    assert doc.paragraphs[0].text == f"Hello {HOSTILE_VALUE}"
    assert doc.sections[0].header.paragraphs[0].text == f"Header {HOSTILE_VALUE}"
    assert doc.sections[0].footer.paragraphs[0].text == f"Footer {HOSTILE_VALUE}"
    assert doc.core_properties.title == f"Title {HOSTILE_VALUE}"
    assert doc.core_properties.subject == f"Subject {HOSTILE_VALUE}"
    assert doc.core_properties.keywords == f"Keywords {HOSTILE_VALUE}"


def test_footnote_value_renders_once_even_with_several_sections(make_docx: MakeDocx) -> None:
    template = make_docx(footnote="Note {{ name }}", sections=3)
    out = render_docx(template, {"name": HOSTILE_VALUE})
    assert footnote_text(out) == f"Note {HOSTILE_VALUE}"


def test_newlines_become_line_breaks_and_control_characters_are_dropped(
    make_docx: MakeDocx,
) -> None:
    out = render_docx(make_docx(), {"name": "line one\nline two\x00\x07\x1b end"})
    assert _open(out).paragraphs[0].text == "Hello line one\nline two end"


def test_template_from_path(make_docx: MakeDocx, tmp_path: Path) -> None:
    path = tmp_path / "t.docx"
    path.write_bytes(make_docx())
    assert _open(render_docx(path, {"name": "Ann"})).paragraphs[0].text == "Hello Ann"


@pytest.mark.parametrize("payload", INJECTIONS)
@pytest.mark.parametrize(
    "where", ["body", "header", "footer", "title", "subject", "keywords", "footnote"]
)
def test_injection_in_template_raises(make_docx: MakeDocx, where: str, payload: str) -> None:
    template = make_docx(**{where: f"x {payload}"})
    with pytest.raises(TemplateSecurityError):
        render_docx(template, {"name": "n"})


@pytest.mark.parametrize("strict", [True, False])
def test_injection_never_executes(make_docx: MakeDocx, tmp_path: Path, strict: bool) -> None:
    marker = tmp_path / "pwned"
    payload = "{{ cycler.__init__.__globals__.os.popen('touch " + str(marker) + "').read() }}"
    with pytest.raises(TemplateSecurityError):
        render_docx(make_docx(body=payload), {"name": "n"}, strict=strict)
    assert not marker.exists()


def test_lenient_mode_still_refuses_forbidden_attributes(make_docx: MakeDocx) -> None:
    with pytest.raises(TemplateSecurityError):
        render_docx(make_docx(body="{{ name.__class__ }}"), {"name": "n"}, strict=False)


def test_huge_repetition_is_refused(make_docx: MakeDocx) -> None:
    with pytest.raises(TemplateSecurityError):
        render_docx(make_docx(body="{{ 'x' * 100000000 }}"), {"name": "n"})
    with pytest.raises(TemplateSecurityError):
        render_docx(make_docx(body="{{ 9 ** 9999999 }}"), {"name": "n"})


def test_missing_value_is_an_error_when_strict(make_docx: MakeDocx) -> None:
    with pytest.raises(TemplateRenderError, match="name"):
        render_docx(make_docx(), {})


def test_missing_value_renders_empty_when_lenient(make_docx: MakeDocx) -> None:
    out = render_docx(make_docx(), {}, strict=False)
    assert _open(out).paragraphs[0].text == "Hello "


def test_syntax_error_names_part_and_tag(make_docx: MakeDocx) -> None:
    with pytest.raises(TemplateRenderError) as info:
        render_docx(make_docx(header="{{ name }"), {"name": "n"})
    assert "header" in str(info.value)


def test_compiled_template_is_reused_and_templates_do_not_mix(make_docx: MakeDocx) -> None:
    clear_template_cache()
    first = make_docx(body="First {{ name }}")
    second = make_docx(body="Second {{ name }}")
    for _ in range(2):
        assert _open(render_docx(first, {"name": "A"})).paragraphs[0].text == "First A"
        assert _open(render_docx(second, {"name": "B"})).paragraphs[0].text == "Second B"


def test_table_row_loop(tmp_path: Path) -> None:
    doc = Document()
    table = doc.add_table(rows=3, cols=2)
    table.rows[0].cells[0].text = "{%tr for p in people %}"
    table.rows[1].cells[0].text = "{{ p.name }}"
    table.rows[1].cells[1].text = "{{ p.role }}"
    table.rows[2].cells[0].text = "{%tr endfor %}"
    buf = io.BytesIO()
    doc.save(buf)
    people = [{"name": f"P{i} & co", "role": "<role>"} for i in range(20)]
    out = _open(render_docx(buf.getvalue(), {"people": people}))
    rows = out.tables[0].rows
    assert [r.cells[0].text for r in rows] == [p["name"] for p in people]
    assert rows[0].cells[1].text == "<role>"


def test_core_properties_stay_in_their_namespace(make_docx: MakeDocx) -> None:
    """docxcompose (imported by docxtpl) rebinds python-docx's "cp" prefix; it is restored."""
    import zipfile

    import docxcompose.utils  # noqa: F401

    out = render_docx(make_docx(keywords="k {{ name }}"), {"name": "v"})
    core = zipfile.ZipFile(io.BytesIO(out)).read("docProps/core.xml").decode("utf-8")
    assert "officeDocument/2006/custom-properties" not in core
    assert Document(io.BytesIO(out)).core_properties.keywords == "k v"
