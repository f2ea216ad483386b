"""Files that hold the data or a secret: the SQLite database with its -wal and -shm files,
backups, the demo cookie key. Each is readable by its owner only (0600) from the moment it
exists: created with that mode, never written first and chmod-ed after, so no other account
of the machine can open one in between.

SQLite creates the -wal, -shm and -journal files with the mode of the database file, so a
database created 0600 keeps its companions 0600 too.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

PRIVATE_FILE = 0o600
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


def create_private(path: Path) -> None:
    """Create an empty file readable by its owner only; FileExistsError when it is there."""
    os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_FILE))


def write_private(path: Path, content: bytes) -> bool:
    """Write a new file, 0600, whole or not at all: another process sees the complete file or
    none. False, writing nothing, when the file is already there (the first writer wins)."""
    fd, draft = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # mkstemp makes it 0600
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
        os.link(draft, path)  # atomic, and refuses an existing name
    except FileExistsError:
        return False
    finally:
        os.unlink(draft)
    return True


def private_sqlite_file(path: Path) -> None:
    """Make sure a SQLite database file is its owner's only: a new one is created empty with
    mode 0600 (SQLite takes an empty file as a new database); one made by an earlier version,
    and its companions, lose the access of group and others."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        create_private(path)
    except FileExistsError:
        for file in (path, *(path.with_name(path.name + end) for end in SQLITE_COMPANIONS)):
            _tighten(file)


def _tighten(path: Path) -> None:
    try:
        status = path.stat()
    except FileNotFoundError:
        return
    if status.st_uid == os.geteuid() and status.st_mode & 0o077:
        path.chmod(status.st_mode & PRIVATE_FILE)
