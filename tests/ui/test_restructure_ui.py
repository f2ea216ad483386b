"""Quản trị → Tổ chức đảng → Sắp xếp tổ chức through AppTest (ui/restructure.py): a preview
writes nothing and shows what would change, a confirmation writes exactly what was previewed,
a refusal shows its Vietnamese message and writes nothing, and a preview outdated by an edit
or by a change made meanwhile is never written unseen.

The organizations are looked up in the demo database by what they are (two communes with chi
bộ under the same parent...), not by name, and the effective date is today: every change the
demo holds is on or before it."""
from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import select

from core.config import current_day
from core.format import fmt_date
from core.i18n import label, t
from core.storage.db import make_engine, session_scope
from core.storage.models import Organization
from core.structure.restructure import default_part
from tests.apptest import open_admin, shown, texts
from tests.factories import add_candidate
from tests.pages.test_workspace import query, totals

TODAY = current_day()
YESTERDAY = TODAY - timedelta(days=1)
LIVE = "o.valid_to IS NULL AND o.active = 1"
NOT_CELL = "o.kind NOT IN ('cell', 'grassroots_cell')"


def changes(db) -> list[tuple]:
    return query(db, "SELECT kind, effective_date, document_number, recorded_by FROM restructuring ORDER BY id")


def committees_with_cells(db) -> list[tuple[str, str, str, str]]:
    """(code, name, kind, parent code) of the live organizations that have live organizations
    under them and no candidate of their own, in tree order."""
    return query(db, f"""SELECT o.code, o.name, o.kind, p.code FROM organization o JOIN organization p ON p.id = o.parent_id
                         WHERE {LIVE} AND {NOT_CELL} AND NOT EXISTS (SELECT 1 FROM candidate c WHERE c.organization_id = o.id)
                         AND EXISTS (SELECT 1 FROM organization k WHERE k.parent_id = o.id AND k.valid_to IS NULL)
                         ORDER BY o.path""")


def two_siblings(db) -> tuple[tuple, tuple]:
    rows = committees_with_cells(db)
    return next((a, b) for a in rows for b in rows if a[0] < b[0] and a[3] == b[3])


def children(db, code: str) -> list[tuple[str, str]]:
    return query(db, "SELECT o.code, o.name FROM organization o JOIN organization p ON p.id = o.parent_id "
                     "WHERE p.code = ? AND o.valid_to IS NULL ORDER BY o.path", code)


def parent_of(db, code: str) -> str:
    return query(db, "SELECT p.code FROM organization o JOIN organization p ON p.id = o.parent_id WHERE o.code = ?",
                 code)[0][0]


def plan(db, code: str, year: int) -> int:
    rows = query(db, "SELECT y.target FROM year_plan y JOIN organization o ON o.id = y.organization_id "
                     "WHERE o.code = ? AND y.year = ?", code, year)
    return rows[0][0] if rows else 0


def table(at, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def errors(at) -> list[str]:
    return [shown(e) for e in at.error]


def admin_page(kind: str):
    at = open_admin("admin.organizations", "reorg.tab")
    at.radio(key="reorg_kind").set_value(kind).run()
    return at


def test_a_merge_into_a_new_commune_is_previewed_without_writing_then_written_as_previewed(demo_app):
    (first, first_name, kind, parent), (second, second_name, _, _) = two_siblings(demo_app)
    moved = len(children(demo_app, first)) + len(children(demo_app, second))
    at = admin_page("merge")
    at.multiselect(key="reorg_merge_sources").select(first).select(second).run()
    at.radio(key="reorg_merge_into_new").set_value(True).run()
    at.selectbox(key="reorg_merge_new_parent").select(parent)
    at.text_input(key="reorg_merge_new_code").input("XA-HOP-NHAT")
    at.text_input(key="reorg_merge_new_name").input("Đảng ủy xã Hợp Nhất")
    at.selectbox(key="reorg_merge_new_kind").select(kind)
    at.selectbox(key="reorg_merge_new_sector").select("rural")
    at.date_input(key="reorg_merge_date").set_value(TODAY)
    at.text_input(key="reorg_merge_document").input("1234-QĐ/TU").run()
    # The part of this year's plan kept by each commune merged, filled in by days.
    part_key = f"reorg_merge_part_{first}_{TODAY.isoformat()}"
    first_target = plan(demo_app, first, TODAY.year)
    assert first_target > 0
    assert at.number_input(key=part_key).value == default_part(first_target, TODAY)
    at.number_input(key=part_key).set_value(first_target - 1)
    before, earlier = totals(demo_app), changes(demo_app)

    at.button(key="reorg_merge_preview").click().run()
    assert not at.exception and errors(at) == []
    assert totals(demo_app) == before and changes(demo_app) == earlier  # nothing written
    seen = texts(at)
    assert "Xem trước – chưa ghi gì" in seen
    assert f"Thành lập từ ngày {fmt_date(TODAY)}: Đảng ủy xã Hợp Nhất." in seen
    assert f"Kết thúc hoạt động sau ngày {fmt_date(YESTERDAY)}: {first_name}, {second_name}." in seen
    plans = table(at, "Chỉ tiêu trước")
    assert {"Tổ chức đảng": first_name, "Năm": str(TODAY.year), "Chỉ tiêu trước": str(first_target),
            "Chỉ tiêu sau": str(first_target - 1)} in plans.to_dict("records")
    figures = table(at, "Trước thay đổi").set_index("Tổ chức đảng")
    parent_name = query(demo_app, "SELECT name FROM organization WHERE code = ?", parent)[0][0]
    # The parent adds up across the merge: its figures are the same before and after.
    assert figures.loc[parent_name, "Trước thay đổi"] == figures.loc[parent_name, "Sau thay đổi"]
    assert figures.loc["Đảng ủy xã Hợp Nhất", "Trước thay đổi"] == "(chưa có)"
    assert figures.loc["Đảng ủy xã Hợp Nhất", "Tính trong năm (sau thay đổi)"] == f"từ {fmt_date(TODAY)}"

    at.button(key="reorg_merge_confirm").click().run()
    assert not at.exception and errors(at) == []
    assert f"Đã ghi thay đổi «Sáp nhập, hợp nhất», hiệu lực từ ngày {fmt_date(TODAY)}." in texts(at)
    assert changes(demo_app) == [*earlier, ("merge", TODAY.isoformat(), "1234-QĐ/TU", "admin")]
    assert query(demo_app, "SELECT code, valid_to, active FROM organization WHERE code IN (?, ?) ORDER BY code",
                 first, second) == sorted([(first, YESTERDAY.isoformat(), 0), (second, YESTERDAY.isoformat(), 0)])
    assert query(demo_app, "SELECT valid_from FROM organization WHERE code = 'XA-HOP-NHAT'") == [(TODAY.isoformat(),)]
    assert parent_of(demo_app, "XA-HOP-NHAT") == parent
    assert len(children(demo_app, "XA-HOP-NHAT")) == moved
    assert plan(demo_app, first, TODAY.year) == first_target - 1  # the part the admin gave
    assert "Xem trước – chưa ghi gì" not in texts(at)  # the form and its preview are emptied
    # Every organization that moved with them: the children and what stands under them.
    (below,), = query(demo_app, "SELECT count(*) FROM organization o, organization n WHERE n.code = 'XA-HOP-NHAT' "
                                "AND o.path LIKE n.path || '%' AND o.id <> n.id AND o.valid_to IS NULL")
    sentence = f"admin hợp nhất {first_name}, {second_name} thành Đảng ủy xã Hợp Nhất (thành lập mới), hiệu lực từ ngày " \
               f"{fmt_date(TODAY)}, số văn bản 1234-QĐ/TU; chuyển theo: {below} tổ chức"
    at.session_state["admin_tab"] = t("admin.audit")
    at.run()
    assert sentence in texts(at)  # the audit log, the same page's last tab


def movable_cell(db) -> tuple[str, str]:
    """A live chi bộ with candidates, and a live organization of another parent it may go under."""
    cell, parent = query(db, f"""SELECT o.code, p.code FROM organization o JOIN organization p ON p.id = o.parent_id
                                 WHERE {LIVE} AND o.kind = 'cell'
                                 AND EXISTS (SELECT 1 FROM candidate c WHERE c.organization_id = o.id) ORDER BY o.path""")[0]
    other = next(code for code, _, _, _ in committees_with_cells(db) if code != parent)
    return cell, other


def test_a_preview_edited_or_overtaken_by_a_change_meanwhile_is_never_written(demo_app):
    cell, new_parent = movable_cell(demo_app)
    old_parent = parent_of(demo_app, cell)
    at = admin_page("move")
    at.selectbox(key="reorg_move_code").select(cell)
    at.selectbox(key="reorg_move_parent").select(new_parent)
    at.date_input(key="reorg_move_date").set_value(TODAY).run()
    at.button(key="reorg_move_preview").click().run()
    assert "Xem trước – chưa ghi gì" in texts(at)
    # A field changed after the preview: the confirmation is gone until the next preview.
    at.text_input(key="reorg_move_document").input("15-QĐ/TU").run()
    assert "Thông tin đã sửa sau lần xem trước: bấm «Xem trước» lại để xem kết quả rồi mới xác nhận." in texts(at)
    assert "reorg_move_confirm" not in [b.key for b in at.button]
    at.button(key="reorg_move_preview").click().run()
    earlier = changes(demo_app)
    # Meanwhile someone lists one more candidate in the chi bộ: the move would carry one more.
    engine = make_engine(f"sqlite:///{demo_app}")
    with session_scope(engine) as session:
        add_candidate(session, session.exec(select(Organization).where(Organization.code == cell)).one(), {})
    engine.dispose()
    at.button(key="reorg_move_confirm").click().run()
    assert errors(at) == [t("reorg.changed_since_preview")]
    assert changes(demo_app) == earlier and parent_of(demo_app, cell) == old_parent
    at.run()
    assert "reorg_move_confirm" not in [b.key for b in at.button]  # to be previewed again
    at.button(key="reorg_move_preview").click().run()
    at.button(key="reorg_move_confirm").click().run()
    assert errors(at) == [] and parent_of(demo_app, cell) == new_parent
    assert changes(demo_app) == [*earlier, ("move", TODAY.isoformat(), "15-QĐ/TU", "admin")]


def test_refusals_show_their_message_and_write_nothing(demo_app):
    (code, name, _, _), _ = two_siblings(demo_app)
    at = admin_page("dissolve")
    before, earlier = totals(demo_app), changes(demo_app)
    at.selectbox(key="reorg_dissolve_code").select(code)
    at.date_input(key="reorg_dissolve_date").set_value(TODAY).run()
    at.button(key="reorg_dissolve_preview").click().run()
    assert t("restructure.children_left", org=name, count=len(children(demo_app, code))) in errors(at)
    assert "Xem trước – chưa ghi gì" not in texts(at)

    at.radio(key="reorg_kind").set_value("move").run()
    cell, new_parent = movable_cell(demo_app)
    at.selectbox(key="reorg_move_code").select(cell)
    at.selectbox(key="reorg_move_parent").select(new_parent)
    at.date_input(key="reorg_move_date").set_value(TODAY + timedelta(days=1)).run()
    at.button(key="reorg_move_preview").click().run()
    assert errors(at) == [t("restructure.future", date=fmt_date(TODAY + timedelta(days=1)))]
    # A year typed wrong reaches the check (the widget takes it) and is said, not dropped.
    at.date_input(key="reorg_move_date").set_value(date(2206, 7, 1)).run()
    at.button(key="reorg_move_preview").click().run()
    assert errors(at) == ["Ngày 01/07/2206 nằm ngoài khoảng nhận được (từ 01/01/1900 đến 31/12/2100): "
                          "xin kiểm tra lại năm."]

    at.radio(key="reorg_kind").set_value("merge").run()
    at.multiselect(key="reorg_merge_sources").select(code)
    at.date_input(key="reorg_merge_date").set_value(TODAY).run()
    at.button(key="reorg_merge_preview").click().run()  # neither an organization to merge into nor a new one
    assert errors(at) == [t("restructure.target_required")]
    assert totals(demo_app) == before and changes(demo_app) == earlier


def test_a_dated_rename_keeps_the_old_name_for_the_days_before(demo_app):
    (code, name, kind, _), _ = two_siblings(demo_app)
    at = admin_page("rename")
    at.selectbox(key="reorg_rename_code").select(code).run()
    assert at.selectbox(key=f"reorg_rename_kind_{code}").value == kind  # filled with what it is
    assert at.text_input(key=f"reorg_rename_name_{code}").value == name
    at.text_input(key=f"reorg_rename_name_{code}").input("Đảng ủy xã Mới Tên")
    at.date_input(key="reorg_rename_date").set_value(TODAY).run()
    at.button(key="reorg_rename_preview").click().run()
    assert (f"Từ ngày {fmt_date(TODAY)}: «{name}» ({label('kind', kind)}) thành «Đảng ủy xã Mới Tên» "
            f"({label('kind', kind)}); trước ngày đó vẫn dùng tên cũ.") in texts(at)
    assert "Không có kế hoạch nào thay đổi." in texts(at)
    at.button(key="reorg_rename_confirm").click().run()
    assert errors(at) == []
    assert query(demo_app, "SELECT name FROM organization WHERE code = ?", code) == [("Đảng ủy xã Mới Tên",)]
    assert query(demo_app, "SELECT e.name, e.valid_to FROM organization_era e JOIN organization o "
                           "ON o.id = e.organization_id WHERE o.code = ? ORDER BY e.id DESC LIMIT 1", code) == [
        (name, YESTERDAY.isoformat())]
    at.session_state["admin_tab"] = t("admin.audit")
    at.run()
    assert f"admin đổi tên «{name}» thành «Đảng ủy xã Mới Tên» từ ngày {fmt_date(TODAY)}" in texts(at)


def test_a_split_gives_each_chi_bo_its_receiving_organization(demo_app):
    (source, source_name, kind, parent), (sibling, _, _, _) = two_siblings(demo_app)
    cells = children(demo_app, source)
    at = admin_page("split")
    at.selectbox(key="reorg_split_source").select(source)
    at.selectbox(key="reorg_split_count").select(1).run()
    at.selectbox(key="reorg_split_new0_parent").select(parent)
    at.text_input(key="reorg_split_new0_code").input("XA-TACH-MOI")
    at.text_input(key="reorg_split_new0_name").input("Đảng ủy xã Tách Mới")
    at.selectbox(key="reorg_split_new0_kind").select(kind)
    at.selectbox(key="reorg_split_new0_sector").select("rural").run()
    for n, (cell, _) in enumerate(cells):
        at.selectbox(key=f"reorg_split_to_{cell}").select("XA-TACH-MOI" if n % 2 == 0 else sibling)
    at.date_input(key="reorg_split_date").set_value(TODAY).run()
    assert at.selectbox(key=f"reorg_split_to_{cells[0][0]}").format_func("XA-TACH-MOI") == "Đảng ủy xã Tách Mới (mới)"
    before = totals(demo_app)
    at.button(key="reorg_split_preview").click().run()
    assert errors(at) == [] and totals(demo_app) == before
    assert f"Kết thúc hoạt động sau ngày {fmt_date(YESTERDAY)}: {source_name}." in texts(at)
    at.button(key="reorg_split_confirm").click().run()
    assert errors(at) == []
    assert [parent_of(demo_app, cell) for cell, _ in cells] == [
        "XA-TACH-MOI" if n % 2 == 0 else sibling for n in range(len(cells))]
    assert query(demo_app, "SELECT valid_to FROM organization WHERE code = ?", source) == [(YESTERDAY.isoformat(),)]


def test_a_new_root_above_the_tree_takes_the_admin_with_it(demo_app):
    root, root_name = query(demo_app, "SELECT code, name FROM organization WHERE parent_id IS NULL AND valid_to IS NULL")[0]
    at = admin_page("new_root")
    at.text_input(key="reorg_new_root_new_code").input("TINH-NB")
    at.text_input(key="reorg_new_root_new_name").input("Đảng bộ tỉnh Ninh Bình")
    at.selectbox(key="reorg_new_root_new_kind").select("upper_committee")
    at.selectbox(key="reorg_new_root_new_sector").select("other")
    at.date_input(key="reorg_new_root_date").set_value(TODAY).run()
    at.button(key="reorg_new_root_preview").click().run()
    assert errors(at) == []
    figures = table(at, "Trước thay đổi").set_index("Tổ chức đảng")
    assert figures.loc["Đảng bộ tỉnh Ninh Bình", "Trước thay đổi"] == "(chưa có)"
    assert figures.loc["Đảng bộ tỉnh Ninh Bình", "Tính trong năm (sau thay đổi)"] == f"từ {fmt_date(TODAY)}"
    assert figures.loc[root_name, "Trước thay đổi"] == figures.loc[root_name, "Sau thay đổi"]
    at.button(key="reorg_new_root_confirm").click().run()
    assert errors(at) == []
    assert parent_of(demo_app, root) == "TINH-NB"
    assert query(demo_app, "SELECT o.code FROM app_user u JOIN organization o ON o.id = u.organization_id "
                           "WHERE u.username = 'admin'") == [("TINH-NB",)]
    assert table(at, "Mã").iloc[0]["Tổ chức đảng"] == "Đảng bộ tỉnh Ninh Bình"  # the tree now starts there
