"""Turn a page of a form definition into a Flask-WTF form, and handle "add another".

The form class for a page is built once per (definition id, version, page id) and cached;
what varies per request (which questions earlier answers hide, run-time options such as the
list of meetings) is applied to each instance.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from flask import has_request_context, request
from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovTextArea
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from wtforms import Field, FormField

from forms import validators as v
from forms.answers import is_visible
from forms.fields import (
    CheckboxesField,
    ChoiceField,
    FileField,
    GovDateField,
    GroupField,
    LongTextField,
    NhsNumberField,
    NumberField,
    RadiosField,
    StripWhitespaceFlaskForm,
    StripWhitespaceForm,
    TextField,
    make_choices,
)
from forms.schema import FormDefinition, Option, Page, Question

#: Run-time option lists for ``options_from``: a list of (value, label) / Option / mapping,
#: or a callable returning one.
Choices = Mapping[str, Iterable[Any] | Callable[[], Iterable[Any]]]

# Widths a question gets when the definition does not choose one (GOV.UK: fit the answer).
_DEFAULT_WIDTHS = {
    "postcode": "govuk-input--width-10",
    "nhs_number": "govuk-input--width-10",
    "phone": "govuk-input--width-20",
    "number": "govuk-input--width-5",
}
_INPUT_TYPES = {"email": "email", "phone": "tel"}
_NO_SPELLCHECK = {"email", "phone", "postcode", "nhs_number", "number"}
_NUMERIC = {"number", "nhs_number"}


class PageForm(StripWhitespaceFlaskForm):
    """The form for one page of a definition.

    Besides the fields, it knows its definition and page, the answers given so far
    (``_answers``, for conditions and date comparisons with earlier pages) and how to
    describe its questions to the GOV.UK macros (``render_params``, ``error_list``).
    """

    _definition: FormDefinition
    _page: Page
    _answers: dict[str, Any]

    # -- what is on the page --------------------------------------------------------------

    def shown_questions(self) -> list[Question]:
        """Questions (and content blocks) to render at page level, in order.

        Questions revealed under an answer on this page are rendered inside that answer's
        conditional reveal instead, so they are left out here.
        """
        out = []
        for q in self._page.questions:
            if q.type == "content":
                if q.show_if is None or is_visible(self._definition, q, self._answers):
                    out.append(q)
            elif q.id in self._fields and not self._revealed_here(q):
                out.append(q)
        return out

    def is_single_question(self) -> bool:
        """Whether the page asks one question, whose label is then the page heading."""
        shown = self.shown_questions()
        return (
            not self._page.intro and len(shown) == 1 and shown[0].type not in ("content", "group")
        )

    def has_file(self) -> bool:
        """Whether the page uploads a file (the form then needs multipart encoding)."""
        return any(q.type == "file" and q.id in self._fields for q in self._page.questions)

    def has_group(self) -> bool:
        """Whether the page has a repeating group (and so "Add another"/"Remove" buttons)."""
        return any(q.type == "group" and q.id in self._fields for q in self._page.questions)

    def reveals_for(self, question_id: str) -> dict[str, list[Question]]:
        """For a question on this page: option value -> questions revealed by that option."""
        out: dict[str, list[Question]] = {}
        for q in self._page.questions:
            if q.show_if and q.show_if.question == question_id and q.id in self._fields:
                out.setdefault(q.show_if.values()[0], []).append(q)
        return out

    def _revealed_here(self, q: Question) -> bool:
        return q.show_if is not None and any(
            c.id == q.show_if.question for c in self._page.questions
        )

    def unrevealed(self) -> set[str]:
        """Ids of revealed questions whose revealing answer is not (or no longer) chosen."""
        hidden = set()
        for q in self._page.questions:
            if q.id in self._fields and self._revealed_here(q):
                controller = q.show_if.question  # type: ignore[union-attr]
                if controller not in self._fields or not q.show_if.holds(  # type: ignore[union-attr]
                    self[controller].data
                ):
                    hidden.add(q.id)
        return hidden

    # -- validation -----------------------------------------------------------------------

    def validate(self, extra_validators: Mapping[str, Any] | None = None) -> bool:
        """Validate every field except questions whose conditional reveal is closed."""
        hidden = self.unrevealed()
        extra = extra_validators or {}
        success = True
        for name, field in self._fields.items():
            if name in hidden:
                field.errors = []
                continue
            if not field.validate(self, tuple(extra.get(name, ()))):
                success = False
        return self._validate_rules(hidden) and success

    def _validate_rules(self, hidden: set[str]) -> bool:
        """The page's rules over several questions (``at_least_one``); a rule's message goes
        on its target question (or the first of its questions still on the page)."""
        success = True
        for rule in self._page.rules:
            present = [q for q in rule.at_least_one if q in self._fields and q not in hidden]
            if not present or any(not v.is_empty(self[q]) for q in present):
                continue
            target = rule.target if rule.target in present else present[0]
            self[target].errors = [*self[target].errors, rule.message]
            success = False
        return success

    def error_list(self) -> list[dict[str, str]]:
        """Errors in page order for the GOV.UK error summary, each linked to its input."""
        out: list[dict[str, str]] = []
        for q in self._page.questions:
            if q.type == "content" or q.id not in self._fields:
                continue
            field = self[q.id]
            if q.type == "group":
                for entry in field.entries:
                    for sub_q in q.fields or []:
                        sub = entry.form[sub_q.id]
                        if sub.errors:
                            out.append({"text": sub.errors[0], "href": "#" + input_id(sub_q, sub)})
                for error in self.group_errors(q.id):
                    out.append({"text": error, "href": f"#{q.id}"})
            elif field.errors:
                out.append({"text": field.errors[0], "href": "#" + input_id(q, field)})
        return out

    def shows_group_heading(self, question: Question) -> bool:
        """A group's own heading is left out when it would repeat the page heading."""
        return question.label.strip() != self._page.title.strip()

    def group_errors(self, question_id: str) -> list[str]:
        """Errors about a repeating group as a whole (too many items), not about one item."""
        field = self[question_id]
        return [e for e in (field.errors or []) if isinstance(e, str)]

    # -- rendering ------------------------------------------------------------------------

    def render_params(
        self,
        question: Question,
        field: Field | None = None,
        heading: bool = False,
        reveal_html: Mapping[str, Any] | None = None,
        in_group: bool = False,
    ) -> dict[str, Any]:
        """The govuk-frontend-jinja parameters for one question's widget."""
        return render_params(question, field or self[question.id], heading, reveal_html, in_group)


def input_id(question: Question, field: Field) -> str:
    """The id of the input an error links to: the day box of a date, the first radio."""
    if question.type == "date":
        return f"{field.name}-day"
    if question.type in ("radios", "checkboxes", "yes_no"):
        # govukRadios/govukCheckboxes give the first item the bare name as its id.
        return field.name
    return field.id


def render_params(
    q: Question,
    field: Field,
    heading: bool = False,
    reveal_html: Mapping[str, Any] | None = None,
    in_group: bool = False,
) -> dict[str, Any]:
    """Map a question onto the parameters of its GOV.UK component."""
    hint = {"text": q.hint} if q.hint else None
    size = "l" if heading else ("" if in_group else "s")

    if q.type in ("date", "radios", "checkboxes", "yes_no"):
        legend: dict[str, Any] = {"text": q.label}
        if size:
            legend["classes"] = f"govuk-fieldset__legend--{size}"
        if heading:
            legend["isPageHeading"] = True
        params: dict[str, Any] = {"fieldset": {"legend": legend}, "hint": hint}
        if q.type == "date":
            return params
        reveal_html = reveal_html or {}
        items = []
        for value in v.choice_values(field.choices):
            item: dict[str, Any] = {}
            option = _option(q, value)
            if option is not None and option.hint:
                item["hint"] = {"text": option.hint}
            if option is not None and option.exclusive:
                item["behaviour"] = "exclusive"
            if reveal_html.get(str(value)):
                item["conditional"] = {"html": reveal_html[str(value)]}
            items.append(item)
        params["items"] = items
        # Short yes/no answers sit side by side, unless one reveals a question (GOV.UK).
        if q.type == "yes_no" and not reveal_html:
            params["classes"] = "govuk-radios--inline"
        if q.type in ("radios", "yes_no") and field.data is not None:
            params["value"] = field.data
        return params

    label: dict[str, Any] = {"text": q.label}
    if size:
        label["classes"] = f"govuk-label--{size}"
    if heading:
        label["isPageHeading"] = True
    params = {"label": label, "hint": hint}
    width = q.width_class or _DEFAULT_WIDTHS.get(q.type)
    if width:
        params["classes"] = width
    if q.autocomplete:
        params["autocomplete"] = q.autocomplete
    if q.type in _INPUT_TYPES:
        params["type"] = _INPUT_TYPES[q.type]
    if q.type in _NO_SPELLCHECK:
        params["spellcheck"] = False
    if q.type in _NUMERIC:
        params["inputmode"] = "numeric"
    if q.type == "textarea":
        params["rows"] = q.rows or 5
        if q.max_length:
            params["maxlength"] = q.max_length
    return params


def _option(q: Question, value: Any) -> Option | None:
    for option in q.choice_options:
        if option.value == str(value):
            return option
    return None


# -- building the form class --------------------------------------------------------------

_cache: dict[tuple[str, int, str, str], type[PageForm]] = {}
_cache_lock = threading.Lock()


def page_form_class(definition: FormDefinition, page_id: str) -> type[PageForm]:
    """The (cached) form class for one page of a definition."""
    key = (definition.id, definition.version, page_id, definition.fingerprint)
    cls = _cache.get(key)
    if cls is None:
        with _cache_lock:
            cls = _cache.get(key)
            if cls is None:
                cls = _make_page_class(definition, definition.page(page_id))
                _cache[key] = cls
    return cls


def _make_page_class(definition: FormDefinition, page: Page) -> type[PageForm]:
    attrs: dict[str, Any] = {"_definition": definition, "_page": page}
    for q in page.questions:
        if q.type != "content":
            attrs[q.id] = unbound_field(q, definition)
    return type(f"{definition.id}_{page.id}_Form".replace("-", "_"), (PageForm,), attrs)


def _item_form_class(group: Question) -> type[StripWhitespaceForm]:
    attrs = {f.id: unbound_field(f, None) for f in group.fields or []}
    return type(f"{group.id}_ItemForm", (StripWhitespaceForm,), attrs)


def unbound_field(q: Question, definition: FormDefinition | None) -> Any:
    """The WTForms field (unbound) for a question, with its validators."""
    if q.type == "group":
        return GroupField(
            FormField(_item_form_class(q)),
            label=q.label,
            min_entries=q.min_items,
            validators=[_MaxItems(q)],
        )

    chain: list[Any]
    if q.type == "file":
        chain = [v.FileRequired(q)] if q.required else [v.NotRequired()]
    elif q.type == "date":
        # A partly typed date is checked even when the question is optional.
        chain = [v.Required(q) if q.required else v.NotRequired(), v.RealDate(q)]
    else:
        chain = [v.Required(q) if q.required else v.NotRequired()]

    kwargs: dict[str, Any] = {"label": q.label}
    t = q.type
    if t in ("text", "email", "phone", "postcode"):
        field_class: Any = TextField
        if q.max_length:
            chain.append(v.MaxLength(q))
        chain.append(
            {"email": v.Email, "phone": v.UkPhone, "postcode": v.UkPostcode}.get(t, _noop)(q)
        )
    elif t == "textarea":
        field_class = LongTextField
        kwargs["widget"] = GovCharacterCount() if q.max_length else GovTextArea()
        if q.max_length:
            chain.append(v.MaxLength(q))
    elif t == "number":
        field_class = NumberField
        chain.append(v.WholeNumber(q))
    elif t == "nhs_number":
        field_class = NhsNumberField
        chain.append(v.NhsNumber(q))
    elif t == "date":
        field_class = GovDateField
        if q.past:
            chain.append(v.PastDate(q))
        if q.not_future:
            chain.append(v.NotFutureDate(q))
        for rule in ("after", "before"):
            comparison = getattr(q, rule)
            if comparison is not None and definition is not None:
                chain.append(v.DateOrder(q, rule, definition.question(comparison.question)))
    elif t in ("select", "radios", "yes_no", "checkboxes"):
        field_class = {
            "select": ChoiceField,
            "radios": RadiosField,
            "yes_no": RadiosField,
            "checkboxes": CheckboxesField,
        }[t]
        kwargs["choices"] = make_choices((o.value, o.label) for o in q.choice_options)
        chain.append(v.OneOf(q))
    elif t == "file":
        field_class = FileField
    else:  # pragma: no cover - the schema admits no other type
        raise ValueError(f"no field for type {t!r}")
    return field_class(validators=[c for c in chain if c is not None], **kwargs)


def _noop(_q: Question) -> None:
    return None


class _MaxItems:
    """A repeating group holds no more than ``max_items`` items."""

    def __init__(self, q: Question) -> None:
        self.max_items = q.max_items
        self.message = v.message(q, "max_items", max_items=q.max_items) if q.max_items else ""

    def __call__(self, form: Any, field: Any) -> None:
        if self.max_items is not None and len(field.entries) > self.max_items:
            raise v.ValidationError(self.message)


# -- building a form for a request --------------------------------------------------------


def build_page_form(
    definition: FormDefinition,
    page_id: str,
    answers: Mapping[str, Any],
    formdata: Any = None,
    choices: Choices | None = None,
) -> PageForm:
    """The form for one page, for one request.

    With ``formdata`` None (a GET) the fields are filled from ``answers``; otherwise from
    ``formdata`` (``request.form``; uploaded files are added from ``request.files``).
    Questions hidden by an answer on an earlier page are removed from the form. Choice
    questions with ``options_from: <name>`` take their options from ``choices[name]``.
    """
    page = definition.page(page_id)
    cls = page_form_class(definition, page_id)
    answers = dict(answers)
    if formdata is None:
        data = {
            q.id: answers[q.id] for q in page.questions if q.type != "content" and q.id in answers
        }
        form = cls(formdata=None, data=data)
    else:
        if (
            has_request_context()
            and request.files
            and formdata is request.form
            and any(q.type == "file" for q in page.questions)
        ):
            formdata = CombinedMultiDict([request.files, request.form])
        form = cls(formdata=formdata)
    form._answers = answers

    for q in page.questions:
        if q.type == "content" or q.id not in form._fields:
            continue
        if _hidden_by_earlier_answer(definition, page, q, answers):
            del form[q.id]
            continue
        if q.options_from:
            form[q.id].choices = make_choices(resolve_choices(q, choices))
        if q.type == "select":
            # A select starts on a blank option, so nobody answers by not looking.
            form[q.id].choices = make_choices([("", "Select an option")]) + form[q.id].choices
        if q.type == "file" and formdata is not None:
            form[q.id].stored = answers.get(q.id)
    # Revealed questions whose revealing question was just removed go too.
    for q in page.questions:
        if q.id in form._fields and q.show_if and q.show_if.question not in form._fields:
            if definition.page_of(q.show_if.question) is page:
                del form[q.id]
    return form


def _hidden_by_earlier_answer(
    definition: FormDefinition, page: Page, q: Question, answers: Mapping[str, Any]
) -> bool:
    if page.show_if is not None and not page.show_if.holds(answers.get(page.show_if.question)):
        return True
    if q.show_if is None:
        return False
    controller_page = definition.page_of(q.show_if.question)
    if controller_page is page:
        return False  # a conditional reveal, decided by this page's own answer
    return not is_visible(definition, q, answers)


def resolve_choices(q: Question, choices: Choices | None) -> list[tuple[str, str]]:
    """The run-time options named by ``q.options_from``, as (value, label) pairs."""
    if not choices or q.options_from not in choices:
        raise KeyError(f"question {q.id!r} needs choices[{q.options_from!r}]")
    source = choices[q.options_from]
    items = source() if callable(source) else source
    return [_pair(item) for item in items]


def _pair(item: Any) -> tuple[str, str]:
    if isinstance(item, Option):
        return item.value, item.label
    if isinstance(item, Mapping):
        return str(item["value"]), str(item["label"])
    if isinstance(item, tuple | list):
        return str(item[0]), str(item[1])
    return str(item), str(item)


# -- add another / remove -----------------------------------------------------------------


def handle_group_action(form: PageForm, formdata: Any) -> bool:
    """Carry out an "Add another" or "Remove" button press, if that is what was posted.

    The buttons post ``add_item=<group id>`` or ``remove_item=<group id>:<index>``. Returns
    True when the post was one of them: the view then re-renders the page (the form is not
    validated, so no errors show, except that a group already at ``max_items`` says so).
    """
    add = formdata.get("add_item") if formdata is not None else None
    remove = formdata.get("remove_item") if formdata is not None else None
    if add:
        group = _group(form, add)
        if group is not None:
            q, field = group
            if q.max_items is not None and len(field.entries) >= q.max_items:
                field.errors = [v.message(q, "max_items", max_items=q.max_items)]
            else:
                field.append_entry()
        return True
    if remove:
        group_id, _, index_text = remove.rpartition(":")
        group = _group(form, group_id)
        if group is not None and index_text.isdigit():
            q, field = group
            index = int(index_text)
            if q.min_items <= index < len(field.entries):
                _remove_entry(field, index, formdata)
        return True
    return False


def _group(form: PageForm, group_id: str) -> tuple[Question, GroupField] | None:
    for q in form._page.questions:
        if q.id == group_id and q.type == "group" and q.id in form._fields:
            return q, form[q.id]
    return None


def _remove_entry(field: GroupField, index: int, formdata: Any) -> None:
    # Renumber the posted keys (group-3-name -> group-2-name) and re-read the group, so
    # everything typed into the other items is kept, mistakes included.
    prefix = f"{field.name}-"
    renumbered = MultiDict()
    for key, value in formdata.items(multi=True):
        if not key.startswith(prefix):
            continue
        number, sep, rest = key[len(prefix) :].partition("-")
        if not number.isdigit():
            continue
        n = int(number)
        if n == index:
            continue
        renumbered.add(f"{prefix}{n - 1 if n > index else n}{sep}{rest}", value)
    entries = [e for i, e in enumerate(field.entries) if i != index]
    if renumbered:
        field.process(renumbered)
    else:
        # Nothing typed in the remaining items (e.g. a prefilled page): keep their data.
        field.process(None, data=[e.data for e in entries])
