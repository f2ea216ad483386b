"""Recording stages, exits and corrections: rules checked first, one transaction, audited,
the data version bumped; a refused step writes nothing."""
from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import func, select

from core.access.scope import Actor, NotFoundError, ScopeError
from core.config import RuleSettings
from core.procedure.candidates import candidate_audit, candidate_history
from core.procedure.pipeline import (
    RuleViolation,
    StaleEditError,
    record_exit,
    record_stage,
    void_event,
)
from core.procedure.rules import Vote
from core.procedure.stages import Exit, Role, Stage
from core.storage.db import session_scope
from core.storage.models import AuditEntry, Candidate, StageEvent
from core.structure.tree import path_ids
from tests.factories import add_candidate, district, versions

RULES = RuleSettings()
VOTE = Vote(votes_for=10, present=10, members_total=14)  # 10 of the chi bộ's 14 official members
TODAY = date(2024, 3, 1)
READY = {  # a candidate with a complete dossier, ready for the chi bộ vote
    Stage.SOURCE: date(2022, 3, 1), Stage.OUTSTANDING: date(2022, 9, 1),
    Stage.CLASS_DONE: date(2023, 3, 1), Stage.DOSSIER: date(2023, 11, 1),
}
SPONSORS = dict(sponsor1_name="Lê Văn B", sponsor1_since=date(2021, 1, 1),
                sponsor2_name="Phạm Thị C", sponsor2_since=date(2021, 6, 1))


@pytest.fixture
def setup(engine):
    with session_scope(engine) as s:
        orgs = district(s)
        ready = add_candidate(s, orgs["C1-A"], READY, **SPONSORS)
        other = add_candidate(s, orgs["C2-C"], READY, **SPONSORS)
        ids = {"ready": ready.id, "other": other.id}
        actors = {
            "secretary": Actor("bithu.c1", Role.SECRETARY, orgs["C1"].path),
            "leader": Actor("lanhdao", Role.LEADER, orgs["D"].path),
            "projector": Actor("tc", Role.PROJECTOR, orgs["D"].path),
        }
    return engine, ids, actors


def _counts(engine):
    with session_scope(engine) as s:
        return (
            s.exec(select(func.count()).select_from(StageEvent)).one(),
            s.exec(select(func.count()).select_from(AuditEntry)).one(),
            versions(s),
        )


def test_recording_a_vote_writes_event_state_audit_and_version(setup):
    engine, ids, actors = setup
    events, audits, version = _counts(engine)
    with session_scope(engine) as s:
        event = record_stage(s, actors["secretary"], candidate_id=ids["ready"], expected_version=1,
                             stage=Stage.BRANCH_RESOLUTION, event_date=date(2024, 1, 10), today=TODAY, rules=RULES,
                             document_number=" 12-NQ/CB ", vote=Vote(votes_for=10, present=12, members_total=14))
        assert event.recorded_by == "bithu.c1" and event.document_number == "12-NQ/CB"
        assert (event.votes_for, event.votes_total, event.members_total, event.members_excused) == (10, 12, 14, None)
    with session_scope(engine) as s:
        candidate = s.get(Candidate, ids["ready"])
        assert candidate.stage == "branch_resolution"
        assert candidate.branch_resolution_date == date(2024, 1, 10)
        assert candidate.version == 2
        audit = s.exec(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert audit.username == "bithu.c1" and audit.entity_id == ids["ready"]
        assert json.loads(audit.before)["stage"] == "dossier"
        assert json.loads(audit.after)["stage"] == "branch_resolution"
    raised = {org_id: n + (org_id in path_ids(candidate.org_path)) for org_id, n in version[1].items()}
    assert _counts(engine) == (events + 1, audits + 1, (version[0], {**dict.fromkeys(path_ids(candidate.org_path), 1),
                                                                    **raised}))


@pytest.mark.parametrize(
    "stage, when, votes, code",
    [
        (Stage.BRANCH_RESOLUTION, date(2024, 3, 2), VOTE, "future_date"),
        (Stage.BRANCH_RESOLUTION, date(2023, 10, 1), VOTE, "before_previous"),
        (Stage.BRANCH_RESOLUTION, date(2024, 1, 10), Vote(votes_for=8, present=10, members_total=14), "vote_short"),
        (Stage.DECISION, date(2024, 1, 10), None, "missing_previous"),
    ],
)
def test_a_refused_step_writes_nothing(setup, stage, when, votes, code):
    engine, ids, actors = setup
    before = _counts(engine)
    with session_scope(engine) as s, pytest.raises(RuleViolation) as refused:
        record_stage(s, actors["secretary"], candidate_id=ids["ready"], expected_version=1, stage=stage,
                     event_date=when, today=TODAY, rules=RULES, vote=votes)
    assert code in {f.code for f in refused.value.findings}
    assert "Không thể ghi" in str(refused.value)
    assert _counts(engine) == before


def test_an_exception_must_be_acknowledged_and_is_recorded(engine):
    with session_scope(engine) as s:
        orgs = district(s)
        old = add_candidate(s, orgs["C1-A"], READY, birth=date(1963, 5, 1), **SPONSORS)  # 60 years 8 months at the vote
        actor = Actor("bt", Role.SECRETARY, orgs["C1"].path)
    with session_scope(engine) as s, pytest.raises(RuleViolation) as needs_ack:
        record_stage(s, actor, candidate_id=old.id, expected_version=1, stage=Stage.BRANCH_RESOLUTION,
                     event_date=date(2024, 1, 10), today=TODAY, rules=RULES, vote=VOTE)
    assert needs_ack.value.needs_ack and "Cần xác nhận" in str(needs_ack.value)
    with session_scope(engine) as s:
        event = record_stage(s, actor, candidate_id=old.id, expected_version=1, stage=Stage.BRANCH_RESOLUTION,
                             event_date=date(2024, 1, 10), today=TODAY, rules=RULES, vote=VOTE,
                             acknowledge_exceptions=True)
        assert event.acknowledged == "over_age"


def test_a_stale_edit_is_refused(setup):
    engine, ids, actors = setup
    with session_scope(engine) as s:
        record_stage(s, actors["secretary"], candidate_id=ids["ready"], expected_version=1,
                     stage=Stage.BRANCH_RESOLUTION, event_date=date(2024, 1, 10), today=TODAY, rules=RULES, vote=VOTE)
    before = _counts(engine)
    with session_scope(engine) as s, pytest.raises(StaleEditError, match="người khác"):
        record_exit(s, actors["secretary"], candidate_id=ids["ready"], expected_version=1, exit_=Exit.STOPPED,
                    event_date=date(2024, 2, 1), today=TODAY, reason="Chuyển đi làm ăn xa")
    assert _counts(engine) == before


@pytest.mark.parametrize("who, target", [("secretary", "other"), ("leader", "ready"), ("projector", "ready")])
def test_writes_outside_scope_or_role_are_refused(setup, who, target):
    engine, ids, actors = setup
    before = _counts(engine)
    with session_scope(engine) as s, pytest.raises(ScopeError):
        record_stage(s, actors[who], candidate_id=ids[target], expected_version=None, stage=Stage.BRANCH_RESOLUTION,
                     event_date=date(2024, 1, 10), today=TODAY, rules=RULES, vote=VOTE)
    assert _counts(engine) == before


def test_unknown_candidate(setup):
    engine, _ids, actors = setup
    with session_scope(engine) as s, pytest.raises(NotFoundError):
        record_exit(s, actors["secretary"], candidate_id=99999, expected_version=None, exit_=Exit.STOPPED,
                    event_date=date(2024, 2, 1), today=TODAY, reason="x")


def test_exit_needs_a_reason_and_then_ends_the_pipeline(setup):
    engine, ids, actors = setup
    with session_scope(engine) as s, pytest.raises(RuleViolation, match="lý do"):
        record_exit(s, actors["secretary"], candidate_id=ids["ready"], expected_version=1, exit_=Exit.STOPPED,
                    event_date=date(2024, 2, 1), today=TODAY, reason="  ")
    with session_scope(engine) as s:
        record_exit(s, actors["secretary"], candidate_id=ids["ready"], expected_version=1, exit_=Exit.STOPPED,
                    event_date=date(2024, 2, 1), today=TODAY, reason="Tự nguyện xin dừng")
    with session_scope(engine) as s:
        candidate = s.get(Candidate, ids["ready"])
        assert (candidate.exit, candidate.exit_date, candidate.stage) == ("stopped", date(2024, 2, 1), "dossier")
    with session_scope(engine) as s, pytest.raises(RuleViolation) as refused:
        record_stage(s, actors["secretary"], candidate_id=ids["ready"], expected_version=2,
                     stage=Stage.BRANCH_RESOLUTION, event_date=date(2024, 2, 10), today=TODAY, rules=RULES, vote=VOTE)
    assert {f.code for f in refused.value.findings} == {"exited"}


def test_a_wrong_event_is_voided_by_a_new_one_and_history_keeps_both(setup):
    engine, ids, actors = setup
    with session_scope(engine) as s:
        wrong = record_stage(s, actors["secretary"], candidate_id=ids["ready"], expected_version=1,
                             stage=Stage.BRANCH_RESOLUTION, event_date=date(2024, 1, 10), today=TODAY, rules=RULES, vote=VOTE)
    with session_scope(engine) as s, pytest.raises(RuleViolation):
        first = s.exec(select(StageEvent).where(StageEvent.candidate_id == ids["ready"]).order_by(StageEvent.id)).first()
        void_event(s, actors["secretary"], candidate_id=ids["ready"], expected_version=2, event_id=first.id, reason="Nhầm")
    with session_scope(engine) as s:
        void_event(s, actors["secretary"], candidate_id=ids["ready"], expected_version=2, event_id=wrong.id,
                   reason="Ghi nhầm ngày họp")
        record_stage(s, actors["secretary"], candidate_id=ids["ready"], expected_version=3,
                     stage=Stage.BRANCH_RESOLUTION, event_date=date(2024, 1, 17), today=TODAY, rules=RULES, vote=VOTE)
    with session_scope(engine) as s:
        candidate = s.get(Candidate, ids["ready"])
        history = s.exec(select(StageEvent).where(StageEvent.candidate_id == ids["ready"]).order_by(StageEvent.id)).all()
    assert candidate.branch_resolution_date == date(2024, 1, 17)
    assert [(e.stage, e.event_date, e.voids) for e in history[-3:]] == [
        ("branch_resolution", date(2024, 1, 10), False),
        ("branch_resolution", date(2024, 1, 10), True),
        ("branch_resolution", date(2024, 1, 17), False),
    ]
    assert history[-2].replaces_event_id == wrong.id


def test_a_candidates_history_shows_its_audit_trail(setup):
    engine, ids, actors = setup
    with session_scope(engine) as s:
        record_stage(s, actors["secretary"], candidate_id=ids["ready"], expected_version=1,
                     stage=Stage.BRANCH_RESOLUTION, event_date=date(2024, 1, 10), today=TODAY, rules=RULES,
                     vote=Vote(votes_for=9, present=12, members_total=13))
    with session_scope(engine) as s:
        trail = candidate_audit(s, actors["leader"], ids["ready"])
        history = candidate_history(s, actors["leader"], ids["ready"])
    assert list(trail["username"]) == ["bithu.c1"] and list(trail["action"]) == ["record_stage"]
    assert trail.iloc[0]["before"]["stage"] == "dossier"
    assert trail.iloc[0]["after"]["event"]["votes_for"] == 9
    assert list(history["stage"]) == ["source", "outstanding", "class_done", "dossier", "branch_resolution"]


def test_a_branch_vote_of_8_of_14_official_members_is_refused_and_writes_nothing(setup):
    engine, ids, actors = setup
    before = _counts(engine)
    with session_scope(engine) as s, pytest.raises(RuleViolation) as refused:
        record_stage(s, actors["secretary"], candidate_id=ids["ready"], expected_version=1,
                     stage=Stage.BRANCH_RESOLUTION, event_date=date(2024, 1, 10), today=TODAY, rules=RULES,
                     vote=Vote(votes_for=8, present=10, members_total=14))
    assert "8/14 đảng viên chính thức" in str(refused.value) and "Điều lệ Đảng, Điều 4, khoản 3" in str(refused.value)
    assert _counts(engine) == before
    with session_scope(engine) as s:
        assert s.get(Candidate, ids["ready"]).branch_resolution_date is None


def test_inconsistent_vote_figures_are_refused_together_and_write_nothing(setup):
    engine, ids, actors = setup
    before = _counts(engine)
    with session_scope(engine) as s, pytest.raises(RuleViolation) as refused:
        record_stage(s, actors["secretary"], candidate_id=ids["ready"], expected_version=1,
                     stage=Stage.BRANCH_RESOLUTION, event_date=date(2024, 1, 10), today=TODAY, rules=RULES,
                     vote=Vote(votes_for=13, present=12, members_total=14, members_excused=3))
    assert [f.code for f in refused.value.findings] == ["vote_present_too_many", "vote_for_too_many"]
    message = str(refused.value)
    assert "Số đảng viên chính thức dự họp (12) lớn hơn số được tính (11" in message
    assert "Số phiếu tán thành (13) lớn hơn số dự họp (12)" in message
    assert _counts(engine) == before


def test_a_resolution_without_the_chi_bos_official_members_is_refused(setup):
    engine, ids, actors = setup
    before = _counts(engine)
    with session_scope(engine) as s, pytest.raises(RuleViolation) as refused:
        record_stage(s, actors["secretary"], candidate_id=ids["ready"], expected_version=1,
                     stage=Stage.BRANCH_RESOLUTION, event_date=date(2024, 1, 10), today=TODAY, rules=RULES)
    assert [f.code for f in refused.value.findings] == ["vote_members_missing", "vote_for_missing"]
    assert _counts(engine) == before


def test_a_vote_with_one_excused_is_stored_with_its_denominators(setup):
    engine, ids, actors = setup
    with session_scope(engine) as s:
        record_stage(s, actors["secretary"], candidate_id=ids["ready"], expected_version=1,
                     stage=Stage.BRANCH_RESOLUTION, event_date=date(2024, 1, 10), today=TODAY, rules=RULES,
                     vote=Vote(votes_for=10, present=12, members_total=15, members_excused=1))
    with session_scope(engine) as s:
        event = s.exec(select(StageEvent).where(StageEvent.stage == "branch_resolution")).one()
        trail = candidate_audit(s, actors["leader"], ids["ready"])
    assert (event.votes_for, event.votes_total, event.members_total, event.members_excused) == (10, 12, 15, 1)
    assert "10/14 phiếu tán thành, 12 dự họp, trừ 1 tạm chuyển hoặc miễn sinh hoạt" in trail.iloc[-1]["sentence"]
