"""Small SQL expressions that SQLite and PostgreSQL spell differently."""
from __future__ import annotations

from sqlalchemy import Integer
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
