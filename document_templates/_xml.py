"""Small helpers for writing WordprocessingML text safely."""

from __future__ import annotations

import html
import re

# Characters that XML 1.0 forbids. Word refuses a file holding one; there is no escape
# for them, so they are removed.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def escape(text: str) -> str:
    """Text made safe for an XML element or attribute value (``&``, ``<``, ``>``, quotes)."""
    return html.escape(XML_ILLEGAL.sub("", text), quote=True)
