"""Fixtures: a fresh database per test, on SQLite and on PostgreSQL.

PostgreSQL is found through TEST_DATABASE_URL (make test sets it); each test gets its own
schema, dropped afterwards. Without it the PostgreSQL half is skipped locally, and fails
in CI (CI=true), where nothing may be skipped for a missing database.
"""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session

import core.access.users
from core.cli.demo import load_demo
from core.storage import kept
from core.storage.db import make_engine, migrate, session_scope

# Tests hash many passwords; the cheapest bcrypt cost keeps them fast (the app uses 12).
core.access.users.BCRYPT_ROUNDS = 4

# The day the app takes for today in every test, and in the servers the browser tests start
# (core.config.current_day): the expectations ("quá hạn 1.644 ngày", "1 tháng còn lại của năm")
# were written on it, and hold whatever day the tests run.
os.environ["PTDV_TODAY"] = "2026-12-01"

BACKENDS = ("sqlite", "postgresql")
IN_CI = os.environ.get("CI", "").lower() == "true"


def _postgres_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL", "")
    message = "PostgreSQL tests need TEST_DATABASE_URL (make test sets it)"
    if not url:
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return url


def _schema_url(base: str, schema: str) -> str:
    url = make_url(base)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)


def _new_database(backend: str, tmp_dir) -> tuple[Engine, callable]:
    """A migrated, empty database and the function that removes it."""
    if backend == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_dir}/test.db")
        migrate(engine)
        return engine, engine.dispose
    base = _postgres_url()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(base)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # unreachable server: fail in CI, skip elsewhere
        admin.dispose()
        if IN_CI:
            pytest.fail(f"PostgreSQL at {base} is unreachable: {exc}")
        pytest.skip(f"PostgreSQL at {base} is unreachable")
    engine = make_engine(_schema_url(base, schema))
    migrate(engine)

    def drop() -> None:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    return engine, drop


@pytest.fixture(params=BACKENDS)
def engine(request, tmp_path) -> Iterator[Engine]:
    """A fresh, migrated, empty database for one test, on each backend."""
    engine, drop = _new_database(request.param, tmp_path)
    yield engine
    try:
        _counts_kept_right(engine)
    finally:
        drop()


def _counts_kept_right(engine: Engine) -> None:
    """Whatever a test wrote, and however (a form, an import, a restructuring), the counts kept
    as written (core.storage.kept: admissions per organization and year, standing per
    organization, sector and stage) are those a recount finds."""
    with Session(engine) as session:
        wrong = kept.differences(session)
    assert not wrong, f"kept counts differ from a recount (key: (kept, counted)): {wrong}"


@pytest.fixture(scope="session", params=BACKENDS)
def demo_engine(request, tmp_path_factory) -> Iterator[Engine]:
    """The demo district, loaded once per backend and shared read-only by the tests."""
    engine, drop = _new_database(request.param, tmp_path_factory.mktemp(f"demo-{request.param}"))
    with session_scope(engine) as session:
        load_demo(session)
    yield engine
    drop()


@pytest.fixture(scope="session")
def demo_db_file(tmp_path_factory) -> Path:
    """An SQLite file holding the demo district; page tests work on copies of it."""
    path = tmp_path_factory.mktemp("demo-file") / "demo.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    with session_scope(engine) as session:
        load_demo(session)
    engine.dispose()
    return path


@pytest.fixture
def demo_app(demo_db_file, tmp_path, monkeypatch) -> Path:
    """The app pointed at a private copy of the demo database (returned: its file)."""
    from tests.apptest import use_demo_copy

    return use_demo_copy(demo_db_file, tmp_path, monkeypatch)


@pytest.fixture
def inbox():
    """A real SMTP server on the loopback for one test (tests.smtp.Inbox)."""
    from tests.smtp import running_inbox

    with running_inbox() as found:
        yield found


@pytest.fixture
def downloads(monkeypatch) -> dict:
    """The files behind the page's download buttons, by file id: a click builds them
    (deferred), here each is built on demand, as the click would (`tests.apptest.download`)."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    made: dict[str, object] = {}
    original = MediaFileManager.add_deferred

    def add_deferred(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        file_id = original(self, data_callable, mimetype, coordinates, file_name, **kwargs)
        made[file_id] = (file_name, data_callable)
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", add_deferred)
    return made
