"""How long a text and how large a number the database holds, read from the models in one
place, with the Vietnamese message for a value beyond it.

PostgreSQL refuses a text longer than its VARCHAR(n) and SQLite stores anything, so every text
a user or a file supplies is measured here, in core, before any write: the answer is the same
message on both databases. A TEXT column (notes, reasons) has no length in the schema; it gets
`TEXT_MAX_LENGTH`, long enough for a paragraph and small enough for the screens and exports.
"""
from __future__ import annotations

from sqlalchemy import Integer, String
from sqlalchemy.types import TypeDecorator, TypeEngine
from sqlmodel import SQLModel

from core.format import fmt_number
from core.i18n import t

TEXT_MAX_LENGTH = 2000
# PostgreSQL's INTEGER (SQLite's is wider): the largest whole number every database stores.
INTEGER_MAX = 2**31 - 1


def _type(model: type[SQLModel], column: str) -> TypeEngine:
    kind = model.__table__.c[column].type
    return kind.impl_instance if isinstance(kind, TypeDecorator) else kind  # SQLModel's AutoString


def max_length(model: type[SQLModel], column: str) -> int:
    """The most characters the model's text column holds (VARCHAR(n): n; TEXT: TEXT_MAX_LENGTH)."""
    kind = _type(model, column)
    if not isinstance(kind, String):
        raise TypeError(f"{model.__name__}.{column} is not a text column")
    return kind.length or TEXT_MAX_LENGTH


def max_integer(model: type[SQLModel], column: str) -> int:
    """The largest whole number the model's integer column holds on every database."""
    if not isinstance(_type(model, column), Integer):
        raise TypeError(f"{model.__name__}.{column} is not an integer column")
    return INTEGER_MAX


def stored_length(value: str) -> int:
    """The characters (code points) a text takes once trimmed: what PostgreSQL's VARCHAR(n)
    counts. A name typed with combining accents (NFD) counts each accent; normalised to NFC
    before storing it can only be shorter, so a text measured here always fits."""
    return len(value.strip())


def too_long(value: str | None, model: type[SQLModel], column: str, field: str) -> str | None:
    """The Vietnamese message naming the field (`field`, as the user sees it) and the limit,
    when `value` does not fit the column; None when it fits (or is not given)."""
    if not isinstance(value, str):
        return None
    limit = max_length(model, column)
    length = stored_length(value)
    if length <= limit:
        return None
    return t("limit.too_long", field=field, length=fmt_number(length), max=fmt_number(limit))
