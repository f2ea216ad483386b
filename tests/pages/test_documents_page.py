"""The documents through AppTest: the record page's draft buttons (what each role is offered, what
the file holds), and the Báo cáo page's 6-month report and cảm tình list."""
from __future__ import annotations

import io
import sqlite3

from docx import Document
from openpyxl import load_workbook

from core.i18n import t
from tests.apptest import download, open_page, texts


def query(db, sql: str, *args):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, args).fetchall()


def labels(at) -> list[str]:
    """The record page's draft downloads (the move-out certificate's download is another section's)."""
    certificate = t("certificate.download")
    return [b.proto.label for b in at.get("download_button") if b.proto.label != certificate]


def official_in_hdnd(db) -> tuple[int, str, str]:
    """An official member of a chi bộ of Đảng bộ HĐND & UBND huyện: (id, name, chi bộ)."""
    return query(db, "SELECT c.id, c.full_name, o.name FROM candidate c JOIN organization o ON o.id = c.organization_id "
                     "WHERE o.code LIKE 'KB-HDND-%' AND c.stage = 'official' AND c.exit IS NULL ORDER BY c.id")[0]


def body(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    cells = [p.text for t in document.tables for row in t.rows for c in row.cells for p in c.paragraphs]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_the_record_page_offers_the_dang_uys_secretary_the_drafts_of_its_bodies(demo_app, downloads):
    cid, name, branch = official_in_hdnd(demo_app)
    at = open_page("bithu.hdnd", "pages/candidate.py", id=str(cid))
    # Its own bodies' (the chi bộ's, the đảng ủy's), not the Huyện ủy's decision.
    assert labels(at) == ["Tải dự thảo 6-KNĐ (.docx)", "Tải dự thảo 8-KNĐ (.docx)", "Tải dự thảo 13-KNĐ (.docx)",
                          "Tải dự thảo 15-KNĐ (.docx)"]
    file_name, data = download(at, downloads, "Tải dự thảo 6-KNĐ (.docx)")
    assert file_name == f"du-thao-6-KND_{cid}.docx"
    text = body(data)
    assert f"quần chúng {name}" in text and branch.upper() in text and "T/M CHI BỘ" in text
    assert "ĐẢNG BỘ HĐND & UBND HUYỆN" in text  # the chi bộ's upper đảng bộ
    assert "Tổng số đảng viên chính thức của chi bộ:" in text and "Kim Bảng, ngày" in text


def test_a_probationary_members_15_knd_waits_for_the_chi_bos_recognition_resolution_and_says_so(demo_app):
    cid = query(demo_app, "SELECT c.id FROM candidate c JOIN organization o ON o.id = c.organization_id "
                          "WHERE o.code LIKE 'KB-HDND-%' AND c.stage = 'admitted' AND c.exit IS NULL ORDER BY c.id")[0][0]
    at = open_page("bithu.hdnd", "pages/candidate.py", id=str(cid))
    assert labels(at) == ["Tải dự thảo 6-KNĐ (.docx)", "Tải dự thảo 8-KNĐ (.docx)", "Tải dự thảo 13-KNĐ (.docx)"]
    assert "Chưa lập được dự thảo mẫu 15-KNĐ: hồ sơ chưa có bước «Chi bộ đề nghị công nhận chính thức»" in texts(at)


def test_the_leader_is_offered_the_decision_too(demo_app, downloads):
    cid, name, _branch = official_in_hdnd(demo_app)
    at = open_page("lanhdao", "pages/candidate.py", id=str(cid))
    assert "Tải dự thảo 9-KNĐ (.docx)" in labels(at)
    text = body(download(at, downloads, "Tải dự thảo 9-KNĐ (.docx)")[1])
    assert "HUYỆN ỦY KIM BẢNG" in text and f"Kết nạp quần chúng {name}" in text and "T/M BAN THƯỜNG VỤ" in text


def test_a_candidate_at_the_first_step_has_nothing_to_draft_and_is_told_so(demo_app):
    cid = query(demo_app, "SELECT c.id FROM candidate c JOIN organization o ON o.id = c.organization_id "
                          "WHERE o.code LIKE 'KB-HDND-%' AND c.stage = 'source' AND c.exit IS NULL ORDER BY c.id")[0][0]
    at = open_page("bithu.hdnd", "pages/candidate.py", id=str(cid))
    assert not [label for label in labels(at) if label.startswith("Tải dự thảo")]
    assert "Chưa lập được văn bản nào từ hồ sơ này." in texts(at)
    assert "hồ sơ chưa có bước «Hoàn thiện hồ sơ»" in texts(at)


def test_the_reports_page_hands_out_the_6_month_report(demo_app, downloads):
    at = open_page("lanhdao", "pages/reports.py", year="2024", asof="2024-12-31", org="KB")  # the district then
    at.radio(key="rep_period").set_value(True).run()
    assert "Tải báo cáo 6 tháng (.docx)" in labels(at)
    file_name, data = download(at, downloads, "Tải báo cáo 6 tháng (.docx)")
    assert file_name == "bao-cao-ptdv-6-thang_KB_2024.docx"
    text = body(data)
    assert "kết quả công tác phát triển đảng viên 6 tháng đầu năm 2024" in text and "(số liệu đến ngày 30/06/2024)" in text
    assert "6 tháng đầu năm 2024, Huyện ủy Kim Bảng kết nạp được 79 đảng viên mới, đạt 52,7% kế hoạch năm" in text


def test_the_reports_page_hands_out_the_monthly_list_of_the_secretarys_subtree(demo_app, downloads):
    """The ward's list (Tam Chúc took the chi bộ of Ba Sao, Thanh Sơn, Khả Phong and Liên Sơn)."""
    at = open_page("bithu.tamchuc", "pages/reports.py", year="2026")
    at.selectbox(key="list_month").set_value(3).run()
    file_name, data = download(at, downloads, "Tải danh sách cảm tình Đảng (.docx)")
    assert file_name == "danh-sach-cam-tinh_NB-TAMCHUC_2026-03.docx"
    text = body(data)
    assert "quần chúng ưu tú (cảm tình Đảng) tháng 03/2026" in text and "ĐẢNG ỦY PHƯỜNG TAM CHÚC" in text
    ward = {name for (name,) in query(demo_app, "SELECT c.full_name FROM candidate c JOIN organization o ON "
                                                "o.id = c.organization_id WHERE o.path LIKE ?", f"{_path(demo_app)}%")}
    others = {name for (name,) in query(demo_app, "SELECT c.full_name FROM candidate c JOIN organization o ON "
                                                  "o.id = c.organization_id WHERE o.path NOT LIKE ?",
                                        f"{_path(demo_app)}%")}
    _name, workbook = download(at, downloads, "Tải danh sách cảm tình Đảng (.xlsx)")
    listed = {row[0] for row in load_workbook(io.BytesIO(workbook)).active.iter_rows(min_row=3, values_only=True)
              if row[0]}
    assert listed and listed <= ward | {"Họ và tên"} and not (listed - ward) & others
    assert any(query(demo_app, "SELECT 1 FROM candidate c JOIN organization o ON o.id = c.organization_id "
                               "WHERE c.full_name = ? AND o.code LIKE 'KB-THANHSON-%'", name) for name in listed)


def _path(db) -> str:
    return query(db, "SELECT path FROM organization WHERE code = 'NB-TAMCHUC'")[0][0]


def test_a_candidate_who_left_gets_no_draft_and_one_reason(demo_app):
    cid = query(demo_app, "SELECT id FROM candidate WHERE exit = 'stopped' ORDER BY id")[0][0]
    at = open_page("lanhdao", "pages/candidate.py", id=str(cid))
    assert not [label for label in labels(at) if label.startswith("Tải dự thảo")]
    assert texts(at).count("Không lập văn bản cho người đã ra khỏi quy trình (Dừng xem xét).") == 1
