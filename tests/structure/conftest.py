"""A small district to restructure, and what the tests read back from the database.

Tree: D (Huyện ủy) → C1 (Đảng bộ xã) → A, B; D → C2 → C; D → S (chi bộ cơ sở, a school).
Plans 2024–2026 on D, C1, C2; admissions in 2024 and on both sides of 01/7/2025 (E).
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import select as sa_select
from sqlmodel import Session, SQLModel, select

from core.access.scope import Actor
from core.config import RuleSettings
from core.errors import FormError
from core.figures.progress import org_figures
from core.procedure.stages import Role, Stage
from core.storage.db import session_scope
from core.storage.models import Organization, User
from tests.factories import add_candidate, add_plan, admitted_on, district

RULES = RuleSettings()
E = date(2025, 7, 1)  # the day the district level ended
TODAY = date(2026, 1, 15)

PLANS = {  # code: {year: (target, members at the start)}
    "D": {2024: (10, 300), 2025: (12, 310), 2026: (12, 320)},
    "C1": {2024: (5, 100), 2025: (6, 100), 2026: (5, 110)},
    "C2": {2024: (3, 80), 2025: (4, 80), 2026: (3, 90)},
}
DECISIONS = {  # chi bộ code: admission decisions
    "C1-A": (date(2024, 4, 10), date(2025, 3, 10), date(2025, 9, 15)),
    "C1-B": (date(2025, 5, 5), date(2025, 10, 20)),
    "C2-C": (date(2025, 2, 2), date(2025, 8, 8)),
}


@dataclass
class Tree:
    engine: object
    admin: Actor

    def figures(self, code: str | None = None, year: int = 2025, as_of: date | None = None, levels: int = 2):
        """org_figures of `code` (the root when None), by organization code."""
        from core.access.scope import resolve

        with session_scope(self.engine) as s:
            f = org_figures(s, resolve(s, self.admin, code), year=year, as_of=as_of or date(year, 12, 31),
                            rules=RULES, levels=levels)
        return f.set_index("code")


@pytest.fixture
def tree(engine) -> Tree:
    with session_scope(engine) as s:
        orgs = district(s)
        for code, years in PLANS.items():
            for year, (target, members) in years.items():
                add_plan(s, orgs[code], year, target, members)
        for code, decisions in DECISIONS.items():
            for decision in decisions:
                add_candidate(s, orgs[code], admitted_on(decision))
        add_candidate(s, orgs["C1-B"], {Stage.SOURCE: date(2025, 2, 1)}, full_name="Trần Thị Nguồn")
        for username, role, code in (("admin.d", Role.ADMIN, "D"), ("bithu.c1", Role.SECRETARY, "C1"),
                                     ("admin.c1", Role.ADMIN, "C1"), ("bithu.a", Role.SECRETARY, "C1-A")):
            s.add(User(username=username, display_name=username, password_hash="x", role=role.value,
                       organization_id=orgs[code].id))
        root_path = orgs["D"].path
    return Tree(engine, Actor("admin.d", Role.ADMIN, root_path))


def org(s: Session, code: str) -> Organization:
    return s.exec(select(Organization).where(Organization.code == code)).one()


def everything(engine) -> dict[str, list[tuple]]:
    """Every row of every table: what a refusal must leave exactly as it was."""
    with session_scope(engine) as s:
        return {table.name: sorted((tuple(row) for row in s.execute(sa_select(table)).all()), key=repr)
                for table in SQLModel.metadata.sorted_tables}


@contextmanager
def refused(engine, error: type[Exception] = FormError, match: str | None = None):
    """A block that must raise `error` on a session that is committed all the same, and the
    database exactly as it was: a refusal writes nothing, not even to the session of a caller
    that catches it and carries on. Yields (session, the pytest ExceptionInfo)."""
    rows = everything(engine)
    with session_scope(engine) as s:
        with pytest.raises(error, match=match) as caught:
            yield s, caught
    assert everything(engine) == rows
