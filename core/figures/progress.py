"""Progress against the yearly plan, computed in SQL over one subtree, one year, one as-of date.

Only the organizations on screen are read: the root and one (or two) levels below it. Their
figures cover their whole subtrees all the same: candidates are never loaded, but counted in
the database grouped by their organization's path cut at the screen's lowest level, and
those few groups are added up along the paths. The work grows with what is shown and with
the candidates of the year, not with the size of the tree.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import case, func, or_
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, select

from core.access.scope import Subtree
from core.config import RuleSettings
from core.format import fmt_date, fmt_number
from core.i18n import t
from core.procedure.stages import (
    GRASSROOTS_KINDS,
    LATE_STAGES,
    Stage,
    counting_stage,
    stage_date_column,
)
from core.storage.models import Candidate, Organization, YearPlan
from core.storage.sqlfuncs import path_prefix
from core.structure.tree import in_subtree

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


def year_left_text(end: date) -> str:
    """What is left of the year after `end`, in words: "1 tháng" on 30/11, "5 tháng" on
    31/07, "16 ngày" on 15/12 (under 30 days, in days)."""
    days = (date(end.year, 12, 31) - end).days
    if days >= 30:
        return t("time.months", months=fmt_number(max(1, round(days / 30.44))))
    return t("time.days", days=fmt_number(days))


def status_reason(*, status: str, year: int, end: date, target: int, admitted: int, expected: float,
                  late_pipeline: int) -> str:
    """Why an organization has its status, in words, with what it still needs by the year's
    end: "Đã kết nạp 0/1, chậm so với mức 1 dự kiến đến 30/11/2026; cần thêm 1 trong 1 tháng
    còn lại nhưng chỉ có 0 quần chúng …"."""
    values = dict(year=year, date=fmt_date(end), target=fmt_number(target), admitted=fmt_number(admitted),
                  expected=fmt_number(expected_count(expected)), short=fmt_number(max(target - admitted, 0)),
                  late=fmt_number(late_pipeline), remaining=year_left_text(end))
    return t(f"reason.{status}", **values)


def band_of(percent_of_members: float | None, rules: RuleSettings) -> str | None:
    """Where the admissions stand against the 3–4 % band: below / within / above."""
    if percent_of_members is None:
        return None
    if percent_of_members < rules.band_low_percent:
        return "below"
    return "within" if percent_of_members <= rules.band_high_percent else "above"


def _percent(part: float, whole: float | None) -> float | None:
    return 100.0 * part / whole if whole else None


ORG_COLUMNS = ["id", "code", "name", "parent_id", "path", "depth", "kind", "sector", "active"]


def _frame(rows, columns: list[str]) -> pd.DataFrame:
    # Plain tuples: pandas probes SQLAlchemy Row objects attribute by attribute, slowly.
    return pd.DataFrame.from_records([tuple(r) for r in rows], columns=columns)


def orgs_on_screen(session: Session, root: Subtree, levels: int = 1) -> pd.DataFrame:
    """The root and the organizations down to `levels` below it (indexed by id), root first.

    Level by level through the parent index: what a screen shows, never the whole subtree."""
    fields = [getattr(Organization, c) for c in ORG_COLUMNS]
    rows = [tuple(getattr(root, c) for c in ORG_COLUMNS)]
    parents = [root.id]
    for _ in range(levels):
        if not parents:
            break
        level = session.exec(select(*fields).where(Organization.parent_id.in_(parents))).all()
        rows += level
        parents = [r[0] for r in level]
    return _frame(rows, ORG_COLUMNS).sort_values("path").set_index("id", drop=False)


# Above this many candidates, a subtree's candidates are found through a date index rather
# than the path index (SQLite keeps no statistics that would tell it so).
LARGE_SUBTREE = 20_000


def candidate_scope(session: Session, root: Subtree) -> ColumnElement[bool]:
    """SQL: the candidate belongs to the root's subtree. A small subtree is a range of the
    path index; a large one is written as a prefix test that no index serves, so that the
    query goes through the narrower date index (those counted in a period, or still in the
    procedure) instead of visiting every candidate of the subtree. Telling the two apart
    reads at most LARGE_SUBTREE entries of the path index."""
    if is_large_subtree(session, root):
        return func.substr(Candidate.org_path, 1, len(root.path)) == root.path
    return in_subtree(root.path, Candidate.org_path)


def is_large_subtree(session: Session, root: Subtree) -> bool:
    """More than LARGE_SUBTREE candidates below the organization (reading no more than that)."""
    sample = select(Candidate.org_path).where(in_subtree(root.path, Candidate.org_path)).limit(LARGE_SUBTREE + 1)
    return session.exec(select(func.count()).select_from(sample.subquery())).one() > LARGE_SUBTREE


def counts_by_prefix(session: Session, root: Subtree, levels: int, columns: dict, scope: ColumnElement[bool],
                     *conditions) -> pd.DataFrame:
    """Aggregates over the candidates of the subtree (`scope`, from candidate_scope), grouped
    by their organization's path cut `levels` below the root: one row per organization on
    screen that has any, computed in the database."""
    prefix = path_prefix(Candidate.org_path, root.path, levels)
    stmt = select(prefix, *columns.values()).where(scope, *conditions).group_by(prefix)
    return _frame(session.exec(stmt).all(), ["prefix", *columns]).set_index("prefix")


def roll_to_screen(orgs: pd.DataFrame, by_prefix: pd.DataFrame) -> pd.DataFrame:
    """Each organization on screen gets the sum of the rows whose prefix lies in its subtree."""
    totals = np.zeros((len(orgs), len(by_prefix.columns)), dtype="int64")
    row_of_path = {path: row for row, path in enumerate(orgs["path"])}
    root_len = len(orgs.iloc[0]["path"])
    values = by_prefix.fillna(0).to_numpy(dtype="int64")
    for prefix, own in zip(by_prefix.index, values):
        cut = root_len
        while cut <= len(prefix):  # the root, then each organization on the way down to the prefix
            row = row_of_path.get(prefix[:cut])
            if row is not None:
                totals[row] += own
            slash = prefix.find("/", cut)
            if slash < 0:
                break
            cut = slash + 1
    return pd.DataFrame(totals, index=orgs.index, columns=by_prefix.columns)


def _candidate_counts(session: Session, root: Subtree, period: Period, rules: RuleSettings,
                      levels: int, scope: ColumnElement[bool]) -> pd.DataFrame:
    """Per organization on screen, over its subtree: admitted in the period, late-stage and
    active pipeline as of its end. Two index ranges: the counted date, and settled_date."""
    counted = counted_date_column(rules)
    end = period.end
    admitted = counts_by_prefix(session, root, levels, {"admitted": func.count()}, scope,
                                counted >= period.start, counted <= end)
    late_started = or_(*[getattr(Candidate, stage_date_column(s)) <= end for s in LATE_STAGES])
    if counting_stage(rules.count_admission_by) is Stage.ADMITTED:
        late_started = or_(late_started, Candidate.decision_date <= end)
    first_date = func.coalesce(Candidate.source_date, Candidate.outstanding_date, Candidate.class_done_date,
                               Candidate.dossier_date)
    pipeline = counts_by_prefix(
        session, root, levels,
        {"late_pipeline": func.sum(case((late_started, 1), else_=0)), "active_pipeline": func.count()}, scope,
        Candidate.settled_date > end, or_(counted.is_(None), counted > end), first_date <= end,
    )
    return pd.concat([admitted, pipeline], axis=1).fillna(0)


def _plans(session: Session, org_ids: list[int], year: int) -> pd.DataFrame:
    stmt = select(YearPlan.organization_id, YearPlan.target, YearPlan.members_start).where(
        YearPlan.organization_id.in_(org_ids), YearPlan.year == year)
    return _frame(session.exec(stmt).all(), ["id", "target", "members_start"]).set_index("id")


def _children_plans(session: Session, parent_ids: list[int], year: int) -> pd.DataFrame:
    """Per parent: its children's summed targets and recorded members (for the bottom row of a screen)."""
    stmt = (
        select(Organization.parent_id, func.sum(YearPlan.target), func.sum(YearPlan.members_start))
        .join(YearPlan, YearPlan.organization_id == Organization.id)
        .where(Organization.parent_id.in_(parent_ids), YearPlan.year == year)
        .group_by(Organization.parent_id)
    )
    return _frame(session.exec(stmt).all(), ["id", "children_target", "children_members"]).set_index("id")


def _grassroots(session: Session, root: Subtree, period: Period, rules: RuleSettings,
                scope: ColumnElement[bool]) -> tuple[int, int]:
    """(grassroots organizations of the subtree that admitted someone in the period, all of
    them), active ones only. The paths where someone was admitted are matched against the
    grassroots paths here: both lists are short next to the candidates, and no query planner
    has to guess how to range over two indexes at once."""
    grassroots = set(session.exec(select(Organization.path).where(
        in_subtree(root.path), Organization.kind.in_([k.value for k in GRASSROOTS_KINDS]), Organization.active)).all())
    counted = counted_date_column(rules)
    admitted_paths = session.exec(select(Candidate.org_path).distinct().where(
        scope, counted >= period.start, counted <= period.end)).all()
    admitting = set()
    for path in admitted_paths:
        cut = path.find("/", 1)
        while cut > 0:  # every organization on the path, top down
            if path[: cut + 1] in grassroots:
                admitting.add(path[: cut + 1])
            cut = path.find("/", cut + 1)
    return len(admitting), len(grassroots)


def org_figures(
    session: Session, subtree: Subtree, *, year: int, as_of: date, rules: RuleSettings,
    levels: int = 1,
) -> pd.DataFrame:
    """The organization and those down to `levels` below it, each with its plan and its figures
    for the year summed over its whole subtree: what one screen shows, at any size of tree.

    Columns: code, name, parent_id, path, depth, kind, sector, active, target, members_start,
    admitted, late_pipeline, active_pipeline, children_target, expected, percent_plan,
    percent_members, band, status, reason (the status in words). attrs: year, as_of, pace_percent, grassroots_admitting and
    grassroots_total (of the subtree's subtree).

    Members at the start of the year are the recorded figure, else the sum of the children's
    recorded figures (the same whatever `levels` is).
    """
    period = Period(year, as_of)
    orgs = orgs_on_screen(session, subtree, levels)
    scope = candidate_scope(session, subtree)
    counts = roll_to_screen(orgs, _candidate_counts(session, subtree, period, rules, levels, scope))
    plans = _plans(session, orgs.index.tolist(), year)
    bottom = orgs.index[orgs["depth"] == orgs["depth"].max()].tolist()
    below = _children_plans(session, bottom, year)

    orgs["target"] = plans["target"].reindex(orgs.index).fillna(0).astype("int64")
    members = plans["members_start"].reindex(orgs.index).astype("Float64")
    children_target = below["children_target"].reindex(orgs.index).astype("Float64")
    children_members = below["children_members"].reindex(orgs.index).astype("Float64")
    # Upwards through the screen: each organization's children are on it (bar the bottom row's).
    for depth in sorted(orgs["depth"].unique(), reverse=True)[:-1]:
        level = orgs[orgs["depth"] == depth]
        parent = level["parent_id"].astype("int64")
        targets = orgs.loc[level.index, "target"].groupby(parent).sum()
        children_target.loc[targets.index] = targets.astype("Float64")
        children_members.loc[targets.index] = members.loc[level.index].groupby(parent).sum(min_count=1)
    orgs["members_start"] = members.fillna(children_members)
    orgs["children_target"] = children_target.fillna(0).astype("int64")
    for column in ("admitted", "late_pipeline", "active_pipeline"):
        orgs[column] = counts[column]
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
    orgs["reason"] = [
        status_reason(status=s, year=year, end=period.end, target=int(t), admitted=int(a), expected=e,
                      late_pipeline=int(lp))
        for s, t, a, e, lp in zip(orgs["status"], orgs["target"], orgs["admitted"], orgs["expected"],
                                  orgs["late_pipeline"])
    ]
    admitting, total = _grassroots(session, subtree, period, rules, scope)
    # The share of the plan expected by the as-of date, the same for every organization.
    orgs.attrs.update(year=year, as_of=as_of, pace_percent=expected_by(100, period, rules.pace_monthly_weights),
                      grassroots_admitting=admitting, grassroots_total=total)
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

    @property
    def planned_children(self) -> int:
        """Children with a target for the year: what "done n of m" counts (those without one
        can be neither done nor late)."""
        return sum(n for status, n in self.status_counts.items() if status != "no_target")


def headline(figures: pd.DataFrame) -> Headline:
    """The headline of the figures' root organization."""
    row = figures.iloc[0]
    counts = figures.loc[figures["parent_id"] == row["id"], "status"].value_counts()
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
        grassroots_admitting=figures.attrs["grassroots_admitting"],
        grassroots_total=figures.attrs["grassroots_total"],
        status_counts={s: int(counts.get(s, 0)) for s in STATUSES},
    )


def year_end_lists(rows: pd.DataFrame, rules: RuleSettings) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Among organizations with a target: those well above plan (commendation, at least
    `commendation_percent`), and those below 100 % (correction), best and worst first."""
    planned = rows[rows["target"] > 0]
    commend = planned[planned["percent_plan"] >= rules.commendation_percent].sort_values("percent_plan", ascending=False)
    correct = planned[planned["percent_plan"] < 100].sort_values("percent_plan")
    return commend, correct
