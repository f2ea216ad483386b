"""Admissions kept per organization and year as they are written (core.storage.kept).

Every test on the `engine` fixture checks, when it ends, that the kept rows are those a
recount finds (tests/conftest.py), whatever it wrote and however; here, what the rows hold
and the ways they are rebuilt."""
from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from core.access.scope import org_by_code
from core.cli.commands import main
from core.procedure.stages import OrgKind, Stage
from core.storage import kept
from core.storage.db import make_engine, migrate, session_scope
from core.storage.models import AdmissionCount, Candidate
from tests.factories import add_candidate, add_org, admitted_on


def _kept(session: Session, org_id: int, year: int, basis: str = "decision_date") -> int:
    row = session.get(AdmissionCount, (basis, org_id, year))
    return row.admitted if row is not None else 0


def test_the_demo_keeps_kim_bangs_2023_and_its_wards_2026_as_a_recount_finds_them(demo_engine):
    with Session(demo_engine) as session:
        assert kept.differences(session) == {}
        kim_bang = org_by_code(session, "KB")
        # 148 decisions in 2023 (the seeds' figure, `summary --year 2023 --org KB`).
        assert _kept(session, kim_bang.id, 2023) == 148
        # The province holds the district's years: it stood above it on every day.
        assert _kept(session, org_by_code(session, "NB").id, 2023) == 148
        ward = org_by_code(session, "NB-TAMCHUC")
        assert _kept(session, ward.id, 2026) > 0 and _kept(session, ward.id, 2023) == 0


def test_an_admission_counts_for_its_chi_bo_and_every_organization_above_and_moves_with_an_edit(engine):
    with session_scope(engine) as session:
        top = add_org(session, "T", kind=OrgKind.UPPER_COMMITTEE)
        commune = add_org(session, "X", top, kind=OrgKind.GRASSROOTS_COMMITTEE)
        cell = add_org(session, "X-1", commune)
        candidate = add_candidate(session, cell, admitted_on(date(2024, 5, 6), ceremony=date(2024, 6, 1)))
        ids = (top.id, commune.id, cell.id)
    with Session(engine) as session:
        assert [_kept(session, i, 2024) for i in ids] == [1, 1, 1]
        assert [_kept(session, i, 2024, "admitted_date") for i in ids] == [1, 1, 1]
    with session_scope(engine) as session:  # an ORM edit: the decision dated a year later
        row = session.get(Candidate, candidate.id)
        row.decision_date = date(2025, 1, 10)
        session.add(row)
    with Session(engine) as session:
        assert [_kept(session, i, 2024) for i in ids] == [0, 0, 0]
        assert [_kept(session, i, 2025) for i in ids] == [1, 1, 1]
        assert session.exec(select(AdmissionCount).where(AdmissionCount.admitted == 0)).all() == []


def test_a_rollback_leaves_the_kept_counts_as_they_were(engine):
    with session_scope(engine) as session:
        cell = add_org(session, "C")
    session = Session(engine)
    add_candidate(session, cell, admitted_on(date(2024, 5, 6)))
    session.flush()
    assert _kept(session, cell.id, 2024) == 1
    session.rollback()
    session.close()
    with Session(engine) as session:
        assert _kept(session, cell.id, 2024) == 0


def test_rebuild_and_the_recount_command_restore_counts_that_were_lost(tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'k.db'}"
    engine = make_engine(url)
    migrate(engine)
    with session_scope(engine) as session:
        cell = add_org(session, "C")
        for day in (date(2023, 3, 1), date(2023, 9, 1), date(2024, 2, 2)):
            add_candidate(session, cell, {**admitted_on(day), Stage.SOURCE: date(2022, 1, 5)})
    with session_scope(engine) as session:
        session.connection().execute(AdmissionCount.__table__.delete())
        assert kept.differences(session) == {("decision_date", cell.id, 2023): (0, 2),
                                             ("decision_date", cell.id, 2024): (0, 1)}
    monkeypatch.setenv("DATABASE_URL", url)
    capsys.readouterr()
    assert main(["recount"]) == 0
    assert "2 dòng" in capsys.readouterr().out
    with Session(engine) as session:
        assert kept.differences(session) == {}
        assert _kept(session, cell.id, 2023) == 2
    engine.dispose()
