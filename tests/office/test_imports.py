"""Excel imports: the round trip (export, import into an empty database, same figures), the
same file twice, and bad files, each with its message and the database left as it was."""
from __future__ import annotations

import io
import unicodedata
import zipfile
from datetime import date

import pandas as pd
import pytest
from openpyxl import Workbook
from sqlalchemy import func, text
from sqlmodel import select

from core.access.scope import Actor, ScopeError, operator, org_by_code, resolve
from core.config import RuleSettings
from core.figures.breakdowns import admitted_mix
from core.figures.funnel import funnel
from core.figures.progress import org_figures
from core.office import imports
from core.office.exports import candidate_fields, candidates_workbook, plans_workbook
from core.office.imports import ImportRefused, import_candidates, import_plans
from core.procedure.stages import Role, Stage
from core.storage import kept
from core.storage.db import make_engine, migrate, session_scope
from core.storage.models import (
    AuditEntry,
    Candidate,
    Organization,
    OrganizationEra,
    StageEvent,
    YearPlan,
)
from core.structure.tree import path_ids
from tests.factories import add_candidate, add_plan, admitted_on, district, versions

RULES = RuleSettings()
TODAY = date(2026, 11, 20)
LIMIT = 5_000_000
SPONSORS = dict(sponsor1_name="Trần Văn Một", sponsor1_since=date(2015, 1, 1), sponsor2_name="Lê Thị Hai",
                sponsor2_since=date(2015, 1, 1))
HEADERS = [f.column.header for f in candidate_fields()]


def workbook(rows: list[list[object]], headers: list[str] = HEADERS) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def person(**cells: object) -> list[object]:
    """A row of the candidate sheet: a valid source by default, cells given by header."""
    values = {"Mã tổ chức": "C1-A", "Họ và tên": "Phạm Văn Nguồn", "Ngày sinh": date(2000, 5, 6), "Nữ": "Không",
              "Dân tộc": "Kinh", "Tôn giáo": "Không", "Trình độ giáo dục phổ thông": "Trung học phổ thông",
              "Trình độ chuyên môn": "Chưa qua đào tạo", "Nghề nghiệp": "Nông dân",
              "Ngày vào diện tạo nguồn": date(2026, 3, 1)}
    values.update(cells)
    return [values.get(h) for h in HEADERS]


def counts(session) -> tuple[int, ...]:
    return tuple(session.exec(select(func.count()).select_from(model)).one()
                 for model in (Candidate, StageEvent, YearPlan, AuditEntry)) + (versions(session),)


def secretary(session, code: str) -> Actor:
    return Actor(username="bithu", role=Role.SECRETARY, root_path=org_by_code(session, code).path)


def figures(session) -> list:
    actor = operator(session)
    out = []
    for year, as_of in ((2023, date(2023, 12, 31)), (2026, TODAY)):
        rows = org_figures(session, resolve(session, actor, None), year=year, as_of=as_of, rules=RULES)
        out.append(rows.drop(columns=["id", "parent_id", "path"]).reset_index(drop=True))
        out.append(funnel(session, resolve(session, actor, None), year=year, as_of=as_of, rules=RULES))
        out.append(admitted_mix(session, resolve(session, actor, None), year=year, as_of=as_of, rules=RULES))
    return out


def assert_same(after: list, before: list) -> None:
    """The same figures (tables compared cell by cell, a missing figure equal to a missing one)."""
    for now, then in zip(after, before, strict=True):
        if isinstance(now, pd.DataFrame):
            pd.testing.assert_frame_equal(now, then)
        else:
            assert now == then


def small_district(session) -> None:
    orgs = district(session)
    add_plan(session, orgs["D"], 2023, 4, 120)
    add_plan(session, orgs["C1"], 2023, 2, 60)
    add_plan(session, orgs["S"], 2023, 1)
    add_plan(session, orgs["D"], 2026, 5, 125)
    add_candidate(session, orgs["C1-A"], admitted_on(date(2023, 2, 1), ceremony=date(2023, 2, 20)), female=True,
                  full_name="Nguyễn Thị Một", **SPONSORS)
    official = admitted_on(date(2023, 5, 5), ceremony=date(2023, 5, 19))
    add_candidate(session, orgs["C1-B"], {**official, Stage.OFFICIAL: date(2024, 6, 1)}, full_name="Đỗ Văn Hai",
                  new_member_class_date=date(2023, 8, 1), youth_union_member=True, **SPONSORS)
    add_candidate(session, orgs["S"], admitted_on(date(2023, 9, 2), grassroots_cell=True), birth=date(2004, 6, 1),
                  full_name="Vũ Học Sinh", occupation="high_school_student", **SPONSORS)
    add_candidate(session, orgs["C2-C"], {Stage.SOURCE: date(2025, 3, 1), Stage.OUTSTANDING: date(2026, 2, 1)},
                  full_name="Hoàng Văn Ba", ethnicity="Tày", ethnic_minority=True, religion="Phật giáo")
    stopped = add_candidate(session, orgs["C2-C"], {Stage.SOURCE: date(2024, 3, 1)}, exit_=("stopped", date(2025, 1, 10)),
                            full_name="Lý Thị Dừng")
    session.exec(select(StageEvent).where(StageEvent.candidate_id == stopped.id, StageEvent.stage == "stopped")
                 ).one().note = "Chuyển đi làm ăn xa"


def test_round_trip_export_then_import_into_an_empty_database_gives_the_same_figures(engine):
    with session_scope(engine) as s:
        small_district(s)
    with session_scope(engine) as s:
        before = figures(s)
        candidates, plans = candidates_workbook(s, resolve(s, operator(s), None)), plans_workbook(s, resolve(s, operator(s), None))
    with session_scope(engine) as s:  # keep the tree, empty everything else
        for table in ("dossier_paper", "stage_event", "candidate", "year_plan"):
            s.exec(text(f"DELETE FROM {table}"))
        kept.rebuild(s)  # raw deletes, which no write of the product makes: the kept counts follow
    with session_scope(engine) as s:
        assert counts(s)[:3] == (0, 0, 0)
        version = versions(s)
        made = import_candidates(s, operator(s), data=candidates, file_name="qc.xlsx", today=TODAY, rules=RULES,
                                 max_bytes=LIMIT)
        planned = import_plans(s, operator(s), data=plans, file_name="kh.xlsx", today=TODAY, max_bytes=LIMIT)
        assert (made.created, planned.created) == (5, 4)
        # Once per import, the version of each organization the import wrote below; not the data version.
        below = [{o for path in s.exec(select(Organization.path).where(Organization.id.in_(select(model.organization_id))))
                  for o in path_ids(path)} for model in (Candidate, YearPlan)]
        assert versions(s) == (version[0], {o: version[1].get(o, 0) + sum(o in ids for ids in below)
                                            for o in set().union(*below, version[1])})
    with session_scope(engine) as s:
        assert_same(figures(s), before)
        stopped = s.exec(select(StageEvent).where(StageEvent.stage == "stopped")).one()
        assert (stopped.recorded_by, stopped.event_date, stopped.note) == ("cli", date(2025, 1, 10), "Chuyển đi làm ăn xa")
        actions = s.exec(select(AuditEntry.action, func.count()).group_by(AuditEntry.action)).all()
        assert ("import_candidate", 5) in actions and ("import_plans", 4) in actions


def test_the_demo_district_round_trips(demo_db_file, tmp_path):
    source = make_engine(f"sqlite:///{demo_db_file}")
    target = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    migrate(target)
    with session_scope(source) as s:
        actor = operator(s)
        before = figures(s)
        candidates, plans = candidates_workbook(s, resolve(s, actor, None)), plans_workbook(s, resolve(s, actor, None))
        # The tree with its history (the reorganisation of 01/7/2025): the admin's, not the workbooks'.
        tree = [o.model_dump() for o in s.exec(select(Organization).order_by(Organization.depth, Organization.id)).all()]
        eras = [e.model_dump() for e in s.exec(select(OrganizationEra).order_by(OrganizationEra.id)).all()]
    with session_scope(target) as s:
        s.add_all(Organization(**o) for o in tree)
    with session_scope(target) as s:
        s.add_all(OrganizationEra(**e) for e in eras)
    with session_scope(target) as s:
        import_candidates(s, operator(s), data=candidates, file_name="qc.xlsx", today=TODAY, rules=RULES, max_bytes=LIMIT)
        import_plans(s, operator(s), data=plans, file_name="kh.xlsx", today=TODAY, max_bytes=LIMIT)
    with session_scope(target) as s:
        after = figures(s)
    in_2023 = after[0].set_index("code")
    assert (in_2023.loc["NB", "admitted"], in_2023.loc["KB", "admitted"], in_2023.loc["KB", "target"]) == (148, 148, 145)
    assert_same(after, before)
    source.dispose()
    target.dispose()


def test_importing_the_same_file_twice_adds_nothing(engine):
    with session_scope(engine) as s:
        district(s)
    data = workbook([person(), person(**{"Họ và tên": "Phạm  văn nguồn ", "Mã tổ chức": "C1-B"})])
    plans = workbook([["C1", 2026, 3, 50], ["C2", 2026, 2, None]], ["Mã tổ chức", "Năm", "Chỉ tiêu kết nạp", "Đảng viên đầu năm"])
    with session_scope(engine) as s:
        first = import_candidates(s, operator(s), data=data, file_name="a.xlsx", today=TODAY, rules=RULES, max_bytes=LIMIT)
        first_plans = import_plans(s, operator(s), data=plans, file_name="k.xlsx", today=TODAY, max_bytes=LIMIT)
    with session_scope(engine) as s:
        before = counts(s)
        again = import_candidates(s, operator(s), data=data, file_name="a.xlsx", today=TODAY, rules=RULES, max_bytes=LIMIT)
        again_plans = import_plans(s, operator(s), data=plans, file_name="k.xlsx", today=TODAY, max_bytes=LIMIT)
        assert counts(s) == before  # nothing written, not even the version
    assert (first.created, again.created, again.unchanged) == (2, 0, 2)
    assert (first_plans.created, again_plans.created, again_plans.updated, again_plans.unchanged) == (2, 0, 0, 2)
    changed = workbook([["C1", 2026, 4, 50]], ["Mã tổ chức", "Năm", "Chỉ tiêu kết nạp", "Đảng viên đầu năm"])
    with session_scope(engine) as s:
        result = import_plans(s, operator(s), data=changed, file_name="k2.xlsx", today=TODAY, max_bytes=LIMIT)
        assert (result.created, result.updated) == (0, 1)
        assert s.exec(select(func.sum(YearPlan.target))).one() == 6


def test_a_name_typed_with_combining_accents_is_the_same_person(engine):
    with session_scope(engine) as s:
        district(s)
    with session_scope(engine) as s:
        import_candidates(s, operator(s), data=workbook([person()]), file_name="a.xlsx", today=TODAY, rules=RULES,
                          max_bytes=LIMIT)
    nfd = workbook([person(**{"Họ và tên": unicodedata.normalize("NFD", "PHẠM VĂN NGUỒN")})])
    with session_scope(engine) as s:
        before = counts(s)
        again = import_candidates(s, operator(s), data=nfd, file_name="b.xlsx", today=TODAY, rules=RULES, max_bytes=LIMIT)
        assert counts(s) == before
    assert (again.created, again.unchanged) == (0, 1)


def test_the_same_person_added_meanwhile_refuses_the_file_naming_the_row(engine, monkeypatch):
    """Another import (or the form) wrote the person after this one looked: the database decides."""
    with session_scope(engine) as s:
        district(s)
    with session_scope(engine) as s:
        import_candidates(s, operator(s), data=workbook([person()]), file_name="a.xlsx", today=TODAY, rules=RULES,
                          max_bytes=LIMIT)
        existing = s.exec(select(Candidate.id)).one()
    monkeypatch.setattr(imports, "_existing_candidates", lambda session, orgs: set())  # it looked before the other wrote
    data = workbook([person(**{"Họ và tên": "Lê Văn Mới"}), person()])
    with session_scope(engine) as s:
        before = counts(s)
    with session_scope(engine) as s, pytest.raises(ImportRefused) as refused:
        import_candidates(s, operator(s), data=data, file_name="b.xlsx", today=TODAY, rules=RULES, max_bytes=LIMIT)
    [error] = refused.value.errors
    assert (error.row, error.column) == (3, "Họ và tên")
    assert error.message.startswith(f"«Phạm Văn Nguồn», sinh ngày 06/05/2000, đã có hồ sơ đang trong quy trình ở "
                                    f"Chi bộ thôn A (hồ sơ số {existing})")
    with session_scope(engine) as s:
        assert counts(s) == before  # not even the first row


def _zip_of_text() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "không phải Excel")
    return out.getvalue()


BAD_FILES = {
    "text": (b"Ho va ten;Ngay sinh\nA;1/1/2000", "không phải tệp Excel (.xlsx)"),
    "old xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "Excel kiểu cũ (.xls)"),
    "zip that is no workbook": (_zip_of_text(), "không phải tệp Excel (.xlsx)"),
    "header only": (workbook([]), "không có dòng dữ liệu nào"),
    "missing columns": (workbook([["C1-A", "Tên"]], ["Mã tổ chức", "Họ và tên"]),
                        "Thiếu cột bắt buộc: Ngày sinh, Nữ, Dân tộc, Tôn giáo, Trình độ giáo dục phổ thông, "
                        "Trình độ chuyên môn, Nghề nghiệp, Ngày vào diện tạo nguồn."),
    "extra column": (workbook([person() + ["?"]], HEADERS + ["Số điện thoại"]), "Cột «Số điện thoại» không có trong mẫu"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_a_bad_file_gets_its_message_and_changes_nothing(engine, name):
    data, message = BAD_FILES[name]
    with session_scope(engine) as s:
        district(s)
    with session_scope(engine) as s:
        before = counts(s)
        with pytest.raises(ImportRefused) as refused:
            import_candidates(s, operator(s), data=data, file_name="tep.xlsx", today=TODAY, rules=RULES, max_bytes=LIMIT)
        assert message in " ".join(e.message for e in refused.value.errors)
        assert str(refused.value).startswith("Chưa nhập gì")
    with session_scope(engine) as s:
        assert counts(s) == before


def test_a_file_over_the_limit_is_refused_before_it_is_opened(engine):
    with session_scope(engine) as s:
        district(s)
        data = workbook([person()])
        with pytest.raises(ImportRefused) as refused:
            import_candidates(s, operator(s), data=data, file_name="lon.xlsx", today=TODAY, rules=RULES,
                              max_bytes=len(data) - 1)
        assert "vượt giới hạn" in refused.value.errors[0].message
        assert counts(s)[0] == 0


def test_every_bad_row_is_listed_with_row_and_column_and_nothing_is_written(engine):
    with session_scope(engine) as s:
        district(s)
    rows = [
        person(),  # row 2: good, yet not written
        person(**{"Họ và tên": "Bạch Ngày Sai", "Ngày sinh": "31/02/2000"}),
        person(**{"Họ và tên": "Bạch Nữ Sai", "Nữ": "có lẽ"}),
        person(**{"Họ và tên": "Trẻ Quá", "Ngày sinh": date(2015, 1, 1)}),
        person(**{"Họ và tên": "Nghề Lạ", "Nghề nghiệp": "Phi hành gia"}),
        person(**{"Họ và tên": "Ngày Mai", "Ngày vào diện tạo nguồn": date(2027, 1, 1)}),
        person(**{"Họ và tên": "Nhảy Bước", "Ngày hoàn thiện hồ sơ": date(2026, 4, 1)}),
        person(**{"Họ và tên": "Xã Lạ", "Mã tổ chức": "C2"}),
        person(**{"Họ và tên": "Không Có", "Mã tổ chức": "ZZ"}),
        person(),  # row 11: the same person as row 2
        person(**{"Họ và tên": "Dừng Thiếu", "Ra khỏi quy trình": "Dừng xem xét", "Ngày ra khỏi quy trình": date(2026, 5, 1)}),
        person(**{"Họ và tên": ""}),
        person(**{"Họ và tên": "Thiếu Dân Tộc", "Dân tộc": None, "Tôn giáo": None}),  # never "Kinh" by default
    ]
    with session_scope(engine) as s:
        before = counts(s)
        with pytest.raises(ImportRefused) as refused:
            import_candidates(s, operator(s), data=workbook(rows), file_name="ds.xlsx", today=TODAY, rules=RULES,
                              max_bytes=LIMIT)
    found = {(e.row, e.column): e.message for e in refused.value.errors}
    assert found[(3, "Ngày sinh")].startswith("«31/02/2000» không phải ngày")
    assert found[(4, "Nữ")] == "«có lẽ» không hợp lệ: ghi Có hoặc Không."
    assert found[(5, "Ngày sinh")].startswith("Ngày sinh không hợp lệ")
    assert found[(6, "Nghề nghiệp")] == "Giá trị của «Nghề nghiệp» không có trong danh sách."
    assert "ở tương lai" in found[(7, "Ngày vào diện tạo nguồn")]
    assert "Chưa có bước trước" in found[(8, "Ngày hoàn thiện hồ sơ")]
    assert "không phải chi bộ" in found[(9, "Mã tổ chức")]
    assert "Không tìm thấy tổ chức đảng có mã «ZZ»" in found[(10, "Mã tổ chức")]
    assert found[(11, "Họ và tên")] == "Trùng với dòng 2 trong tệp."
    assert found[(12, "Lý do ra khỏi quy trình")] == "Cần ghi rõ lý do."
    assert found[(13, "Họ và tên")] == "Ô này bắt buộc phải ghi."
    assert found[(14, "Dân tộc")] == found[(14, "Tôn giáo")] == "Ô này bắt buộc phải ghi."
    assert not any(e.row == 2 for e in refused.value.errors)
    assert refused.value.errors == sorted(refused.value.errors, key=lambda e: e.row)
    with session_scope(engine) as s:
        assert counts(s) == before


def test_an_exception_needs_the_acknowledgement_column(engine):
    with session_scope(engine) as s:
        district(s)
    stages = {f"Ngày {name}": day for name, day in (
        ("vào diện tạo nguồn", date(2024, 1, 2)), ("là quần chúng ưu tú", date(2024, 6, 1)),
        ("cấp giấy chứng nhận lớp nhận thức về Đảng", date(2025, 1, 5)), ("hoàn thiện hồ sơ", date(2025, 6, 1)),
        ("nghị quyết chi bộ đề nghị kết nạp", date(2026, 3, 2)))}
    sponsors = {"Người giới thiệu 1": "A", "Người giới thiệu 1 công tác cùng từ ngày": date(2010, 1, 1),
                "Người giới thiệu 2": "B", "Người giới thiệu 2 công tác cùng từ ngày": date(2010, 1, 1)}
    old = person(**{"Họ và tên": "Cao Tuổi", "Ngày sinh": date(1964, 1, 1), **stages, **sponsors})
    with session_scope(engine) as s:
        with pytest.raises(ImportRefused) as refused:
            import_candidates(s, operator(s), data=workbook([old]), file_name="a.xlsx", today=TODAY, rules=RULES,
                              max_bytes=LIMIT)
        error = refused.value.errors[0]
        assert (error.row, error.column) == (2, "Đã có ý kiến đồng ý ngoại lệ")
        assert error.message.startswith("Cần xác nhận ngoại lệ: Quá 60 tuổi")
    acknowledged = person(**{"Họ và tên": "Cao Tuổi", "Ngày sinh": date(1964, 1, 1), **stages, **sponsors,
                             "Đã có ý kiến đồng ý ngoại lệ": "Có"})
    with session_scope(engine) as s:
        import_candidates(s, operator(s), data=workbook([acknowledged]), file_name="a.xlsx", today=TODAY, rules=RULES,
                          max_bytes=LIMIT)
    with session_scope(engine) as s:
        vote = s.exec(select(StageEvent).where(StageEvent.stage == "branch_resolution")).one()
        assert vote.acknowledged == "over_age"
        assert s.exec(select(Candidate.stage)).one() == "branch_resolution"


def test_a_secretary_imports_only_into_its_subtree_and_never_plans(engine):
    with session_scope(engine) as s:
        district(s)
    mine, theirs = person(**{"Mã tổ chức": "C1-B"}), person(**{"Mã tổ chức": "C2-C", "Họ và tên": "Người Xã Khác"})
    with session_scope(engine) as s:
        before = counts(s)
        with pytest.raises(ImportRefused) as refused:
            import_candidates(s, secretary(s, "C1"), data=workbook([mine, theirs]), file_name="a.xlsx", today=TODAY,
                              rules=RULES, max_bytes=LIMIT)
        assert [(e.row, e.column) for e in refused.value.errors] == [(3, "Mã tổ chức")]
        assert "ngoài phạm vi" in refused.value.errors[0].message
        assert counts(s) == before
        with pytest.raises(ScopeError):
            import_plans(s, secretary(s, "C1"), data=workbook([["C1-A", 2026, 1]], ["Mã tổ chức", "Năm", "Chỉ tiêu kết nạp"]),
                         file_name="k.xlsx", today=TODAY, max_bytes=LIMIT)
        leader = Actor(username="ld", role=Role.LEADER, root_path=org_by_code(s, "D").path)
        with pytest.raises(ScopeError):
            import_candidates(s, leader, data=workbook([mine]), file_name="a.xlsx", today=TODAY, rules=RULES,
                              max_bytes=LIMIT)
    with session_scope(engine) as s:
        result = import_candidates(s, secretary(s, "C1"), data=workbook([mine]), file_name="a.xlsx", today=TODAY,
                                   rules=RULES, max_bytes=LIMIT)
        assert result.created == 1
        assert s.exec(select(StageEvent.recorded_by, StageEvent.note)).one() == ("bithu", "Nhập từ tệp Excel «a.xlsx»")


def test_bad_plan_rows_use_the_grid_rules(engine):
    with session_scope(engine) as s:
        district(s)
    headers = ["Mã tổ chức", "Tên tổ chức", "Năm", "Chỉ tiêu kết nạp", "Đảng viên đầu năm"]
    rows = [["C1", "Đảng bộ xã C1", 2026, 3, 40], ["C2", "", 2026, -1, None], ["S", "", 2026, "2,5", None],
            ["C1-A", "", "hai nghìn", 1, None], ["C1", "", 2026, 4, None], ["C1-B", "", 2026, 1, "nhiều"]]
    with session_scope(engine) as s:
        before = counts(s)
        with pytest.raises(ImportRefused) as refused:
            import_plans(s, operator(s), data=workbook(rows, headers), file_name="k.xlsx", today=TODAY, max_bytes=LIMIT)
        found = {(e.row, e.column): e.message for e in refused.value.errors}
        assert found == {
            (3, "Chỉ tiêu kết nạp"): "Dòng «Đảng bộ xã C2», cột «Chỉ tiêu»: «-1» là số âm; chỉ ghi số nguyên không âm.",
            (4, "Chỉ tiêu kết nạp"): "Dòng «Chi bộ Trường THPT S», cột «Chỉ tiêu»: «2,5» không phải số nguyên (dấu phẩy "
                                     "là phần thập phân; hàng nghìn ngăn bằng dấu chấm, ví dụ 1.000).",
            (5, "Năm"): "Năm không hợp lệ: «hai nghìn» (từ 2000 đến 2027).",
            (6, "Mã tổ chức"): "Trùng với dòng 2 trong tệp.",
            (7, "Đảng viên đầu năm"): "Dòng «Chi bộ thôn B», cột «Đảng viên đầu năm»: «nhiều» không phải là số.",
        }
        assert counts(s) == before
