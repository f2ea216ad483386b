"""The monthly cảm tình list: who stands on it at the end of a month (recognized as outstanding,
not yet decided, not stopped), by chi bộ, as Word and Excel files, in the caller's scope."""
from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document
from openpyxl import load_workbook

from core.access.scope import Actor, ScopeError, resolve
from core.office.lists import list_docx, list_workbook, outstanding_list
from core.procedure.stages import Role, Stage
from core.storage.db import session_scope
from tests.factories import add_candidate, district


def commune_c1(session):
    """In Đảng bộ xã C1: An (A, outstanding since 10/01/2024, class 20/02/2024), Bình (A, outstanding
    from 02/04/2024), Cường (B, decided 15/03/2024), Dung (B, stopped 10/02/2024), Gấm (B, a source
    only); and Hải in Đảng bộ xã C2."""
    orgs = district(session)
    add_candidate(session, orgs["C1-A"], {Stage.SOURCE: date(2023, 6, 1), Stage.OUTSTANDING: date(2024, 1, 10),
                                          Stage.CLASS_DONE: date(2024, 2, 20)},
                  full_name="Nguyễn Văn An", birth=date(2000, 5, 6), helper_name="Trần Văn Giúp")
    add_candidate(session, orgs["C1-A"], {Stage.SOURCE: date(2023, 6, 1), Stage.OUTSTANDING: date(2024, 4, 2)},
                  full_name="Lê Thị Bình")
    add_candidate(session, orgs["C1-B"], {Stage.SOURCE: date(2022, 6, 1), Stage.OUTSTANDING: date(2023, 5, 1),
                                          Stage.CLASS_DONE: date(2023, 7, 1), Stage.DOSSIER: date(2023, 10, 1),
                                          Stage.BRANCH_RESOLUTION: date(2023, 11, 1),
                                          Stage.COMMITTEE_RESOLUTION: date(2023, 12, 1),
                                          Stage.DECISION: date(2024, 3, 15)}, full_name="Phạm Văn Cường")
    add_candidate(session, orgs["C1-B"], {Stage.SOURCE: date(2023, 1, 1), Stage.OUTSTANDING: date(2023, 6, 1)},
                  exit_=("stopped", date(2024, 2, 10)), full_name="Vũ Thị Dung")
    add_candidate(session, orgs["C1-B"], {Stage.SOURCE: date(2023, 1, 1)}, full_name="Đỗ Thị Gấm")
    add_candidate(session, orgs["C2-C"], {Stage.SOURCE: date(2023, 1, 1), Stage.OUTSTANDING: date(2023, 6, 1)},
                  full_name="Hoàng Văn Hải")
    return orgs


def admin(orgs) -> Actor:
    return Actor("admin", Role.ADMIN, orgs["D"].path)


@pytest.mark.parametrize(("month", "names"), [
    # An is outstanding from the 10th: on the list of January too. Chi bộ A first, then B.
    (1, ["Nguyễn Văn An", "Phạm Văn Cường", "Vũ Thị Dung"]),
    (2, ["Nguyễn Văn An", "Phạm Văn Cường"]),
    (3, ["Nguyễn Văn An"]),
    (4, ["Lê Thị Bình", "Nguyễn Văn An"]),
])
def test_the_list_holds_those_outstanding_at_the_months_end_not_yet_decided_nor_stopped(engine, month, names):
    with session_scope(engine) as s:
        orgs = commune_c1(s)
        frame = outstanding_list(s, resolve(s, admin(orgs), "C1"), year=2024, month=month)
    assert list(frame["full_name"]) == names


def test_each_row_says_chi_bo_since_when_helper_and_class(engine):
    with session_scope(engine) as s:
        orgs = commune_c1(s)
        january = outstanding_list(s, resolve(s, admin(orgs), "C1"), year=2024, month=1)
        march = outstanding_list(s, resolve(s, admin(orgs), "C1"), year=2024, month=3)
    an = march.iloc[0]
    assert (an["org_name"], an["outstanding_date"], an["helper_name"], an["class_done_date"], an["stage"]) == (
        "Chi bộ thôn A", date(2024, 1, 10), "Trần Văn Giúp", date(2024, 2, 20), "class_done")
    # In January the class was still to come: not done, and the step reached was "outstanding".
    assert (january.iloc[0]["class_done_date"], january.iloc[0]["stage"]) == (None, "outstanding")
    cuong = january[january["full_name"] == "Phạm Văn Cường"].iloc[0]
    assert cuong["stage"] == "committee_resolution"


def test_the_word_list_has_the_heading_of_the_dang_uy_and_a_row_each(engine):
    with session_scope(engine) as s:
        orgs = commune_c1(s)
        data = list_docx(s, resolve(s, admin(orgs), "C1"), year=2024, month=1, signed_on=date(2024, 2, 1))
    document = Document(io.BytesIO(data))
    heading = [p.text for p in document.tables[0].rows[0].cells[0].paragraphs]
    assert heading == ["ĐẢNG BỘ HUYỆN D", "ĐẢNG ỦY XÃ C1", "*", "Số    -DS/ĐU"]
    body = [p.text for p in document.paragraphs]
    assert "quần chúng ưu tú (cảm tình Đảng) tháng 01/2024" in body
    assert "Tổ chức đảng: Đảng bộ xã C1. Tổng số: 3 quần chúng." in body
    rows = [[c.text for c in row.cells] for row in document.tables[1].rows]
    assert rows[0] == ["TT", "Họ và tên", "Ngày sinh", "Chi bộ", "Quần chúng ưu tú từ ngày", "Đảng viên giúp đỡ",
                       "Lớp bồi dưỡng nhận thức về Đảng"]
    assert rows[1] == ["1", "Nguyễn Văn An", "06/05/2000", "Chi bộ thôn A", "10/01/2024", "Trần Văn Giúp", "Chưa học"]
    assert [r[1] for r in rows[1:]] == ["Nguyễn Văn An", "Phạm Văn Cường", "Vũ Thị Dung"]
    signature = [p.text for p in document.tables[-1].rows[0].cells[1].paragraphs if p.text]
    assert signature[0] == "T/M ĐẢNG ỦY"


def test_the_excel_list_has_the_same_rows(engine):
    with session_scope(engine) as s:
        orgs = commune_c1(s)
        data = list_workbook(s, resolve(s, admin(orgs), "C1"), year=2024, month=3)
    sheet = load_workbook(io.BytesIO(data)).active
    rows = [row for row in sheet.iter_rows(values_only=True) if any(v is not None for v in row)]
    names = [r[0] for r in rows]
    assert "Nguyễn Văn An" in names and "Lê Thị Bình" not in names and "Hoàng Văn Hải" not in names
    an = rows[names.index("Nguyễn Văn An")]
    assert an[2] == "Chi bộ thôn A" and an[4] == "Trần Văn Giúp" and an[6] == "Đã học lớp bồi dưỡng nhận thức về Đảng"


def test_the_list_stays_in_the_callers_scope(engine):
    with session_scope(engine) as s:
        orgs = commune_c1(s)
        other = Actor("bithu.c2", Role.SECRETARY, orgs["C2"].path)
        assert list(outstanding_list(s, resolve(s, other, None), year=2024, month=3)["full_name"]) == ["Hoàng Văn Hải"]
        with pytest.raises(ScopeError):
            resolve(s, other, "C1")
        with pytest.raises(ScopeError):
            outstanding_list(s, resolve(s, Actor("tc", Role.PROJECTOR, orgs["D"].path), "C1"), year=2024, month=3)
