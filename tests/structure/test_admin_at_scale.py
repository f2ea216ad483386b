"""What Quản trị reads at a province's or the whole Party's size (issue 18): the organizations
level by level (one organization's children, never the whole tree), the users a page at a
time and searched, each within the admin's subtree."""
from __future__ import annotations

import pytest

from core.access import users
from core.access.scope import Actor, ScopeError
from core.access.users import create_user, find_users, list_users, user_row
from core.procedure.stages import Role
from core.storage.db import session_scope
from core.structure import organizations
from core.structure.organizations import (
    chain_of,
    children_choices,
    is_whole_list,
    live_choices,
    live_count,
    organization_names,
    organization_versions,
    organizations_under,
    subtree_codes,
)
from tests.factories import add_org, district


@pytest.fixture
def tree(engine):
    with session_scope(engine) as s:
        orgs = district(s)
        closed = add_org(s, "C2-OLD", orgs["C2"], name="Chi bộ đã giải thể")
        closed.active = False
        for n, (name, org) in enumerate([("Nguyễn Văn An", "C1-A"), ("Trần Thị Bình", "C1-B"), ("Lê Văn Cường", "C2-C"),
                                          ("Phạm Đức Dũng", "S"), ("Hoàng An Khang", "C1")]):
            create_user(s, username=f"user{n}", display_name=name, password="MatKhau@2024", role="secretary",
                        organization=orgs[org], created_by="test")
    return engine, {code: o.path for code, o in orgs.items()}


def test_one_level_is_an_organizations_live_children_by_name(tree):
    engine, paths = tree
    admin = Actor("admin", Role.ADMIN, paths["D"])
    with session_scope(engine) as s:
        assert children_choices(s, admin, None) == {"D": "Huyện ủy D"}
        assert children_choices(s, admin, "D") == {"S": "Chi bộ Trường THPT S", "C1": "Đảng bộ xã C1",
                                                   "C2": "Đảng bộ xã C2"}
        assert children_choices(s, admin, "D", parents_only=True) == {"C1": "Đảng bộ xã C1", "C2": "Đảng bộ xã C2"}
        assert children_choices(s, admin, "C2") == {"C2-C": "Chi bộ thôn C"}  # the deactivated one is not offered
        assert chain_of(s, admin, "C1-B") == ["D", "C1", "C1-B"]
        assert [o.code for o in organizations_under(s, admin, "C2")] == ["C2", "C2-C", "C2-OLD"]
        assert subtree_codes(s, admin, "C2") == {"C2", "C2-C", "C2-OLD"}
        assert organization_names(s, admin, ["C2-C", "NOPE", "C1"]) == {"C2-C": "Chi bộ thôn C", "C1": "Đảng bộ xã C1"}
        commune = Actor("admin.c1", Role.ADMIN, paths["C1"])
        assert children_choices(s, commune, None) == {"C1": "Đảng bộ xã C1"}
        assert chain_of(s, commune, "C1-A") == ["C1", "C1-A"] and chain_of(s, commune, "C2-C") == []
        assert organization_versions(s, commune, ["C1-A", "C2-C"]) == {"C1-A": 1}
        with pytest.raises(ScopeError):
            children_choices(s, commune, "C2")
        with pytest.raises(ScopeError):
            organizations_under(s, commune, "D")


def test_a_tree_is_one_list_up_to_the_limit_and_level_by_level_beyond(tree, monkeypatch):
    engine, paths = tree
    admin = Actor("admin", Role.ADMIN, paths["D"])
    with session_scope(engine) as s:
        assert live_count(s, admin) == 7 and is_whole_list(s, admin)
        assert list(live_choices(s, admin, parents_only=True)) == ["D", "C1", "C2"]
        monkeypatch.setattr(organizations, "WHOLE_LIST_LIMIT", 6)
        assert live_count(s, admin) == 7 and not is_whole_list(s, admin)  # counted no further than needed
        monkeypatch.setattr(organizations, "WHOLE_LIST_LIMIT", 3)
        assert live_count(s, admin) == 4


def test_users_come_a_page_at_a_time_searched_by_name_within_the_subtree(tree):
    engine, paths = tree
    admin = Actor("admin", Role.ADMIN, paths["D"])
    with session_scope(engine) as s:
        assert [u["username"] for u in list_users(s, admin)] == [f"user{n}" for n in range(5)]
        first = find_users(s, admin, page=1, size=2)
        assert ([u["username"] for u in first.rows], first.total, first.page, first.pages) == (["user0", "user1"], 5, 1, 3)
        last = find_users(s, admin, page=9, size=2)  # past the end: the last page
        assert ([u["username"] for u in last.rows], last.page) == (["user4"], 3)
        found = find_users(s, admin, query="an")  # «An», «Khang»: the display name, any case
        assert [u["username"] for u in found.rows] == ["user0", "user4"] and found.total == 2
        assert find_users(s, admin, query="USER3").rows[0]["display_name"] == "Phạm Đức Dũng"
        for typed in ("đức dũng", "ĐỨC DŨNG", "pHẠM đỨC"):  # letters with diacritics in any case, on both databases
            assert [u["username"] for u in find_users(s, admin, query=typed).rows] == ["user3"], typed
        assert find_users(s, admin, query="%").total == 0  # a wildcard typed is a character
        assert not first.more
        commune = Actor("admin.c1", Role.ADMIN, paths["C1"])
        assert [u["username"] for u in find_users(s, commune).rows] == ["user0", "user1", "user4"]
        assert user_row(s, commune, "user2") is None and user_row(s, commune, "user1")["org_code"] == "C1-B"
        with pytest.raises(ScopeError):
            find_users(s, Actor("lanhdao", Role.LEADER, paths["D"]))


def test_users_are_counted_no_further_than_a_page_list_needs(tree, monkeypatch):
    engine, paths = tree
    monkeypatch.setattr(users, "USERS_COUNTED", 3)
    with session_scope(engine) as s:
        found = find_users(s, Actor("admin", Role.ADMIN, paths["D"]), size=2)
    assert (found.total, found.more, found.pages, [u["username"] for u in found.rows]) == (3, True, 2, ["user0", "user1"])
