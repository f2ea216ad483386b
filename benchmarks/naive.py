"""The baseline the benchmark compares with: what a spreadsheet-minded first version would do.

Read the organizations, the plans and the candidates into pandas on every view, then compute
the headline, each child's progress and the funnel there. Same figures as the dashboards'
top view (checked by tests/test_synth.py on the district tier), none of their care.
"""
from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import create_engine

from core.procedure.stages import STAGES, stage_date_column


def naive_dashboard(url: str, year: int, as_of: date) -> dict[str, object]:
    """The top organization's admitted/target, its children's admitted counts, the funnel."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            orgs = pd.read_sql_table("organization", connection)
            plans = pd.read_sql_table("year_plan", connection)
            candidates = pd.read_sql_table("candidate", connection)
    finally:
        engine.dispose()
    start, end = pd.Timestamp(year, 1, 1), pd.Timestamp(min(as_of, date(year, 12, 31)))
    decided = pd.to_datetime(candidates["decision_date"])
    admitted = candidates[(decided >= start) & (decided <= end)]
    paths = orgs.set_index("id")["path"]
    admitted_paths = admitted["organization_id"].map(paths)
    root = orgs.sort_values("depth").iloc[0]
    children = orgs[orgs["parent_id"] == root["id"]]
    per_child = {row.code: int(admitted_paths.str.startswith(row.path).sum()) for row in children.itertuples()}
    target = plans[(plans["organization_id"] == root["id"]) & (plans["year"] == year)]["target"].sum()
    exited = pd.to_datetime(candidates["exit_date"])
    active = candidates[exited.isna() | (exited > end)]
    current = pd.Series(None, index=active.index, dtype="object")
    for stage in STAGES:  # the latest stage entered by the end date wins
        current[pd.to_datetime(active[stage_date_column(stage)]) <= end] = stage.value
    standing = {stage.value: int((current == stage.value).sum()) for stage in STAGES}
    return {"admitted": len(admitted), "target": int(target), "children": per_child, "standing": standing}
