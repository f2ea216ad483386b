"""Synthetic data: a tier loads in bulk on both databases, its rows agree with what the
pipeline itself would have derived, the tree has the shape of the 2025 reorganisation with the
old one in its history (each year counted on its own tree), and the benchmark's naive baseline
computes the same figures as the dashboards do."""
from __future__ import annotations

import random
from datetime import date, timedelta

import bcrypt
import pytest
from sqlalchemy import func
from sqlmodel import select

from benchmarks.naive import naive_dashboard
from core.access.scope import operator, resolve
from core.cli.commands import main
from core.cli.demo import DEMO_PASSWORD, DEMO_TODAY
from core.cli.synth import COMMUNE_KIND, REORGANISED, load_synth
from core.config import RuleSettings
from core.figures.funnel import funnel
from core.figures.progress import children_of, headline, org_figures
from core.procedure.pipeline import EventRow, derive_state
from core.procedure.stages import (
    CELL_KINDS,
    STAGES,
    OrgKind,
    stage_date_column,
)
from core.procedure.workdays import add_months
from core.storage.db import session_scope
from core.storage.models import (
    NOT_SETTLED,
    Candidate,
    CandidatePlace,
    Organization,
    OrganizationEra,
    OrgSuccession,
    Restructuring,
    StageEvent,
    User,
    YearPlan,
)

RULES = RuleSettings()
DERIVED = ["stage", "stage_date", "exit", "exit_date", "settled_date", *(stage_date_column(s) for s in STAGES)]
LAST_OLD_DAY = REORGANISED - timedelta(days=1)
DISTRICT = "TINH-01"  # the district tier's one Huyện ủy, until 30/6/2025


@pytest.fixture
def district_tier(engine):
    with session_scope(engine) as session:
        summary = load_synth(session, "district")
    return engine, summary


def test_the_district_tier_has_its_size_and_every_row_is_written(district_tier):
    engine, summary = district_tier
    assert (summary.organizations, summary.candidates, summary.users) == (93, 2_000, 89)
    with session_scope(engine) as s:
        assert s.exec(select(func.count()).select_from(Organization)).one() == summary.organizations
        assert s.exec(select(func.count()).select_from(Candidate)).one() == summary.candidates
        assert s.exec(select(func.count()).select_from(StageEvent)).one() == summary.events
        assert s.exec(select(func.count()).select_from(YearPlan)).one() == summary.plans == 442
        # The named accounts, and a secretary for every organization under the root standing today.
        standing = s.exec(select(Organization).where(Organization.parent_id.is_not(None), Organization.active,
                                                       Organization.valid_to.is_(None))).all()
        assert len(standing) == 84
        users = {u.username: u for u in s.exec(select(User)).all()}
        assert set(users) == {"admin", "lanhdao", "trinhchieu", "bithu.coso", "bithu.chibo",
                              *(f"bithu.{o.id}" for o in standing)}
        assert {(users[f"bithu.{o.id}"].organization_id, users[f"bithu.{o.id}"].role) for o in standing} == {
            (o.id, "secretary") for o in standing}
        assert bcrypt.checkpw(DEMO_PASSWORD.encode(), users[f"bithu.{standing[0].id}"].password_hash.encode())
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
            places = s.exec(select(CandidatePlace).where(CandidatePlace.candidate_id == candidate.id)).all()
            if candidate.source_date < REORGANISED:  # listed on the old tree: its place there until 30/6/2025
                era = s.exec(select(OrganizationEra).where(OrganizationEra.organization_id == org.id)).one()
                assert [(p.organization_id, p.org_path, p.valid_from, p.valid_to) for p in places] == [
                    (org.id, era.path, None, LAST_OLD_DAY)]
                assert candidate.placed_from == REORGANISED
            else:
                assert places == [] and candidate.placed_from is None
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


@pytest.mark.parametrize("year", [2023, 2025, 2026])
def test_the_naive_baseline_computes_the_dashboards_figures(district_tier, year):
    engine, _ = district_tier
    as_of = min(date(year, 12, 31), DEMO_TODAY)
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
    assert "Đã nạp dữ liệu tổng hợp cấp «district»: 93 tổ chức, 2.000 quần chúng" in capsys.readouterr().out


def test_the_tree_today_has_no_district_level_and_the_old_one_is_its_history(district_tier):
    engine, _ = district_tier
    with session_scope(engine) as s:
        orgs = {o.code: o for o in s.exec(select(Organization)).all()}
        district = orgs[DISTRICT]
        assert (district.valid_to, district.active, district.parent_id) == (LAST_OLD_DAY, False, 1)
        today = [o for o in orgs.values() if o.valid_to is None]
        assert all(o.active for o in today) and len(today) < len(orgs)
        # Trung ương / Tỉnh ủy → đảng ủy xã (and the province's agencies) → chi bộ, nothing at a district's place.
        under_root = {o.kind for o in today if o.parent_id == 1}
        assert COMMUNE_KIND in under_root and under_root <= {
            COMMUNE_KIND, OrgKind.UPPER_COMMITTEE, OrgKind.GRASSROOTS_COMMITTEE, OrgKind.GRASSROOTS_CELL}
        assert not [o.code for o in today if o.parent_id == district.id or o.name.startswith("Huyện ủy")]
        assert {o.name for o in today if o.parent_id == 1 and o.kind == OrgKind.UPPER_COMMITTEE} == {
            "Đảng bộ các cơ quan Đảng tỉnh", "Đảng bộ Ủy ban nhân dân tỉnh"}
        communes = [o for o in today if o.kind == COMMUNE_KIND]
        assert communes and all(o.valid_from == REORGANISED and o.depth == 1 for o in communes)
        # Every chi bộ of today's tree stood under the district until 30/6/2025, on the path of its era.
        for cell in (o for o in today if o.kind in CELL_KINDS):
            era = s.exec(select(OrganizationEra).where(OrganizationEra.organization_id == cell.id)).one()
            assert era.valid_to == LAST_OLD_DAY and era.path.startswith(district.path)
            assert cell.placed_from == REORGANISED and not cell.path.startswith(district.path)
        # The communes merged: each new one took over two or more old ones, recorded as a merge.
        merged = {}
        for row, succession in s.exec(select(Restructuring, OrgSuccession).join(
                OrgSuccession, OrgSuccession.restructuring_id == Restructuring.id)).all():
            assert row.effective_date == succession.effective_date == REORGANISED
            if row.kind == "merge":
                merged.setdefault(succession.to_organization_id, []).append(succession.from_organization_id)
        assert set(merged) == {o.id for o in communes} and all(len(old) >= 2 for old in merged.values())
        # Plans: the district until its part of 2025, the communes from theirs.
        years = {code: sorted(s.exec(select(YearPlan.year).where(YearPlan.organization_id == orgs[code].id)).all())
                 for code in (DISTRICT, communes[0].code, "TINH")}
        assert years == {DISTRICT: [2022, 2023, 2024, 2025], communes[0].code: [2025, 2026],
                         "TINH": [2022, 2023, 2024, 2025, 2026]}


def _decided(session, lo: date, hi: date) -> int:
    return session.exec(select(func.count()).select_from(Candidate).where(
        Candidate.decision_date >= lo, Candidate.decision_date <= hi)).one()


def test_each_year_is_counted_on_its_own_tree_and_2025_adds_up_across_the_change(district_tier):
    engine, _ = district_tier
    with session_scope(engine) as s:
        actor = operator(s)
        root = resolve(s, actor, None)

        def figures(year, subtree=root):
            return org_figures(s, subtree, year=year, as_of=date(year, 12, 31), rules=RULES)

        def children(frame):
            return children_of(frame).set_index("code")

        old = figures(2023)
        assert list(children(old).index) == [DISTRICT]
        assert headline(old).admitted == children(old).loc[DISTRICT, "admitted"] == _decided(
            s, date(2023, 1, 1), date(2023, 12, 31)) > 0
        in_district = children(figures(2023, resolve(s, actor, DISTRICT)))
        assert len(in_district) == 14 and in_district["admitted"].sum() == headline(old).admitted

        new = figures(2026)
        assert DISTRICT not in children(new).index
        assert set(children(new)["kind"]) <= {COMMUNE_KIND, OrgKind.UPPER_COMMITTEE, OrgKind.GRASSROOTS_COMMITTEE,
                                              OrgKind.GRASSROOTS_CELL}
        assert children(new)["admitted"].sum() == headline(new).admitted == _decided(
            s, date(2026, 1, 1), date(2026, 12, 31)) > 0

        straddling = figures(2025)
        parts = children(straddling)
        district = parts.loc[DISTRICT]
        assert (district["ended"], district["admitted"]) == (LAST_OLD_DAY, _decided(
            s, date(2025, 1, 1), LAST_OLD_DAY))
        after = parts.drop(index=DISTRICT)
        assert set(after["founded"].dropna()) == {REORGANISED}
        assert after["admitted"].sum() == _decided(s, REORGANISED, date(2025, 12, 31))
        head = headline(straddling)
        assert head.admitted == parts["admitted"].sum() == _decided(s, date(2025, 1, 1), date(2025, 12, 31))
        assert head.target == head.children_target == parts["target"].sum() > 0
        assert 0 < district["target"] < head.target
