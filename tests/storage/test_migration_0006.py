"""Migration 0006 (the procedure's timeline): a database at 0005 holding an official member
upgrades without losing a row; the official event becomes the recognition decision, effective
from the end of the probation; the resolutions before it are left unrecorded and listed."""
from __future__ import annotations

import shutil
from datetime import date

from alembic import command
from sqlalchemy import text

from core.access.scope import Actor, resolve
from core.procedure.recognition import unrecorded_recognitions
from core.procedure.stages import Role
from core.storage.db import (
    alembic_config,
    make_engine,
    migrate,
    schema_is_current,
    session_scope,
)
from tests.storage.test_db import CANDIDATE_0003_COLUMNS


def _to_revision(engine, revision: str) -> None:
    cfg = alembic_config()
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, revision)


def _candidate(conn, cid: int, *, admitted: str | None, official: str | None, stage: str) -> None:
    conn.execute(text(
        f"INSERT INTO candidate ({CANDIDATE_0003_COLUMNS}, identity_key, admitted_date, official_date, stage, "
        f"stage_date) VALUES ({cid}, 2, '/1/2/', 'X{cid}', '1990-01-01', false, 'Kinh', false, '', 'upper_secondary', "
        f"'none', 'other', false, false, false, '', '', '', 1, '2024-01-01 00:00:00+00', '2024-01-01 00:00:00+00', "
        f"'2023-05-10', NULL, NULL, 'x{cid}|1990-01-01', :admitted, :official, :stage, :official)"),
        {"admitted": admitted, "official": official, "stage": stage})


def _event(conn, eid: int, cid: int, stage: str, when: str, *, voids: bool = False, replaces: int | None = None) -> None:
    conn.execute(text(
        "INSERT INTO stage_event (id, candidate_id, stage, event_date, document_number, note, acknowledged, voids, "
        "replaces_event_id, recorded_by, recorded_at) VALUES (:id, :cid, :stage, :when, '', '', '', :voids, "
        ":replaces, 'old', '2024-01-01 00:00:00+00')"),
        {"id": eid, "cid": cid, "stage": stage, "when": when, "voids": voids, "replaces": replaces})


def test_migration_0006_makes_the_official_event_the_decision_effective_from_the_end_of_probation(engine):
    _to_revision(engine, "0005")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO organization (id, code, name, path, depth, kind, sector, active, version) "
                          "VALUES (1, 'D', 'Huyện ủy', '/1/', 0, 'upper_committee', 'other', true, 1), "
                          "(2, 'D-A', 'Chi bộ A', '/1/2/', 1, 'grassroots_cell', 'rural', true, 1)"))
        # Admitted 10/05/2023, recognized (one step) on 20/06/2024: official from 10/05/2024.
        _candidate(conn, 1, admitted="2023-05-10", official="2024-06-20", stage="official")
        _event(conn, 1, 1, "admitted", "2023-05-10")
        _event(conn, 2, 1, "official", "2024-06-20")
        # A probationary member whose official event was voided: still probationary.
        _candidate(conn, 2, admitted="2023-05-10", official=None, stage="admitted")
        _event(conn, 3, 2, "admitted", "2023-05-10")
        _event(conn, 4, 2, "official", "2024-06-20")
        _event(conn, 5, 2, "official", "2024-06-20", voids=True, replaces=4)
    migrate(engine)
    assert schema_is_current(engine)
    with engine.connect() as conn:
        events = conn.execute(text("SELECT id, stage, event_date, effective_date FROM stage_event ORDER BY id")).all()
        candidates = conn.execute(text("SELECT id, stage, official_date, stage_date, recognition_branch_date, "
                                       "recognition_committee_date, recognition_failed_votes FROM candidate "
                                       "ORDER BY id")).all()
        authorized = conn.execute(text("SELECT authorized FROM organization ORDER BY id")).scalars().all()

    def day(value):
        return None if value is None else date.fromisoformat(str(value)[:10])

    assert [(i, s, day(d), day(e)) for i, s, d, e in events] == [
        (1, "admitted", date(2023, 5, 10), None),
        (2, "official", date(2024, 6, 20), date(2024, 5, 10)),  # kept, the decision's date, effective at the end
        (3, "admitted", date(2023, 5, 10), None),
        (4, "official", date(2024, 6, 20), None),  # voided: nothing takes effect
        (5, "official", date(2024, 6, 20), None),
    ]
    assert [(i, s, day(o), day(sd), b, c, f) for i, s, o, sd, b, c, f in candidates] == [
        (1, "official", date(2024, 5, 10), date(2024, 5, 10), None, None, 0),  # the resolutions: not recorded
        (2, "admitted", None, None, None, None, 0),
    ]
    assert [bool(a) for a in authorized] == [False, False]
    with session_scope(engine) as s:
        listed = unrecorded_recognitions(s, resolve(s, Actor("admin", Role.ADMIN, "/1/"), None))
    assert listed["candidate_id"].tolist() == [1]


def test_the_demo_database_at_0005_upgrades_to_0006_without_losing_a_row(demo_db_file, tmp_path):
    path = tmp_path / "previous.db"
    shutil.copy(demo_db_file, path)
    engine = make_engine(f"sqlite:///{path}")
    _to_revision(engine, "0005")
    with engine.connect() as conn:
        before = conn.execute(text("SELECT count(*) FROM candidate")).scalar(), conn.execute(
            text("SELECT count(*) FROM stage_event")).scalar()
    migrate(engine)
    with engine.connect() as conn:
        after = conn.execute(text("SELECT count(*) FROM candidate")).scalar(), conn.execute(
            text("SELECT count(*) FROM stage_event")).scalar()
    engine.dispose()
    assert after == before
