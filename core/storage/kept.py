"""Counts kept as the data is written, in the transaction of the write itself:
- AdmissionCount: admissions per organization and year, and AdmissionMonth the same by month;
- StageFlow: entries into each stage per organization that is not a chi bộ, and year;
- StandingCount: the candidates standing now per organization, sector and stage, with
  KeptThrough, the day from which "now" holds (no candidate has a later date).

An admission counts, in the year and month of its date, for the organization where the
candidate stood that day and for each one above it, on the tree as it stood that day: the ids
of the path the candidate had then (its current row from `placed_from`, or a CandidatePlace).
That is what the figures count with a query over the subtree
(core.figures.progress.counts_by_prefix); kept, a year's figures are one row per organization
instead of a scan of every admission below: the year so far from KeptThrough on, a day before
it the year less the admissions after that day (counted afresh, a few weeks of them for the
overview's comparison date), and its months one row each.

A candidate not gone stands, from its last date on, at the last stage it entered, in the
organization it belongs to now and each one above it (core.figures.funnel.stage_as_of on any
day from KeptThrough on): the standing by stage and sector of the pipeline's screens is then
a handful of rows of the organization chosen, not a pass over every member below it. For an
earlier day the screens count afresh.

How the rows stay right:
- ORM writes (a form, a transfer, the demo): a flush that touches candidates or their places
  takes their shares out before it and puts them back after it (`_before_flush`,
  `_after_flush`), so the counts move by the difference;
- bulk writes say what they did: an import `apply`s the `shares_of_new` of its candidates
  (reckoned before its first write), a restructuring `recount`s (it moves every candidate of
  a subtree);
- `rebuild` recounts everything (the migrations that made the tables, the synthetic data, the
  command `python -m core.cli recount`), and a test checks the kept rows against it after
  every test of the suite. The recount is a different computation (grouped in the database),
  so the check compares two ways of counting, not one with itself.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import (
    and_,
    case,
    delete,
    event,
    false,
    func,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from core.procedure.stages import (
    CELL_KINDS,
    STAGES,
    OrgKind,
    next_stages,
    stage_date_column,
)
from core.storage.models import (
    AdmissionCount,
    AdmissionMonth,
    Candidate,
    CandidatePlace,
    KeptThrough,
    Organization,
    StageFlow,
    StandingCount,
)
from core.storage.sqlfuncs import one_of, ymd
from core.structure.tree import path_ids

# The candidate columns that can date an admission (core.config.RuleSettings.count_admission_by
# chooses one): both are kept, so changing the setting needs no recount.
BASES = ("decision_date", "admitted_date")
# A candidate's stage dates, last stage first: the first one set is the stage it stands at.
_STAGE_COLUMNS = tuple((s.value, stage_date_column(s)) for s in reversed(STAGES))
# Every date of a candidate row after which its standing can change.
_DATES = (*(column for _stage, column in _STAGE_COLUMNS), "exit_date", "placed_from")
# Per stage, the columns whose first date set is the day the candidate moved on from it.
_NEXT = {s.value: tuple(stage_date_column(n) for n in next_stages(s)) for s in STAGES}
_CELLS = tuple(k.value for k in CELL_KINDS)

# Rows per statement when reading or writing many (well under SQLite's 32.766 parameters).
_CHUNK = 5_000

Key = tuple[str, int, int]  # (basis, organization_id, year)
MonthKey = tuple[str, int, int, int]  # (basis, organization_id, year, month)
StandingKey = tuple[int, str, str]  # (organization_id, sector, stage)
FlowKey = tuple[str, int, int, str]  # (stage, organization_id, year, "entered" or "moved")


@dataclass
class Shares:
    """What some candidates add to the kept counts: admissions by year and by month, entries
    into stages, standing, and their last date (None: no date at all)."""

    admissions: Counter[Key] = field(default_factory=Counter)
    months: Counter[MonthKey] = field(default_factory=Counter)
    flows: Counter[FlowKey] = field(default_factory=Counter)
    standing: Counter[StandingKey] = field(default_factory=Counter)
    latest: date | None = None

    def minus(self, other: Shares) -> Shares:
        """The change from `other` to these (the latest date is these ones')."""
        counts = []
        for name in ("admissions", "months", "flows", "standing"):
            own = Counter(getattr(self, name))
            own.subtract(getattr(other, name))
            counts.append(own)
        return Shares(*counts, self.latest)


def _chunks(items: list, size: int = _CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _path_on(candidate: Mapping, places, day: date) -> str:
    """The path the candidate stood on that day ("" before its first place)."""
    path = next((p["org_path"] for p in places
                 if (p["valid_from"] is None or p["valid_from"] <= day) and day <= p["valid_to"]), None)
    if path is None and (candidate["placed_from"] is None or candidate["placed_from"] <= day):
        path = candidate["org_path"]
    return path or ""


def _shares(found: Shares, candidate: Mapping, places, sector: str | None, cells: set[int]) -> None:
    """Add one candidate to `found`: `candidate` has org_path, placed_from, exit_date and the
    stage dates; `places` its past stretches (org_path, valid_from, valid_to); `sector` that of
    the organization it belongs to now; `cells` the chi bộ among the organizations on its paths
    (no entries are kept for them)."""
    for basis in BASES:
        day = candidate[basis]
        if day is not None:
            for org_id in path_ids(_path_on(candidate, places, day)):
                found.admissions[(basis, org_id, day.year)] += 1
                found.months[(basis, org_id, day.year, day.month)] += 1
    for stage, column in _STAGE_COLUMNS:
        day = candidate[column]
        if day is None:
            continue
        later = next((candidate[c] for c in _NEXT[stage] if candidate[c] is not None), None)
        moved = later is not None and later.year <= day.year
        for org_id in path_ids(_path_on(candidate, places, day)):
            if org_id not in cells:
                found.flows[(stage, org_id, day.year, "entered")] += 1
                if moved:
                    found.flows[(stage, org_id, day.year, "moved")] += 1
    stage = next((s for s, column in _STAGE_COLUMNS if candidate[column] is not None), None)
    if candidate["exit_date"] is None and stage is not None and sector is not None:
        for org_id in path_ids(candidate["org_path"]):
            found.standing[(org_id, sector, stage)] += 1
    days = [candidate[column] for column in _DATES if candidate[column] is not None]
    if days:
        found.latest = max(found.latest or date.min, *days)


def _cells_among(session: Session, paths: Iterable[str]) -> set[int]:
    """The chi bộ among the organizations on these paths."""
    ids = sorted({org_id for path in paths for org_id in path_ids(path or "")})
    org = Organization.__table__
    return {int(i) for chunk in _chunks(ids) for i in session.connection().execute(
        select(org.c.id).where(org.c.id.in_(chunk), org.c.kind.in_(_CELLS))).scalars()}


def contributions(session: Session, candidate_ids: Iterable[int], *, lock: bool = False) -> Shares:
    """What these candidates add to the kept counts, as the database holds them now. With
    `lock`, read under the lock the write that follows takes (their rows on PostgreSQL, the
    database's write lock on SQLite, taken first by a write that changes nothing), held until
    the transaction ends: another writer's change of them cannot land between this reading and
    that write, and be counted twice."""
    ids = sorted({int(i) for i in candidate_ids if i is not None})
    found = Shares()
    table, place, org = Candidate.__table__, CandidatePlace.__table__, Organization.__table__
    columns = sorted({"org_path", "organization_id", *BASES, *_DATES})
    connection = session.connection() if ids else None
    if lock and connection is not None and connection.dialect.name == "sqlite":
        connection.execute(update(KeptThrough.__table__).where(false()).values(day=KeptThrough.__table__.c.day))
    for chunk in _chunks(ids):
        stmt = (select(table.c.id, org.c.sector, *[table.c[c] for c in columns])
                .select_from(table.outerjoin(org, org.c.id == table.c.organization_id))
                .where(table.c.id.in_(chunk)).order_by(table.c.id))
        rows = connection.execute(stmt.with_for_update(of=table) if lock else stmt).mappings().all()
        places: dict[int, list] = {}
        for p in connection.execute(select(place.c.candidate_id, place.c.org_path, place.c.valid_from, place.c.valid_to)
                                    .where(place.c.candidate_id.in_(chunk))).mappings().all():
            places.setdefault(p["candidate_id"], []).append(p)
        cells = _cells_among(session, [*(r["org_path"] for r in rows),
                                       *(p["org_path"] for own in places.values() for p in own)])
        for row in rows:
            _shares(found, row, places.get(row["id"], ()), row["sector"], cells)
    return found


def shares_of_new(session: Session, candidates: list[dict], places: list[list[dict]]) -> Shares:
    """What new candidates, not yet written, will add: each candidate's column values and its
    past stretches, in the same order. An import reckons it before its first write (it reads
    the organizations on their paths), so that the write transaction holds no read."""
    org = Organization.__table__
    own = sorted({c["organization_id"] for c in candidates})
    sectors = {int(i): sector for chunk in _chunks(own) for i, sector in session.connection().execute(
        select(org.c.id, org.c.sector).where(org.c.id.in_(chunk))).all()}
    cells = _cells_among(session, [*(c["org_path"] for c in candidates), *(p["org_path"] for o in places for p in o)])
    found = Shares()
    for candidate, stretches in zip(candidates, places):
        _shares(found, candidate, stretches, sectors.get(candidate["organization_id"]), cells)
    return _unless_kept(session, found)


def _add(connection, table, keys: tuple[str, ...], values: tuple[str, ...], change: Mapping[tuple, int]) -> None:
    """Add `change` to the kept rows of `table`: {key values + (value column,): n} (an upsert per
    key, in the keys' order, so that two writers lock the rows they share in the same order;
    rows whose values all fall to zero go)."""
    rows: dict[tuple, dict[str, int]] = {}
    for (*key, column), n in change.items():
        if n:
            rows.setdefault(tuple(key), dict.fromkeys(values, 0))[column] += n
    if not rows:
        return
    insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    written = [{**dict(zip(keys, key)), **own} for key, own in sorted(rows.items())]
    for chunk in _chunks(written, 1_000):
        stmt = insert(table).values(chunk)
        connection.execute(stmt.on_conflict_do_update(
            index_elements=list(keys), set_={v: table.c[v] + stmt.excluded[v] for v in values}))
    fallen = [key for key, own in rows.items() if any(n < 0 for n in own.values())]  # only those can be zero
    for chunk in _chunks(fallen, 1_000):
        connection.execute(delete(table).where(
            *[table.c[v] == 0 for v in values], tuple_(*[table.c[k] for k in keys]).in_(chunk)))


def _unless_kept(session: Session, shares: Shares) -> Shares:
    """`shares` without their last date when KeptThrough is already that late: the write then
    leaves its row alone (an upsert locks the row even when it changes nothing), so that most
    writes, of days already passed, do not wait on each other for it."""
    through = kept_through(session) if shares.latest is not None else None
    if through is not None and through >= shares.latest:
        shares.latest = None
    return shares


def _raise_through(connection, day: date | None) -> None:
    """KeptThrough no earlier than `day` (the row written only when `day` is later)."""
    if day is None:
        return
    insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    table = KeptThrough.__table__
    stmt = insert(table).values(id=1, day=day)
    connection.execute(stmt.on_conflict_do_update(index_elements=["id"], set_={"day": stmt.excluded.day},
                                                  where=table.c.day < stmt.excluded.day))


def apply(session: Session, change: Shares) -> None:
    """Add `change` to the kept rows, in the caller's transaction."""
    connection = session.connection()
    _add(connection, AdmissionCount.__table__, ("basis", "organization_id", "year"), ("admitted",),
         {(*key, "admitted"): n for key, n in change.admissions.items()})
    _add(connection, AdmissionMonth.__table__, ("basis", "organization_id", "year", "month"), ("admitted",),
         {(*key, "admitted"): n for key, n in change.months.items()})
    _add(connection, StageFlow.__table__, ("stage", "organization_id", "year"), ("entered", "moved"), change.flows)
    _add(connection, StandingCount.__table__, ("organization_id", "sector", "stage"), ("standing",),
         {(*key, "standing"): n for key, n in change.standing.items()})
    _raise_through(connection, change.latest)


def _years_of(months: Counter[MonthKey]) -> Counter[Key]:
    """Admissions counted by month, added up by year."""
    found: Counter[Key] = Counter()
    for (basis, org_id, year, _month), n in months.items():
        found[(basis, org_id, year)] += n
    return found


def _months_counted(session: Session, since_year: int | None) -> Counter[MonthKey]:
    """Every admission from `since_year` on (all of them without one), counted afresh: per
    path and month in the database, each path then given to every organization on it."""
    table = Candidate.__table__
    connection = session.connection()
    found: Counter[MonthKey] = Counter()
    for basis in BASES:
        day = table.c[basis]
        month = ymd(day) // 100  # yyyymm
        for stmt in _placed_on(day, since_year):
            path = stmt.selected_columns[0]
            for at, m, n in connection.execute(stmt.add_columns(month, func.count()).group_by(path, month)).all():
                for org_id in path_ids(at):
                    found[(basis, org_id, int(m) // 100, int(m) % 100)] += n
    return found


def _placed_on(day, since_year: int | None):
    """The two statements that select the path a candidate stood on on `day` (a column of the
    candidate, in `since_year` or after): from its current row from `placed_from` on, and from
    the past stretch holding the day; the caller adds the columns it counts."""
    table, place = Candidate.__table__, CandidatePlace.__table__
    since = [day >= date(since_year, 1, 1)] if since_year else []
    now = (select(table.c.org_path).select_from(table)
           .where(day.is_not(None), or_(table.c.placed_from.is_(None), table.c.placed_from <= day), *since))
    before = (select(place.c.org_path).select_from(place.join(table, table.c.id == place.c.candidate_id))
              .where(day.is_not(None), and_(or_(place.c.valid_from.is_(None), place.c.valid_from <= day),
                                            place.c.valid_to >= day), *since))
    return now, before


def _flows_counted(session: Session, since_year: int | None) -> Counter[FlowKey]:
    """Every entry into a stage from `since_year` on (all of them without one), counted afresh:
    per stage, path and year in the database, each path then given to every organization on
    it that is not a chi bộ."""
    table = Candidate.__table__
    connection = session.connection()
    org = Organization.__table__
    cells = set(connection.execute(select(org.c.id).where(org.c.kind.in_(_CELLS))).scalars())
    found: Counter[FlowKey] = Counter()
    for stage, column in _STAGE_COLUMNS:
        day = table.c[column]
        year = ymd(day) // 10000
        later = [table.c[c] for c in _NEXT[stage]]
        next_day = (func.coalesce(*later) if len(later) > 1 else later[0]) if later else None
        moved = (func.sum(case((and_(next_day.is_not(None), ymd(next_day) // 10000 <= year), 1), else_=0))
                 if later else func.sum(0))
        for stmt in _placed_on(day, since_year):
            path = stmt.selected_columns[0]
            for at, y, n, m in connection.execute(stmt.add_columns(year, func.count(), moved)
                                                  .group_by(path, year)).all():
                for org_id in path_ids(at):
                    if org_id not in cells:
                        found[(stage, org_id, int(y), "entered")] += n
                        if m:
                            found[(stage, org_id, int(y), "moved")] += int(m)
    return found


def _standing_counted(session: Session) -> Counter[StandingKey]:
    """The candidates standing now, counted afresh: per path, sector and stage in the database
    (the stage as core.figures.funnel.stage_as_of reads it), each path then given to every
    organization on it."""
    table, org = Candidate.__table__, Organization.__table__
    stage = case(*[(table.c[column].is_not(None), s) for s, column in _STAGE_COLUMNS], else_=None)
    found: Counter[StandingKey] = Counter()
    for path, sector, at, n in session.connection().execute(
            select(table.c.org_path, org.c.sector, stage, func.count())
            .select_from(table.join(org, org.c.id == table.c.organization_id))
            .where(table.c.exit_date.is_(None)).group_by(table.c.org_path, org.c.sector, stage)).all():
        if at is not None:
            for org_id in path_ids(path):
                found[(org_id, sector, at)] += n
    return found


def _latest_counted(session: Session) -> date | None:
    """The last date of any candidate (None when none has one), read afresh."""
    table = Candidate.__table__
    days = session.connection().execute(select(*[func.max(table.c[c]) for c in _DATES])).one()
    return max((d for d in days if d is not None), default=None)


def recount_admissions(session: Session, since_year: int | None = None,
                       months: Counter[MonthKey] | None = None) -> int:
    """Count the admissions of `since_year` and after again (every year without one), in the
    caller's transaction, from `months` when the caller counted them already; the number of
    kept rows written (migration 0010 runs it alone)."""
    connection = session.connection()
    table = AdmissionCount.__table__
    connection.execute(delete(table).where(table.c.year >= since_year) if since_year else delete(table))
    months = _months_counted(session, since_year) if months is None else months
    rows = [dict(basis=b, organization_id=o, year=y, admitted=n) for (b, o, y), n in _years_of(months).items() if n]
    for chunk in _chunks(rows):
        connection.execute(table.insert(), chunk)
    return len(rows)


def recount_months(session: Session, since_year: int | None = None,
                   months: Counter[MonthKey] | None = None) -> int:
    """Count the admissions by month of `since_year` and after again (every year without one),
    in the caller's transaction, from `months` when the caller counted them already; the number
    of kept rows written (migration 0014 runs it alone)."""
    connection = session.connection()
    table = AdmissionMonth.__table__
    connection.execute(delete(table).where(table.c.year >= since_year) if since_year else delete(table))
    months = _months_counted(session, since_year) if months is None else months
    rows = [dict(basis=b, organization_id=o, year=y, month=m, admitted=n) for (b, o, y, m), n in months.items() if n]
    for chunk in _chunks(rows):
        connection.execute(table.insert(), chunk)
    return len(rows)


def recount_flows(session: Session, since_year: int | None = None) -> int:
    """Count the entries into stages of `since_year` and after again (every year without one),
    in the caller's transaction; the number of kept rows written (migration 0013 runs it)."""
    connection = session.connection()
    table = StageFlow.__table__
    connection.execute(delete(table).where(table.c.year >= since_year) if since_year else delete(table))
    rows: dict[tuple, dict] = {}
    for (stage, o, y, column), n in _flows_counted(session, since_year).items():
        rows.setdefault((stage, o, y), dict(stage=stage, organization_id=o, year=y, entered=0, moved=0))[column] += n
    rows = list(rows.values())
    for chunk in _chunks(rows):
        connection.execute(table.insert(), chunk)
    return len(rows)


def recount_standing(session: Session) -> int:
    """Count the standing and the last date again, in the caller's transaction; the number of
    kept rows written (migration 0013 runs it alone)."""
    connection = session.connection()
    table = StandingCount.__table__
    connection.execute(delete(table))
    connection.execute(delete(KeptThrough.__table__))
    rows = [dict(organization_id=o, sector=s, stage=g, standing=n)
            for (o, s, g), n in _standing_counted(session).items() if n]
    for chunk in _chunks(rows):
        connection.execute(table.insert(), chunk)
    _raise_through(connection, _latest_counted(session))
    return len(rows)


def recount(session: Session, since_year: int | None = None) -> int:
    """Count the admissions (by year and by month) and the entries into stages of `since_year`
    and after again (every year without one), and the standing, in the caller's transaction;
    the number of kept rows written."""
    months = _months_counted(session, since_year)  # one pass over the admissions for both tables
    return (recount_admissions(session, since_year, months) + recount_months(session, since_year, months)
            + recount_flows(session, since_year) + recount_standing(session))


def rebuild(session: Session) -> int:
    """Every kept count again from the candidates and their places."""
    return recount(session, None)


def differences(session: Session) -> dict[tuple, tuple]:
    """{key: (kept, counted afresh)} wherever the two differ (nothing when the counts are right):
    ("admitted", basis, organization, year), ("month", basis, organization, year, month),
    ("flow", stage, organization, year, entered or moved),
    ("standing", organization, sector, stage), and ("through",) when KeptThrough is earlier than
    a candidate's date."""
    connection = session.connection()
    a, m, f, s = AdmissionCount.__table__, AdmissionMonth.__table__, StageFlow.__table__, StandingCount.__table__
    kept = {("admitted", b, o, y): n for b, o, y, n in connection.execute(
        select(a.c.basis, a.c.organization_id, a.c.year, a.c.admitted)).all() if n}
    kept |= {("month", b, o, y, month): n for b, o, y, month, n in connection.execute(
        select(m.c.basis, m.c.organization_id, m.c.year, m.c.month, m.c.admitted)).all() if n}
    for stage, o, y, entered, moved in connection.execute(
            select(f.c.stage, f.c.organization_id, f.c.year, f.c.entered, f.c.moved)).all():
        kept |= {("flow", stage, o, y, column): n for column, n in (("entered", entered), ("moved", moved)) if n}
    kept |= {("standing", o, sector, g): n for o, sector, g, n in connection.execute(
        select(s.c.organization_id, s.c.sector, s.c.stage, s.c.standing)).all() if n}
    months = _months_counted(session, None)
    counted = {("month", *key): n for key, n in months.items() if n}
    counted |= {("admitted", *key): n for key, n in _years_of(months).items() if n}
    counted |= {("flow", *key): n for key, n in _flows_counted(session, None).items() if n}
    counted |= {("standing", *key): n for key, n in _standing_counted(session).items() if n}
    found = {key: (kept.get(key, 0), counted.get(key, 0)) for key in kept.keys() | counted.keys()
             if kept.get(key, 0) != counted.get(key, 0)}
    latest, through = _latest_counted(session), kept_through(session)
    if latest is not None and (through is None or through < latest):
        found[("through",)] = (through, latest)
    return found


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


def months_up_to(session: Session, end: date) -> tuple[range, date | None]:
    """How the admissions of `end`'s year up to `end` are read: (the months whose kept rows hold
    them, from January; the first day of the month they do not hold, to count afresh up to
    `end`, or None). A month's row holds the days up to `end` when `end` is its last day, or
    from KeptThrough on (no candidate has a later date)."""
    if (end + timedelta(days=1)).day == 1:
        return range(1, end.month + 1), None
    through = kept_through(session)
    if through is None or end >= through:
        return range(1, end.month + 1), None
    return range(1, end.month), end.replace(day=1)


def admitted_by_month(session: Session, basis: str, org_id: int, year: int) -> dict[int, int]:
    """{month: admissions kept} of one organization in the year."""
    table = AdmissionMonth.__table__
    return {int(month): int(n) for month, n in session.connection().execute(
        select(table.c.month, table.c.admitted)
        .where(table.c.basis == basis, table.c.organization_id == org_id, table.c.year == year)).all()}


def kept_through(session: Session) -> date | None:
    """The day from which the kept standing holds (None: no candidate has a date yet)."""
    return session.connection().execute(select(KeptThrough.__table__.c.day)).scalar()


def standing_of(session: Session, org_ids: list[int], day: date,
                groups: Mapping[str, Iterable[str]]) -> dict[int, dict[str, int]] | None:
    """{organization: {group: candidates standing at the group's stages}} on `day`, summed
    over sectors in the database (organizations with none standing left out); None when the
    kept rows cannot tell (a day before KeptThrough: count afresh)."""
    through = kept_through(session)
    if through is not None and day < through:
        return None
    table = StandingCount.__table__
    sums = [func.sum(case((table.c.stage.in_(list(stages)), table.c.standing), else_=0)) for stages in groups.values()]
    found: dict[int, dict[str, int]] = {}
    for chunk in _chunks(sorted({int(o) for o in org_ids})):
        for org_id, *counts in session.connection().execute(
                select(table.c.organization_id, *sums).where(one_of(table.c.organization_id, chunk))
                .group_by(table.c.organization_id)).all():
            found[int(org_id)] = {name: int(n or 0) for name, n in zip(groups, counts)}
    return found


def standing_on(session: Session, org_id: int, day: date) -> dict[tuple[str, str], int] | None:
    """{(sector, stage): candidates standing} in the organization's subtree on `day`, from the
    kept rows; None when they cannot tell (a day before KeptThrough: count afresh)."""
    through = kept_through(session)
    if through is not None and day < through:
        return None
    table = StandingCount.__table__
    return {(sector, stage): int(n) for sector, stage, n in session.connection().execute(
        select(table.c.sector, table.c.stage, table.c.standing).where(table.c.organization_id == org_id)).all()}


def stage_flows(session: Session, org_id: int, kind: str, year: int, end: date) -> dict[str, tuple[int, int]] | None:
    """{stage: (entered, moved on)} of the organization's subtree for the year from Jan 1 to
    `end`: the candidates who entered each stage, and those of them who moved on by `end`, from
    the kept rows; None when they cannot tell: a chi bộ (none are kept), or a day before the
    year's end and before KeptThrough (those up to a day of the year are then counted afresh)."""
    if OrgKind(kind) in CELL_KINDS or end < date(year, 1, 1) or end > date(year, 12, 31):
        return None
    if end < date(year, 12, 31):
        through = kept_through(session)
        if through is not None and end < through:
            return None
    table = StageFlow.__table__
    return {stage: (int(entered), int(moved)) for stage, entered, moved in session.connection().execute(
        select(table.c.stage, table.c.entered, table.c.moved)
        .where(table.c.organization_id == org_id, table.c.year == year)).all()}


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
    session.info[_PENDING] = (known, contributions(session, known, lock=True), fresh)


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context) -> None:
    pending = session.info.pop(_PENDING, None)
    if pending is None:
        return
    known, before, fresh = pending
    apply(session, _unless_kept(session, contributions(session, known | _touched(fresh)).minus(before)))


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)
