"""The demo district reproduces the published figures and looks like a real district."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func
from sqlmodel import select

from core.access.scope import Actor, resolve, root_organization
from core.cli.demo import (
    DEMO_TODAY,
    DEMO_USERS,
    REORGANISED,
    ROOT_NAME,
    ROOT_NAME_BEFORE,
    SUB_COMMITTEE_FOUNDED,
    TO_PROVINCE,
    WARDS,
    load_demo,
)
from core.config import RuleSettings
from core.figures.alerts import clock_alerts, organization_alerts
from core.figures.breakdowns import admissions_by_month
from core.figures.progress import children_of, headline, org_figures
from core.figures.todo import work_cards
from core.format import fmt_progress
from core.procedure.pipeline import EventRow, derive_state, facts_of, route_for
from core.procedure.rules import Vote, blocking, vote_eligibility, vote_findings
from core.procedure.stages import Role, Stage, stage_date_column
from core.procedure.transfers import transfers_of
from core.procedure.votes import unproven_resolutions
from core.procedure.workdays import add_months, add_years
from core.storage.db import make_engine, migrate, session_scope
from core.storage.models import (
    Candidate,
    CandidateTransfer,
    Organization,
    StageEvent,
    User,
    YearPlan,
)
from core.structure.dated import eras_of

RULES = RuleSettings()
END_2023 = date(2023, 12, 31)


@pytest.fixture(scope="module")
def admin_of(demo_engine):
    with session_scope(demo_engine) as s:
        return demo_engine, Actor("admin", Role.ADMIN, root_organization(s).path)


def _figures(admin_of, year, as_of, org_code=None, levels=2):
    """Down to the chi bộ: the district's whole tree is two levels deep."""
    engine, actor = admin_of
    with session_scope(engine) as s:
        return org_figures(s, resolve(s, actor, org_code), year=year, as_of=as_of, rules=RULES, levels=levels)


def test_district_2023_matches_the_published_report(admin_of):
    h = headline(_figures(admin_of, 2023, END_2023, org_code="KB"))
    assert h.name == "Huyện ủy Kim Bảng"
    assert (h.admitted, h.target) == (148, 145)
    assert fmt_progress(h.admitted, h.target) == "148/145, đạt 102,1% kế hoạch"
    assert h.members_start == 4850
    assert h.band == "within"  # 148 / 4.850 = 3,05 %


def test_2023_at_the_root_is_the_province_as_named_then_with_the_district_under_it(admin_of):
    figures = _figures(admin_of, 2023, END_2023)
    h = headline(figures)
    assert (h.name, h.admitted, h.members_start) == (ROOT_NAME_BEFORE, 148, 4850)
    district = children_of(figures)
    assert list(district["code"]) == ["KB"] and (int(district.iloc[0]["admitted"]), int(district.iloc[0]["target"])) == (148, 145)
    assert {"KB-HDND", "KB-THANHSON", "KB-QUANSU"} <= set(children_of(figures, int(district.iloc[0]["id"]))["code"])


def test_2026_at_the_root_is_the_province_with_its_wards_and_no_district(admin_of):
    figures = _figures(admin_of, 2026, DEMO_TODAY)
    h = headline(figures)
    assert (h.name, h.admitted, h.target) == (ROOT_NAME, 117, 150)
    children = children_of(figures)
    assert set(children["code"]) == {code for code, *_rest in WARDS} | {code for code, _name in TO_PROVINCE}
    assert set(children[children["code"].str.startswith("NB-")]["kind"]) == {"commune_committee"}
    assert "KB" not in set(figures["code"])
    assert int(children["admitted"].sum()) == 117


def test_2025_adds_up_the_district_until_30_6_and_the_wards_from_1_7(admin_of):
    figures = _figures(admin_of, 2025, date(2025, 12, 31))
    h = headline(figures)
    assert (h.name, h.admitted, h.target) == (ROOT_NAME, 139, 155)
    children = children_of(figures).set_index("code")
    assert set(children.index) == {"KB"} | {code for code, *_rest in WARDS} | {code for code, _name in TO_PROVINCE}
    # The district with its half-year and the part of its plan for it; the wards from 01/7/2025.
    assert (children.loc["KB", "admitted"], children.loc["KB", "target"]) == (79, 77)
    assert children.loc["KB", "ended"] == date(2025, 6, 30)
    assert all(children.loc[code, "founded"] == date(2025, 7, 1) for code, *_rest in WARDS)


def test_weak_spots_of_the_seed_report_show(admin_of):
    f = _figures(admin_of, 2023, END_2023, org_code="KB").set_index("code")
    for school in ("KB-THPTA", "KB-THPTB", "KB-THPTC", "KB-THPTLTK", "KB-GDNN"):
        assert f.loc[school, "status"] == "missed"
    assert f.loc["KB-MAYHN", "admitted"] == 0
    villages = f[f["kind"] == "cell"]
    assert villages["admitted"].min() == 0 and villages["admitted"].max() >= 2  # uneven village cells


def test_admissions_peak_before_the_party_anniversary(admin_of):
    engine, actor = admin_of
    with session_scope(engine) as s:
        months = admissions_by_month(s, resolve(s, actor, None), year=2023, as_of=END_2023, rules=RULES)
    assert months["admitted"].sum() == 148
    assert months["admitted"].idxmax() == 0  # January, dossiers ready for 03/02


def test_on_the_demo_day_there_is_something_to_act_on(admin_of):
    engine, actor = admin_of
    with session_scope(engine) as s:
        lagging = organization_alerts(s, resolve(s, actor, None), year=2026, as_of=DEMO_TODAY, rules=RULES)
        clocks = clock_alerts(s, resolve(s, actor, None), today=DEMO_TODAY, rules=RULES)
    kinds = {a.kind for a in lagging}
    assert {"no_admission_years", "behind_pace", "no_source", "pipeline_short"} <= kinds
    overdue = " ".join(a.message for a in clocks if a.kind == "clock_overdue")
    for clock in ("Ra quyết định kết nạp", "Tổ chức lễ kết nạp", "Chi bộ xét công nhận chính thức"):
        assert clock in overdue
    assert any(a.kind == "clock_due_soon" for a in clocks)


def test_students_turn_18_in_their_last_school_year(admin_of):
    engine, _actor = admin_of
    next_anniversary = date(2027, 2, 3)
    with session_scope(engine) as s:
        students = s.exec(
            select(Candidate.birth_date)
            .join(Organization, Organization.id == Candidate.organization_id)
            .where(Organization.code.startswith("KB-THPT"), Candidate.stage.in_(["source", "outstanding", "class_done"]))
        ).all()
    turning = [b for b in students if DEMO_TODAY < add_years(b, 18) <= next_anniversary]
    assert turning, "some students turn 18 before the next 03/02"


def test_every_demo_candidate_is_consistent_and_was_eligible_at_the_vote(admin_of):
    engine, _actor = admin_of
    with session_scope(engine) as s:
        events: dict[int, list[EventRow]] = {}
        for e in s.exec(select(StageEvent)).all():
            events.setdefault(e.candidate_id, []).append(EventRow.of(e))
        rows = s.exec(select(Candidate, Organization).join(Organization, Organization.id == Candidate.organization_id)).all()
        for candidate, org in rows:
            state = derive_state(events[candidate.id])
            assert {k: getattr(candidate, k) for k in state} == state
            # The official status takes effect at the end of the probation, before the
            # resolutions that recognize it: every other stage is in order.
            dates = [getattr(candidate, stage_date_column(st)) for st in Stage if st is not Stage.OFFICIAL]
            present = [d for d in dates if d is not None]
            assert present == sorted(present) and present[-1] <= DEMO_TODAY
            if candidate.official_date:
                assert candidate.official_date == add_months(candidate.admitted_date, 12)
                assert candidate.recognition_branch_date >= candidate.official_date
            if candidate.branch_resolution_date:
                facts = facts_of(candidate, org, route=route_for(s, org))
                assert blocking(vote_eligibility(facts, candidate.branch_resolution_date, RULES)) == []


def test_the_demo_recognizes_members_in_three_steps_some_late_and_leaves_a_few_overdue(admin_of):
    engine, actor = admin_of
    with session_scope(engine) as s:
        officials = s.exec(select(Candidate).where(Candidate.official_date.is_not(None))).all()
        decided = dict(s.exec(select(StageEvent.candidate_id, StageEvent.event_date)
                              .where(StageEvent.stage == Stage.OFFICIAL.value)).all())
        recognition_votes = s.exec(select(StageEvent.stage, StageEvent.votes_for, StageEvent.votes_total,
                                          StageEvent.members_total, StageEvent.members_excused,
                                          StageEvent.votes_against)
                                   .where(StageEvent.stage.in_(["recognition_branch", "recognition_committee"]))).all()
        overdue = [a for a in clock_alerts(s, resolve(s, actor, None), today=DEMO_TODAY, rules=RULES)
                   if a.kind == "clock_overdue" and a.clock == "recognition_review"]
    assert officials and all(c.recognition_branch_date for c in officials)
    late = [c for c in officials if (decided[c.id] - c.official_date).days > 60]
    assert late  # decided months after the probation ended, official from its end all the same
    assert all(c.official_date == add_months(c.admitted_date, 12) for c in late)
    for stage, votes_for, present, members, excused, against in recognition_votes:
        assert vote_findings(Stage(stage), Vote(votes_for=votes_for, present=present, members_total=members,
                                                members_excused=excused, votes_against=against), RULES) == []
    assert overdue  # the alerts keep some recognition reviews overdue on purpose


def test_every_demo_resolution_records_its_denominator_and_passes_the_two_thirds_of_members(admin_of):
    engine, actor = admin_of
    with session_scope(engine) as s:
        votes = s.exec(select(StageEvent.stage, StageEvent.votes_for, StageEvent.votes_total, StageEvent.members_total,
                              StageEvent.members_excused)
                       .where(StageEvent.stage.in_(["branch_resolution", "committee_resolution"]))).all()
        unproven = unproven_resolutions(s, resolve(s, actor, None))
    assert votes and unproven.empty
    for stage, votes_for, present, members, excused in votes:
        assert members - excused > present  # some official members absent, as in a real chi bộ
        assert stage == "branch_resolution" or excused == 0
        assert vote_findings(Stage(stage), Vote(votes_for=votes_for, present=present, members_total=members,
                                                members_excused=excused), RULES) == []
    assert any(excused for _s, _f, _p, _m, excused in votes)


def test_demo_accounts_exist_with_their_roles_and_scopes(admin_of):
    engine, _actor = admin_of
    with session_scope(engine) as s:
        users = {u.username: u for u in s.exec(select(User)).all()}
        orgs = {o.id: o.code for o in s.exec(select(Organization)).all()}
    assert {(u, r.value, code) for u, _n, r, code in DEMO_USERS} == {
        (u.username, u.role, orgs[u.organization_id]) for u in users.values()
    }
    assert all(u.password_hash.startswith("$2") for u in users.values())


def test_loading_twice_gives_the_same_data(tmp_path):
    def fingerprint(n):
        engine = make_engine(f"sqlite:///{tmp_path}/demo{n}.db")
        migrate(engine)
        with session_scope(engine) as s:
            load_demo(s, with_users=False)
            candidates = s.exec(select(Candidate).order_by(Candidate.id)).all()
            events = s.exec(select(StageEvent).order_by(StageEvent.id)).all()
            orgs = s.exec(select(Organization.code, Organization.path).order_by(Organization.id)).all()
            result = (
                [c.model_dump(exclude={"created_at", "updated_at"}) for c in candidates],
                [e.model_dump(exclude={"recorded_at"}) for e in events],
                [tuple(o) for o in orgs],
            )
        engine.dispose()
        return result

    assert fingerprint(1) == fingerprint(2)


def test_demo_refuses_a_database_that_has_data(admin_of):
    engine, _actor = admin_of
    with session_scope(engine) as s:
        count = s.exec(select(func.count()).select_from(Organization)).one()
    with pytest.raises(ValueError, match="đã có dữ liệu"), session_scope(engine) as s:
        load_demo(s)
    with session_scope(engine) as s:
        assert s.exec(select(func.count()).select_from(Organization)).one() == count


def test_no_demo_date_lies_after_the_demo_day(admin_of):
    engine, _actor = admin_of
    with session_scope(engine) as s:
        for column in ("sponsor1_since", "sponsor2_since", "youth_union_resolution_date", "new_member_class_date"):
            latest = s.exec(select(func.max(getattr(Candidate, column)))).one()
            assert latest is None or latest <= DEMO_TODAY, column


def test_the_demo_has_a_dang_bo_bo_phan_whose_chi_bos_dossiers_went_through_its_appraisal(admin_of):
    """A đảng bộ bộ phận between Đảng bộ thị trấn Quế (from 01/7/2025, Đảng ủy phường Kim Bảng)
    and four of its chi bộ: their candidates' dossiers have the appraisal (7-KNĐ) between the chi
    bộ's and the đảng ủy's resolutions (from 01/7/2025, the ward's decision), and its plan is the
    sum of its chi bộ's."""
    engine, _actor = admin_of
    with session_scope(engine) as s:
        part = s.exec(select(Organization).where(Organization.code == "KB-QUE-BP")).one()
        cells = s.exec(select(Organization).where(Organization.parent_id == part.id)).all()
        assert part.kind == "sub_committee"
        # Under Đảng bộ thị trấn Quế until 30/6/2025; with the chi bộ of Quế, under the ward from 01/7/2025.
        parents = [(e.start, e.end, s.get(Organization, e.parent_id).code) for e in eras_of(s, part.id)]
        assert parents == [(SUB_COMMITTEE_FOUNDED, date(2025, 6, 30), "KB-QUE"), (date(2025, 7, 1), None, "NB-KIMBANG")]
        assert sorted(c.code for c in cells) == ["KB-QUE-09", "KB-QUE-10", "KB-QUE-11", "KB-QUE-12"]
        # The ward decides itself (upper-level powers): no đảng ủy's resolution after the appraisal now.
        assert all(route_for(s, c).sub_committee and not route_for(s, c).committee for c in cells)
        appraised = s.exec(select(Candidate).where(Candidate.organization_id.in_([c.id for c in cells]),
                                                   Candidate.sub_committee_appraisal_date.is_not(None))).all()
        before = [c for c in appraised if c.decision_date < REORGANISED]
        after = [c for c in appraised if c.branch_resolution_date >= REORGANISED]
        assert before and all(c.branch_resolution_date < c.sub_committee_appraisal_date < c.committee_resolution_date
                              for c in before)
        assert after and all(c.branch_resolution_date < c.sub_committee_appraisal_date < c.decision_date
                             and c.committee_resolution_date is None for c in after)
    for year, as_of, above in ((2024, date(2024, 12, 31), "KB-QUE"), (2026, DEMO_TODAY, "NB-KIMBANG")):
        figures = _figures(admin_of, year, as_of, above, levels=2)
        assert figures.loc[part.id, "target"] == sum(figures.loc[c.id, "target"] for c in cells)


def test_the_demo_transfers_a_candidate_between_two_chi_bo_keeping_every_step(admin_of):
    engine, actor = admin_of
    with session_scope(engine) as s:
        [move] = s.exec(select(CandidateTransfer)).all()
        candidate = s.get(Candidate, move.candidate_id)
        steps = s.exec(select(StageEvent.stage).where(StageEvent.candidate_id == candidate.id)).all()
        source, target = s.get(Organization, move.from_organization_id), s.get(Organization, move.to_organization_id)
        assert [t.transfer_date for t in transfers_of(s, actor, candidate.id)] == [move.transfer_date]
        receiving = work_cards(s, resolve(s, actor, target.code), today=DEMO_TODAY, rules=RULES)
        sending = work_cards(s, resolve(s, actor, source.code), today=DEMO_TODAY, rules=RULES)
    assert candidate.organization_id == target.id and source.parent_id == target.parent_id
    assert {"source", "outstanding", "class_done"} <= set(steps)  # kept, not started again
    assert candidate.id in {card.candidate_id for card in receiving}
    assert candidate.id not in {card.candidate_id for card in sending}


def test_the_demo_has_a_recognition_vote_short_of_two_thirds_of_the_members_with_members_absent(admin_of):
    """Two thirds of those present are not enough: the chi bộ's official members count (Điều lệ
    Điều 5, as at admission, Điều 4.3)."""
    engine, _actor = admin_of
    with session_scope(engine) as s:
        [vote] = s.exec(select(StageEvent).where(StageEvent.stage == "recognition_no_majority")).all()
        candidate = s.get(Candidate, vote.candidate_id)
    eligible = vote.members_total - vote.members_excused
    assert vote.votes_total < eligible  # members absent
    assert 3 * vote.votes_for >= 2 * vote.votes_total and 3 * vote.votes_for < 2 * eligible
    assert 3 * vote.votes_against < 2 * eligible  # nor two thirds against: no removal either
    assert candidate.recognition_failed_votes == 1 and candidate.stage == Stage.ADMITTED


def test_the_streak_alerts_of_2026_match_each_chi_bos_own_record_across_the_reorganisation(admin_of):
    """A chi bộ that went from its commune to a ward on 01/7/2025 keeps its earlier years: it is
    said to have admitted nobody for n years only if none of its candidates was decided in them,
    to have missed its target n years running only if each of those years fell short."""
    engine, actor = admin_of
    with session_scope(engine) as s:
        alerts = organization_alerts(s, resolve(s, actor, None), year=2026, as_of=DEMO_TODAY, rules=RULES)
        decided = s.exec(select(Organization.code, Candidate.decision_date)
                         .join(Organization, Organization.id == Candidate.organization_id)
                         .where(Candidate.decision_date.is_not(None))).all()
        targets = {(code, year): target for code, year, target in s.exec(
            select(Organization.code, YearPlan.year, YearPlan.target)
            .join(Organization, Organization.id == YearPlan.organization_id)).all()}
    admitted: dict[tuple[str, int], int] = {}
    for code, day in decided:
        admitted[code, day.year] = admitted.get((code, day.year), 0) + 1
    streaks = [a for a in alerts if a.kind in ("no_admission_years", "missed_target_years")]
    assert streaks
    for alert in streaks:
        if alert.kind == "no_admission_years":
            years = range(2026 - alert.count + 1, 2027)
            assert not any(admitted.get((alert.org_code, y)) for y in years), alert.message
        else:  # completed years, the last one before 2026
            years = range(2026 - alert.count, 2026)
            assert all(admitted.get((alert.org_code, y), 0) < targets.get((alert.org_code, y), 0) for y in years), \
                alert.message
