"""Every figure beside the overview's on the dated tree: after a restructuring, a past year reads
as it did, and a year the tree changed in adds up across the change.

Tree (tests.factories.district): D → C1 → A, B; D → C2 → C; D → S. On 01/7/2025 C1 and C2 merge
into a new commune N under D (A, B and C with their people go under N), and A is renamed. Decisions
(counted by their date): A 10/3/2023, 10/5/2024, 10/3/2025, 10/9/2025; B 01/2/2025, 01/10/2025;
C 01/8/2025; S 01/4/2025. In the pipeline: B's candidate P entered the source stage on 01/2/2025
(under C1) and outstanding on 01/8/2025 (under N); C's candidate Q entered the source stage on
01/3/2024 and stands there.
"""
from __future__ import annotations

import io
from datetime import date

import pandas as pd
import pytest
from openpyxl import load_workbook

from core.access.scope import Actor, org_by_code, resolve
from core.config import RuleSettings
from core.figures.alerts import organization_alerts
from core.figures.breakdowns import admissions_by_month, admitted_mix, trend_by_year
from core.figures.funnel import funnel, standing_by_sector
from core.figures.projector import admitted_between
from core.office.exports import plans_workbook
from core.office.lists import outstanding_list
from core.office.report import report_figures
from core.procedure.stages import OrgKind, Role, Sector, Stage
from core.storage.db import session_scope
from core.structure.restructure import NewOrg, merge, move, rename
from tests.factories import add_candidate, add_plan, admitted_on, district

RULES = RuleSettings()
CHANGE = date(2025, 7, 1)
TODAY = date(2026, 11, 20)
END_2024, END_2025 = date(2024, 12, 31), date(2025, 12, 31)
PARTS = ("C1", "C2", "N", "S")  # what stood directly under D in 2025


@pytest.fixture
def tree(engine):
    with session_scope(engine) as s:
        orgs = district(s)
        a, b, c = orgs["C1-A"], orgs["C1-B"], orgs["C2-C"]
        for code, year, target in (("D", 2024, 3), ("C1-A", 2024, 1), ("C1-B", 2024, 1), ("C2-C", 2024, 1),
                                   ("D", 2025, 8), ("C1", 2025, 4), ("C2", 2025, 2), ("C1-A", 2025, 2),
                                   ("C1-B", 2025, 2), ("C2-C", 2025, 1), ("S", 2025, 1), ("C1-A", 2026, 1)):
            add_plan(s, orgs[code], year, target, 40)
        for day in (date(2023, 3, 10), date(2024, 5, 10), date(2025, 3, 10), date(2025, 9, 10)):
            add_candidate(s, a, admitted_on(day), female=True)
        add_candidate(s, b, admitted_on(date(2025, 2, 1)), qualification="university")
        add_candidate(s, b, admitted_on(date(2025, 10, 1)))
        add_candidate(s, c, admitted_on(date(2025, 8, 1)))
        add_candidate(s, orgs["S"], admitted_on(date(2025, 4, 1), grassroots_cell=True))
        add_candidate(s, b, {Stage.SOURCE: date(2025, 2, 1), Stage.OUTSTANDING: date(2025, 8, 1)}, full_name="Phạm Văn P")
        add_candidate(s, c, {Stage.SOURCE: date(2024, 3, 1)}, full_name="Lê Thị Q")
        root = orgs["D"].path
    return engine, Actor("admin", Role.ADMIN, root)


def restructure(tree) -> None:
    engine, actor = tree
    with session_scope(engine) as s:
        merge(s, actor, source_codes=["C1", "C2"], effective_date=CHANGE, today=TODAY,
              new=NewOrg("D", "N", "Đảng ủy xã N", OrgKind.GRASSROOTS_COMMITTEE.value, Sector.RURAL.value))
        rename(s, actor, org_code="C1-A", name="Chi bộ thôn A mới", effective_date=CHANGE, today=TODAY)


def read(tree, compute, code=None):
    engine, actor = tree
    with session_scope(engine) as s:
        return compute(s, resolve(s, actor, code))


def by_code(frame: pd.DataFrame, column: str) -> dict[str, int]:
    return dict(zip(frame["code"], frame[column].astype(int)))


# --- the projector's admissions between two dates ---------------------------------------------------

def between(start, end):
    return lambda s, sub: admitted_between(s, sub, start=start, end=end, rules=RULES)


def test_admissions_between_two_dates_keep_a_past_year_and_add_up_across_the_change(tree):
    before = read(tree, between(date(2024, 1, 1), END_2024))
    restructure(tree)
    assert read(tree, between(date(2024, 1, 1), END_2024)).equals(before)
    year = by_code(read(tree, between(date(2025, 1, 1), END_2025)), "admitted")
    # C1 until 30/6 (A in March, B in February), N from 01/7 (A, B, C), S.
    assert year == {"C1": 2, "C2": 0, "N": 3, "S": 1}
    assert sum(year.values()) == 6 == int(read(tree, between(date(2025, 1, 1), END_2025)).loc[:, "admitted"].sum())
    window = by_code(read(tree, between(date(2025, 6, 1), date(2025, 8, 31))), "admitted")
    assert window == {"N": 1, "C1": 0, "C2": 0, "S": 0}  # C's decision of 01/8, under N


def test_a_window_over_new_year_counts_each_side_on_its_own_tree(tree):
    engine, _actor = tree
    with session_scope(engine) as s:
        add_candidate(s, org_by_code(s, "C1-B"), admitted_on(date(2024, 12, 20)))
        add_candidate(s, org_by_code(s, "C1-A"), admitted_on(date(2025, 1, 5)))
    restructure(tree)
    assert by_code(read(tree, between(date(2024, 12, 1), date(2025, 1, 6))), "admitted") == {"C1": 2, "C2": 0, "S": 0}
    assert by_code(read(tree, between(date(2025, 12, 1), date(2026, 1, 6))), "admitted") == {"N": 0, "S": 0}


# --- alerts ----------------------------------------------------------------------------------------

def alerts(year, as_of):
    return lambda s, sub: [(a.kind, a.org_code) for a in organization_alerts(s, sub, year=year, as_of=as_of, rules=RULES)]


def unplanned(year, as_of):
    return lambda s, sub: organization_alerts(s, sub, year=year, as_of=as_of, rules=RULES).unplanned


def test_alerts_of_a_past_year_are_unchanged_by_the_restructuring(tree):
    before = read(tree, alerts(2024, END_2024)), read(tree, unplanned(2024, END_2024))
    restructure(tree)
    after = read(tree, alerts(2024, END_2024)), read(tree, unplanned(2024, END_2024))
    assert after == before
    assert after[1] == 3  # C1, C2 and S had no target for 2024


def test_a_moved_chi_bo_keeps_its_admissions_of_the_years_before_the_move(tree):
    """A goes from C1 to C2 on 01/12/2025, after all its admissions: looked at from C2 (where it
    never admitted anyone) or from D, A admitted in 2025 and met its 2025 target, so neither
    "no admission for 2 years" nor "target missed 2 years running" in 2026."""
    before = read(tree, alerts(2026, TODAY))
    engine, actor = tree
    with session_scope(engine) as s:
        move(s, actor, org_code="C1-A", new_parent_code="C2", effective_date=date(2025, 12, 1), today=TODAY)
    streaks = {"no_admission_years", "missed_target_years"}
    for root in (None, "C2"):
        found = read(tree, alerts(2026, TODAY), root)
        assert not [kind for kind, code in found if code == "C1-A" and kind in streaks]
    assert [a for a in read(tree, alerts(2026, TODAY)) if a[1] == "C1-A"] == [a for a in before if a[1] == "C1-A"]


def test_alerts_of_the_year_of_the_change_look_at_each_part_over_its_days(tree):
    restructure(tree)
    found = read(tree, alerts(2025, date(2025, 11, 30)))
    # C1 ended on 30/6 with 2 of its part's 2: its part of the year is over, nothing is behind.
    assert not [kind for kind, code in found if code in ("C1", "C2") and kind in ("behind_pace", "no_source",
                                                                                  "pipeline_short")]
    assert read(tree, unplanned(2025, date(2025, 11, 30))) == 0


# --- the funnel -----------------------------------------------------------------------------------

FLOWS = ["standing", "entered", "moved_on"]


def stages(year, as_of):
    return lambda s, sub: funnel(s, sub, year=year, as_of=as_of, rules=RULES).set_index("stage")


def test_the_funnel_of_a_past_year_is_unchanged_and_the_year_of_the_change_adds_up(tree):
    before = read(tree, stages(2024, END_2024)), read(tree, stages(2025, END_2025))
    restructure(tree)
    assert read(tree, stages(2024, END_2024)).equals(before[0])
    whole = read(tree, stages(2025, END_2025))
    assert whole.equals(before[1])  # D holds all of it, before and after the change
    parts = [read(tree, stages(2025, END_2025), code) for code in PARTS]
    total = sum(p[FLOWS].fillna(0) for p in parts)
    assert total.astype(int).equals(whole[FLOWS].fillna(0).astype(int))
    c1, n = parts[0], parts[2]
    # P entered the source stage under C1 (and moved on), and outstanding under N, where it stands.
    assert (c1.loc["source", "entered"], c1.loc["source", "moved_on"], n.loc["outstanding", "entered"]) == (1, 1, 1)
    assert c1["standing"].sum() == 0  # C1 no longer exists on 31/12
    assert n.loc["outstanding", "standing"] == 1


def test_standing_by_sector_counts_each_candidate_where_it_stood(tree):
    def sectors(year, as_of):
        return lambda s, sub: standing_by_sector(s, sub, year=year, as_of=as_of)
    before = read(tree, sectors(2024, END_2024))
    restructure(tree)
    assert read(tree, sectors(2024, END_2024)).equals(before)
    by_sector = read(tree, sectors(2025, END_2025))
    assert int(by_sector["count"].sum()) == int(read(tree, stages(2025, END_2025))["standing"].sum())
    assert read(tree, sectors(2025, END_2025), "C1").empty
    assert dict(zip(by_sector["sector"], by_sector["count"])).keys() == {"rural", "school"}


# --- breakdowns -----------------------------------------------------------------------------------

def mix(year, as_of):
    return lambda s, sub: admitted_mix(s, sub, year=year, as_of=as_of, rules=RULES)


def test_the_mix_keeps_a_past_year_and_adds_up_across_the_change(tree):
    before = read(tree, mix(2024, END_2024)), read(tree, mix(2025, END_2025))
    restructure(tree)
    assert read(tree, mix(2024, END_2024)) == before[0]
    assert read(tree, mix(2025, END_2025)) == before[1]
    parts = [read(tree, mix(2025, END_2025), code) for code in PARTS]
    assert [p.total for p in parts] == [2, 0, 3, 1]
    assert [p.flags["female"] for p in parts] == [1, 0, 1, 0]  # A's March decision under C1, September's under N
    assert before[1].sector["school"] == 1 and before[1].sector["rural"] == 5


def test_admissions_by_month_of_a_part_year_organization_pace_over_its_part(tree):
    restructure(tree)

    def months(code):
        return read(tree, lambda s, sub: admissions_by_month(s, sub, year=2025, as_of=END_2025, rules=RULES), code)

    c1, n, d = months("C1"), months("N"), months("D")
    assert list(c1["admitted"].iloc[:6]) == [0, 1, 1, 0, 0, 0] and c1["admitted"].iloc[6:].isna().all()
    assert c1["expected_cumulative"].iloc[5] == pytest.approx(2.0)  # C1's part of the plan, done by 30/6
    assert c1["expected_cumulative"].iloc[-1] == pytest.approx(2.0)
    assert list(n["expected_cumulative"].iloc[:6]) == [0.0] * 6  # N paces from 01/7
    assert n["expected_cumulative"].iloc[-1] == pytest.approx(3.0)  # the rest of C1's and C2's plans
    assert list(n["admitted"].iloc[6:]) == [0, 1, 1, 1, 0, 0]
    assert int(d["admitted"].sum()) == 6


def test_the_trend_counts_each_year_where_the_candidates_stood_then(tree):
    def trend(code=None):
        return read(tree, lambda s, sub: trend_by_year(s, sub, years=range(2023, 2027), as_of=TODAY, rules=RULES), code)

    before = trend(), trend("C1")
    restructure(tree)
    assert trend().equals(before[0])  # D held everything, every year
    assert list(before[1]["admitted"]) == [1, 1, 4, 0]
    c1 = trend("C1")
    assert list(c1["year"]) == [2023, 2024, 2025, 2026]
    assert list(c1["admitted"]) == [1, 1, 2, 0]  # 2025: until 30/6; 2026: C1 no longer exists
    assert list(c1["target"])[2] == 2
    n = trend("N")
    assert (list(n["year"]), list(n["admitted"]), list(n["target"])) == ([2025, 2026], [3, 0], [3, 0])


# --- lists, exports, the report --------------------------------------------------------------------

def listed(year, month):
    return lambda s, sub: outstanding_list(s, sub, year=year, month=month)


def test_the_monthly_list_stands_on_the_tree_of_its_month(tree):
    before = read(tree, listed(2025, 3))
    restructure(tree)
    march = read(tree, listed(2025, 3))
    assert march.equals(before)
    assert list(march["org_code"]) == ["C1-A", "C1-B", "C2-C", "S"]
    assert march["org_name"].iloc[0] == "Chi bộ thôn A"  # its name then
    assert len(read(tree, listed(2025, 3), "C1")) == 2
    assert read(tree, listed(2025, 8), "C1").empty
    august = read(tree, listed(2025, 8), "N")
    assert list(august["org_name"]) == ["Chi bộ thôn A mới", "Chi bộ thôn B", "Chi bộ thôn B"]
    assert "Phạm Văn P" in list(august["full_name"])
    assert read(tree, listed(2025, 3), "N").empty  # N did not exist in March


def _plans(data: bytes) -> set[tuple[str, int]]:
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    return {(row[0].value, row[2].value) for row in sheet.iter_rows(min_row=2)}


def test_the_plans_export_holds_each_year_where_the_organization_stood_that_year(tree):
    before = read(tree, plans_workbook, "C1")
    assert ("C1-A", 2026) in _plans(before)
    restructure(tree)
    old, new = _plans(read(tree, plans_workbook, "C1")), _plans(read(tree, plans_workbook, "N"))
    assert {year for code, year in old if code == "C1-A"} == {2024, 2025}
    assert {year for code, year in new if code == "C1-A"} == {2025, 2026}
    assert ("C1", 2025) in old and ("N", 2025) in new and ("C2-C", 2024) not in new


def test_the_report_of_the_year_of_the_change_adds_up_across_it(tree):
    restructure(tree)
    f = read(tree, lambda s, sub: report_figures(s, sub, year=2025, as_of=END_2025, rules=RULES))
    assert by_code(f.rows, "admitted") == {"C1": 2, "C2": 0, "N": 3, "S": 1}
    assert f.head.admitted == f.mix.total == 6
    assert sum(f.standing.values()) == int(read(tree, stages(2025, END_2025))["standing"].sum())
