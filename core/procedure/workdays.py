"""Working days in Vietnam: Monday to Friday, minus public holidays (Tết, Hùng Kings' day,
30/4, 1/5, 2/9...) and their substitute days off, plus the Saturdays worked in exchange, and
the days the admin changed (core.procedure.days_off: a day off added, such as 24/11, or a
working day added when the state announces a swap, or a holiday of the library taken away).

Holidays come from the maintained `holidays` library, not from a typed list, so a new
year's Tết needs no code change.

The admin's changes are an immutable `WorkCalendar`. The functions take one explicitly, or
use the one installed for the current context (`use_calendar`, a ContextVar: each thread and
each Streamlit script run has its own, so two databases read side by side never share one).
Without any, the calendar is the library's alone. So `add_working_days(start, count)` and
`working_days_between(start, end)` stay callable as they always were (core.procedure.clocks).
"""
from __future__ import annotations

import calendar
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _year_calendar(year: int) -> tuple[frozenset[date], frozenset[date]]:
    """(days off, weekend days worked) for one year, as the `holidays` library has them."""
    vn = holidays.country_holidays("VN", years=year)
    return frozenset(vn.keys()), frozenset(d for d in getattr(vn, "weekend_workdays", ()) if d.year == year)


@dataclass(frozen=True)
class WorkCalendar:
    """The admin's changes to the library's calendar: days made days off, days made working days."""

    days_off: frozenset[date] = frozenset()
    days_worked: frozenset[date] = frozenset()

    @classmethod
    def of(cls, *, days_off: Iterable[date] = (), days_worked: Iterable[date] = ()) -> WorkCalendar:
        return cls(frozenset(days_off), frozenset(days_worked))

    def is_working_day(self, day: date) -> bool:
        """True when `day` is a working day: the admin's word first, then the library's."""
        if day in self.days_worked:
            return True
        if day in self.days_off:
            return False
        return library_working_day(day)


LIBRARY_ONLY = WorkCalendar()
_installed: ContextVar[WorkCalendar] = ContextVar("work_calendar", default=LIBRARY_ONLY)


@contextmanager
def use_calendar(work_calendar: WorkCalendar) -> Iterator[WorkCalendar]:
    """Count working days with `work_calendar` inside the block (this context only)."""
    token = _installed.set(work_calendar)
    try:
        yield work_calendar
    finally:
        _installed.reset(token)


def installed_calendar() -> WorkCalendar:
    """The calendar the functions below use when none is passed."""
    return _installed.get()


def library_working_day(day: date) -> bool:
    """True when `day` is a working day by the `holidays` library alone (no admin changes)."""
    days_off, weekend_worked = _year_calendar(day.year)
    if day in weekend_worked:
        return True
    return day.weekday() < 5 and day not in days_off


def is_working_day(day: date, work_calendar: WorkCalendar | None = None) -> bool:
    """True when `day` is a working day in Vietnam (with the installed calendar by default)."""
    return (work_calendar or _installed.get()).is_working_day(day)


def add_working_days(start: date, count: int, work_calendar: WorkCalendar | None = None) -> date:
    """The date `count` working days after `start` (the start day itself is not counted).

    "Within 60 working days of the resolution" means on or before add_working_days(resolution, 60).
    """
    if count < 0:
        raise ValueError("count must not be negative")
    cal = work_calendar or _installed.get()
    day = start
    remaining = count
    while remaining:
        day += timedelta(days=1)
        if cal.is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: date, end: date, work_calendar: WorkCalendar | None = None) -> int:
    """Working days after `start` up to and including `end` (negative when end < start)."""
    cal = work_calendar or _installed.get()
    if end < start:
        return -working_days_between(end, start, cal)
    return sum(1 for n in range(1, (end - start).days + 1) if cal.is_working_day(start + timedelta(days=n)))


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
