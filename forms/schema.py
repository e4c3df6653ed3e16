"""The shape of a form definition, as pydantic models.

A definition is data (``forms/definitions/*.yaml``): pages of questions, each with a type,
its wording, its rules and an optional condition. These models check the shape of one
definition; ``forms.loader`` adds the checks that need the whole definition (unique ids,
conditions that point at earlier questions, ...).

``FormDefinition.model_dump()`` round-trips through ``FormDefinition.model_validate`` so a
submission can keep the snapshot of the definition it was made with.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import cached_property
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

QuestionType = Literal[
    "text",
    "textarea",
    "number",
    "email",
    "phone",
    "postcode",
    "nhs_number",
    "date",
    "select",
    "radios",
    "checkboxes",
    "yes_no",
    "file",
    "group",
    "content",
]

#: Types whose answer is one or more of a list of options.
CHOICE_TYPES = frozenset({"select", "radios", "checkboxes"})
#: Types that can reveal a question on the same page (GOV.UK conditional reveal).
REVEALING_TYPES = frozenset({"radios", "checkboxes", "yes_no"})
#: Types that hold free text and so may have a ``max_length``.
TEXT_TYPES = frozenset({"text", "textarea", "email", "phone", "postcode"})
#: Types that can be asked inside a repeating group.
GROUP_FIELD_TYPES = frozenset(get_args(QuestionType)) - {"group", "content", "file"}

#: ``width`` shorthands and the GOV.UK Frontend class each stands for.
WIDTHS: dict[str, str] = {
    **{str(n): f"govuk-input--width-{n}" for n in (2, 3, 4, 5, 10, 20, 30)},
    "full": "govuk-!-width-full",
    "three-quarters": "govuk-!-width-three-quarters",
    "two-thirds": "govuk-!-width-two-thirds",
    "one-half": "govuk-!-width-one-half",
    "one-third": "govuk-!-width-one-third",
    "one-quarter": "govuk-!-width-one-quarter",
}

YES_NO_OPTIONS: list[dict[str, str]] = [
    {"value": "yes", "label": "Yes"},
    {"value": "no", "label": "No"},
]

_ID = r"^[a-z][a-z0-9_]*$"


def _paragraphs(value: Any) -> Any:
    """Let YAML give one paragraph as a plain string."""
    if isinstance(value, str):
        return [value]
    return value


def _comparison(value: Any) -> Any:
    """Let YAML write ``after: date_of_birth`` for ``after: {question: date_of_birth}``."""
    if isinstance(value, str):
        return {"question": value}
    return value


def _width(value: Any) -> Any:
    if isinstance(value, int):
        return str(value)
    return value


Paragraphs = Annotated[list[str], BeforeValidator(_paragraphs)]


class _Model(BaseModel):
    # Unknown keys are mistakes in a definition (a misspelt "requried:"), never extensions.
    model_config = ConfigDict(
        extra="forbid",
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
    )


class Option(_Model):
    """One answer a choice question offers."""

    value: str = Field(min_length=1)
    label: str = Field(min_length=1)
    hint: str | None = None
    #: A checkboxes answer that excludes the others ("None of these").
    exclusive: bool = False


class ShowIf(_Model):
    """Ask a question only when an earlier answer is (or includes) a value.

    Exactly one of ``equals``, ``in`` or ``contains``. A ``yes_no`` answer is ``"yes"``
    or ``"no"``; YAML's ``true``/``false`` are read as those.
    """

    question: str
    equals: str | int | bool | None = None
    in_: list[str | int | bool] | None = Field(default=None, alias="in")
    contains: str | None = None

    @model_validator(mode="after")
    def _exactly_one_test(self) -> ShowIf:
        given = [n for n in ("equals", "in_", "contains") if getattr(self, n) is not None]
        if len(given) != 1:
            raise ValueError("show_if needs exactly one of equals, in or contains")
        return self

    def holds(self, answer: Any) -> bool:
        """Whether ``answer`` (the controlling question's answer) meets this condition."""
        if answer is None:
            return False
        if isinstance(answer, list):
            values = {_norm(a) for a in answer}
            if self.contains is not None:
                return _norm(self.contains) in values
            if self.in_ is not None:
                return bool(values & {_norm(v) for v in self.in_})
            return _norm(self.equals) in values
        if self.equals is not None:
            return _norm(answer) == _norm(self.equals)
        if self.in_ is not None:
            return _norm(answer) in {_norm(v) for v in self.in_}
        return _norm(answer) == _norm(self.contains)

    def values(self) -> list[str]:
        """The answer values named by the condition, normalised."""
        if self.in_ is not None:
            return [_norm(v) for v in self.in_]
        return [_norm(self.equals if self.equals is not None else self.contains)]


def _norm(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


class DateComparison(_Model):
    """A date must be after (or before) the answer to another date question."""

    question: str
    message: str | None = None


class Question(_Model):
    """One question (or a read-only ``content`` block) on a page."""

    id: str = Field(pattern=_ID)
    type: QuestionType
    label: str = ""
    #: Used in "Enter {short_label}" / "Select {short_label}", e.g. "the subject's date of birth".
    short_label: str | None = None
    #: Used in "{error_label} must be ...", e.g. "Date of birth"; defaults to the label.
    error_label: str | None = None
    hint: str | None = None
    required: bool = True
    error_messages: dict[str, str] = Field(default_factory=dict)

    options: list[Option] | None = None
    #: Name of a list of options supplied when the form is built (e.g. "meetings").
    options_from: str | None = None

    max_length: int | None = Field(default=None, gt=0)
    min: int | None = None
    max: int | None = None
    rows: int | None = Field(default=None, gt=0)

    past: bool = False
    not_future: bool = False
    after: Annotated[DateComparison | None, BeforeValidator(_comparison)] = None
    before: Annotated[DateComparison | None, BeforeValidator(_comparison)] = None

    show_if: ShowIf | None = None
    width: Annotated[str | None, BeforeValidator(_width)] = None
    autocomplete: str | None = None

    # Repeating groups.
    fields: list[Question] | None = None
    min_items: int = Field(default=0, ge=0)
    max_items: int | None = Field(default=None, gt=0)
    item_label: str = "Item {n}"
    #: Labels for the first items, e.g. the next of kin before "Person {n}".
    item_labels: list[str] = Field(default_factory=list)
    add_label: str = "Add another"
    remove_label: str = "Remove"

    # Content blocks.
    text: Paragraphs | None = None
    display: Literal["text", "inset", "details"] = "text"

    @model_validator(mode="after")
    def _fits_its_type(self) -> Question:
        # Rules that concern one question alone; cross-references are checked by the loader.
        t = self.type
        if t != "content" and not self.label:
            raise ValueError(f"a {t} question needs a label")
        if t == "content" and not self.text:
            raise ValueError("a content block needs text")
        if t in CHOICE_TYPES:
            if not self.options and not self.options_from:
                raise ValueError(f"a {t} question needs options (or options_from)")
            if self.options and self.options_from:
                raise ValueError("give options or options_from, not both")
            if self.options and t != "checkboxes" and any(o.exclusive for o in self.options):
                raise ValueError("only a checkboxes option can be exclusive")
            if self.options:
                values = [o.value for o in self.options]
                dupes = sorted({v for v in values if values.count(v) > 1})
                if dupes:
                    raise ValueError(f"option values must be unique: {', '.join(dupes)}")
        elif self.options is not None or self.options_from is not None:
            raise ValueError(f"a {t} question cannot have options")
        if self.max_length is not None and t not in TEXT_TYPES:
            raise ValueError(f"max_length applies to text questions, not {t}")
        if (self.min is not None or self.max is not None) and t != "number":
            raise ValueError(f"min and max apply to number questions, not {t}")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("min must not be greater than max")
        if t != "date" and (self.past or self.not_future or self.after or self.before):
            raise ValueError(f"past, not_future, after and before apply to dates, not {t}")
        if self.width is not None and self.width not in WIDTHS:
            raise ValueError(f"unknown width {self.width!r}; use one of {', '.join(WIDTHS)}")
        if t == "group":
            if not self.fields:
                raise ValueError("a group needs fields")
            if self.max_items is not None and self.min_items > self.max_items:
                raise ValueError("min_items must not be greater than max_items")
        elif self.fields is not None:
            raise ValueError(f"a {t} question cannot have fields")
        return self

    # -- derived wording -------------------------------------------------------------

    @property
    def short(self) -> str:
        """The phrase after "Enter"/"Select", e.g. "the subject's date of birth"."""
        if self.short_label:
            return self.short_label
        return _lower_first(self.label.rstrip("?:"))

    @property
    def name(self) -> str:
        """The phrase before "must be", e.g. "Date of birth"."""
        text = self.error_label or self.label.rstrip("?:")
        return text[:1].upper() + text[1:]

    @property
    def choice_options(self) -> list[Option]:
        """The static options, including the implied Yes/No of a ``yes_no`` question."""
        if self.type == "yes_no":
            return [Option(**o) for o in YES_NO_OPTIONS]
        return list(self.options or [])

    def label_for_item(self, index: int) -> str:
        """The label of the ``index``-th (0-based) item of a repeating group."""
        if index < len(self.item_labels):
            return self.item_labels[index]
        return self.item_label.replace("{n}", str(index + 1))

    @property
    def width_class(self) -> str | None:
        return WIDTHS.get(self.width) if self.width else None


def _lower_first(text: str) -> str:
    # Keep acronyms ("NHS number", "GP") as they are.
    if len(text) > 1 and text[:2].isupper():
        return text
    return text[:1].lower() + text[1:]


class AtLeastOne(_Model):
    """A rule over several questions of one page: at least one of them is answered, e.g.
    a telephone number or an e-mail address (each optional on its own).

    The message is shown on ``field`` (by default the first question listed), in the
    error summary and at that input, as GOV.UK shows one error for a choice of inputs.
    A question hidden by its condition counts as unanswered; when all are hidden the rule
    does not apply.
    """

    at_least_one: list[str] = Field(min_length=2)
    message: str = Field(min_length=1)
    field: str | None = None

    @property
    def target(self) -> str:
        return self.field or self.at_least_one[0]


class Page(_Model):
    """One page of a form: a title, optional introduction and its questions."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    title: str = Field(min_length=1)
    intro: Paragraphs | None = None
    show_if: ShowIf | None = None
    questions: list[Question] = Field(min_length=1)
    #: Rules over several of the page's questions (``at_least_one``).
    rules: list[AtLeastOne] = Field(default_factory=list)


class FormDefinition(_Model):
    """A whole form: an id and version (recorded with every submission) and its pages."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    version: int = Field(ge=1)
    title: str = Field(min_length=1)
    description: Paragraphs | None = None
    pages: list[Page] = Field(min_length=1)

    # Cached in the instance's __dict__, which pydantic leaves out of equality and dumps.
    @cached_property
    def fingerprint(self) -> str:
        """A digest of the definition's content (two snapshots with one id+version agree)."""
        data = json.dumps(self.model_dump(mode="json"), sort_keys=True)
        return hashlib.sha256(data.encode()).hexdigest()[:16]

    def page(self, page_id: str) -> Page:
        """The page with this id (KeyError if there is none)."""
        for page in self.pages:
            if page.id == page_id:
                return page
        raise KeyError(f"form {self.id!r} has no page {page_id!r}")

    def page_index(self, page_id: str) -> int:
        for n, page in enumerate(self.pages):
            if page.id == page_id:
                return n
        raise KeyError(f"form {self.id!r} has no page {page_id!r}")

    @cached_property
    def _question_index(self) -> dict[str, tuple[int, Question]]:
        return {q.id: (n, q) for n, page in enumerate(self.pages) for q in page.questions}

    def question(self, question_id: str) -> Question:
        """The top-level question with this id (KeyError if there is none)."""
        return self._question_index[question_id][1]

    def page_of(self, question_id: str) -> Page:
        """The page a top-level question is on."""
        return self.pages[self._question_index[question_id][0]]

    def questions(self) -> list[Question]:
        """Every top-level question, in order."""
        return [q for page in self.pages for q in page.questions]


def is_identifier(text: str) -> bool:
    return re.match(_ID, text) is not None
