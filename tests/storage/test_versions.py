"""Each write raises the versions of the views it changes and no other (core.storage.versions):
a candidate's write the organizations on every path it stands or stood on, a plan's those on
its organization's paths, the tree and the calendar the data version every view keys on; the
accounts neither. So an edit in one commune leaves the other commune's views warm."""
from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import delete, select

from core.access.scope import Actor, org_by_code, resolve
from core.access.users import create_user
from core.config import RuleSettings
from core.office.exports import candidates_workbook, plans_workbook
from core.office.imports import import_candidates, import_plans
from core.procedure.days_off import add_day_override
from core.procedure.dossier import PaperKind
from core.procedure.papers import record_paper
from core.procedure.pipeline import (
    CandidateInput,
    add_candidate,
    edit_candidate,
    record_exit,
    record_stage,
    void_event,
)
from core.procedure.stages import Exit, OrgKind, Role, Stage
from core.procedure.transfers import transfer_candidate
from core.storage import kept
from core.storage.db import session_scope
from core.storage.models import Candidate, Organization, StageEvent
from core.storage.versions import bump_paths, view_version
from core.structure.organizations import rename_organization
from core.structure.plans import PlanRow, save_plans
from core.structure.restructure import move
from tests.factories import add_candidate as make_candidate
from tests.factories import add_org, admitted_on, district, raised, versions

RULES = RuleSettings()
TODAY = date(2026, 11, 20)
LISTED = {Stage.SOURCE: date(2025, 3, 1)}
PERSON = CandidateInput(full_name="Trần Thị Lan", birth_date=date(2001, 2, 3), female=True, ethnicity="Kinh",
                        religion="", general_education="upper_secondary", qualification="none", occupation="farmer")


@pytest.fixture
def tree(engine):
    with session_scope(engine) as s:
        orgs = district(s)
        in_a = make_candidate(s, orgs["C1-A"], LISTED)
        ids = {code: org.id for code, org in orgs.items()}
        ids["candidate"] = in_a.id
    admin = Actor("admin", Role.ADMIN, "/1/")
    return engine, ids, admin


def _raised_by(engine, write) -> tuple[int, dict[int, int]]:
    """How much each version went up for one write, in its own transaction."""
    with session_scope(engine) as s:
        before = versions(s)
    with session_scope(engine) as s:
        write(s)
    with session_scope(engine) as s:
        return raised(versions(s), before)


def _path(ids: dict, *codes: str) -> dict[int, int]:
    return {ids[code]: 1 for code in codes}


def _version(s, candidate_id: int) -> int:
    return s.get(Candidate, candidate_id).version


def _last_event(s, candidate_id: int) -> int:
    return s.exec(select(StageEvent.id).where(StageEvent.candidate_id == candidate_id)
                  .order_by(StageEvent.id.desc())).first()


def test_each_write_about_a_candidate_raises_the_organizations_on_its_path_and_nothing_else(tree):
    engine, ids, admin = tree
    cid = ids["candidate"]
    a_path = _path(ids, "D", "C1", "C1-A")
    writes = {
        "paper": lambda s: record_paper(s, admin, candidate_id=cid, expected_version=_version(s, cid),
                                        kind=PaperKind.APPLICATION, issue_date=date(2025, 11, 1), today=TODAY,
                                        rules=RULES),
        "stage": lambda s: record_stage(s, admin, candidate_id=cid, expected_version=_version(s, cid),
                                        stage=Stage.OUTSTANDING, event_date=date(2025, 9, 1), today=TODAY,
                                        rules=RULES),
        "details": lambda s: edit_candidate(s, admin, candidate_id=cid, expected_version=_version(s, cid),
                                            data=CandidateInput(**{**vars(PERSON), "birth_date": date(1995, 6, 15)}),
                                            today=TODAY),
        "correction": lambda s: void_event(s, admin, candidate_id=cid, expected_version=_version(s, cid),
                                           event_id=_last_event(s, cid), reason="Ghi nhầm ngày"),
    }
    for name, write in writes.items():
        assert _raised_by(engine, write) == (0, a_path), name
    added = _raised_by(engine, lambda s: add_candidate(s, admin, org_code="C2-C", data=PERSON,
                                                       source_date=date(2026, 3, 1), today=TODAY, rules=RULES))
    assert added == (0, _path(ids, "D", "C2", "C2-C"))
    left = _raised_by(engine, lambda s: record_exit(s, admin, candidate_id=cid, expected_version=_version(s, cid),
                                                    exit_=Exit.STOPPED, event_date=date(2026, 1, 5), today=TODAY,
                                                    reason="Không còn phấn đấu"))
    assert left == (0, a_path)


def test_a_transfer_raises_both_chi_bo_and_their_communes(tree):
    engine, ids, admin = tree
    cid = ids["candidate"]
    moved = _raised_by(engine, lambda s: transfer_candidate(
        s, admin, candidate_id=cid, expected_version=_version(s, cid), to_org_code="C2-C",
        transfer_date=date(2026, 2, 1), document_number="05-GGT", today=TODAY))
    assert moved == (0, _path(ids, "D", "C1", "C1-A", "C2", "C2-C"))
    # A second move on the same day keeps no stretch in C2-C: C2-C's views change all the same.
    again = _raised_by(engine, lambda s: transfer_candidate(
        s, admin, candidate_id=cid, expected_version=_version(s, cid), to_org_code="C1-B",
        transfer_date=date(2026, 2, 1), document_number="06-GGT", today=TODAY))
    assert again == (0, _path(ids, "D", "C1", "C1-A", "C1-B", "C2", "C2-C"))


def test_plans_raise_the_organizations_above_them_and_imports_those_above_their_rows(tree):
    engine, ids, admin = tree
    planned = _raised_by(engine, lambda s: save_plans(s, admin, parent_code="C1", year=2026,
                                                      rows=[PlanRow("C1-B", "3", "", 0)]))
    assert planned == (0, _path(ids, "D", "C1", "C1-B"))
    with session_scope(engine) as s:
        save_plans(s, admin, parent_code="C2", year=2026, rows=[PlanRow("C2-C", "4", "", 0)])
    with session_scope(engine) as s:
        plans = plans_workbook(s, resolve(s, admin, "C2"))
        save_plans(s, admin, parent_code="C2", year=2026, rows=[PlanRow("C2-C", "5", "", 1)])
    imported_plans = _raised_by(engine, lambda s: import_plans(s, admin, data=plans, file_name="kh.xlsx",
                                                               today=TODAY, max_bytes=10_000_000))
    assert imported_plans == (0, _path(ids, "D", "C2", "C2-C"))  # C2-C's plan back as the file had it
    with session_scope(engine) as s:
        workbook = candidates_workbook(s, resolve(s, admin, "C1-A"))
    with session_scope(engine) as s:  # the chi bộ's candidate goes (raw, as no write of the product does), the file adds it back
        for table in (StageEvent, Candidate):
            s.exec(delete(table))
        kept.rebuild(s)  # the raw deletes passed no kept count: counted again, as `core.cli recount` would
    imported = _raised_by(engine, lambda s: import_candidates(s, admin, data=workbook, file_name="qc.xlsx", today=TODAY,
                                                              rules=RULES, max_bytes=10_000_000))
    assert imported == (0, _path(ids, "D", "C1", "C1-A"))


def test_the_tree_and_the_calendar_raise_the_data_version_and_accounts_nothing(tree):
    engine, ids, admin = tree
    assert _raised_by(engine, lambda s: rename_organization(s, admin, org_code="C2", name="Đảng bộ xã Mới",
                                                            expected_version=None)) == (1, {})
    assert _raised_by(engine, lambda s: add_day_override(s, admin, day=date(2026, 12, 15), working=False,
                                                         note="Ngày Văn hóa Việt Nam")) == (1, {})
    assert _raised_by(engine, lambda s: create_user(
        s, username="bithu.c2", display_name="Bí thư C2", password="Mat-khau-du-dai-2026", role=Role.SECRETARY.value,
        organization=org_by_code(s, "C2"), created_by="admin")) == (0, {})


def test_on_the_dated_tree_a_write_raises_where_the_candidate_stood_before_a_move(tree):
    """C1-A moved under C2 on 01/7/2025: its candidate's steps before then counted under C1,
    and C1's views of 2025 change when one of them is written."""
    engine, ids, admin = tree
    cid = ids["candidate"]
    assert _raised_by(engine, lambda s: move(s, admin, org_code="C1-A", new_parent_code="C2",
                                             effective_date=date(2025, 7, 1), today=TODAY))[0] == 1
    written = _raised_by(engine, lambda s: edit_candidate(s, admin, candidate_id=cid, expected_version=_version(s, cid),
                                                          data=PERSON, today=TODAY))
    assert written == (0, _path(ids, "D", "C1", "C2", "C1-A"))


def test_a_write_rolled_back_raises_nothing_and_a_view_reads_both_counters_at_once(tree):
    engine, ids, _admin = tree
    with session_scope(engine) as s:
        before = versions(s)
        assert view_version(s, ids["C2"]) == (before[0], before[1].get(ids["C2"], 0))
    with pytest.raises(RuntimeError), session_scope(engine) as s:
        bump_paths(s, [s.get(Candidate, ids["candidate"]).org_path])
        raise RuntimeError("the write fails")
    with session_scope(engine) as s:
        assert versions(s) == before
        bump_paths(s, ["/%d/%d/" % (ids["D"], ids["C2"])])
    with session_scope(engine) as s:
        assert view_version(s, ids["C2"]) == (before[0], before[1].get(ids["C2"], 0) + 1)
        assert view_version(s, ids["C1"]) == (before[0], before[1].get(ids["C1"], 0))


def test_a_correction_raises_the_views_a_moved_chi_bo_shows_in_with_the_admissions_it_made_before(tree):
    """Admitted in C1-A in 2024, then transferred to C1-B; C1-A moved under C2 on 01/7/2025.
    C2's alerts show C1-A with its years of admissions, that one included: correcting it
    raises C2 as well, though the candidate never stood under C2."""
    engine, ids, admin = tree
    with session_scope(engine) as s:
        admitted = make_candidate(s, s.get(Organization, ids["C1-A"]), admitted_on(date(2024, 3, 1)),
                                  full_name="Lê Văn Kết Nạp")
        transfer_candidate(s, admin, candidate_id=admitted.id, expected_version=admitted.version, to_org_code="C1-B",
                           transfer_date=date(2024, 6, 1), document_number="07-GGT", today=TODAY)
        admitted_id = admitted.id
    with session_scope(engine) as s:
        move(s, admin, org_code="C1-A", new_parent_code="C2", effective_date=date(2025, 7, 1), today=TODAY)
    corrected = _raised_by(engine, lambda s: edit_candidate(
        s, admin, candidate_id=admitted_id, expected_version=_version(s, admitted_id),
        data=CandidateInput(**{**vars(PERSON), "full_name": "Lê Văn Kết Nạp", "birth_date": date(1995, 6, 15)}),
        today=TODAY))
    assert corrected == (0, _path(ids, "D", "C1", "C1-A", "C1-B", "C2"))


def test_a_plan_raises_the_views_its_former_parent_shows_in_now(engine):
    """Y stood under P (under C1) until 01/3/2026, then directly under C1; P moved under C2 on
    01/7/2026. Y's 2026 target counts among P's children's for the months Y stood there, and P
    shows on C2's screens: writing it raises C2 as well."""
    admin = Actor("admin", Role.ADMIN, "/1/")
    with session_scope(engine) as s:
        orgs = district(s)
        p = add_org(s, "P", orgs["C1"], kind=OrgKind.SUB_COMMITTEE, name="Đảng bộ bộ phận P")
        add_org(s, "Y", p, name="Chi bộ Y")
        ids = {code: org.id for code, org in (*orgs.items(), ("P", p))}
    with session_scope(engine) as s:
        move(s, admin, org_code="Y", new_parent_code="C1", effective_date=date(2026, 3, 1), today=TODAY)
    with session_scope(engine) as s:
        move(s, admin, org_code="P", new_parent_code="C2", effective_date=date(2026, 7, 1), today=TODAY)
        ids["Y"] = org_by_code(s, "Y").id
    planned = _raised_by(engine, lambda s: save_plans(s, admin, parent_code="C1", year=2026,
                                                      rows=[PlanRow("Y", "2", "", 0)]))
    assert planned == (0, _path(ids, "D", "C1", "P", "Y", "C2"))
