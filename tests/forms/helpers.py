"""Helpers for the forms tests: post a page, read its errors, render it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import render_template
from werkzeug.datastructures import MultiDict

from forms import FormDefinition, PageForm, build_page_form


def formdata(data: Mapping[str, Any]) -> MultiDict:
    """Posted data; a list gives a name several values (a date's day, month and year)."""
    out = MultiDict()
    for key, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            out.add(key, item)
    return out


def post(
    definition: FormDefinition,
    page_id: str,
    data: Mapping[str, Any],
    answers: Mapping[str, Any] | None = None,
    **kwargs: Any,
) -> PageForm:
    """Build the page form from posted data (lists for repeated names, e.g. a date's
    day, month and year) and validate it."""
    form = build_page_form(definition, page_id, answers or {}, formdata=formdata(data), **kwargs)
    form.validate()
    return form


def errors_of(form: PageForm) -> dict[str, str]:
    """Each field's first error, by field id as linked from the error summary."""
    return {e["href"].lstrip("#"): e["text"] for e in form.error_list()}


def render_page(form: PageForm, definition: FormDefinition, page_id: str) -> str:
    return render_template(
        "forms_test/page.html", form=form, page=definition.page(page_id), definition=definition
    )
