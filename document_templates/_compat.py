"""Undo a side effect of importing docxcompose (which docxtpl imports).

``docxcompose.utils`` rebinds the ``cp`` prefix in python-docx's global namespace map
(``docx.oxml.ns.nsmap``) to the *custom*-properties namespace. python-docx looks that
prefix up whenever it writes core properties, so after the import ``keywords``,
``lastModifiedBy``, ``revision``, ``category`` … are written in the wrong namespace and
the document's properties part is invalid. docxcompose itself resolves ``cp`` through
its own table (``docxcompose.utils.NS``), so restoring the global binding is safe for it.
"""

from __future__ import annotations

import docx.oxml.ns
import docxtpl  # noqa: F401  (imports docxcompose: the side effect happens here)

CORE_PROPERTIES_NS = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"


def restore_core_properties_prefix() -> None:
    """Bind ``cp`` back to the core-properties namespace in python-docx's map."""
    docx.oxml.ns.nsmap["cp"] = CORE_PROPERTIES_NS


restore_core_properties_prefix()
