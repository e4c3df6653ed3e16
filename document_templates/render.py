"""Safe rendering of Word (.docx) templates.

Templates are ordinary .docx files with Jinja tags (docxtpl syntax: ``{{ name }}``,
``{%tr for row in rows %}`` …) that the business unit edits in Word. Two things must never
happen when a letter or a pack is rendered:

* a value typed by a referrer (``Tom & Jerry <script>``) corrupts the document or is
  interpreted as a tag: every value is XML-escaped and rendered exactly once;
* a tag typed into a template (``{{ ''.__class__.__mro__ … }}``) reaches Python internals:
  every part is rendered by a sandboxed, immutable Jinja environment.

docxtpl renders the body, headers, footers, footnotes and the core document properties.
:class:`_SandboxedDocxTemplate` routes *all* of them through the sandboxed environment
(docxtpl's own property and footnote rendering would otherwise fall back to a plain
``jinja2.Environment``), renders footnotes once (docxtpl renders them once per section,
which would render a value a second time) and caches the compiled Jinja templates per
template content, because compiling is a third of docxtpl's render time.
"""

from __future__ import annotations

import hashlib
import io
import operator
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.oxml import parse_xml
from docx.opc.part import Part, XmlPart
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2 import StrictUndefined, TemplateSyntaxError, Undefined, meta, nodes
from jinja2.exceptions import TemplateError, UndefinedError
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from document_templates import _compat  # noqa: F401  (before python-docx writes anything)

__all__ = [
    "DocumentTemplateError",
    "Image",
    "TemplateProblem",
    "TemplateRenderError",
    "TemplateSecurityError",
    "check_template",
    "clear_template_cache",
    "render_docx",
]

_FOOTNOTES_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
_ENDNOTES_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.endnotes+xml"

# Core properties that are plain strings in python-docx and may carry tags. docxtpl leaves
# ``keywords`` and ``category`` out; a tag there would otherwise go out unrendered, or —
# worse — be trusted because nobody looked at it.
_TEXT_PROPERTIES = (
    "author",
    "category",
    "comments",
    "content_status",
    "identifier",
    "keywords",
    "language",
    "subject",
    "title",
    "version",
)

# Characters that XML 1.0 forbids. A value holding one would make Word refuse the file,
# so they are removed rather than escaped (there is no escape for them).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

# Upper bounds for arithmetic in templates: the sandbox stops attribute access but not
# ``'x' * 10**9``, which would exhaust memory.
_MAX_POWER_EXPONENT = 100
_MAX_SEQUENCE_PRODUCT = 100_000

_CACHE_SIZE = 64

_TAG = re.compile(r"{{.*?}}|{%.*?%}|{#.*?#}", re.DOTALL)
_XML_TAG = re.compile(r"<[^>]+>")


class DocumentTemplateError(Exception):
    """A document template could not be rendered."""


class TemplateRenderError(DocumentTemplateError):
    """The template is broken or uses a value the context does not provide.

    ``part`` names where (``body``, ``header (word/header1.xml)``, ``properties: title`` …).
    """

    def __init__(self, message: str, part: str = "") -> None:
        super().__init__(f"{part}: {message}" if part else message)
        self.part = part


class TemplateSecurityError(DocumentTemplateError):
    """The template tried something the sandbox forbids (e.g. reaching ``__class__``)."""

    def __init__(self, message: str, part: str = "") -> None:
        super().__init__(f"{part}: {message}" if part else message)
        self.part = part


@dataclass(frozen=True)
class TemplateProblem:
    """One problem found by :func:`check_template`: where it is and what is wrong."""

    part: str
    message: str


@dataclass(frozen=True)
class Image:
    """A picture (PNG or JPEG bytes) for a template to print inline: ``{{ chart.image }}``.

    Put one anywhere in a context (also inside lists and mappings); :func:`render_docx`
    binds it to the document being rendered. ``description`` becomes the picture's
    alternative text in Word.
    """

    data: bytes
    width_mm: float
    description: str = ""


class _InlineImage(InlineImage):
    """docxtpl's inline picture, with alternative text on the drawing."""

    def __init__(self, tpl: Any, image: Image) -> None:
        super().__init__(tpl, io.BytesIO(image.data), width=Mm(image.width_mm))
        self.description = _XML_ILLEGAL.sub("", image.description)

    def _insert_image(self) -> str:
        xml = super()._insert_image()
        if not self.description:
            return xml
        descr = (
            self.description.replace("&", "&amp;").replace('"', "&quot;")
            .replace("<", "&lt;").replace(">", "&gt;")
        )
        # The first <wp:docPr .../> is the drawing's; Word reads its descr as alt text.
        return re.sub(r"<wp:docPr ", f'<wp:docPr descr="{descr}" ', xml, count=1)


def _bind_images(value: Any, tpl: Any) -> Any:
    """``value`` with every :class:`Image` in it made into a picture of ``tpl``."""
    if isinstance(value, Image):
        return _InlineImage(tpl, value)
    if isinstance(value, Mapping):
        return {k: _bind_images(v, tpl) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_bind_images(v, tpl) for v in value]
    return value


def _has_images(value: Any) -> bool:
    if isinstance(value, Image):
        return True
    if isinstance(value, Mapping):
        return any(_has_images(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_has_images(v) for v in value)
    return False


def _xml_safe(value: Any) -> Any:
    """Jinja ``finalize`` hook: drop characters XML cannot carry from plain values.

    Objects that already are markup (docxtpl ``RichText``/``Listing``, which escape their
    own text) pass unchanged so that autoescaping leaves them alone.
    """
    if hasattr(value, "__html__") or value is None:
        return "" if value is None else value
    text = value if isinstance(value, str) else str(value)
    return _XML_ILLEGAL.sub("", text)


class _SafeEnvironment(ImmutableSandboxedEnvironment):
    """The sandboxed environment with limits on ``*`` and ``**``."""

    intercepted_binops = frozenset(["*", "**"])

    def call_binop(self, context: Any, operator_: str, left: Any, right: Any) -> Any:
        if operator_ == "**":
            if isinstance(right, int | float) and abs(right) > _MAX_POWER_EXPONENT:
                raise SecurityError("exponent too large")
            return operator.pow(left, right)
        # operator_ == "*": refuse to build huge strings or lists.
        for seq, count in ((left, right), (right, left)):
            if isinstance(seq, str | list | tuple) and isinstance(count, int):
                if len(seq) * count > _MAX_SEQUENCE_PRODUCT:
                    raise SecurityError("result of * too large")
        return operator.mul(left, right)


def _make_env(*, autoescape: bool, strict: bool) -> _SafeEnvironment:
    return _SafeEnvironment(
        autoescape=autoescape,
        undefined=StrictUndefined if strict else _LenientUndefined,
        finalize=_xml_safe,
    )


class _LenientUndefined(Undefined):
    """Missing values render as empty text (for previews of incomplete data).

    A value the sandbox refused is not "missing": printing, iterating or testing it
    raises, as with strict rendering, so a forbidden access never passes silently.
    """

    def _refused(self) -> bool:
        return isinstance(self._undefined_exception, type) and issubclass(
            self._undefined_exception, SecurityError
        )

    def __str__(self) -> str:
        if self._refused():
            self._fail_with_undefined_error()
        return super().__str__()

    def __iter__(self) -> Iterator[Any]:
        if self._refused():
            self._fail_with_undefined_error()
        return super().__iter__()

    def __bool__(self) -> bool:
        if self._refused():
            self._fail_with_undefined_error()
        return super().__bool__()


# XML parts are rendered with autoescaping; core properties are plain strings that
# python-docx escapes itself when saving, so they must not be escaped twice.
_ENVS: dict[tuple[bool, bool], _SafeEnvironment] = {
    (autoescape, strict): _make_env(autoescape=autoescape, strict=strict)
    for autoescape in (True, False)
    for strict in (True, False)
}


@dataclass
class _Compiled:
    """Compiled Jinja templates of one .docx template, keyed by part name."""

    parts: dict[str, Any]


_cache: OrderedDict[tuple[str, bool], _Compiled] = OrderedDict()
_cache_lock = threading.Lock()


def _compiled_for(digest: str, strict: bool) -> _Compiled:
    key = (digest, strict)
    with _cache_lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
            return found
        found = _Compiled(parts={})
        _cache[key] = found
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
        return found


def clear_template_cache() -> None:
    """Forget all compiled templates (templates are recompiled on next use)."""
    with _cache_lock:
        _cache.clear()


def _part_label(part: Part) -> str:
    name = str(part.partname).lstrip("/")
    if part.content_type.endswith("document.main+xml"):
        return "body"
    if part.content_type.endswith("header+xml"):
        return f"header ({name})"
    if part.content_type.endswith("footer+xml"):
        return f"footer ({name})"
    if part.content_type == _FOOTNOTES_CT:
        return "footnotes"
    if part.content_type == _ENDNOTES_CT:
        return "endnotes"
    return name


def _near(src: str, lineno: int | None) -> str:
    """The template text (tags only, XML stripped) on the given line of a part's source."""
    if not lineno:
        return ""
    lines = src.splitlines()
    if not 0 < lineno <= len(lines):
        return ""
    text = _XML_TAG.sub("", lines[lineno - 1])
    tags = _TAG.findall(text)
    shown = " ".join(tags) if tags else text
    return shown.strip()[:200]


class _SandboxedDocxTemplate(DocxTemplate):
    """A docxtpl template whose every part is rendered by the sandboxed environment."""

    def __init__(self, template: bytes, compiled: _Compiled, strict: bool) -> None:
        super().__init__(io.BytesIO(template))
        self._template_bytes = template
        self._compiled = compiled
        self._xml_env = _ENVS[(True, strict)]
        self._text_env = _ENVS[(False, strict)]

    # -- compilation ---------------------------------------------------------------

    def _template_for(self, key: str, label: str, source: Callable[[], str], env: Any) -> Any:
        tpl = self._compiled.parts.get(key)
        if tpl is None:
            src = source()
            try:
                tpl = env.from_string(src)
            except TemplateSyntaxError as exc:
                near = _near(src, exc.lineno)
                raise TemplateRenderError(
                    f"syntax error on line {exc.lineno}: {exc.message}"
                    + (f" near {near!r}" if near else ""),
                    label,
                ) from exc
            self._compiled.parts[key] = tpl
        return tpl

    def _render_with(self, tpl: Any, context: Mapping[str, Any], label: str) -> str:
        try:
            return tpl.render(context)
        except SecurityError as exc:
            raise TemplateSecurityError(str(exc), label) from exc
        except UndefinedError as exc:
            raise TemplateRenderError(str(exc), label) from exc
        except TemplateError as exc:
            raise TemplateRenderError(str(exc), label) from exc

    def _render_part(
        self, part: Part, source: Callable[[], str], context: Mapping[str, Any]
    ) -> str:
        """Render one XML part: compile once per template, post-process as docxtpl does."""
        label = _part_label(part)

        def prepared() -> str:
            # One paragraph a line, so that Jinja's line numbers point at a paragraph.
            return re.sub(r"<w:p([ >])", r"\n<w:p\1", source())

        tpl = self._template_for(str(part.partname), label, prepared, self._xml_env)
        self.current_rendering_part = part
        dst = self._render_with(tpl, context, label)
        dst = re.sub(r"\n<w:p([ >])", r"<w:p\1", dst)
        dst = (
            dst.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        )
        return self.resolve_listing(dst)

    # -- docxtpl hooks ---------------------------------------------------------------

    def build_xml(self, context: Mapping[str, Any], jinja_env: Any = None) -> str:
        return self._render_part(self.docx._part, lambda: self.patch_xml(self.get_xml()), context)

    def build_headers_footers_xml(
        self, context: Mapping[str, Any], uri: str, jinja_env: Any = None
    ) -> Iterator[tuple[str, bytes]]:
        for rel_key, part in self.get_headers_footers(uri):
            xml = self._render_part(
                part, lambda part=part: self.patch_xml(self.get_part_xml(part)), context
            )
            # etree.tostring(encoding="unicode") never writes a declaration: always UTF-8.
            yield rel_key, xml.encode("utf-8")

    def render_properties(self, context: Mapping[str, Any], jinja_env: Any = None) -> None:
        props = self.docx.core_properties
        for name in _TEXT_PROPERTIES:
            initial = getattr(props, name)
            if not initial or ("{" not in initial):
                continue
            label = f"properties: {name}"
            tpl = self._template_for(
                f"docProps/core.xml#{name}", label, lambda v=initial: v, self._text_env
            )
            setattr(props, name, _XML_ILLEGAL.sub("", self._render_with(tpl, context, label)))

    def render_footnotes(self, context: Mapping[str, Any], jinja_env: Any = None) -> None:
        # Each notes part exactly once (docxtpl walks the parts once per section, which
        # renders the already rendered output again).
        for part in list(self.docx.part.package.iter_parts()):
            if part.content_type not in (_FOOTNOTES_CT, _ENDNOTES_CT):
                continue
            xml = self._render_part(
                part, lambda part=part: self.patch_xml(_part_text(part)), context
            )
            _set_part_xml(part, xml)


def _part_text(part: Part) -> str:
    blob = part.blob
    return blob.decode("utf-8") if isinstance(blob, bytes) else blob


def _set_part_xml(part: Part, xml: str) -> None:
    if isinstance(part, XmlPart):
        part._element = parse_xml(xml.encode("utf-8"))
    else:
        part._blob = xml.encode("utf-8")


def _read_template(template: bytes | Path) -> bytes:
    if isinstance(template, bytes | bytearray):
        return bytes(template)
    return Path(template).read_bytes()


def render_docx(
    template: bytes | Path, context: Mapping[str, Any], *, strict: bool = True
) -> bytes:
    """Render a .docx template with ``context`` and return the new .docx as bytes.

    Every value is XML-escaped and rendered literally (a value that looks like a tag stays
    text). All parts (body, headers, footers, footnotes, endnotes, core properties) are
    rendered in a sandbox: a template that reaches for Python internals raises
    :class:`TemplateSecurityError`. With ``strict`` (the default) a variable the context
    does not provide raises :class:`TemplateRenderError` instead of printing nothing.
    :class:`Image` values anywhere in ``context`` are placed as inline pictures.
    """
    data = _read_template(template)
    digest = hashlib.sha256(data).hexdigest()
    doc = _SandboxedDocxTemplate(data, _compiled_for(digest, strict), strict)
    if _has_images(context):
        context = _bind_images(context, doc)
    # autoescape is already set on the environment; docxtpl would otherwise build a
    # plain Environment of its own.
    doc.render(dict(context), jinja_env=doc._xml_env, autoescape=False)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# -- checking ------------------------------------------------------------------------


def _iter_sources(template: bytes) -> Iterator[tuple[str, str, bool]]:
    """(label, Jinja source, is_xml) for every renderable part of a template."""
    doc = DocxTemplate(io.BytesIO(template))
    doc.init_docx()
    document = doc.docx
    yield "body", re.sub(r"<w:p([ >])", r"\n<w:p\1", doc.patch_xml(doc.get_xml())), True
    for rel in document.part.rels.values():
        if rel.is_external or rel.reltype not in (RT.HEADER, RT.FOOTER):
            continue
        part = rel.target_part
        src = doc.patch_xml(doc.xml_to_string(parse_xml(part.blob)))
        yield _part_label(part), re.sub(r"<w:p([ >])", r"\n<w:p\1", src), True
    for part in document.part.package.iter_parts():
        if part.content_type in (_FOOTNOTES_CT, _ENDNOTES_CT):
            src = doc.patch_xml(_part_text(part))
            yield _part_label(part), re.sub(r"<w:p([ >])", r"\n<w:p\1", src), True
    for name in _TEXT_PROPERTIES:
        value = getattr(document.core_properties, name)
        if value and "{" in value:
            yield f"properties: {name}", value, False


def _unsafe_attributes(ast: nodes.Template) -> set[str]:
    """Attribute names starting with an underscore: the sandbox refuses them at render."""
    found: set[str] = set()
    for node in ast.find_all((nodes.Getattr, nodes.Getitem)):
        name = node.attr if isinstance(node, nodes.Getattr) else None
        if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
            name = node.arg.value if isinstance(node.arg.value, str) else None
        if name and name.startswith("_"):
            found.add(name)
    return found


def check_template(
    template: bytes | Path, available: Mapping[str, Any] | set[str] | frozenset[str]
) -> list[TemplateProblem]:
    """List what is wrong with a template before it is used; ``[]`` when it is fine.

    Every part is parsed as docxtpl would prepare it. Reported: Jinja syntax errors (with
    the line — one paragraph a line — and the offending tag), variables the template uses
    that ``available`` (a context or a set of names) does not provide, and attribute names
    the sandbox would refuse.
    """
    data = _read_template(template)
    names = set(available.keys()) if isinstance(available, Mapping) else set(available)
    env = _ENVS[(True, True)]
    known = names | set(env.globals)
    problems: list[TemplateProblem] = []
    try:
        sources = list(_iter_sources(data))
    except Exception as exc:  # a file Word could not open either
        return [TemplateProblem("file", f"not a readable .docx file: {exc}")]
    for label, src, _is_xml in sources:
        try:
            ast = env.parse(src)
        except TemplateSyntaxError as exc:
            near = _near(src, exc.lineno)
            problems.append(
                TemplateProblem(
                    label,
                    f"syntax error on line {exc.lineno}: {exc.message}"
                    + (f" near {near!r}" if near else ""),
                )
            )
            continue
        for name in sorted(meta.find_undeclared_variables(ast) - known):
            problems.append(TemplateProblem(label, f"uses {name!r}, which is not available"))
        for attr in sorted(_unsafe_attributes(ast)):
            problems.append(TemplateProblem(label, f"uses the forbidden attribute {attr!r}"))
    return problems
