"""Quản trị → Lịch làm việc and the record page's transfer, through AppTest: what the user sees
and what the database holds afterwards (nothing new after a refusal)."""
from __future__ import annotations

import io
from datetime import date

from docx import Document

from core.config import current_day
from core.i18n import t
from tests.apptest import download, open_admin, open_page, shown, texts
from tests.pages.test_workspace import hdnd_candidate, query, totals, widget


def calendar_rows(db):
    return query(db, "SELECT day, working, note, recorded_by FROM work_day_override ORDER BY day")


def test_the_admin_adds_a_day_off_to_the_calendar_sees_it_listed_and_in_the_audit_log_then_removes_it(demo_app):
    at = open_admin("admin.calendar")
    assert "Lịch làm việc" in [tab.label for tab in at.tabs]
    assert "Ngày 24/11 (Ngày Văn hóa Việt Nam)" in texts(at) and "chưa kiểm chứng" in texts(at)
    at.button(key="FormSubmitter:calendar_add-Thêm thay đổi").click().run()
    assert [shown(e) for e in at.error] == ["Cần ghi «Ngày» (ngày/tháng/năm).", "Cần chọn ngày nghỉ hay ngày làm việc.",
                                            "Cần ghi căn cứ (văn bản công bố, lý do)."]
    assert calendar_rows(demo_app) == []
    at.number_input(key="calendar_year").set_value(2025).run()
    assert "Năm 2025 chưa có thay đổi nào." in texts(at)
    at.date_input(key="calendar_day").set_value(date(2025, 11, 24))
    at.radio(key="calendar_working").set_value(False)
    at.text_input(key="calendar_note").input("Ngày Văn hóa Việt Nam")
    at.button(key="FormSubmitter:calendar_add-Thêm thay đổi").click().run()
    assert not at.exception and not at.error
    assert "Đã ghi ngày 24/11/2025 vào lịch làm việc." in texts(at)
    assert calendar_rows(demo_app) == [("2025-11-24", 0, "Ngày Văn hóa Việt Nam", "admin")]
    at.number_input(key="calendar_year").set_value(2025).run()
    listed = next(d.value for d in at.dataframe if "Căn cứ, ghi chú" in d.value.columns)
    assert listed.to_dict("records") == [{"Ngày": "24/11/2025", "Thay đổi": "Nghỉ (thêm ngày nghỉ)",
                                         "Theo thư viện": "ngày làm việc", "Căn cứ, ghi chú": "Ngày Văn hóa Việt Nam",
                                         "Người ghi": "admin"}]
    at.session_state["admin_tab"] = t("admin.audit")
    at.run()
    assert "admin thêm ngày nghỉ 24/11/2025 vào lịch làm việc, căn cứ: «Ngày Văn hóa Việt Nam»" in texts(at)
    at.session_state["admin_tab"] = t("admin.calendar")
    at.run()
    at.number_input(key="calendar_year").set_value(2025).run()
    at.selectbox(key="calendar_remove_day").select(date(2025, 11, 24))
    at.button(key="FormSubmitter:calendar_remove-Bỏ thay đổi").click().run()
    assert "Đã bỏ thay đổi ngày 24/11/2025: ngày này lại theo lịch của thư viện." in texts(at)
    assert calendar_rows(demo_app) == []
    assert query(demo_app, "SELECT action FROM audit_entry WHERE entity = 'calendar' ORDER BY id") == [
        ("add_day_override",), ("remove_day_override",)]


def test_a_secretary_transfers_a_candidate_to_another_chi_bo_of_its_tree_from_the_record_page(demo_app, downloads):
    cid = hdnd_candidate(demo_app, "outstanding")
    (source,) = query(demo_app, "SELECT o.name FROM candidate c JOIN organization o ON o.id = c.organization_id "
                                "WHERE c.id = ?", cid)[0]
    events = query(demo_app, "SELECT id, stage, event_date FROM stage_event WHERE candidate_id = ? ORDER BY id", cid)
    at = open_page("bithu.hdnd", "pages/candidate.py", id=str(cid))
    assert "Chưa chuyển sinh hoạt lần nào." in texts(at)
    before = totals(demo_app)
    at.button(key="FormSubmitter:transfer_candidate-Ghi chuyển sinh hoạt").click().run()
    assert [shown(e) for e in at.error] == ["Cần chọn chi bộ đến.", "Cần ghi «Ngày chuyển» (ngày/tháng/năm).",
                                            "Cần ghi «Số giấy giới thiệu sinh hoạt đảng»."]
    assert totals(demo_app) == before
    (code, target_name), = query(demo_app, "SELECT o.code, o.name FROM organization o JOIN organization p "
                                           "ON p.id = o.parent_id WHERE p.code = 'KB-HDND' AND o.active AND o.name != ? "
                                           "ORDER BY o.path LIMIT 1", source)
    widget(at.selectbox, "transfer_target").select(code)
    widget(at.date_input, "transfer_date").set_value(current_day())
    widget(at.text_input, "transfer_document").input("03-GGT/ĐU")
    at.button(key="FormSubmitter:transfer_candidate-Ghi chuyển sinh hoạt").click().run()
    assert not at.exception and not at.error
    assert query(demo_app, "SELECT o.code FROM candidate c JOIN organization o ON o.id = c.organization_id "
                           "WHERE c.id = ?", cid) == [(code,)]
    assert f"Đã chuyển {query(demo_app, 'SELECT full_name FROM candidate WHERE id = ?', cid)[0][0]} đến {target_name}." in texts(at)
    assert f"từ {source} đến {target_name}, số văn bản 03-GGT/ĐU (bithu.hdnd)" in texts(at)
    assert query(demo_app, "SELECT id, stage, event_date FROM stage_event WHERE candidate_id = ? ORDER BY id", cid) == events
    _name, content = download(at, downloads, "Tải giấy xác nhận quá trình phát triển đảng viên (Word)")
    paragraphs = "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)
    assert "GIẤY XÁC NHẬN QUÁ TRÌNH PHÁT TRIỂN ĐẢNG VIÊN" in paragraphs and target_name in paragraphs
