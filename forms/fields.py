"""WTForms fields for the question types, rendered by govuk-frontend-wtf widgets.

Fields receive stored answers (JSON values: ISO dates, ints, 10-digit NHS numbers) as their
data and show them as a person would type them; the validators in ``forms.validators``
normalise what is typed (postcode in capitals, NHS number as 485 777 3456, ...).
"""

from __future__ import annotations

import weakref
from datetime import date
from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField as _FlaskFileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovDateInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovTextInput,
)
from wtforms import Field, FieldList, Form, FormField
from wtforms.fields import (
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)

from forms.validators import format_nhs_number


def strip_whitespace(value: Any) -> Any:
    """Remove surrounding spaces from typed text; other values pass unchanged."""
    return value.strip() if isinstance(value, str) else value


# Fields that refuse filters (containers) or hold no typed text.
_NO_STRIP = (FieldList, FormField, _FlaskFileField)


class _StripWhitespaceMeta:
    """Form Meta that strips surrounding whitespace from every text field (as GOV.UK Notify does).

    Only the edges are stripped: the text itself, HTML or ``{{ }}`` included, is kept as
    typed; escaping it is the job of whatever renders it.
    """

    def bind_field(self, form: Form, unbound_field: Any, options: dict[str, Any]) -> Field:
        filters = [] if issubclass(unbound_field.field_class, _NO_STRIP) else [strip_whitespace]
        filters += unbound_field.kwargs.get("filters", [])
        bound = unbound_field.bind(form=form, filters=filters, **options)
        # A weak reference back to the form, so a field can find its form without a cycle.
        bound.get_form = weakref.ref(form)
        return bound


class StripWhitespaceForm(Form):
    """A plain WTForms form (used for the items of a repeating group) that strips whitespace."""

    class Meta(_StripWhitespaceMeta):
        pass


class StripWhitespaceFlaskForm(FlaskForm):
    """A Flask-WTF form (so CSRF protection applies) that strips whitespace."""

    class Meta(_StripWhitespaceMeta):
        pass


def _optional_str(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


class TextField(StringField):
    """One line of text; the stored answer is the text, or None when blank."""

    widget = GovTextInput()

    def process_data(self, value: Any) -> None:
        self.data = _optional_str(value)


class LongTextField(TextAreaField):
    """Several lines of text (widget chosen per question: with or without a character count)."""

    def process_data(self, value: Any) -> None:
        self.data = _optional_str(value)


class NumberField(TextField):
    """A whole number typed as text (GOV.UK advise against ``type=number``); stored as int."""


class NhsNumberField(TextField):
    """An NHS number: stored as 10 digits, shown as 485 777 3456."""

    def process_data(self, value: Any) -> None:
        self.data = format_nhs_number(str(value)) if value else None


class GovDateField(Field):
    """A GOV.UK date input: three boxes (day, month, year) that share the field's name.

    govuk-frontend-wtf's ``GovDateInput`` names all three inputs after the field and gives
    them the ids ``<name>-day``, ``<name>-month`` and ``<name>-year``; it reads the three
    typed parts back from ``raw_data``. ``parts`` keeps what was typed, so the validators
    can say which part is missing; ``data`` is a ``date`` only when the parts make one.
    """

    widget = GovDateInput()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.parts: tuple[str, str, str] | None = None

    def process_data(self, value: Any) -> None:
        if isinstance(value, date):
            self.data = value
        elif isinstance(value, str) and value:
            try:
                self.data = date.fromisoformat(value)
            except ValueError:
                self.data = None
        else:
            self.data = None
        self.parts = None

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist:
            # Not in the submitted form at all: the widget then shows ``data``.
            self.raw_data = None
            self.parts = ("", "", "")
            self.data = None
            return
        parts = [str(v).strip() for v in valuelist[:3]]
        parts += [""] * (3 - len(parts))
        day, month, year = parts
        self.parts = (day, month, year)
        self.raw_data = list(self.parts)
        self.data = None
        if all(p.isdigit() for p in parts) and len(year) == 4:
            try:
                self.data = date(int(year), int(month), int(day))
            except ValueError:
                self.data = None

    def _value(self) -> str:
        return self.data.isoformat() if self.data else ""


def make_choices(pairs: Any) -> list[SelectChoice]:
    """(value, label) pairs as WTForms ``SelectChoice`` objects."""
    return [SelectChoice(str(value), str(label)) for value, label in pairs]


def _coerce_choice(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


class ChoiceField(SelectField):
    """A drop-down list (GOV.UK select); the stored answer is the option's value."""

    widget = GovSelect()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("coerce", _coerce_choice)
        kwargs.setdefault("validate_choice", False)  # OneOf gives the GOV.UK message
        super().__init__(*args, **kwargs)


class RadiosField(RadioField):
    """GOV.UK radios; the stored answer is the chosen option's value."""

    widget = GovRadioInput()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("coerce", _coerce_choice)
        kwargs.setdefault("validate_choice", False)
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        # Nothing chosen is None, not the previous data: a radio left unchosen sends nothing.
        self.data = self.coerce(valuelist[0]) if valuelist else None


class CheckboxesField(SelectMultipleField):
    """GOV.UK checkboxes; the stored answer is the list of chosen values."""

    widget = GovCheckboxesInput()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("coerce", str)
        kwargs.setdefault("validate_choice", False)
        super().__init__(*args, **kwargs)

    def process_data(self, value: Any) -> None:
        self.data = [str(v) for v in value] if isinstance(value, list | tuple) else []

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = [str(v) for v in valuelist]


class FileField(_FlaskFileField):
    """A GOV.UK file upload; what is stored is decided by the caller's ``save_file``."""

    widget = GovFileInput()

    def process_data(self, value: Any) -> None:
        # A stored answer (a reference to a saved file) is not re-uploaded; keep it aside.
        self.stored = value
        self.data = None


class GroupField(FieldList):
    """A repeating group: a list of small forms, one per item (a person, an entry)."""
