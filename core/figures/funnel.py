"""The pipeline as a funnel: how many stand at each stage, how many move on, how long they wait.

Computed in SQL from the stage dates kept on each candidate, over one subtree and one year,
in a fixed number of passes over the subtree's candidates (found by their organization's path).
"""
from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import (
    Date,
    and_,
    case,
    cast,
    func,
    literal_column,
    null,
    or_,
    union_all,
)
from sqlmodel import Session, select

from core.access.scope import Subtree
from core.config import RuleSettings
from core.figures.progress import Counting, Period, counting
from core.procedure.stages import (
    RECOGNITION_STAGES,
    STAGES,
    Stage,
    next_stages,
    stage_date_column,
)
from core.storage import kept
from core.storage.models import Candidate, Organization
from core.storage.sqlfuncs import days_between


def _date(stage: Stage, C=Candidate):  # noqa: N803 (C stands for the Candidate table)
    """The candidate's date of entering `stage`, of Candidate or of the placed candidates."""
    return getattr(C, stage_date_column(stage))


def _latest_stage(end: date, stages: tuple[Stage, ...] = STAGES, C=Candidate):  # noqa: N803
    """SQL: the last of `stages` entered by `end` (NULL when none was)."""
    return case(*[(_date(s, C) <= end, s.value) for s in reversed(stages)], else_=None)


def stage_as_of(end: date, C=Candidate):  # noqa: N803
    """SQL: the stage a candidate stood at on `end` (NULL before the first, or after leaving)."""
    left = and_(C.exit_date.is_not(None), C.exit_date <= end)
    return case((left, None), else_=_latest_stage(end, C=C))


def _standing(session: Session, subtree: Subtree, counted: Counting, end: date) -> dict[str, int]:
    """How many stand at each stage on `end`, each where they stood that day (the probationary
    members, those at a recognition step included, under «admitted»).

    From the counts kept as written (core.storage.kept) when they hold for `end`, else counted:
    those still in the procedure by their stage (one range of the settled-date index), the
    probationary and the official members by two counts (index ranges too) instead of a pass
    over every member ever admitted."""
    now = kept.standing_on(session, subtree.id, end)
    if now is not None:
        standing: dict[str, int] = {}
        for (_sector, stage), n in now.items():
            stage = Stage.ADMITTED.value if Stage(stage) in RECOGNITION_STAGES else stage
            standing[stage] = standing.get(stage, 0) + n
        return standing
    C, scope = counted.C, and_(counted.scope(), counted.on(end))
    # Not admitted and not gone by `end`: the stage is the last entered before admission, read
    # from the settled-date index alone (it holds those dates).
    current = _latest_stage(end, STAGES[: STAGES.index(Stage.ADMITTED)], C)
    standing = dict(session.exec(select(current, func.count()).where(scope, C.settled_date > end)
                                 .group_by(current)).all())
    stayed = or_(C.exit_date.is_(None), C.exit_date > end)
    admitted, official = session.exec(select(
        select(func.count()).where(scope, C.admitted_date <= end, stayed).scalar_subquery(),
        select(func.count()).where(scope, C.official_date <= end, stayed).scalar_subquery(),
    )).one()
    standing[Stage.ADMITTED.value], standing[Stage.OFFICIAL.value] = admitted - official, official
    return standing


def _next_date(stage: Stage, C=Candidate):  # noqa: N803
    """SQL: the date the candidate moved on from `stage` (core.procedure.stages.next_stages);
    NULL when it has not."""
    later = [_date(s, C) for s in next_stages(stage)]
    if not later:
        return cast(null(), Date)
    return func.coalesce(*later) if len(later) > 1 else later[0]


def _flows(session: Session, subtree: Subtree, counted: Counting, in_year, period: Period) -> list[int]:
    """Per stage in order: how many entered it in the period, each where it stood on the day of
    the entry, and (but for the last stage) how many of those moved on by the period's end.
    From the counts kept as written (core.storage.kept) when they hold for the period, else
    counted in one pass over the candidates with a date in the year (`in_year`)."""
    end = period.end
    now = kept.stage_flows(session, subtree.id, subtree.kind, period.year, end)
    if now is not None:
        return [n for stage in STAGES
                for n in now.get(stage.value, (0, 0))[: 2 if stage is not STAGES[-1] else 1]]
    C = counted.C
    flows = []
    for stage in STAGES:
        entered_in_year = and_(_date(stage, C) >= period.start, _date(stage, C) <= end, counted.on(_date(stage, C)))
        flows.append(func.sum(case((entered_in_year, 1), else_=0)))
        if stage is not STAGES[-1]:
            flows.append(func.sum(case((and_(entered_in_year, _next_date(stage, C) <= end), 1), else_=0)))
    return [int(v or 0) for v in session.execute(select(*flows).where(in_year)).one()]


def _medians(session: Session, counted: Counting, in_year, period: Period) -> dict[Stage, float | None]:
    """Per stage, the median days spent in it by those who left it (for the next stage) during
    the period, each counted where they stood on the day they left it, in one pass:
    PostgreSQL's percentile_cont per stage; on SQLite (which has none) a count of (stage, days)
    pairs, the median read off those counts."""
    C = counted.C
    if session.get_bind().dialect.name == "postgresql":
        medians = []
        for stage in STAGES[:-1]:
            left = _next_date(stage, C)
            medians.append(func.percentile_cont(0.5).within_group(days_between(_date(stage, C), left)).filter(
                and_(_date(stage, C).is_not(None), left >= period.start, left <= period.end, counted.on(left))))
        values = session.execute(select(*medians).where(in_year)).one()
        return {stage: None if v is None else float(v) for stage, v in zip(STAGES[:-1], values)}
    stage_no = union_all(*[select(literal_column(str(i)).label("n")) for i in range(len(STAGES) - 1)]).subquery()
    nth = [(stage_no.c.n == i, _date(stage, C)) for i, stage in enumerate(STAGES[:-1])]
    nxt = [(stage_no.c.n == i, _next_date(stage, C)) for i, stage in enumerate(STAGES[:-1])]
    entered, left = case(*nth), case(*nxt)
    days = days_between(entered, left)
    rows = session.execute(
        select(stage_no.c.n, days, func.count())
        .select_from(C)
        .join(stage_no, literal_column("1") == literal_column("1"))
        .where(in_year, entered.is_not(None), left >= period.start, left <= period.end, counted.on(left))
        .group_by(stage_no.c.n, days)
    ).all()
    counts: dict[int, dict[int, int]] = {}
    for n, d, c in rows:
        counts.setdefault(int(n), {})[int(d)] = int(c)
    return {stage: median_of_counts(counts.get(i, {})) for i, stage in enumerate(STAGES[:-1])}


def median_of_counts(counts: dict[int, int]) -> float | None:
    """The median of whole numbers given as {value: how many times}; the mean of the two
    middle values when there is an even number of them."""
    total = sum(counts.values())
    if not total:
        return None
    middle = [(total - 1) // 2, total // 2]
    found, seen = [], 0
    for value in sorted(counts):
        seen += counts[value]
        while len(found) < 2 and middle[len(found)] < seen:
            found.append(value)
    return sum(found) / 2


def funnel(
    session: Session, subtree: Subtree, *, year: int, as_of: date, rules: RuleSettings
) -> pd.DataFrame:
    """One row per stage: standing on the as-of date, entered during the year, moved on to the
    next stage by the as-of date, conversion (%), and median days spent in the stage by those
    who left it during the year. Three passes over the subtree's candidates, whatever its size.

    On the tree as it stood (core.figures.progress.counting): the standing where each candidate
    stood on the as-of date; an entry into a stage (and whether the candidate moved on from it)
    where the candidate stood on the day of the entry; a median's days where the candidate stood
    on the day of leaving the stage. A candidate with two places in the year is counted once
    for each of these, in the place of its day."""
    period = Period(year, as_of)
    end = period.end
    counted = counting(session, subtree, period)
    C = counted.C
    standing = _standing(session, subtree, counted, end)
    # Only a candidate with a stage date in the year can enter or leave a stage in it: one still
    # in the procedure (or admitted) since the year began, or at a recognition step or recognized
    # as official in it (a probationary member admitted the year before votes in this one).
    in_year = and_(counted.scope(), or_(C.settled_date >= period.start, C.official_date >= period.start,
                                        *[_date(s, C) >= period.start for s in RECOGNITION_STAGES]))

    totals = iter(_flows(session, subtree, counted, in_year, period))
    medians = _medians(session, counted, in_year, period)

    rows = []
    for stage in STAGES:
        entered = next(totals)
        moved = next(totals) if stage is not STAGES[-1] else None
        rows.append(
            {
                "stage": stage.value,
                "standing": int(standing.get(stage.value, 0)),
                "entered": entered,
                "moved_on": moved,
                "conversion": (100.0 * moved / entered) if moved is not None and entered else None,
                "median_days": medians.get(stage),
            }
        )
    return pd.DataFrame(rows)


def standing_by_sector(
    session: Session, subtree: Subtree, *, year: int, as_of: date
) -> pd.DataFrame:
    """Candidates standing at each stage on the as-of date, by sector: one row per (sector, stage)
    with anyone, each candidate where it stood that day and under the sector of the
    organization it stood in. From the counts kept as written when they hold for the day
    (core.storage.kept), else counted over the subtree's candidates."""
    period = Period(year, as_of)
    now = kept.standing_on(session, subtree.id, period.end)
    if now is not None:
        return pd.DataFrame.from_records([(sector, stage, n) for (sector, stage), n in sorted(now.items())],
                                         columns=["sector", "stage", "count"])
    counted = counting(session, subtree, period)
    C = counted.C
    current = stage_as_of(period.end, C)
    stmt = (
        select(Organization.sector, current, func.count())
        .select_from(C)
        .join(Organization, Organization.id == C.organization_id)
        .where(counted.scope(), counted.on(period.end))
        .group_by(Organization.sector, current)
    )
    frame = pd.DataFrame.from_records([tuple(r) for r in session.exec(stmt).all()], columns=["sector", "stage", "count"])
    return frame.dropna(subset=["stage"]).reset_index(drop=True)
