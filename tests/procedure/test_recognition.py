"""Recognition as an official member (Điều lệ Điều 5): the chi bộ's resolution (13-KNĐ) with 2/3
of its official members as at admission, the committee's (15-KNĐ), the decision, effective from
the end of the 12 months; failed votes recorded without advancing, the third going up, 2/3
against leading to the removal; the routes the chain of a chi bộ gives (core.procedure)."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlmodel import select

from core.access.scope import Actor, resolve
from core.config import RuleSettings
from core.errors import FormError
from core.figures.funnel import funnel
from core.procedure.candidates import next_stages
from core.procedure.clocks import candidate_clocks
from core.procedure.dossier import PaperKind
from core.procedure.papers import record_paper
from core.procedure.pipeline import (
    RuleViolation,
    facts_of,
    papers_of,
    record_exit,
    record_procedure_record,
    record_stage,
    route_for,
)
from core.procedure.recognition import unrecorded_notes, unrecorded_recognitions
from core.procedure.rules import Vote, check_stage, open_findings, vote_findings
from core.procedure.stages import (
    CELL_ROUTE,
    Exit,
    OrgKind,
    Record,
    Role,
    Route,
    Stage,
    route_of,
)
from core.procedure.workdays import add_months
from core.storage.db import session_scope
from core.storage.models import Candidate, StageEvent
from tests.factories import (
    RECOGNITION_PAPERS,
    add_candidate,
    add_org,
    add_papers,
    district,
)

RULES = RuleSettings()
S = Stage
# Ceremony Wednesday 10/05/2023: the 12 months of probation end on 10/05/2024.
ADMITTED = {
    S.SOURCE: date(2021, 3, 1), S.OUTSTANDING: date(2021, 9, 1), S.CLASS_DONE: date(2022, 3, 1),
    S.DOSSIER: date(2022, 9, 1), S.BRANCH_RESOLUTION: date(2023, 1, 10), S.COMMITTEE_RESOLUTION: date(2023, 2, 1),
    S.DECISION: date(2023, 4, 20), S.ADMITTED: date(2023, 5, 10),
}
PROBATION_END = date(2024, 5, 10)
TODAY = date(2025, 3, 1)
PASSED = Vote(votes_for=10, present=12, members_total=14, votes_against=2)  # 10 of the chi bộ's 14 official members


@pytest.fixture
def setup(engine):
    with session_scope(engine) as s:
        orgs = district(s)
        member = add_candidate(s, orgs["C1-A"], ADMITTED, new_member_class_date=date(2023, 9, 15))
        add_papers(s, member, date(2024, 5, 6), RECOGNITION_PAPERS)
        actor = Actor("bithu.c1", Role.SECRETARY, orgs["C1"].path)
    return engine, member.id, actor


def _vote(engine, actor, candidate_id, stage, when, vote, today=TODAY):
    with session_scope(engine) as s:
        version = s.get(Candidate, candidate_id).version
        event = record_stage(s, actor, candidate_id=candidate_id, expected_version=version, stage=stage,
                             event_date=when, today=today, rules=RULES, vote=vote)
        return event.stage


def _candidate(engine, candidate_id) -> Candidate:
    with session_scope(engine) as s:
        candidate = s.get(Candidate, candidate_id)
        s.expunge(candidate)
        return candidate


def test_recognition_vote_needs_two_thirds_of_the_official_members_8_of_14_refused_10_of_14_accepted(setup):
    engine, candidate_id, actor = setup
    short = Vote(votes_for=8, present=10, members_total=14, votes_against=2)  # 8/14 < 2/3, though 8/10 of those present
    findings = vote_findings(S.RECOGNITION_BRANCH, short, RULES)
    assert [f.code for f in findings] == ["vote_short"]
    assert "8/14" in findings[0].message and "cần ít nhất 10 phiếu" in findings[0].message
    assert "Điều lệ Đảng, Điều 5" in findings[0].message
    assert vote_findings(S.RECOGNITION_BRANCH, PASSED, RULES) == []

    assert _vote(engine, actor, candidate_id, S.RECOGNITION_BRANCH, date(2024, 5, 20), short) == "recognition_no_majority"
    candidate = _candidate(engine, candidate_id)
    assert candidate.stage == "admitted" and candidate.recognition_branch_date is None
    assert candidate.recognition_failed_votes == 1

    assert _vote(engine, actor, candidate_id, S.RECOGNITION_BRANCH, date(2024, 6, 3), PASSED) == "recognition_branch"
    candidate = _candidate(engine, candidate_id)
    assert candidate.stage == "recognition_branch" and candidate.recognition_branch_date == date(2024, 6, 3)


def test_a_short_recognition_vote_without_the_votes_against_is_refused_and_writes_nothing(setup):
    engine, candidate_id, actor = setup
    with pytest.raises(FormError, match="số phiếu không tán thành"):
        _vote(engine, actor, candidate_id, S.RECOGNITION_BRANCH, date(2024, 5, 20),
              Vote(votes_for=8, present=10, members_total=14))
    with session_scope(engine) as s:
        assert s.exec(select(StageEvent).where(StageEvent.candidate_id == candidate_id,
                                               StageEvent.stage.like("recognition%"))).all() == []


def test_recognition_is_not_voted_before_the_12_months_of_probation_end(setup):
    engine, candidate_id, actor = setup
    with pytest.raises(RuleViolation, match="10/05/2024"):
        _vote(engine, actor, candidate_id, S.RECOGNITION_BRANCH, date(2024, 5, 9), PASSED)


@pytest.fixture
def without_papers(engine):
    """A probationary member (ceremony 10/05/2023, new-member class 15/09/2023) whose recognition
    papers were not recorded; only the member's own review (10-KNĐ) is, on 02/05/2024."""
    with session_scope(engine) as s:
        orgs = district(s)
        member = add_candidate(s, orgs["C1-A"], ADMITTED, new_member_class_date=date(2023, 9, 15))
        add_papers(s, member, date(2024, 5, 2), (PaperKind.SELF_ASSESSMENT,))
        actor = Actor("bithu.c1", Role.SECRETARY, orgs["C1"].path)
    return engine, member.id, actor


def test_recognition_vote_refused_while_the_helpers_assessment_11_knd_is_missing_and_nothing_written(without_papers):
    engine, candidate_id, actor = without_papers
    with pytest.raises(RuleViolation) as refused:
        _vote(engine, actor, candidate_id, S.RECOGNITION_BRANCH, date(2024, 5, 20), PASSED)
    message = str(refused.value)
    assert ("Chi bộ chưa thể xét công nhận đảng viên chính thức: hồ sơ còn thiếu "
            "Bản nhận xét của đảng viên giúp đỡ (mẫu 11-KNĐ); "
            "Tổng hợp ý kiến nhận xét đối với đảng viên dự bị (mẫu 12-KNĐ).") in message
    assert "10-KNĐ)" not in message.split("(Điều lệ")[0]  # the review recorded is not named missing
    assert "Điều lệ Đảng, Điều 5" in message and "12-HD/BTCTW" in message and "chưa kiểm chứng" in message
    with session_scope(engine) as s:
        assert s.exec(select(StageEvent).where(StageEvent.candidate_id == candidate_id,
                                               StageEvent.stage.like("recognition%"))).all() == []
        assert s.get(Candidate, candidate_id).recognition_failed_votes == 0


def test_recognition_vote_accepted_when_its_papers_are_complete(without_papers):
    engine, candidate_id, actor = without_papers
    for kind in (PaperKind.HELPER_ASSESSMENT, PaperKind.RECOGNITION_SUMMARY):
        with session_scope(engine) as s:
            record_paper(s, actor, candidate_id=candidate_id, expected_version=s.get(Candidate, candidate_id).version,
                         kind=kind, issue_date=date(2024, 5, 13), today=TODAY, rules=RULES, document_number="01")
    assert _vote(engine, actor, candidate_id, S.RECOGNITION_BRANCH, date(2024, 5, 20), PASSED) == "recognition_branch"
    assert _candidate(engine, candidate_id).recognition_branch_date == date(2024, 5, 20)


def test_recognition_vote_refused_before_the_papers_dated_after_it(without_papers):
    # 11- and 12-KNĐ dated 21/05/2024 do not stand for a vote held on 20/05/2024.
    engine, candidate_id, actor = without_papers
    with session_scope(engine) as s:
        add_papers(s, s.get(Candidate, candidate_id), date(2024, 5, 21),
                   (PaperKind.HELPER_ASSESSMENT, PaperKind.RECOGNITION_SUMMARY))
    with pytest.raises(RuleViolation, match="11-KNĐ"):
        _vote(engine, actor, candidate_id, S.RECOGNITION_BRANCH, date(2024, 5, 20), PASSED)


def test_the_todo_names_the_missing_recognition_papers_of_a_member_in_probation(without_papers):
    engine, candidate_id, _actor = without_papers
    candidate = _candidate(engine, candidate_id)
    with session_scope(engine) as s:
        papers = papers_of(s, [candidate_id]).get(candidate_id, ())
    facts = facts_of(candidate, _org(engine, candidate), route=Route(), papers=papers)
    [finding] = [f for f in open_findings(facts, date(2024, 5, 6), RULES) if f.code == "recognition_papers_missing"]
    assert finding.message.startswith(
        "Hồ sơ công nhận đảng viên chính thức còn thiếu: Bản nhận xét của đảng viên giúp đỡ (mẫu 11-KNĐ); "
        "Tổng hợp ý kiến nhận xét đối với đảng viên dự bị (mẫu 12-KNĐ). (Điều lệ Đảng, Điều 5;")
    # Not from the ceremony on: named once the probation's end is within due_soon_days.
    soon = add_months(candidate.admitted_date, RULES.probation_months) - timedelta(days=RULES.due_soon_days)
    assert "recognition_papers_missing" in {f.code for f in open_findings(facts, soon, RULES)}
    assert "recognition_papers_missing" not in {f.code for f in open_findings(facts, soon - timedelta(days=1), RULES)}
    # Once the chi bộ has voted, the papers are no longer asked for.
    voted = facts_of(candidate, _org(engine, candidate), route=Route(), papers=papers)
    voted = replace(voted, stage_dates={**voted.stage_dates, S.RECOGNITION_BRANCH: date(2024, 5, 20)})
    assert "recognition_papers_missing" not in {f.code for f in open_findings(voted, TODAY, RULES)}


def test_the_third_failed_recognition_vote_goes_up_to_the_committee_above(setup):
    engine, candidate_id, actor = setup
    no_majority = Vote(votes_for=7, present=13, members_total=14, votes_against=6)  # neither 10 for nor 10 against
    for n, when in enumerate((date(2024, 5, 20), date(2024, 6, 20)), 1):
        assert _vote(engine, actor, candidate_id, S.RECOGNITION_BRANCH, when, no_majority) == "recognition_no_majority"
    candidate = _candidate(engine, candidate_id)
    facts = facts_of(candidate, _org(engine, candidate), route=Route())
    assert "recognition_referred" not in {c.kind for c in candidate_clocks(facts, TODAY, RULES)}
    _vote(engine, actor, candidate_id, S.RECOGNITION_BRANCH, date(2024, 7, 22), no_majority)
    candidate = _candidate(engine, candidate_id)
    assert candidate.recognition_failed_votes == 3 and candidate.stage == "admitted"
    facts = facts_of(candidate, _org(engine, candidate), route=Route())
    assert "recognition_referred" in {c.kind for c in candidate_clocks(facts, TODAY, RULES)}
    [referred] = [f for f in open_findings(facts, TODAY, RULES) if f.code == "recognition_referred"]
    assert "3 lần" in referred.message and "cấp ủy cấp trên" in referred.message and "Điều 5" in referred.message
    # The number is a setting.
    assert not [f for f in open_findings(facts, TODAY, RuleSettings(recognition_failed_votes_referred=4))
                if f.code == "recognition_referred"]


def _org(engine, candidate):
    from core.storage.models import Organization
    with session_scope(engine) as s:
        org = s.get(Organization, candidate.organization_id)
        s.expunge(org)
        return org


def test_two_thirds_against_leads_to_the_removal_from_the_probationary_list(setup):
    engine, candidate_id, actor = setup
    against = Vote(votes_for=2, present=12, members_total=14, votes_against=10)  # 10 of 14 against
    assert _vote(engine, actor, candidate_id, S.RECOGNITION_BRANCH, date(2024, 5, 20), against) == "recognition_rejected"
    candidate = _candidate(engine, candidate_id)
    assert candidate.recognition_rejected_date == date(2024, 5, 20) and candidate.stage == "admitted"
    assert next_stages(candidate, Route()) == []
    facts = facts_of(candidate, _org(engine, candidate), route=Route())
    assert "removal_due" in {c.kind for c in candidate_clocks(facts, TODAY, RULES)}
    assert any("Xóa tên khỏi danh sách đảng viên dự bị".lower() in f.message.lower()
               for f in open_findings(facts, TODAY, RULES))
    with pytest.raises(RuleViolation, match="không công nhận"):
        _vote(engine, actor, candidate_id, S.RECOGNITION_BRANCH, date(2024, 6, 3), PASSED)
    with session_scope(engine) as s:
        record_exit(s, actor, candidate_id=candidate_id, expected_version=None, exit_=Exit.REMOVED,
                    event_date=date(2024, 6, 10), today=TODAY, reason="Chi bộ biểu quyết không công nhận")
    assert _candidate(engine, candidate_id).exit == "removed"


def test_official_is_effective_from_the_end_of_probation_even_when_decided_late(setup):
    engine, candidate_id, actor = setup
    _vote(engine, actor, candidate_id, S.RECOGNITION_BRANCH, date(2024, 11, 20), PASSED)  # months late
    _vote(engine, actor, candidate_id, S.RECOGNITION_COMMITTEE, date(2024, 12, 10),
          Vote(votes_for=7, present=8, members_total=9))
    with session_scope(engine) as s:
        event = record_stage(s, actor, candidate_id=candidate_id, expected_version=None, stage=S.OFFICIAL,
                             event_date=date(2025, 2, 15), today=TODAY, rules=RULES, document_number="45-QĐ/HU")
        assert (event.event_date, event.effective_date) == (date(2025, 2, 15), PROBATION_END)
    candidate = _candidate(engine, candidate_id)
    assert candidate.official_date == PROBATION_END and candidate.stage == "official"


def test_a_late_recognition_counts_from_the_end_of_probation_in_the_yearly_standing_figures(setup):
    engine, candidate_id, actor = setup
    _vote(engine, actor, candidate_id, S.RECOGNITION_BRANCH, date(2024, 11, 20), PASSED)
    _vote(engine, actor, candidate_id, S.RECOGNITION_COMMITTEE, date(2024, 12, 10),
          Vote(votes_for=7, present=8, members_total=9))
    with session_scope(engine) as s:
        record_stage(s, actor, candidate_id=candidate_id, expected_version=None, stage=S.OFFICIAL,
                     event_date=date(2025, 2, 15), today=TODAY, rules=RULES)
    with session_scope(engine) as s:
        subtree = resolve(s, actor, None)
        at_end_of_2024 = funnel(s, subtree, year=2024, as_of=date(2024, 12, 31), rules=RULES).set_index("stage")
        before_probation_end = funnel(s, subtree, year=2024, as_of=date(2024, 5, 9), rules=RULES).set_index("stage")
    # Decided in 2025, yet an official member in the 2024 figures from 10/05/2024.
    assert at_end_of_2024.loc["official", "standing"] == 1 and at_end_of_2024.loc["admitted", "standing"] == 0
    assert before_probation_end.loc["official", "standing"] == 0
    assert before_probation_end.loc["admitted", "standing"] == 1


def test_the_decision_with_its_receipt_date_and_the_ceremony_consent_are_recorded(engine):
    with session_scope(engine) as s:
        orgs = district(s)
        stages = {k: v for k, v in ADMITTED.items() if k not in (S.DECISION, S.ADMITTED)}
        candidate_id = add_candidate(s, orgs["C1-A"], stages).id
        actor = Actor("bithu.c1", Role.SECRETARY, orgs["C1"].path)
    with session_scope(engine) as s:
        record_stage(s, actor, candidate_id=candidate_id, expected_version=None, stage=S.DECISION,
                     event_date=date(2024, 6, 7), received_date=date(2024, 6, 14), today=TODAY, rules=RULES)
    with session_scope(engine) as s, pytest.raises(RuleViolation, match="đồng ý"):
        # 29/07/2024 is past 26/07/2024, 30 working days after the receipt.
        record_stage(s, actor, candidate_id=candidate_id, expected_version=None, stage=S.ADMITTED,
                     event_date=date(2024, 7, 29), today=TODAY, rules=RULES)
    with session_scope(engine) as s, pytest.raises(FormError, match="số văn bản"):
        record_procedure_record(s, actor, candidate_id=candidate_id, expected_version=None,
                                record=Record.CEREMONY_CONSENT, event_date=date(2024, 7, 20), today=TODAY,
                                document_number="", reason="Người được kết nạp đi công tác")
    with session_scope(engine) as s:
        record_procedure_record(s, actor, candidate_id=candidate_id, expected_version=None,
                                record=Record.CEREMONY_CONSENT, event_date=date(2024, 7, 20), today=TODAY,
                                document_number="12-CV/HU", reason="Người được kết nạp đi công tác")
    with session_scope(engine) as s:
        record_stage(s, actor, candidate_id=candidate_id, expected_version=None, stage=S.ADMITTED,
                     event_date=date(2024, 7, 29), today=TODAY, rules=RULES)
    candidate = _candidate(engine, candidate_id)
    assert (candidate.decision_received_date, candidate.ceremony_consent_date, candidate.admitted_date) == (
        date(2024, 6, 14), date(2024, 7, 20), date(2024, 7, 29))
    assert candidate.stage == "admitted"


def test_a_receipt_date_before_the_decision_is_refused(setup):
    engine, candidate_id, actor = setup
    with session_scope(engine) as s, pytest.raises(FormError, match="Ngày nhận quyết định"):
        record_stage(s, actor, candidate_id=candidate_id, expected_version=None, stage=S.RECOGNITION_BRANCH,
                     event_date=date(2024, 6, 3), received_date=date(2024, 6, 3), today=TODAY, rules=RULES,
                     vote=PASSED)


# Routes: which committees a chi bộ's dossier goes through, from its chain.


def test_a_sub_committee_requires_its_7_knd_appraisal(engine):
    with session_scope(engine) as s:
        orgs = district(s)
        part = add_org(s, "C1-P", orgs["C1"], kind=OrgKind.SUB_COMMITTEE, name="Đảng bộ bộ phận P")
        cell = add_org(s, "C1-P-1", part, name="Chi bộ P1")
        route = route_for(s, cell)
        stages = {k: v for k, v in ADMITTED.items() if k not in (S.COMMITTEE_RESOLUTION, S.DECISION, S.ADMITTED)}
        candidate = add_candidate(s, cell, stages)
        facts = facts_of(candidate, cell, route=route)
    assert route == Route(committee=True, sub_committee=True)
    findings = check_stage(facts, S.COMMITTEE_RESOLUTION, date(2023, 2, 1), today=TODAY, rules=RULES)
    assert [f.code for f in findings] == ["missing_previous"]
    assert "Đảng ủy bộ phận thẩm định" in findings[0].message
    assert check_stage(facts, S.SUB_COMMITTEE_APPRAISAL, date(2023, 1, 20), today=TODAY, rules=RULES) == []


def test_an_authorized_grassroots_committee_skips_the_committee_resolution(engine):
    with session_scope(engine) as s:
        orgs = district(s)
        orgs["C2"].authorized = True
        s.add(orgs["C2"])
        s.flush()
        route = route_for(s, orgs["C2-C"])
        stages = {k: v for k, v in ADMITTED.items() if k not in (S.COMMITTEE_RESOLUTION, S.DECISION, S.ADMITTED)}
        candidate = add_candidate(s, orgs["C2-C"], stages)
        facts = facts_of(candidate, orgs["C2-C"], route=route)
        assert next_stages(candidate, route) == [S.DECISION]
    assert route == Route(committee=False)
    assert check_stage(facts, S.DECISION, date(2023, 4, 20), today=TODAY, rules=RULES) == []
    for skipped in (S.COMMITTEE_RESOLUTION, S.RECOGNITION_COMMITTEE):
        assert [f.code for f in check_stage(facts, skipped, date(2023, 4, 20), today=TODAY, rules=RULES)] == [
            "not_applicable"]


def test_a_grassroots_cell_has_no_committee_steps_and_a_cell_under_a_committee_has_them():
    class Link:
        def __init__(self, kind, authorized=False):
            self.kind, self.authorized = kind, authorized

    assert route_of([Link(OrgKind.GRASSROOTS_CELL), Link(OrgKind.UPPER_COMMITTEE)]) == CELL_ROUTE
    assert route_of([Link(OrgKind.CELL), Link(OrgKind.GRASSROOTS_COMMITTEE)]) == Route()
    assert route_of([Link(OrgKind.CELL), Link(OrgKind.SUB_COMMITTEE),
                     Link(OrgKind.GRASSROOTS_COMMITTEE, authorized=True)]) == Route(committee=False, sub_committee=True)


def test_an_official_decision_recorded_as_one_step_lists_its_resolutions_as_not_recorded(engine):
    with session_scope(engine) as s:
        orgs = district(s)
        candidate = add_candidate(s, orgs["C1-A"], {**ADMITTED, S.OFFICIAL: date(2024, 6, 1)})
        actor = Actor("admin", Role.ADMIN, orgs["D"].path)
        listed = unrecorded_recognitions(s, resolve(s, actor, None))
        notes = unrecorded_notes(candidate, route_for(s, orgs["C1-A"]))
    assert listed["candidate_id"].tolist() == [candidate.id]
    assert len(notes) == 2 and all("chưa ghi" in n for n in notes)
    assert "Chi bộ đề nghị công nhận chính thức" in notes[0] and "Đảng ủy cơ sở đề nghị công nhận" in notes[1]
