"""The admin's working-day calendar in the database (core.procedure.days_off): the clocks of the
to-do list count with it, each change is audited and bumps the data version, and each database
has its own."""
from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import select

from core.access.audit import audit_log
from core.access.scope import Actor, ScopeError, resolve
from core.config import RuleSettings
from core.errors import FormError
from core.figures.todo import work_cards
from core.procedure.days_off import (
    add_day_override,
    day_overrides,
    load_calendar,
    remove_day_override,
)
from core.procedure.stages import Role, Stage
from core.storage.db import session_scope
from core.storage.models import AuditEntry, WorkDayOverride
from core.storage.versions import data_version
from tests.factories import add_candidate, district

RULES = RuleSettings()
TODAY = date(2025, 11, 3)
# Chi bộ resolution on Wednesday 01/10/2025: the decision is due 60 working days later, on
# 24/12/2025 by the library's calendar (see test_workdays.py for the count).
VOTED = {Stage.SOURCE: date(2023, 3, 1), Stage.OUTSTANDING: date(2023, 9, 1), Stage.CLASS_DONE: date(2024, 3, 1),
         Stage.DOSSIER: date(2025, 6, 1), Stage.BRANCH_RESOLUTION: date(2025, 10, 1)}


@pytest.fixture
def setup(engine):
    with session_scope(engine) as s:
        orgs = district(s)
        candidate = add_candidate(s, orgs["C1-A"], VOTED)
        admin = Actor("admin", Role.ADMIN, orgs["D"].path)
        secretary = Actor("bithu.c1", Role.SECRETARY, orgs["C1"].path)
    return engine, candidate.id, admin, secretary


def _decision_due(engine, actor) -> date:
    with session_scope(engine) as s:
        [card] = work_cards(s, resolve(s, actor, "C1-A"), today=TODAY, rules=RULES)
    assert card.clock == "decision"
    return card.due


def test_a_day_off_added_inside_the_decision_clock_moves_its_due_date_by_one_day_and_back_when_removed(setup):
    engine, _id, admin, secretary = setup
    assert _decision_due(engine, secretary) == date(2025, 12, 24)
    with session_scope(engine) as s:
        add_day_override(s, admin, day=date(2025, 11, 24), working=False, note="Ngày Văn hóa Việt Nam")
    assert _decision_due(engine, secretary) == date(2025, 12, 25)
    with session_scope(engine) as s:
        remove_day_override(s, admin, day=date(2025, 11, 24))
    assert _decision_due(engine, secretary) == date(2025, 12, 24)


def test_a_saturday_worked_counts_in_the_clock(setup):
    engine, _id, admin, secretary = setup
    with session_scope(engine) as s:
        add_day_override(s, admin, day=date(2025, 11, 22), working=True, note="Làm bù theo thông báo")
    assert _decision_due(engine, secretary) == date(2025, 12, 23)


def test_each_change_of_the_calendar_is_audited_with_a_sentence_and_bumps_the_data_version(setup):
    engine, _id, admin, _secretary = setup
    with session_scope(engine) as s:
        before = data_version(s)
        add_day_override(s, admin, day=date(2025, 11, 24), working=False, note="Ngày Văn hóa Việt Nam")
    with session_scope(engine) as s:
        remove_day_override(s, admin, day=date(2025, 11, 24))
    with session_scope(engine) as s:
        assert data_version(s) == before + 2
        rows = s.exec(select(AuditEntry).where(AuditEntry.entity == "calendar").order_by(AuditEntry.id)).all()
        assert [r.action for r in rows] == ["add_day_override", "remove_day_override"]
        assert json.loads(rows[0].after)["day"] == "2025-11-24" and json.loads(rows[1].before)["working"] is False
        sentences = list(audit_log(s, admin, entity="calendar")["sentence"])
    assert any("admin thêm ngày nghỉ 24/11/2025 vào lịch làm việc, căn cứ: «Ngày Văn hóa Việt Nam»" in x for x in sentences)
    assert any("admin bỏ thay đổi ngày 24/11/2025 khỏi lịch làm việc (trước đó: ngày nghỉ)" in x for x in sentences)


def test_the_calendar_is_the_admins_and_a_bad_change_writes_nothing(setup):
    engine, _id, admin, secretary = setup
    with session_scope(engine) as s, pytest.raises(ScopeError):
        add_day_override(s, secretary, day=date(2025, 11, 24), working=False, note="x")
    with session_scope(engine) as s, pytest.raises(FormError) as refused:
        add_day_override(s, admin, day=date(2025, 11, 23), working=False, note="Chủ nhật")
    assert refused.value.errors == ["Ngày 23/11/2025 đã là ngày nghỉ."]
    with session_scope(engine) as s, pytest.raises(FormError) as refused:
        add_day_override(s, admin, day=None, working=None, note="")
    assert len(refused.value.errors) == 3
    with session_scope(engine) as s:
        add_day_override(s, admin, day=date(2025, 11, 24), working=False, note="Ngày Văn hóa Việt Nam")
    with session_scope(engine) as s, pytest.raises(FormError):
        add_day_override(s, admin, day=date(2025, 11, 24), working=True, note="lại")
    with session_scope(engine) as s, pytest.raises(FormError):
        remove_day_override(s, admin, day=date(2025, 11, 25))
    with session_scope(engine) as s:
        assert len(s.exec(select(WorkDayOverride)).all()) == 1
        assert [(d.day, d.working, d.library_working) for d in day_overrides(s, admin, year=2025)] == [
            (date(2025, 11, 24), False, True)]
        assert day_overrides(s, admin, year=2024) == []


def test_each_database_reads_its_own_calendar(setup, tmp_path):
    from core.storage.db import make_engine, migrate
    engine, _id, admin, _secretary = setup
    other = make_engine(f"sqlite:///{tmp_path}/other.db")
    migrate(other)
    with session_scope(engine) as s:
        add_day_override(s, admin, day=date(2025, 11, 24), working=False, note="Ngày Văn hóa Việt Nam")
    with session_scope(engine) as s, session_scope(other) as o:
        assert not load_calendar(s).is_working_day(date(2025, 11, 24))
        assert load_calendar(o).is_working_day(date(2025, 11, 24))
    other.dispose()
