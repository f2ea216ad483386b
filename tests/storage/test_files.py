"""Files holding the data or a secret are their owner's only (issue 14, item 9): the SQLite
database and its -wal/-shm files, backups and the demo cookie key, created 0600 whatever
the umask (the tests set it to 0, so anything left to the default would come out 0666)."""
from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from core.cli.commands import main
from core.config import Settings, cookie_key_for
from core.storage.db import make_engine, migrate
from core.storage.files import write_private


@pytest.fixture(autouse=True)
def open_umask():
    previous = os.umask(0)
    yield
    os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_sqlite_database_and_its_wal_and_shm_are_0600(tmp_path):
    db = tmp_path / "data" / "ptdv.db"
    engine = make_engine(f"sqlite:///{db}")
    migrate(engine)
    with engine.begin() as conn:  # a write while connected: the -wal and -shm files exist
        conn.execute(text("UPDATE data_version SET version = version + 1"))
        companions = [db.with_name(db.name + end) for end in ("-wal", "-shm")]
        assert all(p.exists() for p in companions)
        assert {p.name: mode(p) for p in (db, *companions)} == {"ptdv.db": 0o600, "ptdv.db-wal": 0o600,
                                                                "ptdv.db-shm": 0o600}
    engine.dispose()


def test_a_database_made_readable_by_others_is_tightened_at_start(tmp_path):
    db = tmp_path / "old.db"
    engine = make_engine(f"sqlite:///{db}")
    migrate(engine)
    engine.dispose()
    db.chmod(0o644)  # as an earlier version left it
    engine = make_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM data_version")).scalar_one() == 1
    engine.dispose()
    assert mode(db) == 0o600


def test_a_backup_is_0600(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'ptdv.db'}")
    assert main(["init"]) == 0
    backup = tmp_path / "backups" / "copy.db"
    assert main(["backup", str(backup)]) == 0
    assert mode(backup) == 0o600 and backup.stat().st_size > 0


def test_the_demo_cookie_key_is_created_0600_whole_and_kept(tmp_path, monkeypatch):
    key_file = tmp_path / "data" / ".cookie_key"
    # Created with its mode, not chmod-ed after it was written (readable by all in between).
    monkeypatch.setattr(Path, "chmod", lambda *a, **k: pytest.fail("the key file was chmod-ed after writing"))
    key = cookie_key_for(Settings(demo_mode=True), key_file)
    assert mode(key_file) == 0o600 and len(key) >= 32
    assert cookie_key_for(Settings(demo_mode=True), key_file) == key  # kept across starts
    # A second writer (another server starting at the same moment) changes nothing.
    assert write_private(key_file, b"another key") is False
    assert key_file.read_text() == key and sorted(p.name for p in key_file.parent.iterdir()) == [".cookie_key"]
