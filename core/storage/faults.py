"""The one place that turns a database error into a Vietnamese refusal.

`session_scope` (core.storage.db) rolls the transaction back and raises one of these instead of
the driver's error, so every write path answers the same way, on SQLite and on PostgreSQL:
nothing was written, and the message says whether to try again (the database is busy or out of
reach) or to correct the input (the database refused a value). The driver's error, which
can hold the SQL and its parameters (a candidate's personal data), goes to the server's log only.
"""
from __future__ import annotations

import logging

from sqlalchemy import exc as sa_exc

from core.errors import FormError
from core.i18n import t

logger = logging.getLogger(__name__)

# PostgreSQL SQLSTATE classes and codes (https://www.postgresql.org/docs/current/errcodes-appendix.html).
_BUSY_STATES = frozenset({"40001", "40P01", "55P03", "57014"})  # serialization, deadlock, lock timeout, cancelled
_UNAVAILABLE_CLASSES = ("08", "53", "57P")  # connection, insufficient resources, server shutting down
# SQLite's messages (its error codes are not exposed by every Python version).
_SQLITE_BUSY = ("database is locked", "database table is locked", "database schema is locked")
_SQLITE_UNAVAILABLE = ("unable to open database", "disk i/o error", "database or disk is full", "readonly database")


class DatabaseFault(FormError):
    """The database did not write; `errors` holds the Vietnamese message."""

    key = "db.refused"

    def __init__(self) -> None:
        super().__init__([t(self.key)])


class DatabaseBusyError(DatabaseFault):
    """Another writer holds the lock (a long import, say), or the transaction lost a race: try again."""

    key = "db.busy"


class DatabaseUnavailableError(DatabaseFault):
    """The database cannot be reached (refused connection, server down, disk full)."""

    key = "db.unavailable"


class DatabaseRefusedError(DatabaseFault):
    """The database refused a value (too long, too large, against a constraint)."""

    key = "db.refused"


def _sqlstate(error: BaseException) -> str:
    orig = getattr(error, "orig", None)
    return str(getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None) or "")


def database_fault(error: BaseException) -> DatabaseFault | None:
    """The refusal to answer with for a database error, or None when `error` is not one."""
    if isinstance(error, DatabaseFault):
        return error
    if isinstance(error, sa_exc.TimeoutError):  # no free connection in the pool
        return DatabaseBusyError()
    if isinstance(error, OverflowError):  # SQLite binding a whole number beyond 64 bits
        return DatabaseRefusedError()
    if not isinstance(error, sa_exc.DBAPIError):
        return None
    state = _sqlstate(error)
    message = str(getattr(error, "orig", error)).lower()
    if state in _BUSY_STATES or any(text in message for text in _SQLITE_BUSY):
        return DatabaseBusyError()
    if state.startswith(_UNAVAILABLE_CLASSES) or any(text in message for text in _SQLITE_UNAVAILABLE):
        return DatabaseUnavailableError()
    if isinstance(error, (sa_exc.IntegrityError, sa_exc.DataError)) or state.startswith(("22", "23")):
        return DatabaseRefusedError()
    if isinstance(error, (sa_exc.InterfaceError, sa_exc.OperationalError)) or error.connection_invalidated:
        return DatabaseUnavailableError()
    return None


def translated(error: BaseException) -> DatabaseFault | None:
    """database_fault, with the driver's error logged (server side) when it is one."""
    fault = database_fault(error)
    if fault is not None and fault is not error:
        logger.warning("database refused the transaction (%s): %s", type(fault).__name__, type(error).__name__,
                       exc_info=error)
    return fault
