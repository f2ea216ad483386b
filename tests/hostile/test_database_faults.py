"""Hostile cases for the database: over-long texts, numbers no column holds, a database that is
locked, refuses or cannot be reached. Each is tried on SQLite and on PostgreSQL, and each ends in
a Vietnamese message and a database left exactly as it was (row counts and a hash of the data
tables).
"""
from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pytest
from openpyxl import Workbook
from sqlalchemy import event, text
from sqlalchemy.engine import Engine

from core.access.scope import Actor, operator
from core.access.users import admin_create_user
from core.config import RuleSettings
from core.format import fmt_number
from core.i18n import t
from core.office.exports import candidate_fields, plan_fields
from core.office.imports import ImportRefused, import_candidates, import_plans
from core.procedure.pipeline import (
    CandidateInput,
    FormError,
    add_candidate,
    edit_candidate,
    record_exit,
    record_stage,
    void_event,
)
from core.procedure.rules import Vote
from core.procedure.stages import Exit, Role, Stage
from core.storage.db import make_engine, session_scope
from core.storage.faults import (
    DatabaseBusyError,
    DatabaseRefusedError,
    DatabaseUnavailableError,
)
from core.storage.limits import INTEGER_MAX
from core.storage.models import Candidate, StageEvent, YearPlan
from core.structure.organizations import add_organization, rename_organization
from core.structure.plans import PlanRow, save_own_plan, save_plans
from tests.factories import add_candidate as add_stages
from tests.factories import district

RULES = RuleSettings()
TODAY = date(2026, 11, 20)
LIMIT = 5_000_000
DATA_TABLES = ("organization", "year_plan", "candidate", "stage_event", "app_user", "audit_entry", "data_version",
               "subtree_version")


def database_state(engine: Engine) -> tuple[dict[str, int], str]:
    """Row counts of the data tables and one hash of all their rows."""
    digest = hashlib.sha256()
    counts = {}
    with engine.connect() as conn:
        for table in DATA_TABLES:
            rows = conn.execute(text(f"SELECT * FROM {table} ORDER BY 1")).all()
            counts[table] = len(rows)
            digest.update(repr(rows).encode())
    return counts, digest.hexdigest()


def person(**changes: object) -> CandidateInput:
    """A candidate every check accepts, but for `changes`."""
    fields = dict(full_name="Phạm Văn Nguồn", birth_date=date(2000, 5, 6), female=False, ethnicity="Kinh",
                  religion="", general_education="upper_secondary", qualification="none", occupation="farmer")
    return CandidateInput(**{**fields, **changes})


def secretary(orgs) -> Actor:
    return Actor(username="bithu", role=Role.SECRETARY, root_path=orgs["C1"].path)


def too_long(field: str, length: int, limit: int) -> str:
    return t("limit.too_long", field=field, length=fmt_number(length), max=fmt_number(limit))


class NumberCell(str):
    """A number cell holding exactly this literal (openpyxl cannot write a 400-digit number)."""


def workbook(headers: list[str], rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    literals = {}
    for row in rows:
        cells = []
        for value in row:
            if isinstance(value, NumberCell):
                placeholder = 987_654_000 + len(literals)
                literals[f"<v>{placeholder}</v>"] = f"<v>{value}</v>"
                value = placeholder
            cells.append(value)
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    if not literals:
        return out.getvalue()
    patched = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as source, zipfile.ZipFile(patched, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text_ = content.decode()
                for placeholder, literal in literals.items():
                    text_ = text_.replace(placeholder, literal)
                content = text_.encode()
            target.writestr(item, content)
    return patched.getvalue()


CANDIDATE_HEADERS = [f.column.header for f in candidate_fields()]
PLAN_HEADERS = [f.column.header for f in plan_fields()]


def candidate_row(**cells: object) -> list[object]:
    values = {"Mã tổ chức": "C1-A", "Họ và tên": "Phạm Văn Nguồn", "Ngày sinh": date(2000, 5, 6), "Nữ": "Không",
              "Dân tộc": "Kinh", "Tôn giáo": "Không", "Trình độ giáo dục phổ thông": "Trung học phổ thông",
              "Trình độ chuyên môn": "Chưa qua đào tạo", "Nghề nghiệp": "Nông dân",
              "Ngày vào diện tạo nguồn": date(2026, 3, 1)}
    values.update(cells)
    return [values.get(h) for h in CANDIDATE_HEADERS]


@pytest.fixture
def orgs(engine):
    with session_scope(engine) as s:
        return district(s)


# --- Field lengths: the same message on both databases, nothing written -----------------------------------------

def test_ethnicity_of_70_characters_is_refused_naming_the_field_and_the_limit(engine, orgs):
    before = database_state(engine)
    with pytest.raises(FormError) as refused, session_scope(engine) as s:
        add_candidate(s, secretary(orgs), org_code="C1-A", data=person(ethnicity="Mường" + "x" * 65),
                      source_date=date(2026, 3, 1), today=TODAY, rules=RULES)
    assert refused.value.errors == ["«Dân tộc» dài 70 ký tự, quá mức tối đa 64 ký tự; hãy rút gọn."]
    assert database_state(engine) == before


def test_document_number_of_103_characters_is_refused_and_nothing_written(engine, orgs):
    with session_scope(engine) as s:
        candidate_id = add_stages(s, orgs["C1-A"], {Stage.SOURCE: date(2025, 3, 1)}).id
    before = database_state(engine)
    with pytest.raises(FormError) as refused, session_scope(engine) as s:
        record_stage(s, secretary(orgs), candidate_id=candidate_id, expected_version=None, stage=Stage.OUTSTANDING,
                     event_date=date(2026, 3, 1), today=TODAY, rules=RULES, document_number="12/NQ-CB" + "9" * 95)
    assert refused.value.errors == ["«Số văn bản» dài 103 ký tự, quá mức tối đa 64 ký tự; hãy rút gọn."]
    assert database_state(engine) == before


@pytest.mark.parametrize(("field", "label", "limit"), [
    ("full_name", "Họ và tên", 255), ("ethnicity", "Dân tộc", 64), ("religion", "Tôn giáo", 64),
    ("helper_name", "Đảng viên giúp đỡ", 255), ("sponsor1_name", "Người giới thiệu 1", 255),
    ("sponsor2_name", "Người giới thiệu 2", 255),
])
def test_every_text_of_a_candidate_is_measured_against_its_column(engine, orgs, field, label, limit):
    assert Candidate.__table__.c[field].type.length == limit  # the limit is the column's, read from the model
    before = database_state(engine)
    with pytest.raises(FormError) as refused, session_scope(engine) as s:
        add_candidate(s, secretary(orgs), org_code="C1-A", data=person(**{field: "ễ" * (limit + 1)}),
                      source_date=date(2026, 3, 1), today=TODAY, rules=RULES)
    assert too_long(label, limit + 1, limit) in refused.value.errors
    assert database_state(engine) == before


def test_texts_at_their_limit_are_written_whole_on_both_databases(engine, orgs):
    with session_scope(engine) as s:
        added = add_candidate(s, secretary(orgs), org_code="C1-A",
                              data=person(full_name="Nguyễn " + "ễ" * 248, ethnicity="ễ" * 64, helper_name="ễ" * 255),
                              source_date=date(2026, 3, 1), today=TODAY, rules=RULES)
        candidate_id = added.id
    with session_scope(engine) as s:
        stored = s.get(Candidate, candidate_id)
        assert (len(stored.full_name), stored.ethnicity, len(stored.helper_name)) == (255, "ễ" * 64, 255)


def test_an_edit_with_an_over_long_sponsor_writes_nothing(engine, orgs):
    with session_scope(engine) as s:
        added = add_candidate(s, secretary(orgs), org_code="C1-A", data=person(), source_date=date(2026, 3, 1),
                              today=TODAY, rules=RULES)
        candidate_id, version = added.id, added.version
    before = database_state(engine)
    with pytest.raises(FormError) as refused, session_scope(engine) as s:
        edit_candidate(s, secretary(orgs), candidate_id=candidate_id, expected_version=version,
                       data=person(sponsor1_name="Trần " * 60), today=TODAY)
    assert refused.value.errors == [too_long("Người giới thiệu 1", 299, 255)]
    assert database_state(engine) == before


def test_over_long_reasons_and_document_numbers_of_exits_and_corrections_write_nothing(engine, orgs):
    with session_scope(engine) as s:
        candidate_id = add_stages(s, orgs["C1-A"], {Stage.SOURCE: date(2025, 3, 1)}).id
        event_id = s.exec(text("SELECT id FROM stage_event")).scalar()
    before = database_state(engine)
    with pytest.raises(FormError) as refused, session_scope(engine) as s:
        record_exit(s, secretary(orgs), candidate_id=candidate_id, expected_version=None, exit_=Exit.STOPPED,
                    event_date=date(2026, 3, 1), today=TODAY, reason="x" * 2001, document_number="1" * 65)
    assert refused.value.errors == [too_long("Số văn bản", 65, 64), too_long("Lý do", 2001, 2000)]
    with pytest.raises(FormError) as refused, session_scope(engine) as s:
        void_event(s, secretary(orgs), candidate_id=candidate_id, expected_version=None, event_id=event_id,
                   reason="y" * 2500)
    assert refused.value.errors == [too_long("Lý do", 2500, 2000)]
    assert database_state(engine) == before


def test_over_long_names_of_users_and_organizations_write_nothing(engine, orgs):
    with session_scope(engine) as s:
        admin = operator(s)
    before = database_state(engine)
    with pytest.raises(FormError) as refused, session_scope(engine) as s:
        admin_create_user(s, admin, username="can.bo", display_name="Cán bộ " * 40, role="secretary",
                          org_code="C1", temporary_password="Tam-thoi-2024")
    assert refused.value.errors == [too_long("Họ tên hiển thị", 279, 255)]
    with pytest.raises(FormError) as refused, session_scope(engine) as s:
        add_organization(s, admin, parent_code="C1", code="C1-X", name="Chi bộ " * 40, kind="cell", sector="rural")
    assert refused.value.errors == [too_long("Tên", 279, 255)]
    with pytest.raises(FormError) as refused, session_scope(engine) as s:
        rename_organization(s, admin, org_code="C1-A", name="Thôn " * 60, expected_version=None)
    assert refused.value.errors == [too_long("Tên", 299, 255)]
    with pytest.raises(FormError), session_scope(engine) as s:
        add_organization(s, admin, parent_code="C1", code="X" * 65, name="Chi bộ X", kind="cell", sector="rural")
    assert database_state(engine) == before


def test_an_import_with_over_long_cells_names_each_and_writes_nothing(engine, orgs):
    rows = [candidate_row(), candidate_row(**{"Họ và tên": "Lê Văn Hai", "Dân tộc": "D" * 70}),
            candidate_row(**{"Họ và tên": "Lê Văn Ba", "Đảng viên giúp đỡ": "G" * 300}),
            candidate_row(**{"Họ và tên": "Lê Văn Bốn", "Ra khỏi quy trình": "Dừng xem xét", "Ngày ra khỏi quy trình":
                             date(2026, 4, 1), "Lý do ra khỏi quy trình": "L" * 2001})]
    before = database_state(engine)
    with pytest.raises(ImportRefused) as refused, session_scope(engine) as s:
        import_candidates(s, secretary(orgs), data=workbook(CANDIDATE_HEADERS, rows), file_name="dai.xlsx",
                          today=TODAY, rules=RULES, max_bytes=LIMIT)
    found = {(e.row, e.column): e.message for e in refused.value.errors}
    assert found == {
        (3, "Dân tộc"): too_long("Dân tộc", 70, 64),
        (4, "Đảng viên giúp đỡ"): too_long("Đảng viên giúp đỡ", 300, 255),
        (5, "Lý do ra khỏi quy trình"): too_long("Lý do ra khỏi quy trình", 2001, 2000),
    }
    assert database_state(engine) == before


# --- Numbers no column holds: a message per cell, nothing written ------------------------------------------------

HUGE = [
    (NumberCell("9" * 400), "999999999999… (400 ký tự)", "limit"),  # a 400-digit number cell
    (NumberCell("1e400"), "inf", "number"),  # beyond a float: read as infinity
    ("9" * 400, "999999999999… (400 ký tự)", "limit"),  # the same typed as text
    ("1e400", "1e400", "number"),
    (1e300, "1e+300", "limit"),
    ("inf", "inf", "number"),
    ("nan", "nan", "number"),
    (INTEGER_MAX + 1, "2.147.483.648", "limit"),
]


def _number_message(org: str, field: str, shown: str, kind: str) -> str:
    if kind == "number":
        return t("form.bad_number", org=org, field=field, value=shown)
    return t("limit.too_large", org=org, field=field, value=shown, max="2.147.483.647")


@pytest.mark.parametrize(("cell", "shown", "kind"), HUGE, ids=[str(i) for i in range(len(HUGE))])
def test_a_plans_file_with_a_number_no_column_holds_is_refused_cell_by_cell(engine, orgs, cell, shown, kind):
    rows = [["C1", "", 2026, 3, 40], ["C2", "", 2026, cell, None], ["C1-A", "", 2026, 1, cell]]
    before = database_state(engine)
    with pytest.raises(ImportRefused) as refused, session_scope(engine) as s:
        import_plans(s, operator(s), data=workbook(PLAN_HEADERS, rows), file_name="so.xlsx", today=TODAY,
                     max_bytes=LIMIT)
    found = {(e.row, e.column): e.message for e in refused.value.errors}
    assert found == {
        (3, "Chỉ tiêu kết nạp"): _number_message("Đảng bộ xã C2", "Chỉ tiêu", shown, kind),
        (4, "Đảng viên đầu năm"): _number_message("Chi bộ thôn A", "Đảng viên đầu năm", shown, kind),
    }
    assert database_state(engine) == before


@pytest.mark.parametrize("literal", ["nan", "9" * 5000])
def test_a_number_cell_nothing_can_read_refuses_the_file(engine, orgs, literal):
    rows = [["C1", "", 2026, NumberCell(literal), 40]]
    before = database_state(engine)
    with pytest.raises(ImportRefused) as refused, session_scope(engine) as s:
        import_plans(s, operator(s), data=workbook(PLAN_HEADERS, rows), file_name="so.xlsx", today=TODAY,
                     max_bytes=LIMIT)
    assert [e.message for e in refused.value.errors] == [t("import.unreadable_cell", name="so.xlsx")]
    assert database_state(engine) == before


@pytest.mark.parametrize("typed", ["9" * 400, "1e400", "inf", "nan", "2.147.483.648", "9" * 5000])
def test_the_plans_grid_refuses_what_no_column_holds(engine, orgs, typed):
    before = database_state(engine)
    with session_scope(engine) as s:
        admin = operator(s)
    with pytest.raises(FormError) as refused, session_scope(engine) as s:
        save_plans(s, admin, parent_code="C1", year=2026,
                   rows=[PlanRow("C1-A", "3", "", 0), PlanRow("C1-B", typed, "", 0)])
    assert len(refused.value.errors) == 1 and refused.value.errors[0].startswith("Dòng «Chi bộ thôn B», cột «Chỉ tiêu»")
    assert len(refused.value.errors[0]) < 200  # a 5.000-digit number is quoted by its start and length
    with pytest.raises(FormError), session_scope(engine) as s:
        save_own_plan(s, admin, org_code="C1", year=2026, row=PlanRow("C1", "1", typed, 0))
    assert database_state(engine) == before


def test_the_largest_target_is_written_and_read_back_on_both_databases(engine, orgs):
    with session_scope(engine) as s:
        save_plans(s, operator(s), parent_code="C1", year=2026, rows=[PlanRow("C1-A", "2.147.483.647", "0", 0)])
    with session_scope(engine) as s:
        assert s.exec(text("SELECT target FROM year_plan")).scalar() == INTEGER_MAX


# --- Database errors: one translator, a Vietnamese message, nothing written ---------------------------------------

def _short_wait(engine: Engine) -> Engine:
    """The same database, with writes waiting 0,2 s for a lock (the app's setting is 10 s)."""
    return make_engine(engine.url.render_as_string(hide_password=False), busy_seconds=0.2)


@contextmanager
def lock_held(engine: Engine, root_id: int) -> Iterator[None]:
    """Another connection holding what every write below the root needs, as a long import does:
    SQLite's write lock, PostgreSQL's row of the root's version (every such write raises it)."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if engine.dialect.name == "sqlite":
            cursor.execute("BEGIN IMMEDIATE")
        else:
            cursor.execute("INSERT INTO subtree_version (organization_id, version) VALUES (%s, 1) ON CONFLICT "
                           "(organization_id) DO UPDATE SET version = subtree_version.version + 1", (root_id,))
        yield
    finally:
        raw.rollback()
        raw.close()


def test_a_write_while_another_holds_the_lock_is_told_busy_and_writes_nothing(engine, orgs):
    hurried = _short_wait(engine)
    before = database_state(engine)
    with lock_held(engine, orgs["D"].id):
        with pytest.raises(DatabaseBusyError) as refused, session_scope(hurried) as s:
            add_candidate(s, secretary(orgs), org_code="C1-A", data=person(), source_date=date(2026, 3, 1),
                          today=TODAY, rules=RULES)
    assert refused.value.errors == [t("db.busy")]
    assert isinstance(refused.value, FormError)  # every form shows it like any other refusal
    assert database_state(engine) == before
    with session_scope(hurried) as s:  # once the lock is released the same write goes through
        add_candidate(s, secretary(orgs), org_code="C1-A", data=person(), source_date=date(2026, 3, 1), today=TODAY,
                      rules=RULES)
    assert database_state(engine)[0]["candidate"] == 1
    hurried.dispose()


def test_an_import_checks_every_row_without_the_write_lock(engine, orgs):
    """All checking is done before the first write: a file whose last row is wrong is refused
    with its rows' messages even while another writer holds the lock."""
    rows = [candidate_row(**{"Họ và tên": f"Người Số {n}"}) for n in range(20)]
    rows.append(candidate_row(**{"Họ và tên": "Người Cuối", "Ngày sinh": "không nhớ"}))
    hurried = _short_wait(engine)
    before = database_state(engine)
    with lock_held(engine, orgs["D"].id):
        with pytest.raises(ImportRefused) as refused, session_scope(hurried) as s:
            import_candidates(s, secretary(orgs), data=workbook(CANDIDATE_HEADERS, rows), file_name="a.xlsx",
                              today=TODAY, rules=RULES, max_bytes=LIMIT)
        assert [(e.row, e.column) for e in refused.value.errors] == [(22, "Ngày sinh")]
        rows.pop()
        with pytest.raises(DatabaseBusyError), session_scope(hurried) as s:  # a good file waits for nobody
            import_candidates(s, secretary(orgs), data=workbook(CANDIDATE_HEADERS, rows), file_name="a.xlsx",
                              today=TODAY, rules=RULES, max_bytes=LIMIT)
    assert database_state(engine) == before
    hurried.dispose()


@pytest.mark.parametrize("size", [3, 60])
def test_an_import_writes_in_a_few_statements_after_every_read(engine, orgs, size):
    """The write transaction holds no read and no per-row statement: the same handful of writes
    for 3 rows as for 60 (what keeps the SQLite write lock short for 30.000)."""
    rows = [candidate_row(**{"Họ và tên": f"Người Số {n}", "Ngày là quần chúng ưu tú": date(2026, 6, 1)})
            for n in range(size)]
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda _c, _cur, sql, *_a: statements.append(sql.lstrip().upper()))
    with session_scope(engine) as s:
        result = import_candidates(s, secretary(orgs), data=workbook(CANDIDATE_HEADERS, rows), file_name="a.xlsx",
                                   today=TODAY, rules=RULES, max_bytes=LIMIT)
    assert result.created == size
    first_write = next(i for i, sql in enumerate(statements) if sql.startswith(("INSERT", "UPDATE")))
    writes = statements[first_write:]
    assert [re.match(r"(?:INSERT INTO|UPDATE) (\w+)", sql).group(1) for sql in writes] == [
        "CANDIDATE", "STAGE_EVENT", "STAGE_FLOW", "STANDING_COUNT", "KEPT_THROUGH", "SUBTREE_VERSION", "AUDIT_ENTRY"]
    with session_scope(engine) as s:
        assert s.exec(text("SELECT count(*) FROM stage_event")).scalar() == 2 * size
        assert s.exec(text("SELECT count(*) FROM audit_entry WHERE action = 'import_candidate'")).scalar() == size


def test_a_constraint_the_core_does_not_check_is_refused_in_vietnamese(engine, orgs):
    before = database_state(engine)
    with pytest.raises(DatabaseRefusedError) as refused, session_scope(engine) as s:
        s.add(YearPlan(organization_id=orgs["C1"].id, year=2026, target=1))
        s.add(YearPlan(organization_id=orgs["C1"].id, year=2026, target=2))
    assert refused.value.errors == [t("db.refused")]
    assert database_state(engine) == before


def test_a_value_the_column_cannot_hold_is_refused_in_vietnamese(engine, orgs):
    """Past core's checks (a write that forgot them): SQLite cannot bind a 100-bit number and
    PostgreSQL refuses it for an INTEGER; both answer the same refusal."""
    before = database_state(engine)
    with pytest.raises(DatabaseRefusedError), session_scope(engine) as s:
        s.add(YearPlan(organization_id=orgs["C1"].id, year=2026, target=2**100))
    assert database_state(engine) == before


def test_an_over_long_text_past_core_is_refused_on_postgresql_and_why_core_checks_it(engine, orgs):
    """SQLite stores what PostgreSQL refuses: the reason lengths are checked in core."""
    with session_scope(engine) as s:
        candidate_id = add_stages(s, orgs["C1-A"], {Stage.SOURCE: date(2025, 3, 1)}).id
    before = database_state(engine)
    row = StageEvent(candidate_id=candidate_id, stage="outstanding", event_date=date(2026, 1, 1), recorded_by="x",
                     document_number="9" * 103)
    if engine.dialect.name == "postgresql":
        with pytest.raises(DatabaseRefusedError), session_scope(engine) as s:
            s.add(row)
        assert database_state(engine) == before
    else:
        with session_scope(engine) as s:
            s.add(row)
        assert database_state(engine)[0]["stage_event"] == before[0]["stage_event"] + 1


def test_a_database_out_of_reach_is_told_in_vietnamese(tmp_path):
    for url in ("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2", f"sqlite:///{tmp_path}"):
        unreachable = make_engine(url)
        with pytest.raises(DatabaseUnavailableError) as refused, session_scope(unreachable) as s:
            s.exec(text("SELECT 1"))
        assert refused.value.errors == [t("db.unavailable")]
        unreachable.dispose()


def test_votes_no_column_holds_are_refused_before_the_rules(engine, orgs):
    with session_scope(engine) as s:
        candidate_id = add_stages(s, orgs["C1-A"], {Stage.SOURCE: date(2025, 3, 1)}).id
    before = database_state(engine)
    with pytest.raises(FormError) as refused, session_scope(engine) as s:
        record_stage(s, secretary(orgs), candidate_id=candidate_id, expected_version=None, stage=Stage.OUTSTANDING,
                     event_date=date(2026, 3, 1), today=TODAY, rules=RULES,
                     vote=Vote(votes_for=2**53 - 1, present=2**53 - 1, members_total=2**53 - 1, members_excused=2**53 - 1))
    assert refused.value.errors == [t("limit.number_too_large", field=t(f"candidate.{c}"), max="2.147.483.647")
                                    for c in ("members_total", "members_excused", "votes_total", "votes_for")]
    assert database_state(engine) == before


def test_a_plans_import_reads_nothing_once_it_writes(engine, orgs):
    with session_scope(engine) as s:
        save_plans(s, operator(s), parent_code="C1", year=2026, rows=[PlanRow("C1-A", "1", "", 0)])
    rows = [[code, "", 2026, 2, 10] for code in ("D", "C1", "C2", "C1-A", "C1-B", "C2-C", "S")]
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda _c, _cur, sql, *_a: statements.append(sql.lstrip().upper()))
    with session_scope(engine) as s:
        result = import_plans(s, operator(s), data=workbook(PLAN_HEADERS, rows), file_name="k.xlsx", today=TODAY,
                              max_bytes=LIMIT)
    assert (result.created, result.updated) == (6, 1)
    first_write = next(i for i, sql in enumerate(statements) if sql.startswith(("INSERT", "UPDATE")))
    assert all(sql.startswith(("INSERT", "UPDATE")) for sql in statements[first_write:])
