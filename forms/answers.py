"""Answers: cleaning a submitted page, merging it in, the route through the pages, the summary.

Answers are a plain JSON-ready dict, question id -> value: text as typed (trimmed), dates
as ``YYYY-MM-DD``, numbers as int, NHS numbers as 10 digits, checkboxes as a list of
values, repeating groups as a list of dicts. A question hidden by its condition never has
an answer stored: ``merge_answers`` drops it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

from forms.schema import FormDefinition, Page, Question
from forms.validators import format_nhs_number, message

if TYPE_CHECKING:
    from forms.build import Choices, PageForm

#: Called with (question, uploaded file) to store an upload; returns what to keep as the
#: answer (JSON-ready, e.g. ``{"file_id": ..., "filename": ...}``).
SaveFile = Callable[[Question, Any], Any]

NOT_PROVIDED = "Not provided"


# -- visibility and the route through the pages -------------------------------------------


def is_visible(definition: FormDefinition, question: Question, answers: Mapping[str, Any]) -> bool:
    """Whether a question is asked, given the answers so far (its page shown, its condition met)."""
    return _visible(definition, question, answers, depth=0)


def _visible(
    definition: FormDefinition, q: Question, answers: Mapping[str, Any], depth: int
) -> bool:
    if depth > 50:  # conditions only point backwards, so a chain this long is a loop
        return False
    if not _page_condition(definition, definition.page_of(q.id), answers, depth):
        return False
    if q.show_if is None:
        return True
    controller = definition.question(q.show_if.question)
    return _visible(definition, controller, answers, depth + 1) and q.show_if.holds(
        answers.get(controller.id)
    )


def _page_condition(
    definition: FormDefinition, page: Page, answers: Mapping[str, Any], depth: int
) -> bool:
    if page.show_if is None:
        return True
    controller = definition.question(page.show_if.question)
    return _visible(definition, controller, answers, depth + 1) and page.show_if.holds(
        answers.get(controller.id)
    )


def page_is_visible(definition: FormDefinition, page: Page, answers: Mapping[str, Any]) -> bool:
    """A page is shown when its own condition holds and it asks at least one question."""
    if not _page_condition(definition, page, answers, 0):
        return False
    return any(q.type != "content" and is_visible(definition, q, answers) for q in page.questions)


def visible_pages(definition: FormDefinition, answers: Mapping[str, Any]) -> list[Page]:
    """The pages a person filling the form goes through, given the answers so far."""
    return [p for p in definition.pages if page_is_visible(definition, p, answers)]


def next_page_id(
    definition: FormDefinition, page_id: str, answers: Mapping[str, Any]
) -> str | None:
    """The page after ``page_id``, or None when it is the last (go to check your answers)."""
    index = definition.page_index(page_id)
    for page in definition.pages[index + 1 :]:
        if page_is_visible(definition, page, answers):
            return page.id
    return None


def previous_page_id(
    definition: FormDefinition, page_id: str, answers: Mapping[str, Any]
) -> str | None:
    """The page before ``page_id`` (for the back link), or None on the first page."""
    index = definition.page_index(page_id)
    for page in reversed(definition.pages[:index]):
        if page_is_visible(definition, page, answers):
            return page.id
    return None


def progress(
    definition: FormDefinition, page_id: str, answers: Mapping[str, Any]
) -> tuple[int, int]:
    """(this page's number, number of pages), counting only the pages shown: "Page 2 of 5"."""
    index = definition.page_index(page_id)
    shown = visible_pages(definition, answers)
    position = sum(1 for p in shown if definition.page_index(p.id) <= index)
    return max(position, 1), len(shown)


# -- cleaning and merging -------------------------------------------------------------------


def page_answers(
    definition: FormDefinition,
    page_id: str,
    form: PageForm,
    save_file: SaveFile | None = None,
) -> dict[str, Any]:
    """The cleaned answers of a validated page form, JSON-ready.

    Questions left blank are None (so merging clears an answer someone removed);
    questions not asked (hidden) are absent. ``save_file`` stores a newly uploaded file.
    """
    page = definition.page(page_id)
    hidden = form.unrevealed()
    out: dict[str, Any] = {}
    for q in page.questions:
        if q.type == "content" or q.id not in form._fields or q.id in hidden:
            continue
        out[q.id] = field_answer(q, form[q.id], save_file)
    return out


def field_answer(q: Question, field: Any, save_file: SaveFile | None = None) -> Any:
    """The JSON-ready answer held by one field of a validated form."""
    data = field.data
    t = q.type
    if t == "group":
        items = []
        for entry in field.entries:
            item = {sub.id: field_answer(sub, entry.form[sub.id]) for sub in q.fields or []}
            item = {k: val for k, val in item.items() if not _blank(val)}
            if item:  # an item left wholly blank says nothing
                items.append(item)
        return items
    if t == "file":
        if data is not None and getattr(data, "filename", ""):
            if save_file is None:
                raise ValueError(f"a file was uploaded for {q.id!r} but no save_file was given")
            return save_file(q, data)
        return getattr(field, "stored", None)
    if t == "checkboxes":
        return [str(x) for x in data or []]
    if t == "date":
        return data.isoformat() if isinstance(data, date) else None
    if _blank(data):
        return None
    if t == "number":
        try:
            return int(str(data).replace(",", ""))
        except ValueError:
            return None
    if t == "nhs_number":
        return "".join(ch for ch in str(data) if ch.isdigit())
    return str(data)


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def merge_answers(
    definition: FormDefinition,
    answers: Mapping[str, Any],
    page_id: str,
    new: Mapping[str, Any],
) -> dict[str, Any]:
    """The answers after saving a page: ``new`` replaces the page's answers, then every
    answer to a question that is now hidden (by its own condition or its page's) is dropped.

    Only answers to questions of this definition are kept.
    """
    page = definition.page(page_id)
    on_page = {q.id for q in page.questions}
    merged = {k: val for k, val in answers.items() if k not in on_page}
    merged.update({k: val for k, val in new.items() if not _blank(val)})
    known = {q.id for q in definition.questions()}
    merged = {k: val for k, val in merged.items() if k in known}
    # Dropping one answer can hide another question: repeat until nothing changes.
    while True:
        hidden = [k for k in merged if not is_visible(definition, definition.question(k), merged)]
        if not hidden:
            return merged
        for k in hidden:
            del merged[k]


# -- the check-your-answers gate -------------------------------------------------------------


def missing_answers(
    definition: FormDefinition, answers: Mapping[str, Any]
) -> list[tuple[str, str, str]]:
    """What stops the form being sent: (page id, question id, message) for each required
    question not answered, each group item short of a required answer, each date that
    no longer fits the date it is compared with (after an earlier answer was changed), and
    each page rule not met (``at_least_one``: none of its questions answered)."""
    out: list[tuple[str, str, str]] = []
    for page in visible_pages(definition, answers):
        for q in page.questions:
            if q.type == "content" or not is_visible(definition, q, answers):
                continue
            value = answers.get(q.id)
            if q.type == "group":
                items = value or []
                if len(items) < q.min_items:
                    out.append((page.id, q.id, message(q, "min_items", min_items=q.min_items)))
                for n, item in enumerate(items):
                    for sub in q.fields or []:
                        if sub.required and _blank(item.get(sub.id)):
                            text = message(sub, "required")
                            out.append((page.id, q.id, f"{q.label_for_item(n)}: {text}"))
                continue
            if _blank(value):
                if q.required:
                    out.append((page.id, q.id, message(q, "required")))
                continue
            if q.type == "date":
                out += _date_order_problems(definition, page, q, value, answers)
        for rule in page.rules:
            shown = [
                q
                for q in rule.at_least_one
                if is_visible(definition, definition.question(q), answers)
            ]
            if shown and all(_blank(answers.get(q)) for q in shown):
                target = rule.target if rule.target in shown else shown[0]
                out.append((page.id, target, rule.message))
    return out


def _date_order_problems(
    definition: FormDefinition,
    page: Page,
    q: Question,
    value: str,
    answers: Mapping[str, Any],
) -> list[tuple[str, str, str]]:
    out = []
    for rule in ("after", "before"):
        comparison = getattr(q, rule)
        if comparison is None:
            continue
        other = answers.get(comparison.question)
        if not other:
            continue
        mine, theirs = date.fromisoformat(value), date.fromisoformat(other)
        if (rule == "after" and not mine > theirs) or (rule == "before" and not mine < theirs):
            other_q = definition.question(comparison.question)
            text = comparison.message or message(q, rule, other=other_q.name)
            out.append((page.id, q.id, text))
    return out


# -- the summary ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SummaryRow:
    """One answer, worded for people: option labels, "3 March 2026", "485 777 3456"."""

    question_id: str
    label: str
    value_text: str
    page_id: str
    #: The id of the input on the page (for "Change" links: ``<page url>#<anchor>``).
    anchor: str
    answered: bool = True

    @property
    def value_html(self) -> Markup:
        """The value escaped, with line breaks kept (for a summary list)."""
        return Markup("<br>").join(escape(line) for line in self.value_text.split("\n"))


@dataclass(frozen=True)
class SummarySection:
    """The answers on one page."""

    page_id: str
    title: str
    rows: list[SummaryRow] = field(default_factory=list)


def summary(
    definition: FormDefinition,
    answers: Mapping[str, Any],
    choices: Choices | None = None,
) -> list[SummarySection]:
    """Every question asked and its answer, page by page, for check-your-answers, the
    secretariat's view of a referral and documents. ``choices`` gives the labels of
    ``options_from`` answers (otherwise the stored value is shown)."""
    sections = []
    for page in visible_pages(definition, answers):
        rows: list[SummaryRow] = []
        for q in page.questions:
            if q.type == "content" or not is_visible(definition, q, answers):
                continue
            value = answers.get(q.id)
            if q.type == "group" and isinstance(value, str):
                # A group answered as one block of text (read from a PDF return).
                rows.append(SummaryRow(q.id, q.label, value.strip() or NOT_PROVIDED, page.id, q.id, bool(value.strip())))
                continue
            if q.type == "group":
                rows += _group_rows(q, value or [], page.id)
                continue
            text = answer_text(q, value, choices)
            rows.append(
                SummaryRow(
                    question_id=q.id,
                    label=q.label,
                    value_text=text or NOT_PROVIDED,
                    page_id=page.id,
                    anchor=_anchor(q, q.id),
                    answered=bool(text),
                )
            )
        sections.append(SummarySection(page_id=page.id, title=page.title, rows=rows))
    return sections


def _group_rows(q: Question, items: list[dict[str, Any]], page_id: str) -> list[SummaryRow]:
    if not items:
        return [SummaryRow(q.id, q.label, "None added", page_id, q.id, answered=False)]
    rows = []
    for n, item in enumerate(items):
        lines = []
        for sub in q.fields or []:
            text = answer_text(sub, item.get(sub.id))
            if text:
                lines.append(f"{sub.label}: {text}")
        rows.append(
            SummaryRow(
                question_id=q.id,
                label=q.label_for_item(n),
                value_text="\n".join(lines) or NOT_PROVIDED,
                page_id=page_id,
                anchor=f"{q.id}-{n}",
                answered=bool(lines),
            )
        )
    return rows


def _anchor(q: Question, name: str) -> str:
    if q.type == "date":
        return f"{name}-day"
    return name


def answer_text(q: Question, value: Any, choices: Choices | None = None) -> str:
    """One answer as a person reads it; "" when unanswered."""
    if _blank(value):
        return ""
    t = q.type
    if t == "date":
        try:
            d = date.fromisoformat(str(value))
        except ValueError:
            return str(value)
        return f"{d.day} {d:%B %Y}"
    if t == "nhs_number":
        return format_nhs_number(str(value))
    if t in ("select", "radios", "yes_no", "checkboxes"):
        labels = _labels(q, choices)
        values = value if isinstance(value, list) else [value]
        return "\n".join(labels.get(str(x), str(x)) for x in values)
    if t == "file":
        if isinstance(value, Mapping):
            return str(value.get("filename") or value.get("name") or "")
        return str(value)
    return str(value)


def _labels(q: Question, choices: Choices | None) -> dict[str, str]:
    if q.options_from:
        if not choices or q.options_from not in choices:
            return {}
        from forms.build import resolve_choices  # late: build imports this module

        return dict(resolve_choices(q, choices))
    return {o.value: o.label for o in q.choice_options}


def first_page_id(definition: FormDefinition, answers: Mapping[str, Any]) -> str:
    """Where the form starts (the first page shown)."""
    pages = visible_pages(definition, answers)
    return (pages or definition.pages)[0].id
