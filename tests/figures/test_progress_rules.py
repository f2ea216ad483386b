"""The pure parts of progress against the plan: period, expected pace, status and band (core.figures.progress)."""
from __future__ import annotations

from datetime import date

import pytest

from core.config import RuleSettings
from core.figures.progress import (
    STATUS_RANK,
    STATUSES,
    Headline,
    Period,
    band_of,
    expected_by,
    expected_count,
    org_status,
    status_reason,
    year_left_text,
)

RULES = RuleSettings()
JAN_AND_JULY = (1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0)


def test_period_within_the_year():
    period = Period(2023, date(2023, 7, 1))
    assert period.start == date(2023, 1, 1)
    assert period.end == date(2023, 7, 1)
    assert period.is_over is False


def test_period_end_is_clamped_to_31_december():
    period = Period(2023, date(2024, 3, 1))
    assert period.start == date(2023, 1, 1)
    assert period.end == date(2023, 12, 31)
    assert period.is_over is True


def test_period_is_over_on_31_december():
    assert Period(2023, date(2023, 12, 31)).is_over is True
    assert Period(2023, date(2023, 12, 30)).is_over is False


# Linear pace


def test_expected_by_year_end_is_the_target():
    assert expected_by(145, Period(2023, date(2023, 12, 31))) == 145.0
    assert expected_by(145, Period(2023, date(2024, 1, 19))) == 145.0


def test_expected_by_linear_mid_year():
    # 01/07/2023 is day 31 + 28 + 31 + 30 + 31 + 30 + 1 = 182 of 365.
    assert expected_by(145, Period(2023, date(2023, 7, 1))) == pytest.approx(145 * 182 / 365)
    assert expected_by(145, Period(2023, date(2023, 7, 1))) == pytest.approx(72.30137, abs=1e-5)


def test_expected_by_linear_counts_the_as_of_day():
    # 01/01 is day 1 of 365.
    assert expected_by(365, Period(2023, date(2023, 1, 1))) == pytest.approx(1.0)


def test_expected_by_linear_in_a_leap_year():
    # 29/02/2024 is day 31 + 29 = 60 of 366.
    assert expected_by(366, Period(2024, date(2024, 2, 29))) == pytest.approx(60.0)


def test_expected_by_before_the_year_is_zero():
    assert expected_by(145, Period(2023, date(2022, 12, 31))) == 0.0


def test_expected_by_without_target_is_zero():
    assert expected_by(0, Period(2023, date(2023, 7, 1))) == 0.0
    assert expected_by(0, Period(2023, date(2023, 12, 31))) == 0.0


# Monthly weights


def test_weights_end_of_january_is_half_the_target():
    assert expected_by(100, Period(2023, date(2023, 1, 31)), JAN_AND_JULY) == pytest.approx(50.0)


def test_weights_months_without_weight_add_nothing():
    assert expected_by(100, Period(2023, date(2023, 3, 15)), JAN_AND_JULY) == pytest.approx(50.0)
    assert expected_by(100, Period(2023, date(2023, 6, 30)), JAN_AND_JULY) == pytest.approx(50.0)


def test_weights_current_month_counts_pro_rata():
    # 15/07: January whole, then 15 of July's 31 days: 62 * (1 + 15/31) / 2 = 31 * 46/31 = 46.
    assert expected_by(62, Period(2023, date(2023, 7, 15)), JAN_AND_JULY) == pytest.approx(46.0)
    # 01/01: 1 of January's 31 days: 62 * (1/31) / 2 = 1.
    assert expected_by(62, Period(2023, date(2023, 1, 1)), JAN_AND_JULY) == pytest.approx(1.0)


def test_weights_in_december():
    # Equal weights, 15/12/2023: 11 whole months + 15/31 of December, of 12: 120 * that / 12.
    assert expected_by(120, Period(2023, date(2023, 12, 15)), (1,) * 12) == pytest.approx(110 + 150 / 31)


def test_weights_year_over_and_before_the_year():
    assert expected_by(62, Period(2023, date(2023, 12, 31)), JAN_AND_JULY) == 62.0
    assert expected_by(62, Period(2023, date(2022, 6, 1)), JAN_AND_JULY) == 0.0


@pytest.mark.parametrize(
    ("expected", "count"),
    [(0.0, 0), (0.49, 0), (0.5, 1), (1.5, 2), (2.5, 3), (72.30137, 72), (72.5, 73), (145.0, 145)],
)
def test_expected_count_rounds_half_up(expected, count):
    assert expected_count(expected) == count


# Status of an organization


@pytest.mark.parametrize(
    ("target", "admitted", "expected", "late", "year_over", "status"),
    [
        (0, 0, 0.0, 0, False, "no_target"),
        (0, 3, 0.0, 0, True, "no_target"),
        (145, 148, 145.0, 0, True, "done"),  # Kim Bảng 2023
        (5, 5, 5.0, 0, True, "done"),
        (10, 10, 4.0, 0, False, "done"),  # done early
        (145, 140, 145.0, 20, True, "missed"),  # year over, short, pipeline no longer helps
        (10, 5, 5.4, 0, False, "on_pace"),  # expects 5 (5,4 rounds down)
        (10, 6, 5.5, 0, False, "on_pace"),  # expects 6 (5,5 rounds up)
        (10, 5, 5.5, 5, False, "behind"),  # expects 6; 5 left, 5 in the late stages
        (10, 5, 5.5, 4, False, "at_risk"),  # expects 6; 5 left, only 4 in the late stages
        (10, 0, 0.4, 0, False, "on_pace"),  # nothing expected yet
        (10, 0, 0.5, 0, False, "at_risk"),
    ],
)
def test_org_status(target, admitted, expected, late, year_over, status):
    assert org_status(target=target, admitted=admitted, expected=expected, late_pipeline=late, year_over=year_over) == status


def test_statuses_are_ranked_worst_first():
    assert set(STATUS_RANK) == set(STATUSES)
    assert sorted(STATUSES, key=STATUS_RANK.get) == ["missed", "at_risk", "behind", "on_pace", "done", "no_target"]


@pytest.mark.parametrize(
    ("percent", "band"),
    [(2.99, "below"), (3.0, "within"), (3.5, "within"), (4.0, "within"), (4.01, "above"), (0.0, "below"), (None, None)],
)
def test_band_of_default_3_to_4_percent(percent, band):
    assert band_of(percent, RULES) == band


def test_band_of_follows_the_settings():
    rules = RuleSettings(band_low_percent=2.0, band_high_percent=2.5)
    assert band_of(2.99, rules) == "above"
    assert band_of(2.0, rules) == "within"
    assert band_of(1.99, rules) == "below"


def test_every_status_says_why_in_words_with_what_is_still_needed():
    """Two organizations at 0/1 on the same day can have different statuses: the reason says
    why (the late pipeline covers the shortfall, or not), how far below the pace, and what is
    still needed in the time left of the year."""
    common = dict(year=2026, end=date(2026, 11, 30), target=1, admitted=0, expected=0.92)
    assert status_reason(status="behind", late_pipeline=1, **common) == (
        "Đã kết nạp 0/1, chậm so với mức 1 dự kiến đến 30/11/2026; cần thêm 1 trong 1 tháng còn lại của năm, "
        "đã có 1 quần chúng hoàn thiện hồ sơ hoặc đang được đề nghị kết nạp (đủ nguồn).")
    assert status_reason(status="at_risk", late_pipeline=0, **common) == (
        "Đã kết nạp 0/1, chậm so với mức 1 dự kiến đến 30/11/2026; cần thêm 1 trong 1 tháng còn lại của năm "
        "nhưng chỉ có 0 quần chúng hoàn thiện hồ sơ hoặc đang được đề nghị kết nạp (chưa đủ nguồn).")
    assert status_reason(status="on_pace", year=2026, end=date(2026, 3, 31), target=1200, admitted=400,
                         expected=295.9, late_pipeline=0) == (
        "Đã kết nạp 400/1.200, đạt mức 296 dự kiến đến 31/03/2026; cần thêm 800 trong 9 tháng còn lại của năm.")
    assert status_reason(status="missed", year=2023, end=date(2023, 12, 31), target=7, admitted=5, expected=7,
                         late_pipeline=2) == "Năm 2023 đã hết: kết nạp 5/7, thiếu 2."
    assert status_reason(status="no_target", late_pipeline=0, **common) == "Chưa giao chỉ tiêu năm 2026."


@pytest.mark.parametrize(("end", "left"), [
    (date(2026, 1, 1), "12 tháng"), (date(2026, 7, 31), "5 tháng"), (date(2026, 11, 30), "1 tháng"),
    (date(2026, 12, 3), "28 ngày"), (date(2026, 12, 15), "16 ngày"), (date(2026, 12, 30), "1 ngày"),
])
def test_what_is_left_of_the_year_reads_in_months_then_days(end, left):
    assert year_left_text(end) == left


def test_done_counts_only_the_children_with_a_target():
    counts = {"done": 5, "on_pace": 1, "behind": 2, "at_risk": 1, "missed": 0, "no_target": 9}
    figures = Headline(code="A", name="A", year=2026, as_of=date(2026, 11, 30), admitted=9, target=10,
                       children_target=10, percent_plan=90.0, members_start=None, percent_members=None, band=None,
                       expected=9.2, status="behind", grassroots_admitting=5, grassroots_total=18,
                       status_counts=counts)
    assert figures.planned_children == 9  # "5/9", not "5/18"
