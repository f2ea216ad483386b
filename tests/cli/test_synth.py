"""Synthetic data: a tier loads in bulk on both databases, its rows agree with what the
pipeline itself would have derived, and the benchmark's naive baseline computes the same
figures as the dashboards do."""
from __future__ import annotations

import random
from datetime import date

import pytest
from sqlalchemy import func
from sqlmodel import select

from benchmarks.naive import naive_dashboard
from core.access.scope import operator, resolve
from core.cli.commands import main
from core.cli.demo import DEMO_TODAY
from core.cli.synth import load_synth
from core.config import RuleSettings
from core.figures.funnel import funnel
from core.figures.progress import children_of, headline, org_figures
from core.procedure.pipeline import EventRow, derive_state
from core.procedure.stages import CELL_KINDS, STAGES, stage_date_column
from core.procedure.workdays import add_months
from core.storage.db import session_scope
from core.storage.models import (
    NOT_SETTLED,
    Candidate,
    Organization,
    StageEvent,
    User,
    YearPlan,
)

RULES = RuleSettings()
DERIVED = ["stage", "stage_date", "exit", "exit_date", "settled_date", *(stage_date_column(s) for s in STAGES)]


@pytest.fixture
def district_tier(engine):
    with session_scope(engine) as session:
        summary = load_synth(session, "district")
    return engine, summary


def test_the_district_tier_has_its_size_and_every_row_is_written(district_tier):
    engine, summary = district_tier
    assert (summary.organizations, summary.candidates, summary.users) == (105, 2_000, 5)
    with session_scope(engine) as s:
        assert s.exec(select(func.count()).select_from(Organization)).one() == summary.organizations
        assert s.exec(select(func.count()).select_from(Candidate)).one() == summary.candidates
        assert s.exec(select(func.count()).select_from(StageEvent)).one() == summary.events
        assert s.exec(select(func.count()).select_from(YearPlan)).one() == summary.plans == 105 * 5
        assert {u.username for u in s.exec(select(User)).all()} == {
            "admin", "lanhdao", "trinhchieu", "bithu.coso", "bithu.chibo"}
        # New rows after the bulk load get fresh ids (PostgreSQL's sequences were moved on).
        root = s.get(Organization, 1)
        extra = Organization(code="EXTRA", name="Chi bộ mới", parent_id=root.id, path="/", depth=1, kind="cell",
                             sector="rural")
        s.add(extra)
        s.flush()
        assert extra.id == summary.organizations + 1


def test_candidates_agree_with_their_events_as_the_pipeline_derives_them(district_tier):
    engine, _ = district_tier
    with session_scope(engine) as s:
        orgs = {o.id: o for o in s.exec(select(Organization)).all()}
        ids = random.Random(7).sample(range(1, 2_001), 200)
        for candidate in s.exec(select(Candidate).where(Candidate.id.in_(ids))).all():
            events = s.exec(select(StageEvent).where(StageEvent.candidate_id == candidate.id)
                            .order_by(StageEvent.id)).all()
            state = derive_state(EventRow.of(e) for e in events)
            assert {c: getattr(candidate, c) for c in state} == state
            org = orgs[candidate.organization_id]
            assert candidate.org_path == org.path and org.kind in CELL_KINDS
            assert max(e.event_date for e in events) <= DEMO_TODAY
            if candidate.official_date:  # recognized in three steps, official from the end of probation
                assert candidate.official_date == add_months(candidate.admitted_date, 12)
                assert candidate.official_date <= candidate.recognition_branch_date
        assert s.exec(select(func.count()).where(Candidate.settled_date == NOT_SETTLED)).one() > 0
        assert s.exec(select(func.count()).where(Candidate.official_date.is_not(None))).one() > 0


def test_loading_twice_or_a_bad_tier_is_refused(district_tier):
    engine, _ = district_tier
    with session_scope(engine) as s, pytest.raises(ValueError, match="cơ sở dữ liệu trống"):
        load_synth(s, "district")
    with session_scope(engine) as s, pytest.raises(ValueError, match="Cấp dữ liệu không hợp lệ: «tinh»"):
        load_synth(s, "tinh")


def test_the_naive_baseline_computes_the_dashboards_figures(district_tier):
    engine, _ = district_tier
    year, as_of = 2025, date(2025, 12, 31)
    naive = naive_dashboard(engine.url.render_as_string(hide_password=False), year, as_of)
    with session_scope(engine) as s:
        actor = operator(s)
        figures = org_figures(s, resolve(s, actor, None), year=year, as_of=as_of, rules=RULES)
        stages = funnel(s, resolve(s, actor, None), year=year, as_of=as_of, rules=RULES).set_index("stage")
    head = headline(figures)
    assert (naive["admitted"], naive["target"]) == (head.admitted, head.target)
    assert naive["admitted"] > 0
    assert naive["children"] == dict(zip(children_of(figures)["code"], children_of(figures)["admitted"]))
    assert naive["standing"] == {stage: int(stages.loc[stage, "standing"]) for stage in stages.index}


def test_the_cli_loads_a_tier_and_refuses_a_bad_one(engine, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    assert main(["synth", "--tier", "huyen"]) == 2
    assert "Cấp dữ liệu không hợp lệ: «huyen». Chọn một trong: district, province, national." in capsys.readouterr().err
    assert main(["synth", "--tier", "district"]) == 0  # then VACUUM ANALYZE (PostgreSQL) or ANALYZE (SQLite)
    assert "Đã nạp dữ liệu tổng hợp cấp «district»: 105 tổ chức, 2.000 quần chúng" in capsys.readouterr().out
