"""The database layer: migrations agree with the models, upgrade in place, SQLite pragmas, data version."""
from __future__ import annotations

import json
import logging
import shutil
import unicodedata
from datetime import date

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel, select

from core.storage.db import (
    alembic_config,
    make_engine,
    migrate,
    schema_is_current,
    session_scope,
)
from core.storage.models import identity_key
from core.storage.versions import bump_data_version, data_version


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


CANDIDATE_0003_COLUMNS = (
    "id, organization_id, org_path, full_name, birth_date, female, ethnicity, ethnic_minority, religion, "
    "general_education, qualification, occupation, youth_union_member, village_head, education_exemption, "
    "helper_name, sponsor1_name, sponsor2_name, version, created_at, updated_at, settled_date, exit, exit_date")


def test_migration_0004_keys_every_candidate_and_reports_duplicates_without_losing_one(engine, caplog):
    _to_revision(engine, "0003")
    nfd = unicodedata.normalize("NFD", "NGUYỄN  Văn An")
    people = (  # id, chi bộ, name, exit
        (1, 2, "Nguyễn Văn An", None),
        (2, 2, nfd, None),  # the same person as 1, typed otherwise: a duplicate
        (3, 3, "Nguyễn Văn An", None),  # another chi bộ: another person
        (4, 2, "Nguyễn Văn An", "stopped"),  # left: history, not a duplicate
        (5, 2, "Lê Thị Bình", None),
    )
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO organization (id, code, name, path, depth, kind, sector, active, version) "
                          "VALUES (1, 'D', 'Huyện ủy', '/1/', 0, 'upper_committee', 'other', true, 1), "
                          "(2, 'D-A', 'Chi bộ A', '/1/2/', 1, 'grassroots_cell', 'rural', true, 1), "
                          "(3, 'D-B', 'Chi bộ B', '/1/3/', 1, 'grassroots_cell', 'rural', true, 1)"))
        for cid, org, name, left in people:
            conn.execute(text(f"INSERT INTO candidate ({CANDIDATE_0003_COLUMNS}) VALUES (:id, :org, :path, :name, "
                              "'1990-01-01', false, 'Kinh', false, '', 'upper_secondary', 'none', 'other', false, false, "
                              "false, '', '', '', 1, '2024-01-01 00:00:00+00', '2024-01-01 00:00:00+00', "
                              "'9999-12-31', :exit, :exit_date)"),
                         {"id": cid, "org": org, "path": f"/1/{org}/", "name": name, "exit": left,
                          "exit_date": "2024-05-01" if left else None})
    with caplog.at_level(logging.WARNING):
        migrate(engine)
    with engine.connect() as conn:
        keys = dict(conn.execute(text("SELECT id, identity_key FROM candidate")).all())
        reported = conn.execute(text("SELECT entity_id, after FROM audit_entry WHERE action = 'identity_duplicate'")).all()
    an = "nguyễn văn an|1990-01-01"
    assert keys == {1: an, 2: f"{an}#2", 3: an, 4: an, 5: "lê thị bình|1990-01-01"}
    assert [(entity_id, json.loads(after)["same_as"]) for entity_id, after in reported] == [(2, 1)]
    assert "candidate 2 is the same person as candidate 1" in caplog.text
    with engine.begin() as conn, pytest.raises(IntegrityError):  # from now on the database refuses a third
        conn.execute(text(f"INSERT INTO candidate ({CANDIDATE_0003_COLUMNS}, identity_key) SELECT 6, organization_id, "
                          "org_path, full_name, birth_date, female, ethnicity, ethnic_minority, religion, "
                          "general_education, qualification, occupation, youth_union_member, village_head, "
                          "education_exemption, helper_name, sponsor1_name, sponsor2_name, version, created_at, "
                          "updated_at, settled_date, exit, exit_date, identity_key FROM candidate WHERE id = 1"))


def _demo_at_0003(demo_db_file, tmp_path):
    """A copy of the demo district as the previous release held it (schema 0003, no identity key)."""
    path = tmp_path / "previous.db"
    shutil.copy(demo_db_file, path)
    engine = make_engine(f"sqlite:///{path}")
    _to_revision(engine, "0003")
    with engine.connect() as conn:
        assert "identity_key" not in {c["name"] for c in inspect(conn).get_columns("candidate")}
    return engine


@pytest.mark.parametrize("with_duplicate", [False, True])
def test_the_previous_releases_demo_database_upgrades_without_losing_a_row(demo_db_file, tmp_path, with_duplicate):
    engine = _demo_at_0003(demo_db_file, tmp_path)
    with engine.begin() as conn:
        if with_duplicate:  # the same person entered twice in a chi bộ, as the old form allowed
            copied = CANDIDATE_0003_COLUMNS.replace("id, ", "", 1)
            twin = conn.execute(text("SELECT min(id) FROM candidate WHERE exit IS NULL")).scalar()
            conn.execute(text(f"INSERT INTO candidate ({copied}) SELECT {copied} FROM candidate WHERE id = :id"),
                         {"id": twin})
        rows_before = conn.execute(text("SELECT id, full_name, birth_date FROM candidate ORDER BY id")).all()
        events_before = conn.execute(text("SELECT count(*) FROM stage_event")).scalar()
    migrate(engine)
    assert schema_is_current(engine)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, full_name, birth_date, identity_key FROM candidate ORDER BY id")).all()
        events = conn.execute(text("SELECT count(*) FROM stage_event")).scalar()
        reported = conn.execute(text("SELECT entity_id, after FROM audit_entry WHERE action = 'identity_duplicate'")).all()
    engine.dispose()
    assert [tuple(r[:3]) for r in rows] == [tuple(r) for r in rows_before] and events == events_before
    plain = {cid: identity_key(name, date.fromisoformat(born)) for cid, name, born, _key in rows}
    if not with_duplicate:
        assert {cid: key for cid, _n, _b, key in rows} == plain and reported == []
        return
    duplicate = rows[-1][0]
    assert {cid: key for cid, _n, _b, key in rows} == {**plain, duplicate: f"{plain[duplicate]}#{duplicate}"}
    assert [(entity_id, json.loads(after)["same_as"]) for entity_id, after in reported] == [(duplicate, twin)]


def _demo_at_0004(demo_db_file, tmp_path):
    """A copy of the demo district as the previous release held it (schema 0004): its
    resolutions with votes_for and votes_total (those present), no denominators."""
    path = tmp_path / "previous.db"
    shutil.copy(demo_db_file, path)
    engine = make_engine(f"sqlite:///{path}")
    _to_revision(engine, "0004")
    with engine.connect() as conn:
        assert "members_total" not in {c["name"] for c in inspect(conn).get_columns("stage_event")}
    return engine


def test_migration_0005_keeps_every_event_and_its_votes_as_those_present_with_no_denominator_invented(
        demo_db_file, tmp_path):
    engine = _demo_at_0004(demo_db_file, tmp_path)
    with engine.connect() as conn:
        before = conn.execute(text("SELECT id, candidate_id, stage, event_date, votes_for, votes_total "
                                   "FROM stage_event ORDER BY id")).all()
        candidates = conn.execute(text("SELECT count(*) FROM candidate")).scalar()
    migrate(engine)
    assert schema_is_current(engine)
    with engine.connect() as conn:
        after = conn.execute(text("SELECT id, candidate_id, stage, event_date, votes_for, votes_total, members_total, "
                                  "members_excused FROM stage_event ORDER BY id")).all()
        assert conn.execute(text("SELECT count(*) FROM candidate")).scalar() == candidates
    engine.dispose()
    assert [tuple(r[:6]) for r in after] == [tuple(r) for r in before]
    assert {(r[6], r[7]) for r in after} == {(None, None)}  # unknown, never guessed
    assert any(r[2] == "branch_resolution" and r[5] is not None for r in after)  # votes_total kept: those present


def test_migration_0005_adds_the_denominators_empty_and_keeps_those_present(engine):
    _to_revision(engine, "0004")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO organization (id, code, name, path, depth, kind, sector, active, version) "
                          "VALUES (1, 'D-A', 'Chi bộ A', '/1/', 0, 'grassroots_cell', 'rural', true, 1)"))
        conn.execute(text(f"INSERT INTO candidate ({CANDIDATE_0003_COLUMNS}, identity_key) VALUES (1, 1, '/1/', 'X', "
                          "'1990-01-01', false, 'Kinh', false, '', 'upper_secondary', 'none', 'other', false, false, "
                          "false, '', '', '', 1, '2024-01-01 00:00:00+00', '2024-01-01 00:00:00+00', '9999-12-31', "
                          "NULL, NULL, 'x|1990-01-01')"))
        conn.execute(text("INSERT INTO stage_event (id, candidate_id, stage, event_date, document_number, note, "
                          "votes_for, votes_total, acknowledged, voids, recorded_by, recorded_at) VALUES "
                          "(1, 1, 'branch_resolution', '2024-01-10', '07-NQ/CB', '', 8, 10, '', false, 'old', "
                          "'2024-01-10 00:00:00+00')"))
    migrate(engine)
    with engine.connect() as conn:
        row = conn.execute(text("SELECT votes_for, votes_total, members_total, members_excused FROM stage_event")).one()
    assert tuple(row) == (8, 10, None, None)  # 10 was those present, and stays so; 14 or 20 members: unknown


@pytest.mark.parametrize("day", [date(202, 1, 2), date(1899, 12, 31), date(2101, 1, 1)])
def test_no_date_outside_the_range_the_product_holds_is_written(engine, day):
    """Whatever writes it (a form, a file, the command line), a mistyped year is refused with
    the Vietnamese message, new or changed, and the unit of work writes nothing."""
    from core.errors import FormError
    from core.format import fmt_date
    from core.storage.models import WorkDayOverride

    message = f"Ngày {fmt_date(day)} nằm ngoài khoảng nhận được (từ 01/01/1900 đến 31/12/2100): xin kiểm tra lại năm."
    with pytest.raises(FormError) as refused, session_scope(engine) as session:
        session.add(WorkDayOverride(day=date(2026, 1, 2), working=True, note="kept?", recorded_by="admin"))
        session.flush()
        session.add(WorkDayOverride(day=day, working=True, note="bad", recorded_by="admin"))
    assert refused.value.errors == [message]
    with session_scope(engine) as session:
        assert session.exec(select(WorkDayOverride)).all() == []
        session.add(WorkDayOverride(day=date(2100, 12, 31), working=True, note="edge", recorded_by="admin"))
    with pytest.raises(FormError) as refused, session_scope(engine) as session:
        kept = session.exec(select(WorkDayOverride)).one()
        kept.day = day
    assert refused.value.errors == [message]
    with session_scope(engine) as session:
        assert session.exec(select(WorkDayOverride.day)).all() == [date(2100, 12, 31)]
