"""Fixtures for the document rendering tests: small templates built on the fly, LibreOffice."""

from __future__ import annotations

import io
import os
import re
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from docx import Document
from docx.enum.section import WD_SECTION

_FOOTNOTES_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/>'
    "</w:r></w:p></w:footnote>"
    '<w:footnote w:id="1"><w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p></w:footnote>'
    "</w:footnotes>"
)


def _add_footnotes(docx: bytes, text: str) -> bytes:
    """Add a footnotes part holding one footnote with ``text`` (python-docx cannot)."""
    src = zipfile.ZipFile(io.BytesIO(docx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    b'<Override PartName="/word/footnotes.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>',
                )
            elif item.filename == "word/_rels/document.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdFn1" Type="http://schemas.openxmlformats.org/'
                    b'officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/>'
                    b"</Relationships>",
                )
            elif item.filename == "word/document.xml":
                # A reference to the footnote at the end of the first paragraph.
                data = data.replace(
                    b"</w:p>", b'<w:r><w:footnoteReference w:id="1"/></w:r></w:p>', 1
                )
            dst.writestr(item, data)
        dst.writestr("word/footnotes.xml", _FOOTNOTES_XML.format(text=text))
    return out.getvalue()


MakeDocx = Callable[..., bytes]


@pytest.fixture
def make_docx() -> MakeDocx:
    """Build a template: body, header, footer, core properties, optional footnote/sections."""

    def make(
        body: str = "Hello {{ name }}",
        header: str = "Header {{ name }}",
        footer: str = "Footer",
        title: str = "Title {{ name }}",
        subject: str = "",
        keywords: str = "",
        footnote: str | None = None,
        sections: int = 1,
    ) -> bytes:
        doc = Document()
        doc.add_paragraph(body)
        for _ in range(sections - 1):
            doc.add_section(WD_SECTION.NEW_PAGE)
            doc.add_paragraph("more")
        section = doc.sections[0]
        section.header.paragraphs[0].text = header
        section.footer.paragraphs[0].text = footer
        doc.core_properties.title = title
        doc.core_properties.subject = subject
        doc.core_properties.keywords = keywords
        buf = io.BytesIO()
        doc.save(buf)
        data = buf.getvalue()
        if footnote is not None:
            data = _add_footnotes(data, footnote)
        return data

    return make


def footnote_text(docx: bytes) -> str:
    """The text of the footnotes part of a .docx."""
    xml = zipfile.ZipFile(io.BytesIO(docx)).read("word/footnotes.xml").decode("utf-8")
    texts = re.findall(r"<w:t[^>]*>(.*?)</w:t>", xml, flags=re.DOTALL)
    from html import unescape

    return "".join(unescape(t) for t in texts)


@pytest.fixture
def soffice() -> str:
    """Path of LibreOffice's soffice; skips when absent, but fails on CI (CI=true)."""
    path = shutil.which("soffice")
    if path is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("soffice (LibreOffice) is required on CI but was not found")
        pytest.skip("soffice (LibreOffice) is not installed")
    return path


@pytest.fixture
def fake_soffice(tmp_path: Path) -> Callable[[str], str]:
    """Write a stand-in soffice script with the given shell body; return its path."""

    def make(body: str) -> str:
        script = tmp_path / "fake-soffice"
        script.write_text("#!/bin/sh\n" + body + "\n")
        script.chmod(0o755)
        return str(script)

    return make
