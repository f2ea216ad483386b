"""Vietnamese working days and calendar-month arithmetic, checked against a paper calendar (core.procedure.workdays)."""
from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.procedure.workdays import (
    add_months,
    add_working_days,
    add_years,
    full_months_between,
    is_working_day,
    working_days_between,
)

# Calendar notes used below (2024 is a leap year; 01/01/2024 was a Monday):
# - Tết Giáp Thìn: days off Thursday 08/02 to Wednesday 14/02/2024 (29 Tết to mùng 5), no make-up day.
# - Hùng Kings' day: Thursday 18/04/2024.
# - 30/4 and 1/5: Saturday 27/04 to Wednesday 01/05/2024 off, Monday 29/04 swapped with
#   Saturday 04/05/2024, which was worked.
# - National day: Monday 02/09 and Tuesday 03/09/2024.
# - 2025: 01/01/2025 was a Wednesday; Hùng Kings' day Monday 07/04/2025; Friday 02/05/2025 off,
#   swapped with Saturday 26/04/2025, which was worked.


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2024, 1, 19), True),  # Friday, ordinary
        (date(2024, 1, 20), False),  # Saturday
        (date(2024, 1, 21), False),  # Sunday
        (date(2024, 1, 1), False),  # New Year, a Monday
        (date(2024, 2, 7), True),  # Wednesday before Tết
        (date(2024, 2, 8), False),  # Thursday, 29 Tết, first day off
        (date(2024, 2, 9), False),  # Friday, New Year's Eve
        (date(2024, 2, 12), False),  # Monday inside Tết
        (date(2024, 2, 14), False),  # Wednesday, mùng 5, last day off
        (date(2024, 2, 15), True),  # Thursday, back to work
        (date(2024, 4, 18), False),  # Hùng Kings' day, Thursday
        (date(2024, 4, 29), False),  # Monday swapped off for Saturday 04/05
        (date(2024, 4, 30), False),  # Reunification day, Tuesday
        (date(2024, 5, 1), False),  # Labour day, Wednesday
        (date(2024, 5, 4), True),  # Saturday worked in exchange for 29/04
        (date(2024, 5, 11), False),  # an ordinary Saturday a week later
        (date(2024, 9, 2), False),  # National day, Monday
        (date(2024, 9, 3), False),  # second day of National day, Tuesday
        (date(2024, 9, 4), True),  # Wednesday after
        (date(2025, 4, 7), False),  # Hùng Kings' day 2025, Monday
        (date(2025, 4, 26), True),  # Saturday worked in exchange for Friday 02/05/2025
        (date(2025, 5, 2), False),  # Friday off after 1/5
    ],
)
def test_is_working_day(day, expected):
    assert is_working_day(day) is expected


def test_add_working_days_skips_tet_2024():
    # Monday 05/02 + 5: Tue 06/02 (1), Wed 07/02 (2), Tết 08–14/02 off, Thu 15/02 (3),
    # Fri 16/02 (4), weekend 17–18/02, Mon 19/02 (5).
    assert add_working_days(date(2024, 2, 5), 5) == date(2024, 2, 19)


def test_add_working_days_counts_the_worked_saturday():
    # Friday 26/04 + 3: 27/04–01/05 off (weekend, swapped Monday, 30/4, 1/5),
    # Thu 02/05 (1), Fri 03/05 (2), Sat 04/05 worked (3).
    assert add_working_days(date(2024, 4, 26), 3) == date(2024, 5, 4)
    # + 4: Sunday 05/05 off, Monday 06/05 (4).
    assert add_working_days(date(2024, 4, 26), 4) == date(2024, 5, 6)


def test_add_working_days_from_a_weekend_counts_from_monday():
    # Saturday 20/01/2024 + 1: Sunday off, Monday 22/01 (1).
    assert add_working_days(date(2024, 1, 20), 1) == date(2024, 1, 22)


def test_add_zero_working_days_is_the_same_day_even_on_a_holiday():
    assert add_working_days(date(2024, 1, 19), 0) == date(2024, 1, 19)
    assert add_working_days(date(2024, 2, 10), 0) == date(2024, 2, 10)


def test_a_negative_count_of_working_days_is_refused():
    with pytest.raises(ValueError):
        add_working_days(date(2024, 1, 19), -1)


def test_working_days_between():
    # Same reckoning as test_add_working_days_skips_tet_2024: 5 working days.
    assert working_days_between(date(2024, 2, 5), date(2024, 2, 19)) == 5
    assert working_days_between(date(2024, 2, 19), date(2024, 2, 5)) == -5
    assert working_days_between(date(2024, 2, 5), date(2024, 2, 5)) == 0
    # Tết alone (Thu 08/02 to Wed 14/02) holds no working day.
    assert working_days_between(date(2024, 2, 7), date(2024, 2, 14)) == 0
    # Fri 26/04 to Mon 06/05: Thu 02/05, Fri 03/05, Sat 04/05, Mon 06/05.
    assert working_days_between(date(2024, 4, 26), date(2024, 5, 6)) == 4
    # Mon 01/01/2024 (New Year) to Wed 31/01: 23 weekdays after the 1st, minus none = 22.
    assert working_days_between(date(2024, 1, 1), date(2024, 1, 31)) == 22


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2024, 1, 15), 1, date(2024, 2, 15)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # leap year: 29 days in February
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 12, 31), 2, date(2025, 2, 28)),
        (date(2024, 3, 31), 1, date(2024, 4, 30)),
        (date(2024, 11, 30), 3, date(2025, 2, 28)),
        (date(2024, 1, 31), -1, date(2023, 12, 31)),
        (date(2024, 3, 31), -1, date(2024, 2, 29)),
        (date(2024, 8, 15), -6, date(2024, 2, 15)),
        (date(2024, 1, 19), 0, date(2024, 1, 19)),
    ],
)
def test_add_months_clamps_to_the_month_end(day, months, expected):
    assert add_months(day, months) == expected


def test_add_years_on_a_leap_day():
    assert add_years(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)
    assert add_years(date(2008, 2, 29), 18) == date(2026, 2, 28)
    assert add_years(date(2006, 3, 11), 18) == date(2024, 3, 11)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        # Born 29/02/2008: 18 years later ends on 28/02/2026 (2026 has no 29/02).
        (date(2008, 2, 29), date(2026, 2, 28), 216),
        (date(2008, 2, 29), date(2026, 2, 27), 215),
        (date(2000, 3, 15), date(2018, 3, 14), 215),
        (date(2000, 3, 15), date(2018, 3, 15), 216),
        (date(2024, 1, 31), date(2024, 2, 29), 1),
        (date(2024, 1, 31), date(2024, 2, 28), 0),
        (date(2024, 1, 19), date(2024, 1, 19), 0),
        (date(2024, 1, 19), date(2024, 1, 18), -1),
    ],
)
def test_full_months_between(start, end, expected):
    assert full_months_between(start, end) == expected


dates_2020s = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))


@given(dates_2020s, st.integers(min_value=0, max_value=200))
def test_add_working_days_and_working_days_between_agree(day, count):
    end = add_working_days(day, count)
    if count > 0:
        assert is_working_day(end)
        assert end > day
    assert working_days_between(day, end) == count


@given(dates_2020s, st.integers(min_value=0, max_value=800))
def test_full_months_between_undoes_add_months(day, months):
    assert full_months_between(day, add_months(day, months)) == months


# The admin's changes (core.procedure.workdays.WorkCalendar). By the paper calendar: from Wednesday
# 01/10/2025, 60 working days are October 2–31 (22), November (20: 42), December 1–19 (57), then
# 22, 23, 24/12: the 60th is Wednesday 24/12/2025 (no holiday in between).
def test_a_day_off_added_inside_a_period_moves_its_end_by_one_working_day():
    from core.procedure.workdays import WorkCalendar
    assert add_working_days(date(2025, 10, 1), 60) == date(2025, 12, 24)
    with_24_11 = WorkCalendar.of(days_off=[date(2025, 11, 24)])  # Monday, Ngày Văn hóa Việt Nam
    assert not is_working_day(date(2025, 11, 24), with_24_11)
    assert add_working_days(date(2025, 10, 1), 60, with_24_11) == date(2025, 12, 25)


def test_a_saturday_worked_in_a_swap_counts_as_a_working_day():
    from core.procedure.workdays import WorkCalendar
    swap = WorkCalendar.of(days_worked=[date(2025, 11, 22)])
    assert is_working_day(date(2025, 11, 22), swap) and not is_working_day(date(2025, 11, 22))
    assert add_working_days(date(2025, 10, 1), 60, swap) == date(2025, 12, 23)
    assert working_days_between(date(2025, 11, 21), date(2025, 11, 24), swap) == 2  # Saturday and Monday


def test_a_holiday_of_the_library_taken_away_is_a_working_day_again():
    from core.procedure.workdays import WorkCalendar
    assert not is_working_day(date(2025, 9, 2))  # Quốc khánh, by the library
    assert is_working_day(date(2025, 9, 2), WorkCalendar.of(days_worked=[date(2025, 9, 2)]))


def test_the_installed_calendar_is_used_by_the_two_argument_calls_and_only_inside_its_block():
    from core.procedure.workdays import WorkCalendar, use_calendar
    with use_calendar(WorkCalendar.of(days_off=[date(2025, 11, 24)])):
        assert add_working_days(date(2025, 10, 1), 60) == date(2025, 12, 25)
        assert working_days_between(date(2025, 11, 21), date(2025, 11, 24)) == 0
    assert add_working_days(date(2025, 10, 1), 60) == date(2025, 12, 24)
