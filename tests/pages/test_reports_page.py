"""The Báo cáo page and the export buttons through AppTest, for each role: what is offered,
what the downloaded files hold, and an import from the page."""
from __future__ import annotations

import io
import sqlite3
from datetime import date

import pytest
from docx import Document
from openpyxl import Workbook, load_workbook

from core.config import current_day
from tests.apptest import ROOT, app, download, open_page, shown, sign_in, texts


def labels(at) -> list[str]:
    return [b.proto.label for b in at.get("download_button")]


EXPORTS = ["Tải bảng tiến độ (.xlsx)", "Tải danh sách cảnh báo (.xlsx)", "Tải danh sách quần chúng (.xlsx)",
           "Tải kế hoạch các năm (.xlsx)"]
LISTS = ["Tải danh sách cảm tình Đảng (.docx)", "Tải danh sách cảm tình Đảng (.xlsx)"]


def test_the_leader_downloads_the_report_of_kim_bang_2023(demo_app, downloads):
    at = open_page("lanhdao", "pages/reports.py", year="2023", asof="2023-12-31")
    assert "Kết quả năm 2023 của Tỉnh ủy Hà Nam và các tổ chức trực thuộc" in texts(at)  # the root, as named then
    at = open_page("lanhdao", "pages/reports.py", year="2023", asof="2023-12-31", org="KB")
    assert "Kết quả năm 2023 của Huyện ủy Kim Bảng và các tổ chức trực thuộc" in texts(at)
    assert labels(at) == ["Tải báo cáo (.docx)", *LISTS, *EXPORTS]
    assert not at.file_uploader  # a leader does not write
    at.text_input(key=f"rep_number_KB_{current_day().isoformat()}").set_value("141-BC/HU")
    at.text_input(key="rep_signer_name").set_value("Nguyễn Văn Đoàn")
    at.run()
    _name, data = download(at, downloads, "Tải báo cáo (.docx)")
    document = Document(io.BytesIO(data))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "kết nạp được 148 đảng viên mới, đạt 102,1% kế hoạch năm (148/145)" in text
    heading = [p.text for p in document.tables[0].rows[0].cells[0].paragraphs]
    assert heading == ["ĐẢNG BỘ TỈNH HÀ NAM", "HUYỆN ỦY KIM BẢNG", "*", "Số 141-BC/HU"]  # as the tree stood then
    assert "Nguyễn Văn Đoàn" in [p.text for p in document.tables[-1].rows[0].cells[1].paragraphs]
    _name, progress = download(at, downloads, "Tải bảng tiến độ (.xlsx)")
    sheet = load_workbook(io.BytesIO(progress)).active
    assert [sheet["A2"].value, sheet["I2"].value, sheet["G2"].value] == ["KB", 148, 145]


def test_the_reports_date_is_typed_as_it_is_or_the_report_is_not_offered(demo_app, downloads):
    """Any day typed is kept (a narrow range would let the browser keep the old one); an
    emptied date is said, and no report goes out with a date nobody gave."""
    at = open_page("lanhdao", "pages/reports.py", year="2023", asof="2023-12-31")
    at.date_input(key="rep_signed_on").set_value(date(1990, 1, 5)).run()
    _name, data = download(at, downloads, "Tải báo cáo (.docx)")
    heading = "\n".join(p.text for cell in Document(io.BytesIO(data)).tables[0].rows[0].cells for p in cell.paragraphs)
    assert "ngày 05 tháng 01 năm 1990" in heading
    at.date_input(key="rep_signed_on").set_value(None).run()
    assert "Tải báo cáo (.docx)" not in labels(at)
    assert "Cần ghi «Ngày ban hành» (ngày/tháng/năm)." in texts(at)
    at.date_input(key="rep_signed_on").set_value(date(2206, 1, 5)).run()  # 2026 typed as 2206
    assert "Tải báo cáo (.docx)" not in labels(at)
    assert ("Ngày 05/01/2206 nằm ngoài khoảng nhận được (từ 01/01/1900 đến 31/12/2100): xin kiểm tra lại năm."
            in texts(at))

def test_the_heading_is_the_trees_on_the_signing_day(demo_app, downloads):
    """A report signed in 2024 is Tỉnh ủy Hà Nam's, one signed today Tỉnh ủy Ninh Bình's: the
    heading's fields start again from the day typed."""
    at = open_page("lanhdao", "pages/reports.py", year="2024", asof="2024-12-31")
    today = current_day().isoformat()
    assert at.text_input(key=f"rep_issuing_NB_{today}").value == "TỈNH ỦY NINH BÌNH"
    at.date_input(key="rep_signed_on").set_value(date(2025, 1, 15)).run()
    assert at.text_input(key="rep_issuing_NB_2025-01-15").value == "TỈNH ỦY HÀ NAM"
    _name, data = download(at, downloads, "Tải báo cáo (.docx)")
    heading = [p.text for p in Document(io.BytesIO(data)).tables[0].rows[0].cells[0].paragraphs]
    assert "TỈNH ỦY HÀ NAM" in heading and "TỈNH ỦY NINH BÌNH" not in heading


def test_a_secretarys_exports_hold_only_its_subtree(demo_app, downloads):
    at = open_page("bithu.hdnd", "pages/reports.py", year="2023")
    assert labels(at)[:7] == ["Tải báo cáo (.docx)", *LISTS, *EXPORTS]
    with sqlite3.connect(demo_app) as conn:
        hdnd = {code for (code,) in conn.execute("SELECT code FROM organization WHERE code LIKE 'KB-HDND%'")}
    for label in EXPORTS:
        name, data = download(at, downloads, label)
        assert "KB-HDND" in name
        for sheet in load_workbook(io.BytesIO(data)).worksheets:
            header = [c.value for c in sheet[1]]
            codes = {row[header.index("Mã tổ chức")] for row in sheet.iter_rows(min_row=2, values_only=True)}
            assert codes <= hdnd, (label, codes - hdnd)
    assert [tab.label for tab in at.tabs] == ["Nhập danh sách quần chúng"]  # plans are the admin's


def test_the_admin_imports_plans_from_the_page_and_a_bad_file_changes_nothing(demo_app):
    at = open_page("admin", "pages/reports.py")
    assert [tab.label for tab in at.tabs] == ["Nhập danh sách quần chúng", "Nhập kế hoạch năm"]
    count = lambda: sqlite3.connect(demo_app).execute("SELECT count(*), sum(target) FROM year_plan").fetchone()  # noqa: E731
    before = count()
    uploader = next(u for u in at.file_uploader if u.key == "upload_plans")
    uploader.set_value(("ke-hoach.xlsx", b"day khong phai excel", "application/octet-stream")).run()
    at.button(key="run_plans").click().run()
    assert "Chưa nhập gì: tệp có 1 lỗi" in shown(at.error[0])
    assert "«ke-hoach.xlsx» không phải tệp Excel (.xlsx)" in at.dataframe[-1].value.to_string()
    assert count() == before
    book = Workbook()
    book.active.append(["Mã tổ chức", "Năm", "Chỉ tiêu kết nạp", "Đảng viên đầu năm"])
    book.active.append(["KB-HDND", current_day().year + 1, 6, 150])
    out = io.BytesIO()
    book.save(out)
    uploader = next(u for u in at.file_uploader if u.key == "upload_plans")
    uploader.set_value(("ke-hoach.xlsx", out.getvalue(), "application/vnd.ms-excel")).run()
    at.button(key="run_plans").click().run()
    assert "Đã lưu kế hoạch: 1 kế hoạch mới, 0 kế hoạch thay đổi, 0 giữ nguyên." in texts(at)
    assert count() == (before[0] + 1, before[1] + 6)


def test_the_projector_cannot_reach_the_reports(demo_app):
    at = sign_in(app().run(), "trinhchieu")
    with pytest.raises(ValueError):
        at.switch_page("pages/reports.py")
    direct = app(str(ROOT / "pages" / "reports.py")).run()
    assert [box.label for box in direct.text_input] == ["Tên đăng nhập", "Mật khẩu"] and not direct.get("download_button")


@pytest.mark.parametrize(("page", "label"), [("pages/overview.py", "Tải bảng tiến độ (.xlsx)"),
                                             ("pages/alerts.py", "Tải danh sách cảnh báo (.xlsx)"),
                                             ("pages/branch.py", "Tải danh sách quần chúng (.xlsx)")])
def test_the_tables_have_their_export_where_they_are(demo_app, downloads, page, label):
    at = open_page("bithu.hdnd", page)
    name, data = download(at, downloads, label)
    assert name.endswith(".xlsx") and "KB-HDND" in name
    assert load_workbook(io.BytesIO(data)).active.max_row > 1
