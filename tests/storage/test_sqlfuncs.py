"""The small SQL expressions that the two databases spell differently, answered alike on both."""
from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import select

from core.storage.db import session_scope
from core.storage.models import Organization
from core.storage.sqlfuncs import one_of
from tests.factories import district


def test_one_of_keeps_the_rows_whose_column_is_among_the_ids(engine):
    with session_scope(engine) as s:
        orgs = district(s)
        wanted = [orgs["C1"].id, orgs["S"].id, 999_999]
        found = s.exec(select(Organization.code).where(one_of(Organization.id, wanted)).order_by(Organization.code)).all()
        none = s.exec(select(Organization.code).where(one_of(Organization.id, []))).all()
    assert found == ["C1", "S"] and none == []


def test_one_of_is_one_array_parameter_on_postgresql_and_in_elsewhere():
    stmt = select(Organization.code).where(one_of(Organization.id, range(1, 5001)))
    on_postgresql = stmt.compile(dialect=postgresql.dialect())
    assert "= ANY(" in str(on_postgresql) and len(on_postgresql.params) == 1
    assert " IN (" in str(stmt.compile(dialect=sqlite.dialect(), compile_kwargs={"render_postcompile": True}))
