"""Progress against the yearly plan, computed in SQL over one subtree, one year, one as-of date.

Candidates are never loaded: every figure is an aggregate grouped by organization, and the
roll-up to ancestors adds those per-organization counts along the materialized paths.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import and_, case, func, or_
from sqlmodel import Session, select

from core.config import RuleSettings
from core.models import Candidate, Organization, YearPlan
from core.scope import Actor, org_in_scope
from core.stages import GRASSROOTS_KINDS, LATE_STAGES, Stage, counting_stage, stage_date_column
from core.tree import in_subtree

STATUSES = ("done", "on_pace", "behind", "at_risk", "missed", "no_target")
# Worst first, for sorting lists of organizations.
STATUS_RANK = {"missed": 0, "at_risk": 1, "behind": 2, "on_pace": 3, "done": 4, "no_target": 5}


@dataclass(frozen=True)
class Period:
    """Jan 1 of the year up to the as-of date (never past Dec 31)."""

    year: int
    as_of: date

    @property
    def start(self) -> date:
        return date(self.year, 1, 1)

    @property
    def end(self) -> date:
        return min(self.as_of, date(self.year, 12, 31))

    @property
    def is_over(self) -> bool:
        return self.as_of >= date(self.year, 12, 31)


def counted_date_column(rules: RuleSettings):
    """The Candidate column whose date counts an admission (decision by default)."""
    return getattr(Candidate, stage_date_column(counting_stage(rules.count_admission_by)))


def expected_by(target: int, period: Period, weights: tuple[float, ...] = ()) -> float:
    """How many admissions the plan expects by the end of the period.

    Linear through the year by default; with twelve monthly weights, the months before the
    as-of month count whole and the current month pro rata to its days.
    """
    if target <= 0 or period.as_of < period.start:
        return 0.0
    if period.is_over:
        return float(target)
    day = period.end
    if not weights:
        days_in_year = (date(period.year, 12, 31) - period.start).days + 1
        return target * ((day - period.start).days + 1) / days_in_year
    month_start = date(period.year, day.month, 1)
    next_month = date(period.year + (day.month == 12), day.month % 12 + 1, 1)
    fraction_of_month = ((day - month_start).days + 1) / (next_month - month_start).days
    done = sum(weights[: day.month - 1]) + weights[day.month - 1] * fraction_of_month
    return target * done / sum(weights)


def expected_count(expected: float) -> int:
    """The expected figure as a whole number of admissions (half up: 0,5 expects one)."""
    return math.floor(expected + 0.5)


def org_status(*, target: int, admitted: int, expected: float, late_pipeline: int, year_over: bool) -> str:
    """done / on_pace / behind (below pace, but the late pipeline covers what is left) /
    at_risk (below pace and the pipeline does not cover it) / missed (year over, short) /
    no_target."""
    if target <= 0:
        return "no_target"
    if admitted >= target:
        return "done"
    if year_over:
        return "missed"
    if admitted >= expected_count(expected):
        return "on_pace"
    return "behind" if late_pipeline >= target - admitted else "at_risk"


def band_of(percent_of_members: float | None, rules: RuleSettings) -> str | None:
    """Where the admissions stand against the 3–4 % band: below / within / above."""
    if percent_of_members is None:
        return None
    if percent_of_members < rules.band_low_percent:
        return "below"
    return "within" if percent_of_members <= rules.band_high_percent else "above"


def _percent(part: float, whole: float | None) -> float | None:
    return 100.0 * part / whole if whole else None


def subtree_orgs(session: Session, root: Organization) -> pd.DataFrame:
    """The organizations of a subtree (indexed by id), the root first."""
    rows = session.exec(
        select(
            Organization.id, Organization.code, Organization.name, Organization.parent_id, Organization.path,
            Organization.depth, Organization.kind, Organization.sector, Organization.active,
        ).where(in_subtree(root.path))
    ).all()
    frame = pd.DataFrame(rows, columns=["id", "code", "name", "parent_id", "path", "depth", "kind", "sector", "active"])
    # The root's path is a prefix of every other, so it sorts first.
    return frame.sort_values("path").set_index("id", drop=False)


def _candidate_counts(session: Session, root: Organization, period: Period, rules: RuleSettings) -> pd.DataFrame:
    """Per organization: admitted in the period, late-stage and active pipeline as of its end."""
    counted = counted_date_column(rules)
    end = period.end
    not_counted = or_(counted.is_(None), counted > end)
    not_exited = or_(Candidate.exit_date.is_(None), Candidate.exit_date > end)
    late_started = or_(*[getattr(Candidate, stage_date_column(s)) <= end for s in LATE_STAGES])
    first_date = func.coalesce(Candidate.source_date, Candidate.outstanding_date, Candidate.class_done_date, Candidate.dossier_date)
    if counting_stage(rules.count_admission_by) is Stage.ADMITTED:
        late_started = or_(late_started, Candidate.decision_date <= end)
    stmt = (
        select(
            Candidate.organization_id,
            func.sum(case((and_(counted >= period.start, counted <= end), 1), else_=0)),
            func.sum(case((and_(late_started, not_counted, not_exited), 1), else_=0)),
            func.sum(case((and_(first_date <= end, not_counted, not_exited), 1), else_=0)),
        )
        .join(Organization, Organization.id == Candidate.organization_id)
        .where(in_subtree(root.path))
        .group_by(Candidate.organization_id)
    )
    frame = pd.DataFrame(session.exec(stmt).all(), columns=["id", "admitted", "late_pipeline", "active_pipeline"])
    return frame.set_index("id")


def _plans(session: Session, root: Organization, year: int) -> pd.DataFrame:
    stmt = (
        select(YearPlan.organization_id, YearPlan.target, YearPlan.members_start)
        .join(Organization, Organization.id == YearPlan.organization_id)
        .where(in_subtree(root.path), YearPlan.year == year)
    )
    frame = pd.DataFrame(session.exec(stmt).all(), columns=["id", "target", "members_start"])
    return frame.set_index("id")


def roll_up(orgs: pd.DataFrame, own: pd.Series) -> pd.Series:
    """Each organization's value plus every descendant's, by walking the tree bottom-up."""
    total = own.reindex(orgs.index, fill_value=0).astype("int64").copy()
    for depth in sorted(orgs["depth"].unique(), reverse=True):
        level = orgs[(orgs["depth"] == depth) & orgs["parent_id"].isin(orgs.index)]
        if level.empty:
            continue
        sums = total.loc[level.index].groupby(level["parent_id"].astype("int64")).sum()
        total.loc[sums.index] += sums
    return total


def _fill_members(orgs: pd.DataFrame, own: pd.Series) -> pd.Series:
    """Members at the start of the year: the recorded figure, else the sum over the children."""
    members = own.reindex(orgs.index).astype("Float64")
    for depth in sorted(orgs["depth"].unique(), reverse=True):
        level = orgs[(orgs["depth"] == depth) & orgs["parent_id"].isin(orgs.index)]
        if level.empty:
            continue
        sums = members.loc[level.index].groupby(level["parent_id"].astype("int64")).sum(min_count=1)
        missing = sums.index[members.loc[sums.index].isna()]
        members.loc[missing] = sums.loc[missing]
    return members


def org_figures(
    session: Session, actor: Actor, *, org_code: str | None, year: int, as_of: date, rules: RuleSettings
) -> pd.DataFrame:
    """Every organization of the subtree with its plan and rolled-up figures for the year.

    Columns: code, name, parent_id, path, depth, kind, sector, active, target, members_start,
    admitted_own, admitted, late_pipeline, active_pipeline, children_target, expected,
    percent_plan, percent_members, band, status.
    """
    root = org_in_scope(session, actor, org_code)
    period = Period(year, as_of)
    orgs = subtree_orgs(session, root)
    counts = _candidate_counts(session, root, period, rules)
    plans = _plans(session, root, year)

    orgs["target"] = plans["target"].reindex(orgs.index).fillna(0).astype("int64")
    orgs["members_start"] = _fill_members(orgs, plans["members_start"])
    orgs["admitted_own"] = counts["admitted"].reindex(orgs.index).fillna(0).astype("int64")
    for column in ("admitted", "late_pipeline", "active_pipeline"):
        own = counts[column].reindex(orgs.index).fillna(0).astype("int64")
        orgs[column] = roll_up(orgs, own)
    children = orgs[orgs["parent_id"].isin(orgs.index)]
    orgs["children_target"] = (
        children.groupby(children["parent_id"].astype("int64"))["target"].sum().reindex(orgs.index).fillna(0).astype("int64")
    )
    orgs["expected"] = [expected_by(int(t), period, rules.pace_monthly_weights) for t in orgs["target"]]
    orgs["percent_plan"] = [_percent(a, t) for a, t in zip(orgs["admitted"], orgs["target"])]
    orgs["percent_members"] = [
        _percent(a, None if pd.isna(m) else float(m)) for a, m in zip(orgs["admitted"], orgs["members_start"])
    ]
    orgs["band"] = [band_of(p, rules) for p in orgs["percent_members"]]
    orgs["status"] = [
        org_status(target=int(t), admitted=int(a), expected=e, late_pipeline=int(lp), year_over=period.is_over)
        for t, a, e, lp in zip(orgs["target"], orgs["admitted"], orgs["expected"], orgs["late_pipeline"])
    ]
    # The share of the plan expected by the as-of date, the same for every organization.
    orgs.attrs.update(year=year, as_of=as_of, pace_percent=expected_by(100, period, rules.pace_monthly_weights))
    return orgs


def children_of(figures: pd.DataFrame, org_id: int | None = None) -> pd.DataFrame:
    """The direct children of an organization (the root by default), worst first."""
    parent = int(figures.iloc[0]["id"]) if org_id is None else org_id
    children = figures[figures["parent_id"] == parent].copy()
    children["rank"] = children["status"].map(STATUS_RANK)
    return children.sort_values(["rank", "percent_plan", "name"], na_position="last").drop(columns="rank")


@dataclass(frozen=True)
class Headline:
    """The figures at the top of the overview for one organization and year."""

    code: str
    name: str
    year: int
    as_of: date
    admitted: int
    target: int
    children_target: int
    percent_plan: float | None
    members_start: int | None
    percent_members: float | None
    band: str | None
    expected: float
    status: str
    grassroots_admitting: int
    grassroots_total: int
    status_counts: dict[str, int]


def headline(figures: pd.DataFrame, *, org_code: str | None = None) -> Headline:
    """The headline of the subtree's root (or of `org_code` inside the figures)."""
    row = figures.iloc[0] if org_code is None else figures[figures["code"] == org_code].iloc[0]
    subtree = figures[figures["path"].str.startswith(row["path"])]
    grassroots = subtree[subtree["kind"].isin(list(GRASSROOTS_KINDS)) & subtree["active"]]
    children = figures[figures["parent_id"] == row["id"]]
    members = row["members_start"]
    return Headline(
        code=row["code"],
        name=row["name"],
        year=figures.attrs["year"],
        as_of=figures.attrs["as_of"],
        admitted=int(row["admitted"]),
        target=int(row["target"]),
        children_target=int(row["children_target"]),
        percent_plan=row["percent_plan"],
        members_start=None if pd.isna(members) else int(members),
        percent_members=row["percent_members"],
        band=row["band"],
        expected=float(row["expected"]),
        status=row["status"],
        grassroots_admitting=int((grassroots["admitted"] > 0).sum()),
        grassroots_total=len(grassroots),
        status_counts={s: int((children["status"] == s).sum()) for s in STATUSES},
    )


def year_end_lists(rows: pd.DataFrame, rules: RuleSettings) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Among organizations with a target: those well above plan (commendation, at least
    `commendation_percent`), and those below 100 % (correction), best and worst first."""
    planned = rows[rows["target"] > 0]
    commend = planned[planned["percent_plan"] >= rules.commendation_percent].sort_values("percent_plan", ascending=False)
    correct = planned[planned["percent_plan"] < 100].sort_values("percent_plan")
    return commend, correct
