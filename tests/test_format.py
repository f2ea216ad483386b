"""Numbers, percentages and dates written the Vietnamese way (core.format)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.format import (
    fmt_date,
    fmt_days_left,
    fmt_long_date,
    fmt_number,
    fmt_percent,
    fmt_progress,
    md_escape,
    parse_date,
    parse_number,
)


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (0, 0, "0"),
        (999, 0, "999"),
        (4850, 0, "4.850"),
        (4850.0, 0, "4.850"),
        (1234567, 0, "1.234.567"),
        (1000000000, 0, "1.000.000.000"),
        (3.05, 2, "3,05"),
        (1234.5, 1, "1.234,5"),
        (146, 2, "146,00"),
        (-4850, 0, "-4.850"),
        (-1234567, 0, "-1.234.567"),
        (-1234.5, 1, "-1.234,5"),
    ],
)
def test_fmt_number_groups_thousands_with_dot_and_decimals_with_comma(value, decimals, expected):
    assert fmt_number(value, decimals) == expected


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        # Half-up on the number as written, not on its binary approximation:
        # the float 102.05 is 102.04999..., yet a person reading "102,05" expects "102,1".
        (102.05, 1, "102,1"),
        (102.04, 1, "102,0"),
        # 2.675 is 2.67499999... in binary; written as 2,675 it rounds half up to 2,68.
        (2.675, 2, "2,68"),
        (1.005, 2, "1,01"),
        (0.5, 0, "1"),
        (2.5, 0, "3"),
        (0.49, 0, "0"),
        # Rounding can carry into a new thousands group.
        (999.5, 0, "1.000"),
        (9999.96, 1, "10.000,0"),
        # A tiny negative that rounds to zero has no minus sign.
        (-0.04, 1, "0,0"),
    ],
)
def test_fmt_number_rounds_half_up(value, decimals, expected):
    assert fmt_number(value, decimals) == expected


def test_fmt_number_and_percent_accept_numpy_values_from_dataframes():
    assert fmt_number(np.int64(4850)) == "4.850"
    assert fmt_number(np.float64(3.05), 2) == "3,05"
    assert fmt_percent(np.float64(102.0689)) == "102,1%"
    assert fmt_percent(np.float64("nan")) == "–"


@pytest.mark.parametrize("missing", [None, float("nan"), pd.NA])
def test_fmt_number_shows_a_dash_for_no_figure(missing):
    assert fmt_number(missing) == "–"


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (102.0689, 1, "102,1%"),  # 148/145 of the plan, Kim Bảng 2023
        (100.0, 1, "100%"),  # "đạt 100% kế hoạch", never "100,0%"
        (99.96, 1, "100%"),  # rounds up to a whole hundred
        (3.05, 2, "3,05%"),
        (3.0, 2, "3%"),
        (3.4, 1, "3,4%"),
        (0, 1, "0%"),
        (1234.56, 1, "1.234,6%"),
    ],
)
def test_fmt_percent(value, decimals, expected):
    assert fmt_percent(value, decimals) == expected


@pytest.mark.parametrize("missing", [None, float("nan")])
def test_fmt_percent_shows_a_dash_for_no_figure(missing):
    assert fmt_percent(missing) == "–"


def test_fmt_date_is_day_month_year_with_leading_zeros():
    assert fmt_date(date(2024, 1, 19)) == "19/01/2024"
    assert fmt_date(date(2025, 7, 1)) == "01/07/2025"
    assert fmt_date(date(202, 1, 5)) == "05/01/0202"  # a mistyped year is shown as typed
    assert fmt_date(None) == "–"


def test_fmt_long_date_as_in_a_party_document_heading():
    assert fmt_long_date(date(2024, 1, 19), "Kim Bảng") == "Kim Bảng, ngày 19 tháng 01 năm 2024"
    assert fmt_long_date(date(2024, 2, 3), "Hà Nam") == "Hà Nam, ngày 03 tháng 02 năm 2024"


@pytest.mark.parametrize(
    ("admitted", "target", "expected"),
    [
        (148, 145, "148/145, đạt 102,1% kế hoạch"),  # 100 * 148 / 145 = 102,068...
        (5, 5, "5/5, đạt 100% kế hoạch"),
        (4850, 5000, "4.850/5.000, đạt 97% kế hoạch"),
        (1, 3, "1/3, đạt 33,3% kế hoạch"),
        (2, 3, "2/3, đạt 66,7% kế hoạch"),
        (0, 12, "0/12, đạt 0% kế hoạch"),
    ],
)
def test_fmt_progress(admitted, target, expected):
    assert fmt_progress(admitted, target) == expected


def test_fmt_progress_without_target_shows_only_the_count():
    assert fmt_progress(1234, 0) == "1.234 (chưa giao chỉ tiêu)"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("19/01/2024", date(2024, 1, 19)),
        ("2024-01-19", date(2024, 1, 19)),
        (" 19/01/2024 ", date(2024, 1, 19)),
        ("1/2/2024", date(2024, 2, 1)),
        ("29/02/2024", date(2024, 2, 29)),
    ],
)
def test_parse_date_reads_vietnamese_and_iso_dates(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["31/02/2024", "29/02/2023", "abc", "19/13/2024", "19/01", "", "2024-02-30"])
def test_parse_date_refuses_impossible_dates_in_vietnamese(text):
    with pytest.raises(ValueError) as excinfo:
        parse_date(text)
    message = str(excinfo.value)
    assert message.startswith("Ngày không hợp lệ: «")
    assert f"«{text.strip()}»" in message
    assert "ngày/tháng/năm" in message


@given(st.integers(min_value=-(10**12) + 1, max_value=10**12 - 1))
def test_fmt_number_only_adds_thousands_dots(n):
    text = fmt_number(n)
    assert text.replace(".", "") == str(n)
    # Groups after the first are exactly three digits.
    groups = text.lstrip("-").split(".")
    assert 1 <= len(groups[0]) <= 3
    assert all(len(g) == 3 for g in groups[1:])


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1.000", 1000), ("4.850", 4850), ("1.234.567", 1234567), ("12", 12), ("0", 0), (" 145 ", 145),
     ("1,5", Decimal("1.5")), ("3,05", Decimal("3.05")), ("1.000,5", Decimal("1000.5")), ("-3", -3), ("−3", -3),
     ("+7", 7)],
)
def test_parse_number_reads_vietnamese_numbers(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize("text", ["1.5", "1,000.5", "1.00", "10.00.000", "1..000", "abc", "", "  ", "--3", "1,",
                                  ",5", "1 000", "1e3", "None", "NaN"])
def test_parse_number_refuses_what_is_no_vietnamese_number(text):
    with pytest.raises(ValueError) as excinfo:
        parse_number(text)
    assert str(excinfo.value).startswith(f"«{text.strip()}» không phải là số (hàng nghìn ngăn bằng dấu chấm")


@given(st.integers(min_value=-(10**12), max_value=10**12), st.integers(min_value=0, max_value=3))
def test_parse_number_reads_back_what_fmt_number_writes(n, decimals):
    value = Decimal(n).scaleb(-decimals)
    assert parse_number(fmt_number(value, decimals)) == value


def test_md_escape_shows_names_literally():
    assert md_escape("Chi bộ *A* [x](y) #1") == "Chi bộ \\*A\\* \\[x\\]\\(y\\) \\#1"
    assert md_escape("Đảng bộ xã Thanh Sơn") == "Đảng bộ xã Thanh Sơn"


def test_days_to_a_deadline_read_in_words():
    assert [fmt_days_left(d) for d in (5, 1, 0, -1, -1644)] == [
        "còn 5 ngày", "còn 1 ngày", "đến hạn hôm nay", "quá hạn 1 ngày", "quá hạn 1.644 ngày"]


def test_a_deadline_in_working_days_says_so():
    assert [fmt_days_left(d, working=True) for d in (5, 0, -12, -1644)] == [
        "còn 5 ngày làm việc", "đến hạn hôm nay", "quá hạn 12 ngày làm việc", "quá hạn 1.644 ngày làm việc"]
