"""Small SQL expressions that SQLite and PostgreSQL spell differently."""
from __future__ import annotations

from sqlalchemy import Boolean, Integer, bindparam, func, literal_column
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement


class ymd(FunctionElement):
    """A date as the integer YYYYMMDD: age in years is (ymd(on) - ymd(birth)) // 10000."""

    type = Integer()
    inherit_cache = True


@compiles(ymd, "sqlite")
def _ymd_sqlite(element, compiler, **kw):
    return f"CAST(strftime('%Y%m%d', {compiler.process(element.clauses, **kw)}) AS INTEGER)"


@compiles(ymd, "postgresql")
def _ymd_postgresql(element, compiler, **kw):
    return f"CAST(to_char({compiler.process(element.clauses, **kw)}, 'YYYYMMDD') AS INTEGER)"


class days_between(FunctionElement):
    """Whole days from the first date to the second."""

    type = Integer()
    inherit_cache = True


@compiles(days_between, "sqlite")
def _days_sqlite(element, compiler, **kw):
    start, end = list(element.clauses)
    return f"CAST(julianday({compiler.process(end, **kw)}) - julianday({compiler.process(start, **kw)}) AS INTEGER)"


@compiles(days_between, "postgresql")
def _days_postgresql(element, compiler, **kw):
    start, end = list(element.clauses)
    return f"({compiler.process(end, **kw)} - {compiler.process(start, **kw)})"


def age_years(birth: ColumnElement, on: ColumnElement) -> ColumnElement[int]:
    """Age in full years on a date, in SQL (integer division of the YYYYMMDD difference)."""
    return (ymd(on) - ymd(birth)) // 10000


class position(FunctionElement):
    """1-based position of the first `needle` in `text` (0 when absent): instr / strpos."""

    type = Integer()
    inherit_cache = True


@compiles(position, "sqlite")
def _position_sqlite(element, compiler, **kw):
    text, needle = list(element.clauses)
    return f"instr({compiler.process(text, **kw)}, {compiler.process(needle, **kw)})"


@compiles(position, "postgresql")
def _position_postgresql(element, compiler, **kw):
    text, needle = list(element.clauses)
    return f"strpos({compiler.process(text, **kw)}, {compiler.process(needle, **kw)})"


def path_prefix(path: ColumnElement[str], root_path: str, levels: int) -> ColumnElement[str]:
    """SQL: a materialized path cut `levels` organizations below `root_path`: with root "/1/"
    and one level, "/1/5/23/" gives "/1/5/" and "/1/" gives "/1/". Grouping a subtree's rows
    by it sums each organization on screen over everything below it, in the database."""
    # Constants inline, not bound: PostgreSQL must see the GROUP BY expression as the selected one.
    one, slash = literal_column("1"), literal_column("'/'")
    end = literal_column(str(int(len(root_path))))
    for _ in range(levels):
        end = end + position(func.substr(path, end + one), slash)
    return func.substr(path, one, end)


class one_of(ColumnElement):
    """SQL: the column is one of `ids`. On PostgreSQL one array parameter (`= ANY(…)`): the
    driver need not parse a statement of thousands of placeholders (a third of a second for the
    alerts' 7.752 organizations at the national root); elsewhere IN (…), so callers keep to
    core.structure.dated.IDS_PER_QUERY ids a statement."""

    type = Boolean()
    inherit_cache = False  # the ids are part of the statement

    def __init__(self, column, ids) -> None:
        self.column = column
        self.ids = [int(i) for i in ids]

    @property
    def _from_objects(self):
        return self.column._from_objects


@compiles(one_of)
def _one_of(element, compiler, **kw):
    return compiler.process(element.column.in_(element.ids), **kw)


@compiles(one_of, "postgresql")
def _one_of_postgresql(element, compiler, **kw):
    ids = bindparam(None, element.ids, type_=postgresql.ARRAY(Integer))
    return f"{compiler.process(element.column, **kw)} = ANY({compiler.process(ids, **kw)})"
