"""A candidate listed after the chi bộ moved, with steps from before: those days are counted
where the chi bộ stood then (its past places follow the chi bộ's), as if it had been listed then."""
from __future__ import annotations

from datetime import date

from sqlmodel import select

from core.procedure.pipeline import CandidateInput, add_candidate
from core.storage.db import session_scope
from core.storage.models import Candidate, CandidatePlace
from core.structure import restructure
from tests.structure.conftest import RULES, TODAY, E, org

BEFORE = date(2025, 6, 30)
LISTED = date(2025, 3, 1)


def _person() -> CandidateInput:
    return CandidateInput(full_name="Lê Văn Sau", birth_date=date(1995, 4, 4), female=False, ethnicity="Kinh",
                          religion="", general_education="upper_secondary", qualification="none", occupation="farmer")


def test_a_candidate_listed_after_the_move_stood_where_the_chi_bo_stood(tree):
    with session_scope(tree.engine) as s:
        restructure.move(s, tree.admin, org_code="C1-B", new_parent_code="C2", effective_date=E, today=TODAY)
    pipeline_at = {day: (tree.figures(year=2025, as_of=day).loc["C1", "active_pipeline"],
                         tree.figures(year=2025, as_of=day).loc["C2", "active_pipeline"]) for day in (BEFORE, TODAY)}
    with session_scope(tree.engine) as s:
        added = add_candidate(s, tree.admin, org_code="C1-B", data=_person(), source_date=LISTED, today=TODAY,
                              rules=RULES)
        cell = org(s, "C1-B")
        places = s.exec(select(CandidatePlace.org_path, CandidatePlace.valid_from, CandidatePlace.valid_to)
                        .where(CandidatePlace.candidate_id == added.id)).all()
        moved = s.get(Candidate, added.id)
        old_path = f"{org(s, 'C1').path}{cell.id}/"
        assert (moved.org_path, moved.placed_from) == (cell.path, E)
        assert [tuple(p) for p in places] == [(old_path, None, BEFORE)]
    c1, c2 = pipeline_at[BEFORE]
    assert (tree.figures(year=2025, as_of=BEFORE).loc["C1", "active_pipeline"],
            tree.figures(year=2025, as_of=BEFORE).loc["C2", "active_pipeline"]) == (c1 + 1, c2)
    c1, c2 = pipeline_at[TODAY]
    assert (tree.figures(year=2025).loc["C1", "active_pipeline"],
            tree.figures(year=2025).loc["C2", "active_pipeline"]) == (c1, c2 + 1)


def test_a_candidate_listed_after_the_move_with_nothing_before_it_has_no_past_place(tree):
    with session_scope(tree.engine) as s:
        restructure.move(s, tree.admin, org_code="C1-B", new_parent_code="C2", effective_date=E, today=TODAY)
    with session_scope(tree.engine) as s:
        added = add_candidate(s, tree.admin, org_code="C1-B", data=_person(), source_date=date(2025, 9, 1),
                              today=TODAY, rules=RULES)
        assert s.get(Candidate, added.id).placed_from is None
        assert s.exec(select(CandidatePlace).where(CandidatePlace.candidate_id == added.id)).all() == []
