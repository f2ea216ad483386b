"""The database layer: migrations agree with the models, upgrade in place, SQLite pragmas, data version."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlmodel import SQLModel

from core.db import bump_data_version, data_version, make_engine, migrate, schema_is_current, session_scope


def test_migrations_and_models_agree(engine):
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, SQLModel.metadata)
    assert diff == []


def test_migrate_is_idempotent_and_keeps_data(engine):
    with session_scope(engine) as session:
        bump_data_version(session)
    migrate(engine)  # an upgrade of a current database changes nothing
    assert schema_is_current(engine)
    with session_scope(engine) as session:
        assert data_version(session) == 1
    tables = set(inspect(engine).get_table_names())
    assert {"organization", "year_plan", "candidate", "stage_event", "app_user", "audit_entry", "data_version"} <= tables


def test_data_version_rolls_back_with_the_transaction(engine):
    try:
        with session_scope(engine) as session:
            bump_data_version(session)
            raise RuntimeError("the write fails")
    except RuntimeError:
        pass
    with session_scope(engine) as session:
        assert data_version(session) == 0


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/wal.db")
    migrate(engine)
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
