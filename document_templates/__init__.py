"""Document rendering core: safe .docx templates, PDF conversion and meeting packs.

* :mod:`document_templates.render` — render a .docx template in a sandbox; check one.
* :mod:`document_templates.pdf` — convert .docx to PDF with LibreOffice (contents lists
  filled with page numbers on request).
* :mod:`document_templates.pack` — assemble a meeting pack and append annex PDFs.
* :mod:`document_templates.contexts` — what each standard template is given.
* ``templates/`` — the standard templates, rebuilt by :mod:`document_templates.build_templates`.
"""

from document_templates import _compat  # noqa: F401  (repairs python-docx's "cp" prefix)
from document_templates.pack import (
    AnnexError,
    KeyValue,
    PackSection,
    Paragraph,
    Table,
    assemble_docx,
    pdf_with_annexes,
)
from document_templates.pdf import (
    ConversionError,
    LibreOfficeConverter,
    PdfConverter,
    convert_to_pdf,
)
from document_templates.render import (
    DocumentTemplateError,
    Image,
    TemplateProblem,
    TemplateRenderError,
    TemplateSecurityError,
    check_template,
    render_docx,
)

__all__ = [
    "AnnexError",
    "ConversionError",
    "DocumentTemplateError",
    "Image",
    "KeyValue",
    "LibreOfficeConverter",
    "PackSection",
    "Paragraph",
    "PdfConverter",
    "Table",
    "TemplateProblem",
    "TemplateRenderError",
    "TemplateSecurityError",
    "assemble_docx",
    "check_template",
    "convert_to_pdf",
    "pdf_with_annexes",
    "render_docx",
]
