"""The pipeline as a funnel: how many stand at each stage, how many move on, how long they wait.

Computed in SQL from the stage dates kept on each candidate, over one subtree and one year.
"""
from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import and_, case, func
from sqlmodel import Session, select

from core.config import RuleSettings
from core.models import Candidate, Organization
from core.progress import Period
from core.scope import Actor, org_in_scope
from core.sqlfuncs import days_between
from core.stages import STAGES, Stage, stage_date_column
from core.tree import in_subtree


def _date(stage: Stage):
    return getattr(Candidate, stage_date_column(stage))


def stage_as_of(end: date):
    """SQL: the stage a candidate stood at on `end` (NULL before the first, or after leaving)."""
    whens = [(_date(s) <= end, s.value) for s in reversed(STAGES)]
    left = and_(Candidate.exit_date.is_not(None), Candidate.exit_date <= end)
    return case((left, None), *whens, else_=None)


def _next_date(stage: Stage):
    """SQL: the date the candidate entered the stage after `stage` (a skipped one passed over)."""
    later = [_date(s) for s in STAGES[STAGES.index(stage) + 1 :]]
    return func.coalesce(*later) if len(later) > 1 else later[0]


def _median(session: Session, base, days) -> float | None:
    """Median of an integer SQL expression over `base`'s rows, without loading them all."""
    n = session.execute(base.add_columns(func.count())).scalar_one()
    if not n:
        return None
    values = session.execute(base.add_columns(days).order_by(days).offset((n - 1) // 2).limit(2 - n % 2)).scalars().all()
    return sum(values) / len(values)


def funnel(
    session: Session, actor: Actor, *, org_code: str | None, year: int, as_of: date, rules: RuleSettings
) -> pd.DataFrame:
    """One row per stage: standing on the as-of date, entered during the year, moved on to the
    next stage by the as-of date, conversion (%), and median days spent in the stage by those
    who left it during the year."""
    root = org_in_scope(session, actor, org_code)
    period = Period(year, as_of)
    end = period.end
    base = select().select_from(Candidate).join(Organization, Organization.id == Candidate.organization_id)
    scoped = base.where(in_subtree(root.path))

    current = stage_as_of(end)
    standing = dict(session.exec(scoped.add_columns(current, func.count()).group_by(current)).all())

    rows = []
    for stage in STAGES:
        entered_in_year = and_(_date(stage) >= period.start, _date(stage) <= end)
        if stage is STAGES[-1]:
            entered, moved = session.execute(scoped.add_columns(func.count()).where(entered_in_year)).scalar_one(), None
            median = None
        else:
            nxt = _next_date(stage)
            entered, moved = session.exec(
                scoped.add_columns(func.count(), func.coalesce(func.sum(case((nxt <= end, 1), else_=0)), 0)).where(
                    entered_in_year
                )
            ).one()
            left_in_year = scoped.where(_date(stage).is_not(None), nxt >= period.start, nxt <= end)
            median = _median(session, left_in_year, days_between(_date(stage), nxt))
        rows.append(
            {
                "stage": stage.value,
                "standing": int(standing.get(stage.value, 0)),
                "entered": int(entered),
                "moved_on": None if moved is None else int(moved),
                "conversion": (100.0 * moved / entered) if moved is not None and entered else None,
                "median_days": median,
            }
        )
    return pd.DataFrame(rows)


def standing_by_sector(
    session: Session, actor: Actor, *, org_code: str | None, year: int, as_of: date
) -> pd.DataFrame:
    """Candidates standing at each stage on the as-of date, by sector: one row per (sector, stage)."""
    root = org_in_scope(session, actor, org_code)
    current = stage_as_of(Period(year, as_of).end)
    stmt = (
        select(Organization.sector, current, func.count())
        .select_from(Candidate)
        .join(Organization, Organization.id == Candidate.organization_id)
        .where(in_subtree(root.path))
        .group_by(Organization.sector, current)
    )
    frame = pd.DataFrame(session.exec(stmt).all(), columns=["sector", "stage", "count"])
    return frame.dropna(subset=["stage"]).reset_index(drop=True)
