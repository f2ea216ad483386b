"""Synthetic data at three sizes, for the benchmark and for trying the app at scale.

    district   ≈ 100 organizations,     2.000 candidates
    province   ≈ 3.000 organizations,  50.000 candidates
    national   ≈ 300.000 organizations, 1.000.000 candidates, ≈ 5.000.000 stage events

Ten years of history up to DEMO_TODAY. Every candidate's events follow the procedure's order
and the candidate row's derived columns agree with them, exactly as `core.procedure.pipeline` would
have left them, so every screen works on this data as on real data. Yearly plans (the last
five years) follow what each organization actually achieved, give or take, so the statuses
come out mixed.

Loading is a bulk write: rows are generated as tuples in chunks and sent with COPY on
PostgreSQL and `executemany` on SQLite, in one transaction. Deterministic: one seed per tier.
"""
from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

import numpy as np
from sqlalchemy import text
from sqlmodel import Session

from core.access.audit import record_audit
from core.access.users import create_user
from core.cli.demo import (
    DEMO_PASSWORD,
    DEMO_TODAY,
    FAMILY,
    GIVEN_F,
    GIVEN_M,
    MIDDLE_F,
    MIDDLE_M,
    database_is_empty,
)
from core.i18n import t
from core.procedure.stages import (
    STAGE_ORDER,
    Education,
    Exit,
    Occupation,
    OrgKind,
    Qualification,
    Role,
    Sector,
    Stage,
    stage_date_column,
)
from core.procedure.workdays import add_months
from core.storage.db import bump_data_version
from core.storage.models import NOT_SETTLED, Organization, identity_key
from core.structure.tree import child_path

RECORDED_BY = "synth"
HISTORY_START = date(2016, 7, 1)  # sources from here on: the first admissions fall in 2017
PLAN_YEARS = tuple(range(DEMO_TODAY.year - 4, DEMO_TODAY.year + 1))
CHUNK = 20_000  # candidates generated and written per round


@dataclass(frozen=True)
class Level:
    """One level of the tree under its parent: how many children, of which kind."""

    kind: OrgKind
    fanout: tuple[int, int]  # children per parent, inclusive range
    name: str  # name pattern, "{n}" is the number among its siblings
    leaf_share: float = 0.0  # share that are chi bộ cơ sở (no cells below)


@dataclass(frozen=True)
class Tier:
    """A size of synthetic data."""

    name: str
    root_code: str
    root_name: str
    levels: tuple[Level, ...]
    candidates: int
    seed: int


_GRASSROOTS = Level(OrgKind.GRASSROOTS_COMMITTEE, (24, 40), "Đảng bộ cơ sở số {n}", leaf_share=0.2)
TIERS: dict[str, Tier] = {
    tier.name: tier
    for tier in (
        Tier("district", "HUYEN", "Huyện ủy (dữ liệu tổng hợp)",
             (Level(OrgKind.GRASSROOTS_COMMITTEE, (14, 14), "Đảng bộ cơ sở số {n}", leaf_share=0.2),
              Level(OrgKind.CELL, (5, 9), "Chi bộ số {n}")),
             candidates=2_000, seed=1),
        Tier("province", "TINH", "Tỉnh ủy (dữ liệu tổng hợp)",
             (Level(OrgKind.UPPER_COMMITTEE, (10, 10), "Huyện ủy số {n}"),
              Level(OrgKind.GRASSROOTS_COMMITTEE, (24, 36), "Đảng bộ cơ sở số {n}", leaf_share=0.2),
              Level(OrgKind.CELL, (8, 14), "Chi bộ số {n}")),
             candidates=50_000, seed=2),
        Tier("national", "TW", "Toàn Đảng (dữ liệu tổng hợp)",
             (Level(OrgKind.UPPER_COMMITTEE, (63, 63), "Tỉnh ủy số {n}"),
              Level(OrgKind.UPPER_COMMITTEE, (11, 19), "Huyện ủy số {n}"),
              _GRASSROOTS,
              Level(OrgKind.CELL, (7, 15), "Chi bộ số {n}")),
             candidates=1_000_000, seed=3),
    )
}

SECTORS = (Sector.RURAL, Sector.URBAN, Sector.ADMINISTRATION, Sector.SCHOOL, Sector.HEALTH,
           Sector.STATE_ENTERPRISE, Sector.PRIVATE_ENTERPRISE, Sector.ARMED_FORCES)
SECTOR_WEIGHTS = (50, 15, 10, 10, 4, 4, 4, 3)
OCCUPATIONS = {
    Sector.RURAL: (Occupation.FARMER, Occupation.WORKER, Occupation.FREELANCE, Occupation.UNIVERSITY_STUDENT),
    Sector.URBAN: (Occupation.WORKER, Occupation.PRIVATE_ENTERPRISE, Occupation.FREELANCE),
    Sector.ADMINISTRATION: (Occupation.CIVIL_SERVANT,),
    Sector.SCHOOL: (Occupation.TEACHER,),
    Sector.HEALTH: (Occupation.HEALTH_WORKER,),
    Sector.STATE_ENTERPRISE: (Occupation.WORKER,),
    Sector.PRIVATE_ENTERPRISE: (Occupation.PRIVATE_ENTERPRISE, Occupation.WORKER),
    Sector.ARMED_FORCES: (Occupation.ARMED_FORCES,),
}
QUALIFICATIONS = tuple(Qualification)
# Days spent before entering each stage (inclusive range), and the chance of going on to it.
GAPS = {
    Stage.OUTSTANDING: (60, 300), Stage.CLASS_DONE: (30, 150), Stage.DOSSIER: (20, 120),
    Stage.BRANCH_RESOLUTION: (10, 45), Stage.COMMITTEE_RESOLUTION: (7, 25), Stage.DECISION: (10, 35),
    Stage.ADMITTED: (5, 30), Stage.OFFICIAL: (370, 400),
}
GOES_ON = 0.86
REMOVED = 0.01

ORG_COLUMNS = ("id", "code", "name", "parent_id", "path", "depth", "kind", "sector", "active", "version")
PLAN_COLUMNS = ("organization_id", "year", "target", "members_start", "version")
STAGE_DATE_COLUMNS = tuple(stage_date_column(s) for s in Stage)
CANDIDATE_COLUMNS = (
    "id", "organization_id", "org_path", "full_name", "birth_date", "identity_key", "female", "ethnicity", "ethnic_minority", "religion",
    "general_education", "qualification", "occupation", "youth_union_member", "village_head", "education_exemption",
    "helper_name", "sponsor1_name", "sponsor1_since", "sponsor2_name", "sponsor2_since",
    "youth_union_resolution_date", "new_member_class_date", "stage", "stage_date", "exit", "exit_date",
    *STAGE_DATE_COLUMNS, "settled_date", "version", "created_at", "updated_at",
)
EVENT_COLUMNS = ("id", "candidate_id", "stage", "event_date", "document_number", "note", "votes_for",
                 "votes_total", "acknowledged", "replaces_event_id", "voids", "recorded_by", "recorded_at",
                 "effective_date")


@dataclass(frozen=True)
class SynthSummary:
    """What the loader wrote."""

    tier: str
    organizations: int
    candidates: int
    events: int
    plans: int
    users: int


@dataclass
class _Tree:
    """The generated organizations, as parallel lists indexed by position (id = position + 1)."""

    rows: list[tuple]
    leaves: list[int]  # positions of the organizations that hold candidates
    parent: list[int]  # position of the parent, -1 for the root
    grassroots_cell: list[bool]


def _build_tree(tier: Tier, rng: random.Random) -> _Tree:
    rows: list[tuple] = [(1, tier.root_code, tier.root_name, None, "/1/", 0, OrgKind.UPPER_COMMITTEE.value,
                          Sector.OTHER.value, True, 1)]
    parent, grassroots_cell, leaves = [-1], [False], []
    level_nodes = [0]
    for depth, level in enumerate(tier.levels, start=1):
        next_nodes = []
        for p in level_nodes:
            _, p_code, _, _, p_path, _, _, p_sector, _, _ = rows[p]
            for n in range(1, rng.randint(*level.fanout) + 1):
                org_id = len(rows) + 1
                kind = level.kind
                if kind is OrgKind.GRASSROOTS_COMMITTEE and rng.random() < level.leaf_share:
                    kind = OrgKind.GRASSROOTS_CELL
                sector = p_sector if kind is OrgKind.CELL else (
                    rng.choices(SECTORS, SECTOR_WEIGHTS)[0].value if kind is not OrgKind.UPPER_COMMITTEE
                    else Sector.OTHER.value)
                code = f"{p_code}-{n:02d}"
                number = ".".join(code.split("-")[1:])  # "TW-22-01" -> "22.01": unique, unlike n alone
                name = (level.name if kind is not OrgKind.GRASSROOTS_CELL else "Chi bộ cơ sở số {n}").format(n=number)
                rows.append((org_id, code, name, p + 1, child_path(p_path, org_id), depth,
                             kind.value, sector, True, 1))
                parent.append(p)
                grassroots_cell.append(kind is OrgKind.GRASSROOTS_CELL)
                if kind in (OrgKind.CELL, OrgKind.GRASSROOTS_CELL):
                    leaves.append(org_id - 1)
                else:
                    next_nodes.append(org_id - 1)
        level_nodes = next_nodes
    return _Tree(rows, leaves, parent, grassroots_cell)


def _at_nine(day: date) -> datetime:
    """09:00 in Hà Nội (02:00 UTC) on a day: when events are taken to be recorded."""
    return datetime.combine(day, time(2, 0), tzinfo=timezone.utc)


class _Writer:
    """Bulk rows into a table: COPY on PostgreSQL, executemany on SQLite."""

    def __init__(self, session: Session):
        self.connection = session.connection()
        self.postgres = self.connection.dialect.name == "postgresql"

    def value(self, v):
        """A Python value as the driver takes it in bulk (SQLite gets ISO text for dates)."""
        if self.postgres or v is None:
            return v
        if isinstance(v, datetime):
            return v.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")
        if isinstance(v, date):
            return v.isoformat()
        return v

    def write(self, table: str, columns: tuple[str, ...], rows: Iterable[tuple]) -> int:
        """Write the rows (tuples in `columns` order) and return how many."""
        count = 0
        if self.postgres:
            raw = self.connection.connection.driver_connection
            with raw.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        batch = [tuple(self.value(v) for v in row) for row in rows]
        self.connection.exec_driver_sql(sql, batch)
        return len(batch)

    def reset_sequences(self, tables: Iterable[str]) -> None:
        """After rows with explicit ids, let PostgreSQL's sequences continue from the highest."""
        if not self.postgres:
            return
        for table in tables:
            self.connection.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))"))


class _People:
    """Candidates and their histories, one chunk at a time, with the admissions counted per leaf and year."""

    def __init__(self, tree: _Tree, seed: int, years: tuple[int, ...]):
        self.tree = tree
        self.rng = random.Random(seed * 7919)
        self.np_rng = np.random.default_rng(seed)
        self.weights = self.np_rng.choice([0.3, 0.7, 1.0, 1.0, 1.3, 2.0], size=len(tree.leaves))
        self.first_year = years[0]
        self.admitted = np.zeros((len(tree.leaves), len(years)), dtype=np.int64)
        self.next_event_id = 1
        self.events = 0
        # (organization, identity) of those without an exit, hashed: the same person twice in a chi bộ
        # is refused by the database, so a generated name that would repeat one is drawn again.
        self.listed: set[int] = set()

    def chunk(self, first_id: int, count: int) -> tuple[list[tuple], list[tuple]]:
        """`count` candidates from id `first_id` on, and their events, as row tuples."""
        tree = self.tree
        leaf_idx = self.np_rng.choice(len(tree.leaves), size=count, p=self.weights / self.weights.sum())
        span = (DEMO_TODAY - HISTORY_START).days
        starts = self.np_rng.integers(0, span, size=count)
        candidates, events = [], []
        for i in range(count):
            leaf = int(leaf_idx[i])
            org_pos = tree.leaves[leaf]
            org_row = tree.rows[org_pos]
            sector = Sector(org_row[7])
            source = HISTORY_START + timedelta(days=int(starts[i]))
            dates, exit_ = self._history(source, grassroots_cell=tree.grassroots_cell[org_pos])
            decision = dates.get(Stage.DECISION)
            if decision is not None and decision.year >= self.first_year:
                self.admitted[leaf, decision.year - self.first_year] += 1
            candidate_id = first_id + i
            candidates.append(self._candidate(candidate_id, org_row, sector, dates, exit_))
            events.extend(self._events(candidate_id, dates, exit_))
        return candidates, events

    def _history(self, source: date, *, grassroots_cell: bool) -> tuple[dict[Stage, date], tuple[str, date] | None]:
        rng = self.rng
        dates = {Stage.SOURCE: source}
        day = source
        for stage in list(GAPS):
            if stage is Stage.COMMITTEE_RESOLUTION and grassroots_cell:
                continue
            member = Stage.ADMITTED in dates
            if rng.random() > (1 - REMOVED if member else GOES_ON):
                leave = day + timedelta(days=rng.randint(20, 200))
                exit_ = Exit.REMOVED if member else Exit.STOPPED
                return dates, ((exit_.value, leave) if leave <= DEMO_TODAY else None)
            day = day + timedelta(days=rng.randint(*GAPS[stage]))
            if day > DEMO_TODAY:
                break
            dates[stage] = day
        if Stage.OFFICIAL in dates:
            _recognition_steps(dates, grassroots_cell=grassroots_cell)
        return dates, None

    def _name(self, female: bool) -> str:
        rng = self.rng
        return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE_F if female else MIDDLE_M)} {rng.choice(GIVEN_F if female else GIVEN_M)}"

    def _candidate(self, candidate_id: int, org_row: tuple, sector: Sector, dates: dict[Stage, date],
                   exit_: tuple[str, date] | None) -> tuple:
        rng = self.rng
        source = dates[Stage.SOURCE]
        vote = dates.get(Stage.BRANCH_RESOLUTION, source + timedelta(days=300))
        female = rng.random() < (0.55 if sector in (Sector.SCHOOL, Sector.HEALTH) else 0.4)
        birth = date(vote.year - rng.randint(19, 40), rng.randint(1, 12), rng.randint(1, 28))
        name = self._name(female)
        while exit_ is None and hash((org_row[0], identity_key(name, birth))) in self.listed:
            name = self._name(female)
        key = identity_key(name, birth)
        if exit_ is None:
            self.listed.add(hash((org_row[0], key)))
        youth = vote.year - birth.year < 30 and rng.random() < 0.8
        last_stage = max(dates, key=STAGE_ORDER.__getitem__)
        admitted = dates.get(Stage.ADMITTED)
        new_member_class = admitted + timedelta(days=rng.randint(30, 120)) if admitted else None
        sponsor_since = vote - timedelta(days=rng.randint(400, 1500))
        # An official member's status takes effect at the end of the probation (Điều lệ Điều 5).
        stage_dates = tuple(_effective(dates).get(s) for s in Stage)
        updated = max(dates.values()) if exit_ is None else exit_[1]
        settled = min(d for d in (dates.get(Stage.ADMITTED), exit_[1] if exit_ else None, NOT_SETTLED) if d)
        return (
            candidate_id, org_row[0], org_row[4], name, birth, key, female, "Kinh", False, "",
            Education.UPPER_SECONDARY.value, rng.choice(QUALIFICATIONS).value, rng.choice(OCCUPATIONS[sector]).value,
            youth, False, False,
            self._name(rng.random() < 0.4), self._name(rng.random() < 0.4), sponsor_since,
            self._name(rng.random() < 0.4), sponsor_since + timedelta(days=rng.randint(0, 300)),
            None, new_member_class if new_member_class and new_member_class <= DEMO_TODAY else None,
            last_stage.value, _effective(dates)[last_stage], exit_[0] if exit_ else None, exit_[1] if exit_ else None,
            *stage_dates, settled, 1, _at_nine(source), _at_nine(updated),
        )

    def _events(self, candidate_id: int, dates: dict[Stage, date], exit_: tuple[str, date] | None) -> Iterator[tuple]:
        steps = [(s.value, d) for s, d in sorted(dates.items(), key=lambda sd: (sd[1], STAGE_ORDER[sd[0]]))]
        steps += [exit_] if exit_ else []
        effective = _effective(dates).get(Stage.OFFICIAL)
        for stage, day in steps:
            document = f"{self.next_event_id}-QĐ/TU" if stage in (Stage.DECISION.value, Stage.OFFICIAL.value) else ""
            yield (self.next_event_id, candidate_id, stage, day, document, "", None, None, "", None, False,
                   RECORDED_BY, _at_nine(day), effective if stage == Stage.OFFICIAL.value else None)
            self.next_event_id += 1
            self.events += 1


def _recognition_steps(dates: dict[Stage, date], *, grassroots_cell: bool) -> None:
    """The recognition's resolutions between the end of the probation and the official decision
    (drawn from nothing: the generator's stream, and so the figures, stay as they were): the
    chi bộ's halfway, the đảng ủy's (not for a chi bộ cơ sở) halfway from there."""
    end, decided = add_months(dates[Stage.ADMITTED], 12), dates[Stage.OFFICIAL]
    branch = end + timedelta(days=(decided - end).days // 2)
    dates[Stage.RECOGNITION_BRANCH] = branch
    if not grassroots_cell:
        dates[Stage.RECOGNITION_COMMITTEE] = branch + timedelta(days=(decided - branch).days // 2)


def _effective(dates: dict[Stage, date]) -> dict[Stage, date]:
    """The stage dates as the candidate row holds them: official from the end of the probation."""
    if Stage.OFFICIAL not in dates:
        return dates
    return {**dates, Stage.OFFICIAL: add_months(dates[Stage.ADMITTED], 12)}


def _plans(tree: _Tree, admitted: np.ndarray, rng: np.random.Generator) -> list[tuple]:
    """Plans for the last five years: leaves near what they achieved, parents near their children's sum."""
    n_orgs, n_years = len(tree.rows), len(PLAN_YEARS)
    year_share = np.ones(n_years)
    year_share[-1] = (DEMO_TODAY - date(DEMO_TODAY.year, 1, 1)).days / 365  # the current year is not over
    target = np.zeros((n_orgs, n_years))
    members = np.zeros((n_orgs, n_years))
    leaves = np.asarray(tree.leaves)
    full_year = admitted / year_share
    target[leaves] = np.rint(full_year * rng.uniform(0.75, 1.3, size=full_year.shape))
    members[leaves] = rng.integers(8, 60, size=(len(leaves), 1)) + np.cumsum(full_year, axis=1) * 0.9
    # Bottom-up, a level at a time: a parent's target is near its children's sum, its members the sum.
    parent = np.asarray(tree.parent)
    depth = np.asarray([row[5] for row in tree.rows])
    is_leaf = np.zeros(n_orgs, dtype=bool)
    is_leaf[leaves] = True
    child_sum = np.zeros_like(target)
    for d in range(int(depth.max()), 0, -1):
        level = np.flatnonzero(depth == d)
        inner = level[~is_leaf[level]]
        target[inner] = np.rint(child_sum[inner] * rng.uniform(0.95, 1.05, size=(len(inner), 1)))
        np.add.at(child_sum, parent[level], target[level])
        np.add.at(members, parent[level], members[level])
    target[0] = child_sum[0]
    return [(pos + 1, year, int(target[pos, y]), int(members[pos, y]), 1)
            for pos in range(n_orgs) for y, year in enumerate(PLAN_YEARS)]


def _users(session: Session, tree: _Tree) -> int:
    """An admin, a leader and a projector at the root; a secretary of the first grassroots
    committee and one of its first chi bộ. Password: the demo's."""
    by_id = {1: tree.rows[0]}
    committee = next(r for r in tree.rows if r[6] == OrgKind.GRASSROOTS_COMMITTEE.value)
    cell = next(r for r in tree.rows if r[3] == committee[0])
    by_id.update({committee[0]: committee, cell[0]: cell})
    accounts = (("admin", "Ban Tổ chức", Role.ADMIN, 1), ("lanhdao", "Thường trực", Role.LEADER, 1),
                ("trinhchieu", "Màn hình phòng họp", Role.PROJECTOR, 1),
                ("bithu.coso", "Bí thư đảng ủy cơ sở", Role.SECRETARY, committee[0]),
                ("bithu.chibo", "Bí thư chi bộ", Role.SECRETARY, cell[0]))
    for username, display_name, role, org_id in accounts:
        org = session.get(Organization, org_id)
        create_user(session, username=username, display_name=display_name, password=DEMO_PASSWORD, role=role.value,
                    organization=org, created_by=RECORDED_BY)
    return len(accounts)


def load_synth(session: Session, tier_name: str, *, progress: Callable[[str], None] = lambda _m: None) -> SynthSummary:
    """Write a synthetic tier into an empty database, in the caller's transaction."""
    if tier_name not in TIERS:
        raise ValueError(t("error.bad_tier", value=tier_name, tiers=", ".join(TIERS)))
    if not database_is_empty(session):
        raise ValueError(t("error.not_empty"))
    tier = TIERS[tier_name]
    rng = random.Random(tier.seed)
    tree = _build_tree(tier, rng)
    writer = _Writer(session)
    writer.write("organization", ORG_COLUMNS, tree.rows)
    progress(t("cli.synth_orgs", count=len(tree.rows)))
    people = _People(tree, tier.seed, PLAN_YEARS)
    written = 0
    while written < tier.candidates:
        count = min(CHUNK, tier.candidates - written)
        candidates, events = people.chunk(written + 1, count)
        writer.write("candidate", CANDIDATE_COLUMNS, candidates)
        writer.write("stage_event", EVENT_COLUMNS, events)
        written += count
        progress(t("cli.synth_candidates", count=written, events=people.events))
    plans = _plans(tree, people.admitted, np.random.default_rng(tier.seed))
    writer.write("year_plan", PLAN_COLUMNS, plans)
    writer.reset_sequences(("organization", "candidate", "stage_event", "year_plan"))
    users = _users(session, tree)
    summary = SynthSummary(tier.name, len(tree.rows), tier.candidates, people.events, len(plans), users)
    record_audit(session, username=RECORDED_BY, action="load_synth", entity="database", entity_id=None,
                 after={"tier": tier.name, "organizations": summary.organizations, "candidates": summary.candidates,
                        "events": summary.events})
    bump_data_version(session)
    return summary
