"""Write functions behind the forms: each valid input is written whole, each bad or stale one
writes nothing and says why in Vietnamese."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlmodel import func, select

from core.access.scope import Actor, ScopeError, org_by_code, resolve
from core.config import RuleSettings
from core.figures.progress import org_figures
from core.procedure.pipeline import (
    CandidateInput,
    FormError,
    StaleEditError,
    add_candidate,
    edit_candidate,
)
from core.procedure.stages import Role
from core.storage.db import session_scope
from core.storage.models import (
    AuditEntry,
    Candidate,
    Organization,
    StageEvent,
    YearPlan,
)
from core.structure.organizations import (
    add_organization,
    rename_organization,
    set_organization_active,
)
from core.structure.plans import (
    PlanRow,
    children_total,
    copy_of_year,
    own_plan,
    plans_grid,
    plans_text,
    save_own_plan,
    save_plans,
)
from tests.factories import add_plan, district, raised, versions

RULES = RuleSettings()
TODAY = date(2024, 3, 1)
PERSON = CandidateInput(full_name="Nguyễn Thị Hoa", birth_date=date(2000, 5, 4), female=True, ethnicity="Mường",
                        religion="", general_education="upper_secondary", qualification="none", occupation="farmer")


def person(**changes) -> CandidateInput:
    return replace(PERSON, **changes)


@pytest.fixture
def tree(engine):
    with session_scope(engine) as s:
        orgs = district(s)
        add_plan(s, orgs["C1"], 2024, 5)
        add_plan(s, orgs["C1-A"], 2024, 3, 40)
        actors = {
            "admin": Actor("admin", Role.ADMIN, orgs["D"].path),
            "secretary": Actor("bithu.c1", Role.SECRETARY, orgs["C1"].path),
            "leader": Actor("lanhdao", Role.LEADER, orgs["D"].path),
        }
    return engine, actors


def counts(engine):
    with session_scope(engine) as s:
        return tuple(s.exec(select(func.count()).select_from(m)).one() for m in (Candidate, StageEvent, YearPlan,
                                                                              Organization, AuditEntry)) + (
            versions(s),)


def test_add_candidate_as_a_source(tree):
    engine, actors = tree
    with session_scope(engine) as s:
        added = add_candidate(s, actors["secretary"], org_code="C1-A", data=PERSON, source_date=date(2024, 2, 20),
                              today=TODAY, rules=RULES)
    with session_scope(engine) as s:
        candidate = s.get(Candidate, added.id)
        assert (candidate.stage, candidate.source_date, candidate.version) == ("source", date(2024, 2, 20), 1)
        assert candidate.ethnic_minority and candidate.female


@pytest.mark.parametrize(
    "org, person, when, message",
    [
        ("C1-A", person(full_name=" "), date(2024, 2, 1), "họ và tên"),
        ("C1-A", person(birth_date=date(2015, 1, 1)), date(2024, 2, 1), "Ngày sinh"),
        ("C1-A", person(occupation="pilot"), date(2024, 2, 1), "Nghề nghiệp"),
        ("C1-A", person(sponsor1_since=date(2025, 1, 1)), date(2024, 2, 1), "Người giới thiệu 1"),
        # Only a name: every field the rules and the breakdowns read is listed at once, none invented.
        ("C1-A", CandidateInput(full_name="A"), date(2024, 2, 1),
         "Còn thiếu: Ngày sinh, Giới tính, Dân tộc, Tôn giáo, Trình độ giáo dục phổ thông, Trình độ chuyên môn, "
         "Nghề nghiệp."),
        ("", PERSON, None, "Cần chọn chi bộ."),
        ("C1-A", PERSON, None, "Cần ghi «Ngày đưa vào diện tạo nguồn»"),
        ("C1-A", PERSON, date(2024, 3, 2), "tương lai"),
        ("C1", PERSON, date(2024, 2, 1), "không phải chi bộ"),
    ],
)
def test_bad_candidate_input_writes_nothing(tree, org, person, when, message):
    engine, actors = tree
    before = counts(engine)
    with session_scope(engine) as s, pytest.raises(FormError) as refused:
        add_candidate(s, actors["secretary"], org_code=org, data=person, source_date=when, today=TODAY, rules=RULES)
    assert message in str(refused.value)
    assert counts(engine) == before


def test_add_candidate_outside_scope_or_role_is_refused(tree):
    engine, actors = tree
    before = counts(engine)
    for who, org in (("secretary", "C2-C"), ("leader", "C1-A")):
        with session_scope(engine) as s, pytest.raises(ScopeError):
            add_candidate(s, actors[who], org_code=org, data=PERSON, source_date=date(2024, 2, 1), today=TODAY,
                          rules=RULES)
    assert counts(engine) == before


def test_edit_candidate_and_a_stale_edit(tree):
    engine, actors = tree
    with session_scope(engine) as s:
        added = add_candidate(s, actors["secretary"], org_code="C1-A", data=PERSON, source_date=date(2024, 2, 20),
                              today=TODAY, rules=RULES)
    changed = CandidateInput(**{**vars(PERSON), "full_name": "Nguyễn Thị Hoa Mai", "ethnicity": "Kinh"})
    with session_scope(engine) as s:
        edit_candidate(s, actors["secretary"], candidate_id=added.id, expected_version=1, data=changed, today=TODAY)
    before = counts(engine)
    with session_scope(engine) as s, pytest.raises(StaleEditError):  # a second form opened at version 1
        edit_candidate(s, actors["admin"], candidate_id=added.id, expected_version=1, data=PERSON, today=TODAY)
    assert counts(engine) == before
    with session_scope(engine) as s:
        candidate = s.get(Candidate, added.id)
        assert (candidate.full_name, candidate.ethnic_minority, candidate.version) == ("Nguyễn Thị Hoa Mai", False, 2)


def test_plans_grid_saves_whole_numbers_only_and_all_or_nothing(tree):
    engine, actors = tree
    with session_scope(engine) as s:
        grid = plans_grid(s, resolve(s, actors["admin"], "C1"), year=2024).set_index("code")
    assert grid.loc["C1-A", "target"] == 3 and grid.loc["C1-A", "version"] == 1
    assert grid.loc["C1-B", "target"] == 0 and grid.loc["C1-B", "version"] == 0
    before = counts(engine)
    refusals = {
        -1: "Dòng «Chi bộ thôn B», cột «Chỉ tiêu»: «-1» là số âm; chỉ ghi số nguyên không âm.",
        "-3": "Dòng «Chi bộ thôn B», cột «Chỉ tiêu»: «-3» là số âm; chỉ ghi số nguyên không âm.",
        1.5: "Dòng «Chi bộ thôn B», cột «Chỉ tiêu»: «1,5» không phải số nguyên",
        "1,5": "Dòng «Chi bộ thôn B», cột «Chỉ tiêu»: «1,5» không phải số nguyên",
        "1.5": "Dòng «Chi bộ thôn B», cột «Chỉ tiêu»: «1.5» không phải là số.",
        "ba": "Dòng «Chi bộ thôn B», cột «Chỉ tiêu»: «ba» không phải là số.",
        True: "Dòng «Chi bộ thôn B», cột «Chỉ tiêu»: «True» không phải là số.",
        None: "Dòng «Chi bộ thôn B»: «Chỉ tiêu» phải là số nguyên không âm.",
        " ": "Dòng «Chi bộ thôn B»: «Chỉ tiêu» phải là số nguyên không âm.",
    }
    for bad, message in refusals.items():
        with session_scope(engine) as s, pytest.raises(FormError) as refused:
            save_plans(s, actors["admin"], parent_code="C1", year=2024,
                       rows=[PlanRow("C1-A", 4, 40, 1), PlanRow("C1-B", bad, None, 0)])
        [error] = refused.value.errors
        assert error.startswith(message), bad
    with session_scope(engine) as s, pytest.raises(FormError) as refused:  # every bad cell, each named
        save_plans(s, actors["admin"], parent_code="C1", year=2024,
                   rows=[PlanRow("C1-A", "2,5", "abc", 1), PlanRow("C1-B", "-3", "1.000", 0)])
    assert [e.split(":")[0] for e in refused.value.errors] == [
        "Dòng «Chi bộ thôn A», cột «Chỉ tiêu»", "Dòng «Chi bộ thôn A», cột «Đảng viên đầu năm»",
        "Dòng «Chi bộ thôn B», cột «Chỉ tiêu»"]
    with session_scope(engine) as s, pytest.raises(FormError, match="không phải tổ chức trực thuộc"):
        save_plans(s, actors["admin"], parent_code="C1", year=2024, rows=[PlanRow("C2-C", 1, None, 0)])
    assert counts(engine) == before
    with session_scope(engine) as s:
        assert save_plans(s, actors["admin"], parent_code="C1", year=2024,
                          rows=[PlanRow("C1-A", 4, 40, 1), PlanRow("C1-B", "1.000", " 35 ", 0)]) == 2
    with session_scope(engine) as s:
        grid = plans_grid(s, resolve(s, actors["admin"], "C1"), year=2024).set_index("code")
        figures = org_figures(s, resolve(s, actors["admin"], "C1"), year=2024, as_of=TODAY, rules=RULES).set_index("code")
    assert (grid.loc["C1-A", "target"], grid.loc["C1-A", "version"]) == (4, 2)
    assert (grid.loc["C1-B", "target"], grid.loc["C1-B", "members_start"]) == (1000, 35)
    assert figures.loc["C1", "children_target"] == 1004


def test_stale_plans_are_refused(tree):
    engine, actors = tree
    with session_scope(engine) as s:
        save_plans(s, actors["admin"], parent_code="C1", year=2024, rows=[PlanRow("C1-A", 4, 40, 1)])
    before = counts(engine)
    with session_scope(engine) as s, pytest.raises(StaleEditError):
        save_plans(s, actors["admin"], parent_code="C1", year=2024,
                   rows=[PlanRow("C1-B", 1, None, 0), PlanRow("C1-A", 9, 40, 1)])
    assert counts(engine) == before


def test_only_the_admin_saves_plans_and_copy_from_last_year(tree):
    engine, actors = tree
    with session_scope(engine) as s, pytest.raises(ScopeError):
        save_plans(s, actors["secretary"], parent_code="C1", year=2024, rows=[PlanRow("C1-A", 4, 40, 1)])
    with session_scope(engine) as s:
        last = plans_grid(s, resolve(s, actors["admin"], "C1"), year=2024)
        this = plans_grid(s, resolve(s, actors["admin"], "C1"), year=2025)
    copied = copy_of_year(this, last).set_index("code")
    assert copied.loc["C1-A", "target"] == 3 and copied.loc["C1-A", "members_start"] == 40
    assert copied.loc["C1-A", "version"] == 0  # still a new plan for 2025


def test_the_grid_shows_figures_as_typed_and_sums_only_good_cells(tree):
    engine, actors = tree
    with session_scope(engine) as s:
        save_plans(s, actors["admin"], parent_code="C1", year=2024, rows=[PlanRow("C1-B", "1.200", None, 0)])
        shown = plans_text(plans_grid(s, resolve(s, actors["admin"], "C1"), year=2024)).set_index("code")
    assert shown.loc["C1-A"].tolist()[1:3] == ["3", "40"] and shown.loc["C1-B"].tolist()[1:3] == ["1.200", ""]
    assert children_total([PlanRow("A", "1.000", "", 1), PlanRow("B", 3, None, 0)]) == 1003
    for bad in ("1,5", "-3", "abc", "", None):
        assert children_total([PlanRow("A", "1.000", "", 1), PlanRow("B", bad, None, 0)]) is None


def test_the_organizations_own_plan_is_saved_with_the_grids_checks(tree):
    engine, actors = tree
    with session_scope(engine) as s:
        c1 = resolve(s, actors["admin"], "C1")
        assert own_plan(s, c1, year=2024) == PlanRow("C1", 5, None, 1)
        assert own_plan(s, c1, year=2027) == PlanRow("C1", 0, None, 0)
    before = counts(engine)
    for target, members, message in (
        ("1,5", "", "Dòng «Đảng bộ xã C1», cột «Chỉ tiêu»: «1,5» không phải số nguyên"),
        ("-3", "", "Dòng «Đảng bộ xã C1», cột «Chỉ tiêu»: «-3» là số âm"),
        ("abc", "", "Dòng «Đảng bộ xã C1», cột «Chỉ tiêu»: «abc» không phải là số."),
        ("", "", "Dòng «Đảng bộ xã C1»: «Chỉ tiêu» phải là số nguyên không âm."),
        ("4", "nhiều", "Dòng «Đảng bộ xã C1», cột «Đảng viên đầu năm»: «nhiều» không phải là số."),
    ):
        with session_scope(engine) as s, pytest.raises(FormError) as refused:
            save_own_plan(s, actors["admin"], org_code="C1", year=2027, row=PlanRow("C1", target, members, 0))
        assert refused.value.errors[0].startswith(message)
    with session_scope(engine) as s, pytest.raises(StaleEditError):  # someone saved 2024 since it was read
        save_own_plan(s, actors["admin"], org_code="C1", year=2024, row=PlanRow("C1", "6", "", 0))
    with session_scope(engine) as s, pytest.raises(ScopeError):
        save_own_plan(s, actors["secretary"], org_code="C1", year=2027, row=PlanRow("C1", "6", "", 0))
    assert counts(engine) == before
    with session_scope(engine) as s:
        assert save_own_plan(s, actors["admin"], org_code="C1", year=2027, row=PlanRow("C1", "1.000", " 140 ", 0))
    with session_scope(engine) as s:
        assert own_plan(s, resolve(s, actors["admin"], "C1"), year=2027) == PlanRow("C1", 1000, 140, 1)
        entry = s.exec(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert (entry.action, entry.entity, entry.username) == ("save_plans", "organization", "admin")
        assert not save_own_plan(s, actors["admin"], org_code="C1", year=2027, row=PlanRow("C1", "1.000", "140", 1))
    after = counts(engine)
    assert tuple(a - b for a, b in zip(after[:-1], before[:-1])) == (0, 0, 1, 0, 1)
    with session_scope(engine) as s:  # the views of C1 and of the district above it, nothing else
        assert raised(after[-1], before[-1]) == (0, {org_by_code(s, "D").id: 1, org_by_code(s, "C1").id: 1})


def test_organizations_added_renamed_deactivated(tree):
    engine, actors = tree
    with session_scope(engine) as s:
        new = add_organization(s, actors["admin"], parent_code="C2", code="c2-d", name="Chi bộ thôn D", kind="cell",
                               sector="rural")
        assert (new.code, new.depth, new.version) == ("C2-D", 2, 1)
    before = counts(engine)
    for code, name, message in (("C2-D", "X", "đã có"), ("có dấu", "X", "Mã tổ chức"), ("C2-E", " ", "tên tổ chức")):
        with session_scope(engine) as s, pytest.raises(FormError, match=message):
            add_organization(s, actors["admin"], parent_code="C2", code=code, name=name, kind="cell", sector="rural")
    assert counts(engine) == before
    with session_scope(engine) as s:
        rename_organization(s, actors["admin"], org_code="C2-D", name="Chi bộ thôn Đông", expected_version=1)
    with session_scope(engine) as s, pytest.raises(StaleEditError):
        set_organization_active(s, actors["admin"], org_code="C2-D", active=False, expected_version=1)
    with session_scope(engine) as s:
        set_organization_active(s, actors["admin"], org_code="C2-D", active=False, expected_version=2)
        grid = plans_grid(s, resolve(s, actors["admin"], "C2"), year=2024)
    assert "C2-D" not in set(grid["code"])  # a deactivated organization gets no plan
