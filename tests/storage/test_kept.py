"""Counts kept as they are written (core.storage.kept): admissions per organization and year,
the standing per organization, sector and stage.

Every test on the `engine` fixture checks, when it ends, that the kept rows are those a
recount finds (tests/conftest.py), whatever it wrote and however; here, what the rows hold
and the ways they are rebuilt."""
from __future__ import annotations

import threading
import time
from datetime import date

from sqlmodel import Session, select

from core.access.scope import operator, org_by_code
from core.cli.commands import main
from core.procedure.stages import OrgKind, Sector, Stage
from core.storage import kept
from core.storage.db import make_engine, migrate, session_scope
from core.storage.models import (
    AdmissionCount,
    AdmissionMonth,
    Candidate,
    KeptThrough,
    StandingCount,
)
from core.structure.restructure import rename
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
        for table in (AdmissionCount, AdmissionMonth, StandingCount, KeptThrough):
            session.connection().execute(table.__table__.delete())
        assert kept.differences(session) == {("admitted", "decision_date", cell.id, 2023): (0, 2),
                                             ("admitted", "decision_date", cell.id, 2024): (0, 1),
                                             ("month", "decision_date", cell.id, 2023, 3): (0, 1),
                                             ("month", "decision_date", cell.id, 2023, 9): (0, 1),
                                             ("month", "decision_date", cell.id, 2024, 2): (0, 1),
                                             ("standing", cell.id, "rural", "decision"): (0, 3),
                                             ("through",): (None, date(2024, 2, 2))}
    monkeypatch.setenv("DATABASE_URL", url)
    capsys.readouterr()
    assert main(["recount"]) == 0
    assert "6 dòng" in capsys.readouterr().out  # two years and three months of decisions, one stage
    with Session(engine) as session:
        assert kept.differences(session) == {}
        assert _kept(session, cell.id, 2023) == 2
        assert kept.standing_on(session, cell.id, date(2024, 2, 2)) == {("rural", "decision"): 3}
    engine.dispose()


def _standing(session: Session, org_id: int, day: date = date(2026, 12, 31)) -> dict[tuple[str, str], int] | None:
    return kept.standing_on(session, org_id, day)


def test_a_candidate_stands_at_its_last_stage_for_its_chi_bo_and_every_organization_above(engine):
    with session_scope(engine) as session:
        top = add_org(session, "T", kind=OrgKind.UPPER_COMMITTEE)
        commune = add_org(session, "X", top, kind=OrgKind.GRASSROOTS_COMMITTEE, sector=Sector.STATE_ENTERPRISE)
        cell = add_org(session, "X-1", commune, sector=Sector.URBAN)
        other = add_org(session, "X-2", commune)
        candidate = add_candidate(session, cell, {Stage.SOURCE: date(2026, 2, 1), Stage.OUTSTANDING: date(2026, 3, 2)})
        add_candidate(session, other, {Stage.SOURCE: date(2026, 4, 1)})
        ids = (top.id, commune.id, cell.id, other.id)
    with Session(engine) as session:
        # Under the sector of the chi bộ it stands in, not of those above it.
        assert _standing(session, top.id) == {("urban", "outstanding"): 1, ("rural", "source"): 1}
        assert _standing(session, cell.id) == {("urban", "outstanding"): 1}
        assert _standing(session, other.id) == {("rural", "source"): 1}
        assert kept.kept_through(session) == date(2026, 4, 1)
        # Before the last date of a candidate, the kept rows cannot tell: the screens count afresh.
        assert _standing(session, top.id, date(2026, 3, 31)) is None
    with session_scope(engine) as session:  # the next stage (an ORM edit of its date), then gone
        row = session.get(Candidate, candidate.id)
        row.class_done_date = date(2026, 5, 4)
        session.add(row)
    with Session(engine) as session:
        assert _standing(session, commune.id) == {("urban", "class_done"): 1, ("rural", "source"): 1}
        assert kept.kept_through(session) == date(2026, 5, 4)
    with session_scope(engine) as session:
        row = session.get(Candidate, candidate.id)
        row.exit, row.exit_date = "stopped", date(2026, 6, 1)
        session.add(row)
    with Session(engine) as session:
        assert [_standing(session, i) for i in ids] == [{("rural", "source"): 1}, {("rural", "source"): 1}, {},
                                                         {("rural", "source"): 1}]
        assert session.exec(select(StandingCount).where(StandingCount.standing == 0)).all() == []
        assert kept.kept_through(session) == date(2026, 6, 1)


def test_a_chi_bo_co_so_that_becomes_a_dang_bo_co_so_has_the_entries_of_every_year_kept(engine):
    # No entries are kept for a chi bộ (its few candidates are counted afresh): once it is a
    # đảng bộ cơ sở, those of its past years are counted and kept too.
    with session_scope(engine) as session:
        top = add_org(session, "T", kind=OrgKind.UPPER_COMMITTEE)
        unit = add_org(session, "G", top, kind=OrgKind.GRASSROOTS_CELL)
        for _ in range(3):
            add_candidate(session, unit, {Stage.SOURCE: date(2025, 2, 1), Stage.OUTSTANDING: date(2025, 9, 1)})
        unit_id, top_id = unit.id, top.id
    year_end = date(2025, 12, 31)
    with Session(engine) as session:
        assert kept.stage_flows(session, unit_id, OrgKind.GRASSROOTS_CELL.value, 2025, year_end) is None
        assert kept.stage_flows(session, top_id, OrgKind.UPPER_COMMITTEE.value, 2025, year_end) == {
            "source": (3, 3), "outstanding": (3, 0)}
    with session_scope(engine) as session:
        rename(session, operator(session), org_code="G", name="Đảng bộ G", kind=OrgKind.GRASSROOTS_COMMITTEE.value,
               effective_date=date(2026, 1, 1), today=date(2026, 3, 1), document_number="12-QĐ/TU")
    with Session(engine) as session:
        assert kept.stage_flows(session, unit_id, OrgKind.GRASSROOTS_COMMITTEE.value, 2025, year_end) == {
            "source": (3, 3), "outstanding": (3, 0)}


def test_two_writers_of_one_candidate_at_once_count_each_change_once(engine):
    """One writer has recorded a step and not yet committed; another, who read the candidate
    before that, changes its helper's name meanwhile. The second waits for the first, then
    takes the candidate as the first left it: the step counts once (tests/conftest.py checks
    every kept row against a recount when the test ends)."""
    with session_scope(engine) as session:
        commune = add_org(session, "X", kind=OrgKind.GRASSROOTS_COMMITTEE)
        cell = add_org(session, "X-1", commune)
        candidate_id = add_candidate(session, cell, {Stage.SOURCE: date(2026, 2, 1)}).id
    first = Session(engine)
    row = first.get(Candidate, candidate_id)
    row.outstanding_date = date(2026, 3, 2)
    first.add(row)
    first.flush()  # its locks held until it commits
    second = Session(engine)
    other = second.get(Candidate, candidate_id)  # read before the first commits
    assert other.outstanding_date is None
    failures: list[BaseException] = []

    def write_second() -> None:
        try:
            other.helper_name = "Người giúp đỡ khác"
            second.add(other)
            second.commit()
        except BaseException as error:  # reported by the test's thread below
            failures.append(error)

    writer = threading.Thread(target=write_second)
    writer.start()
    time.sleep(0.5)
    assert writer.is_alive()  # waiting for the first writer
    first.commit()
    writer.join(timeout=30)
    first.close()
    second.close()
    assert not failures
    with Session(engine) as session:
        assert kept.standing_on(session, commune.id, date(2026, 12, 31)) == {("rural", "outstanding"): 1}
        assert session.get(Candidate, candidate_id).helper_name == "Người giúp đỡ khác"
