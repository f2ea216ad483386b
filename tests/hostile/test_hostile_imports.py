"""Imports under attack, on both databases: names typed in NFD (Unikey's composite Unicode,
macOS) and two imports of the same file at the same moment never add a person or a plan twice,
and the loser is told in Vietnamese."""
from __future__ import annotations

import io
import threading
import unicodedata
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook
from sqlmodel import select

from core.access.scope import operator, resolve
from core.cli.demo import load_demo
from core.config import RuleSettings
from core.office import imports
from core.office.exports import candidate_fields, candidates_workbook
from core.office.imports import ImportRefused, import_candidates, import_plans
from core.procedure.pipeline import CandidateInput
from core.storage.db import session_scope
from core.storage.models import Candidate, YearPlan
from tests.factories import district
from tests.hostile.payloads import count, fingerprint, rewrite_member

RULES = RuleSettings()
TODAY = date(2026, 11, 20)
LIMIT = 5_000_000
HEADERS = [f.column.header for f in candidate_fields()]


def to_nfd(data: bytes) -> bytes:
    """The same workbook with every text cell (headers, codes, names, choices) in NFD."""
    book = load_workbook(io.BytesIO(data))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.value = unicodedata.normalize("NFD", cell.value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_branchs_export_in_nfd_imported_again_adds_nothing(engine):
    with session_scope(engine) as s:
        load_demo(s)
    with session_scope(engine) as s:
        branch = resolve(s, operator(s), "KB-HDND")
        exported = candidates_workbook(s, branch)
    nfd = to_nfd(exported)
    assert nfd != exported and "ễ" not in load_workbook(io.BytesIO(nfd)).active.cell(2, 3).value
    before = fingerprint(engine)
    with session_scope(engine) as s:
        result = import_candidates(s, operator(s), data=nfd, file_name="hdnd-nfd.xlsx", today=TODAY, rules=RULES,
                                   max_bytes=LIMIT)
    assert result.created == 0 and result.unchanged > 50  # the branch's people, every one recognised
    assert fingerprint(engine) == before


def test_every_stored_name_is_nfc_whatever_was_typed():
    nfd = unicodedata.normalize("NFD", "  Nguyễn   Thị  Hồng ")
    data = CandidateInput(full_name=nfd, ethnicity=unicodedata.normalize("NFD", "Mường"),
                          sponsor1_name=unicodedata.normalize("NFD", "Lê Văn Bảo "))
    assert (data.full_name, data.ethnicity, data.sponsor1_name) == ("Nguyễn Thị Hồng", "Mường", "Lê Văn Bảo")
    assert all(unicodedata.is_normalized("NFC", v) for v in (data.full_name, data.ethnicity, data.sponsor1_name))


def people_file(n: int = 20) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for i in range(n):
        values = {"Mã tổ chức": "C1-A", "Họ và tên": f"Nguyễn Văn Người {i}", "Ngày sinh": date(1990, 1, 1 + i),
                  "Nữ": "Không", "Dân tộc": "Kinh", "Tôn giáo": "Không",
                  "Trình độ giáo dục phổ thông": "Trung học phổ thông", "Trình độ chuyên môn": "Chưa qua đào tạo",
                  "Nghề nghiệp": "Nông dân", "Ngày vào diện tạo nguồn": date(2026, 3, 1)}
        sheet.append([values.get(h) for h in HEADERS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def plans_file() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["Mã tổ chức", "Năm", "Chỉ tiêu kết nạp", "Đảng viên đầu năm"])
    for code in ("D", "C1", "C2", "C1-A", "C1-B", "C2-C", "S"):
        sheet.append([code, 2026, 3, 40])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def at_the_same_moment(engine, run, monkeypatch, module, hook: str, *, before: bool = False) -> list[object]:
    """Run `run(session)` in two threads, each in its own transaction, both past the lookup of
    what is already there before either writes: a barrier after the first call of `module.hook`
    (the lookup), or, with `before`, ahead of it (the first write)."""
    barrier = threading.Barrier(2, timeout=30)
    waited = threading.local()
    real = getattr(module, hook)

    def looked_then_wait(*args, **kwargs):
        first = not getattr(waited, "done", False)
        waited.done = True
        if first and before:
            barrier.wait()
        found = real(*args, **kwargs)
        if first and not before:
            barrier.wait()
        return found

    monkeypatch.setattr(module, hook, looked_then_wait)
    results: list[object] = []

    def worker() -> None:
        try:
            with session_scope(engine) as s:
                results.append(run(s))
        except Exception as exc:  # the outcome is asserted by the caller, whatever it is
            results.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(90)
    return results


@pytest.mark.parametrize("attempt", range(3))
def test_two_imports_of_the_same_candidates_at_once_add_each_person_once(engine, monkeypatch, attempt):
    with session_scope(engine) as s:
        district(s)
    data = people_file()
    results = at_the_same_moment(
        engine, lambda s: import_candidates(s, operator(s), data=data, file_name="qc.xlsx", today=TODAY, rules=RULES,
                                            max_bytes=LIMIT),
        monkeypatch, imports, "_existing_candidates")
    created = [r.created for r in results if isinstance(r, imports.ImportResult)]
    refused = [r for r in results if not isinstance(r, imports.ImportResult)]
    assert created == [20] and len(refused) == 1, results
    assert isinstance(refused[0], ImportRefused), repr(refused[0])
    assert str(refused[0]).startswith("Chưa nhập gì")
    assert "đã có hồ sơ đang trong quy trình" in refused[0].errors[0].message
    with session_scope(engine) as s:
        keys = s.exec(select(Candidate.identity_key)).all()
    assert len(keys) == len(set(keys)) == 20


@pytest.mark.parametrize("attempt", range(3))
def test_two_imports_of_the_same_plans_at_once_write_each_plan_once(engine, monkeypatch, attempt):
    with session_scope(engine) as s:
        district(s)
    data = plans_file()
    results = at_the_same_moment(
        engine, lambda s: import_plans(s, operator(s), data=data, file_name="kh.xlsx", today=TODAY, max_bytes=LIMIT),
        monkeypatch, imports, "write_plans", before=True)
    created = [r.created for r in results if isinstance(r, imports.ImportResult)]
    refused = [r for r in results if not isinstance(r, imports.ImportResult)]
    assert created == [7] and len(refused) == 1, results
    assert isinstance(refused[0], ImportRefused), repr(refused[0])
    assert refused[0].errors[0].message.startswith("Một lần nhập khác vừa ghi cùng những bản ghi này")
    assert count(engine, "year_plan") == 7
    with session_scope(engine) as s:
        assert sorted(p.target for p in s.exec(select(YearPlan)).all()) == [3] * 7


def test_plans_with_numbers_no_column_can_hold_are_refused_cell_by_cell(engine):
    with session_scope(engine) as s:
        district(s)
    book = Workbook()
    sheet = book.active
    sheet.append(["Mã tổ chức", "Năm", "Chỉ tiêu kết nạp", "Đảng viên đầu năm"])
    for code, target in (("C1", 123456789), ("C2", 1e300), ("C1-A", "9" * 400), ("C1-B", "1e400"),
                         ("C2-C", "٣"), ("S", 2**31)):
        sheet.append([code, 2026, target, 40])
    out = io.BytesIO()
    book.save(out)
    data = rewrite_member(out.getvalue(), "xl/worksheets/sheet1.xml",  # openpyxl cannot write a 400-digit number
                          lambda xml: xml.replace(b"<v>123456789</v>", b"<v>" + b"9" * 400 + b"</v>"))
    before = fingerprint(engine)
    with session_scope(engine) as s, pytest.raises(ImportRefused) as refused:
        import_plans(s, operator(s), data=data, file_name="kh.xlsx", today=TODAY, max_bytes=LIMIT)
    messages = {e.row: e.message for e in refused.value.errors}
    assert sorted(messages) == [2, 3, 4, 5, 6, 7]
    assert all("quá lớn (tối đa 2.147.483.647)" in messages[row] for row in (2, 3, 4, 7)), messages
    assert all("không phải là số" in messages[row] for row in (5, 6)), messages
    assert all(len(m) < 200 for m in messages.values())
    assert fingerprint(engine) == before
