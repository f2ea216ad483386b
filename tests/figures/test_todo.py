"""The work list (core.figures.todo) on a small hand-made tree: one card per candidate still in
the procedure, most urgent first, the deadline in words (working days for the decision), what
the record lacks; the roll-up per organization directly below; scope and the projector refused.
Tree (tests.factories.district): D → C1 → C1-A, C1-B; D → C2 → C2-C; D → S."""
from __future__ import annotations

from datetime import date

import pytest

from core.access.scope import Actor, ScopeError, resolve
from core.config import RuleSettings
from core.figures.todo import RollUp, roll_up, work_cards
from core.procedure.stages import Exit, Role, Stage
from core.storage.db import session_scope
from tests.factories import add_candidate, admitted_on, district

RULES = RuleSettings()
TODAY = date(2024, 4, 15)  # a Monday
TO_DOSSIER = {Stage.SOURCE: date(2023, 1, 5), Stage.OUTSTANDING: date(2023, 3, 1), Stage.CLASS_DONE: date(2023, 6, 1),
              Stage.DOSSIER: date(2023, 11, 1)}
SPONSORS = {"sponsor1_name": "Lê Văn B", "sponsor1_since": date(2015, 1, 1),
            "sponsor2_name": "Lê Thị C", "sponsor2_since": date(2015, 1, 1)}


@pytest.fixture
def tree(engine):
    with session_scope(engine) as s:
        orgs = district(s)
        a, b, c = orgs["C1-A"], orgs["C1-B"], orgs["C2-C"]
        # Voted on Friday 05/01/2024: the decision was due 05/04/2024, six working days ago.
        add_candidate(s, a, {**TO_DOSSIER, Stage.BRANCH_RESOLUTION: date(2024, 1, 5)}, full_name="Quá Hạn", **SPONSORS)
        add_candidate(s, a, {Stage.SOURCE: date(2024, 3, 1)}, full_name="Mới Nguồn")
        add_candidate(s, b, TO_DOSSIER, full_name="Thiếu Giới Thiệu", sponsor1_name="Lê Văn B",
                      sponsor1_since=date(2015, 1, 1))
        add_candidate(s, c, {Stage.SOURCE: date(2023, 11, 1)}, full_name="Ở Xã Khác")
        add_candidate(s, a, {Stage.SOURCE: date(2023, 5, 1)}, exit_=(Exit.STOPPED.value, date(2023, 9, 1)),
                      full_name="Đã Dừng")
        add_candidate(s, a, {**admitted_on(date(2022, 1, 10), ceremony=date(2022, 1, 20)), Stage.OFFICIAL: date(2023, 1, 20)},
                      full_name="Đã Chính Thức", new_member_class_date=date(2022, 6, 1))
    return engine


def subtree(session, code: str, role: Role = Role.SECRETARY):
    return resolve(session, Actor("t", role, "/"), code)


def test_cards_of_a_dang_uy_most_urgent_first_with_their_deadline_and_what_is_lacking(tree):
    with session_scope(tree) as s:
        cards = work_cards(s, subtree(s, "C1"), today=TODAY, rules=RULES)
    assert [c.full_name for c in cards] == ["Quá Hạn", "Thiếu Giới Thiệu", "Mới Nguồn"]  # no exit, no official
    late, lacking, new = cards
    assert (late.stage, late.next_stage, late.clock, late.due, late.state, late.deadline) == (
        "branch_resolution", "committee_resolution", "decision", date(2024, 4, 5), "overdue",
        "quá hạn 6 ngày làm việc")
    assert late.findings == () and late.org_code == "C1-A"
    assert (lacking.next_stage, lacking.clock, lacking.state, lacking.deadline) == (
        "branch_resolution", "sponsors_missing", "due_soon", "đến hạn hôm nay")
    assert [f.code for f in lacking.findings] == ["sponsors_missing"]
    assert (new.next_stage, new.clock, new.state, new.deadline, new.findings) == ("outstanding", None, None, None, ())


def test_the_roll_up_counts_per_organization_directly_below_only_those_with_urgent_work(tree):
    with session_scope(tree) as s:
        c1 = subtree(s, "C1")
        assert roll_up(s, c1, work_cards(s, c1, today=TODAY, rules=RULES)) == [
            RollUp("C1-A", "Chi bộ thôn A", 1, 0), RollUp("C1-B", "Chi bộ thôn B", 0, 1)]
        d = subtree(s, "D")
        assert roll_up(s, d, work_cards(s, d, today=TODAY, rules=RULES)) == [RollUp("C1", "Đảng bộ xã C1", 1, 1)]
        cell = subtree(s, "C1-A")
        assert roll_up(s, cell, work_cards(s, cell, today=TODAY, rules=RULES)) == []  # a chi bộ has none below


def test_nothing_outside_the_subtree_and_nothing_for_the_projector(tree):
    with session_scope(tree) as s:
        assert [c.full_name for c in work_cards(s, subtree(s, "C2"), today=TODAY, rules=RULES)] == ["Ở Xã Khác"]
        with pytest.raises(ScopeError):
            work_cards(s, subtree(s, "C1", Role.PROJECTOR), today=TODAY, rules=RULES)
