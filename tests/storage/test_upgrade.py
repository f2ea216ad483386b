"""The previous release's demo database, as that release wrote it, upgrades to the current schema
without losing a row.

`tests/data/demo_release_21.db.gz` is the demo district written by the release that landed at stop 21
(schema 0005), with `python -m core.cli demo`: not a copy of today's demo taken down by the
migrations' downgrades, so what the old code really wrote is what is upgraded.
"""
from __future__ import annotations

import gzip
import re
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlmodel import Session, select

from core.access.scope import Actor, operator, org_by_code, resolve
from core.config import Settings
from core.errors import FormError
from core.notify.remind import remind
from core.procedure.pipeline import CandidateInput, edit_candidate
from core.procedure.recognition import unrecorded_recognitions
from core.procedure.stages import OrgKind, Role, Sector
from core.procedure.workdays import add_months
from core.storage import kept
from core.storage.db import make_engine, migrate, schema_is_current, session_scope
from core.storage.models import (
    AdmissionCount,
    Candidate,
    CandidatePlace,
    CandidateTransfer,
    Organization,
    OrganizationEra,
    SubtreeVersion,
)
from core.storage.versions import view_version
from core.structure.restructure import NewOrg, dissolve, merge, move, new_root
from core.structure.tree import path_ids

RELEASE_DB = Path(__file__).resolve().parent.parent / "data" / "demo_release_21.db.gz"
TABLES = ("organization", "year_plan", "candidate", "stage_event", "app_user", "audit_entry")


def _unpacked(packed: Path, path: Path) -> Path:
    """A private copy of a release's demo database at `path`."""
    with gzip.open(packed, "rb") as src, path.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    return path


def _same_rows(conn, before: dict) -> None:
    """Every row the release wrote is there, with its own columns' values."""
    for table, (columns, rows) in before.items():
        names = ", ".join(c["name"] for c in columns)
        assert [tuple(r) for r in conn.execute(text(f"SELECT {names} FROM {table} ORDER BY id"))] == rows, table


@pytest.fixture
def release_db(tmp_path):
    """An engine on a private copy of the previous release's demo database."""
    engine = make_engine(f"sqlite:///{_unpacked(RELEASE_DB, tmp_path / 'release.db')}")
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


# --- the release that landed at stop 22 (schema 0008), and the tree through time -----------------

RELEASE_22_DB = Path(__file__).resolve().parent.parent / "data" / "demo_release_22.db.gz"
TABLES_22 = (*TABLES, "dossier_paper", "candidate_transfer", "work_day_override", "readmission")
REORGANISED = date(2025, 7, 1)
DEMO_DAY = date(2026, 11, 20)


@pytest.fixture
def release_22(tmp_path):
    """The path of a private copy of the stop-22 release's demo database (Huyện ủy Kim Bảng at the root)."""
    return _unpacked(RELEASE_22_DB, tmp_path / "release22.db")


def test_the_last_releases_demo_upgrades_keeping_every_row_and_leaves_a_transfers_past_where_it_was(release_22):
    engine = make_engine(f"sqlite:///{release_22}")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0008"
        before = {table: (inspect(conn).get_columns(table), _rows(conn, table)) for table in TABLES_22}
        transfers = conn.execute(text(
            "SELECT t.candidate_id, t.from_organization_id, t.transfer_date, o.path FROM candidate_transfer t "
            "JOIN organization o ON o.id = t.from_organization_id")).all()
    migrate(engine)
    assert schema_is_current(engine)
    with engine.connect() as conn:
        _same_rows(conn, before)
        places = conn.execute(text("SELECT candidate_id, organization_id, org_path, valid_from, valid_to "
                                   "FROM candidate_place")).all()
        placed = dict(conn.execute(text("SELECT id, placed_from FROM candidate WHERE placed_from IS NOT NULL")).all())
        assert conn.execute(text("SELECT count(*) FROM organization_era")).scalar() == 0
    engine.dispose()
    assert len(transfers) == 1
    (candidate_id, source, moved_on, source_path), = transfers
    day_before = (date.fromisoformat(moved_on) - timedelta(days=1)).isoformat()
    assert [tuple(p) for p in places] == [(candidate_id, source, source_path, None, day_before)]
    assert placed == {candidate_id: moved_on}


def test_the_upgrade_keeps_the_admissions_of_every_organization_and_year_as_a_recount_finds_them(release_22):
    """Migration 0010 fills the kept admissions from the release's candidates: Kim Bảng's 2023
    is 148, as its summary says, and every row is what a recount finds."""
    engine = make_engine(f"sqlite:///{release_22}")
    migrate(engine)
    with Session(engine) as session:
        kim_bang = org_by_code(session, "KB")
        assert session.get(AdmissionCount, ("decision_date", kim_bang.id, 2023)).admitted == 148
        assert kept.differences(session) == {}
    engine.dispose()


def _summary(url: str, monkeypatch, capsys, *args: str) -> str:
    from core.cli.commands import main
    monkeypatch.setenv("DATABASE_URL", url)
    capsys.readouterr()
    assert main(["summary", *args]) == 0
    return capsys.readouterr().out


def _line(out: str, name: str) -> str:
    return next(line for line in out.splitlines() if line.strip().startswith(name))


def test_an_upgraded_kim_bang_database_is_put_under_tinh_uy_ninh_binh_and_keeps_its_past(release_22, monkeypatch, capsys):
    """An existing district database, upgraded, follows the 2025 reorganisation with the admin's
    tools: a new root above it, its communes merged into wards under the province, the district
    dissolved once its plans have somewhere to go. 2023 still reads 148/145 for Huyện ủy Kim
    Bảng; 2026 reads Tỉnh ủy Ninh Bình with its wards and no district."""
    url = f"sqlite:///{release_22}"
    engine = make_engine(url)
    migrate(engine)
    on = dict(effective_date=REORGANISED, today=DEMO_DAY)
    with session_scope(engine) as s:
        actor = operator(s)
        new_root(s, actor, code="TU-NB", name="Tỉnh ủy Ninh Bình", kind=OrgKind.UPPER_COMMITTEE.value,
                 sector=Sector.OTHER.value, document_number="01-QĐ/TW", **on)
    with session_scope(engine) as s:
        actor = operator(s)
        assert s.get(Organization, actor_root := org_by_code(s, "TU-NB").id).parent_id is None and actor_root
        communes = s.exec(select(Organization.code).where(Organization.parent_id == org_by_code(s, "KB").id,
                                                          Organization.kind == OrgKind.GRASSROOTS_COMMITTEE.value,
                                                          Organization.sector.in_(("rural", "urban")))
                          .order_by(Organization.code)).all()
        others = s.exec(select(Organization.code).where(Organization.parent_id == org_by_code(s, "KB").id,
                                                        Organization.code.not_in(communes))).all()
        half = len(communes) // 2
        for code, name, sources in (("P-BAC", "Đảng ủy phường Kim Bảng Bắc", communes[:half]),
                                    ("P-NAM", "Đảng ủy phường Kim Bảng Nam", communes[half:])):
            merge(s, actor, source_codes=list(sources), **on,
                  new=NewOrg(parent_code="TU-NB", code=code, name=name, kind=OrgKind.COMMUNE_COMMITTEE.value,
                             sector=Sector.URBAN.value))
        for code in others:
            move(s, actor, org_code=code, new_parent_code="P-BAC", **on)
    with session_scope(engine) as s, pytest.raises(FormError, match="còn kế hoạch năm 2026"):
        dissolve(s, operator(s), org_code="KB", **on)
    with session_scope(engine) as s:
        outcome = dissolve(s, operator(s), org_code="KB", plans_to="TU-NB", **on)
        assert ("Tỉnh ủy Ninh Bình", 2026, 0, 150) in outcome.plans
    with session_scope(engine) as s:
        # The candidate transferred on 26/10/2026, recorded before the reorganisation of 01/7/2025
        # was: its days in the sending chi bộ are cut at 01/7/2025, the part after under the ward.
        transfer = s.exec(select(CandidateTransfer)).one()
        sender = s.get(Organization, transfer.from_organization_id)
        places = s.exec(select(CandidatePlace.organization_id, CandidatePlace.org_path, CandidatePlace.valid_from,
                               CandidatePlace.valid_to).where(CandidatePlace.candidate_id == transfer.candidate_id)
                        .order_by(CandidatePlace.valid_to)).all()
        moved = s.get(Candidate, transfer.candidate_id)
        old_path = s.exec(select(OrganizationEra.path).where(OrganizationEra.organization_id == sender.id)).one()
        assert [tuple(p) for p in places] == [
            (sender.id, old_path, None, REORGANISED - timedelta(days=1)),
            (sender.id, sender.path, REORGANISED, transfer.transfer_date - timedelta(days=1))]
        assert moved.placed_from == transfer.transfer_date and moved.org_path.startswith(org_by_code(s, "TU-NB").path)
    engine.dispose()

    past = _summary(url, monkeypatch, capsys, "--year", "2023", "--org", "KB")
    assert "năm 2023 của Huyện ủy Kim Bảng" in past
    district = _line(past, "Huyện ủy Kim Bảng")
    assert "148/145" in district and "102,1%" in district
    now = _summary(url, monkeypatch, capsys, "--year", "2026")
    assert "năm 2026 của Tỉnh ủy Ninh Bình" in now
    assert _line(now, "Đảng ủy phường Kim Bảng Bắc") and _line(now, "Đảng ủy phường Kim Bảng Nam")
    assert "Huyện ủy" not in now and "150" in _line(now, "Tỉnh ủy Ninh Bình")
    # 2025 adds up across the change: the district's half-year beside the wards'.
    year = _summary(url, monkeypatch, capsys, "--year", "2025", "--as-of", "31/12/2025")
    parts = [_line(year, name) for name in ("Huyện ủy Kim Bảng", "Đảng ủy phường Kim Bảng Bắc", "Đảng ủy phường Kim Bảng Nam")]
    admitted = [_admitted(part) for part in parts]
    assert sum(admitted) == _admitted(_line(year, "Tỉnh ủy Ninh Bình")) == 139 and all(admitted)


def _admitted(line: str) -> int:
    """The admitted of a summary line ("  Huyện ủy Kim Bảng   79/155   …")."""
    return int(re.search(r"\s(\d+)/\d+\s", line).group(1))


# --- the release that landed at stop 27 (schema 0010): versions per organization --------------

RELEASE_27_DB = Path(__file__).resolve().parent.parent / "data" / "demo_release_27.db.gz"


def test_the_stop_27_releases_demo_upgrades_keeping_every_row_of_every_table(tmp_path):
    """`demo_release_27.db.gz` is the demo written by the release that landed at stop 27
    (`python -m core.cli demo` at 8083c73, schema 0010). Every table keeps every row and value;
    the new versions start empty, the kept entries and standing are what a recount finds, the
    accounts have no address and no digest (nobody is sent anything until one is set), and the
    first write raises the versions of its candidate's path."""
    engine = make_engine(f"sqlite:///{_unpacked(RELEASE_27_DB, tmp_path / 'release27.db')}")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0010"
        tables = [name for name in inspect(conn).get_table_names() if name != "alembic_version"]
        columns = {name: ", ".join(c["name"] for c in inspect(conn).get_columns(name)) for name in tables}

        def rows(conn) -> dict[str, list[tuple]]:  # each table's columns of the release, every row
            return {name: sorted(tuple(r) for r in conn.execute(text(f"SELECT {columns[name]} FROM {name}")))
                    for name in tables}
        before = rows(conn)
    assert len(before["candidate"]) == 1047 and len(before["admission_count"]) > 0
    migrate(engine)
    assert schema_is_current(engine)
    with engine.connect() as conn:
        assert rows(conn) == before
        assert set(conn.execute(text("SELECT email, digest FROM app_user")).all()) == {("", "off")}
        assert conn.execute(text("SELECT count(*) FROM subtree_version")).scalar() == 0
        # Migration 0013 fills the kept entries and standing from the rows as they are.
        assert conn.execute(text("SELECT count(*) FROM stage_flow")).scalar() > 0
        assert conn.execute(text("SELECT count(*) FROM standing_count")).scalar() > 0
    with Session(engine) as s:
        assert kept.differences(s) == {}
    with session_scope(engine) as s:
        candidate = s.exec(select(Candidate).where(Candidate.exit.is_(None), Candidate.official_date.is_(None))
                           .order_by(Candidate.id)).first()
        edit_candidate(s, operator(s), candidate_id=candidate.id, expected_version=candidate.version,
                       data=CandidateInput(**{f: getattr(candidate, f) for f in CandidateInput.__dataclass_fields__}
                                           | {"helper_name": "Người giúp đỡ mới"}), today=DEMO_DAY)
        path = candidate.org_path
    with engine.connect() as conn:  # what can show the candidate, read with plain SQL
        paths = {path, *conn.execute(text("SELECT org_path FROM candidate_place WHERE candidate_id = :c"),
                                     {"c": candidate.id}).scalars()}
        on_them = {org_id for p in paths for org_id in path_ids(p)}
        paths |= set(conn.execute(text(f"SELECT path FROM organization_era WHERE organization_id IN "
                                       f"({', '.join(map(str, on_them))})")).scalars())
    with session_scope(engine) as s:
        assert view_version(s, path_ids(path)[-1])[1] == 1
        assert dict(s.exec(select(SubtreeVersion.organization_id, SubtreeVersion.version)).all()) == {
            org_id: 1 for p in paths for org_id in path_ids(p)}
    engine.dispose()


# --- the release that landed at stop 29 (schema 0012): the previous release ----------------

RELEASE_29_DB = Path(__file__).resolve().parent.parent / "data" / "demo_release_29.db.gz"


def test_the_previous_releases_demo_upgrades_keeping_every_row_and_sends_nothing_until_an_address_is_set(tmp_path):
    """`demo_release_29.db.gz` is the demo written by the release that landed at stop 29
    (`python -m core.cli demo` at 14c7d6a, schema 0012). Every table keeps every row and value
    of its columns; the kept entries, standing and months are what a recount finds; the
    accounts have no address and no digest, so a run of the reminders finds nobody to write to."""
    engine = make_engine(f"sqlite:///{_unpacked(RELEASE_29_DB, tmp_path / 'release29.db')}")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0012"
        tables = [name for name in inspect(conn).get_table_names() if name != "alembic_version"]
        columns = {name: ", ".join(c["name"] for c in inspect(conn).get_columns(name)) for name in tables}
        before = {name: sorted(tuple(r) for r in conn.execute(text(f"SELECT {columns[name]} FROM {name}")))
                  for name in tables}
    assert len(before["candidate"]) == 1047 and len(before["app_user"]) == 5
    migrate(engine)
    assert schema_is_current(engine)
    with engine.connect() as conn:
        assert {name: sorted(tuple(r) for r in conn.execute(text(f"SELECT {columns[name]} FROM {name}")))
                for name in tables} == before
        assert set(conn.execute(text("SELECT email, digest FROM app_user")).all()) == {("", "off")}
        assert conn.execute(text("SELECT count(*) FROM admission_month")).scalar() > 0
    with Session(engine) as s:
        assert kept.differences(s) == {}
    report = remind(engine, today=DEMO_DAY, settings=Settings(), dry_run=True)
    assert report.messages == [] and report.sent == []
    engine.dispose()
