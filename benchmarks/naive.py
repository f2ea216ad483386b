"""The baseline the benchmark compares with: what a spreadsheet-minded first version would do.

Read the organizations (with their past stretches), the plans, the candidates (with their past
places) into pandas on every view, then compute the headline, each child's progress and the
funnel there. Same figures as the dashboards' top view on the dated tree (checked by
tests/cli/test_synth.py on the district tier), none of their care.
"""
from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import create_engine

from core.procedure.stages import STAGES, stage_date_column


def _overlapping(first: pd.Series, last: pd.Series, lo: pd.Timestamp, hi: pd.Timestamp) -> pd.Series:
    """The stretches [first, last] (NaT: open) with a day in [lo, hi]."""
    return (first.isna() | (first <= hi)) & (last.isna() | (last >= lo))


def naive_dashboard(url: str, year: int, as_of: date) -> dict[str, object]:
    """The top organization's admitted/target, its children's admitted counts, the funnel."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            orgs = pd.read_sql_table("organization", connection)
            eras = pd.read_sql_table("organization_era", connection)
            plans = pd.read_sql_table("year_plan", connection)
            candidates = pd.read_sql_table("candidate", connection)
            places = pd.read_sql_table("candidate_place", connection)
    finally:
        engine.dispose()
    start, end = pd.Timestamp(year, 1, 1), pd.Timestamp(min(as_of, date(year, 12, 31)))
    year_end = pd.Timestamp(year, 12, 31)
    decided = pd.to_datetime(candidates["decision_date"])
    admitted = candidates[(decided >= start) & (decided <= end)]
    # Each admission where the candidate stood on the day of the decision: a past place, else today's.
    paths = admitted.set_index("id")["org_path"]
    past = places.merge(admitted[["id", "decision_date"]], left_on="candidate_id", right_on="id")
    day = pd.to_datetime(past["decision_date"])
    held = past[_overlapping(pd.to_datetime(past["valid_from"]), pd.to_datetime(past["valid_to"]), day, day)]
    paths.loc[held["candidate_id"].to_numpy()] = held["org_path"].to_numpy()
    root = orgs.sort_values("depth").iloc[0]
    # The root's children in the year: organizations now or once under it, every path they had then.
    now = orgs[(orgs["parent_id"] == root["id"]) & _overlapping(
        pd.to_datetime(orgs["placed_from"].fillna(orgs["valid_from"])), pd.to_datetime(orgs["valid_to"]),
        start, year_end)][["id", "code", "path"]]
    before = eras[(eras["parent_id"] == root["id"]) & _overlapping(
        pd.to_datetime(eras["valid_from"]), pd.to_datetime(eras["valid_to"]), start, year_end)]
    before = before.merge(orgs[["id", "code"]], left_on="organization_id", right_on="id")[["code", "path"]]
    children = pd.concat([now[["code", "path"]], before]).drop_duplicates()
    per_child = {code: int(paths.str.startswith(tuple(group["path"])).sum()) for code, group in children.groupby("code")}
    target = plans[(plans["organization_id"] == root["id"]) & (plans["year"] == year)]["target"].sum()
    exited = pd.to_datetime(candidates["exit_date"])
    active = candidates[exited.isna() | (exited > end)]
    current = pd.Series(None, index=active.index, dtype="object")
    for stage in STAGES:  # the latest stage entered by the end date wins
        current[pd.to_datetime(active[stage_date_column(stage)]) <= end] = stage.value
    standing = {stage.value: int((current == stage.value).sum()) for stage in STAGES}
    return {"admitted": len(admitted), "target": int(target), "children": per_child, "standing": standing}
