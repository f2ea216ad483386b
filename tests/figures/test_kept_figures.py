"""The figures read from the counts kept as written (core.storage.kept) are those a count over
the candidates finds: on the demo, for every organization and on every day the kept rows answer
for, against the same figures with the kept rows turned off (tests/conftest.py checks the kept
rows themselves against a recount after every test)."""
from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest
from sqlmodel import Session, select

from core.access.scope import operator, resolve
from core.config import RuleSettings
from core.figures import progress
from core.figures.breakdowns import admissions_by_month
from core.figures.funnel import funnel, standing_by_sector
from core.figures.progress import Period, counting, org_figures
from core.procedure.stages import GRASSROOTS_KINDS, OrgKind, Stage
from core.storage import kept
from core.storage.db import session_scope
from core.storage.models import Organization
from tests.factories import add_candidate, add_org, admitted_on

RULES = RuleSettings()


def _counted_afresh(monkeypatch: pytest.MonkeyPatch, compute):
    with monkeypatch.context() as patched:
        patched.setattr(kept, "standing_on", lambda *_args: None)
        patched.setattr(kept, "stage_flows", lambda *_args: None)
        return compute()


def test_the_kept_standing_is_what_a_count_over_the_candidates_finds(demo_engine, monkeypatch):
    with Session(demo_engine) as session:
        through = kept.kept_through(session)
        assert through is not None
        actor = operator(session)
        codes = session.exec(select(Organization.code).order_by(Organization.path)).all()
        days = (through, through + timedelta(days=11), date(through.year, 12, 31), date(through.year + 1, 3, 5))
        compared = 0
        for code in codes:
            subtree = resolve(session, actor, code)
            for day in days:
                year = day.year
                mine = standing_by_sector(session, subtree, year=year, as_of=day)
                fresh = _counted_afresh(monkeypatch, lambda: standing_by_sector(session, subtree, year=year, as_of=day))
                fresh = fresh.sort_values(["sector", "stage"]).reset_index(drop=True)
                pd.testing.assert_frame_equal(mine, fresh, check_dtype=False, obj=f"{code} on {day}")
                compared += int(mine["count"].sum())
        assert compared > 1_000  # the demo's district stands in it, many times over

        # The funnel: its standing (the members at a recognition step under «admitted»), the
        # entries of the year and those moved on, in a year running and in years over.
        for code in (None, "KB", *codes[1:60:6]):
            subtree = resolve(session, actor, code)
            for day in (*days[:3], date(2024, 12, 31), date(2025, 12, 31)):
                mine = funnel(session, subtree, year=day.year, as_of=day, rules=RULES)
                fresh = _counted_afresh(monkeypatch, lambda: funnel(session, subtree, year=day.year, as_of=day,
                                                                    rules=RULES))
                pd.testing.assert_frame_equal(mine, fresh, obj=f"funnel of {code} on {day}")


def test_before_the_last_date_written_the_kept_standing_does_not_answer(demo_engine):
    with Session(demo_engine) as session:
        through = kept.kept_through(session)
        root = resolve(session, operator(session), None)
        assert kept.standing_on(session, root.id, through - timedelta(days=1)) is None
        assert kept.standing_on(session, root.id, through)


def test_a_probationary_member_admitted_the_year_before_enters_recognition_in_this_years_funnel(engine, monkeypatch):
    # Admitted on 01/6/2025, voted for recognition by the chi bộ on 10/6/2026, not yet official:
    # the funnel of 2026 has that entry, read from the kept rows and counted afresh alike.
    with session_scope(engine) as session:
        commune = add_org(session, "X", kind=OrgKind.GRASSROOTS_COMMITTEE)
        cell = add_org(session, "X-1", commune)
        add_candidate(session, cell, {**admitted_on(date(2025, 5, 20), ceremony=date(2025, 6, 1)),
                                      Stage.RECOGNITION_BRANCH: date(2026, 6, 10)})
    with Session(engine) as session:
        subtree = resolve(session, operator(session), "X")
        for as_of in (date(2026, 11, 20), date(2026, 12, 31)):
            mine = funnel(session, subtree, year=2026, as_of=as_of, rules=RULES).set_index("stage")
            fresh = _counted_afresh(monkeypatch, lambda: funnel(session, subtree, year=2026, as_of=as_of,
                                                                rules=RULES)).set_index("stage")
            pd.testing.assert_frame_equal(mine, fresh)
            assert mine.loc["recognition_branch", "entered"] == 1
            assert mine.loc["admitted", "entered"] == 0 and mine.loc["admitted", "moved_on"] == 0
            assert mine.loc["admitted", "standing"] == 1


def test_the_grassroots_that_admitted_in_the_year_are_those_a_count_over_the_candidates_finds(demo_engine, monkeypatch):
    """The overview's "n of m grassroots organizations admitted someone": from the admissions
    kept per organization and year in a year the tree did not change (2026 on the demo, the
    reorganisation was on 01/7/2025), less those that admitted only after the day (the
    comparison date, a month back), counted afresh otherwise, the same either way."""
    with Session(demo_engine) as session:
        through = kept.kept_through(session)
        actor = operator(session)
        codes = session.exec(select(Organization.code).where(Organization.kind != OrgKind.CELL.value)
                             .order_by(Organization.path)).all()
        root = resolve(session, actor, None)
        period = Period(through.year, through)
        counted = counting(session, root, period)
        in_use = Organization.active | Organization.valid_to.is_not(None)
        kinds = [k.value for k in GRASSROOTS_KINDS]
        assert progress._grassroots_kept(session, counted, period, RULES, kinds, in_use) is not None
        # A year the tree changed in, or one before it: counted afresh.
        past = Period(2025, date(2025, 12, 31))
        assert progress._grassroots_kept(session, counting(session, root, past), past, RULES, kinds, in_use) is None
        seen = 0
        for code in (None, *codes):
            subtree = resolve(session, actor, code)
            for day in (through, through - timedelta(days=30), date(through.year, 12, 31)):
                def grassroots():
                    attrs = org_figures(session, subtree, year=day.year, as_of=day, rules=RULES, levels=0).attrs
                    return attrs["grassroots_admitting"], attrs["grassroots_total"]
                mine = grassroots()
                with monkeypatch.context() as patched:
                    patched.setattr(progress, "_grassroots_kept", lambda *_args: None)
                    assert grassroots() == mine, (code, day)
                seen += mine[0]
        assert seen > 0


def _figures_afresh(monkeypatch: pytest.MonkeyPatch, compute):
    with monkeypatch.context() as patched:
        patched.setattr(progress, "kept_year", lambda *_args: False)
        return compute()


def test_the_screens_figures_from_the_kept_year_and_standing_are_those_counted_afresh(demo_engine, monkeypatch):
    """org_figures two levels down (the alerts' screen) for every organization of the demo that
    is not a chi bộ: the admitted from the kept year (less those after the day, counted afresh)
    and the pipeline from the kept standing, against the same figures counted from the
    candidates, on the day of the last date written, a month before it (the overview's
    comparison), in the first half of the year (counted afresh either way) and at the year's end."""
    with Session(demo_engine) as session:
        through = kept.kept_through(session)
        actor = operator(session)
        codes = session.exec(select(Organization.code).where(Organization.kind != OrgKind.CELL.value)
                             .order_by(Organization.path)).all()
        columns = ["admitted", "late_pipeline", "active_pipeline", "status"]
        days = (through, through - timedelta(days=30), date(through.year, 3, 15), date(through.year, 12, 31))
        assert progress.kept_year(session, Period(through.year, through))
        admitted = pipeline = 0
        for code in (None, *codes):
            subtree = resolve(session, actor, code)
            for day in days:
                def figures():
                    return org_figures(session, subtree, year=day.year, as_of=day, rules=RULES, levels=2,
                                       summary=False)[columns]
                mine = figures()
                pd.testing.assert_frame_equal(mine, _figures_afresh(monkeypatch, figures), obj=f"{code} on {day}")
                admitted += int(mine["admitted"].iloc[0])
                pipeline += int(mine["active_pipeline"].iloc[0])
        assert admitted > 100 and pipeline > 100


def test_the_months_kept_are_the_admissions_counted_afresh_month_by_month(demo_engine, monkeypatch):
    """The overview's months: each month's admissions, from the months kept (the month still
    running counted afresh before the last date written), are the difference of the admitted
    counted afresh at the ends of two months; up to the day asked, they add up to its figure."""
    with Session(demo_engine) as session:
        through = kept.kept_through(session)
        actor = operator(session)
        year = through.year
        ends = [date(year, m, 1) - timedelta(days=1) for m in range(2, 13)] + [date(year, 12, 31)]
        for code in (None, "KB", "NB-TAMCHUC"):
            subtree = resolve(session, actor, code)

            def admitted(day: date) -> int:
                return int(_figures_afresh(monkeypatch, lambda: org_figures(
                    session, subtree, year=year, as_of=day, rules=RULES, levels=0))["admitted"].iloc[0])
            afresh = [admitted(end) for end in ends]
            months = admissions_by_month(session, subtree, year=year, as_of=date(year, 12, 31), rules=RULES)
            assert months["admitted"].tolist() == [afresh[0], *(b - a for a, b in zip(afresh, afresh[1:]))], code
            for day in (through, through - timedelta(days=9)):
                months = admissions_by_month(session, subtree, year=year, as_of=day, rules=RULES)
                assert int(months["cumulative"].dropna().iloc[-1]) == admitted(day), (code, day)
        assert sum(afresh) > 0


def test_a_grassroots_organization_that_admitted_only_after_the_comparison_date_had_not_admitted_by_then(
        engine, monkeypatch):
    # Two communes: A admitted in February and in November, B only in November. On 31/10 (the
    # comparison a month back, when the last date written is in November) one of the two had
    # admitted: the kept year says two, less B, whose every admission came later.
    with session_scope(engine) as session:
        top = add_org(session, "T", kind=OrgKind.UPPER_COMMITTEE)
        a, b = (add_org(session, code, top, kind=OrgKind.GRASSROOTS_COMMITTEE) for code in ("A", "B"))
        a1, b1 = add_org(session, "A-1", a), add_org(session, "B-1", b)
        for cell, days in ((a1, (date(2026, 2, 10), date(2026, 11, 12))), (b1, (date(2026, 11, 5),))):
            for day in days:
                add_candidate(session, cell, admitted_on(day))
    with Session(engine) as session:
        subtree = resolve(session, operator(session), "T")
        for day, expected in ((date(2026, 10, 31), (1, 2)), (date(2026, 11, 12), (2, 2)), (date(2026, 11, 8), (2, 2)),
                              (date(2026, 3, 1), (1, 2))):
            def grassroots():
                attrs = org_figures(session, subtree, year=2026, as_of=day, rules=RULES, levels=0).attrs
                return attrs["grassroots_admitting"], attrs["grassroots_total"]
            assert grassroots() == expected, day
            with monkeypatch.context() as patched:
                patched.setattr(progress, "_grassroots_kept", lambda *_args: None)
                assert grassroots() == expected, day
