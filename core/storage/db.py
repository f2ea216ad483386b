"""The database: one Engine per URL, sessions per unit of work, migrations (the
versions caches key on are core.storage.versions).

SQLite (the embedded default) runs in WAL mode with foreign keys on; PostgreSQL goes
through psycopg 3. The schema always comes from the Alembic migrations in core/storage/migrations,
never from `create_all`, so an existing database upgrades in place.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Date, event, inspect
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, create_engine

from core.errors import FormError
from core.format import date_range_error
from core.storage import kept  # noqa: F401 (its listeners keep the counts of every session's writes)
from core.storage.faults import translated
from core.storage.files import private_sqlite_file
from core.storage.models import NOT_SETTLED

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def _normalise_url(url: str) -> str:
    """Use psycopg 3 for a bare postgresql:// URL (SQLAlchemy would pick psycopg2)."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


# How long a write waits for another writer's lock (Settings.database_busy_seconds).
DEFAULT_BUSY_SECONDS = 10.0


def _unicode_lower(value: object) -> object:
    return value.lower() if isinstance(value, str) else value


def _sqlite_pragmas(busy_ms: int):
    def on_connect(dbapi_conn, _record) -> None:
        # SQLite's own lower() knows only A–Z: «Đ» would not match «đ» in a search.
        dbapi_conn.create_function("lower", 1, _unicode_lower, deterministic=True)
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={busy_ms}")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()
    return on_connect


def _postgres_lock_timeout(busy_ms: int):
    def on_connect(dbapi_conn, _record) -> None:
        # A row or table lock held by another writer is waited for this long, then refused
        # (SQLSTATE 55P03, "busy"), instead of holding the user's page indefinitely.
        autocommit = dbapi_conn.autocommit
        dbapi_conn.autocommit = True
        with dbapi_conn.cursor() as cur:
            cur.execute(f"SET lock_timeout = {busy_ms}")
        dbapi_conn.autocommit = autocommit
    return on_connect


def make_engine(url: str, *, busy_seconds: float = DEFAULT_BUSY_SECONDS) -> Engine:
    """A new Engine for a database URL (tests make one per temporary database); a write waits
    `busy_seconds` for another writer's lock before it is refused as busy."""
    url = _normalise_url(url)
    parsed = make_url(url)
    busy_ms = max(0, int(busy_seconds * 1000))
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            private_sqlite_file(Path(parsed.database))
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas(busy_ms))
        return engine
    engine = create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)
    event.listen(engine, "connect", _postgres_lock_timeout(busy_ms))
    return engine


@lru_cache(maxsize=4)
def get_engine(url: str, busy_seconds: float = DEFAULT_BUSY_SECONDS) -> Engine:
    """The Engine for a database URL, made once per process (Engines are thread-safe)."""
    return make_engine(url, busy_seconds=busy_seconds)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One transaction: committed when the block ends, rolled back on any error. A database
    error (locked, too long, constraint, unreachable) comes out as the Vietnamese refusal of
    core.storage.faults, so every caller answers it the same way; nothing was written."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException as error:
            try:
                session.rollback()
            except Exception:  # a lost connection cannot roll back; the server drops the transaction
                pass
            fault = translated(error)
            if fault is not None and fault is not error:
                raise fault from error
            raise


@lru_cache(maxsize=None)
def _date_columns(mapper) -> tuple[str, ...]:
    return tuple(a.key for a in mapper.column_attrs if isinstance(a.columns[0].type, Date))


@event.listens_for(Session, "before_flush")
def _dates_in_range(session: Session, _context, _instances) -> None:
    """No date outside the range the product holds is written, whatever wrote it (a form, a
    file, the command line): the flush is refused with the Vietnamese message, and the unit
    of work rolls back. Only the values being written are read (history), nothing is loaded.
    NOT_SETTLED is the one date beyond the range, and the product writes it, nobody types it."""
    errors = []
    for obj in (*session.new, *session.dirty):
        state = inspect(obj)
        for key in _date_columns(state.mapper):
            for value in state.attrs[key].history.added:
                if value != NOT_SETTLED and (message := date_range_error(value)) and message not in errors:
                    errors.append(message)
    if errors:
        raise FormError(errors)


def alembic_config() -> Config:
    """The Alembic configuration of our migrations (for the CLI's init and for tests)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def migrate(engine: Engine) -> None:
    """Create the schema or upgrade it to the newest migration; a no-op when up to date."""
    cfg = alembic_config()
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")


def schema_is_current(engine: Engine) -> bool:
    """True when the database is at the newest migration."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision() == head
