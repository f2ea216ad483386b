"""Quản trị on a tree too large to offer as one list (issue 18): the demo with the limit of
core.structure.organizations.WHOLE_LIST_LIMIT lowered below its 244 organizations, so the
forms choose level by level, as they do at a province's or the whole Party's size."""
from __future__ import annotations

import sqlite3

import pytest

from core.i18n import t
from core.structure import organizations
from tests.apptest import open_admin, shown, texts


@pytest.fixture
def large(demo_app, monkeypatch):
    monkeypatch.setattr(organizations, "WHOLE_LIST_LIMIT", 20)
    return demo_app


def query(db, sql: str, *args):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, args).fetchall()


def level(at, key: str, n: int):
    return at.selectbox(key=f"{key}__{n}")


def test_an_organization_is_added_under_one_chosen_level_by_level(large):
    at = open_admin("admin.organizations")
    assert not [s for s in at.selectbox if s.key == "org_parent"]  # no list of every organization
    top = level(at, "org_parent", 0)
    (root, root_name), = query(large, "SELECT code, name FROM organization WHERE parent_id IS NULL AND valid_to IS NULL")
    wards = [name for (name,) in query(large, "SELECT c.name FROM organization c JOIN organization p ON p.id = c.parent_id "
                                              "WHERE p.code = ? AND c.valid_to IS NULL AND c.active AND c.kind <> 'cell'",
                                       root)]
    # The admin's own organization, then those under it that can have organizations under them.
    assert top.value is None and top.options[0] == root_name and sorted(top.options[1:]) == sorted(wards)
    top.select("NB-TAMCHUC").run()
    below = level(at, "org_parent", 1)
    assert below.value == "NB-TAMCHUC"  # the commune itself until one under it is chosen
    assert below.label == t("pick.under", name=query(large, "SELECT name FROM organization WHERE code = 'NB-TAMCHUC'")[0][0])
    at.text_input(key="org_code").input("NB-TAMCHUC-98")
    at.text_input(key="org_name").input("Chi bộ tổ dân phố Mới")
    at.selectbox(key="org_kind").select("cell")
    at.selectbox(key="org_sector").select("urban")
    at.button(key="FormSubmitter:add_org-Thêm tổ chức").click().run()
    assert not at.exception and not at.error
    assert query(large, "SELECT p.code FROM organization o JOIN organization p ON p.id = o.parent_id "
                        "WHERE o.code = 'NB-TAMCHUC-98'") == [("NB-TAMCHUC",)]
    assert not [s for s in at.selectbox if s.key == "org_parent__1"]  # emptied after the success, levels too


def test_the_table_shows_one_organization_and_those_under_it(large):
    at = open_admin("admin.organizations")
    shown_codes = next(d.value for d in at.dataframe if t("org.code") in d.value.columns)[t("org.code")].tolist()
    (root,) = query(large, "SELECT code FROM organization WHERE parent_id IS NULL AND valid_to IS NULL")[0]
    under = query(large, "SELECT count(*) FROM organization c JOIN organization p ON p.id = c.parent_id WHERE p.code = ?",
                  root)[0][0]
    assert shown_codes[0] == root and len(shown_codes) == 1 + under < 244
    level(at, "org_browse", 0).select("NB-TAMCHUC").run()
    shown_codes = next(d.value for d in at.dataframe if t("org.code") in d.value.columns)[t("org.code")].tolist()
    assert shown_codes == ["NB-TAMCHUC", *[c for (c,) in query(
        large, "SELECT c.code FROM organization c JOIN organization p ON p.id = c.parent_id "
               "WHERE p.code = 'NB-TAMCHUC' ORDER BY c.path")]]


def test_a_merge_gathers_its_sources_one_by_one(large):
    at = open_admin("admin.organizations", "reorg.tab")
    at.radio(key="reorg_kind").set_value("merge").run()
    assert at.multiselect(key="reorg_merge_sources").options == []
    for code in ("NB-TAMCHUC", "NB-KIMBANG"):
        level(at, "reorg_merge_sources__add", 0).select(code).run()
        at.button(key="reorg_merge_sources__add_button").click().run()
    assert at.multiselect(key="reorg_merge_sources").value == ["NB-TAMCHUC", "NB-KIMBANG"]
    assert level(at, "reorg_merge_sources__add", 0).value is None  # ready for the next one
    target = level(at, "reorg_merge_target", 0)
    assert "NB-TAMCHUC" not in target.options and "NB-KIMBANG" not in target.options  # not into itself


def test_users_are_searched_and_paged(large, monkeypatch):
    at = open_admin("admin.users")
    at.text_input(key="users_find").input("bithu").run()
    listed = next(d.value for d in at.dataframe if t("col.username") in d.value.columns)
    assert listed[t("col.username")].tolist() == ["bithu.hdnd", "bithu.tamchuc"]
    assert at.selectbox(key="manage_username").options == ["bithu.hdnd", "bithu.tamchuc"]
    assert t("admin.users_shown", shown="2", total="2") in texts(at)
    at.text_input(key="users_find").input("không-có-ai").run()
    assert not at.exception and t("admin.users_shown", shown="0", total="0") in [shown(c) for c in at.caption]
