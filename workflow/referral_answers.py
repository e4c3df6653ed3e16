"""Facts read from a referral's answers, whatever version of the form they were given in.

Version 1 of the referral form asked for a date of incident or death and a date of birth
every time; version 2 lets the referrer say what is not known: the incident happened over
a period (``incident_period_from`` / ``incident_period_to``) or when is not known
(``incident_date_known: not_known``); the date of birth is not known and an age or an
approximate age ("about 80") is given instead (``subject_age``, free text). Letters, the
annual review and anything else that reads these answers goes through here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from workflow.subject_age import years_between

__all__ = ["iso_date", "incident_day", "incident_text", "given_age", "years_between"]

NOT_KNOWN = "Not known"


def iso_date(value: Any) -> date | None:
    """A stored answer ``YYYY-MM-DD`` (or a date) as a date; None when absent or not one."""
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _written(d: date) -> str:
    return f"{d.day} {d:%B %Y}"


def incident_day(answers: Mapping[str, Any]) -> date | None:
    """The day of the incident or death: the date given, else the end of the period given
    (the latest the incident can have happened), else None (not known, or not answered)."""
    exact = iso_date(answers.get("incident_date"))
    if exact is not None:
        return exact
    return iso_date(answers.get("incident_period_to"))


def incident_text(answers: Mapping[str, Any]) -> str:
    """When the incident or death happened, as people read it: "3 March 2026",
    "Between 1 January 2026 and 31 March 2026", "Not known"; "" when not answered."""
    exact = iso_date(answers.get("incident_date"))
    if exact is not None:
        return _written(exact)
    start = iso_date(answers.get("incident_period_from"))
    end = iso_date(answers.get("incident_period_to"))
    if start and end:
        return f"Between {_written(start)} and {_written(end)}"
    if start or end:
        return f"{'From' if start else 'Up to'} {_written(start or end)}"  # type: ignore[arg-type]
    if answers.get("incident_date_known") == "not_known":
        return NOT_KNOWN
    return ""


def given_age(answers: Mapping[str, Any]) -> int | None:
    """The age the referrer gave instead of a date of birth, in whole years: 80 for "80",
    "about 80" or "80s"; None when none was given or it holds no number."""
    given = answers.get("subject_age")
    if isinstance(given, bool):
        return None
    if isinstance(given, int | float):
        return int(given)
    if isinstance(given, str):
        found = re.search(r"\d+", given)
        if found:
            return int(found.group(0))
    return None


