"""Transfers inside the tree, the move out of it with its certificate, the cancellation of a
decision wrongly made and re-admission (core.procedure.transfers, core.office.certificate)."""
from __future__ import annotations

import io
import json
from datetime import date

import pytest
from docx import Document
from sqlmodel import func, select

from core.access.scope import Actor, ScopeError, resolve
from core.config import RuleSettings
from core.errors import FormError
from core.figures.progress import org_figures
from core.figures.todo import work_cards
from core.office.certificate import transfer_certificate
from core.procedure.pipeline import (
    DuplicateCandidateError,
    RuleViolation,
    record_exit,
    record_stage,
)
from core.procedure.rules import Vote
from core.procedure.stages import Exit, Role, Stage
from core.procedure.transfers import (
    readmission_link,
    readmit,
    transfer_candidate,
    transfers_of,
)
from core.storage.db import session_scope
from core.storage.models import (
    AuditEntry,
    Candidate,
    CandidateTransfer,
    Organization,
    Readmission,
    StageEvent,
)
from tests.factories import add_candidate, admitted_on, district

RULES = RuleSettings()
TODAY = date(2024, 3, 1)
IN_DOSSIER = {Stage.SOURCE: date(2022, 3, 1), Stage.OUTSTANDING: date(2022, 9, 1), Stage.CLASS_DONE: date(2023, 3, 1),
              Stage.DOSSIER: date(2023, 11, 1)}
SPONSORS = dict(sponsor1_name="Lê Văn B", sponsor1_since=date(2021, 1, 1),
                sponsor2_name="Phạm Thị C", sponsor2_since=date(2021, 6, 1))


@pytest.fixture
def setup(engine):
    with session_scope(engine) as s:
        orgs = district(s)
        moving = add_candidate(s, orgs["C1-A"], IN_DOSSIER, full_name="Trần Văn Chuyển", **SPONSORS)
        s.add(StageEvent(candidate_id=moving.id, stage=Stage.DOSSIER.value, event_date=date(2023, 11, 1),
                         document_number="HS-17", recorded_by="test"))
        actors = {
            "district": Actor("bithu.d", Role.SECRETARY, orgs["D"].path),
            "commune": Actor("bithu.c1", Role.SECRETARY, orgs["C1"].path),
            "cell_a": Actor("bithu.a", Role.SECRETARY, orgs["C1-A"].path),
            "admin": Actor("admin", Role.ADMIN, orgs["D"].path),
        }
    return engine, moving.id, actors


def _transfer(engine, actor, candidate_id, target="C2-C", when=date(2024, 2, 1), document="05-GGT/ĐU"):
    with session_scope(engine) as s:
        version = s.get(Candidate, candidate_id).version
        return transfer_candidate(s, actor, candidate_id=candidate_id, expected_version=version, to_org_code=target,
                                  transfer_date=when, document_number=document, today=TODAY)


def _events(engine, candidate_id):
    with session_scope(engine) as s:
        return [(e.stage, e.event_date, e.document_number) for e in
                s.exec(select(StageEvent).where(StageEvent.candidate_id == candidate_id).order_by(StageEvent.id)).all()]


def test_a_transfer_inside_the_tree_keeps_every_step_and_records_from_where_to_where(setup):
    engine, cid, actors = setup
    steps_before = _events(engine, cid)
    _transfer(engine, actors["district"], cid)
    assert _events(engine, cid) == steps_before  # every event, date and document kept, nothing added
    with session_scope(engine) as s:
        candidate = s.get(Candidate, cid)
        assert (candidate.stage, candidate.dossier_date, candidate.exit) == ("dossier", date(2023, 11, 1), None)
        target = resolve(s, actors["district"], "C2-C")
        assert (candidate.organization_id, candidate.org_path) == (target.id, target.path)
        [move] = transfers_of(s, actors["district"], cid)
        assert (move.from_name, move.to_name, move.transfer_date, move.document_number) == (
            "Chi bộ thôn A", "Chi bộ thôn C", date(2024, 2, 1), "05-GGT/ĐU")
        entry = s.exec(select(AuditEntry).where(AuditEntry.action == "transfer_candidate")).one()
        assert json.loads(entry.after)["transfer"]["to_organization_id"] == target.id


def test_the_receiving_chi_bo_carries_on_from_the_stage_reached(setup):
    engine, cid, actors = setup
    _transfer(engine, actors["district"], cid)
    with session_scope(engine) as s:
        version = s.get(Candidate, cid).version
        record_stage(s, actors["district"], candidate_id=cid, expected_version=version, stage=Stage.BRANCH_RESOLUTION,
                     event_date=date(2024, 2, 20), today=TODAY, rules=RULES, document_number="02-NQ/CB",
                     vote=Vote(votes_for=10, present=12, members_total=14))
        assert s.get(Candidate, cid).stage == "branch_resolution"


def test_the_receiving_chi_bos_to_do_list_shows_the_candidate_and_the_source_no_longer_does(setup):
    engine, cid, actors = setup
    def names(code):
        with session_scope(engine) as s:
            return [c.full_name for c in work_cards(s, resolve(s, actors["district"], code), today=TODAY, rules=RULES)]
    assert "Trần Văn Chuyển" in names("C1-A") and "Trần Văn Chuyển" not in names("C2-C")
    _transfer(engine, actors["district"], cid)
    assert "Trần Văn Chuyển" not in names("C1-A")
    assert "Trần Văn Chuyển" in names("C2-C")


def test_a_transfer_needs_a_user_covering_both_chi_bo_and_writes_nothing_otherwise(setup):
    engine, cid, actors = setup
    with pytest.raises(ScopeError) as refused:
        _transfer(engine, actors["commune"], cid)  # covers C1-A, not C2-C
    assert str(refused.value) == ("Chuyển sinh hoạt cần người dùng có quyền trên cả chi bộ đi (Chi bộ thôn A) "
                                  "và chi bộ đến (Chi bộ thôn C).")
    _transfer(engine, actors["commune"], cid, target="C1-B")  # both inside Đảng bộ xã C1: allowed
    with pytest.raises(ScopeError):
        _transfer(engine, actors["cell_a"], cid, target="C1-A")  # the record is no longer in its subtree
    with session_scope(engine) as s:
        assert s.exec(select(func.count()).select_from(CandidateTransfer)).one() == 1


def test_a_transfer_to_a_chi_bo_where_the_person_is_already_listed_is_refused_as_a_duplicate(setup):
    engine, cid, actors = setup
    with session_scope(engine) as s:
        c2c = s.get(Organization, resolve(s, actors["district"], "C2-C").id)
        twin = add_candidate(s, c2c, {Stage.SOURCE: date(2023, 1, 1)}, full_name="Trần  văn chuyển")
    with pytest.raises(DuplicateCandidateError) as refused:
        _transfer(engine, actors["district"], cid)
    assert refused.value.candidate_id == twin.id
    assert "Trần  văn chuyển" in str(refused.value) and "Chi bộ thôn C" in str(refused.value)
    with session_scope(engine) as s:
        assert s.get(Candidate, cid).org_path == resolve(s, actors["district"], "C1-A").path


def test_a_transfer_without_its_document_or_date_or_in_the_future_is_refused_with_every_reason(setup):
    engine, cid, actors = setup
    with session_scope(engine) as s, pytest.raises(FormError) as refused:
        transfer_candidate(s, actors["district"], candidate_id=cid, expected_version=None, to_org_code=None,
                           transfer_date=None, document_number=" ", today=TODAY)
    assert refused.value.errors == ["Cần chọn chi bộ đến.", "Cần ghi «Ngày chuyển» (ngày/tháng/năm).", "Cần ghi «Số giấy giới thiệu sinh hoạt đảng»."]
    with pytest.raises(FormError) as refused:
        _transfer(engine, actors["district"], cid, when=date(2024, 3, 2))
    assert refused.value.errors == ["Ngày 02/03/2024 ở tương lai: chỉ ghi việc đã diễn ra."]
    with pytest.raises(FormError) as refused:
        _transfer(engine, actors["district"], cid, when=date(2023, 10, 1))
    assert refused.value.errors == ["Ngày chuyển 01/10/2023 trước 01/11/2023 (bước hoặc lần chuyển gần nhất)."]


def test_a_move_out_of_the_tree_leaves_a_certificate_listing_the_steps_and_their_documents(setup):
    engine, cid, actors = setup
    _transfer(engine, actors["district"], cid)
    with session_scope(engine) as s:
        version = s.get(Candidate, cid).version
        record_exit(s, actors["district"], candidate_id=cid, expected_version=version, exit_=Exit.TRANSFERRED,
                    event_date=date(2024, 2, 15), today=TODAY, reason="Chuyển sinh hoạt đảng đi tỉnh Nam Định",
                    document_number="09-GGT/HU")
    with session_scope(engine) as s:
        document = Document(io.BytesIO(transfer_certificate(s, actors["district"], cid, today=TODAY)))
    paragraphs = "\n".join(p.text for p in document.paragraphs)
    assert "GIẤY XÁC NHẬN QUÁ TRÌNH PHÁT TRIỂN ĐẢNG VIÊN" in paragraphs
    assert "Trần Văn Chuyển, sinh ngày 15/06/1995" in paragraphs
    assert "Đã ghi «Chuyển đi» ngày 15/02/2024; bước đã đạt: Hoàn thiện hồ sơ." in paragraphs
    assert "Ngày 01/02/2024: từ Chi bộ thôn A đến Chi bộ thôn C, số văn bản 05-GGT/ĐU." in paragraphs
    rows = [[c.text for c in row.cells] for row in document.tables[0].rows]
    assert rows[0] == ["Bước", "Ngày", "Số văn bản", "Ghi chú"]
    assert [r[:3] for r in rows[1:]] == [
        ["Quần chúng trong diện tạo nguồn", "01/03/2022", ""],
        ["Quần chúng ưu tú (cảm tình Đảng)", "01/09/2022", ""],
        ["Đã học lớp bồi dưỡng nhận thức về Đảng", "01/03/2023", ""],
        ["Hoàn thiện hồ sơ", "01/11/2023", ""],
        ["Hoàn thiện hồ sơ", "01/11/2023", "HS-17"],
        ["Chuyển đi", "15/02/2024", "09-GGT/HU"],
    ]


def _cancel(engine, actor, cid, when, document="12-QĐ/HU"):
    with session_scope(engine) as s:
        version = s.get(Candidate, cid).version
        record_exit(s, actor, candidate_id=cid, expected_version=version, exit_=Exit.CANCELLED, event_date=when,
                    today=date(2024, 12, 31), reason="Kết nạp sai: chưa thẩm tra lý lịch", document_number=document)


def test_a_cancelled_decision_no_longer_counts_in_the_years_admissions_while_a_removal_still_does(engine):
    with session_scope(engine) as s:
        orgs = district(s)
        cancelled = add_candidate(s, orgs["C1-A"], admitted_on(date(2024, 3, 1), ceremony=date(2024, 3, 20)))
        removed = add_candidate(s, orgs["C1-A"], admitted_on(date(2024, 3, 1), ceremony=date(2024, 3, 20)))
        add_candidate(s, orgs["C1-A"], admitted_on(date(2024, 4, 1)))
        actor = Actor("admin", Role.ADMIN, orgs["D"].path)
    def admitted():
        with session_scope(engine) as s:
            f = org_figures(s, resolve(s, actor, "C1"), year=2024, as_of=date(2024, 12, 31), rules=RULES).set_index("code")
            return f.loc["C1-A", "admitted"]
    assert admitted() == 3
    _cancel(engine, actor, cancelled.id, date(2024, 6, 1))
    with session_scope(engine) as s:
        version = s.get(Candidate, removed.id).version
        record_exit(s, actor, candidate_id=removed.id, expected_version=version, exit_=Exit.REMOVED,
                    event_date=date(2024, 7, 1), today=date(2024, 12, 31), reason="Vi phạm tư cách")
    assert admitted() == 2  # the removal from probation keeps its admission; the cancelled decision does not
    with session_scope(engine) as s:
        row = s.get(Candidate, cancelled.id)
        assert (row.exit, row.decision_date, row.admitted_date, row.stage) == ("cancelled", None, None, "committee_resolution")
        assert s.exec(select(func.count()).select_from(StageEvent).where(StageEvent.candidate_id == cancelled.id,
                                                                         StageEvent.stage == "decision")).one() == 1
        assert s.exec(select(AuditEntry).where(AuditEntry.entity_id == cancelled.id,
                                               AuditEntry.action == "record_exit")).one()


def test_a_cancellation_needs_the_committees_document_and_a_decision_to_cancel(engine):
    with session_scope(engine) as s:
        orgs = district(s)
        member = add_candidate(s, orgs["C1-A"], admitted_on(date(2024, 3, 1)))
        candidate = add_candidate(s, orgs["C1-A"], IN_DOSSIER)
        actor = Actor("admin", Role.ADMIN, orgs["D"].path)
    with pytest.raises(RuleViolation) as refused:
        _cancel(engine, actor, member.id, date(2024, 6, 1), document="")
    assert "cần số văn bản của cấp ủy có thẩm quyền" in str(refused.value)
    with pytest.raises(RuleViolation) as refused:
        _cancel(engine, actor, candidate.id, date(2024, 6, 1))
    assert "Không thể ghi «Hủy quyết định kết nạp do sai» khi ứng viên đang ở bước «Hoàn thiện hồ sơ»" in str(refused.value)


@pytest.fixture
def removed(engine):
    """A probationary member removed from the list on 01/06/2021."""
    with session_scope(engine) as s:
        orgs = district(s)
        person = add_candidate(s, orgs["C1-A"], admitted_on(date(2020, 3, 1), ceremony=date(2020, 3, 20)),
                               exit_=(Exit.REMOVED.value, date(2021, 6, 1)), full_name="Lê Thị Lại", female=True,
                               ethnicity="Kinh", religion="", qualification="none", occupation="farmer", **SPONSORS)
        actor = Actor("bithu.d", Role.SECRETARY, orgs["D"].path)
    return engine, person.id, actor


def _readmit(engine, actor, previous_id, when, org="C1-B"):
    with session_scope(engine) as s:
        return readmit(s, actor, previous_id=previous_id, org_code=org, source_date=when, consent_number="45-CV/TU",
                       consent_date=date(2024, 5, 20), today=date(2024, 12, 31), rules=RULES).id


def test_readmission_before_36_months_out_is_refused_citing_294(removed):
    engine, pid, actor = removed
    with pytest.raises(FormError) as refused:
        _readmit(engine, actor, pid, date(2024, 5, 31))  # 35 months and 30 days after 01/06/2021
    assert refused.value.errors == [
        "Kết nạp lại chỉ xét sau ít nhất 36 tháng kể từ khi ra khỏi Đảng (01/06/2021): sớm nhất ngày 01/06/2024 "
        "(Quy định 294-QĐ/TW, điểm 3.5; số tháng đọc qua bản tóm tắt, toàn văn chưa kiểm chứng)."]
    with session_scope(engine) as s:
        assert s.exec(select(func.count()).select_from(Candidate)).one() == 1


def test_readmission_after_36_months_makes_a_new_record_linked_to_the_old_one(removed):
    engine, pid, actor = removed
    new_id = _readmit(engine, actor, pid, date(2024, 6, 1))
    with session_scope(engine) as s:
        new, old = s.get(Candidate, new_id), s.get(Candidate, pid)
        assert (new.full_name, new.birth_date, new.female, new.stage, new.decision_date) == (
            "Lê Thị Lại", old.birth_date, True, "source", None)  # a new history: no decision, no probation yet
        assert new.org_path == resolve(s, actor, "C1-B").path
        assert (old.exit, old.decision_date) == ("removed", date(2020, 3, 1))  # the old record untouched
        link = s.exec(select(Readmission)).one()
        assert (link.previous_candidate_id, link.consent_number, link.consent_date) == (pid, "45-CV/TU", date(2024, 5, 20))
        assert readmission_link(s, actor, new_id).previous_id == pid
        assert readmission_link(s, actor, pid).next_id == new_id


def test_a_second_readmission_is_refused(removed):
    engine, pid, actor = removed
    new_id = _readmit(engine, actor, pid, date(2024, 6, 1))
    with pytest.raises(FormError) as refused:
        _readmit(engine, actor, pid, date(2024, 7, 1), org="C2-C")
    assert refused.value.errors == [
        f"Lê Thị Lại đã được kết nạp lại một lần (hồ sơ số {new_id}): chỉ được kết nạp lại một lần (Quy định 294-QĐ/TW, điểm 3.5)."]


def test_readmission_is_only_for_a_person_who_left_the_party(setup):
    engine, cid, actors = setup
    with pytest.raises(FormError) as refused:
        _readmit(engine, actors["district"], cid, date(2024, 2, 1))
    assert refused.value.errors[0].startswith("Trần Văn Chuyển chưa ra khỏi Đảng")
