"""Progress against the yearly plan, computed in SQL over one subtree, one year, one as-of date.

Only the organizations on screen are read: the root and one (or two) levels below it. Their
figures cover their whole subtrees all the same: candidates are never loaded, but counted in
the database grouped by their organization's path cut at the screen's lowest level, and
those few groups are added up along the paths. The work grows with what is shown and with
the candidates of the year, not with the size of the tree.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from operator import attrgetter

import numpy as np
import pandas as pd
from sqlalchemy import and_, case, func, or_
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, select

from core.access.scope import Subtree
from core.config import RuleSettings
from core.format import fmt_date, fmt_number
from core.i18n import t
from core.procedure.stages import (
    GRASSROOTS_KINDS,
    LATE_STAGES,
    STAGE_ORDER,
    STAGES,
    Stage,
    counting_stage,
    stage_date_column,
)
from core.storage import kept
from core.storage.models import (
    AdmissionCount,
    Candidate,
    Organization,
    OrganizationEra,
    OrgSuccession,
    YearPlan,
)
from core.storage.sqlfuncs import one_of, path_prefix
from core.structure.dated import (
    Era,
    Placed,
    children_eras,
    chunked,
    current_start,
    eras_of,
    has_past,
    overlaps,
    placed_candidates,
    roots_on,
    subtree_paths,
)
from core.structure.tree import in_subtree, path_ids

STATUSES = ("done", "on_pace", "behind", "at_risk", "missed", "no_target")
# Worst first, for sorting lists of organizations.
STATUS_RANK = {"missed": 0, "at_risk": 1, "behind": 2, "on_pace": 3, "done": 4, "no_target": 5}


@dataclass(frozen=True)
class Period:
    """Jan 1 of the year up to the as-of date (never past Dec 31), within the days the
    organization existed that year (`opened`, `closed`: its first and last day, None when it
    existed before or after the year): a commune founded on 01/7/2025 counts from then, the
    district it replaced until 30/6/2025."""

    year: int
    as_of: date
    opened: date | None = None
    closed: date | None = None

    @property
    def start(self) -> date:
        first = date(self.year, 1, 1)
        return max(first, self.opened) if self.opened else first

    @property
    def last_day(self) -> date:
        """The year's last day for the organization."""
        last = date(self.year, 12, 31)
        return min(last, self.closed) if self.closed else last

    @property
    def end(self) -> date:
        return min(self.as_of, self.last_day)

    @property
    def is_over(self) -> bool:
        return self.as_of >= self.last_day

    def of(self, founded: date | None, ended: date | None) -> Period:
        """The same year and as-of date for an organization founded and ended on those days."""
        def within(day) -> date | None:
            return day if isinstance(day, date) and day.year == self.year else None
        opened, closed = within(founded), within(ended)
        if opened == self.opened and closed == self.closed:
            return self  # most organizations: the whole year (frozen, so it can be shared)
        return Period(self.year, self.as_of, opened, closed)


def counted_date_column(rules: RuleSettings, candidates=Candidate):
    """The candidate column whose date counts an admission (decision by default), of Candidate
    or of the placed candidates (core.structure.dated.Placed.entity)."""
    return getattr(candidates, stage_date_column(counting_stage(rules.count_admission_by)))


def part_text(period: Period) -> str:
    """The part of the year an organization existed, in words ("đến 30/06/2025", "từ
    01/07/2025"), or "" for the whole year."""
    if period.opened and period.closed:
        return t("org.part_between", start=fmt_date(period.opened), end=fmt_date(period.closed))
    if period.closed:
        return t("org.part_until", date=fmt_date(period.closed))
    return t("org.part_since", date=fmt_date(period.opened)) if period.opened else ""


def expected_by(target: int, period: Period, weights: tuple[float, ...] = ()) -> float:
    """How many admissions the plan expects by the end of the period.

    Linear through the year by default; with twelve monthly weights, the months before the
    as-of month count whole and the current month pro rata to its days. An organization that
    existed for part of the year (Period.opened, closed) is paced over that part.
    """
    if target <= 0 or period.as_of < period.start:
        return 0.0
    if period.is_over:
        return float(target)
    before = period.start - timedelta(days=1)
    done = _year_share(period.end, period.year, weights) - _year_share(before, period.year, weights)
    whole = _year_share(period.last_day, period.year, weights) - _year_share(before, period.year, weights)
    return target * done / whole if whole > 0 else float(target)


def _year_share(day: date, year: int, weights: tuple[float, ...]) -> float:
    """How much of `year` the plan expects done by the end of `day` (0 before it, 1 after):
    the days gone, or the monthly weights with the month of `day` pro rata to its days."""
    if day < date(year, 1, 1):
        return 0.0
    if day >= date(year, 12, 31):
        return 1.0
    if not weights:
        return ((day - date(year, 1, 1)).days + 1) / ((date(year, 12, 31) - date(year, 1, 1)).days + 1)
    month_start = date(year, day.month, 1)
    next_month = date(year + (day.month == 12), day.month % 12 + 1, 1)
    fraction_of_month = ((day - month_start).days + 1) / (next_month - month_start).days
    return (sum(weights[: day.month - 1]) + weights[day.month - 1] * fraction_of_month) / sum(weights)


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
_ERA_COLUMNS = [*ORG_COLUMNS, "start", "end", "founded", "ended"]


def _frame(rows, columns: list[str]) -> pd.DataFrame:
    # Plain tuples: pandas probes SQLAlchemy Row objects attribute by attribute, slowly.
    return pd.DataFrame.from_records([tuple(r) for r in rows], columns=columns)


def orgs_on_screen(session: Session, root: Subtree, levels: int, period: Period) -> pd.DataFrame:
    """The root and the organizations down to `levels` below it that stood there in the period
    (the whole year of `period`), one row per organization (indexed by id), root first: what a
    screen shows, never the whole subtree.

    On the dated tree (core.structure.dated) an organization is on screen for each stretch it
    stood under an organization on screen: a district until 30/6/2025 beside the communes that
    followed it. Its row shows what it was last in the period (name, kind, parent, path); every
    path it had is in the column `paths` (a tuple), its first and last days in founded/ended, the
    first and last it stood on this screen in shown_from/shown_to (None: before, after the year).
    """
    lo, hi = period.start, period.last_day
    eras = eras_of(session, root.id, lo, hi) or [
        Era(root.id, root.code, root.name, root.parent_id, root.path, root.depth, root.kind, root.sector, root.active,
            None, None)]
    rows = list(eras)
    parents = [root.id]
    for _ in range(levels):
        if not parents:
            break
        level = [e for e in children_eras(session, parents, lo, hi) if e.id != root.id]
        rows += level
        parents = sorted({e.id for e in level})
    # In plain Python: one pass over the stretches (thousands at the national root).
    paths: dict[int, set[str]] = {}
    latest: dict[int, Era] = {}
    shown: dict[int, list[date]] = {}
    for era in rows:
        paths.setdefault(era.id, set()).add(era.path)
        first, last = era.start or date.min, era.end or date.max
        if era.id not in latest or first >= (latest[era.id].start or date.min):
            latest[era.id] = era
        span = shown.setdefault(era.id, [first, last])
        span[0], span[1] = min(span[0], first), max(span[1], last)
    paths = {org_id: tuple(sorted(own)) for org_id, own in paths.items()}
    orgs = _frame(map(attrgetter(*_ERA_COLUMNS), latest.values()), _ERA_COLUMNS)
    orgs = orgs.drop(columns=["start", "end"]).sort_values("path").set_index("id", drop=False)
    # The days it stood on this screen: a unit that came under the root on 01/7/2025 is its part from then.
    orgs["shown_from"] = [None if shown[i][0] == date.min else shown[i][0] for i in orgs.index]
    orgs["shown_to"] = [None if shown[i][1] == date.max else shown[i][1] for i in orgs.index]
    root_row = orgs.loc[[root.id]]
    orgs = pd.concat([root_row, orgs.drop(index=root.id)])
    # A column, not attrs: pandas deep-copies attrs on every operation (each row of iterrows).
    orgs["paths"] = [paths[i] for i in orgs.index]
    return orgs


# Above this many candidates, a subtree's candidates are found through a date index rather
# than the path index (SQLite keeps no statistics that would tell it so).
LARGE_SUBTREE = 20_000


@dataclass(frozen=True)
class Counting:
    """How the candidates of a subtree are counted over a period on the dated tree: `C` is
    used like Candidate (core.structure.dated.Placed), `on(day)` keeps the row of where the
    candidate stood that day, `scope()` is the subtree's paths in the period."""

    placed: Placed
    paths: tuple[str, ...]
    large: bool

    @property
    def C(self):  # noqa: N802 (it stands for the Candidate table)
        return self.placed.entity

    def on(self, day) -> ColumnElement[bool]:
        return self.placed.on(day)

    def scope(self, path: str | None = None) -> ColumnElement[bool]:
        """SQL: the candidate row lies in the subtree (under one path of it, if given). A small
        subtree is a range of the path index; a large one is written as a prefix test that no
        index serves, so that the query goes through the narrower date index (those counted in
        a period, or still in the procedure) instead of visiting every candidate of the subtree."""
        paths = [path] if path else self.paths
        if self.large:
            return or_(*[func.substr(self.C.org_path, 1, len(p)) == p for p in paths])
        return or_(*[in_subtree(p, self.C.org_path) for p in paths])


def counting(session: Session, root: Subtree, period: Period) -> Counting:
    """The Counting of a subtree for a period (the year of `period`, up to its end)."""
    return counting_between(session, root, period.start, period.last_day)


def counting_between(session: Session, root: Subtree, lo: date, hi: date) -> Counting:
    """The Counting of a subtree from `lo` to `hi`, over every path it had then (a path means
    the same chain on every day it held, so an event under one of them was in the subtree on
    its day): several years at once for a trend or a streak."""
    paths = tuple(subtree_paths(session, root.id, lo, hi)) or (root.path,)
    return Counting(placed_candidates(session, lo), paths, is_large_subtree(session, root))


def is_large_subtree(session: Session, root: Subtree) -> bool:
    """More than LARGE_SUBTREE candidates below the organization (reading no more than that)."""
    sample = select(Candidate.org_path).where(in_subtree(root.path, Candidate.org_path)).limit(LARGE_SUBTREE + 1)
    return session.exec(select(func.count()).select_from(sample.subquery())).one() > LARGE_SUBTREE


def counts_by_prefix(session: Session, counted: Counting, levels: int, columns: dict, *conditions) -> pd.DataFrame:
    """Aggregates over the candidates of the subtree, grouped by their path cut `levels` below
    the root (each of the root's paths in the period): one row per organization on screen that
    has any, computed in the database."""
    frames = []
    for path in counted.paths:
        prefix = path_prefix(counted.C.org_path, path, levels)
        stmt = select(prefix, *columns.values()).where(counted.scope(path), *conditions).group_by(prefix)
        frames.append(_frame(session.exec(stmt).all(), ["prefix", *columns]))
    frame = pd.concat(frames) if len(frames) > 1 else frames[0]
    if len(frames) > 1:
        frame = frame.groupby("prefix", as_index=False).sum(min_count=1)
    return frame.set_index("prefix")


def roll_to_screen(orgs: pd.DataFrame, by_prefix: pd.DataFrame,
                   paths: dict[int, tuple[str, ...]] | None = None) -> pd.DataFrame:
    """Each organization on screen gets the sum of the rows whose prefix lies in its subtree,
    under any of the paths it had (`paths`, by default the column `paths`, else `path`)."""
    totals = np.zeros((len(orgs), len(by_prefix.columns)), dtype="int64")
    if paths is None:
        column = orgs["paths"] if "paths" in orgs else [(p,) for p in orgs["path"]]
        paths = dict(zip(orgs.index, column))
    row_of_id = {org_id: row for row, org_id in enumerate(orgs.index)}
    row_of_path = {path: row_of_id[org_id] for org_id, own in paths.items() if org_id in row_of_id for path in own}
    values = by_prefix.fillna(0).to_numpy(dtype="int64")
    for prefix, own in zip(by_prefix.index, values):
        cut = 1
        while cut <= len(prefix):  # each organization on the path, top down, that is on screen
            row = row_of_path.get(prefix[:cut])
            if row is not None:
                totals[row] += own
            slash = prefix.find("/", cut)
            if slash < 0:
                break
            cut = slash + 1
    return pd.DataFrame(totals, index=orgs.index, columns=by_prefix.columns)


def pipeline_stages(rules: RuleSettings) -> tuple[tuple[Stage, ...], tuple[Stage, ...]]:
    """(the stages of the pipeline: those before the one an admission is counted at; those of
    them in its late part: from the dossier on, and the decision when admissions count from the
    ceremony)."""
    counted = counting_stage(rules.count_admission_by)
    late = (*LATE_STAGES, Stage.DECISION) if counted is Stage.ADMITTED else LATE_STAGES
    return STAGES[:STAGE_ORDER[counted]], late


def kept_year(session: Session, period: Period) -> bool:
    """Whether the counts kept per organization (core.storage.kept) are a screen's figures for
    the period: it starts on Jan 1 (the root stood all year), and the tree has not changed
    since (an organization on screen then stood under the root on every day of the year, so
    what it admitted or holds is all within the root's subtree, under its one path)."""
    first = date(period.year, 1, 1)
    if period.start != first or period.end < first:
        return False
    return session.exec(select(OrganizationEra.organization_id).where(OrganizationEra.valid_to >= first)
                        .limit(1)).first() is None


def _taken_off_from(session: Session, period: Period) -> date | None:
    """The first day after the period's end whose admissions the kept year holds as well, to be
    counted afresh and taken off; None when it holds none (the year is over, or no candidate
    has a date after the end: core.storage.kept.kept_through)."""
    end, last = period.end, date(period.year, 12, 31)
    if end >= last:
        return None
    through = kept.kept_through(session)
    return None if through is None or end >= through else end + timedelta(days=1)


def _kept_is_shorter(period: Period, after: date | None) -> bool:
    """Whether the kept year less what came after the end counts fewer days afresh than the
    year up to the end does."""
    return after is None or (date(period.year, 12, 31) - period.end) < (period.end - period.start)


def _candidate_counts(session: Session, counted: Counting, period: Period, rules: RuleSettings,
                      orgs: pd.DataFrame, levels: int) -> pd.DataFrame:
    """Per organization on screen (`orgs`), over its subtree: admitted in the period, late-stage
    and active pipeline as of its end (a candidate entered in a stage of the pipeline by then,
    neither counted as admitted nor gone). From the counts kept per organization where they are
    the screen's (kept_year): the year's admissions, less those after the end counted afresh
    (when that is the shorter way), and the standing from KeptThrough on; else counted afresh in
    two index ranges, the counted date and settled_date."""
    C = counted.C
    counted_date = counted_date_column(rules, C)
    end = period.end
    stages, late = pipeline_stages(rules)
    ids = orgs.index.tolist()
    whole = kept_year(session, period)
    after = _taken_off_from(session, period) if whole else None
    if whole and _kept_is_shorter(period, after):
        admitted = pd.Series({o: n for (o, _y), n in kept.admitted_by_year(
            session, counted_date.name, ids, range(period.year, period.year + 1)).items()}, dtype="int64")
        admitted = admitted.reindex(orgs.index).fillna(0).astype("int64")
        if after is not None:
            admitted -= roll_to_screen(orgs, counts_by_prefix(
                session, counted, levels, {"admitted": func.count()}, counted_date >= after,
                counted_date <= date(period.year, 12, 31), counted.on(counted_date)))["admitted"]
        admitted = admitted.to_frame("admitted")
    else:
        admitted = roll_to_screen(orgs, counts_by_prefix(session, counted, levels, {"admitted": func.count()},
                                                         counted_date >= period.start, counted_date <= end,
                                                         counted.on(counted_date)))
    standing = kept.standing_of(session, ids, end, {"late_pipeline": late, "active_pipeline": stages}) if whole else None
    if standing is not None:
        pipeline = pd.DataFrame.from_dict(standing, orient="index", columns=["late_pipeline", "active_pipeline"])
    else:
        late_started = or_(*[getattr(C, stage_date_column(s)) <= end for s in late])
        entered = func.coalesce(*[getattr(C, stage_date_column(s)) for s in stages])
        pipeline = roll_to_screen(orgs, counts_by_prefix(
            session, counted, levels,
            {"late_pipeline": func.sum(case((late_started, 1), else_=0)), "active_pipeline": func.count()},
            C.settled_date > end, or_(counted_date.is_(None), counted_date > end), entered <= end, counted.on(end),
        ))
    return pd.concat([admitted, pipeline], axis=1).reindex(orgs.index).fillna(0).astype("int64")


def _plans(session: Session, org_ids: list[int], year: int) -> pd.DataFrame:
    rows = [row for chunk in chunked(org_ids) for row in session.exec(
        select(YearPlan.organization_id, YearPlan.target, YearPlan.members_start).where(
            one_of(YearPlan.organization_id, chunk), YearPlan.year == year)).all()]
    return _frame(rows, ["id", "target", "members_start"]).set_index("id")


def _children_plans(session: Session, parent_ids: list[int], period: Period) -> pd.DataFrame:
    """Per parent: the summed targets and recorded members of the organizations that stood
    under it in the period's year (for the bottom row of a screen), summed in the database:
    at the national root the bottom row has 200.000 children. Those standing there now are
    summed on their own; a past stretch adds a child only where its present one does not
    already count it under the same parent (no union of pairs to deduplicate)."""
    lo, hi = period.start, period.last_day
    columns = ["id", "children_target", "children_members"]
    sums = (func.sum(YearPlan.target), func.sum(YearPlan.members_start))
    current_here = overlaps(current_start(), Organization.valid_to, lo, hi)
    past = has_past(session)
    frames = []
    for chunk in chunked(parent_ids):
        frames.append(_frame(session.exec(
            select(Organization.parent_id, *sums).join(YearPlan, YearPlan.organization_id == Organization.id)
            .where(one_of(Organization.parent_id, chunk), current_here, YearPlan.year == period.year)
            .group_by(Organization.parent_id)).all(), columns))
        if past:
            E = OrganizationEra
            pairs = (select(E.parent_id.label("parent"), E.organization_id.label("child")).distinct()
                     .join(Organization, Organization.id == E.organization_id)
                     .where(one_of(E.parent_id, chunk), overlaps(E.valid_from, E.valid_to, lo, hi),
                            or_(Organization.parent_id.is_(None), Organization.parent_id != E.parent_id,
                                ~current_here))).subquery()
            frames.append(_frame(session.exec(
                select(pairs.c.parent, *sums).join(YearPlan, YearPlan.organization_id == pairs.c.child)
                .where(YearPlan.year == period.year).group_by(pairs.c.parent)).all(), columns))
    frames = [f for f in frames if not f.empty]
    if len(frames) <= 1:
        return (frames[0] if frames else _frame([], columns)).set_index("id")
    return pd.concat(frames).groupby("id").sum(min_count=1)


def _grassroots(session: Session, root: Subtree, period: Period, rules: RuleSettings,
                counted: Counting) -> tuple[int, int]:
    """(grassroots organizations of the subtree that admitted someone in the period, all of
    them that stood in it then), active ones only. The paths where someone was admitted are
    matched against the grassroots paths here: both lists are short next to the candidates,
    and no query planner has to guess how to range over two indexes at once."""
    kinds = [k.value for k in GRASSROOTS_KINDS]
    in_use = or_(Organization.active, Organization.valid_to.is_not(None))
    lo, hi = period.start, period.last_day
    from_kept = _grassroots_kept(session, counted, period, rules, kinds, in_use)
    if from_kept is not None:
        return from_kept
    grassroots: dict[str, int] = {}
    for path in counted.paths:
        rows = session.exec(select(Organization.path, Organization.id).where(
            in_subtree(path), Organization.kind.in_(kinds), in_use,
            overlaps(current_start(), Organization.valid_to, lo, hi))).all()
        if has_past(session):
            rows += session.exec(select(OrganizationEra.path, OrganizationEra.organization_id)
                                 .join(Organization, Organization.id == OrganizationEra.organization_id)
                                 .where(in_subtree(path, OrganizationEra.path), OrganizationEra.kind.in_(kinds), in_use,
                                        overlaps(OrganizationEra.valid_from, OrganizationEra.valid_to, lo, hi))).all()
        grassroots.update(dict(rows))
    C = counted.C
    counted_date = counted_date_column(rules, C)
    admitted_paths = session.exec(select(C.org_path).distinct().where(
        counted.scope(), counted_date >= period.start, counted_date <= period.end, counted.on(counted_date))).all()
    admitting = set()
    for path in admitted_paths:
        cut = path.find("/", 1)
        while cut > 0:  # every organization on the path, top down
            if (org_id := grassroots.get(path[: cut + 1])) is not None:
                admitting.add(org_id)
            cut = path.find("/", cut + 1)
    return len(admitting), len(set(grassroots.values()))


def _grassroots_kept(session: Session, counted: Counting, period: Period, rules: RuleSettings, kinds: list[str],
                     in_use) -> tuple[int, int] | None:
    """_grassroots from the admissions kept per organization and year (core.storage.kept): the
    subtree's grassroots organizations with an admission kept for the year, less those whose
    every admission of the year came after the period's end (counted afresh), and all of them.
    None where the kept counts are not the screen's (kept_year), or counting up to the end
    afresh is the shorter way."""
    if period.last_day != date(period.year, 12, 31) or not kept_year(session, period):
        return None
    after = _taken_off_from(session, period)
    if not _kept_is_shorter(period, after):
        return None
    grassroots = and_(Organization.kind.in_(kinds), in_use,
                      overlaps(current_start(), Organization.valid_to, period.start, period.last_day),
                      or_(*[in_subtree(p) for p in counted.paths]))
    A = AdmissionCount
    basis = counted_date_column(rules).name
    admitted = and_(A.organization_id == Organization.id, A.basis == basis, A.year == period.year, A.admitted > 0)
    total, admitting = session.exec(select(
        select(func.count()).select_from(Organization).where(grassroots).scalar_subquery(),
        select(func.count()).select_from(Organization).join(A, admitted).where(grassroots).scalar_subquery(),
    )).one()
    if after is None:
        return int(admitting), int(total)
    # Those admitted after the end, per organization on their paths; an organization all of
    # whose admissions of the year are among them had admitted none by the end.
    C = counted.C
    day = counted_date_column(rules, C)
    later: Counter[int] = Counter()
    for path, n in session.exec(select(C.org_path, func.count()).where(
            counted.scope(), day >= after, day <= period.last_day, counted.on(day)).group_by(C.org_path)).all():
        for org_id in path_ids(path):
            later[org_id] += n
    ids = sorted(later)
    kept_ids = [i for chunk in chunked(ids) for i in session.exec(
        select(Organization.id).where(grassroots, one_of(Organization.id, chunk))).all()]
    year = kept.admitted_by_year(session, basis, kept_ids, range(period.year, period.year + 1))
    none_by_end = sum(1 for org_id in kept_ids if year.get((org_id, period.year), 0) <= later[org_id])
    return int(admitting) - none_by_end, int(total)


def org_figures(
    session: Session, subtree: Subtree, *, year: int, as_of: date, rules: RuleSettings,
    levels: int = 1, summary: bool = True,
) -> pd.DataFrame:
    """The organization and those down to `levels` below it, each with its plan and its figures
    for the year summed over its whole subtree: what one screen shows, at any size of tree.

    Counted on the tree as it stood (core.structure.dated): each admission where the candidate
    stood on the day of the decision; an organization that existed for part of the year is
    shown with that part, its plan and its pace over it.

    Columns: code, name, parent_id, path, depth, kind, sector, active, founded, ended, shown_from,
    shown_to, part (the part of the year it stood on this screen, in words, "" for all of it;
    its figures, pace and status are that part's), target,
    members_start, admitted, late_pipeline, active_pipeline, children_target, expected,
    percent_plan, percent_members, band, status, reason (the status in words), paths (every
    path of the organization in the year). attrs: year, as_of, pace_percent,
    grassroots_admitting and grassroots_total (of the subtree's subtree).

    Members at the start of the year are the recorded figure, else the sum of the children's
    recorded figures (the same whatever `levels` is).

    Without `summary` (the alerts, thousands of rows two levels down), no `reason` column and
    no grassroots attrs: the sentences and the count that only the progress screens show.
    """
    year_period = Period(year, as_of)
    orgs = orgs_on_screen(session, subtree, levels, year_period)
    root = orgs.iloc[0]
    period = year_period.of(root["founded"], root["ended"])
    counted = counting(session, subtree, period)
    counts = _candidate_counts(session, counted, period, rules, orgs, levels)
    plans = _plans(session, orgs.index.tolist(), year)
    bottom = orgs.index[orgs["depth"] == orgs["depth"].max()].tolist()
    below = _children_plans(session, bottom, period)

    orgs["target"] = plans["target"].reindex(orgs.index).fillna(0).astype("int64")
    members = plans["members_start"].reindex(orgs.index).astype("Float64")
    children_target = below["children_target"].reindex(orgs.index).astype("Float64")
    children_members = below["children_members"].reindex(orgs.index).astype("Float64")
    # Upwards through the screen: each organization's children are on it (bar the bottom row's).
    for depth in sorted(orgs["depth"].unique(), reverse=True)[:-1]:
        level = orgs[(orgs["depth"] == depth) & (orgs.index != subtree.id)]
        parent = level["parent_id"].astype("int64")
        targets = orgs.loc[level.index, "target"].groupby(parent).sum()
        children_target.loc[targets.index.intersection(orgs.index)] = targets.astype("Float64")
        children_members.loc[targets.index.intersection(orgs.index)] = members.loc[level.index].groupby(parent).sum(min_count=1)
    orgs["members_start"] = members.fillna(children_members)
    orgs["children_target"] = children_target.fillna(0).astype("int64")
    for column in ("admitted", "late_pipeline", "active_pipeline"):
        orgs[column] = counts[column]
    periods = [year_period.of(f, e) for f, e in zip(orgs["shown_from"], orgs["shown_to"])]
    orgs["part"] = [part_text(p) for p in periods]
    orgs["expected"] = [expected_by(int(t), p, rules.pace_monthly_weights) for t, p in zip(orgs["target"], periods)]
    orgs["percent_plan"] = [_percent(a, t) for a, t in zip(orgs["admitted"], orgs["target"])]
    orgs["percent_members"] = [
        _percent(a, None if pd.isna(m) else float(m)) for a, m in zip(orgs["admitted"], orgs["members_start"])
    ]
    orgs["band"] = [band_of(p, rules) for p in orgs["percent_members"]]
    orgs["status"] = [
        org_status(target=int(t), admitted=int(a), expected=e, late_pipeline=int(lp), year_over=p.is_over)
        for t, a, e, lp, p in zip(orgs["target"], orgs["admitted"], orgs["expected"], orgs["late_pipeline"], periods)
    ]
    orgs["reason"] = None if not summary else [
        status_reason(status=s, year=year, end=p.end, target=int(t), admitted=int(a), expected=e,
                      late_pipeline=int(lp))
        for s, t, a, e, lp, p in zip(orgs["status"], orgs["target"], orgs["admitted"], orgs["expected"],
                                     orgs["late_pipeline"], periods)
    ]
    if not summary:
        orgs = orgs.drop(columns="reason")
    orgs = _with_former_roots(session, orgs, subtree, year_period, rules)
    # The share of the plan expected by the as-of date, the same for every organization.
    orgs.attrs.update(year=year, as_of=as_of, pace_percent=expected_by(100, period, rules.pace_monthly_weights))
    if summary:
        admitting, total = _grassroots(session, subtree, period, rules, counted)
        orgs.attrs.update(grassroots_admitting=admitting, grassroots_total=total)
    return orgs


def _with_former_roots(session: Session, orgs: pd.DataFrame, root: Subtree, period: Period,
                       rules: RuleSettings) -> pd.DataFrame:
    """A root founded during the year above the tree that was there before (Tỉnh ủy Ninh Bình
    from 01/7/2025 above a Kim Bảng database, core.structure.restructure.new_root): the former
    root's part of the year, up to the day before, is a row under it and counts in its total,
    so the year adds up across the change. A root founded in an earlier year has no such row."""
    founded = orgs.iloc[0]["founded"]
    if root.parent_id is not None or not isinstance(founded, date) or founded <= period.start:
        return orgs
    before = founded - timedelta(days=1)
    former = [e for e in roots_on(session, before) if e.id != root.id and e.id in _continued_in(session, root)]
    rows, before_part, new_targets = [], 0, 0
    for era in former:
        part = Subtree(actor=root.actor, id=era.id, code=era.code, name=era.name, parent_id=None, path=era.path,
                       depth=era.depth, kind=era.kind, sector=era.sector, active=era.active)
        # Its row: its whole year (as the root, then under the new one); the root's total gains
        # the days before the new root was founded, which its own count cannot see.
        row = org_figures(session, part, year=period.year, as_of=period.as_of, rules=rules, levels=0,
                          summary="reason" in orgs).iloc[[0]].copy()
        before_part += int(org_figures(session, part, year=period.year, as_of=min(period.as_of, before), rules=rules,
                                       levels=0, summary=False).iloc[0]["admitted"])
        if era.id not in orgs.index:
            new_targets += int(row.iloc[0]["target"])
        row["parent_id"] = root.id
        rows.append(row)
    if not rows:
        return orgs
    added = pd.concat(rows)
    attrs = orgs.attrs
    orgs = pd.concat([orgs.drop(index=added.index, errors="ignore"), added])
    orgs.attrs = attrs
    top = orgs.index[0]
    orgs.loc[top, "admitted"] = int(orgs.loc[top, "admitted"]) + before_part
    orgs.loc[top, "children_target"] = int(orgs.loc[top, "children_target"]) + new_targets
    target, admitted = int(orgs.loc[top, "target"]), int(orgs.loc[top, "admitted"])
    orgs.loc[top, "percent_plan"] = _percent(admitted, target)
    expected, late = float(orgs.loc[top, "expected"]), int(orgs.loc[top, "late_pipeline"])
    status = org_status(target=target, admitted=admitted, expected=expected, late_pipeline=late, year_over=period.is_over)
    members = orgs.loc[top, "members_start"]
    orgs.loc[top, "percent_members"] = _percent(admitted, None if pd.isna(members) else float(members))
    orgs.loc[top, "band"] = band_of(orgs.loc[top, "percent_members"], rules)
    orgs.loc[top, "status"] = status
    if "reason" in orgs:
        orgs.loc[top, "reason"] = status_reason(status=status, year=period.year, end=period.end, target=target,
                                                admitted=admitted, expected=expected, late_pipeline=late)
    return orgs


def _continued_in(session: Session, root: Subtree) -> set[int]:
    """Organizations the root carries on: those now under it, and those it took over."""
    under = session.exec(select(Organization.id).where(Organization.parent_id == root.id)).all()
    taken = session.exec(select(OrgSuccession.from_organization_id).where(OrgSuccession.to_organization_id == root.id)).all()
    return set(under) | set(taken)


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
