"""Synthetic data at three sizes, for the benchmark and for trying the app at scale.

    district   ≈ 90 organizations,      2.000 candidates (a province's root over one district)
    province   ≈ 3.000 organizations,  50.000 candidates
    national   ≈ 300.000 organizations, 1.000.000 candidates, ≈ 6.000.000 stage events

Ten years of history up to DEMO_TODAY, on the tree as it stood each day (core.structure.dated):
until 30/6/2025 the old shape (for the whole Party 63 Tỉnh ủy, each with its Huyện ủy, their
đảng bộ cơ sở and chi bộ), from 01/7/2025 the shape of the 2025 reorganisation (Quy định
294-QĐ/TW, Nghị quyết 60-NQ/TW): no district level, 34 Tỉnh ủy each formed that day from one to
three old ones, and under each Đảng ủy xã / phường formed by merging two to four old communes of
a district, with their chi bộ; plus the province's agencies' đảng bộ. A plausible model where
the real lists are not at hand: the chi bộ of a merged commune go under the new commune (a
commune that was a chi bộ cơ sở becomes one of its chi bộ); a district's schools, health
stations and private enterprises go whole under one of the new communes of their district;
its agencies under Đảng bộ các cơ quan Đảng tỉnh, its state enterprises under Đảng bộ Ủy ban
nhân dân tỉnh, its armed forces directly under the Tỉnh ủy. The root of each tier stands
throughout (for the smaller tiers a province that kept its borders).

The history is written as core.structure.restructure would have left it, in bulk: the old
organizations end on 30/6/2025 (`valid_to`, not active); the new ones start on 01/7/2025
(`valid_from`); an organization that moved has its new parent, path, depth, name and kind from
01/7/2025 (`placed_from`) and an OrganizationEra row for what it was before; a candidate listed
before 01/7/2025 in a chi bộ that moved has a CandidatePlace row for its old path and
`placed_from` 01/7/2025; each change is a Restructuring with its OrgSuccession rows. Decisions
are numbered by the Huyện ủy ("-QĐ/HU") until 30/6/2025, by the đảng ủy above the chi bộ
("-QĐ/ĐU") from 01/7/2025.

Every candidate's events follow the procedure's order and the candidate row's derived columns
agree with them, exactly as `core.procedure.pipeline` would have left them, so every screen
works on this data as on real data. Yearly plans (the last five years) follow what each
organization actually achieved, give or take, so the statuses come out mixed; 2025 has a plan
for each part, the old organizations' until 30/6 and the new ones' from 01/7, as a merge with
its plan shared by days leaves them.

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
from core.access.users import create_user, hash_password
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
from core.storage import kept
from core.storage.models import NOT_SETTLED, Organization, identity_key
from core.storage.versions import bump_data_version
from core.structure.tree import child_path

RECORDED_BY = "synth"
HISTORY_START = date(2016, 7, 1)  # sources from here on: the first admissions fall in 2017
PLAN_YEARS = tuple(range(DEMO_TODAY.year - 4, DEMO_TODAY.year + 1))
CHUNK = 20_000  # candidates generated and written per round
REORGANISED = date(2025, 7, 1)  # no district level from this day on (Quy định 294-QĐ/TW)
LAST_OLD_DAY = REORGANISED - timedelta(days=1)
# The kind of a đảng ủy xã / phường of 2025 (OrgKind.COMMUNE_COMMITTEE).
COMMUNE_KIND = str(getattr(OrgKind, "COMMUNE_COMMITTEE", "commune_committee"))
PROVINCES_DOCUMENT = "60-NQ/TW"  # Nghị quyết 60-NQ/TW (12/4/2025): 63 provinces become 34
COMMUNE_SECTORS = (Sector.RURAL.value, Sector.URBAN.value)


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
    # How many Tỉnh ủy the root's children (the old Tỉnh ủy) became on 01/7/2025; 0: the root
    # is itself a province, and its children are its districts.
    provinces_after: int = 0


_GRASSROOTS = Level(OrgKind.GRASSROOTS_COMMITTEE, (24, 40), "Đảng bộ cơ sở số {n}", leaf_share=0.2)
TIERS: dict[str, Tier] = {
    tier.name: tier
    for tier in (
        Tier("district", "TINH", "Tỉnh ủy (dữ liệu tổng hợp)",
             (Level(OrgKind.UPPER_COMMITTEE, (1, 1), "Huyện ủy số {n}"),
              Level(OrgKind.GRASSROOTS_COMMITTEE, (14, 14), "Đảng bộ cơ sở số {n}", leaf_share=0.2),
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
             candidates=1_000_000, seed=3, provinces_after=34),
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

ORG_COLUMNS = ("id", "code", "name", "parent_id", "path", "depth", "kind", "sector", "active", "version",
               "valid_from", "valid_to", "placed_from")
ERA_COLUMNS = ("id", "organization_id", "parent_id", "path", "depth", "name", "kind", "valid_from", "valid_to")
PLACE_COLUMNS = ("id", "candidate_id", "organization_id", "org_path", "valid_from", "valid_to")
RESTRUCTURING_COLUMNS = ("id", "kind", "effective_date", "document_number", "note", "recorded_by", "recorded_at")
SUCCESSION_COLUMNS = ("id", "restructuring_id", "from_organization_id", "to_organization_id", "effective_date")
PLAN_COLUMNS = ("organization_id", "year", "target", "members_start", "version")
STAGE_DATE_COLUMNS = tuple(stage_date_column(s) for s in Stage)
CANDIDATE_COLUMNS = (
    "id", "organization_id", "org_path", "full_name", "birth_date", "identity_key", "female", "ethnicity", "ethnic_minority", "religion",
    "general_education", "qualification", "occupation", "youth_union_member", "village_head", "education_exemption",
    "helper_name", "sponsor1_name", "sponsor1_since", "sponsor2_name", "sponsor2_since",
    "youth_union_resolution_date", "new_member_class_date", "stage", "stage_date", "exit", "exit_date",
    *STAGE_DATE_COLUMNS, "settled_date", "placed_from", "version", "created_at", "updated_at",
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
    """The generated organizations as they stood until 30/6/2025, as parallel lists indexed by
    position (id = position + 1)."""

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


class _Reorganisation:
    """The tree of 01/7/2025 made from the old one (see the module's docstring): organization
    rows as they stand today (ORG_COLUMNS), what the moved ones were until 30/6/2025, and each
    organization's parent in both trees. Positions as in _Tree; new organizations after them."""

    def __init__(self, tree: _Tree):
        self.rows: list[list] = [[*row, None, None, None] for row in tree.rows]
        self.old_parent = list(tree.parent)
        self.new_parent = list(tree.parent)
        self.old_depth = [row[5] for row in tree.rows]
        self.old_path = [row[4] for row in tree.rows]  # where each one stood on 30/6/2025
        self.children: list[list[int]] = [[] for _ in tree.rows]  # in the old tree
        for pos, parent in enumerate(tree.parent):
            if parent >= 0:
                self.children[parent].append(pos)
        self.eras: list[tuple] = []  # ERA_COLUMNS but the id
        self.changes: list[tuple[str, str, list[tuple[int, int]]]] = []  # (kind, document, [(from, to)]) by position

    def found(self, parent: int, code: str, name: str, kind: str, sector: str) -> int:
        """A new organization under `parent` from 01/7/2025; its position."""
        pos, above = len(self.rows), self.rows[parent]
        path = child_path(above[4], pos + 1)
        self.rows.append([pos + 1, code, name, above[0], path, above[5] + 1, kind, sector, True, 1, REORGANISED, None,
                          None])
        self.old_parent.append(-1)
        self.new_parent.append(parent)
        self.old_depth.append(-1)
        self.old_path.append(path)
        self.children.append([])
        return pos

    def end(self, pos: int) -> None:
        """The organization's last day is 30/6/2025."""
        self.rows[pos][8], self.rows[pos][11] = False, LAST_OLD_DAY

    def move(self, pos: int, parent: int, *, name: str | None = None, kind: str | None = None) -> None:
        """The organization and its subtree under `parent` from 01/7/2025 (with a new name or kind)."""
        above = self.rows[parent]
        self._replace(pos, child_path(above[4], pos + 1), above[5] + 1)
        row = self.rows[pos]
        row[3], row[2], row[6] = above[0], name or row[2], kind or row[6]
        self.new_parent[pos] = parent

    def _replace(self, pos: int, path: str, depth: int) -> None:
        row = self.rows[pos]
        self.eras.append((pos + 1, row[3], row[4], row[5], row[2], row[6], None, LAST_OLD_DAY))
        row[4], row[5], row[12] = path, depth, REORGANISED
        for child in self.children[pos]:
            self._replace(child, child_path(path, child + 1), depth + 1)

    @property
    def old_alive(self) -> np.ndarray:
        return np.asarray([depth >= 0 for depth in self.old_depth])

    @property
    def new_alive(self) -> np.ndarray:
        return np.asarray([row[11] is None for row in self.rows])


def _group_sizes(total: int, groups: int, rng: random.Random, largest: int) -> list[int]:
    """`total` shared into `groups` groups of 1 to `largest` each."""
    sizes = [1] * groups
    for _ in range(total - groups):
        sizes[rng.choice([g for g, size in enumerate(sizes) if size < largest])] += 1
    return sizes


def _commune_groups(communes: list[int], rng: random.Random) -> list[list[int]]:
    """The old communes of a district in groups of two to four, each merged into one new commune."""
    groups: list[list[int]] = []
    rest = list(communes)
    rng.shuffle(rest)
    while rest:
        size = rng.randint(2, 4)
        groups.append(rest[:size])
        rest = rest[size:]
    if len(groups) > 1 and len(groups[-1]) == 1:
        last = groups.pop()
        groups[-1].extend(last)
    return groups


def _reorganise(tier: Tier, tree: _Tree, rng: random.Random) -> _Reorganisation:
    """The 2025 reorganisation of the tier's old tree: its provinces (if the root has them)
    merged into `provinces_after`, its districts ended, their communes merged and the rest of
    their organizations placed as the module's docstring says."""
    reorg = _Reorganisation(tree)
    rows, root = reorg.rows, 0
    upper, cell = OrgKind.UPPER_COMMITTEE.value, OrgKind.CELL.value
    if tier.provinces_after:
        old = list(reorg.children[root])
        rng.shuffle(old)
        units = []
        for n, size in enumerate(_group_sizes(len(old), tier.provinces_after, rng, largest=3), start=1):
            merged, old = old[:size], old[size:]
            province = reorg.found(root, f"{tier.root_code}-M{n:02d}", f"Tỉnh ủy mới số {n}", upper, Sector.OTHER.value)
            for pos in merged:
                reorg.end(pos)
            reorg.changes.append(("merge", PROVINCES_DOCUMENT, [(pos, province) for pos in merged]))
            units.append((province, sorted(merged), f" mới số {n}", f"{n}."))
    else:
        units = [(root, [root], "", "")]
    for unit, provinces, suffix, number in units:
        code = rows[unit][1]
        party = reorg.found(unit, f"{code}-CQD", f"Đảng bộ các cơ quan Đảng tỉnh{suffix}", upper, Sector.OTHER.value)
        government = reorg.found(unit, f"{code}-UBND", f"Đảng bộ Ủy ban nhân dân tỉnh{suffix}", upper,
                                 Sector.OTHER.value)
        founded = 0
        for district in (d for p in provinces for d in reorg.children[p]):
            grassroots = reorg.children[district]
            communes = []
            for group in _commune_groups([g for g in grassroots if rows[g][7] in COMMUNE_SECTORS], rng):
                founded += 1
                sector = rows[group[0]][7]
                word = "phường" if sector == Sector.URBAN.value else "xã"
                commune = reorg.found(unit, f"{code}-X{founded:03d}", f"Đảng ủy {word} số {number}{founded}",
                                      COMMUNE_KIND, sector)
                for old_commune in group:
                    if rows[old_commune][6] == OrgKind.GRASSROOTS_CELL.value:  # now one of the commune's chi bộ
                        reorg.move(old_commune, commune, kind=cell,
                                   name=rows[old_commune][2].replace("Chi bộ cơ sở", "Chi bộ", 1))
                    else:
                        for branch in reorg.children[old_commune]:
                            reorg.move(branch, commune)
                        reorg.end(old_commune)
                reorg.changes.append(("merge", "", [(pos, commune) for pos in group]))
                communes.append(commune)
            for pos in grassroots:
                sector = rows[pos][7]
                if sector in COMMUNE_SECTORS:
                    continue
                if sector == Sector.ARMED_FORCES.value:
                    target = unit
                elif sector == Sector.ADMINISTRATION.value:
                    target = party
                elif sector == Sector.STATE_ENTERPRISE.value or not communes:
                    target = government
                else:  # schools, health stations, private enterprises: in one of the district's new communes
                    target = rng.choice(communes)
                reorg.move(pos, target)
            reorg.end(district)
            receivers = dict.fromkeys(reorg.new_parent[p] for g in grassroots for p in [g, *reorg.children[g]]
                                      if reorg.new_parent[p] not in (g, district))
            reorg.changes.append(("split", "", [(district, pos) for pos in receivers]))
    return reorg


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
        if batch:
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
    """Candidates and their histories, one chunk at a time, with the admissions counted per leaf
    and year. A candidate listed before 01/7/2025 in a chi bộ that moved then has its old place
    (PLACE_COLUMNS) beside its row."""

    def __init__(self, tree: _Tree, reorg: _Reorganisation, seed: int, years: tuple[int, ...]):
        self.tree = tree
        self.reorg = reorg
        self.rng = random.Random(seed * 7919)
        self.np_rng = np.random.default_rng(seed)
        self.weights = self.np_rng.choice([0.3, 0.7, 1.0, 1.0, 1.3, 2.0], size=len(tree.leaves))
        self.first_year = years[0]
        self.admitted = np.zeros((len(tree.leaves), len(years)), dtype=np.int64)
        self.next_event_id = 1
        self.events = 0
        self.places = 0
        # (organization, identity) of those without an exit, hashed: the same person twice in a chi bộ
        # is refused by the database, so a generated name that would repeat one is drawn again.
        self.listed: set[int] = set()

    def chunk(self, first_id: int, count: int) -> tuple[list[tuple], list[tuple], list[tuple]]:
        """`count` candidates from id `first_id` on, their events and their old places, as row tuples."""
        tree, reorg = self.tree, self.reorg
        leaf_idx = self.np_rng.choice(len(tree.leaves), size=count, p=self.weights / self.weights.sum())
        span = (DEMO_TODAY - HISTORY_START).days
        starts = self.np_rng.integers(0, span, size=count)
        candidates, events, places = [], [], []
        for i in range(count):
            leaf = int(leaf_idx[i])
            org_pos = tree.leaves[leaf]
            org_row = reorg.rows[org_pos]
            sector = Sector(org_row[7])
            source = HISTORY_START + timedelta(days=int(starts[i]))
            dates, exit_ = self._history(source, grassroots_cell=tree.grassroots_cell[org_pos])
            decision = dates.get(Stage.DECISION)
            if decision is not None and decision.year >= self.first_year:
                self.admitted[leaf, decision.year - self.first_year] += 1
            candidate_id = first_id + i
            moved = source < REORGANISED and reorg.old_path[org_pos] != org_row[4]
            if moved:
                self.places += 1
                places.append((self.places, candidate_id, org_row[0], reorg.old_path[org_pos], None, LAST_OLD_DAY))
            candidates.append(self._candidate(candidate_id, org_row, sector, dates, exit_,
                                              placed_from=REORGANISED if moved else None))
            events.extend(self._events(candidate_id, dates, exit_))
        return candidates, events, places

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

    def _candidate(self, candidate_id: int, org_row: list, sector: Sector, dates: dict[Stage, date],
                   exit_: tuple[str, date] | None, *, placed_from: date | None) -> tuple:
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
            *stage_dates, settled, placed_from, 1, _at_nine(source), _at_nine(updated),
        )

    def _events(self, candidate_id: int, dates: dict[Stage, date], exit_: tuple[str, date] | None) -> Iterator[tuple]:
        steps = [(s.value, d) for s, d in sorted(dates.items(), key=lambda sd: (sd[1], STAGE_ORDER[sd[0]]))]
        steps += [exit_] if exit_ else []
        effective = _effective(dates).get(Stage.OFFICIAL)
        for stage, day in steps:
            document = ""
            if stage in (Stage.DECISION.value, Stage.OFFICIAL.value):  # the Huyện ủy's, then the đảng ủy's
                document = f"{self.next_event_id}-QĐ/{'HU' if day < REORGANISED else 'ĐU'}"
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


def _plans(tree: _Tree, reorg: _Reorganisation, admitted: np.ndarray, rng: np.random.Generator) -> list[tuple]:
    """Plans for the last five years of each organization that existed in them: leaves near what
    they achieved, parents near their children's sum, on the tree of the year. In 2025 a leaf's
    plan is shared by days between its parents until 30/6 and from 01/7 (the old organizations'
    and the new ones' parts); members at the start of 2025 are the old tree's (a new
    organization has none recorded for its first year)."""
    n_years = len(PLAN_YEARS)
    change = PLAN_YEARS.index(REORGANISED.year)
    year_share = np.ones(n_years)
    year_share[-1] = (DEMO_TODAY - date(DEMO_TODAY.year, 1, 1)).days / 365  # the current year is not over
    full_year = admitted / year_share
    leaf_target = np.rint(full_year * rng.uniform(0.75, 1.3, size=full_year.shape))
    leaf_members = rng.integers(8, 60, size=(len(tree.leaves), 1)) + np.cumsum(full_year, axis=1) * 0.9
    noise = rng.uniform(0.95, 1.05, size=(len(reorg.rows), 1))
    # A chi bộ keeps its whole plan; what its parents until 30/6 and from 01/7 add up is its plan
    # shared by days, rounded only where summed (a leaf's own share would round to nothing).
    first, last = date(REORGANISED.year, 1, 1), date(REORGANISED.year, 12, 31)
    before, after = leaf_target.copy(), leaf_target.copy()
    before[:, change] *= (REORGANISED - first).days / ((last - first).days + 1)
    after[:, change] -= before[:, change]
    old_alive, new_alive = reorg.old_alive, reorg.new_alive
    old_target, old_members = _rolled_up(tree.leaves, reorg.old_parent, reorg.old_depth, old_alive, before,
                                         leaf_members, noise)
    new_target, new_members = _rolled_up(tree.leaves, reorg.new_parent, [row[5] for row in reorg.rows], new_alive,
                                         after, leaf_members, noise)
    years = np.asarray(PLAN_YEARS)
    target = np.where(years < REORGANISED.year, old_target, new_target)
    target[:, change] += old_target[:, change]
    target[tree.leaves, change] = leaf_target[:, change]
    members = np.where(years <= REORGANISED.year, old_members, new_members)
    plans = []
    for pos in range(len(reorg.rows)):
        for y, year in enumerate(PLAN_YEARS):
            if (old_alive[pos] and year <= REORGANISED.year) or (new_alive[pos] and year >= REORGANISED.year):
                recorded = int(members[pos, y]) if old_alive[pos] or year > REORGANISED.year else None
                plans.append((pos + 1, year, int(target[pos, y]), recorded, 1))
    return plans


def _rolled_up(leaves: list[int], parent: list[int], depth: list[int], alive: np.ndarray, leaf_target: np.ndarray,
               leaf_members: np.ndarray, noise: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Targets and members of one tree (the organizations `alive` in it), bottom-up a level at
    a time: a parent's target is near its children's sum (the root's is the sum), its members
    the sum."""
    n_orgs, n_years = len(parent), leaf_target.shape[1]
    target = np.zeros((n_orgs, n_years))
    members = np.zeros((n_orgs, n_years))
    target[leaves], members[leaves] = leaf_target, leaf_members
    parent_of, depth_of = np.asarray(parent), np.asarray(depth)
    is_leaf = np.zeros(n_orgs, dtype=bool)
    is_leaf[leaves] = True
    child_sum = np.zeros_like(target)
    for d in range(int(depth_of.max()), 0, -1):
        level = np.flatnonzero((depth_of == d) & alive)
        inner = level[~is_leaf[level]]
        target[inner] = np.rint(child_sum[inner] * noise[inner])
        np.add.at(child_sum, parent_of[level], target[level])
        np.add.at(members, parent_of[level], members[level])
    target[0] = child_sum[0]
    return target, members


def _users(session: Session, rows: list[list]) -> int:
    """An admin, a leader and a projector at the root; a secretary of the first đảng ủy xã
    (phường) and one of its first chi bộ. Password: the demo's."""
    commune = next(r for r in rows if r[6] == COMMUNE_KIND)
    cell = next(r for r in rows if r[3] == commune[0] and r[6] == OrgKind.CELL.value)
    accounts = (("admin", "Ban Tổ chức", Role.ADMIN, 1), ("lanhdao", "Thường trực", Role.LEADER, 1),
                ("trinhchieu", "Màn hình phòng họp", Role.PROJECTOR, 1),
                ("bithu.coso", "Bí thư đảng ủy xã", Role.SECRETARY, commune[0]),
                ("bithu.chibo", "Bí thư chi bộ", Role.SECRETARY, cell[0]))
    for username, display_name, role, org_id in accounts:
        org = session.get(Organization, org_id)
        create_user(session, username=username, display_name=display_name, password=DEMO_PASSWORD, role=role.value,
                    organization=org, created_by=RECORDED_BY)
    return len(accounts)


USER_COLUMNS = ("username", "display_name", "password_hash", "role", "organization_id", "active",
                "must_change_password", "failed_attempts", "created_at", "version")


def _secretaries(writer: _Writer, rows: list[list]) -> int:
    """A secretary's account (`bithu.<id>`) for every organization under the root that stands
    today, đảng bộ and chi bộ alike, as a province or the whole Party has them (some 300.000
    for the national tier): the directory the sign-in and Quản trị are measured with. One hash
    for all (the demo's password), bcrypt once."""
    hashed = hash_password(DEMO_PASSWORD)
    created = _at_nine(REORGANISED)
    return writer.write("app_user", USER_COLUMNS, (
        (f"bithu.{r[0]}", f"Bí thư {r[2]}"[:255], hashed, Role.SECRETARY.value, r[0], True, False, 0, created, 1)
        for r in rows if r[3] is not None and r[8] and r[11] is None))


def _write_changes(writer: _Writer, reorg: _Reorganisation) -> int:
    """The restructurings of 01/7/2025 and who went where in each; how many."""
    recorded_at = _at_nine(REORGANISED)
    writer.write("restructuring", RESTRUCTURING_COLUMNS, (
        (n, kind, REORGANISED, document, "", RECORDED_BY, recorded_at)
        for n, (kind, document, _) in enumerate(reorg.changes, start=1)))
    writer.write("org_succession", SUCCESSION_COLUMNS, (
        (n, restructuring, source + 1, target + 1, REORGANISED)
        for n, (restructuring, source, target) in enumerate(
            ((r, source, target) for r, (_, _, pairs) in enumerate(reorg.changes, start=1) for source, target in pairs),
            start=1)))
    return len(reorg.changes)


def load_synth(session: Session, tier_name: str, *, progress: Callable[[str], None] = lambda _m: None) -> SynthSummary:
    """Write a synthetic tier into an empty database, in the caller's transaction."""
    if tier_name not in TIERS:
        raise ValueError(t("error.bad_tier", value=tier_name, tiers=", ".join(TIERS)))
    if not database_is_empty(session):
        raise ValueError(t("error.not_empty"))
    tier = TIERS[tier_name]
    rng = random.Random(tier.seed)
    tree = _build_tree(tier, rng)
    reorg = _reorganise(tier, tree, random.Random(tier.seed * 2025))
    writer = _Writer(session)
    # Parents first (a moved organization's new parent comes after it in id order).
    writer.write("organization", ORG_COLUMNS, (tuple(row) for row in sorted(reorg.rows, key=lambda r: (r[5], r[0]))))
    writer.write("organization_era", ERA_COLUMNS, ((n, *era) for n, era in enumerate(reorg.eras, start=1)))
    changes = _write_changes(writer, reorg)
    progress(t("cli.synth_orgs", count=len(reorg.rows)))
    people = _People(tree, reorg, tier.seed, PLAN_YEARS)
    written = 0
    while written < tier.candidates:
        count = min(CHUNK, tier.candidates - written)
        candidates, events, places = people.chunk(written + 1, count)
        writer.write("candidate", CANDIDATE_COLUMNS, candidates)
        writer.write("stage_event", EVENT_COLUMNS, events)
        writer.write("candidate_place", PLACE_COLUMNS, places)
        written += count
        progress(t("cli.synth_candidates", count=written, events=people.events))
    plans = _plans(tree, reorg, people.admitted, np.random.default_rng(tier.seed))
    writer.write("year_plan", PLAN_COLUMNS, plans)
    writer.reset_sequences(("organization", "organization_era", "restructuring", "org_succession", "candidate",
                            "stage_event", "candidate_place", "year_plan"))
    kept.rebuild(session)  # the rows above were written in bulk, past no flush
    users = _users(session, reorg.rows) + _secretaries(writer, reorg.rows)
    summary = SynthSummary(tier.name, len(reorg.rows), tier.candidates, people.events, len(plans), users)
    record_audit(session, username=RECORDED_BY, action="load_synth", entity="database", entity_id=None,
                 after={"tier": tier.name, "organizations": summary.organizations, "candidates": summary.candidates,
                        "events": summary.events, "restructurings": changes})
    bump_data_version(session)
    return summary
