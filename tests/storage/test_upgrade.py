"""The previous release's demo database, as that release wrote it, upgrades to the current schema
without losing a row.

`tests/data/demo_release_21.db.gz` is the demo district written by the release that landed at stop 21
(schema 0005), with `python -m core.cli demo`: not a copy of today's demo taken down by the
migrations' downgrades, so what the old code really wrote is what is upgraded.
"""
from __future__ import annotations

import gzip
import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlmodel import select

from core.access.scope import Actor, resolve
from core.procedure.recognition import unrecorded_recognitions
from core.procedure.stages import Role
from core.procedure.workdays import add_months
from core.storage.db import make_engine, migrate, schema_is_current, session_scope
from core.storage.models import Organization

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
            if table == "candidate":  # an official member's status takes effect at the end of probation: below
                moved = {[c["name"] for c in columns].index(name) for name in ("official_date", "stage_date")}
                rows = [tuple(v for i, v in enumerate(r) if i not in moved) for r in rows]
                after = [tuple(v for i, v in enumerate(r) if i not in moved) for r in after]
            if table == "audit_entry":  # the upgrade may add its own entries (what the new rules flag)
                after = after[: len(rows)]
            assert after == rows, table


def test_the_previous_releases_official_members_take_effect_at_the_end_of_probation_and_are_listed(release_db):
    """Migration 0006: each official event stays the recognition decision, dated as recorded; the
    status counts from the end of the 12 months (Điều lệ Điều 5); the chi bộ's and the
    committee's recognition resolutions were never recorded, and are listed, not invented."""
    with release_db.connect() as conn:
        before = {cid: (date.fromisoformat(admitted), date.fromisoformat(official)) for cid, admitted, official in
                  conn.execute(text("SELECT id, admitted_date, official_date FROM candidate WHERE official_date IS NOT NULL"))}
        events = conn.execute(text("SELECT count(*) FROM stage_event WHERE stage = 'official'")).scalar()
    migrate(release_db)
    with release_db.connect() as conn:
        after = {cid: (date.fromisoformat(official), date.fromisoformat(stage_date), branch, committee)
                 for cid, official, stage_date, branch, committee in conn.execute(text(
                     "SELECT id, official_date, stage_date, recognition_branch_date, recognition_committee_date "
                     "FROM candidate WHERE official_date IS NOT NULL"))}
        assert conn.execute(text("SELECT count(*) FROM stage_event WHERE stage = 'official'")).scalar() == events
        decisions = dict(conn.execute(text("SELECT candidate_id, event_date FROM stage_event WHERE stage = 'official'")).all())
        assert conn.execute(text("SELECT count(*) FROM dossier_paper")).scalar() == 0  # no paper invented
    assert len(before) == 523 and set(after) == set(before)
    for cid, (admitted, _recorded) in before.items():
        official, stage_date, branch, committee = after[cid]
        assert official == stage_date == min(date.fromisoformat(decisions[cid]), add_months(admitted, 12))
        assert (branch, committee) == (None, None)
    with session_scope(release_db) as session:
        root = session.exec(select(Organization).where(Organization.parent_id.is_(None))).one()
        listed = unrecorded_recognitions(session, resolve(session, Actor("admin", Role.ADMIN, root.path), None))
    assert sorted(listed["candidate_id"]) == sorted(before)
