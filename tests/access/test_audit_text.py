"""Each audit entry as a Vietnamese sentence with names (core.access.audit_text): one
hand-written sentence per action the product records, then the names looked up in bulk
from the database, within the reader's scope."""
from __future__ import annotations

import json
from datetime import date, datetime, timezone

import pytest
from sqlmodel import select

from core.access.audit import audit_log
from core.access.audit_text import AuditNames, Stretch, audit_sentence
from core.access.scope import Actor
from core.config import RuleSettings, current_day
from core.format import fmt_date, fmt_datetime
from core.procedure.candidates import candidate_audit
from core.procedure.pipeline import record_stage
from core.procedure.stages import Role, Stage
from core.storage.db import session_scope
from core.storage.models import AuditEntry
from core.structure import restructure
from core.structure.organizations import move_organization, rename_organization
from tests.factories import add_candidate, district

AT = datetime(2026, 11, 22, 7, 5, tzinfo=timezone.utc)  # 14:05 in Vietnam
NAMES = AuditNames(
    candidates={7: "Nguyễn Văn A"},
    organizations={1: "Huyện ủy Kim Bảng", 2: "Đảng bộ HĐND & UBND huyện", 3: "Chi bộ Phòng Nội vụ",
                   4: "Đảng bộ xã Thanh Sơn", 5: "Đảng ủy xã Kim Thanh", 6: "Đảng bộ tỉnh Ninh Bình",
                   7: "Đảng ủy phường Kim Bảng"},
    users={9: "bithu.que", 5: "bithu.hdnd"},
    stretches={
        3: (Stretch(None, date(2025, 6, 30), "Chi bộ Phòng Nội vụ", "cell", 2),
            Stretch(date(2025, 7, 1), None, "Chi bộ Phòng Nội vụ", "cell", 4)),
        # renamed twice: each sentence names it as it was then, not as it is called now
        7: (Stretch(None, date(2025, 6, 30), "Đảng bộ thị trấn Quế", "grassroots_committee", 1),
            Stretch(date(2025, 7, 1), date(2026, 3, 31), "Đảng bộ phường Kim Bảng", "grassroots_committee", 6),
            Stretch(date(2026, 4, 1), None, "Đảng ủy phường Kim Bảng", "upper_committee", 6)),
    },
)
CANDIDATE = {"organization_id": 3, "full_name": "Nguyễn Văn A", "birth_date": "1998-04-02", "female": False,
             "ethnicity": "Kinh", "religion": "", "general_education": "upper_secondary", "qualification": "none",
             "occupation": "farmer", "stage": "dossier", "version": 4}
USER = {"id": 9, "username": "bithu.que", "display_name": "Bí thư Đảng ủy thị trấn Quế", "role": "secretary",
        "organization_id": 2, "active": True, "failed_attempts": 0, "locked_until": None}


def entry(action: str, entity: str, entity_id: int | None, before: dict | None = None, after: dict | None = None,
          username: str = "bithu.hdnd") -> AuditEntry:
    return AuditEntry(at=AT, username=username, action=action, entity=entity, entity_id=entity_id,
                      before=json.dumps(before, ensure_ascii=False) if before is not None else "",
                      after=json.dumps(after, ensure_ascii=False) if after is not None else "")


def change(**fields) -> dict:
    """The payload of a change of the tree (core.structure.restructure._recorded)."""
    return {"effective_date": "2025-07-01", "document_number": "", "organizations_moved": 0, "candidates_moved": 0,
            "users_moved": 0, "ended": [], "created": [], "sources": [], "targets": [], **fields}


def event(stage: str, when: str, **fields) -> dict:
    return {"stage": stage, "event_date": when, "document_number": "", "note": "", "votes_for": None,
            "votes_total": None, **fields}


CASES = [
    (entry("add_candidate", "candidate", 7, None,
           {**CANDIDATE, "stage": "source", "events": [event("source", "2026-03-01")]}),
     "14:05 22/11/2026 – bithu.hdnd thêm Nguyễn Văn A vào diện tạo nguồn của Chi bộ Phòng Nội vụ từ ngày 01/03/2026"),
    (entry("import_candidate", "candidate", 7, None, {**CANDIDATE, "events": [event("source", "2025-03-01")]}),
     "14:05 22/11/2026 – bithu.hdnd nhập từ Excel hồ sơ Nguyễn Văn A (Chi bộ Phòng Nội vụ), "
     "đang ở bước «Hoàn thiện hồ sơ»"),
    (entry("edit_candidate", "candidate", 7, CANDIDATE,
           {**CANDIDATE, "birth_date": "1998-05-02", "ethnicity": "Tày", "female": True, "occupation": "worker",
            "version": 5}),
     "14:05 22/11/2026 – bithu.hdnd sửa thông tin của Nguyễn Văn A: ngày sinh 02/04/1998 → 02/05/1998; "
     "nữ không → có; dân tộc «Kinh» → «Tày»; nghề nghiệp Nông dân → Công nhân"),
    (entry("edit_candidate", "candidate", 7, CANDIDATE, {**CANDIDATE, "version": 5}),
     "14:05 22/11/2026 – bithu.hdnd lưu thông tin của Nguyễn Văn A, không thay đổi gì"),
    (entry("record_stage", "candidate", 7, CANDIDATE,
           {**CANDIDATE, "stage": "branch_resolution",
            "event": event("branch_resolution", "2024-01-19", document_number="12-NQ/CB", votes_for=10,
                           votes_total=12)}),  # recorded before the denominators were (migration 0005)
     "14:05 22/11/2026 – bithu.hdnd ghi bước «Chi bộ đề nghị kết nạp» ngày 19/01/2024 cho Nguyễn Văn A, "
     "số văn bản 12-NQ/CB, 10 phiếu tán thành/12 dự họp, chưa ghi số đảng viên chính thức"),
    (entry("record_stage", "candidate", 7, CANDIDATE,
           {**CANDIDATE, "stage": "branch_resolution",
            "event": event("branch_resolution", "2024-01-19", votes_for=10, votes_total=12, members_total=15,
                           members_excused=1)}),
     "14:05 22/11/2026 – bithu.hdnd ghi bước «Chi bộ đề nghị kết nạp» ngày 19/01/2024 cho Nguyễn Văn A, "
     "10/14 phiếu tán thành, 12 dự họp, trừ 1 tạm chuyển hoặc miễn sinh hoạt"),
    (entry("record_exit", "candidate", 7, CANDIDATE,
           {**CANDIDATE, "exit": "stopped", "event": event("stopped", "2026-11-20", note="Chuyển công tác *xa*")}),
     "14:05 22/11/2026 – bithu.hdnd ghi «Dừng xem xét» ngày 20/11/2026 cho Nguyễn Văn A, "
     "lý do: «Chuyển công tác *xa*»"),
    (entry("void_event", "candidate", 7, CANDIDATE,
           {**CANDIDATE, "event": event("branch_resolution", "2024-01-19", note="Ghi nhầm ngày", voids=True)}),
     "14:05 22/11/2026 – bithu.hdnd hủy bước «Chi bộ đề nghị kết nạp» ngày 19/01/2024 của Nguyễn Văn A "
     "(ghi nhầm), lý do: «Ghi nhầm ngày»"),
    (entry("create_user", "user", 9, None, USER, username="admin"),
     "14:05 22/11/2026 – admin tạo tài khoản bithu.que (Bí thư Đảng ủy thị trấn Quế), vai trò «Bí thư», "
     "thuộc Đảng bộ HĐND & UBND huyện"),
    (entry("disable_user", "user", 9, USER, {**USER, "active": False}, username="admin"),
     "14:05 22/11/2026 – admin khóa tài khoản bithu.que"),
    (entry("enable_user", "user", 9, {**USER, "active": False}, USER, username="admin"),
     "14:05 22/11/2026 – admin mở lại tài khoản bithu.que"),
    (entry("set_temporary_password", "user", 9, USER, USER, username="admin"),
     "14:05 22/11/2026 – admin đặt mật khẩu tạm cho tài khoản bithu.que"),
    (entry("change_password", "user", 9, USER, USER, username="bithu.que"),
     "14:05 22/11/2026 – bithu.que đổi mật khẩu của tài khoản bithu.que"),
    (entry("set_reminders", "user", 9, USER, {**USER, "email": "bithu.que@kimbang.example", "digest": "weekly"},
           username="bithu.que"),
     "14:05 22/11/2026 – bithu.que đặt thư nhắc việc của tài khoản bithu.que: địa chỉ «bithu.que@kimbang.example»,"
     " Hằng tuần"),
    (entry("sign_in", "user", 5),
     "14:05 22/11/2026 – bithu.hdnd đăng nhập"),
    (entry("sign_out", "user", 5),
     "14:05 22/11/2026 – bithu.hdnd đăng xuất (mọi phiên trên mọi thiết bị)"),
    (entry("failed_sign_in", "user", 5, {**USER, "failed_attempts": 1}, {**USER, "failed_attempts": 2}),
     "14:05 22/11/2026 – Đăng nhập sai mật khẩu vào tài khoản bithu.hdnd (lần thứ 2 liên tiếp)"),
    (entry("lock_user", "user", 5, USER, {**USER, "locked_until": "2026-11-22 07:20:00+00:00"}),
     "14:05 22/11/2026 – Tài khoản bithu.hdnd bị tạm khóa đến 14:20 22/11/2026 do nhập sai mật khẩu nhiều lần"),
    (entry("add_organization", "organization", 3, None,
           {"name": "Chi bộ Phòng Nội vụ", "parent_id": 2, "kind": "cell"}, username="admin"),
     "14:05 22/11/2026 – admin thêm Chi bộ Phòng Nội vụ (Chi bộ trực thuộc) trực thuộc Đảng bộ HĐND & UBND huyện"),
    (entry("rename_organization", "organization", 3, {"name": "Chi bộ Phòng Nội Vụ"},
           {"name": "Chi bộ Phòng Nội vụ"}, username="admin"),
     "14:05 22/11/2026 – admin đổi tên «Chi bộ Phòng Nội Vụ» thành «Chi bộ Phòng Nội vụ»"),
    (entry("move_organization", "organization", 3, {"parent_id": 2}, {"parent_id": 4}, username="admin"),
     "14:05 22/11/2026 – admin chuyển Chi bộ Phòng Nội vụ từ Đảng bộ HĐND & UBND huyện sang Đảng bộ xã Thanh Sơn"),
    (entry("deactivate_organization", "organization", 3, {"active": True}, {"active": False}, username="admin"),
     "14:05 22/11/2026 – admin cho Chi bộ Phòng Nội vụ ngừng hoạt động"),
    (entry("activate_organization", "organization", 3, {"active": False}, {"active": True}, username="admin"),
     "14:05 22/11/2026 – admin cho Chi bộ Phòng Nội vụ hoạt động trở lại"),
    (entry("set_youth_union", "organization", 3, {"has_youth_union": False}, {"has_youth_union": True},
           username="admin"),
     "14:05 22/11/2026 – admin ghi: Chi bộ Phòng Nội vụ có tổ chức Đoàn"),
    (entry("set_authorized", "organization", 2, {"authorized": False}, {"authorized": True}, username="admin"),
     "14:05 22/11/2026 – admin ghi: Đảng bộ HĐND & UBND huyện được ủy quyền quyết định kết nạp"),
    (entry("save_plans", "organization", 2, {"year": 2027, "target": 5, "members_start": 146},
           {"year": 2027, "target": 6, "members_start": 146}, username="admin"),
     "14:05 22/11/2026 – admin lưu kế hoạch năm 2027 của Đảng bộ HĐND & UBND huyện: chỉ tiêu 5 → 6"),
    (entry("save_plans", "organization", 2, None, {"year": 2027, "target": 1200, "members_start": None},
           username="admin"),
     "14:05 22/11/2026 – admin lưu kế hoạch năm 2027 của Đảng bộ HĐND & UBND huyện: chỉ tiêu 1.200; "
     "đảng viên đầu năm (trống)"),
    (entry("import_plans", "organization", 2, None, {"year": 2027, "target": 6, "members_start": 150},
           username="admin"),
     "14:05 22/11/2026 – admin nhập từ Excel kế hoạch năm 2027 của Đảng bộ HĐND & UBND huyện: chỉ tiêu 6; "
     "đảng viên đầu năm 150"),
    (entry("load_demo", "database", None, None, {"organizations": 236, "candidates": 1100, "events": 4850},
           username="demo"),
     "14:05 22/11/2026 – demo nạp dữ liệu mẫu: 236 tổ chức, 1.100 quần chúng, 4.850 sự kiện"),
    (entry("load_synth", "database", None, None,
           {"tier": "province", "organizations": 5000, "candidates": 100000, "events": 600000}, username="synth"),
     "14:05 22/11/2026 – synth nạp dữ liệu tổng hợp cấp «province»: 5.000 tổ chức, 100.000 quần chúng, "
     "600.000 sự kiện"),
    # issue 16: the calendar, transfers inside the tree, re-admission
    (entry("add_day_override", "calendar", 1, None, {"id": 1, "day": "2025-11-24", "working": False,
                                                     "note": "Ngày Văn hóa Việt Nam"}, username="admin"),
     "14:05 22/11/2026 – admin thêm ngày nghỉ 24/11/2025 vào lịch làm việc, căn cứ: «Ngày Văn hóa Việt Nam»"),
    (entry("add_day_override", "calendar", 2, None, {"id": 2, "day": "2025-11-22", "working": True,
                                                     "note": "Làm bù"}, username="admin"),
     "14:05 22/11/2026 – admin thêm ngày làm việc 22/11/2025 vào lịch làm việc, căn cứ: «Làm bù»"),
    (entry("remove_day_override", "calendar", 1, {"id": 1, "day": "2025-11-24", "working": False, "note": "x"},
           username="admin"),
     "14:05 22/11/2026 – admin bỏ thay đổi ngày 24/11/2025 khỏi lịch làm việc (trước đó: ngày nghỉ)"),
    (entry("transfer_candidate", "candidate", 7, CANDIDATE,
           {**CANDIDATE, "organization_id": 4, "transfer": {"from_organization_id": 3, "to_organization_id": 4,
                                                            "transfer_date": "2026-11-20", "document_number": "05-GGT/ĐU"}}),
     "14:05 22/11/2026 – bithu.hdnd chuyển sinh hoạt Nguyễn Văn A từ Chi bộ Phòng Nội vụ đến Đảng bộ xã Thanh Sơn "
     "ngày 20/11/2026, số văn bản 05-GGT/ĐU"),
    (entry("readmit", "candidate", 7, None, {"readmission": {"previous_candidate_id": 3, "consent_number": "45-CV/TU",
                                                             "consent_date": "2026-05-20"}}),
     "14:05 22/11/2026 – bithu.hdnd kết nạp lại Nguyễn Văn A (hồ sơ trước: số 3), văn bản đồng ý của Tỉnh ủy số "
     "45-CV/TU ngày 20/05/2026"),
    # issue 17: the changes of the tree with an effective date
    (entry("restructure_move", "organization", 3, None,
           change(document_number="15-QĐ/HU", organizations_moved=1, candidates_moved=12, sources=[3], targets=[4]),
           username="admin"),
     "14:05 22/11/2026 – admin chuyển Chi bộ Phòng Nội vụ từ Đảng bộ HĐND & UBND huyện sang Đảng bộ xã Thanh Sơn, "
     "hiệu lực từ ngày 01/07/2025, số văn bản 15-QĐ/HU; chuyển theo: 1 tổ chức, 12 hồ sơ quần chúng"),
    (entry("restructure_merge", "organization", 4, None,
           change(organizations_moved=18, users_moved=3, ended=["Đảng bộ HĐND & UBND huyện"], sources=[2], targets=[4]),
           username="admin"),
     "14:05 22/11/2026 – admin sáp nhập Đảng bộ HĐND & UBND huyện vào Đảng bộ xã Thanh Sơn, hiệu lực từ ngày "
     "01/07/2025; chuyển theo: 18 tổ chức, 3 tài khoản"),
    (entry("restructure_merge", "organization", 5, None,
           change(document_number="1234-QĐ/TU", organizations_moved=27, candidates_moved=91, users_moved=2,
                  ended=["Đảng bộ HĐND & UBND huyện", "Đảng bộ xã Thanh Sơn"], created=["Đảng ủy xã Kim Thanh"],
                  sources=[2, 4], targets=[5, 5]), username="admin"),
     "14:05 22/11/2026 – admin hợp nhất Đảng bộ HĐND & UBND huyện, Đảng bộ xã Thanh Sơn thành Đảng ủy xã Kim Thanh "
     "(thành lập mới), hiệu lực từ ngày 01/07/2025, số văn bản 1234-QĐ/TU; chuyển theo: 27 tổ chức, "
     "91 hồ sơ quần chúng, 2 tài khoản"),
    (entry("restructure_split", "organization", 1, None,
           change(organizations_moved=33, users_moved=2, ended=["Huyện ủy Kim Bảng"], created=["Đảng ủy xã Kim Thanh"],
                  sources=[1, 1], targets=[5, 4]), username="admin"),
     "14:05 22/11/2026 – admin chia tách Huyện ủy Kim Bảng, chuyển các tổ chức trực thuộc về Đảng ủy xã Kim Thanh, "
     "Đảng bộ xã Thanh Sơn (thành lập mới: Đảng ủy xã Kim Thanh), hiệu lực từ ngày 01/07/2025; chuyển theo: "
     "33 tổ chức, 2 tài khoản"),
    (entry("restructure_split", "organization", 2, None,
           change(organizations_moved=2, ended=["Đảng bộ HĐND & UBND huyện"], sources=[2], targets=[4]),
           username="admin"),
     "14:05 22/11/2026 – admin chia tách Đảng bộ HĐND & UBND huyện, chuyển các tổ chức trực thuộc về "
     "Đảng bộ xã Thanh Sơn, hiệu lực từ ngày 01/07/2025; chuyển theo: 2 tổ chức"),
    (entry("restructure_dissolve", "organization", 3, None,
           change(document_number="20-QĐ/ĐU", users_moved=1, ended=["Chi bộ Phòng Nội vụ"], sources=[3]),
           username="admin"),
     "14:05 22/11/2026 – admin giải thể Chi bộ Phòng Nội vụ từ ngày 01/07/2025 (hoạt động đến hết ngày 30/06/2025), "
     "số văn bản 20-QĐ/ĐU; chuyển theo: 1 tài khoản"),
    (entry("restructure_rename", "organization", 7, None, change(), username="admin"),
     "14:05 22/11/2026 – admin đổi tên «Đảng bộ thị trấn Quế» thành «Đảng bộ phường Kim Bảng» từ ngày 01/07/2025"),
    (entry("restructure_rename", "organization", 7, None,
           change(effective_date="2026-04-01", document_number="05-QĐ/TU"), username="admin"),
     "14:05 22/11/2026 – admin đổi «Đảng bộ phường Kim Bảng» (Đảng bộ cơ sở) thành «Đảng ủy phường Kim Bảng» "
     "(Đảng bộ cấp trên cơ sở) từ ngày 01/04/2026, số văn bản 05-QĐ/TU"),
    (entry("restructure_new_root", "organization", 6, None,
           change(organizations_moved=237, created=["Đảng bộ tỉnh Ninh Bình"], sources=[1], targets=[6]),
           username="admin"),
     "14:05 22/11/2026 – admin lập Đảng bộ tỉnh Ninh Bình ở trên Huyện ủy Kim Bảng, hiệu lực từ ngày 01/07/2025; "
     "chuyển theo: 237 tổ chức"),
]


@pytest.mark.parametrize(("audit", "sentence"), CASES, ids=[f"{e.action}-{i}" for i, (e, _) in enumerate(CASES)])
def test_each_action_reads_as_a_vietnamese_sentence(audit, sentence):
    assert audit_sentence(audit, NAMES) == sentence


def test_every_recorded_action_has_its_own_sentence():
    """Each action written by a record_audit call in core has a case above (none falls back)."""
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parents[2] / "core"
    written = set()
    for path in root.rglob("*.py"):
        text = path.read_text()
        if any(call in text for call in ("record_audit(", "create_candidates(", "write_plans(")):
            written |= set(re.findall(r'action="(\w+)"', text))
            written |= set(re.findall(r'"(\w+_organization)" if', text))
            written |= set(re.findall(r'"((?:en|dis)able_user)"', text))
    written |= {"record_stage", "record_exit", "void_event", "lock_user", "failed_sign_in", "import_plans"}
    written |= {f"restructure_{kind}" for kind in restructure.KINDS}  # action=f"restructure_{outcome.kind}"
    assert written <= {e.action for e, _ in CASES}


def test_without_personal_data_a_candidate_is_not_named():
    hidden = AuditNames(organizations=NAMES.organizations)
    audit, _ = CASES[4]
    assert audit_sentence(audit, hidden).startswith(
        "14:05 22/11/2026 – bithu.hdnd ghi bước «Chi bộ đề nghị kết nạp» ngày 19/01/2024 cho một quần chúng")


def test_an_unknown_action_reads_by_its_label():
    assert audit_sentence(entry("future_thing", "database", None), NAMES) == "14:05 22/11/2026 – bithu.hdnd: future_thing"


def test_the_log_and_the_trail_name_people_and_organizations_from_the_database(engine):
    with session_scope(engine) as s:
        orgs = district(s)
        person = add_candidate(s, orgs["C1-A"], {Stage.SOURCE: date(2025, 3, 1)}, full_name="Trần Thị Bình")
        person_id, path = person.id, orgs["D"].path
        secretary = Actor("bithu.c1", Role.SECRETARY, orgs["C1"].path)
        admin = Actor("admin", Role.ADMIN, path)
    with session_scope(engine) as s:
        record_stage(s, secretary, candidate_id=person_id, expected_version=None, stage=Stage.OUTSTANDING,
                     event_date=date(2025, 9, 1), today=date(2026, 11, 22), rules=RuleSettings(),
                     document_number="3-NQ/CB")
        rename_organization(s, admin, org_code="C1-A", name="Chi bộ thôn An", expected_version=None)
        move_organization(s, admin, org_code="C1-A", new_parent_code="C2", expected_version=None)
    with session_scope(engine) as s:
        log = audit_log(s, admin)
        trail = candidate_audit(s, Actor("lanhdao", Role.LEADER, path), person_id)
        ats = s.exec(select(AuditEntry.at).order_by(AuditEntry.id)).all()
    stage_at, rename_at, move_at = (fmt_datetime(a) for a in ats)
    assert list(log["sentence"]) == [
        f"{move_at} – admin chuyển Chi bộ thôn An từ Đảng bộ xã C1 sang Đảng bộ xã C2, hiệu lực từ ngày "
        f"{fmt_date(current_day())}; chuyển theo: 1 tổ chức, 1 hồ sơ quần chúng",
        f"{rename_at} – admin đổi tên «Chi bộ thôn A» thành «Chi bộ thôn An»",
        f"{stage_at} – bithu.c1 ghi bước «Quần chúng ưu tú (cảm tình Đảng)» ngày 01/09/2025 cho Trần Thị Bình, số văn bản 3-NQ/CB",
    ]
    assert list(trail["sentence"]) == [log["sentence"].iloc[2]]


def test_the_changes_of_the_tree_read_with_the_names_they_had_from_the_database(engine):
    """A dated rename names the organization as it was called before and from that day, even
    after a later rename; a merge names the organizations merged and the one they went into."""
    today = date(2026, 11, 22)
    with session_scope(engine) as s:
        orgs = district(s)
        admin = Actor("admin", Role.ADMIN, orgs["D"].path)
    with session_scope(engine) as s:
        restructure.rename(s, admin, org_code="C1", name="Đảng ủy xã Một", effective_date=date(2025, 7, 1), today=today,
                           document_number="12-QĐ/TU")
    with session_scope(engine) as s:
        restructure.rename(s, admin, org_code="C1", name="Đảng ủy xã Kim Một", effective_date=date(2026, 1, 1),
                           today=today)
    with session_scope(engine) as s:
        restructure.merge(s, admin, source_codes=["C2"], target_code="C1", effective_date=date(2026, 3, 1),
                          today=today)
    with session_scope(engine) as s:
        sentences = [line.split(" – ", 1)[1] for line in audit_log(s, admin)["sentence"]]
    assert sentences == [
        "admin sáp nhập Đảng bộ xã C2 vào Đảng ủy xã Kim Một, hiệu lực từ ngày 01/03/2026; chuyển theo: 1 tổ chức",
        "admin đổi tên «Đảng ủy xã Một» thành «Đảng ủy xã Kim Một» từ ngày 01/01/2026",
        "admin đổi tên «Đảng bộ xã C1» thành «Đảng ủy xã Một» từ ngày 01/07/2025, số văn bản 12-QĐ/TU",
    ]
