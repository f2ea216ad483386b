"""Restructuring the tree with an effective date (core.structure.restructure), on both databases.

The district of tests/structure/conftest.py: D → C1 (A, B), C2 (C), S; E = 01/7/2025. Every
figure below is worked out by hand from the admissions the fixture writes (DECISIONS).
"""
from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import func
from sqlmodel import select

from core.access.scope import Actor, operator, root_organization
from core.errors import FormError
from core.procedure.pipeline import StaleEditError
from core.procedure.stages import OrgKind, Role, Sector
from core.storage import models
from core.storage.db import session_scope
from core.storage.models import (
    AuditEntry,
    Candidate,
    Organization,
    StageEvent,
    User,
    YearPlan,
)
from core.storage.versions import data_version
from core.structure import restructure
from core.structure.dated import era_at, eras_of, roots_on
from core.structure.restructure import NewOrg, default_part
from tests.factories import add_candidate, add_org, add_plan
from tests.structure.conftest import TODAY, E, everything, org, refused

DAY_BEFORE = E - timedelta(days=1)


def _plan(s, code: str, year: int) -> tuple[int, int | None] | None:
    row = s.exec(select(YearPlan).where(YearPlan.organization_id == org(s, code).id, YearPlan.year == year)).first()
    return None if row is None else (row.target, row.members_start)


def _users(s, code: str) -> set[str]:
    return set(s.exec(select(User.username).where(User.organization_id == org(s, code).id)).all())


def _admitted(f, *codes) -> tuple[int, ...]:
    return tuple(int(f.loc[c, "admitted"]) for c in codes)


def _screen(f):
    return f[["name", "parent_id", "path", "target", "admitted"]].fillna(0).to_dict("index")


def _new_commune(code="N", name="Đảng ủy xã Mới") -> NewOrg:
    return NewOrg(parent_code="D", code=code, name=name, kind=OrgKind.GRASSROOTS_COMMITTEE.value,
                  sector=Sector.RURAL.value)


# --- move ---------------------------------------------------------------------------------------

def test_a_move_keeps_the_days_before_and_moves_the_days_after(tree):
    before_2024 = _screen(tree.figures(year=2024))
    with session_scope(tree.engine) as s:
        b, c1_id, c2 = org(s, "C1-B"), org(s, "C1").id, org(s, "C2")
        old_path, c2_id, c2_path = b.path, c2.id, c2.path
        outcome = restructure.move(s, tree.admin, org_code="C1-B", new_parent_code="C2", effective_date=E, today=TODAY,
                                   document_number="12-QĐ/HU", expected_version=1)
        assert (outcome.organizations_moved, outcome.candidates_moved) == (1, 3)
    with session_scope(tree.engine) as s:
        b = org(s, "C1-B")
        assert (b.parent_id, b.path, b.depth, b.placed_from, b.version) == (c2_id, f"{c2_path}{b.id}/", 2, E, 2)
        [era] = s.exec(select(models.OrganizationEra).where(models.OrganizationEra.organization_id == b.id)).all()
        assert (era.parent_id, era.path, era.valid_from, era.valid_to) == (c1_id, old_path, None, DAY_BEFORE)
        assert era_at(s, b.id, DAY_BEFORE).parent_id == c1_id and era_at(s, b.id, E).parent_id == c2_id
        people = s.exec(select(Candidate).where(Candidate.organization_id == b.id)).all()
        assert {(p.org_path, p.placed_from) for p in people} == {(b.path, E)}
        places = s.exec(select(models.CandidatePlace)).all()
        assert sorted(p.candidate_id for p in places) == sorted(p.id for p in people)
        assert {(p.organization_id, p.org_path, p.valid_from, p.valid_to) for p in places} == {
            (b.id, old_path, None, DAY_BEFORE)}
    # A past year is what it was; E's year adds up across the move.
    assert _screen(tree.figures(year=2024)) == before_2024
    f = tree.figures(year=2025)
    assert _admitted(f, "C1", "C2", "C1-B", "D") == (3, 3, 2, 6)  # B's May admission in C1, October in C2
    assert f.loc["C1-B", "parent_id"] == f.loc["C2", "id"]  # what it was last in the year
    assert _admitted(tree.figures("C2", year=2025), "C2", "C1-B") == (3, 1)  # on C2's screen, its part in C2
    assert _admitted(tree.figures("C1", year=2025), "C1") == (3,)
    assert _admitted(tree.figures(year=2026), "C1", "C2", "D") == (0, 0, 0)
    assert list(tree.figures("C2", year=2026).index) == ["C2", "C1-B", "C2-C"]


def test_a_moved_subtree_changes_depth_and_paths_below_it(tree):
    with session_scope(tree.engine) as s:
        a_before, c2 = org(s, "C1-A"), org(s, "C2")
        s.add(Organization(code="C2-SUB", name="Đảng bộ bộ phận", parent_id=c2.id, path="/", depth=2,
                           kind=OrgKind.SUB_COMMITTEE.value, sector=Sector.RURAL.value))
        s.flush()
        sub = org(s, "C2-SUB")
        sub.path = f"{c2.path}{sub.id}/"
        old_a = a_before.path
    with session_scope(tree.engine) as s:
        outcome = restructure.move(s, tree.admin, org_code="C1", new_parent_code="C2-SUB", effective_date=E,
                                   today=TODAY)
        assert outcome.organizations_moved == 3  # C1, A, B
    with session_scope(tree.engine) as s:
        c1, a, sub = org(s, "C1"), org(s, "C1-A"), org(s, "C2-SUB")
        assert (c1.path, c1.depth) == (f"{sub.path}{c1.id}/", 3)
        assert (a.path, a.depth, a.placed_from, a.parent_id) == (f"{c1.path}{a.id}/", 4, E, c1.id)
        assert [(e.path, e.depth, e.end) for e in eras_of(s, a.id)] == [(old_a, 2, DAY_BEFORE), (a.path, 4, None)]
        assert set(s.exec(select(Candidate.org_path).where(Candidate.organization_id == a.id)).all()) == {a.path}
    f = tree.figures(year=2025, levels=3)
    assert _admitted(f, "C1", "C2", "C2-SUB", "D") == (4, 4, 2, 6)  # A's September, B's October under C2
    assert _admitted(tree.figures(year=2024), "C1", "C2", "D") == (1, 0, 1)


def test_the_paths_are_concatenated_in_sql_on_both_databases(tree):
    """_relocate writes `new || substr(path, n)`; on PostgreSQL `+` would be an error, on SQLite
    a number: both databases end with the text path."""
    with session_scope(tree.engine) as s:
        dialect = s.get_bind().dialect
        statement = restructure._moved_path(Organization.path, "/1/2/", "/1/3/2/")
        assert "||" in str(statement.compile(dialect=dialect))
        restructure.move(s, tree.admin, org_code="C1", new_parent_code="C2", effective_date=E, today=TODAY)
    with session_scope(tree.engine) as s:
        c1, c2, b = org(s, "C1"), org(s, "C2"), org(s, "C1-B")
        assert b.path == f"{c2.path}{c1.id}/{b.id}/"
        assert set(s.exec(select(Candidate.org_path).where(Candidate.organization_id == b.id)).all()) == {b.path}


def test_a_stale_version_a_future_date_or_a_date_before_the_last_change_is_refused(tree):
    with session_scope(tree.engine) as s:
        restructure.move(s, tree.admin, org_code="C1-B", new_parent_code="C2", effective_date=E, today=TODAY)
    rows = everything(tree.engine)
    with refused(tree.engine, StaleEditError) as (s, _):
        restructure.move(s, tree.admin, org_code="C1-B", new_parent_code="C1", effective_date=TODAY, today=TODAY,
                         expected_version=1)
    with refused(tree.engine, FormError, match="chưa đến") as (s, _):
        restructure.move(s, tree.admin, org_code="C1-A", new_parent_code="C2", effective_date=TODAY + timedelta(days=1),
                         today=TODAY)
    with refused(tree.engine, FormError, match="sớm hơn lần thay đổi trước") as (s, _):
        restructure.move(s, tree.admin, org_code="C1-B", new_parent_code="C1", effective_date=DAY_BEFORE, today=TODAY)
    # Where it goes counts too, from the day it stands where it stands now.
    with session_scope(tree.engine) as s:
        restructure.move(s, tree.admin, org_code="C2", new_parent_code="C1", effective_date=E, today=TODAY)
    rows = everything(tree.engine)
    with refused(tree.engine, FormError, match="sớm hơn lần thay đổi trước trong Đảng bộ xã C2") as (s, _):
        restructure.move(s, tree.admin, org_code="S", new_parent_code="C2", effective_date=DAY_BEFORE, today=TODAY)
    with session_scope(tree.engine) as s:  # a later change below the receiving one does not
        restructure.move(s, tree.admin, org_code="C1-A", new_parent_code="D", effective_date=DAY_BEFORE, today=TODAY)
    rows = everything(tree.engine)
    with refused(tree.engine, FormError, match="Chưa nhập ngày hiệu lực") as (s, _):
        restructure.move(s, tree.admin, org_code="C1-A", new_parent_code="C2", effective_date=None, today=TODAY)
    with refused(tree.engine, FormError, match="nằm trong") as (s, _):
        restructure.move(s, tree.admin, org_code="C1", new_parent_code="C2", effective_date=TODAY, today=TODAY)
    with refused(tree.engine, FormError, match="Chi bộ không có tổ chức trực thuộc") as (s, _):
        restructure.move(s, tree.admin, org_code="C1-A", new_parent_code="S", effective_date=TODAY, today=TODAY)
    assert everything(tree.engine) == rows


def test_a_move_on_the_day_of_the_last_change_is_allowed(tree):
    with session_scope(tree.engine) as s:
        restructure.move(s, tree.admin, org_code="C1-B", new_parent_code="C2", effective_date=E, today=TODAY)
        restructure.move(s, tree.admin, org_code="C2", new_parent_code="C1", effective_date=E, today=TODAY)
    with session_scope(tree.engine) as s:
        b, c2 = org(s, "C1-B"), org(s, "C2")
        # One era each: the stretch that ended on E - 1; the move of C2 rewrote B's path from E.
        assert [(e.parent_id, e.end) for e in eras_of(s, b.id)] == [(org(s, "C1").id, DAY_BEFORE), (c2.id, None)]
        assert b.path.startswith(c2.path) and c2.path.startswith(org(s, "C1").path)
        assert s.exec(select(func.count()).select_from(models.CandidatePlace)).one() == 5  # B's three once, C's two
    assert _admitted(tree.figures(year=2025), "C1", "D") == (5, 6)  # all but C's February


def test_only_an_admin_over_both_ends_may_move(tree):
    from core.access.scope import ScopeError

    rows = everything(tree.engine)
    with session_scope(tree.engine) as s:
        c1_path = org(s, "C1").path
    for actor in (Actor("bithu.c1", Role.SECRETARY, tree.admin.root_path), Actor("admin.c1", Role.ADMIN, c1_path)):
        with refused(tree.engine, ScopeError) as (s, _):
            restructure.move(s, actor, org_code="C1-B", new_parent_code="C2", effective_date=E, today=TODAY)
    assert everything(tree.engine) == rows


# --- merge --------------------------------------------------------------------------------------

def test_two_communes_merged_into_a_new_one(tree):
    with session_scope(tree.engine) as s:
        a_id, b_id, c_id = (org(s, c).id for c in ("C1-A", "C1-B", "C2-C"))
        events = s.exec(select(StageEvent.id, StageEvent.candidate_id, StageEvent.stage, StageEvent.event_date)).all()
        version = data_version(s)
        outcome = restructure.merge(s, tree.admin, source_codes=["C1", "C2"], new=_new_commune(), effective_date=E,
                                    today=TODAY, document_number="1234-QĐ/TU")
        assert (outcome.organizations_moved, outcome.candidates_moved, outcome.users_moved) == (3, 8, 2)
        assert outcome.created == ["Đảng ủy xã Mới"] and outcome.ended == ["Đảng bộ xã C1", "Đảng bộ xã C2"]
    with session_scope(tree.engine) as s:
        n = org(s, "N")
        assert (n.valid_from, n.parent_id, n.depth, n.active) == (E, org(s, "D").id, 1, True)
        for code in ("C1", "C2"):
            ended = org(s, code)
            assert (ended.valid_to, ended.active) == (DAY_BEFORE, False)
        assert {o.parent_id for o in s.exec(select(Organization).where(Organization.id.in_([a_id, b_id, c_id])))} == {n.id}
        assert _users(s, "N") == {"bithu.c1", "admin.c1"} and _users(s, "C1") == set()
        # E's year: each commune keeps its part (by days: 181 of 365), the new one the rest;
        # members on 01/01 stay where they were. Later years go whole to the new commune.
        assert (default_part(6, E), default_part(4, E)) == (3, 2)
        assert (_plan(s, "C1", 2025), _plan(s, "C2", 2025), _plan(s, "N", 2025)) == ((3, 100), (2, 80), (5, None))
        assert (_plan(s, "C1", 2026), _plan(s, "C2", 2026), _plan(s, "N", 2026)) == (None, None, (8, 200))
        assert _plan(s, "D", 2025) == (12, 310)  # the district's own plan is its own
        # History untouched.
        assert s.exec(select(StageEvent.id, StageEvent.candidate_id, StageEvent.stage, StageEvent.event_date)).all() \
            == events
        assert data_version(s) == version + 1
        [row] = s.exec(select(models.Restructuring)).all()
        assert (row.kind, row.effective_date, row.document_number, row.recorded_by) == (
            "merge", E, "1234-QĐ/TU", "admin.d")
        successions = s.exec(select(models.OrgSuccession.from_organization_id, models.OrgSuccession.to_organization_id)).all()
        assert sorted(successions) == sorted([(org(s, "C1").id, n.id), (org(s, "C2").id, n.id)])
        [audit] = s.exec(select(AuditEntry).where(AuditEntry.action == "restructure_merge")).all()
        assert audit.entity_id == n.id and json.loads(audit.after)["effective_date"] == "2025-07-01"
    f = tree.figures(year=2025)
    # C1 until 30/6 (A's March, B's May), C2 until 30/6 (February), N from 01/7 (the other three).
    assert _admitted(f, "C1", "C2", "N", "D") == (2, 1, 3, 6)
    assert (f.loc["C1", "target"], f.loc["C2", "target"], f.loc["N", "target"]) == (3, 2, 5)
    assert f.loc["C1", "ended"] == DAY_BEFORE and f.loc["N", "founded"] == E
    assert f.loc["C1", "status"] == "missed" and f.loc["N", "status"] == "missed"  # 2 of 3; 3 of 5
    assert _admitted(tree.figures(year=2024), "C1", "C2", "D") == (1, 0, 1)
    assert set(tree.figures(year=2026).index) == {"D", "N", "C1-A", "C1-B", "C2-C", "S"}


def test_the_parts_of_the_year_can_be_given(tree):
    with session_scope(tree.engine) as s:
        restructure.merge(s, tree.admin, source_codes=["C1", "C2"], new=_new_commune(), effective_date=E, today=TODAY,
                          parts={"C1": 4})
    with session_scope(tree.engine) as s:
        assert (_plan(s, "C1", 2025), _plan(s, "C2", 2025), _plan(s, "N", 2025)) == ((4, 100), (2, 80), (4, None))
    with session_scope(tree.engine) as s:
        s.add(YearPlan(organization_id=org(s, "C1-A").id, year=2025, target=3))
    with refused(tree.engine, FormError, match="từ 0 đến 3") as (s, _):
        restructure.merge(s, tree.admin, source_codes=["C1-A"], target_code="C1-B", effective_date=E, today=TODAY,
                          parts={"C1-A": 7})


def test_a_commune_merged_into_an_existing_one(tree):
    with session_scope(tree.engine) as s:
        outcome = restructure.merge(s, tree.admin, source_codes=["C2"], target_code="C1", effective_date=E, today=TODAY)
        assert outcome.created == [] and outcome.organizations_moved == 1
    with session_scope(tree.engine) as s:
        assert org(s, "C2-C").parent_id == org(s, "C1").id and org(s, "C2").valid_to == DAY_BEFORE
        # The existing commune's own plan for 2025 plus what C2 had left; 2026 added whole.
        assert (_plan(s, "C1", 2025), _plan(s, "C2", 2025)) == ((8, 100), (2, 80))
        assert (_plan(s, "C1", 2026), _plan(s, "C2", 2026)) == ((8, 200), None)
    f = tree.figures(year=2025)
    assert _admitted(f, "C1", "C2", "D") == (5, 1, 6)
    assert _admitted(tree.figures("C1", year=2025), "C1", "C2-C") == (5, 1)  # C's August, in C1


def test_a_merge_on_the_first_of_january_carries_the_whole_year(tree):
    jan = date(2025, 1, 1)
    with session_scope(tree.engine) as s:
        restructure.merge(s, tree.admin, source_codes=["C2"], target_code="C1", effective_date=jan, today=TODAY)
    with session_scope(tree.engine) as s:
        # C2 never stood in 2025: its plan and its members of 2025 are the receiving commune's.
        assert (_plan(s, "C1", 2025), _plan(s, "C2", 2025)) == ((10, 180), None)
    f = tree.figures(year=2025)
    assert "C2" not in f.index and _admitted(f, "C1", "D") == (6, 6)


def test_two_chi_bo_merged_take_their_candidates_with_them(tree):
    with session_scope(tree.engine) as s:
        a, b = org(s, "C1-A"), org(s, "C1-B")
        people = {c.id: (c.full_name, c.decision_date, c.stage, c.version)
                  for c in s.exec(select(Candidate).where(Candidate.organization_id == b.id))}
        events = s.exec(select(StageEvent).order_by(StageEvent.id)).all()
        events = [(e.id, e.candidate_id, e.stage, e.event_date) for e in events]
        outcome = restructure.merge(s, tree.admin, source_codes=["C1-B"], target_code="C1-A", effective_date=E,
                                    today=TODAY)
        assert (outcome.candidates_moved, outcome.organizations_moved) == (3, 0)
    with session_scope(tree.engine) as s:
        a = org(s, "C1-A")
        moved = {c.id: c for c in s.exec(select(Candidate).where(Candidate.id.in_(list(people))))}
        assert {c.organization_id for c in moved.values()} == {a.id}
        assert {c.org_path for c in moved.values()} == {a.path}
        assert {i: (c.full_name, c.decision_date, c.stage, c.version - 1) for i, c in moved.items()} == people
        places = s.exec(select(models.CandidatePlace)).all()
        assert {(p.candidate_id, p.organization_id, p.valid_to) for p in places} == {
            (i, b.id, DAY_BEFORE) for i in people}
        assert [(e.id, e.candidate_id, e.stage, e.event_date) for e in s.exec(select(StageEvent).order_by(StageEvent.id))] \
            == events
    f = tree.figures("C1", year=2025)
    assert _admitted(f, "C1-A", "C1-B", "C1") == (3, 1, 4)  # A: its two and B's October


def test_the_same_person_open_in_both_chi_bo_is_refused(tree):
    with session_scope(tree.engine) as s:
        add_candidate(s, org(s, "C1-A"), {}, full_name="Trần Thị Nguồn")
    rows = everything(tree.engine)
    with refused(tree.engine, FormError, match="Trần Thị Nguồn") as (s, _):
        restructure.merge(s, tree.admin, source_codes=["C1-A", "C1-B"], effective_date=E, today=TODAY,
                          new=NewOrg(parent_code="C1", code="C1-AB", name="Chi bộ thôn AB", kind=OrgKind.CELL.value,
                                     sector=Sector.RURAL.value))
    with refused(tree.engine, FormError, match="Trần Thị Nguồn") as (s, _):
        restructure.merge(s, tree.admin, source_codes=["C1-B"], target_code="C1-A", effective_date=E, today=TODAY)
    assert everything(tree.engine) == rows


def test_merge_refusals_write_nothing(tree):
    rows = everything(tree.engine)
    refusals = [
        (dict(source_codes=["C1"], new=_new_commune()), "ít nhất hai"),
        (dict(source_codes=["C1", "C2"]), "một trong hai"),
        (dict(source_codes=["C1", "C2"], target_code="C1", new=_new_commune()), "một trong hai"),
        (dict(source_codes=["C1"], target_code="C1-A"), "là chính nó hoặc nằm trong nó"),
        (dict(source_codes=["C1-A"], target_code="C2"), "chỉ có thể sáp nhập vào một chi bộ"),
        (dict(source_codes=["C1"], target_code="S"), "Chi bộ không có tổ chức trực thuộc"),
        (dict(source_codes=["C1", "C2"], new=_new_commune(code="C1")), "C1"),
        (dict(source_codes=["C1", "C2"], new=NewOrg(parent_code="C1", code="N", name="X", kind="grassroots_committee",
                                                    sector="rural")), "kết thúc hoạt động từ ngày hiệu lực"),
    ]
    for kwargs, message in refusals:
        with refused(tree.engine, FormError, match=message) as (s, _):
            restructure.merge(s, tree.admin, effective_date=E, today=TODAY, **kwargs)
    assert everything(tree.engine) == rows


# --- split --------------------------------------------------------------------------------------

def test_a_split_shares_the_children_and_the_plans_by_chi_bo(tree):
    with session_scope(tree.engine) as s:
        c1 = org(s, "C1")
        extra = add_org(s, "C1-X", c1, name="Chi bộ thôn X")
        add_org(s, "C1-Y", c1, name="Chi bộ thôn Y")
        assert extra.id
        outcome = restructure.split(s, tree.admin, source_code="C1", effective_date=E, today=TODAY,
                                    assignment={"C1-A": "C2", "C1-B": "N", "C1-X": "N", "C1-Y": "N"},
                                    new=[_new_commune()])
        assert outcome.organizations_moved == 4 and outcome.created == ["Đảng ủy xã Mới"]
    with session_scope(tree.engine) as s:
        n, c2 = org(s, "N"), org(s, "C2")
        assert org(s, "C1-A").parent_id == c2.id and {org(s, c).parent_id for c in ("C1-B", "C1-X", "C1-Y")} == {n.id}
        assert org(s, "C1").valid_to == DAY_BEFORE
        # C1's 2025 plan 6: its part 3 (by days), the other 3 shared 1 : 3 by the chi bộ received.
        assert (_plan(s, "C1", 2025), _plan(s, "C2", 2025), _plan(s, "N", 2025)) == ((3, 100), (5, 80), (2, None))
        # 2026: 5 targets and 110 members, a quarter to C2 and three quarters to N.
        assert (_plan(s, "C1", 2026), _plan(s, "C2", 2026), _plan(s, "N", 2026)) == (None, (4, 118), (4, 82))
        # The commune's admin goes up to the district; its secretary has no commune left.
        assert _users(s, "D") == {"admin.d", "admin.c1"}
        assert s.exec(select(User.active).where(User.username == "bithu.c1")).one() is False
    f = tree.figures(year=2025)
    assert _admitted(f, "C1", "C2", "N", "D") == (2, 3, 1, 6)  # C2: C's two and A's September


def test_a_split_with_a_child_given_nowhere_is_refused_naming_it(tree):
    rows = everything(tree.engine)
    with refused(tree.engine) as (s, caught):
        restructure.split(s, tree.admin, source_code="C1", effective_date=E, today=TODAY,
                          assignment={"C1-A": "C2"})
    assert "Chi bộ thôn B" in caught.value.errors[0]
    with refused(tree.engine, FormError, match="NOPE") as (s, _):
        restructure.split(s, tree.admin, source_code="C1", effective_date=E, today=TODAY,
                          assignment={"C1-A": "C2", "C1-B": "NOPE"})
    with refused(tree.engine, FormError, match="Chi bộ không có tổ chức trực thuộc") as (s, _):
        restructure.split(s, tree.admin, source_code="C1", effective_date=E, today=TODAY,
                          assignment={"C1-A": "C2", "C1-B": "S"})
    with refused(tree.engine, FormError, match="không có tổ chức trực thuộc để chia tách") as (s, _):
        restructure.split(s, tree.admin, source_code="C1-A", effective_date=E, today=TODAY, assignment={})
    assert everything(tree.engine) == rows


# --- dissolve -----------------------------------------------------------------------------------

def test_dissolve_is_refused_with_every_reason_at_once(tree):
    with session_scope(tree.engine) as s:
        add_plan(s, org(s, "C1-B"), 2026, 1)
    rows = everything(tree.engine)
    with refused(tree.engine) as (s, caught):
        restructure.dissolve(s, tree.admin, org_code="C1-B", effective_date=E, today=TODAY)
    assert len(caught.value.errors) == 2 and "3 hồ sơ" in caught.value.errors[0] and "2026" in caught.value.errors[1]
    with refused(tree.engine) as (s, caught):
        restructure.dissolve(s, tree.admin, org_code="C1", effective_date=E, today=TODAY)
    assert caught.value.errors == [
        "Đảng bộ xã C1 còn 2 tổ chức trực thuộc: hãy chuyển hoặc sáp nhập trước khi giải thể.",
        "Đảng bộ xã C1 còn kế hoạch năm 2026: hãy chọn tổ chức nhận kế hoạch khi giải thể."]
    with refused(tree.engine) as (s, caught):
        restructure.dissolve(s, tree.admin, org_code="D", effective_date=E, today=TODAY)
    assert any("tổ chức cao nhất" in m for m in caught.value.errors) and len(caught.value.errors) == 3
    assert everything(tree.engine) == rows


def test_an_empty_organization_is_dissolved(tree):
    with session_scope(tree.engine) as s:
        empty = add_org(s, "C2-E", org(s, "C2"), name="Chi bộ thôn E")
        add_plan(s, empty, 2025, 1)
        s.add(User(username="bithu.e", display_name="e", password_hash="x", role="secretary", organization_id=empty.id))
    with session_scope(tree.engine) as s:
        outcome = restructure.dissolve(s, tree.admin, org_code="C2-E", effective_date=E, today=TODAY)
        assert outcome.ended == ["Chi bộ thôn E"]
    with session_scope(tree.engine) as s:
        ended = org(s, "C2-E")
        assert (ended.valid_to, ended.active) == (DAY_BEFORE, False)
        assert _plan(s, "C2-E", 2025) == (1, None)  # its part of the year, as planned
        assert s.exec(select(User.active).where(User.username == "bithu.e")).one() is False
        [succession] = s.exec(select(models.OrgSuccession)).all()
        assert succession.to_organization_id is None
    assert "C2-E" in tree.figures("C2", year=2025).index
    assert "C2-E" not in tree.figures("C2", year=2026).index


# --- rename -------------------------------------------------------------------------------------

def test_a_dated_rename_keeps_the_old_name_before_it(tree):
    with session_scope(tree.engine) as s:
        restructure.rename(s, tree.admin, org_code="C1", name="Đảng ủy xã Kim Bình", effective_date=E, today=TODAY,
                           expected_version=1)
    with session_scope(tree.engine) as s:
        c1 = org(s, "C1")
        assert (c1.name, c1.placed_from, c1.version) == ("Đảng ủy xã Kim Bình", E, 2)
        assert era_at(s, c1.id, DAY_BEFORE).name == "Đảng bộ xã C1"
        assert era_at(s, c1.id, E).name == "Đảng ủy xã Kim Bình"
        assert era_at(s, c1.id, DAY_BEFORE).path == c1.path
    assert tree.figures(year=2024).loc["C1", "name"] == "Đảng bộ xã C1"
    assert tree.figures(year=2025).loc["C1", "name"] == "Đảng ủy xã Kim Bình"
    rows = everything(tree.engine)
    with refused(tree.engine, StaleEditError) as (s, _):
        restructure.rename(s, tree.admin, org_code="C1", name="X", effective_date=E, today=TODAY, expected_version=1)
    with refused(tree.engine) as (s, caught):
        restructure.rename(s, tree.admin, org_code="C1", name=" ", kind="nonsense", effective_date=E, today=TODAY)
    assert len(caught.value.errors) == 2
    with refused(tree.engine, FormError, match="không đổi") as (s, _):
        restructure.rename(s, tree.admin, org_code="C1", name="Đảng ủy xã Kim Bình", effective_date=E, today=TODAY)
    with refused(tree.engine, FormError, match="không thể đổi thành chi bộ") as (s, _):
        restructure.rename(s, tree.admin, org_code="C1", name="Chi bộ", kind=OrgKind.CELL.value, effective_date=E,
                           today=TODAY)
    assert everything(tree.engine) == rows


# --- new root -----------------------------------------------------------------------------------

def test_a_new_root_above_the_tree(tree):
    with session_scope(tree.engine) as s:
        d = org(s, "D")
        old_root = d.path
        outcome = restructure.new_root(s, tree.admin, code="NB", name="Đảng bộ tỉnh Ninh Bình",
                                       kind=OrgKind.UPPER_COMMITTEE.value, sector=Sector.OTHER.value,
                                       effective_date=E, today=TODAY)
        assert outcome.created == ["Đảng bộ tỉnh Ninh Bình"] and outcome.organizations_moved == 7
    with session_scope(tree.engine) as s:
        root, d, b = org(s, "NB"), org(s, "D"), org(s, "C1-B")
        assert (root.parent_id, root.path, root.depth, root.valid_from) == (None, f"/{root.id}/", 0, E)
        assert (d.parent_id, d.path, d.depth) == (root.id, f"/{root.id}{old_root}", 1)
        assert b.path.startswith(d.path) and b.depth == 3
        assert set(s.exec(select(Candidate.org_path).where(Candidate.organization_id == b.id)).all()) == {b.path}
        assert _users(s, "NB") == {"admin.d"} and _users(s, "C1") == {"bithu.c1", "admin.c1"}
        assert [e.id for e in roots_on(s, DAY_BEFORE)] == [d.id]
        assert [e.id for e in roots_on(s, E)] == [root.id]
        assert root_organization(s).id == root.id
        assert operator(s).root_path == root.path
        new_admin = Actor("admin.d", Role.ADMIN, root.path)
    tree.admin = new_admin
    assert _admitted(tree.figures("D", year=2024), "D", "C1") == (1, 1)
    f = tree.figures(year=2025)
    # NB stands from 01/7 only; the district was the root before, and the year adds up across it:
    # the district's row is its whole year, and the province's total counts the first half too.
    assert f.index[0] == "NB" and f.loc["D", "parent_id"] == f.loc["NB", "id"]
    assert _admitted(f, "NB", "D") == (6, 6)
    assert _admitted(tree.figures("D", year=2025), "D") == (6,)
    rows = everything(tree.engine)
    with refused(tree.engine, FormError, match="sớm hơn") as (s, _):
        restructure.new_root(s, tree.admin, code="VN", name="X", kind="upper_committee", sector="other",
                             effective_date=DAY_BEFORE, today=TODAY)
    assert everything(tree.engine) == rows


def test_a_new_root_then_merges_on_the_same_day(tree):
    """The demo's order on 01/7/2025: the province above, then the communes merged."""
    with session_scope(tree.engine) as s:
        restructure.new_root(s, tree.admin, code="NB", name="Đảng bộ tỉnh Ninh Bình", kind="upper_committee",
                             sector="other", effective_date=E, today=TODAY)
        root_id, root_path = org(s, "NB").id, org(s, "NB").path
        admin = Actor("admin.d", Role.ADMIN, root_path)
        restructure.merge(s, admin, source_codes=["C1", "C2"], effective_date=E, today=TODAY,
                          new=NewOrg(parent_code="NB", code="N", name="Đảng ủy xã Mới", kind="grassroots_committee",
                                     sector="rural"))
    with session_scope(tree.engine) as s:
        c1 = org(s, "C1")
        # C1 never stood under the province: its last stretch is the one under the district.
        assert [(e.parent_id, e.start, e.end) for e in eras_of(s, c1.id)] == [(org(s, "D").id, None, DAY_BEFORE)]
        assert c1.path == f"{org(s, 'D').path.removeprefix(f'/{root_id}')}{c1.id}/"
    tree.admin = admin
    f = tree.figures(year=2025)
    # The province's 2025: the district's half-year (it was the root then) beside the new commune's.
    assert _admitted(f, "NB", "N", "D") == (6, 3, 3)
    assert _admitted(tree.figures("D", year=2025), "D", "C1", "C2") == (3, 2, 1)  # the district until 30/6


# --- every change: recorded, audited, the data version bumped -----------------------------------

CHANGES = {
    "move": lambda s, a: restructure.move(s, a, org_code="C1-B", new_parent_code="C2", effective_date=E, today=TODAY),
    "merge": lambda s, a: restructure.merge(s, a, source_codes=["C2"], target_code="C1", effective_date=E, today=TODAY),
    "split": lambda s, a: restructure.split(s, a, source_code="C1", assignment={"C1-A": "C2", "C1-B": "C2"},
                                            effective_date=E, today=TODAY),
    "dissolve": lambda s, a: restructure.dissolve(s, a, org_code="S", effective_date=E, today=TODAY),
    "rename": lambda s, a: restructure.rename(s, a, org_code="S", name="Chi bộ Trường THPT B Kim Bảng",
                                              effective_date=E, today=TODAY),
    "new_root": lambda s, a: restructure.new_root(s, a, code="NB", name="Đảng bộ tỉnh Ninh Bình",
                                                  kind="upper_committee", sector="other", effective_date=E, today=TODAY),
}


@pytest.mark.parametrize("kind", list(CHANGES))
def test_every_change_is_recorded_audited_and_bumps_the_data_version(tree, kind):
    with session_scope(tree.engine) as s:
        version = data_version(s)
        outcome = CHANGES[kind](s, tree.admin)
    with session_scope(tree.engine) as s:
        assert data_version(s) == version + 1
        [row] = s.exec(select(models.Restructuring)).all()
        assert (row.id, row.kind, row.effective_date, row.recorded_by) == (outcome.restructuring_id, kind, E, "admin.d")
        [audit] = s.exec(select(AuditEntry).where(AuditEntry.action == f"restructure_{kind}")).all()
        after = json.loads(audit.after)
        assert audit.username == "admin.d" and after["effective_date"] == "2025-07-01"
        assert after["organizations_moved"] == outcome.organizations_moved


# --- preview ------------------------------------------------------------------------------------

def _measure(actor):
    from core.access.scope import resolve
    from core.figures.progress import org_figures
    from tests.structure.conftest import RULES

    def measure(s):
        f = org_figures(s, resolve(s, actor, None), year=2025, as_of=date(2025, 12, 31), rules=RULES, levels=2)
        return f.set_index("code")[["target", "admitted"]]
    return measure


def test_a_preview_shows_the_change_and_leaves_nothing(tree):
    rows = everything(tree.engine)
    with session_scope(tree.engine) as s:
        c1 = org(s, "C1")
        version = data_version(s)
        shown = restructure.preview(
            s, lambda s: restructure.merge(s, tree.admin, source_codes=["C1", "C2"], new=_new_commune(),
                                           effective_date=E, today=TODAY), _measure(tree.admin))
        assert shown.outcome.created == ["Đảng ủy xã Mới"] and shown.outcome.restructuring_id is None
        assert "N" not in shown.before.index and (shown.before.loc["C1", "target"], shown.before.loc["C1", "admitted"]) \
            == (6, 4)
        assert (shown.after.loc["N", "target"], shown.after.loc["N", "admitted"]) == (5, 3)
        assert (shown.after.loc["C1", "target"], shown.after.loc["C1", "admitted"]) == (3, 2)
        assert shown.after.loc["D", "admitted"] == shown.before.loc["D", "admitted"] == 6
        # The session carries on as it was: objects still usable, nothing of the change left in it.
        assert (c1.valid_to, c1.active, c1.code) == (None, True, "C1")
        assert s.exec(select(Organization).where(Organization.code == "N")).first() is None
        assert _plan(s, "C1", 2026) == (5, 110) and data_version(s) == version
        assert s.exec(select(func.count()).select_from(models.OrganizationEra)).one() == 0
    assert everything(tree.engine) == rows
    with session_scope(tree.engine) as s:  # and a change after a preview, in the same session, is written
        restructure.preview(s, lambda s: CHANGES["move"](s, tree.admin),
                            _measure(tree.admin))
        CHANGES["merge"](s, tree.admin)
    with session_scope(tree.engine) as s:
        assert org(s, "C1-B").parent_id == org(s, "C1").id  # the previewed move is not there
        assert org(s, "C2").valid_to == DAY_BEFORE and len(s.exec(select(models.Restructuring)).all()) == 1


def test_a_refused_preview_raises_and_leaves_nothing(tree):
    with refused(tree.engine, FormError, match="chưa đến") as (s, _):
        restructure.preview(s, lambda s: restructure.move(s, tree.admin, org_code="C1-B", new_parent_code="C2",
                                                          effective_date=TODAY + timedelta(days=1), today=TODAY),
                            _measure(tree.admin))
    with refused(tree.engine, FormError, match="Trần Thị Nguồn") as (s, _):
        add = lambda s: add_candidate(s, org(s, "C1-A"), {}, full_name="Trần Thị Nguồn")  # noqa: E731
        restructure.preview(s, lambda s: (add(s), restructure.merge(s, tree.admin, source_codes=["C1-B"],
                                                                     target_code="C1-A", effective_date=E,
                                                                     today=TODAY))[1], _measure(tree.admin))
