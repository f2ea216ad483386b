"""Hostile uploads against both imports, on both databases: every file of HOSTILE_FILES gets a
Vietnamese message and leaves the database as it was (row counts and a hash of every table);
the 5 KB sheet declaring A1:XFD1048576 is refused before a single row is read."""
from __future__ import annotations

from datetime import date

import pytest
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from core.access.scope import operator
from core.config import RuleSettings
from core.format import fmt_number
from core.office import xlsx
from core.office.imports import ImportRefused, import_candidates, import_plans
from core.office.xlsx import MAX_COLUMNS, MAX_ROWS, WorkbookError, read_first_sheet
from core.storage.db import session_scope
from tests.factories import district
from tests.hostile.payloads import (
    HOSTILE_FILES,
    dimension_bomb,
    fingerprint,
    undeclared_rows,
)

RULES = RuleSettings()
TODAY = date(2026, 11, 20)
LIMIT = 5_000_000

EXPECTED = {
    "empty": "trống (0 byte)",
    "not_excel": "không phải tệp Excel (.xlsx)",
    "renamed_text": "không phải tệp Excel (.xlsx)",
    "old_xls": "Excel kiểu cũ (.xls)",
    "password": "được đặt mật khẩu",
    "zip_bomb": "giải nén ra",
    "dimension_bomb": f"có 1.048.576 dòng, vượt giới hạn {fmt_number(MAX_ROWS)} dòng",
    "too_many_rows": f"vượt giới hạn {fmt_number(MAX_ROWS)} dòng",
    "too_wide": f"có 16.384 cột, vượt giới hạn {MAX_COLUMNS} cột",
    "damaged": "bị hỏng",
}


def test_every_hostile_file_has_its_expected_message():
    assert set(EXPECTED) == set(HOSTILE_FILES)


@pytest.mark.parametrize("kind", ["candidates", "plans"])
@pytest.mark.parametrize("name", sorted(HOSTILE_FILES))
def test_a_hostile_file_is_refused_with_a_message_and_writes_nothing(engine, name, kind):
    with session_scope(engine) as s:
        district(s)
    before = fingerprint(engine)
    data = HOSTILE_FILES[name]()
    with session_scope(engine) as s, pytest.raises(ImportRefused) as refused:
        if kind == "candidates":
            import_candidates(s, operator(s), data=data, file_name="tep.xlsx", today=TODAY, rules=RULES, max_bytes=LIMIT)
        else:
            import_plans(s, operator(s), data=data, file_name="tep.xlsx", today=TODAY, max_bytes=LIMIT)
    [error] = refused.value.errors
    assert error.row == 0 and EXPECTED[name] in error.message, error.message
    assert error.message.startswith("Tệp «tep.xlsx»")
    assert fingerprint(engine) == before


@pytest.fixture
def rows_read(monkeypatch) -> list[int]:
    """How many rows openpyxl hands over, counted as they are read."""
    drawn = [0]
    real = ReadOnlyWorksheet._cells_by_row

    def counted(self, *args, **kwargs):
        for row in real(self, *args, **kwargs):
            drawn[0] += 1
            yield row

    monkeypatch.setattr(ReadOnlyWorksheet, "_cells_by_row", counted)
    return drawn


def test_a_declared_dimension_past_the_limits_is_refused_before_any_row_is_read(rows_read):
    bomb = dimension_bomb()
    assert len(bomb) < 10_000  # the attack: a few KB declaring 17 billion cells
    with pytest.raises(WorkbookError, match="vượt giới hạn"):
        read_first_sheet(bomb, file_name="bom.xlsx", max_bytes=LIMIT)
    assert rows_read[0] == 0


def test_rows_without_a_declared_size_are_read_only_up_to_the_limit(rows_read, monkeypatch):
    monkeypatch.setattr(xlsx, "MAX_ROWS", 100)
    with pytest.raises(WorkbookError, match="vượt giới hạn 100 dòng"):
        read_first_sheet(undeclared_rows(1_048_576), file_name="dai.xlsx", max_bytes=LIMIT)
    assert rows_read[0] == 101  # the first row past the limit stops the reading


def test_a_sheet_lying_about_its_size_is_read_as_stored():
    """A dimension claiming less than the sheet holds: rows as they are, never padded or cut."""
    rows = read_first_sheet(dimension_bomb("A1:A1", {"A1": "x", "C2": "y"}), file_name="a.xlsx", max_bytes=LIMIT)
    assert rows == [("x",), (None, None, "y")]
