"""Progress, roll-up, pace, status, funnel, mix and alerts on a small hand-made tree.

Every expected figure below is worked out by hand from the candidates the fixture writes.
Tree: D (target 10, 300 members) → C1 (5) → A (3, 40 members), B (2, 60 members);
D → C2 (3, 80 members) → C (no plan); D → S (grassroots cell, 1, 20 members).
"""
from __future__ import annotations

import statistics
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.access.scope import Actor, ScopeError, resolve
from core.config import RuleSettings
from core.errors import FormError
from core.figures.alerts import clock_alerts, organization_alerts
from core.figures.breakdowns import admissions_by_month, admitted_mix, trend_by_year
from core.figures.funnel import funnel, median_of_counts
from core.figures.progress import children_of, headline, org_figures
from core.procedure.stages import Exit, Role, Stage
from core.storage.db import session_scope
from core.structure.organizations import move_organization
from tests.factories import add_candidate, add_plan, admitted_on, district

RULES = RuleSettings()
MID_2023 = date(2023, 7, 1)
END_2023 = date(2023, 12, 31)


@pytest.fixture
def tree(engine):
    with session_scope(engine) as s:
        orgs = district(s)
        for code, target, members in (("D", 10, 300), ("C1", 5, None), ("C1-A", 3, 40), ("C1-B", 2, 60), ("C2", 3, 80), ("S", 1, 20)):
            add_plan(s, orgs[code], 2023, target, members)
        a, b, c = orgs["C1-A"], orgs["C1-B"], orgs["C2-C"]
        add_candidate(s, a, admitted_on(date(2023, 1, 15), ceremony=date(2023, 2, 1)), female=True, religion="Công giáo",
                      qualification="university", occupation="farmer")
        add_candidate(s, a, admitted_on(date(2023, 6, 10), ceremony=date(2023, 7, 1)), ethnic_minority=True,
                      youth_union_member=True, birth=date(1993, 6, 10), qualification="college", occupation="farmer")
        add_candidate(s, a, admitted_on(date(2022, 12, 20), ceremony=date(2023, 1, 10)))
        add_candidate(s, b, admitted_on(date(2023, 3, 3)), village_head=True, birth=date(1990, 1, 1),
                      qualification="university", occupation="worker")
        add_candidate(s, c, admitted_on(date(2024, 1, 5)))
        add_candidate(s, b, {Stage.SOURCE: date(2023, 2, 1)})
        add_candidate(s, b, {Stage.SOURCE: date(2022, 1, 10), Stage.OUTSTANDING: date(2022, 5, 1),
                             Stage.CLASS_DONE: date(2022, 10, 1), Stage.DOSSIER: date(2023, 5, 1)})
        add_candidate(s, a, {Stage.SOURCE: date(2022, 11, 1), Stage.OUTSTANDING: date(2023, 1, 5)},
                      exit_=(Exit.STOPPED.value, date(2023, 3, 1)))
        root_path = orgs["D"].path
    return engine, Actor("t", Role.ADMIN, root_path)


def _figures(tree, as_of=END_2023, rules=RULES, org_code=None, year=2023, levels=2):
    """The figures down to two levels below the root: the whole of this small tree."""
    engine, actor = tree
    with session_scope(engine) as s:
        return org_figures(s, resolve(s, actor, org_code), year=year, as_of=as_of, rules=rules, levels=levels)


def test_one_level_shows_the_root_and_its_children_with_their_whole_subtrees_counted(tree):
    whole = _figures(tree).set_index("code")
    screen = _figures(tree, levels=1).set_index("code")
    assert list(screen.index) == ["D", "C1", "C2", "S"]
    columns = ["admitted", "late_pipeline", "active_pipeline", "target", "members_start", "children_target", "status"]
    assert screen[columns].equals(whole.loc[screen.index, columns])
    assert screen.attrs["grassroots_total"] == whole.attrs["grassroots_total"] == 3


def test_admitted_rolls_up_to_every_ancestor(tree):
    f = _figures(tree).set_index("code")
    assert f.loc["C1-A", "admitted"] == 2  # the 2022 decision does not count in 2023
    assert f.loc["C1-B", "admitted"] == 1
    assert f.loc["C1", "admitted"] == 3
    assert f.loc["C2", "admitted"] == 0  # its only decision is dated 2024
    assert f.loc["D", "admitted"] == 3
    assert f.loc["D", "percent_plan"] == pytest.approx(30.0)
    assert f.loc["C1", "percent_plan"] == pytest.approx(60.0)


def test_members_fall_back_to_the_sum_of_children(tree):
    f = _figures(tree).set_index("code")
    assert f.loc["C1", "members_start"] == 100  # no figure recorded: A 40 + B 60
    assert f.loc["D", "members_start"] == 300  # recorded figure wins over the children's 200
    assert f.loc["D", "percent_members"] == pytest.approx(1.0)
    assert f.loc["D", "band"] == "below"


def test_counting_by_ceremony_date_is_a_setting(tree):
    f = _figures(tree, rules=replace(RULES, count_admission_by="ceremony")).set_index("code")
    assert f.loc["C1-A", "admitted"] == 3  # ceremonies 10/01, 01/02, 01/07/2023
    assert f.loc["C1-B", "admitted"] == 0  # decision signed, ceremony not yet held
    assert f.loc["D", "admitted"] == 3


def test_pace_and_status_in_the_middle_of_the_year(tree):
    f = _figures(tree, as_of=MID_2023).set_index("code")
    assert f.loc["D", "expected"] == pytest.approx(10 * 182 / 365)
    assert f.loc["D", "late_pipeline"] == 2  # B's dossier (01/05) and C's dossier (01/06)
    assert f.loc["D", "active_pipeline"] == 3  # plus B's source; the stopped one is out
    assert f.loc["D", "status"] == "at_risk"  # 3 < 5 expected, and 2 in late stages < 7 missing
    assert f.loc["C1", "status"] == "on_pace"  # 3 >= round(2,49)
    assert f.loc["C2", "status"] == "at_risk"
    assert f.loc["S", "status"] == "on_pace"  # expected 0,4986 rounds to 0
    assert f.loc["C2-C", "status"] == "no_target"


def test_year_end_statuses_and_worst_first_children(tree):
    f = _figures(tree)
    assert f.iloc[0]["code"] == "D"
    assert list(children_of(f)["code"]) == ["S", "C2", "C1"]  # missed 0%, 0%, then 60%
    assert set(f["status"]) == {"missed", "no_target"}


def test_headline(tree):
    h = headline(_figures(tree, as_of=MID_2023))
    assert (h.admitted, h.target, h.children_target) == (3, 10, 9)
    assert (h.grassroots_admitting, h.grassroots_total) == (1, 3)  # C1 of C1, C2, S
    assert h.status_counts["on_pace"] == 2 and h.status_counts["at_risk"] == 1
    assert h.year == 2023 and h.as_of == MID_2023


def test_an_empty_year_has_zeros_and_no_targets(tree):
    f = _figures(tree, year=2030, as_of=date(2030, 6, 1))
    assert f["admitted"].sum() == 0
    assert set(f["status"]) == {"no_target"}
    assert f.iloc[0]["percent_plan"] is None


def test_scope_is_enforced(tree):
    engine, _admin = tree
    with session_scope(engine) as s:
        c1_path = next(p for p, c in zip(_figures(tree)["path"], _figures(tree)["code"]) if c == "C1")
        secretary = Actor("bt", Role.SECRETARY, c1_path)
        own = org_figures(s, resolve(s, secretary, None), year=2023, as_of=END_2023, rules=RULES)
        assert set(own["code"]) == {"C1", "C1-A", "C1-B"}
        with pytest.raises(ScopeError, match="ngoài phạm vi"):
            org_figures(s, resolve(s, secretary, "D"), year=2023, as_of=END_2023, rules=RULES)
        with pytest.raises(ScopeError):
            org_figures(s, resolve(s, secretary, "C2-C"), year=2023, as_of=END_2023, rules=RULES)


def test_moving_an_organization_leaves_its_past_where_it_was(tree):
    """A move takes effect on its date: 2023 stays counted where the chi bộ stood in 2023."""
    engine, admin = tree
    with session_scope(engine) as s:
        moved = move_organization(s, admin, org_code="C1-B", new_parent_code="C2", expected_version=1,
                                  today=date(2024, 3, 1))
        assert moved.depth == 2 and moved.version == 2 and moved.placed_from == date(2024, 3, 1)
    f = _figures(tree).set_index("code")
    assert (f.loc["C1", "admitted"], f.loc["C2", "admitted"], f.loc["D", "admitted"]) == (3, 0, 3)
    assert f.loc["C1-B", "parent_id"] == f.loc["C1", "id"]  # on the 2023 screen, where it stood then
    assert _figures(tree, year=2024, as_of=date(2024, 12, 31), org_code="C2").set_index("code").index.tolist() == [
        "C2", "C1-B", "C2-C"]
    with session_scope(engine) as s, pytest.raises(FormError, match="nằm trong"):
        move_organization(s, admin, org_code="C1", new_parent_code="C1-A", expected_version=None,
                          today=date(2024, 3, 1))


def test_a_move_dated_before_the_year_moves_the_years_figures(tree):
    engine, admin = tree
    with session_scope(engine) as s:
        move_organization(s, admin, org_code="C1-B", new_parent_code="C2", expected_version=1,
                          effective_date=date(2023, 1, 1), today=date(2024, 3, 1))
    f = _figures(tree).set_index("code")
    assert (f.loc["C1", "admitted"], f.loc["C2", "admitted"], f.loc["D", "admitted"]) == (2, 1, 3)


def test_funnel_counts_conversion_and_median_days(tree):
    engine, actor = tree
    with session_scope(engine) as s:
        fn = funnel(s, resolve(s, actor, None), year=2023, as_of=END_2023, rules=RULES).set_index("stage")
    assert fn.loc["admitted", "standing"] == 3
    assert fn.loc["decision", "standing"] == 1
    assert fn.loc["committee_resolution", "standing"] == 1
    assert fn.loc["source", "standing"] == 1 and fn.loc["dossier", "standing"] == 1
    assert fn["standing"].sum() == 7  # the stopped candidate stands nowhere
    assert (fn.loc["dossier", "entered"], fn.loc["dossier", "moved_on"]) == (2, 1)
    assert fn.loc["dossier", "conversion"] == pytest.approx(50.0)
    assert (fn.loc["decision", "entered"], fn.loc["decision", "moved_on"]) == (3, 2)
    assert fn.loc["decision", "median_days"] == 21  # 17, 21, 21 days to the ceremony
    assert fn.loc["committee_resolution", "median_days"] == 153  # 106, 153, 252
    assert fn.loc["class_done", "median_days"] == 152  # (92 + 212) / 2
    assert fn.loc["official", "entered"] == 0


def test_mix_of_the_admitted(tree):
    engine, actor = tree
    with session_scope(engine) as s:
        mix = admitted_mix(s, resolve(s, actor, None), year=2023, as_of=END_2023, rules=RULES)
    assert mix.total == 3
    assert mix.flags == {"female": 1, "ethnic_minority": 1, "religious": 1, "youth_union": 1,
                         "under_30": 1,  # born 10/06/1993, decided 10/06/2023: exactly 30, not under
                         "village_head": 1}
    assert mix.qualification["university"] == 2 and mix.qualification["college"] == 1
    assert mix.occupation["farmer"] == 2 and mix.occupation["worker"] == 1
    assert mix.sector["rural"] == 3 and mix.sector["school"] == 0


def test_admissions_by_month_and_trend(tree):
    engine, actor = tree
    with session_scope(engine) as s:
        months = admissions_by_month(s, resolve(s, actor, None), year=2023, as_of=END_2023, rules=RULES)
        trend = trend_by_year(s, resolve(s, actor, None), years=range(2022, 2025), as_of=END_2023, rules=RULES)
        partial = admissions_by_month(s, resolve(s, actor, None), year=2023, as_of=MID_2023, rules=RULES)
    assert list(months["admitted"]) == [1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]
    assert list(months["cumulative"])[-1] == 3
    assert months["expected_cumulative"].iloc[-1] == pytest.approx(10.0)
    assert months["expected_cumulative"].iloc[0] == pytest.approx(10 * 31 / 365)
    assert partial["admitted"].isna().sum() == 5  # August to December are still ahead
    assert list(trend["admitted"]) == [1, 3, 0]  # the 2024 decision lies after the as-of date
    assert list(trend["target"]) == [0, 10, 0]


def test_lagging_alerts_mid_year(tree):
    engine, actor = tree
    with session_scope(engine) as s:
        alerts = organization_alerts(s, resolve(s, actor, None), year=2023, as_of=MID_2023, rules=RULES)
    found = {(a.kind, a.org_code) for a in alerts}
    assert found == {
        ("no_source", "S"), ("no_source", "C1-A"),
        ("pipeline_short", "C2"), ("pipeline_short", "D"), ("pipeline_short", "C1"),
        ("behind_pace", "C2"), ("behind_pace", "D"),
        ("children_short", "D"),
    }
    assert alerts.items[0].kind == "no_source"  # worst first
    children_short = next(a for a in alerts if a.kind == "children_short")
    assert "(9)" in children_short.message and "(10)" in children_short.message


def test_streak_alerts(engine):
    with session_scope(engine) as s:
        orgs = district(s)
        for y in (2021, 2022, 2023):
            add_plan(s, orgs["C2-C"], y, 1)
            add_plan(s, orgs["C1-A"], y, 1)
        add_candidate(s, orgs["C1-A"], admitted_on(date(2022, 5, 5)))
        actor = Actor("t", Role.ADMIN, orgs["D"].path)
        alerts = organization_alerts(s, resolve(s, actor, None), year=2023, as_of=END_2023, rules=RULES)
    by_kind = {(a.kind, a.org_code): a for a in alerts}
    assert "3 năm liền" in by_kind[("no_admission_years", "C2-C")].message
    assert "3 năm liền" in by_kind[("missed_target_years", "C2-C")].message
    # A admitted in 2022: one empty year since, below the default of two.
    assert ("no_admission_years", "C1-A") not in by_kind
    assert ("missed_target_years", "C1-A") not in by_kind  # met in 2022, missed only 2023


def test_clock_alerts_count_overdue_dossiers_without_names(engine):
    with session_scope(engine) as s:
        orgs = district(s)
        stages = {Stage.SOURCE: date(2022, 1, 3), Stage.OUTSTANDING: date(2022, 6, 1), Stage.CLASS_DONE: date(2022, 9, 1),
                  Stage.DOSSIER: date(2022, 10, 1), Stage.BRANCH_RESOLUTION: date(2023, 1, 5)}
        add_candidate(s, orgs["C1-A"], stages, full_name="Trần Thị Bí Mật")
        add_candidate(s, orgs["C1-A"], stages, full_name="Lê Văn Riêng")
        actor = Actor("t", Role.PROJECTOR, orgs["D"].path)
        # 60 working days after 05/01/2023, Tết 20–26/01 skipped: 13 in January (06/01–31/01),
        # 20 in February, 23 in March, then 03–06/04: the decision is due on 06/04/2023.
        on_time = clock_alerts(s, resolve(s, actor, None), today=date(2023, 4, 6), rules=RULES)
        late = clock_alerts(s, resolve(s, actor, None), today=date(2023, 4, 7), rules=RULES)
    assert [(a.kind, a.count) for a in on_time if "quyết định" in a.message] == [("clock_due_soon", 2)]
    overdue = [a for a in late if a.kind == "clock_overdue"]
    assert [(a.org_code, a.count) for a in overdue] == [("C1-A", 2)]
    assert "2 hồ sơ quá hạn" in overdue[0].message
    assert all("Bí Mật" not in a.message and "Riêng" not in a.message for a in late)


@given(st.lists(st.integers(min_value=0, max_value=400), max_size=60))
def test_median_of_counts_is_the_median_of_the_values(values):
    counts = {v: values.count(v) for v in set(values)}
    assert median_of_counts(counts) == (statistics.median(values) if values else None)


def test_a_large_subtree_read_through_the_date_indexes_gives_the_same_figures(tree, monkeypatch):
    engine, actor = tree
    with session_scope(engine) as s:
        small = _figures(tree), funnel(s, resolve(s, actor, None), year=2023, as_of=END_2023, rules=RULES)
    monkeypatch.setattr("core.figures.progress.LARGE_SUBTREE", 0)  # every subtree counts as large now
    with session_scope(engine) as s:
        large = _figures(tree), funnel(s, resolve(s, actor, None), year=2023, as_of=END_2023, rules=RULES)
    assert large[0].equals(small[0])
    assert large[0].attrs == small[0].attrs
    assert large[1].equals(small[1])
