"""The dossier on the record page (AppTest, demo district): the checklist says what is there,
what is missing and what expires when; a paper recorded through the form is in the database
and on the checklist; a bad one writes nothing; the secretary's to-do names the missing papers."""
from __future__ import annotations

import sqlite3
from datetime import date

from core.format import fmt_date
from tests.apptest import open_page, shown, texts
from tests.pages.test_todo import cards, show_all


def query(db, sql: str, *args):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, args).fetchall()


def planted(db, where: str) -> int:
    return query(db, f"SELECT c.id FROM candidate c WHERE {where} ORDER BY c.id")[0][0]


def checklist(at) -> dict[str, str]:
    """The checklist table: paper → state."""
    frame = next(df.value for df in at.dataframe if "Giấy tờ" in df.value.columns)
    return dict(zip(frame["Giấy tờ"], frame["Tình trạng"]))


def test_checklist_shows_the_retaken_class_certificate_and_every_paper_present(demo_app):
    cid = planted(demo_app, "c.id IN (SELECT candidate_id FROM dossier_paper WHERE note LIKE 'Học lại%')")
    at = open_page("admin", "pages/candidate.py", id=str(cid))
    assert "Hồ sơ: giấy tờ" in texts(at)
    states = checklist(at)
    certificate = "Giấy chứng nhận học lớp bồi dưỡng nhận thức về Đảng (mẫu CN-NTVĐ)"
    assert states[certificate] == "Có (214/CN-NTVĐ, ngày 25/09/2026)"  # the class taken again, not 15/10/2020
    assert states["Đơn xin vào Đảng (mẫu 1-KNĐ)"].startswith("Có (")


def test_cong_doan_route_asks_the_union_resolution_and_one_introduction(demo_app):
    cid = planted(demo_app, "c.introduction_route = 'trade_union'")
    at = open_page("admin", "pages/candidate.py", id=str(cid))
    states = checklist(at)
    union = ("Nghị quyết giới thiệu đoàn viên công đoàn ưu tú vào Đảng của Ban Chấp hành Công đoàn cơ sở "
             "(mẫu 4A-KNĐ)")
    assert states[union].startswith("Có (")
    assert len([p for p in states if p.startswith("Giấy giới thiệu người vào Đảng (mẫu 3-KNĐ)")]) == 1


def test_a_missing_paper_is_listed_then_recorded_through_the_form(demo_app):
    cid = planted(demo_app, "c.introduction_route = 'trade_union'")
    query(demo_app, "DELETE FROM dossier_paper WHERE candidate_id = ? AND kind = '5_knd'", cid)
    at = open_page("admin", "pages/candidate.py", id=str(cid))
    summary = "Tổng hợp ý kiến nhận xét của đoàn thể và chi ủy nơi cư trú (mẫu 5-KNĐ)"
    assert checklist(at)[summary] == "Thiếu (chưa ghi)"
    before = query(demo_app, "SELECT count(*) FROM dossier_paper")[0][0]
    at.selectbox(key=next(w.key for w in at.selectbox if str(w.key).startswith("paper_kind_"))).select("5_knd")
    at.date_input(key=next(w.key for w in at.date_input if str(w.key).startswith("paper_date_"))).set_value(
        date(2099, 1, 1))
    at.button(key="FormSubmitter:record_paper-Ghi giấy tờ").click().run()
    assert any("không được ở tương lai" in shown(e) for e in at.error)
    assert query(demo_app, "SELECT count(*) FROM dossier_paper")[0][0] == before  # nothing written
    when = date(2026, 11, 10)
    at.date_input(key=next(w.key for w in at.date_input if str(w.key).startswith("paper_date_"))).set_value(when)
    at.text_input(key=next(w.key for w in at.text_input if str(w.key).startswith("paper_number_"))).input("03/5-KNĐ")
    at.button(key="FormSubmitter:record_paper-Ghi giấy tờ").click().run()
    assert not at.error, [shown(e) for e in at.error]
    assert query(demo_app, "SELECT kind, document_number, issue_date, recorded_by FROM dossier_paper "
                           "WHERE candidate_id = ? AND kind = '5_knd'", cid) == [("5_knd", "03/5-KNĐ", "2026-11-10", "admin")]
    assert checklist(at)[summary] == f"Có (03/5-KNĐ, ngày {fmt_date(when)})"


def test_secretarys_todo_names_the_missing_papers_under_can_bo_sung(demo_app):
    cid = planted(demo_app, "c.stage = 'dossier' AND c.exit IS NULL AND c.organization_id IN "
                            "(SELECT id FROM organization WHERE code LIKE 'KB-THANHSON-%')")
    query(demo_app, "DELETE FROM dossier_paper WHERE candidate_id = ? AND kind = '2_knd'", cid)
    at = open_page("bithu.tamchuc", "pages/todo.py")  # the ward that took Thanh Sơn's chi bộ
    show_all(at)
    card = cards(at)[cid]
    assert "Cần bổ sung:" in card and "- Hồ sơ còn thiếu: " in card
    assert "Lý lịch của người xin vào Đảng (mẫu 2-KNĐ)" in card
