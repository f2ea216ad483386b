"""Migration 0008 (the working-day calendar, transfers inside the tree, re-admissions): an
existing database at 0005 upgrades without losing or changing a row, and its new tables start
empty, so every clock counts as before (the library's calendar) and every candidate stays where
it was."""
from __future__ import annotations

import shutil
from datetime import date

from alembic import command
from sqlalchemy import inspect, text

from core.procedure.days_off import load_calendar
from core.storage.db import (
    alembic_config,
    make_engine,
    migrate,
    schema_is_current,
    session_scope,
)

NEW_TABLES = ("work_day_override", "candidate_transfer", "readmission")
KEPT = {
    "organization": "SELECT id, code, path, parent_id FROM organization ORDER BY id",
    "candidate": "SELECT id, organization_id, org_path, stage, exit, decision_date, admitted_date, version "
                 "FROM candidate ORDER BY id",
    "stage_event": "SELECT id, candidate_id, stage, event_date, document_number FROM stage_event ORDER BY id",
    "audit_entry": "SELECT count(*) FROM audit_entry",
}


def _to_0005(engine) -> None:
    cfg = alembic_config()
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, "0005")
    with engine.connect() as conn:
        assert not set(NEW_TABLES) & set(inspect(conn).get_table_names())


def _snapshot(engine) -> dict[str, list]:
    with engine.connect() as conn:
        return {table: [tuple(r) for r in conn.execute(text(query)).all()] for table, query in KEPT.items()}


def test_the_demo_database_at_0005_upgrades_to_0008_keeping_every_row(demo_db_file, tmp_path):
    path = tmp_path / "previous.db"
    shutil.copy(demo_db_file, path)
    engine = make_engine(f"sqlite:///{path}")
    _to_0005(engine)
    before = _snapshot(engine)
    migrate(engine)
    assert schema_is_current(engine)
    assert _snapshot(engine) == before
    assert len(before["candidate"]) > 1000
    with engine.connect() as conn:
        assert [conn.execute(text(f"SELECT count(*) FROM {table}")).scalar() for table in NEW_TABLES] == [0, 0, 0]
    with session_scope(engine) as session:  # no change by the admin yet: the library's calendar
        assert not load_calendar(session).is_working_day(date(2025, 9, 2))
        assert load_calendar(session).is_working_day(date(2025, 11, 24))
    engine.dispose()


def test_migration_0008_upgrades_a_database_on_both_backends_keeping_its_rows(engine):
    _to_0005(engine)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO organization (id, code, name, path, depth, kind, sector, active, version) "
                          "VALUES (1, 'D-A', 'Chi bộ A', '/1/', 0, 'grassroots_cell', 'rural', true, 1)"))
    migrate(engine)
    with engine.connect() as conn:
        names = set(inspect(conn).get_table_names())
        assert set(NEW_TABLES) <= names
        assert conn.execute(text("SELECT code FROM organization")).scalar() == "D-A"
        unique = {i["name"]: i["unique"] for i in inspect(conn).get_indexes("readmission")}
    assert unique == {"ix_readmission_candidate_id": True, "ix_readmission_previous_candidate_id": True}
