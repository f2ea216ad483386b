"""Counts kept as the data is written: admissions per organization and year (AdmissionCount).

An admission counts, in the year of its date, for the organization where the candidate stood
that day and for each one above it, on the tree as it stood that day: the ids of the path the
candidate had then (its current row from `placed_from`, or a CandidatePlace). That is what the
figures count with a query over the subtree (core.figures.progress.counts_by_prefix); kept, the
figures of past years are one row per organization instead of a scan of every admission below.

How the rows stay right, in the transaction of the write itself:
- ORM writes (a form, a transfer, the demo): a flush that touches candidates or their places
  takes their contributions out before it and puts them back after it (`_before_flush`,
  `_after_flush`), so the counts move by the difference;
- bulk writes say what they did: an import `apply`s the `shares_of_new` of its candidates
  (reckoned before its first write), a restructuring `recount`s from its effective year (it
  moves every candidate of a subtree);
- `rebuild` recounts everything (the migration that made the table, the synthetic data, the
  command `python -m core.cli recount`), and a test checks the kept rows against it.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date

from sqlalchemy import and_, delete, event, func, or_, select, tuple_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from core.storage.models import AdmissionCount, Candidate, CandidatePlace
from core.storage.sqlfuncs import one_of, ymd
from core.structure.tree import path_ids

# The candidate columns that can date an admission (core.config.RuleSettings.count_admission_by
# chooses one): both are kept, so changing the setting needs no recount.
BASES = ("decision_date", "admitted_date")

# Rows per statement when reading or writing many (well under SQLite's 32.766 parameters).
_CHUNK = 5_000

Key = tuple[str, int, int]  # (basis, organization_id, year)


def _chunks(items: list, size: int = _CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _shares(found: Counter[Key], candidate, places) -> None:
    """Add one candidate's admissions to `found`: `candidate` has org_path, placed_from and the
    BASES dates; `places` its past stretches (org_path, valid_from, valid_to)."""
    for basis in BASES:
        day = candidate[basis]
        if day is None:
            continue
        path = next((p["org_path"] for p in places
                     if (p["valid_from"] is None or p["valid_from"] <= day) and day <= p["valid_to"]), None)
        if path is None and (candidate["placed_from"] is None or candidate["placed_from"] <= day):
            path = candidate["org_path"]
        for org_id in path_ids(path or ""):
            found[(basis, org_id, day.year)] += 1


def contributions(session: Session, candidate_ids: Iterable[int]) -> Counter[Key]:
    """What these candidates add to the kept counts, as the database holds them now."""
    ids = sorted({int(i) for i in candidate_ids if i is not None})
    found: Counter[Key] = Counter()
    table, place = Candidate.__table__, CandidatePlace.__table__
    connection = session.connection() if ids else None
    for chunk in _chunks(ids):
        rows = connection.execute(select(table.c.id, table.c.org_path, table.c.placed_from,
                                         *[table.c[b] for b in BASES]).where(table.c.id.in_(chunk))).mappings().all()
        places: dict[int, list] = {}
        for p in connection.execute(select(place.c.candidate_id, place.c.org_path, place.c.valid_from, place.c.valid_to)
                                    .where(place.c.candidate_id.in_(chunk))).mappings().all():
            places.setdefault(p["candidate_id"], []).append(p)
        for row in rows:
            _shares(found, row, places.get(row["id"], ()))
    return found


def shares_of_new(candidates: list[dict], places: list[list[dict]]) -> Counter[Key]:
    """What new candidates, not yet written, will add (an import computes it before its first
    write, so that the write transaction holds no read): each candidate's column values and
    its past stretches, in the same order."""
    found: Counter[Key] = Counter()
    for candidate, own in zip(candidates, places):
        _shares(found, candidate, own)
    return found


def apply(session: Session, change: Counter[Key]) -> None:
    """Add `change` to the kept rows (an upsert per key; rows that fall to zero go)."""
    change = {key: n for key, n in change.items() if n}
    if not change:
        return
    connection = session.connection()
    insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    table = AdmissionCount.__table__
    rows = [dict(basis=b, organization_id=o, year=y, admitted=n) for (b, o, y), n in change.items()]
    for chunk in _chunks(rows, 1_000):
        stmt = insert(table).values(chunk)
        connection.execute(stmt.on_conflict_do_update(
            index_elements=["basis", "organization_id", "year"],
            set_={"admitted": table.c.admitted + stmt.excluded.admitted}))
    fallen = [key for key, n in change.items() if n < 0]  # only those can have reached zero
    for chunk in _chunks(fallen, 1_000):
        connection.execute(delete(table).where(
            table.c.admitted == 0, tuple_(table.c.basis, table.c.organization_id, table.c.year).in_(chunk)))


def _counted(session: Session, since_year: int | None) -> Counter[Key]:
    """Every admission from `since_year` on (all of them without one), counted afresh: per
    path and year in the database, each path then given to every organization on it."""
    table, place = Candidate.__table__, CandidatePlace.__table__
    connection = session.connection()
    found: Counter[Key] = Counter()
    for basis in BASES:
        day = table.c[basis]
        year = ymd(day) // 10000
        since = [day >= date(since_year, 1, 1)] if since_year else []
        now = (select(table.c.org_path, year)
               .where(day.is_not(None), or_(table.c.placed_from.is_(None), table.c.placed_from <= day), *since))
        before = (select(place.c.org_path, year)
                  .select_from(place.join(table, table.c.id == place.c.candidate_id))
                  .where(day.is_not(None), and_(or_(place.c.valid_from.is_(None), place.c.valid_from <= day),
                                                place.c.valid_to >= day), *since))
        for stmt in (now, before):
            inner = stmt.subquery()
            path_col, year_col = inner.c[0], inner.c[1]
            for path, y, n in connection.execute(
                    select(path_col, year_col, func.count()).group_by(path_col, year_col)).all():
                for org_id in path_ids(path):
                    found[(basis, org_id, int(y))] += n
    return found


def recount(session: Session, since_year: int | None = None) -> int:
    """Count the admissions of `since_year` and after again (every year without one), in the
    caller's transaction; the number of kept rows written."""
    table = AdmissionCount.__table__
    connection = session.connection()
    connection.execute(delete(table).where(table.c.year >= since_year) if since_year else delete(table))
    found = _counted(session, since_year)
    rows = [dict(basis=b, organization_id=o, year=y, admitted=n) for (b, o, y), n in found.items() if n]
    for chunk in _chunks(rows):
        connection.execute(table.insert(), chunk)
    return len(rows)


def rebuild(session: Session) -> int:
    """Every kept count again from the candidates and their places."""
    return recount(session, None)


def differences(session: Session) -> dict[Key, tuple[int, int]]:
    """{key: (kept, counted afresh)} wherever the two differ (nothing when the counts are right)."""
    table = AdmissionCount.__table__
    kept = {(b, o, y): n for b, o, y, n in session.connection().execute(
        select(table.c.basis, table.c.organization_id, table.c.year, table.c.admitted)).all() if n}
    counted = {key: n for key, n in _counted(session, None).items() if n}
    return {key: (kept.get(key, 0), counted.get(key, 0)) for key in kept.keys() | counted.keys()
            if kept.get(key, 0) != counted.get(key, 0)}


def admitted_by_year(session: Session, basis: str, org_ids: list[int], years: range) -> dict[tuple[int, int], int]:
    """{(organization, year): admissions kept} for the organizations and years asked."""
    table = AdmissionCount.__table__
    found: dict[tuple[int, int], int] = {}
    for chunk in _chunks(sorted({int(o) for o in org_ids})):
        for org_id, year, n in session.connection().execute(
                select(table.c.organization_id, table.c.year, table.c.admitted)
                .where(table.c.basis == basis, one_of(table.c.organization_id, chunk),
                       table.c.year >= years.start, table.c.year < years.stop)).all():
            found[(int(org_id), int(year))] = int(n)
    return found


# --- ORM writes: the difference a flush makes ------------------------------------------------

_PENDING = "kept_counts_pending"


def _touched(objects: Iterable[object]) -> set[int]:
    ids: set[int] = set()
    for obj in objects:
        if isinstance(obj, Candidate) and obj.id is not None:
            ids.add(obj.id)
        elif isinstance(obj, CandidatePlace) and obj.candidate_id is not None:
            ids.add(obj.candidate_id)
    return ids


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _context, _instances) -> None:
    changed = [*session.new, *session.dirty, *session.deleted]
    if not any(isinstance(o, (Candidate, CandidatePlace)) for o in changed):
        return
    known = _touched([*session.dirty, *session.deleted, *(o for o in session.new if isinstance(o, CandidatePlace))])
    fresh = [o for o in session.new if isinstance(o, (Candidate, CandidatePlace))]
    session.info[_PENDING] = (known, contributions(session, known), fresh)


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context) -> None:
    pending = session.info.pop(_PENDING, None)
    if pending is None:
        return
    known, before, fresh = pending
    after = contributions(session, known | _touched(fresh))
    after.subtract(before)
    apply(session, after)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)
