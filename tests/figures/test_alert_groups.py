"""The alerts page's reading of the alerts, without a database: one group per organization in
the order given, whole sentences for the candidates' deadlines in words, the candidates a
clock alert concerns, and a long list that says which part of it is on screen."""
from __future__ import annotations

from datetime import date

import pandas as pd

from core.figures.alerts import (
    Alert,
    AlertGroup,
    candidates_concerned,
    due_by_candidate,
    group_alerts,
    make_alert,
)
from core.format import fmt_showing

CLOCK_COLUMNS = ["candidate_id", "full_name", "org_code", "org_name", "stage", "clock", "due", "state", "days_left",
                 "working_days"]


def clocks(*rows) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=CLOCK_COLUMNS)


def test_alerts_are_grouped_per_organization_in_the_order_given_each_worst_first():
    alerts = [
        Alert("clock_overdue", "A-1", "Chi bộ thôn Đông", "Đông có 1 hồ sơ quá hạn.", clock="decision"),
        Alert("no_admission_years", "A-1", "Chi bộ thôn Đông", "Đông chưa kết nạp 3 năm liền."),
        Alert("behind_pace", "B-4", "Chi bộ tổ dân phố số 4", "Số 4 (B) chậm."),
        # Two chi bộ of different communes with the same name stay two groups.
        Alert("no_source", "C-4", "Chi bộ tổ dân phố số 4", "Số 4 (C) chưa có nguồn."),
        Alert("clock_due_soon", "A-1", "Chi bộ thôn Đông", "Đông có 1 hồ sơ sắp đến hạn.", clock="ceremony"),
    ]
    groups = group_alerts(alerts)
    assert [g.org_code for g in groups] == ["A-1", "B-4", "C-4"]
    assert [a.kind for a in groups[0].alerts] == ["clock_overdue", "no_admission_years", "clock_due_soon"]
    assert groups[0].summary == "3 cảnh báo: Quá hạn thủ tục, Nhiều năm không kết nạp, Sắp đến hạn thủ tục"
    assert groups[1] == AlertGroup("B-4", "Chi bộ tổ dân phố số 4", (alerts[2],))
    assert group_alerts([]) == []


def test_a_long_list_says_which_part_is_on_screen():
    assert fmt_showing(20, 156, "tổ chức") == "Đang hiện 1–20 trong 156 tổ chức."
    assert fmt_showing(12, 12, "tổ chức") == "Đang hiện cả 12 tổ chức."
    assert fmt_showing(1200, 1500, "người") == "Đang hiện 1–1.200 trong 1.500 người."


def test_each_candidate_reads_its_deadlines_in_whole_sentences_never_a_negative_number():
    frame = clocks(
        [1024, "Lê Văn Nam", "T-3", "Chi bộ thôn Thái Lộc", "class_done", "stuck", date(2022, 6, 1), "overdue", -1644,
         False],
        [616, "Lương Đức Dũng", "P-4", "Chi bộ Phòng Kinh doanh", "admitted", "recognition_review",
         date(2023, 3, 10), "overdue", -933, True],
        [1024, "Lê Văn Nam", "T-3", "Chi bộ thôn Thái Lộc", "class_done", "certificate_expiry", date(2026, 12, 3),
         "due_soon", 2, False],
        [7, "Trần Thị Hoa", "T-3", "Chi bộ thôn Thái Lộc", "branch_resolution", "decision", date(2026, 12, 8),
         "due_soon", 5, True],
    )
    due = due_by_candidate(frame)
    assert [(d.candidate_id, d.full_name, d.org_name) for d in due] == [
        (1024, "Lê Văn Nam", "Chi bộ thôn Thái Lộc"), (616, "Lương Đức Dũng", "Chi bộ Phòng Kinh doanh"),
        (7, "Trần Thị Hoa", "Chi bộ thôn Thái Lộc")]
    assert due[0].lines == (
        ("overdue", "Dừng lâu ở một bước: hạn 01/06/2022, quá hạn 1.644 ngày."),
        ("due_soon", "Giấy chứng nhận lớp nhận thức về Đảng hết hạn: hạn 03/12/2026, còn 2 ngày."),
    )
    assert due[1].lines == (("overdue", "Chi bộ xét công nhận chính thức (sau khi hết dự bị): hạn 10/03/2023, "
                                        "quá hạn 933 ngày làm việc."),)
    assert due[2].lines[0][1].endswith("hạn 08/12/2026, còn 5 ngày làm việc.")
    assert not any("-" in line for d in due for _state, line in d.lines)
    assert due_by_candidate(clocks()) == []


def test_a_clock_alert_concerns_the_candidates_it_counts_and_an_organizations_alert_none():
    frame = clocks(
        [1, "Lê Văn Nam", "A-1", "Đông", "admitted", "recognition_review", date(2026, 1, 5), "overdue", -220, True],
        [2, "Phạm Thị Ngân", "A-1", "Đông", "admitted", "recognition_review", date(2026, 12, 20), "due_soon", 13, True],
        [3, "Đinh Tiến Dũng", "B-4", "Số 4", "admitted", "recognition_review", date(2026, 1, 5), "overdue", -220, True],
        [4, "Vũ Thị Hà", "A-1", "Đông", "outstanding", "turns_18", date(2026, 12, 14), "due_soon", 13, False],
    )
    overdue = Alert("clock_overdue", "A-1", "Đông", "Đông có 1 hồ sơ quá hạn.", clock="recognition_review")
    assert candidates_concerned(frame, overdue) == [(1, "Lê Văn Nam – quá hạn 220 ngày làm việc")]
    soon = Alert("clock_due_soon", "A-1", "Đông", "Đông có 1 hồ sơ sắp đến hạn.", clock="turns_18")
    assert candidates_concerned(frame, soon) == [(4, "Vũ Thị Hà – còn 13 ngày")]
    assert candidates_concerned(frame, Alert("behind_pace", "A-1", "Đông", "Đông chậm.")) == []
    assert candidates_concerned(clocks(), overdue) == []  # no names for this reader: the branch page only


def test_an_alert_says_it_with_the_organizations_name_and_without_it_under_its_heading():
    alert = make_alert("no_admission_years", "A-1", "Chi bộ thôn Đông", years=4)
    assert alert.message == "Chi bộ thôn Đông chưa kết nạp được đảng viên nào trong 4 năm liền."
    assert alert.detail == "Chưa kết nạp được đảng viên nào trong 4 năm liền."
    clock = make_alert("clock_overdue", "A-1", "Chi bộ thôn Đông", count=2, clock="decision",
                       clock_label="Ra quyết định kết nạp (tính từ nghị quyết chi bộ)")
    assert (clock.count, clock.clock) == (2, "decision")
    assert clock.message == "Chi bộ thôn Đông có 2 hồ sơ quá hạn: Ra quyết định kết nạp (tính từ nghị quyết chi bộ)."
    assert clock.detail == "Có 2 hồ sơ quá hạn: Ra quyết định kết nạp (tính từ nghị quyết chi bộ)."
