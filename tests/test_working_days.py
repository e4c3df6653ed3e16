"""Working days skip weekends and England & Wales bank holidays (from the holidays package)."""

from __future__ import annotations

from datetime import date

import pytest

from workflow.working_days import (
    add_working_days,
    bank_holiday_name,
    is_working_day,
    working_days_before,
    working_days_between,
)


def test_christmas_and_new_year_2026_are_skipped() -> None:
    # 25 Dec 2026 is a Friday; Boxing Day falls on a Saturday, so Monday 28 is the
    # substitute bank holiday; 1 Jan 2027 is a Friday.
    assert bank_holiday_name(date(2026, 12, 28)) == "Boxing Day (observed)"
    assert add_working_days(date(2026, 12, 23), 1) == date(2026, 12, 24)
    assert add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 29)
    # A 10-working-day screening request sent on 21 December 2026.
    assert add_working_days(date(2026, 12, 21), 10) == date(2027, 1, 7)


def test_easter_2027_good_friday_and_easter_monday_are_skipped() -> None:
    assert not is_working_day(date(2027, 3, 26))  # Good Friday
    assert not is_working_day(date(2027, 3, 29))  # Easter Monday
    assert add_working_days(date(2027, 3, 25), 1) == date(2027, 3, 30)
    assert add_working_days(date(2027, 3, 24), 5) == date(2027, 4, 2)


def test_weekend_start_counts_from_monday() -> None:
    assert add_working_days(date(2026, 11, 21), 1) == date(2026, 11, 23)  # Saturday -> Monday


def test_papers_five_working_days_before_a_meeting_after_easter() -> None:
    # Meeting Thursday 1 April 2027: 5 working days back skips Easter Monday and Good Friday.
    assert working_days_before(date(2027, 4, 1), 5) == date(2027, 3, 23)


@pytest.mark.parametrize(
    "start,days", [(date(2026, 12, 18), 15), (date(2027, 3, 20), 13), (date(2026, 5, 1), 5)]
)
def test_counting_is_the_inverse_of_adding(start: date, days: int) -> None:
    end = add_working_days(start, days)
    assert working_days_between(start, end) == days
    assert working_days_between(end, start) == -days


def test_scottish_holidays_are_not_used() -> None:
    # 2 January is a bank holiday in Scotland only.
    assert is_working_day(date(2026, 1, 2))
