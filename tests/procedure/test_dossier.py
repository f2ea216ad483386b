"""The dossier's papers: the checklist, the chi bộ's vote refused while a paper is missing,
a certificate renewed by taking the class again, the consents checked at the decision, and
migration 0007 from 0005. Hand-worked cases on a small district."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import inspect, text
from sqlmodel import func, select

from core.access.scope import Actor
from core.config import RuleSettings
from core.procedure.dossier import PaperKind, checklist
from core.procedure.papers import record_paper, void_paper
from core.procedure.pipeline import (
    RuleViolation,
    facts_of,
    papers_of,
    record_stage,
    route_for,
)
from core.procedure.rules import Vote
from core.procedure.stages import Role, Stage
from core.storage.db import migrate, schema_is_current, session_scope
from core.storage.models import Candidate, DossierPaper, Organization, StageEvent
from tests.factories import add_candidate, add_papers, district

RULES = RuleSettings()
VOTE = Vote(votes_for=10, present=10, members_total=14)
SPONSORS = dict(sponsor1_name="Lê Văn B", sponsor1_since=date(2021, 1, 1),
                sponsor2_name="Phạm Thị C", sponsor2_since=date(2021, 6, 1))
READY = {Stage.SOURCE: date(2022, 3, 1), Stage.OUTSTANDING: date(2022, 9, 1),
         Stage.CLASS_DONE: date(2023, 3, 1), Stage.DOSSIER: date(2023, 11, 1)}
TODAY = date(2024, 3, 1)


@pytest.fixture
def district_db(engine):
    with session_scope(engine) as s:
        orgs = district(s)
        actor = Actor("bithu.c1", Role.SECRETARY, orgs["C1"].path)
    return engine, orgs, actor


def _vote(engine, actor, candidate_id, when=date(2024, 2, 1), stage=Stage.BRANCH_RESOLUTION, vote=VOTE, ack=False):
    with session_scope(engine) as s:
        version = s.get(Candidate, candidate_id).version
        record_stage(s, actor, candidate_id=candidate_id, expected_version=version, stage=stage, event_date=when,
                     today=TODAY, rules=RULES, vote=vote, acknowledge_exceptions=ack)


def _paper(engine, actor, candidate_id, kind, when, **kw):
    with session_scope(engine) as s:
        version = s.get(Candidate, candidate_id).version
        return record_paper(s, actor, candidate_id=candidate_id, expected_version=version, kind=kind, issue_date=when,
                            today=TODAY, rules=RULES, **kw).id


def test_vote_refused_while_a_paper_is_missing_naming_each_and_citing_the_texts(district_db):
    engine, orgs, actor = district_db
    with session_scope(engine) as s:
        c = add_candidate(s, orgs["C1-A"], READY, complete_dossier=False, **SPONSORS)
        add_papers(s, c, date(2023, 11, 1), kinds=(PaperKind.APPLICATION, PaperKind.BIOGRAPHY))
        cid = c.id
    with pytest.raises(RuleViolation) as refused:
        _vote(engine, actor, cid)
    message = str(refused.value)
    for missing in ("thẩm tra lý lịch", "3-KNĐ) của Lê Văn B", "3-KNĐ) của Phạm Thị C", "5-KNĐ"):
        assert missing in message
    assert "1-KNĐ" not in message and "06-HD/TW" in message and "12-HD/BTCTW" in message
    with session_scope(engine) as s:
        assert s.exec(select(func.count()).select_from(StageEvent).where(
            StageEvent.candidate_id == cid, StageEvent.stage == "branch_resolution")).one() == 0


def test_vote_accepted_when_the_dossier_is_complete(district_db):
    engine, orgs, actor = district_db
    with session_scope(engine) as s:
        c = add_candidate(s, orgs["C1-A"], READY, complete_dossier=False, **SPONSORS)
        cid = c.id
    for kind in (PaperKind.APPLICATION, PaperKind.BIOGRAPHY, PaperKind.BIOGRAPHY_VERIFICATION, PaperKind.ASSESSMENT_SUMMARY):
        _paper(engine, actor, cid, kind, date(2023, 12, 1), document_number="01")
    for sponsor in ("Lê Văn B", "Phạm Thị C"):
        _paper(engine, actor, cid, PaperKind.SPONSOR_INTRODUCTION, date(2023, 12, 5), holder=sponsor)
    _vote(engine, actor, cid)
    with session_scope(engine) as s:
        assert s.get(Candidate, cid).branch_resolution_date == date(2024, 2, 1)


def test_checklist_states_what_is_there_what_is_missing_and_what_expires_when(district_db):
    engine, orgs, actor = district_db
    with session_scope(engine) as s:
        c = add_candidate(s, orgs["C1-A"], {**READY, Stage.CLASS_DONE: date(2019, 3, 20)}, complete_dossier=False,
                          **SPONSORS)
        add_papers(s, c, date(2023, 11, 1), kinds=(PaperKind.APPLICATION,))
        items = checklist(facts_of(c, orgs["C1-A"], route=route_for(s, orgs["C1-A"]), papers=papers_of(s, [c.id]).get(c.id, ())), TODAY, RULES)
    states = {(i.kind, i.holder): (i.state, i.text) for i in items if i.step == "branch_resolution"}
    # The class of 20/3/2019 is good for 60 months: to 20/3/2024, 19 days after 1/3/2024.
    assert states[("cn_ntvd", "")] == ("expiring", "Sắp hết hạn ngày 20/03/2024: Có (ngày 20/03/2019, theo ngày đã ghi trong hồ sơ)")
    assert states[("1_knd", "")][0] == "present"
    assert states[("3_knd", "Lê Văn B")] == ("missing", "Thiếu (chưa ghi)")
    assert states[("2_knd", "")][0] == "missing"


def test_expired_certificate_replaced_by_a_retaken_class(district_db):
    engine, orgs, actor = district_db
    with session_scope(engine) as s:
        c = add_candidate(s, orgs["C1-A"], {**READY, Stage.CLASS_DONE: date(2018, 6, 1)}, **SPONSORS)
        cid = c.id
    with pytest.raises(RuleViolation) as refused:  # 01/06/2018 + 60 months = 01/06/2023 < 01/02/2024
        _vote(engine, actor, cid)
    assert [f.code for f in refused.value.findings] == ["certificate_expired"]
    _paper(engine, actor, cid, PaperKind.AWARENESS_CERTIFICATE, date(2023, 12, 15), document_number="CN-12/2023")
    with session_scope(engine) as s:
        paper = s.exec(select(DossierPaper).where(DossierPaper.candidate_id == cid,
                                                  DossierPaper.kind == "cn_ntvd")).one()
        assert paper.valid_until == date(2028, 12, 15)
    _vote(engine, actor, cid)
    with session_scope(engine) as s:
        assert s.get(Candidate, cid).branch_resolution_date == date(2024, 2, 1)


def test_voided_paper_counts_as_missing_again(district_db):
    engine, orgs, actor = district_db
    with session_scope(engine) as s:
        cid = add_candidate(s, orgs["C1-A"], READY, complete_dossier=False, **SPONSORS).id
        add_papers(s, s.get(Candidate, cid), date(2023, 11, 1))
        wrong = s.exec(select(DossierPaper.id).where(DossierPaper.candidate_id == cid, DossierPaper.kind == "5_knd")).one()
    with session_scope(engine) as s:
        void_paper(s, actor, candidate_id=cid, expected_version=s.get(Candidate, cid).version, paper_id=wrong,
                   reason="ghi nhầm")
    with pytest.raises(RuleViolation) as refused:
        _vote(engine, actor, cid)
    assert "5-KNĐ" in str(refused.value)
    with session_scope(engine) as s:  # nothing deleted: the paper and its cancellation are both kept
        assert s.exec(select(func.count()).select_from(DossierPaper).where(DossierPaper.kind == "5_knd")).one() == 2


def _over_60_at_the_vote(engine, orgs, actor):
    """Born 10/01/1963: 61 years old at the chi bộ's vote of 01/02/2024, grassroots cell S."""
    with session_scope(engine) as s:
        cid = add_candidate(s, orgs["S"], READY, birth=date(1963, 1, 10), **SPONSORS).id
    actor = Actor("admin", Role.ADMIN, orgs["D"].path)
    with pytest.raises(RuleViolation) as warned:  # allowed at the vote, with a warning to acknowledge
        _vote(engine, actor, cid)
    assert warned.value.needs_ack and "Ban Thường vụ Tỉnh ủy" in str(warned.value)
    _vote(engine, actor, cid, ack=True)
    return cid, actor


def test_over_60_decision_refused_without_the_prior_consent(district_db):
    engine, orgs, actor = district_db
    cid, actor = _over_60_at_the_vote(engine, orgs, actor)
    with pytest.raises(RuleViolation) as refused:
        _vote(engine, actor, cid, when=date(2024, 2, 20), stage=Stage.DECISION, vote=None)
    assert "trên 60 tuổi" in str(refused.value) and "294-QĐ/TW" in str(refused.value)
    # A consent dated the decision's day is not before it.
    _paper(engine, actor, cid, PaperKind.CONSENT_OVER_AGE, date(2024, 2, 20), document_number="88-CV/TU")
    with pytest.raises(RuleViolation) as late:
        _vote(engine, actor, cid, when=date(2024, 2, 20), stage=Stage.DECISION, vote=None)
    assert "không trước ngày quyết định 20/02/2024" in str(late.value)


def test_over_60_decision_accepted_with_the_prior_consent(district_db):
    engine, orgs, actor = district_db
    cid, actor = _over_60_at_the_vote(engine, orgs, actor)
    _paper(engine, actor, cid, PaperKind.CONSENT_OVER_AGE, date(2024, 2, 10), document_number="88-CV/TU")
    _vote(engine, actor, cid, when=date(2024, 2, 20), stage=Stage.DECISION, vote=None)
    with session_scope(engine) as s:
        assert s.get(Candidate, cid).decision_date == date(2024, 2, 20)


def test_literate_only_village_head_needs_the_consent_before_the_decision(district_db):
    engine, orgs, actor = district_db
    with session_scope(engine) as s:
        cid = add_candidate(s, orgs["S"], READY, village_head=True, **SPONSORS).id
        s.get(Candidate, cid).general_education = "literate"
    admin = Actor("admin", Role.ADMIN, orgs["D"].path)
    _vote(engine, admin, cid, ack=True)
    with pytest.raises(RuleViolation) as refused:
        _vote(engine, admin, cid, when=date(2024, 2, 20), stage=Stage.DECISION, vote=None)
    assert "biết đọc, biết viết" in str(refused.value)
    _paper(engine, admin, cid, PaperKind.CONSENT_LITERACY, date(2024, 2, 5))
    _vote(engine, admin, cid, when=date(2024, 2, 20), stage=Stage.DECISION, vote=None)


def test_literate_only_refused_at_the_vote_when_not_a_village_elder_or_head(district_db):
    engine, orgs, actor = district_db
    with session_scope(engine) as s:
        cid = add_candidate(s, orgs["C1-A"], READY, **SPONSORS).id
        s.get(Candidate, cid).general_education = "literate"
    with pytest.raises(RuleViolation) as refused:
        _vote(engine, actor, cid)
    assert "education_missing" in {f.code for f in refused.value.findings}


def test_paper_in_the_future_refused_and_nothing_written(district_db):
    engine, orgs, actor = district_db
    with session_scope(engine) as s:
        cid = add_candidate(s, orgs["C1-A"], READY, **SPONSORS).id
        before = s.exec(select(func.count()).select_from(DossierPaper)).one()
    from core.errors import FormError
    with pytest.raises(FormError) as refused:
        _paper(engine, actor, cid, PaperKind.APPLICATION, date(2024, 5, 1))
    assert "tương lai" in str(refused.value.errors)
    with session_scope(engine) as s:
        assert s.exec(select(func.count()).select_from(DossierPaper)).one() == before


def test_migration_0007_from_0005_keeps_every_row_invents_no_paper_and_sets_the_doan_where_sure(engine):
    from tests.storage.test_db import CANDIDATE_0003_COLUMNS, _to_revision
    _to_revision(engine, "0005")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO organization (id, code, name, path, depth, kind, sector, active, version) VALUES "
                          "(1, 'D-A', 'Chi bộ thôn A', '/1/', 0, 'grassroots_cell', 'rural', true, 1), "
                          "(2, 'D-B', 'Chi bộ công ty B', '/2/', 0, 'grassroots_cell', 'private_enterprise', true, 1)"))
        conn.execute(text(f"INSERT INTO candidate ({CANDIDATE_0003_COLUMNS}, identity_key, class_done_date) VALUES "
                          "(1, 1, '/1/', 'X', '1990-01-01', false, 'Kinh', false, '', 'primary', 'none', 'other', "
                          "false, false, true, '', 'Lê Văn B', '', 1, '2024-01-01 00:00:00+00', "
                          "'2024-01-01 00:00:00+00', '9999-12-31', NULL, NULL, 'x|1990-01-01', '2023-03-01')"))
    migrate(engine)
    assert schema_is_current(engine)
    with engine.connect() as conn:
        assert {c["name"] for c in inspect(conn).get_columns("candidate")} >= {"introduction_route", "sponsor1_official"}
        assert conn.execute(text("SELECT count(*) FROM dossier_paper")).scalar() == 0  # no invented paper
        assert conn.execute(text("SELECT code, has_youth_union FROM organization ORDER BY id")).all() == [
            ("D-A", True), ("D-B", False)]
        row = conn.execute(text("SELECT education_exemption, introduction_route, sponsor1_official, sponsor1_name "
                                "FROM candidate")).one()
    assert tuple(row) == (True, "", None, "Lê Văn B")  # the old tick box kept; nothing answered for anyone
    with session_scope(engine) as s:  # the class_done date counts as the certificate; the rest "chưa ghi"
        c, org = s.get(Candidate, 1), s.get(Organization, 1)
        items = {i.kind: i.state for i in checklist(facts_of(c, org, route=route_for(s, org), papers=()), date(2024, 3, 1), RULES)}
    assert items["cn_ntvd"] == "present" and items["1_knd"] == "missing" and items["consent_education"] == "missing"
