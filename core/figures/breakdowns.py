"""Who was admitted and when: the mix of the admitted, admissions by month, the trend over years.

All aggregates in SQL over one subtree; no candidate row leaves the database.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import and_, case, func
from sqlmodel import Session, select

from core.access.scope import Subtree
from core.config import RuleSettings
from core.figures.progress import (
    Period,
    candidate_scope,
    counted_date_column,
    expected_by,
)
from core.procedure.stages import Occupation, Qualification, Sector
from core.storage.models import Candidate, Organization, YearPlan
from core.storage.sqlfuncs import age_years, ymd


@dataclass(frozen=True)
class Mix:
    """Counts of the admitted in the period, by the groups leadership reports on."""

    total: int
    flags: dict[str, int]  # female, ethnic_minority, religious, youth_union, under_30, village_head
    qualification: dict[str, int]
    occupation: dict[str, int]
    sector: dict[str, int]


def _admitted_in(session: Session, root: Subtree, period: Period, rules: RuleSettings):
    counted = counted_date_column(rules)
    return counted, and_(candidate_scope(session, root), counted >= period.start, counted <= period.end)


def admitted_mix(
    session: Session, subtree: Subtree, *, year: int, as_of: date, rules: RuleSettings
) -> Mix:
    """The mix of those admitted in the year up to `as_of`, in the organization's subtree."""
    counted, where = _admitted_in(session, subtree, Period(year, as_of), rules)

    def flag(condition):
        return func.sum(case((condition, 1), else_=0))

    # One pass over those admitted: counted by (qualification, occupation, sector), with the
    # flags summed in each group; the totals are added up here.
    groups = (Candidate.qualification, Candidate.occupation, Organization.sector)
    flags = {
        "female": flag(Candidate.female),
        "ethnic_minority": flag(Candidate.ethnic_minority),
        "religious": flag(Candidate.religion != ""),
        "youth_union": flag(Candidate.youth_union_member),
        "under_30": flag(age_years(Candidate.birth_date, counted) < rules.under_age_years),
        "village_head": flag(Candidate.village_head),
    }
    rows = pd.DataFrame.from_records(
        [tuple(r) for r in session.exec(
            select(*groups, func.count(Candidate.id), *flags.values())
            .select_from(Candidate).join(Organization, Organization.id == Candidate.organization_id)
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


def admissions_by_month(
    session: Session, subtree: Subtree, *, year: int, as_of: date, rules: RuleSettings
) -> pd.DataFrame:
    """Admissions per month of the year against the plan's expected cumulative pace.

    Columns: month (1–12), admitted, cumulative, expected_cumulative (months after the
    as-of date have no admitted figures).
    """
    period = Period(year, as_of)
    counted, where = _admitted_in(session, subtree, period, rules)
    month = (ymd(counted) // 100) % 100
    rows = dict(
        session.exec(
            select(month, func.count(Candidate.id))
            .where(where)
            .group_by(month)
        ).all()
    )
    target = session.exec(
        select(YearPlan.target).where(YearPlan.organization_id == subtree.id, YearPlan.year == year)
    ).first() or 0
    frame = pd.DataFrame({"month": range(1, 13)})
    frame["admitted"] = [int(rows.get(m, 0)) for m in frame["month"]]
    last_month = period.end.month if period.end >= period.start else 0
    frame.loc[frame["month"] > last_month, "admitted"] = pd.NA
    frame["cumulative"] = frame["admitted"].cumsum()
    frame["expected_cumulative"] = [
        expected_by(target, Period(year, date(year, m, calendar.monthrange(year, m)[1])), rules.pace_monthly_weights)
        for m in frame["month"]
    ]
    return frame


def trend_by_year(
    session: Session, subtree: Subtree, *, years: range, as_of: date, rules: RuleSettings
) -> pd.DataFrame:
    """Admitted and target per year for the organization's subtree. Columns: year, admitted, target."""
    counted = counted_date_column(rules)
    scope = candidate_scope(session, subtree)
    # One count per year: each a plain range of the date index, no date arithmetic per row.
    admitted = {
        y: session.exec(select(func.count()).where(
            scope, counted >= date(y, 1, 1), counted <= min(as_of, date(y, 12, 31)))).one()
        for y in years if date(y, 1, 1) <= as_of
    }
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
