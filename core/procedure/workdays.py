"""Working days in Vietnam: Monday to Friday, minus public holidays (Tết, Hùng Kings' day,
30/4, 1/5, 2/9...) and their substitute days off, plus the Saturdays worked in exchange.

Holidays come from the maintained `holidays` library, not from a typed list, so a new
year's Tết needs no code change.
"""
from __future__ import annotations

import calendar
from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _year_calendar(year: int) -> tuple[frozenset[date], frozenset[date]]:
    """(days off, weekend days worked) for one year."""
    vn = holidays.country_holidays("VN", years=year)
    return frozenset(vn.keys()), frozenset(d for d in getattr(vn, "weekend_workdays", ()) if d.year == year)


def is_working_day(day: date) -> bool:
    """True when `day` is a working day in Vietnam."""
    days_off, weekend_worked = _year_calendar(day.year)
    if day in weekend_worked:
        return True
    return day.weekday() < 5 and day not in days_off


def add_working_days(start: date, count: int) -> date:
    """The date `count` working days after `start` (the start day itself is not counted).

    "Within 60 working days of the resolution" means on or before add_working_days(resolution, 60).
    """
    if count < 0:
        raise ValueError("count must not be negative")
    day = start
    remaining = count
    while remaining:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (negative when end < start)."""
    if end < start:
        return -working_days_between(end, start)
    return sum(1 for n in range(1, (end - start).days + 1) if is_working_day(start + timedelta(days=n)))


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's end (31/01 + 1 month = 28 or 29/02)."""
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: date, years: int) -> date:
    """The same day `years` later; 29/02 becomes 28/02 in a common year."""
    return add_months(day, 12 * years)


def full_months_between(start: date, end: date) -> int:
    """Whole months from `start` to `end`: the largest m with add_months(start, m) <= end.

    A period ending on a day the month lacks ends on the month's last day, so someone born
    on 29/02/2008 is a full 18 years (216 months) old on 28/02/2026.
    """
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if add_months(start, months) > end:
        months -= 1
    return months
