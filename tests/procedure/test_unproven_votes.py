"""Resolutions whose two thirds can no longer be shown (recorded before the denominators were, or
imported without them) are listed for the admin and on the record, never rewritten or silently
accepted; a resolution recorded with its denominator, a voided one, a corrected one are not."""
from __future__ import annotations

from datetime import date

from sqlmodel import func, select

from core.access.scope import Actor, resolve
from core.config import RuleSettings
from core.procedure.candidates import candidate_history
from core.procedure.pipeline import record_stage, void_event
from core.procedure.rules import Vote
from core.procedure.stages import Role, Stage
from core.procedure.votes import unproven_notes, unproven_resolutions
from core.storage.db import session_scope
from core.storage.models import StageEvent
from tests.factories import add_candidate, admitted_on, district

RULES = RuleSettings()
TODAY = date(2024, 3, 1)
READY = {Stage.SOURCE: date(2022, 3, 1), Stage.OUTSTANDING: date(2022, 9, 1), Stage.CLASS_DONE: date(2023, 3, 1),
         Stage.DOSSIER: date(2023, 11, 1)}
SPONSORS = dict(sponsor1_name="Lê Văn B", sponsor1_since=date(2021, 1, 1),
                sponsor2_name="Phạm Thị C", sponsor2_since=date(2021, 6, 1))


def test_resolutions_without_their_denominator_are_listed_not_rewritten(engine):
    with session_scope(engine) as s:
        orgs = district(s)
        old = add_candidate(s, orgs["C1-A"], admitted_on(date(2023, 12, 1)), full_name="Trần Văn Cũ")  # two old resolutions
        recorded = add_candidate(s, orgs["C1-A"], READY, full_name="Lê Thị Mới", **SPONSORS)
        voided = add_candidate(s, orgs["C1-B"], READY, full_name="Phạm Văn Hủy", **SPONSORS)
        elsewhere = add_candidate(s, orgs["C2-C"], admitted_on(date(2023, 12, 1)))
        ids = (old.id, recorded.id, voided.id, elsewhere.id)
        secretary = Actor("bt", Role.SECRETARY, orgs["C1"].path)
    with session_scope(engine) as s:
        record_stage(s, secretary, candidate_id=ids[1], expected_version=None, stage=Stage.BRANCH_RESOLUTION,
                     event_date=date(2024, 1, 10), today=TODAY, rules=RULES,
                     vote=Vote(votes_for=10, present=10, members_total=14))
    with session_scope(engine) as s:  # an old-style resolution voided: nothing left to show
        s.add(StageEvent(
            candidate_id=ids[2], stage="branch_resolution", event_date=date(2024, 1, 5), votes_for=8, votes_total=10,
            recorded_by="old"))
    with session_scope(engine) as s:
        event_id = s.exec(select(func.max(StageEvent.id)).where(StageEvent.candidate_id == ids[2])).one()
        void_event(s, secretary, candidate_id=ids[2], expected_version=None, event_id=event_id, reason="Ghi nhầm")
    with session_scope(engine) as s:
        listed = unproven_resolutions(s, resolve(s, Actor("admin", Role.ADMIN, orgs["C1"].path), "C1"))
        history = candidate_history(s, secretary, ids[0])
        recorded_history = candidate_history(s, secretary, ids[1])
    assert [(r.candidate_id, r.full_name, r.stage, r.event_date) for r in listed.itertuples()] == [
        (ids[0], "Trần Văn Cũ", "Chi bộ đề nghị kết nạp", date(2022, 9, 1)),
        (ids[0], "Trần Văn Cũ", "Đảng ủy cơ sở đề nghị", date(2022, 10, 1)),
    ]  # not the one recorded with its 14 members, not the voided one, not C2's
    assert unproven_notes(history) == [
        "Nghị quyết «Chi bộ đề nghị kết nạp» ngày 01/09/2022: chưa ghi số đảng viên chính thức, chưa xác định được "
        "đã đạt 2/3 hay chưa (Điều lệ Đảng, Điều 4, khoản 3; Hướng dẫn 06-HD/TW, điểm 3.6b).",
        "Nghị quyết «Đảng ủy cơ sở đề nghị» ngày 01/10/2022: chưa ghi tổng số cấp ủy viên, chưa xác định được "
        "đã đạt 2/3 hay chưa (Điều lệ Đảng, Điều 4, khoản 3; Hướng dẫn 06-HD/TW, điểm 3.7a).",
    ]
    assert unproven_notes(recorded_history) == []
