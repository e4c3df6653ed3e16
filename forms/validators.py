"""WTForms validators for the question types, with GOV.UK-style error messages.

Every message comes from ``message(question, key)``: a definition may override any of them
in ``error_messages``; otherwise it is built from the question's ``short_label`` ("Enter the
subject's date of birth") or its ``error_label`` ("Date of birth must be a real date"),
following the GOV.UK Design System's error message patterns.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from wtforms import Field, Form
from wtforms.fields import SelectChoice
from wtforms.validators import StopValidation, ValidationError

from forms.schema import CHOICE_TYPES, Question

LONDON = ZoneInfo("Europe/London")


def today() -> date:
    """Today in England, whatever the server's clock zone ("not in the future" is local)."""
    return datetime.now(LONDON).date()


# -- messages -----------------------------------------------------------------------------


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def message(question: Question, key: str, **values: Any) -> str:
    """The error message ``key`` for ``question``: its override, else the GOV.UK default."""
    values = {"name": question.name, "short": question.short, **values}
    override = question.error_messages.get(key)
    if override:
        return override.format_map(_Blank(values))
    return _default(question, key, values)


def _default(q: Question, key: str, v: dict[str, Any]) -> str:
    name, short = v["name"], v["short"]
    if key == "required":
        verb = "Select" if q.type in CHOICE_TYPES | {"yes_no", "file"} else "Enter"
        return f"{verb} {short}"
    if key == "max_length":
        return f"{name} must be {v['max_length']:,} characters or fewer"
    if key == "min":
        return f"{name} must be {v['min']:,} or more"
    if key == "max":
        return f"{name} must be {v['max']:,} or less"
    if key == "format":  # NHS number with the wrong number of digits
        return "Enter an NHS number in the correct format, like 485 777 3456"
    if key == "incomplete":
        return f"{name} must include a {v['parts']}"
    if key == "year":
        return "Year must include 4 numbers"
    if key == "real":
        return f"{name} must be a real date"
    if key == "past":
        return f"{name} must be in the past"
    if key == "not_future":
        return f"{name} must be today or in the past"
    if key in ("after", "before"):
        return f"{name} must be {key} {_lower_first(v['other'])}"
    if key == "min_items":
        return f"Add at least {v['min_items']} to {_lower_first(name)}"
    if key == "max_items":
        return f"You can only add up to {v['max_items']} to {_lower_first(name)}"
    if key == "invalid":
        return {
            "email": "Enter an email address in the correct format, like name@example.com",
            "phone": "Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192",
            "postcode": "Enter a real postcode",
            "nhs_number": "Enter a valid NHS number",
            "number": f"{name} must be a whole number",
            "date": f"{name} must be a real date",
        }.get(q.type, f"Select {short}")
    raise KeyError(f"no message {key!r}")


def _lower_first(text: str) -> str:
    if len(text) > 1 and text[:2].isupper():
        return text
    return text[:1].lower() + text[1:]


# -- presence ----------------------------------------------------------------------------


def is_empty(field: Field) -> bool:
    """Whether the person left the field blank (a date with all three parts empty)."""
    parts = getattr(field, "parts", None)
    if parts is not None:
        return not any(parts)
    data = field.data
    if data is None:
        return True
    if isinstance(data, str):
        return not data.strip()
    if isinstance(data, list | tuple):
        return len(data) == 0
    # A FileStorage with no file chosen has an empty filename.
    if hasattr(data, "filename"):
        return not data.filename
    return False


class Required:
    """The question must be answered."""

    def __init__(self, question: Question) -> None:
        self.message = message(question, "required")

    def __call__(self, form: Form, field: Field) -> None:
        if is_empty(field):
            field.errors[:] = []
            raise StopValidation(self.message)


class NotRequired:
    """An optional question left blank passes without further checks."""

    def __call__(self, form: Form, field: Field) -> None:
        if is_empty(field):
            field.errors[:] = []
            raise StopValidation()


class FileRequired:
    """A file must be chosen, unless one was uploaded for this question before."""

    def __init__(self, question: Question) -> None:
        self.question = question
        self.message = message(question, "required")

    def __call__(self, form: Form, field: Field) -> None:
        if is_empty(field):
            if getattr(form, "_answers", {}).get(self.question.id):
                raise StopValidation()
            raise StopValidation(self.message)


# -- text --------------------------------------------------------------------------------


class MaxLength:
    """No more than ``max_length`` characters (after surrounding spaces are removed)."""

    def __init__(self, question: Question) -> None:
        assert question.max_length is not None
        self.max_length = question.max_length
        self.message = message(question, "max_length", max_length=question.max_length)

    def __call__(self, form: Form, field: Field) -> None:
        if isinstance(field.data, str) and len(field.data) > self.max_length:
            raise ValidationError(self.message)


class Email:
    """An e-mail address in the correct format (no DNS look-up: the domain is not checked)."""

    def __init__(self, question: Question) -> None:
        self.message = message(question, "invalid")

    def __call__(self, form: Form, field: Field) -> None:
        try:
            result = validate_email(field.data, check_deliverability=False)
        except EmailNotValidError as exc:
            raise ValidationError(self.message) from exc
        field.data = result.normalized


class UkPhone:
    """A UK telephone number (or an international one written with +), as phonenumbers sees it."""

    def __init__(self, question: Question) -> None:
        self.message = message(question, "invalid")

    def __call__(self, form: Form, field: Field) -> None:
        try:
            number = phonenumbers.parse(field.data, "GB")
        except phonenumbers.NumberParseException as exc:
            raise ValidationError(self.message) from exc
        if not phonenumbers.is_valid_number(number):
            raise ValidationError(self.message)
        field.data = format_phone(number)


def format_phone(number: phonenumbers.PhoneNumber) -> str:
    """UK numbers as written in the UK ("020 7946 0000"); others in international form."""
    if number.country_code == 44:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


# Outward code (area, district) and inward code (sector, unit); GIR 0AA is Girobank's.
_POSTCODE = re.compile(r"^(GIR0AA|[A-Z]{1,2}[0-9][0-9A-Z]?[0-9][ABD-HJLNP-UW-Z]{2})$")


def normalise_postcode(value: str) -> str | None:
    """``"sw1a1aa"`` -> ``"SW1A 1AA"``; None if it is not shaped like a UK postcode."""
    compact = re.sub(r"\s+", "", value).upper()
    if not _POSTCODE.match(compact):
        return None
    return f"{compact[:-3]} {compact[-3:]}"


class UkPostcode:
    """A UK postcode, stored in capitals with one space before the inward code."""

    def __init__(self, question: Question) -> None:
        self.message = message(question, "invalid")

    def __call__(self, form: Form, field: Field) -> None:
        normalised = normalise_postcode(field.data)
        if normalised is None:
            raise ValidationError(self.message)
        field.data = normalised


def nhs_check_digit_ok(digits: str) -> bool:
    """The NHS number Modulus 11 check: weights 10..2 on the first nine digits.

    11 - (sum mod 11) is the check digit; 11 means 0 and 10 means the number is invalid.
    """
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def format_nhs_number(digits: str) -> str:
    """``"4857773456"`` -> ``"485 777 3456"`` (the 3-3-4 grouping NHS staff read)."""
    if len(digits) == 10 and digits.isdigit():
        return f"{digits[:3]} {digits[3:6]} {digits[6:]}"
    return digits


class NhsNumber:
    """Ten digits (spaces or dashes allowed between them) with a valid check digit."""

    def __init__(self, question: Question) -> None:
        self.format_message = message(question, "format")
        self.invalid_message = message(question, "invalid")

    def __call__(self, form: Form, field: Field) -> None:
        digits = re.sub(r"[\s-]", "", field.data)
        if len(digits) != 10 or not digits.isdigit():
            raise ValidationError(self.format_message)
        if not nhs_check_digit_ok(digits):
            raise ValidationError(self.invalid_message)
        field.data = format_nhs_number(digits)


class WholeNumber:
    """A whole number, optionally within ``min`` and ``max``."""

    def __init__(self, question: Question) -> None:
        self.question = question
        self.message = message(question, "invalid")

    def __call__(self, form: Form, field: Field) -> None:
        text = str(field.data).replace(",", "")
        if not re.fullmatch(r"-?\d+", text):
            raise ValidationError(self.message)
        value = int(text)
        q = self.question
        if q.min is not None and value < q.min:
            raise ValidationError(message(q, "min", min=q.min, max=q.max))
        if q.max is not None and value > q.max:
            raise ValidationError(message(q, "max", min=q.min, max=q.max))
        field.data = str(value)


class OneOf:
    """The answer (or each answer, for checkboxes) is one of the options offered, and an
    exclusive checkbox ("None of these") is not chosen with another."""

    def __init__(self, question: Question) -> None:
        self.message = message(question, "invalid")
        self.exclusive = {o.value for o in question.options or [] if o.exclusive}
        self.exclusive_message = (
            message(question, "exclusive")
            if "exclusive" in question.error_messages
            else message(question, "required")
        )

    def __call__(self, form: Form, field: Field) -> None:
        offered = set(choice_values(field.choices))
        chosen = field.data if isinstance(field.data, list) else [field.data]
        if any(str(c) not in offered for c in chosen):
            raise ValidationError(self.message)
        if len(chosen) > 1 and self.exclusive & {str(c) for c in chosen}:
            raise ValidationError(self.exclusive_message)


def choice_values(choices: Any) -> list[str]:
    """The option values of a choice field's ``choices``, in order."""
    out = []
    for choice in choices or []:
        if isinstance(choice, SelectChoice):
            out.append(str(choice.value))
        elif isinstance(choice, tuple | list):
            out.append(str(choice[0]))
        else:
            out.append(str(choice))
    return out


# -- dates -------------------------------------------------------------------------------


class RealDate:
    """All three parts given, a four-digit year, and a date that exists (not 31 February)."""

    def __init__(self, question: Question) -> None:
        self.question = question

    def __call__(self, form: Form, field: Field) -> None:
        if field.parts is None:
            return  # prefilled from a stored answer, which was a real date when stored
        day, month, year = field.parts
        missing = [n for n, v in (("day", day), ("month", month), ("year", year)) if not v]
        if missing:
            raise StopValidation(message(self.question, "incomplete", parts=" and ".join(missing)))
        if not all(p.isdigit() for p in (day, month, year)):
            raise StopValidation(message(self.question, "real"))
        if len(year) != 4:
            raise StopValidation(message(self.question, "year"))
        if field.data is None:
            raise StopValidation(message(self.question, "real"))


class PastDate:
    """Strictly before today (``past: true``)."""

    def __init__(self, question: Question) -> None:
        self.message = message(question, "past")

    def __call__(self, form: Form, field: Field) -> None:
        if field.data is not None and field.data >= today():
            raise ValidationError(self.message)


class NotFutureDate:
    """Today or earlier (``not_future: true``)."""

    def __init__(self, question: Question) -> None:
        self.message = message(question, "not_future")

    def __call__(self, form: Form, field: Field) -> None:
        if field.data is not None and field.data > today():
            raise ValidationError(self.message)


class DateOrder:
    """After (or before) the answer to another date question, on this page or an earlier one.

    If the other date is unanswered or itself wrong there is nothing to compare, so this
    passes: the other question reports its own error.
    """

    def __init__(self, question: Question, rule: str, other: Question) -> None:
        comparison = getattr(question, rule)
        self.rule = rule
        self.other_id = other.id
        self.message = comparison.message or message(question, rule, other=other.name)

    def __call__(self, form: Form, field: Field) -> None:
        other = other_date(form, self.other_id)
        if field.data is None or other is None:
            return
        if self.rule == "after" and not field.data > other:
            raise ValidationError(self.message)
        if self.rule == "before" and not field.data < other:
            raise ValidationError(self.message)


def other_date(form: Form, question_id: str) -> date | None:
    """Another date answer: the field on this page if there is one, else the stored answer."""
    if question_id in form._fields:
        other = form[question_id]
        if other.errors:
            return None
        return other.data if isinstance(other.data, date) else None
    stored = getattr(form, "_answers", {}).get(question_id)
    if isinstance(stored, str):
        try:
            return date.fromisoformat(stored)
        except ValueError:
            return None
    return None
