"""Who was admitted and when: the mix of the admitted, admissions by month, the trend over years.

All aggregates in SQL over one subtree; no candidate row leaves the database.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass, replace
from datetime import date

import pandas as pd
from sqlalchemy import and_, case, func
from sqlmodel import Session, select

from core.access.scope import Subtree
from core.config import RuleSettings
from core.figures.progress import (
    Period,
    counted_date_column,
    counting,
    counting_between,
    expected_by,
)
from core.procedure.stages import Occupation, Qualification, Sector
from core.storage import kept
from core.storage.models import Organization, YearPlan
from core.storage.sqlfuncs import age_years


@dataclass(frozen=True)
class Mix:
    """Counts of the admitted in the period, by the groups leadership reports on."""

    total: int
    flags: dict[str, int]  # female, ethnic_minority, religious, youth_union, under_30, village_head
    qualification: dict[str, int]
    occupation: dict[str, int]
    sector: dict[str, int]


def _admitted_in(session: Session, root: Subtree, period: Period, rules: RuleSettings, since: date | None = None):
    """(the placed candidates, their counted date, the condition of being admitted in the
    period, from `since` if given, in the subtree): each where the candidate stood on the day
    it was counted."""
    counted = counting(session, root, period)
    day = counted_date_column(rules, counted.C)
    return counted.C, day, and_(counted.scope(), day >= max(since or period.start, period.start), day <= period.end,
                                counted.on(day))


def admitted_mix(
    session: Session, subtree: Subtree, *, year: int, as_of: date, rules: RuleSettings
) -> Mix:
    """The mix of those admitted in the year up to `as_of`, in the organization's subtree, each
    where the candidate stood on the day of the decision (its sector: that organization's)."""
    C, counted, where = _admitted_in(session, subtree, Period(year, as_of), rules)

    def flag(condition):
        return func.sum(case((condition, 1), else_=0))

    # One pass over those admitted: counted by (qualification, occupation, sector), with the
    # flags summed in each group; the totals are added up here.
    groups = (C.qualification, C.occupation, Organization.sector)
    flags = {
        "female": flag(C.female),
        "ethnic_minority": flag(C.ethnic_minority),
        "religious": flag(C.religion != ""),
        "youth_union": flag(C.youth_union_member),
        "under_30": flag(age_years(C.birth_date, counted) < rules.under_age_years),
        "village_head": flag(C.village_head),
    }
    rows = pd.DataFrame.from_records(
        [tuple(r) for r in session.exec(
            select(*groups, func.count(C.id), *flags.values())
            .select_from(C).join(Organization, Organization.id == C.organization_id)
            .where(where).group_by(*groups)
        ).all()],
        columns=["qualification", "occupation", "sector", "total", *flags],
    )

    def grouped(column: str, codes) -> dict[str, int]:
        sums = rows.groupby(column)["total"].sum()
        return {code.value: int(sums.get(code.value, 0)) for code in codes}

    return Mix(
        total=int(rows["total"].sum()),
        flags={name: int(rows[name].sum()) for name in flags},
        qualification=grouped("qualification", Qualification),
        occupation=grouped("occupation", Occupation),
        sector=grouped("sector", Sector),
    )


def _part_of(session: Session, subtree: Subtree, period: Period) -> Period:
    """The period within the days the organization existed in its year (Period.of)."""
    org = session.get(Organization, subtree.id)
    return period.of(org.valid_from, org.valid_to)


def admissions_by_month(
    session: Session, subtree: Subtree, *, year: int, as_of: date, rules: RuleSettings
) -> pd.DataFrame:
    """Admissions per month of the year against the plan's expected cumulative pace, each where
    the candidate stood on the day of the decision. An organization that existed for part of
    the year (founded or ended in it) is paced over that part, with its plan for it.

    Columns: month (1–12), admitted, cumulative, expected_cumulative (months after the
    as-of date, or after the organization ended, have no admitted figures).
    """
    period = _part_of(session, subtree, Period(year, as_of))
    rows: dict[int, int] = {}
    if period.end >= period.start:
        # The kept months (core.storage.kept) are the organization's own, on every path it had;
        # the month still running, where they do not hold it, counted afresh.
        months, rest = kept.months_up_to(session, period.end)
        basis = counted_date_column(rules).name
        rows = {m: n for m, n in kept.admitted_by_month(session, basis, subtree.id, year).items() if m in months}
        if rest is not None:
            C, _day, where = _admitted_in(session, subtree, period, rules, since=rest)
            rows[rest.month] = session.exec(select(func.count(C.id)).where(where)).one()
    target = session.exec(
        select(YearPlan.target).where(YearPlan.organization_id == subtree.id, YearPlan.year == year)
    ).first() or 0
    frame = pd.DataFrame({"month": range(1, 13)})
    frame["admitted"] = [int(rows.get(m, 0)) for m in frame["month"]]
    last_month = period.end.month if period.end >= period.start else 0
    frame.loc[frame["month"] > last_month, "admitted"] = pd.NA
    frame["cumulative"] = frame["admitted"].cumsum()
    frame["expected_cumulative"] = [
        expected_by(target, replace(period, as_of=date(year, m, calendar.monthrange(year, m)[1])),
                    rules.pace_monthly_weights)
        for m in frame["month"]
    ]
    return frame


def trend_by_year(
    session: Session, subtree: Subtree, *, years: range, as_of: date, rules: RuleSettings
) -> pd.DataFrame:
    """Admitted and target per year for the organization's subtree. Columns: year, admitted, target.

    Each year is counted on the tree as it stood then: an admission where the candidate stood
    on the day of the decision, under the paths the organization had that year (Huyện ủy Kim
    Bảng's 2023 is its communes' 2023, wherever they went since). Years the organization did
    not exist in (before its founding, after its end) are 0."""
    org = session.get(Organization, subtree.id)
    periods = {y: Period(y, as_of).of(org.valid_from, org.valid_to) for y in years}
    counted_years = [y for y in years if periods[y].start <= as_of
                     and (org.valid_from is None or org.valid_from.year <= y) and (org.valid_to is None or org.valid_to.year >= y)]
    # Years over for the organization: the counts kept as written (core.storage.kept, the same
    # counting); the year still running, from the candidates, in one pass on its paths.
    over = [y for y in counted_years if periods[y].is_over]
    admitted = {y: n for (_org, y), n in kept.admitted_by_year(
        session, counted_date_column(rules).name, [subtree.id], range(over[0], over[-1] + 1)).items()
        if y in over} if over else {}
    counted_years = [y for y in counted_years if y not in over]
    if counted_years:
        lo, hi = periods[counted_years[0]].start, periods[counted_years[-1]].end
        counted = counting_between(session, subtree, lo, hi)
        day = counted_date_column(rules, counted.C)
        columns = [func.sum(case((and_(day >= periods[y].start, day <= periods[y].end), 1), else_=0))
                   for y in counted_years]
        row = session.execute(select(*columns).where(counted.scope(), day >= lo, day <= hi, counted.on(day))).one()
        admitted |= {y: int(n or 0) for y, n in zip(counted_years, row)}
    targets = dict(
        session.exec(
            select(YearPlan.year, YearPlan.target).where(YearPlan.organization_id == subtree.id, YearPlan.year.in_(list(years)))
        ).all()
    )
    frame = pd.DataFrame(
        {
            "year": list(years),
            "admitted": [int(admitted.get(y, 0)) for y in years],
            "target": [int(targets.get(y, 0)) for y in years],
        }
    )
    # Years before the first with a plan or an admission say nothing: leave them out.
    recorded = frame.index[(frame["admitted"] > 0) | (frame["target"] > 0)]
    return frame.loc[recorded.min():].reset_index(drop=True) if len(recorded) else frame.iloc[-1:].reset_index(drop=True)
