"""Working days: Monday to Friday, less England & Wales bank holidays.

Every deadline in the product goes through this module. Bank holidays come from the
``holidays`` package (``GB``, subdivision ``ENG``: England and Wales share their bank
holidays), never from a table kept by hand; substitute days for holidays that fall at
a weekend are included by the package.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

LONDON = ZoneInfo("Europe/London")


def local_date(value: datetime | date | None) -> date | None:
    """The day in England of a stored time (naive times are UTC); a date is itself."""
    if value is None or not isinstance(value, datetime):
        return value
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(LONDON).date()


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_bank_holiday(day: date) -> bool:
    return day in _bank_holidays(day.year)


def bank_holiday_name(day: date) -> str | None:
    return holidays.country_holidays("GB", subdiv="ENG", years=day.year).get(day)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and not is_bank_holiday(day)


def add_working_days(start: date, days: int) -> date:
    """The date ``days`` working days after ``start`` (before it, if negative).

    Day 0 is ``start`` itself. "Within 10 working days of 1 December" is
    ``add_working_days(date(…, 12, 1), 10)``: the day the tenth working day after it ends.
    """
    step = 1 if days >= 0 else -1
    remaining = abs(days)
    current = start
    while remaining:
        current += timedelta(days=step)
        if is_working_day(current):
            remaining -= 1
    return current


def working_days_between(start: date, end: date) -> int:
    """How many working days come after ``start`` up to and including ``end``.

    Negative when ``end`` is before ``start``. ``add_working_days(s, n)`` gives back an
    ``end`` for which this returns ``n``.
    """
    if end < start:
        return -working_days_between(end, start)
    count = 0
    current = start
    while current < end:
        current += timedelta(days=1)
        if is_working_day(current):
            count += 1
    return count


def working_days_before(day: date, days: int) -> date:
    """The date ``days`` working days before ``day`` (e.g. papers 5 working days before)."""
    return add_working_days(day, -days)
