"""The subject's age at the incident, from the referral's answers, checked for consistency.

The referral form (Redbridge Appendix E, DOMAIN.md §4) asks for the date of the incident or
death, the subject's date of birth and the subject's age ("Age in years at the time of the
incident or death"). Which review applies turns on that age:

- a child is a person under 18 (Children Act 1989 s105(1)): a child's case is for a Child
  Safeguarding Practice Review (Working Together to Safeguard Children 2023, chapter 5);
- a Domestic Abuse Related Death Review (formerly a Domestic Homicide Review) is for the
  death of a person aged 16 or over (Domestic Violence, Crime and Victims Act 2004 s9, as
  amended by the Victims and Prisoners Act 2024), so a 16- or 17-year-old is both
  (DOMAIN.md §11).

``age_at_incident(answers)``:

- with a date of birth, the age in whole years on the incident date; with no incident date,
  on the date of the referral, else today (and a warning says which);
- otherwise the age the referral states;
- when both are given and disagree, the date of birth is used and a warning names both.
  The stated age may be a year more than the date of birth gives at the incident (the
  referrer may give the age at the time of referring), or a year less when the age is
  worked out at the referral date for want of an incident date: neither is a disagreement;
- a date of birth after the incident (or after the day the age is worked out on) is
  warned about and not used.

An answer that is missing, empty or "not known" is not known; an answer that cannot be read
(a partial date, an age that is not a whole number) is not known and warned about.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

Basis = Literal["date of birth", "age given", "not known"]

# Answers that mean "not known" (the form may allow it later).
_NOT_KNOWN = {"", "not_known", "not known", "unknown", "none", "n/a"}

CHILD_UNDER = 18  # Children Act 1989 s105(1): "child" means a person under the age of eighteen.
DARDR_FROM = 16  # Domestic Violence, Crime and Victims Act 2004 s9(1): "a person aged 16 or over".


@dataclass(frozen=True)
class SubjectAge:
    """The subject's age in whole years and where it comes from.

    ``years``: the age used (``None`` when not known); ``basis``: "date of birth", "age
    given" or "not known"; ``on``: what the age is worked out for ("the incident", "the
    date of the referral", "today"); ``stated``: the age the referral gives (if readable);
    ``from_date_of_birth``: the age the date of birth gives (if usable); ``warnings``: what
    the panel should check, in sentences.
    """

    years: int | None
    basis: Basis
    warnings: list[str] = field(default_factory=list)
    on: str = "the incident"
    stated: int | None = None
    from_date_of_birth: int | None = None

    @property
    def known(self) -> bool:
        return self.years is not None

    @property
    def is_child(self) -> bool | None:
        """Under 18 (Children Act 1989 s105(1)); ``None`` when the age is not known."""
        return None if self.years is None else self.years < CHILD_UNDER

    @property
    def disagree(self) -> bool:
        """The date of birth and the stated age disagree (see the module's tolerance)."""
        return self.from_date_of_birth is not None and self.stated is not None and not _consistent(
            self.from_date_of_birth, self.stated, self.on
        )

    def candidates(self) -> list[tuple[int, str]]:
        """The ages routing should consider, each with how to say it: the age used, and the
        stated age too when it disagrees with the date of birth (when unsure, consider
        both)."""
        if self.years is None:
            return []
        out = [(self.years, f"the subject was {self.years} {self._at()}")]
        if self.disagree and self.stated is not None and self.stated != self.years:
            out.append(
                (
                    self.stated,
                    f"the referral gives the subject's age as {self.stated} (the date of "
                    f"birth gives {self.years} {self._at()})",
                )
            )
        return out

    def describe(self) -> str:
        """E.g. "17 at the incident (from the date of birth)", or "Not known"."""
        if self.years is None:
            return "Not known"
        source = "from the date of birth" if self.basis == "date of birth" else "as the referral gives it"
        return f"{self.years} {self._at()} ({source})"

    def _at(self) -> str:
        return "at the incident" if self.on == "the incident" else f"on {self.on}"


def _consistent(computed: int, stated: int, on: str) -> bool:
    # At the incident the referrer may give the age at referring (a year more); worked out
    # at the referral or today the age at an earlier incident may be a year less.
    if on == "the incident":
        return stated in (computed, computed + 1)
    return stated in (computed - 1, computed)


def _not_known(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip().lower() in _NOT_KNOWN)


def _date(value: Any) -> date | None:
    """An answer as a date; ``None`` when it cannot be read (caller warns)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _whole_years(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float):
        return int(value) if value.is_integer() and value >= 0 else None
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def years_between(born: date, on: date) -> int:
    """Whole years from ``born`` to ``on``: a year is reached on the birthday itself.

    Someone born on 29 February reaches each year on 1 March in a common year: on
    28 February they have not yet had the birthday (28 Feb comes before 29 Feb).
    """
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _long(d: date) -> str:
    return f"{d.day} {d:%B %Y}"


def age_at_incident(answers: Mapping[str, Any], *, today: date | None = None) -> SubjectAge:
    """The subject's age at the incident from the referral's answers (see the module)."""
    warnings: list[str] = []
    today = today or date.today()

    def read_date(key: str, what: str) -> date | None:
        value = answers.get(key)
        if _not_known(value):
            return None
        parsed = _date(value)
        if parsed is None:
            warnings.append(f"The {what} given (“{value}”) is not a full date, so it is not used.")
        return parsed

    born = read_date("subject_date_of_birth", "date of birth")
    incident = read_date("incident_date", "date of the incident or death")
    referred = read_date("referral_date", "date of the referral")

    stated: int | None = None
    raw_age = answers.get("subject_age")
    if not _not_known(raw_age):
        stated = _whole_years(raw_age)
        if stated is None:
            warnings.append(
                f"The age given (“{raw_age}”) is not a whole number of years, so it is not used."
            )

    from_dob: int | None = None
    on = "the incident"
    if born is not None:
        if incident is not None:
            on_day = incident
        elif referred is not None:
            on_day, on = referred, "the date of the referral"
        else:
            on_day, on = today, "today"
        if born > on_day:
            if incident is not None:
                warnings.append(
                    f"The date of birth ({_long(born)}) is after the date of the incident "
                    f"({_long(incident)}): check both. The date of birth is not used."
                )
            else:
                warnings.append(
                    f"The date of birth ({_long(born)}) is after {on} ({_long(on_day)}): check "
                    "it. The date of birth is not used."
                )
        else:
            from_dob = years_between(born, on_day)
            if incident is None:
                warnings.append(
                    f"No date of the incident is given: the age is worked out from the date "
                    f"of birth on {on} ({_long(on_day)})."
                )

    if from_dob is not None:
        if stated is not None and not _consistent(from_dob, stated, on):
            at = "at the incident" if on == "the incident" else f"on {on}"
            warnings.append(f"The date of birth gives {from_dob} {at}; the referral says {stated}.")
        return SubjectAge(from_dob, "date of birth", warnings, on, stated, from_dob)
    if stated is not None:
        return SubjectAge(stated, "age given", warnings, "the incident", stated, None)
    return SubjectAge(None, "not known", warnings, "the incident", None, None)
