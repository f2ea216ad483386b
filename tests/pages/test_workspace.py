"""The secretary's workspace and the admin's forms through AppTest: each form with valid and
invalid input, and what the database holds afterwards (nothing new after a refusal)."""
from __future__ import annotations

import re
import sqlite3
from datetime import date, datetime

from core.cli.demo import RENAMED_IN_WARD
from core.config import current_day
from core.format import fmt_date, fmt_datetime
from core.i18n import t
from tests.apptest import open_admin, open_page, shown, texts

HDND = RENAMED_IN_WARD["KB-HDND"]  # Đảng bộ HĐND & UBND huyện, under the ward from 01/7/2025


def query(db, sql: str, *args):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, args).fetchall()

def totals(db) -> tuple:
    return tuple(query(db, f"SELECT count(*) FROM {table}")[0][0]
                 for table in ("candidate", "stage_event", "year_plan", "organization", "audit_entry"))

def hdnd_candidate(db, stage: str) -> int:
    return query(db, "SELECT c.id FROM candidate c JOIN organization o ON o.id = c.organization_id "
                     "WHERE o.code LIKE 'KB-HDND-%' AND c.stage = ? AND c.exit IS NULL ORDER BY c.id", stage)[0][0]

def complete_dossier(db, cid: int, sponsors: tuple[str, ...] = ("A", "B")) -> None:
    """Every paper of the admission dossier recorded, the introductions by `sponsors` (each an
    official member): the chi bộ's vote is then refused for no missing paper."""
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM dossier_paper WHERE candidate_id = ?", (cid,))
        conn.execute("UPDATE candidate SET sponsor1_official = 1, sponsor2_official = 1, introduction_route = "
                     "'two_members' WHERE id = ?", (cid,))
        papers = [(kind, "") for kind in ("1_knd", "2_knd", "2_knd_verification", "5_knd")]
        papers += [("3_knd", name) for name in sponsors]
        conn.executemany("INSERT INTO dossier_paper (candidate_id, kind, document_number, issue_date, holder, note, "
                         "voids, recorded_by, recorded_at) VALUES (?, ?, '', '2026-10-01', ?, '', 0, 'test', "
                         "'2026-10-01 00:00:00+00')", [(cid, kind, holder) for kind, holder in papers])


def widget(widgets, prefix: str):
    """The widget whose key is `prefix` with the version the form was filled on ("step_date_3";
    the details form: "edit_3_name" for "edit_name")."""
    form, _, field = prefix.partition("_")
    found = [w for w in widgets if re.fullmatch(rf"{prefix}_\d+|{form}_\d+_{field}", str(w.key))]
    assert len(found) == 1, [w.key for w in widgets]
    return found[0]


def fill_candidate(at, prefix: str, name: str) -> None:
    """Every field the form requires (none has a default)."""
    at.text_input(key=f"{prefix}_name").input(name)
    at.date_input(key=f"{prefix}_birth").set_value(date(1998, 4, 2))
    at.selectbox(key=f"{prefix}_female").select(True)
    at.text_input(key=f"{prefix}_ethnicity").input("Kinh")
    at.selectbox(key=f"{prefix}_religion").select("")
    at.selectbox(key=f"{prefix}_education").select("upper_secondary")
    at.selectbox(key=f"{prefix}_qualification").select("none")
    at.selectbox(key=f"{prefix}_occupation").select("farmer")

def test_secretary_adds_a_candidate_and_a_bad_one_writes_nothing(demo_app):
    at = open_page("bithu.hdnd", "pages/branch.py")
    assert "Việc cần làm" in texts(at) and "Quần chúng đang trong quy trình" in texts(at)
    before = totals(demo_app)
    at.selectbox(key="add_cell").select("KB-HDND-02")
    at.date_input(key="add_source_date").set_value(date(2026, 3, 1))
    fill_candidate(at, "add", "   ")
    at.button(key="FormSubmitter:add_candidate-Thêm quần chúng vào diện tạo nguồn").click().run()
    assert "Cần ghi họ và tên" in shown(at.error[0])
    assert totals(demo_app) == before
    fill_candidate(at, "add", "Vũ Thị Lan Anh")  # what was typed is still there after the refusal
    at.button(key="FormSubmitter:add_candidate-Thêm quần chúng vào diện tạo nguồn").click().run()
    assert "Đã thêm Vũ Thị Lan Anh vào diện tạo nguồn" in texts(at)  # on top, and as a toast
    assert [shown(t) for t in at.toast][0].startswith("Đã thêm Vũ Thị Lan Anh vào diện tạo nguồn")
    rows = query(demo_app, "SELECT c.stage, c.version, o.code FROM candidate c JOIN organization o "
                       "ON o.id = c.organization_id WHERE c.full_name = 'Vũ Thị Lan Anh'")
    assert rows == [("source", 1, "KB-HDND-02")]

def test_the_same_candidate_twice_is_refused_with_a_link_to_the_record(demo_app):
    at = open_page("bithu.hdnd", "pages/branch.py")
    for attempt in range(2):
        at.selectbox(key="add_cell").select("KB-HDND-02")
        at.date_input(key="add_source_date").set_value(date(2026, 3, 1))
        fill_candidate(at, "add", "Vũ Thị Lan Anh" if attempt == 0 else "  vũ thị  LAN ANH ")
        at.button(key="FormSubmitter:add_candidate-Thêm quần chúng vào diện tạo nguồn").click().run()
        if attempt == 0:
            [(record,)] = query(demo_app, "SELECT id FROM candidate WHERE full_name = 'Vũ Thị Lan Anh'")
            before = totals(demo_app)
    assert not at.exception
    assert [shown(e) for e in at.error] == [
        f"«Vũ Thị Lan Anh», sinh ngày 02/04/1998, đã có hồ sơ đang trong quy trình ở Chi bộ Phòng Nội vụ "
        f"(hồ sơ số {record}): không ghi thêm hồ sơ thứ hai cho cùng một người. Hãy mở hồ sơ đã có."]
    [link] = [p for p in at.page_link if p.value.startswith("Mở hồ sơ đã có")]
    assert (link.value, link.proto.query_string) == ("Mở hồ sơ đã có của Vũ Thị Lan Anh", f"id={record}")
    assert "Đã thêm" not in texts(at)
    assert totals(demo_app) == before


def test_a_leader_reads_the_branch_without_forms(demo_app):
    at = open_page("lanhdao", "pages/branch.py", org="KB-HDND")
    assert "Chỉ xem: vai trò lãnh đạo không sửa hồ sơ." in texts(at)
    assert not [f for f in at.text_input if f.key == "add_name"]
    record = open_page("lanhdao", "pages/candidate.py", id=str(hdnd_candidate(demo_app, "source")))
    assert "Quá trình (kể cả các lần sửa)" in texts(record) and not record.tabs

def test_record_the_next_stage_and_a_refused_date(demo_app):
    cid = hdnd_candidate(demo_app, "source")
    source_date = date.fromisoformat(query(demo_app, "SELECT source_date FROM candidate WHERE id = ?", cid)[0][0])
    at = open_page("bithu.hdnd", "pages/candidate.py", id=str(cid))
    before = totals(demo_app)
    widget(at.date_input, "step_date").set_value(date(source_date.year - 1, 1, 2))
    at.button(key="FormSubmitter:record_stage-Ghi bước").click().run()
    assert "sớm hơn ngày của bước trước" in shown(at.error[0])
    assert totals(demo_app) == before
    widget(at.date_input, "step_date").set_value(current_day())
    at.button(key="FormSubmitter:record_stage-Ghi bước").click().run()
    assert query(demo_app, "SELECT stage, outstanding_date FROM candidate WHERE id = ?", cid) == [
        ("outstanding", current_day().isoformat())]
    assert "Quần chúng ưu tú (cảm tình Đảng)" in texts(at)

def test_exit_needs_a_reason_then_void_puts_it_right(demo_app):
    cid = hdnd_candidate(demo_app, "outstanding")
    at = open_page("bithu.hdnd", "pages/candidate.py", id=str(cid))
    before = totals(demo_app)
    at.button(key="FormSubmitter:record_exit-Ghi").click().run()
    assert [shown(e) for e in at.error] == [
        "Cần chọn loại: dừng xem xét, xóa tên khỏi danh sách đảng viên dự bị, chuyển đi (ra ngoài đảng bộ) "
        "hay hủy quyết định kết nạp do sai."]
    widget(at.selectbox, "exit_kind").select("transferred")
    widget(at.date_input, "exit_date").set_value(current_day())
    at.button(key="FormSubmitter:record_exit-Ghi").click().run()
    assert [shown(e) for e in at.error] == ["Không thể ghi: Cần ghi rõ lý do."]
    assert totals(demo_app) == before
    widget(at.text_area, "exit_reason").input("Chuyển công tác về tỉnh khác")
    widget(at.selectbox, "exit_kind").select("transferred")
    at.button(key="FormSubmitter:record_exit-Ghi").click().run()
    assert query(demo_app, "SELECT exit FROM candidate WHERE id = ?", cid) == [("transferred",)]
    assert "Đã ghi «Chuyển đi» ngày" in texts(at)
    widget(at.text_area, "void_reason").input("Ghi nhầm người")
    at.button(key="FormSubmitter:void_event-Hủy bước này").click().run()
    assert [shown(e) for e in at.error] == ["Cần đánh dấu xác nhận trước khi hủy một bước."]  # a void asks first
    assert query(demo_app, "SELECT exit FROM candidate WHERE id = ?", cid) == [("transferred",)]
    widget(at.checkbox, "void_confirm").check()
    at.button(key="FormSubmitter:void_event-Hủy bước này").click().run()
    assert query(demo_app, "SELECT exit, stage FROM candidate WHERE id = ?", cid) == [(None, "outstanding")]
    events = query(demo_app, "SELECT stage, voids FROM stage_event WHERE candidate_id = ? ORDER BY id", cid)
    assert events[-2:] == [("transferred", 0), ("transferred", 1)]  # both stay in the history

def beside(at) -> list[tuple[str, str, str]]:
    """The table of what the user typed beside the record now, shown after a stale refusal."""
    frames = [d.value for d in at.dataframe if list(d.value.columns) == ["Mục", "Bạn đã nhập", "Hồ sơ hiện nay"]]
    assert len(frames) == 1, [list(d.value.columns) for d in at.dataframe]
    return [tuple(row) for row in frames[0].itertuples(index=False)]

def test_a_stale_edit_between_two_sessions_overwrites_nothing(demo_app):
    cid = hdnd_candidate(demo_app, "class_done")
    first = open_page("bithu.hdnd", "pages/candidate.py", id=str(cid))
    second = open_page("admin", "pages/candidate.py", id=str(cid))
    widget(first.text_input, "edit_name").set_value("Tên sửa ở phiên thứ nhất")
    first.button(key="FormSubmitter:edit_candidate-Lưu thông tin").click().run()
    assert query(demo_app, "SELECT full_name, version FROM candidate WHERE id = ?", cid)[0][0] == "Tên sửa ở phiên thứ nhất"
    after_first = query(demo_app, "SELECT * FROM candidate WHERE id = ?", cid)
    widget(second.text_input, "edit_name").set_value("Tên sửa ở phiên thứ hai")
    widget(second.text_input, "edit_ethnicity").set_value("Tày")
    second.button(key="FormSubmitter:edit_candidate-Lưu thông tin").click().run()
    assert any("người khác đã thay đổi hồ sơ này" in shown(e) for e in second.error)
    assert query(demo_app, "SELECT * FROM candidate WHERE id = ?", cid) == after_first
    # What the second user typed, beside the record now (only the fields that differ)...
    assert beside(second) == [("Họ và tên", "«Tên sửa ở phiên thứ hai»", "«Tên sửa ở phiên thứ nhất»"),
                              ("Dân tộc", "«Tày»", "«Kinh»")]
    # ...and the form holds the record as it is now: a second click sends nothing stale.
    assert widget(second.text_input, "edit_name").value == "Tên sửa ở phiên thứ nhất"
    assert widget(second.text_input, "edit_ethnicity").value == "Kinh"
    second.button(key="FormSubmitter:edit_candidate-Lưu thông tin").click().run()
    assert query(demo_app, "SELECT full_name, ethnicity FROM candidate WHERE id = ?", cid) == [
        ("Tên sửa ở phiên thứ nhất", "Kinh")]

def test_a_step_recorded_meanwhile_is_shown_beside_what_was_typed(demo_app):
    cid = hdnd_candidate(demo_app, "branch_resolution")
    first = open_page("bithu.hdnd", "pages/candidate.py", id=str(cid))
    second = open_page("admin", "pages/candidate.py", id=str(cid))
    today = current_day()
    for at, document in ((first, "45-NQ/ĐU"), (second, "46-NQ/ĐU")):
        widget(at.selectbox, "step_stage").select("committee_resolution")
        widget(at.date_input, "step_date").set_value(today)
        widget(at.text_input, "step_document").set_value(document)
        widget(at.number_input, "step_votes_for").set_value(10)
        widget(at.number_input, "step_votes_total").set_value(12)
        widget(at.number_input, "step_members_total").set_value(14)
    first.button(key="FormSubmitter:record_stage-Ghi bước").click().run()
    recorded = totals(demo_app)
    second.button(key="FormSubmitter:record_stage-Ghi bước").click().run()
    assert totals(demo_app) == recorded  # the second resolution is not written
    assert any("người khác đã thay đổi hồ sơ này" in shown(e) for e in second.error)
    assert [shown(t) for t in second.toast] == ["Chưa ghi: hồ sơ vừa được người khác thay đổi."]
    assert beside(second) == [
        ("Bước", "Đảng ủy cơ sở đề nghị", "Đảng ủy cơ sở đề nghị"),
        ("Ngày", fmt_date(today), fmt_date(today)),
        ("Số văn bản", "46-NQ/ĐU", "45-NQ/ĐU"),
        ("Tổng số đảng viên chính thức của chi bộ (nghị quyết đảng ủy: tổng số cấp ủy viên)", "14", ""),
        ("Số đảng viên chính thức dự họp (hoặc cấp ủy viên dự họp)", "12", ""),
        ("Số phiếu tán thành (nếu là nghị quyết)", "10", ""),
    ]
    assert widget(second.text_input, "step_document").value == ""  # the form opens empty again

def test_candidate_page_refuses_bad_and_foreign_ids(demo_app):
    foreign = query(demo_app, "SELECT c.id FROM candidate c JOIN organization o ON o.id = c.organization_id "
                          "WHERE o.code LIKE 'KB-THANHSON-%' LIMIT 1")[0][0]
    at = open_page("bithu.hdnd", "pages/candidate.py", id=str(foreign))
    assert "nằm ngoài phạm vi" in shown(at.error[0]) and not at.dataframe
    at = open_page("bithu.hdnd", "pages/candidate.py", id="abc")
    assert shown(at.error[0]) == "Mã hồ sơ không hợp lệ: «abc»."

def admin_tab(at, label: str):
    return next(tab for tab in at.tabs if tab.label == label)

def hdnd_children(db) -> list[str]:
    return [name for (name,) in query(db, "SELECT c.name FROM organization c JOIN organization p ON p.id = c.parent_id "
                                          "WHERE p.code = 'KB-HDND' AND c.active ORDER BY c.name")]

def test_admin_plans_grid_reads_numbers_the_vietnamese_way_and_refuses_bad_cells(demo_app):
    at = open_admin("admin.plans")
    at.selectbox(key="plans_parent").select("KB-HDND")
    at.number_input(key="plans_year").set_value(2027).run()
    assert "Tổng chỉ tiêu giao cho các tổ chức trực thuộc: 0" in texts(at)
    editor = "plans_editor_KB-HDND_2027"
    names = hdnd_children(demo_app)
    before = totals(demo_app)
    at.session_state[editor] = {"edited_rows": {0: {"target": "1,5"}, 1: {"target": "-3"}, 2: {"target": "abc"},
                                                3: {"target": "2", "members_start": "1.5"}},
                                "added_rows": [], "deleted_rows": []}
    at.run()
    assert "Chưa tính được tổng chỉ tiêu" in texts(at) and "Tổng chỉ tiêu giao" not in texts(at)
    at.button(key="plans_save").click().run()
    assert not at.exception
    assert [shown(e).split(":")[0] + ": " + shown(e).split(": ")[1].split("»")[0] + "»" for e in at.error] == [
        f"Dòng «{names[0]}», cột «Chỉ tiêu»: «1,5»", f"Dòng «{names[1]}», cột «Chỉ tiêu»: «-3»",
        f"Dòng «{names[2]}», cột «Chỉ tiêu»: «abc»", f"Dòng «{names[3]}», cột «Đảng viên đầu năm»: «1.5»"]
    assert "không phải số nguyên" in shown(at.error[0]) and "là số âm" in shown(at.error[1])
    assert "không phải là số" in shown(at.error[2]) and "không phải là số" in shown(at.error[3])
    assert "Đã lưu kế hoạch." not in texts(at)
    assert totals(demo_app) == before
    at.session_state[editor] = {"edited_rows": {0: {"target": "1.000"}, 1: {"target": "3", "members_start": "12"}},
                                "added_rows": [], "deleted_rows": []}
    at.run()
    assert "Tổng chỉ tiêu giao cho các tổ chức trực thuộc: 1.003" in texts(at)
    at.button(key="plans_save").click().run()
    assert "Đã lưu kế hoạch." in texts(at) and not at.error
    assert query(demo_app, "SELECT sum(target), max(target), sum(members_start), count(*) FROM year_plan "
                           "WHERE year = 2027") == [(1003, 1000, 12, 18)]

def own_target_form(at):
    target = next(w for w in at.text_input if w.key == "plans_own_KB-HDND_2027_target")
    members = next(w for w in at.text_input if w.key == "plans_own_KB-HDND_2027_members")
    save = next(b for b in at.button if b.label.startswith("Lưu chỉ tiêu của"))
    return target, members, save

def test_admin_sets_the_organizations_own_target_on_screen(demo_app):
    at = open_admin("admin.plans")
    at.selectbox(key="plans_parent").select("KB-HDND")
    at.number_input(key="plans_year").set_value(2027).run()
    assert f"Chỉ tiêu của {HDND} năm 2027" in texts(at)
    before = totals(demo_app)
    for typed, message in (("-3", "«-3» là số âm"), ("1,5", "«1,5» không phải số nguyên"), ("abc", "«abc» không phải là số")):
        target, _members, save = own_target_form(at)
        target.input(typed)
        save.click().run()
        assert [shown(e) for e in at.error] and all(message in shown(e) for e in at.error), typed
        assert shown(at.error[0]).startswith(f"Dòng «{HDND}», cột «Chỉ tiêu»")
        assert totals(demo_app) == before
    target, members, save = own_target_form(at)
    target.input("1.000")
    members.input("146")
    save.click().run()
    assert "Đã lưu kế hoạch." in texts(at) and not at.error
    assert "chỉ tiêu của cấp trên: 1.000" in texts(at)
    assert query(demo_app, "SELECT y.target, y.members_start, y.version FROM year_plan y JOIN organization o "
                           "ON o.id = y.organization_id WHERE o.code = 'KB-HDND' AND y.year = 2027") == [(1000, 146, 1)]
    assert query(demo_app, "SELECT action, entity FROM audit_entry ORDER BY id DESC LIMIT 1") == [
        ("save_plans", "organization")]

def test_admin_copies_last_years_plans(demo_app):
    at = open_admin("admin.plans")
    at.selectbox(key="plans_parent").select("KB-HDND")
    at.number_input(key="plans_year").set_value(2027).run()
    at.button(key="plans_copy").click().run()
    assert "Tổng chỉ tiêu giao cho các tổ chức trực thuộc: 5; chỉ tiêu của cấp trên: 0" in texts(at)
    at.button(key="plans_save").click().run()
    assert query(demo_app, "SELECT sum(target) FROM year_plan WHERE year = 2027") == [(5,)]

def test_admin_adds_and_deactivates_an_organization(demo_app):
    """Under a ward of 2026 (a move with its effective date is Quản trị's restructuring:
    tests/ui/test_restructure_ui.py)."""
    at = open_admin("admin.organizations")
    at.selectbox(key="org_parent").select("NB-TAMCHUC")
    at.text_input(key="org_code").input("NB-TAMCHUC-99")
    at.text_input(key="org_name").input("Chi bộ tổ dân phố Mới")
    at.selectbox(key="org_kind").select("cell")
    at.selectbox(key="org_sector").select("urban")
    at.button(key="FormSubmitter:add_org-Thêm tổ chức").click().run()
    assert query(demo_app, "SELECT o.name, o.kind, p.code FROM organization o JOIN organization p ON p.id = o.parent_id "
                           "WHERE o.code = 'NB-TAMCHUC-99'") == [("Chi bộ tổ dân phố Mới", "cell", "NB-TAMCHUC")]
    before = totals(demo_app)
    at.selectbox(key="org_parent").select("NB-TAMCHUC")
    at.text_input(key="org_code").input("NB-TAMCHUC-99")
    at.text_input(key="org_name").input("Trùng mã")
    at.button(key="FormSubmitter:add_org-Thêm tổ chức").click().run()
    assert any("đã có" in shown(e) for e in at.error) and totals(demo_app) == before
    at.session_state["admin_org_tab"] = t("org.activate")
    at.run()
    at.selectbox(key="state_code").select("NB-TAMCHUC-99")
    at.radio(key="state_active").set_value(False)
    at.button(key="FormSubmitter:activate_org-Thực hiện").click().run()
    assert query(demo_app, "SELECT active FROM organization WHERE code = 'NB-TAMCHUC-99'") == [(0,)]


def test_a_rename_made_meanwhile_is_never_overwritten(demo_app):
    """The second admin's rename form was drawn before the first renamed the chi bộ: its save
    is refused (checked against the version it was drawn with, not re-read at the click), the
    form empties and shows what was typed beside the name now; a second click sends nothing."""
    first = open_admin("admin.organizations", "org.rename")
    second = open_admin("admin.organizations", "org.rename")
    for at, new_name in ((first, "Chi bộ thôn Đông"), (second, "Chi bộ thôn Tây")):
        at.selectbox(key="rename_code").select("KB-THANHSON-01").run()  # choosing draws the form for it
        at.text_input(key="rename_name").input(new_name)
    first.button(key="FormSubmitter:rename_org-Đổi tên").click().run()
    assert "Đã lưu." in texts(first)
    after_first = totals(demo_app)
    second.button(key="FormSubmitter:rename_org-Đổi tên").click().run()
    assert query(demo_app, "SELECT name FROM organization WHERE code = 'KB-THANHSON-01'") == [("Chi bộ thôn Đông",)]
    assert totals(demo_app) == after_first
    assert any("người khác đã thay đổi hồ sơ này" in shown(e) for e in second.error)
    assert ("Tên", "Chi bộ thôn Tây", "Chi bộ thôn Đông") in beside(second)
    assert second.text_input(key="rename_name").value == ""
    second.button(key="FormSubmitter:rename_org-Đổi tên").click().run()  # the emptied form: refused, not written
    assert query(demo_app, "SELECT name FROM organization WHERE code = 'KB-THANHSON-01'") == [("Chi bộ thôn Đông",)]

def test_plans_saved_meanwhile_are_reloaded_beside_what_was_typed(demo_app):
    sessions = [open_admin("admin.plans"), open_admin("admin.plans")]
    for at in sessions:
        at.selectbox(key="plans_parent").select("KB-HDND")
        at.number_input(key="plans_year").set_value(2027).run()
    first, second = sessions
    name = hdnd_children(demo_app)[0]
    first.session_state["plans_editor_KB-HDND_2027"] = {"edited_rows": {0: {"target": "2"}}, "added_rows": [],
                                                       "deleted_rows": []}
    first.run()
    first.button(key="plans_save").click().run()
    assert "Đã lưu kế hoạch." in texts(first)
    saved = query(demo_app, "SELECT count(*), sum(target), sum(version) FROM year_plan WHERE year = 2027")
    second.session_state["plans_editor_KB-HDND_2027"] = {"edited_rows": {0: {"target": "3"}}, "added_rows": [],
                                                        "deleted_rows": []}
    second.run()
    second.button(key="plans_save").click().run()
    assert query(demo_app, "SELECT count(*), sum(target), sum(version) FROM year_plan WHERE year = 2027") == saved
    assert beside(second) == [(f"{name} – Chỉ tiêu", "3", "2")]
    # The grid is read again: it holds the first admin's figure, and saving it changes nothing.
    assert "Tổng chỉ tiêu giao cho các tổ chức trực thuộc: 2" in texts(second)
    second.button(key="plans_save").click().run()
    assert query(demo_app, "SELECT count(*), sum(target), sum(version) FROM year_plan WHERE year = 2027") == saved


def test_an_exception_is_a_warning_until_acknowledged(demo_app):

    with sqlite3.connect(demo_app) as conn:  # a dossier whose candidate is past 60 at the vote
        (cid,) = conn.execute("SELECT c.id FROM candidate c JOIN organization o ON o.id = c.organization_id "
                              "WHERE o.code LIKE 'KB-HDND-%' AND c.stage = 'dossier' AND c.exit IS NULL").fetchone()
        conn.execute("UPDATE candidate SET birth_date = '1960-01-01', sponsor1_name = 'A', sponsor1_since = '2020-01-01',"
                     " sponsor2_name = 'B', sponsor2_since = '2020-01-01' WHERE id = ?", (cid,))
    complete_dossier(demo_app, cid)
    at = open_page("bithu.hdnd", "pages/candidate.py", id=str(cid))
    before = totals(demo_app)
    at.button(key="FormSubmitter:record_stage-Ghi bước").click().run()
    assert [shown(e) for e in at.error] == ["Không thể ghi: Cần ghi ngày (ngày/tháng/năm)."]  # the form opens empty
    widget(at.date_input, "step_date").set_value(current_day())
    widget(at.number_input, "step_members_total").set_value(14)
    widget(at.number_input, "step_votes_for").set_value(10)
    at.button(key="FormSubmitter:record_stage-Ghi bước").click().run()
    assert "Cần xác nhận ngoại lệ" in shown(at.warning[0]) and not at.error
    assert totals(demo_app) == before
    widget(at.checkbox, "step_ack").check()
    at.button(key="FormSubmitter:record_stage-Ghi bước").click().run()
    acknowledged = query(demo_app, "SELECT acknowledged FROM stage_event WHERE candidate_id = ? ORDER BY id DESC LIMIT 1",
                         cid)
    assert acknowledged == [("over_age",)]


CHI_BO_CITATION = "(Điều lệ Đảng, Điều 4, khoản 3; Hướng dẫn 06-HD/TW, điểm 3.6b)"


def test_the_step_form_asks_the_chi_bos_official_members_and_refuses_8_of_14_citing_the_charter(demo_app):
    cid = hdnd_candidate(demo_app, "dossier")
    with sqlite3.connect(demo_app) as conn:  # eligible in every other respect
        conn.execute("UPDATE candidate SET birth_date = '1990-01-01', sponsor1_name = 'A', sponsor1_since = '2020-01-01', "
                     "sponsor2_name = 'B', sponsor2_since = '2020-01-01' WHERE id = ?", (cid,))
    complete_dossier(demo_app, cid)
    at = open_page("bithu.hdnd", "pages/candidate.py", id=str(cid))
    assert [n.label for n in at.number_input] == [
        "Tổng số đảng viên chính thức của chi bộ (nghị quyết đảng ủy: tổng số cấp ủy viên)",
        "Số đảng viên tạm chuyển sinh hoạt, được miễn sinh hoạt (chỉ nghị quyết chi bộ)",
        "Số đảng viên chính thức dự họp (hoặc cấp ủy viên dự họp)",
        "Số phiếu tán thành (nếu là nghị quyết)",
        "Số phiếu không tán thành (nghị quyết công nhận chính thức)",
    ]
    assert "không phải 2/3 số dự họp" in texts(at)
    before = totals(demo_app)
    widget(at.selectbox, "step_stage").select("branch_resolution")
    widget(at.date_input, "step_date").set_value(current_day())
    widget(at.number_input, "step_members_total").set_value(14)
    widget(at.number_input, "step_votes_total").set_value(10)
    widget(at.number_input, "step_votes_for").set_value(8)  # 8 of the 10 present, but of 14 official members
    widget(at.checkbox, "step_ack").check()
    at.button(key="FormSubmitter:record_stage-Ghi bước").click().run()
    (error,) = [shown(e) for e in at.error]
    assert error == ("Không thể ghi: Số phiếu tán thành 8/14 đảng viên chính thức của chi bộ (14 đảng viên chính thức, "
                     "trừ 0 tạm chuyển hoặc miễn sinh hoạt) chưa đạt 2/3: cần ít nhất 10 phiếu (mẫu số là số đảng viên "
                     "chính thức, không phải số dự họp). " + CHI_BO_CITATION)
    assert totals(demo_app) == before and query(demo_app, "SELECT stage FROM candidate WHERE id = ?", cid) == [("dossier",)]
    widget(at.number_input, "step_votes_for").set_value(13)  # more in favour than present, and present > 14 − 5
    widget(at.number_input, "step_members_excused").set_value(5)
    at.button(key="FormSubmitter:record_stage-Ghi bước").click().run()
    (error,) = [shown(e) for e in at.error]
    assert "Số đảng viên chính thức dự họp (10) lớn hơn số được tính (9 = 14 − 5" in error
    assert "Số phiếu tán thành (13) lớn hơn số dự họp (10)" in error
    assert totals(demo_app) == before
    widget(at.number_input, "step_votes_for").set_value(10)
    widget(at.number_input, "step_members_excused").set_value(None)
    at.button(key="FormSubmitter:record_stage-Ghi bước").click().run()
    assert not at.error, [shown(e) for e in at.error]
    assert query(demo_app, "SELECT votes_for, votes_total, members_total, members_excused FROM stage_event "
                           "WHERE candidate_id = ? AND stage = 'branch_resolution'", cid) == [(10, 10, 14, None)]
    assert "10/14 phiếu tán thành, 10 dự họp" in texts(at)  # the history's vote column


def test_a_resolution_recorded_before_the_denominators_is_flagged_on_the_record_and_for_the_admin(demo_app):
    (cid, event_id) = query(demo_app, "SELECT c.id, e.id FROM candidate c JOIN organization o ON o.id = c.organization_id "
                                      "JOIN stage_event e ON e.candidate_id = c.id WHERE o.code LIKE 'KB-HDND-%' "
                                      "AND e.stage = 'branch_resolution' ORDER BY c.id LIMIT 1")[0]
    with sqlite3.connect(demo_app) as conn:  # as migration 0005 leaves an old resolution
        conn.execute("UPDATE stage_event SET members_total = NULL, members_excused = NULL WHERE id = ?", (event_id,))
    at = open_page("bithu.hdnd", "pages/candidate.py", id=str(cid))
    assert "chưa ghi số đảng viên chính thức, chưa xác định được đã đạt 2/3 hay chưa" in texts(at)
    admin = open_admin("admin.audit")
    (expander,) = [e for e in admin.expander if e.label.startswith("Nghị quyết chưa chứng minh")]
    assert expander.label == "Nghị quyết chưa chứng minh được tỷ lệ 2/3 (1)"
    assert "Dữ liệu cũ được giữ nguyên" in texts(admin)


def test_a_future_date_typed_is_refused_never_replaced(demo_app):
    """The widgets take any day typed (the browser would otherwise keep the old one and the
    form save it): a day after today is refused in Vietnamese and nothing is written."""
    cid = hdnd_candidate(demo_app, "source")
    at = open_page("bithu.hdnd", "pages/candidate.py", id=str(cid))
    before = totals(demo_app)
    future = current_day().replace(year=current_day().year + 1)
    widget(at.date_input, "step_date").set_value(future)
    at.button(key="FormSubmitter:record_stage-Ghi bước").click().run()
    assert any("tương lai" in shown(e) for e in at.error)
    assert totals(demo_app) == before
    branch = open_page("bithu.hdnd", "pages/branch.py")
    before = totals(demo_app)  # (signing in again is audited)
    branch.selectbox(key="add_cell").select("KB-HDND-02")
    branch.date_input(key="add_source_date").set_value(future)
    fill_candidate(branch, "add", "Ngày Mai Mới Vào")
    branch.button(key="FormSubmitter:add_candidate-Thêm quần chúng vào diện tạo nguồn").click().run()
    assert any("tương lai" in shown(e) for e in branch.error)
    assert totals(demo_app) == before


def test_a_candidate_with_only_a_name_is_refused_listing_everything_missing(demo_app):
    at = open_page("bithu.hdnd", "pages/branch.py")
    before = totals(demo_app)
    at.text_input(key="add_name").input("Chỉ Có Tên")
    at.button(key="FormSubmitter:add_candidate-Thêm quần chúng vào diện tạo nguồn").click().run()
    assert [shown(e) for e in at.error] == [
        "Còn thiếu: Ngày sinh, Giới tính, Dân tộc, Tôn giáo, Trình độ giáo dục phổ thông, Trình độ chuyên môn, "
        "Nghề nghiệp.",
        "Cần chọn chi bộ.",
        "Cần ghi «Ngày đưa vào diện tạo nguồn» (ngày/tháng/năm).",
    ]
    assert totals(demo_app) == before
    assert query(demo_app, "SELECT count(*) FROM candidate WHERE full_name = 'Chỉ Có Tên'") == [(0,)]


def test_each_step_form_opens_empty_after_a_step(demo_app):
    cid = hdnd_candidate(demo_app, "source")
    at = open_page("bithu.hdnd", "pages/candidate.py", id=str(cid))
    widget(at.date_input, "step_date").set_value(current_day())
    widget(at.text_input, "step_document").input("45-NQ/ĐU")
    widget(at.number_input, "step_votes_for").set_value(10)
    widget(at.number_input, "step_votes_total").set_value(12)
    widget(at.number_input, "step_members_total").set_value(14)
    at.button(key="FormSubmitter:record_stage-Ghi bước").click().run()
    assert query(demo_app, "SELECT stage FROM candidate WHERE id = ?", cid) == [("outstanding",)]
    assert [shown(t) for t in at.toast][0].startswith("Đã ghi bước «Quần chúng ưu tú")
    # The next step's form holds nothing of the last one.
    assert widget(at.date_input, "step_date").value is None
    assert widget(at.text_input, "step_document").value == ""
    assert widget(at.number_input, "step_votes_for").value is None and widget(at.number_input, "step_votes_total").value is None


def test_a_finished_year_is_seen_at_its_end(demo_app):
    at = open_page("lanhdao", "pages/overview.py", year="2023")
    assert at.date_input(key="f_asof").value == date(2023, 12, 31)
    later = open_page("lanhdao", "pages/overview.py", year="2023", asof=current_day().isoformat())
    assert later.date_input(key="f_asof").value == date(2023, 12, 31)  # the same figures, said as they are


def audit_sentences(at) -> list[str]:
    """The sentences of the audit table shown (the one headed "Nội dung")."""
    frames = [df.value for df in at.dataframe if list(df.value.columns) == ["Nội dung"]]
    assert len(frames) == 1
    return list(frames[0]["Nội dung"])


RAW_WORDS = ("before", "after", "organization #", "candidate #", "entity", "{")


def test_the_candidate_trail_reads_as_sentences(demo_app):
    cid = hdnd_candidate(demo_app, "source")
    name = query(demo_app, "SELECT full_name FROM candidate WHERE id = ?", cid)[0][0]
    at = open_page("bithu.hdnd", "pages/candidate.py", id=str(cid))
    widget(at.date_input, "step_date").set_value(current_day())
    widget(at.text_input, "step_document").input("12-NQ/CB")
    at.button(key="FormSubmitter:record_stage-Ghi bước").click().run()
    (recorded_at,) = query(demo_app, "SELECT at FROM audit_entry WHERE entity = 'candidate' AND entity_id = ? "
                                     "AND action = 'record_stage'", cid)[0]
    when = fmt_datetime(datetime.fromisoformat(recorded_at))
    assert audit_sentences(at)[-1] == (f"{when} – bithu.hdnd ghi bước «Quần chúng ưu tú (cảm tình Đảng)» ngày "
                                       f"{fmt_date(current_day())} cho {name}, số văn bản 12-NQ/CB")
    shown = texts(at)
    assert not any(word in shown for word in RAW_WORDS)
    assert not [t for t in at.toggle if t.key == "audit_raw"]  # the raw values are the admin's
    admin = open_page("admin", "pages/candidate.py", id=str(cid))
    admin.toggle(key="audit_raw").set_value(True).run()
    raw = next(df.value for df in admin.dataframe if "Sau" in df.value.columns)
    assert '"document_number": "12-NQ/CB"' in raw["Sau"].iloc[-1] and "password_hash" not in raw.to_string()


def test_the_admin_audit_log_reads_as_sentences_with_raw_values_one_click_away(demo_app):
    at = open_admin("admin.users")
    at.selectbox(key="manage_username").select("bithu.tamchuc")
    at.radio(key="manage_action").set_value("disable")
    at.button(key="FormSubmitter:manage_user-Thực hiện").click().run()
    at.session_state["admin_tab"] = t("admin.audit")
    at.run()
    sentences = audit_sentences(at)
    (disabled_at,) = query(demo_app, "SELECT at FROM audit_entry WHERE action = 'disable_user'")[0]
    assert sentences[0] == f"{fmt_datetime(datetime.fromisoformat(disabled_at))} – admin khóa tài khoản bithu.tamchuc"
    assert any("tạo tài khoản bithu.hdnd (" in s and f"vai trò «Bí thư», thuộc {HDND}" in s  # its name when the account was made
               for s in sentences)
    assert any(s.endswith(" – demo nạp dữ liệu mẫu: 244 tổ chức, " + s.split("244 tổ chức, ")[-1]) for s in sentences)
    assert not any(word in texts(at) for word in RAW_WORDS)
    at.toggle(key="audit_raw").set_value(True).run()
    raw = next(df.value for df in at.dataframe if "Trước" in df.value.columns)
    assert list(raw.columns) == ["Thời điểm", "Tên đăng nhập", "Thao tác", "Đối tượng", "Số hiệu bản ghi", "Trước", "Sau"]
    assert raw["Thao tác"].iloc[0] == "Khóa tài khoản" and '"active": false' in raw["Sau"].iloc[0]
    assert "password_hash" not in raw.to_string()


def test_the_step_form_records_a_recognition_vote_short_of_two_thirds_without_entering_the_stage(demo_app):
    [(cid,)] = query(demo_app, "SELECT id FROM candidate WHERE stage = 'admitted' AND exit IS NULL AND "
                               "admitted_date < '2025-10-01' AND new_member_class_date IS NOT NULL ORDER BY id LIMIT 1")
    at = open_page("admin", "pages/candidate.py", id=str(cid))
    assert widget(at.selectbox, "step_stage").value == "recognition_branch"
    assert "13-KNĐ" in texts(at)

    def short_vote():
        widget(at.date_input, "step_date").set_value(current_day())
        widget(at.number_input, "step_members_total").set_value(14)
        widget(at.number_input, "step_votes_total").set_value(12)
        widget(at.number_input, "step_votes_for").set_value(8)
        widget(at.number_input, "step_votes_against").set_value(4)
        at.button(key="FormSubmitter:record_stage-Ghi bước").click().run()
    # Refused while the recognition papers (10-, 11-, 12-KNĐ) are not recorded; then recorded.
    short_vote()
    assert "hồ sơ còn thiếu Bản tự kiểm điểm của đảng viên dự bị (mẫu 10-KNĐ)" in shown(at.error[0])
    assert query(demo_app, "SELECT recognition_failed_votes FROM candidate WHERE id = ?", cid) == [(0,)]
    for kind in ("10_knd", "11_knd", "12_knd"):
        widget(at.selectbox, "paper_kind").select(kind)
        widget(at.date_input, "paper_date").set_value(current_day())
        at.button(key="FormSubmitter:record_paper-Ghi giấy tờ").click().run()
        assert not at.error, [shown(e) for e in at.error]
    short_vote()
    assert not at.error, [shown(e) for e in at.error]
    assert "bước «Chi bộ đề nghị công nhận chính thức» chưa được ghi nhận" in texts(at)
    assert query(demo_app, "SELECT stage, recognition_failed_votes FROM candidate WHERE id = ?", cid) == [("admitted", 1)]
    assert "8/14 phiếu tán thành, 12 dự họp, 4 không tán thành" in texts(at)  # the history's vote column
    widget(at.date_input, "step_date").set_value(current_day())
    widget(at.number_input, "step_members_total").set_value(14)
    widget(at.number_input, "step_votes_total").set_value(12)
    widget(at.number_input, "step_votes_for").set_value(10)
    at.button(key="FormSubmitter:record_stage-Ghi bước").click().run()
    assert not at.error, [shown(e) for e in at.error]
    assert query(demo_app, "SELECT stage FROM candidate WHERE id = ?", cid) == [("recognition_branch",)]
