"""The database layer: migrations agree with the models, upgrade in place, SQLite pragmas, data version."""
from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlmodel import SQLModel

from core.storage.db import (
    alembic_config,
    bump_data_version,
    data_version,
    make_engine,
    migrate,
    schema_is_current,
    session_scope,
)


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


def _to_revision(engine, revision: str) -> None:
    cfg = alembic_config()
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, revision)


def test_migration_0003_fills_the_candidates_path_and_settled_date(engine):
    _to_revision(engine, "0002")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO organization (id, code, name, path, depth, kind, sector, active, version) "
                          "VALUES (1, 'D', 'Huyện ủy', '/1/', 0, 'upper_committee', 'other', true, 1), "
                          "(2, 'D-A', 'Chi bộ A', '/1/2/', 1, 'grassroots_cell', 'rural', true, 1)"))
        columns = ("id, organization_id, full_name, birth_date, female, ethnicity, ethnic_minority, religion, "
                   "general_education, qualification, occupation, youth_union_member, village_head, "
                   "education_exemption, helper_name, sponsor1_name, sponsor2_name, version, created_at, updated_at, "
                   "admitted_date, exit_date")
        common = "2, 'X', '1990-01-01', false, 'Kinh', false, '', 'upper_secondary', 'none', 'other', false, false, false, '', '', '', 1, '2024-01-01 00:00:00+00', '2024-01-01 00:00:00+00'"
        for cid, admitted, left in ((1, "'2024-03-01'", "NULL"), (2, "NULL", "'2024-05-01'"),
                                    (3, "'2024-03-01'", "'2024-09-01'"), (4, "NULL", "NULL")):
            conn.execute(text(f"INSERT INTO candidate ({columns}) VALUES ({cid}, {common}, {admitted}, {left})"))
    migrate(engine)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, org_path, settled_date FROM candidate ORDER BY id")).all()
    assert [(r[0], r[1], str(r[2])) for r in rows] == [
        (1, "/1/2/", "2024-03-01"),  # admitted
        (2, "/1/2/", "2024-05-01"),  # left before admission
        (3, "/1/2/", "2024-03-01"),  # admitted, removed later: settled at admission
        (4, "/1/2/", "9999-12-31"),  # still in the procedure
    ]
