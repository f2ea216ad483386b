"""Excel exports read back with openpyxl: the figures, the number and date formats, the frozen
header and filter, text that would be a formula, and who may export what."""
from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
from openpyxl import load_workbook

from core.access.scope import Actor, ScopeError, operator, org_by_code, resolve
from core.config import RuleSettings
from core.office.exports import (
    alerts_workbook,
    candidate_fields,
    candidates_workbook,
    export_file_name,
    plans_workbook,
    progress_workbook,
    template_workbook,
)
from core.office.xlsx import Column, Sheet, workbook_bytes
from core.procedure.stages import Role, Stage
from core.storage.db import session_scope
from tests.factories import add_candidate, add_plan, admitted_on, district

RULES = RuleSettings()


def sheet_rows(data: bytes, index: int = 0) -> list[dict]:
    """The rows of a sheet as {header: cell}."""
    sheet = load_workbook(io.BytesIO(data)).worksheets[index]
    header = [c.value for c in sheet[1]]
    return [dict(zip(header, row)) for row in sheet.iter_rows(min_row=2)]


def actor_for(session, role: Role, code: str) -> Actor:
    return Actor(username=f"{role.value}-{code}", role=role, root_path=org_by_code(session, code).path)


def test_text_that_looks_like_a_formula_stays_text():
    risky = ["=HYPERLINK(\"http://x\",\"bấm\")", "+84912345678", "-1+2", "@SUM(A1)", "Nguyễn Văn A"]
    data = workbook_bytes([Sheet("T", [Column("Họ và tên")], [[text] for text in risky])])
    sheet = load_workbook(io.BytesIO(data)).active
    cells = [sheet.cell(row=r, column=1) for r in range(2, 7)]
    assert [c.value for c in cells] == risky
    assert all(c.data_type == "s" for c in cells)  # never a formula
    assert [c.quotePrefix for c in cells] == [True, True, True, True, False]
    assert b"<f>" not in _sheet_xml(data)


def _sheet_xml(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("xl/worksheets/sheet1.xml")


def test_numbers_and_dates_stay_numbers_and_dates_with_vietnamese_headers():
    columns = [Column("Tổ chức"), Column("Kết nạp", "int"), Column("% kế hoạch", "percent"),
               Column("Ngày", "date"), Column("Nữ", "bool")]
    data = workbook_bytes([Sheet("Tiến độ", columns, [["Huyện ủy Kim Bảng", 4850, 102.0689, date(2024, 1, 19), True],
                                                       ["Chi bộ A", None, None, None, False]])])
    sheet = load_workbook(io.BytesIO(data)).active
    assert [c.value for c in sheet[1]] == ["Tổ chức", "Kết nạp", "% kế hoạch", "Ngày", "Nữ"]
    name, admitted, percent, day, female = sheet[2]
    assert admitted.value == 4850 and admitted.number_format == "#,##0"
    assert percent.value == pytest.approx(1.020689) and percent.number_format == "0.0%"
    assert day.value.date() == date(2024, 1, 19) and day.number_format == "dd/mm/yyyy"
    assert female.value == "Có" and sheet["E3"].value == "Không"
    assert sheet["B3"].value is None  # an empty figure is an empty cell, not "–"
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:E3"
    assert sheet.column_dimensions["A"].width >= len("Huyện ủy Kim Bảng")
    assert sheet.column_dimensions["B"].width >= len("Kết nạp")


def test_progress_export_of_kim_bang_2023(demo_engine):
    with session_scope(demo_engine) as s:
        data = progress_workbook(s, resolve(s, operator(s), "KB"), year=2023, as_of=date(2023, 12, 31), rules=RULES)
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Tiến độ năm 2023"]
    assert book.properties.title == "Kết quả kết nạp đảng viên năm 2023 – Huyện ủy Kim Bảng (số liệu đến ngày 31/12/2023)"
    rows = sheet_rows(data)
    assert len(rows) == 237
    district = rows[0]
    assert district["Mã tổ chức"].value == "KB" and district["Tổ chức đảng"].value == "Huyện ủy Kim Bảng"
    assert (district["Đã kết nạp"].value, district["Chỉ tiêu"].value) == (148, 145)
    assert district["% kế hoạch"].value == pytest.approx(148 / 145)
    assert district["% kế hoạch"].number_format == "0.0%"
    assert district["Đảng viên đầu năm"].value == 4850 and district["Đảng viên đầu năm"].number_format == "#,##0"
    assert district["% so với đảng viên"].value == pytest.approx(148 / 4850)
    assert district["% so với đảng viên"].number_format == "0.00%"
    assert district["Tình trạng"].value == "Hoàn thành"
    hdnd = next(r for r in rows if r["Mã tổ chức"].value == "KB-HDND")
    assert (hdnd["Đã kết nạp"].value, hdnd["Chỉ tiêu"].value, hdnd["Đảng viên đầu năm"].value) == (5, 5, 146)
    assert hdnd["Trực thuộc (mã)"].value == "KB"


def test_a_secretary_exports_only_its_subtree(demo_engine):
    with session_scope(demo_engine) as s:
        secretary = actor_for(s, Role.SECRETARY, "KB-HDND")
        progress = progress_workbook(s, resolve(s, secretary, None), year=2023, as_of=date(2023, 12, 31), rules=RULES)
        alerts = alerts_workbook(s, resolve(s, secretary, None), year=2026, as_of=date(2026, 11, 20), rules=RULES)
        candidates = candidates_workbook(s, resolve(s, secretary, None))
        plans = plans_workbook(s, resolve(s, secretary, None))
        with pytest.raises(ScopeError):
            candidates_workbook(s, resolve(s, secretary, "KB-THANHSON"))
    hdnd = lambda code: code == "KB-HDND" or code.startswith("KB-HDND-")  # noqa: E731
    assert all(hdnd(r["Mã tổ chức"].value) for r in sheet_rows(progress))
    assert all(hdnd(r["Mã tổ chức"].value) for r in sheet_rows(alerts)) and sheet_rows(alerts)
    clocks = sheet_rows(alerts, 1)
    assert all(hdnd(r["Mã tổ chức"].value) for r in clocks)
    assert clocks and isinstance(clocks[0]["Hạn"].value.date(), date) and clocks[0]["Hạn"].number_format == "dd/mm/yyyy"
    # The deadline in words beside the signed number and the unit it counts in.
    for row in clocks:
        days, unit, words = row["Số ngày còn lại (âm: quá hạn)"].value, row["Số ngày tính theo"].value, \
            row["Thời hạn (bằng chữ)"].value
        assert isinstance(days, int) and unit in ("ngày", "ngày làm việc")
        assert words == (f"quá hạn {-days:,} {unit}".replace(",", ".") if days < 0 else
                         "đến hạn hôm nay" if days == 0 else f"còn {days:,} {unit}".replace(",", "."))
    assert {r["Số ngày tính theo"].value for r in clocks} == {"ngày", "ngày làm việc"}
    listed = sheet_rows(candidates)
    assert listed and all(hdnd(r["Mã tổ chức"].value) for r in listed)
    assert {r["Năm"].value for r in sheet_rows(plans)} == {2022, 2023, 2024, 2025, 2026}
    assert all(hdnd(r["Mã tổ chức"].value) for r in sheet_rows(plans))


def test_the_projector_gets_no_candidate_and_no_names_in_alerts(demo_engine):
    with session_scope(demo_engine) as s:
        projector = actor_for(s, Role.PROJECTOR, "KB")
        with pytest.raises(ScopeError):
            candidates_workbook(s, resolve(s, projector, None))
        alerts = alerts_workbook(s, resolve(s, projector, None), year=2026, as_of=date(2026, 11, 20), rules=RULES)
    assert load_workbook(io.BytesIO(alerts)).sheetnames == ["Cảnh báo"]


def test_candidate_list_has_every_field_stage_dates_and_exits(engine):
    with session_scope(engine) as s:
        orgs = district(s)
        add_candidate(s, orgs["C1-A"], admitted_on(date(2023, 3, 3), ceremony=date(2023, 3, 20)), full_name="=cmd|'/c calc'!A0",
                      female=True, occupation="farmer")
        add_candidate(s, orgs["C1-B"], {Stage.SOURCE: date(2023, 1, 5)}, exit_=("stopped", date(2023, 6, 1)),
                      full_name="Lê Thị Dừng", birth=date(2001, 2, 3))
        data = candidates_workbook(s, resolve(s, operator(s), None))
    rows = sheet_rows(data)
    assert [c.value for c in load_workbook(io.BytesIO(data)).active[1]] == [f.column.header for f in candidate_fields()]
    first, second = rows
    assert first["Họ và tên"].value == "=cmd|'/c calc'!A0" and first["Họ và tên"].data_type == "s"
    assert first["Nữ"].value == "Có" and first["Nghề nghiệp"].value == "Nông dân"
    assert first["Ngày quyết định kết nạp"].value.date() == date(2023, 3, 3)
    assert first["Ngày lễ kết nạp"].value.date() == date(2023, 3, 20)
    assert first["Bước hiện tại"].value == "Đã kết nạp (đảng viên dự bị)"
    assert second["Ra khỏi quy trình"].value == "Dừng xem xét"
    assert second["Ngày ra khỏi quy trình"].value.date() == date(2023, 6, 1)
    assert second["Ngày sinh"].value.date() == date(2001, 2, 3) and second["Ngày sinh"].number_format == "dd/mm/yyyy"


def test_plans_export_and_templates(engine):
    with session_scope(engine) as s:
        orgs = district(s)
        add_plan(s, orgs["D"], 2023, 10, 400)
        add_plan(s, orgs["C1"], 2023, 4)
        data = plans_workbook(s, resolve(s, operator(s), None))
    rows = [[c.value for c in r.values()] for r in sheet_rows(data)]
    assert rows == [["D", "Huyện ủy D", 2023, 10, 400], ["C1", "Đảng bộ xã C1", 2023, 4, None]]
    template = load_workbook(io.BytesIO(template_workbook("candidates")))
    assert template.sheetnames == ["Quần chúng", "Danh mục", "Hướng dẫn"]
    assert template["Quần chúng"].max_row == 1
    validations = template["Quần chúng"].data_validations.dataValidation
    assert any("'Danh mục'!$A$2" in v.formula1 for v in validations)
    assert [c.value for c in template["Danh mục"]["A"]][1:4] == ["Tiểu học", "Trung học cơ sở", "Trung học phổ thông"]


def test_file_names_say_what_whose_and_which_year():
    assert export_file_name("progress", "KB", 2023) == "tien-do_KB_2023.xlsx"
    assert export_file_name("template_candidates", None) == "mau-nhap-quan-chung.xlsx"


def test_organizations_without_a_members_figure_export_with_an_empty_cell(engine):
    with session_scope(engine) as s:
        orgs = district(s)
        add_plan(s, orgs["D"], 2023, 10)  # a target, no members figure anywhere
        add_candidate(s, orgs["C1-A"], admitted_on(date(2023, 3, 1)))
        data = progress_workbook(s, resolve(s, operator(s), "D"), year=2023, as_of=date(2023, 12, 31), rules=RULES)
    rows = {r["Mã tổ chức"].value: r for r in sheet_rows(data)}
    assert rows["D"]["Đảng viên đầu năm"].value is None
    assert rows["D"]["Đã kết nạp"].value == 1 and rows["C1"]["Đã kết nạp"].value == 1


def test_a_small_file_that_unpacks_to_too_much_is_refused_before_it_is_read():
    from core.office.xlsx import MAX_UNPACKED_BYTES, WorkbookError, read_first_sheet

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        with zipfile.ZipFile(io.BytesIO(workbook_bytes([Sheet("T", [Column("A")], [["x"]])]))) as book:
            for info in book.infolist():
                archive.writestr(info, book.read(info))
        archive.writestr("xl/padding.bin", b"\0" * (MAX_UNPACKED_BYTES + 10_000_000))
    data = buffer.getvalue()
    assert len(data) < 1_000_000  # well under any upload limit
    with pytest.raises(WorkbookError, match="«bom.xlsx» giải nén ra 70,0 MB, vượt giới hạn 60,0 MB"):
        read_first_sheet(data, file_name="bom.xlsx", max_bytes=1_000_000_000)
