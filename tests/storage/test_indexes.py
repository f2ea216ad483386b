"""The figures' largest reads read only what their index holds.

- The pipeline counts (core.figures.progress) and the funnel's standing (core.figures.funnel)
  read the candidates still in the procedure on a date: one range of ix_candidate_settled_path.
- The sums of the targets below a screen's bottom row read one year of ix_year_plan_year_sums.

PostgreSQL answers them from the index alone as long as the index holds every column they
read; one more column, and it reads every row's page instead (at the national tier, 286 ms
instead of 76 for one pipeline count). That happened once: the đảng bộ bộ phận's appraisal
date joined the late pipeline without joining the index. Each such statement is checked here
against its index, for both ways of counting an admission, on a small subtree and on a large
one.
"""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import event
from sqlmodel import Session

from core.access.scope import operator, resolve
from core.config import RuleSettings
from core.figures import progress
from core.figures.funnel import funnel
from core.figures.progress import org_figures
from core.procedure.stages import Stage
from core.storage import kept
from core.storage.db import session_scope
from core.storage.models import Candidate, YearPlan
from tests.factories import add_candidate, add_plan, admitted_on, district

AS_OF = date(2023, 9, 30)


def _columns(table, index: str) -> set[str]:
    return {c.name for c in next(i for i in table.__table__.indexes if i.name == index).columns}


def _read(table: str, statement: str) -> set[str]:
    return set(re.findall(rf"\b{table}\.(\w+)", statement))


def _statements(engine, work) -> list[str]:
    seen: list[str] = []

    def keep(_conn, _cursor, statement, *_args):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", keep)
    try:
        work()
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    return seen


@pytest.mark.parametrize("count_by", ["decision", "ceremony"])
@pytest.mark.parametrize("large", [False, True], ids=["small subtree", "large subtree"])
def test_the_counts_of_those_in_the_procedure_read_only_the_columns_of_their_index(
        engine, monkeypatch, count_by, large):
    with session_scope(engine) as session:  # a tree where nobody moved: the counts read the table itself
        orgs = district(session)
        add_plan(session, orgs["D"], AS_OF.year, 10)
        add_candidate(session, orgs["C1-A"], admitted_on(date(2023, 3, 1)))
        add_candidate(session, orgs["C1-B"], {Stage.SOURCE: date(2023, 1, 10), Stage.DOSSIER: date(2023, 6, 1)})
    if large:  # counted the way a province's subtree is (a prefix test on the path)
        monkeypatch.setattr(progress, "LARGE_SUBTREE", 0)
    # The screens and the funnel counted as on a day their kept rows do not answer for (core.storage.kept).
    monkeypatch.setattr(kept, "standing_on", lambda *_args: None)
    monkeypatch.setattr(kept, "standing_of", lambda *_args: None)
    monkeypatch.setattr(kept, "stage_flows", lambda *_args: None)
    rules = RuleSettings(count_admission_by=count_by)
    with Session(engine) as session:
        root = resolve(session, operator(session), orgs["D"].code)

        def figures():
            org_figures(session, root, year=AS_OF.year, as_of=AS_OF, rules=rules, levels=2)
            funnel(session, root, year=AS_OF.year, as_of=AS_OF, rules=rules)

        statements = _statements(engine, figures)
    in_procedure = [s for s in statements if "candidate.settled_date > " in s]
    # The pipeline count of org_figures (one per path the root had in the year) and the funnel's standing.
    assert len(in_procedure) >= 2
    for statement in in_procedure:
        assert " JOIN " not in statement and "FROM candidate" in statement, statement
        assert _read("candidate", statement) - _columns(Candidate, "ix_candidate_settled_path") == set(), statement
    sums = [s for s in statements if "sum(year_plan.target)" in s]
    assert sums
    for statement in sums:
        assert _read("year_plan", statement) - _columns(YearPlan, "ix_year_plan_year_sums") == set(), statement
