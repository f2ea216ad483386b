"""All database tables, in one module (SQLModel re-defining a table raises an error).

Organizations form a tree through `parent_id`, and carry a materialized `path` ("/1/5/23/")
so that a whole subtree is one indexed range query (see `core.structure.tree`). Stage events are the
history of a candidate and are append-only; the candidate row keeps the date each stage was
entered, derived from the events in the same transaction, so that every figure is one
aggregate over candidates instead of a walk through events.

At the scale of the whole Party (300.000 organizations, a million candidates) the candidate
row also carries its organization's path and the date it settled (admitted or left), so a
subtree's candidates are one index range without a join, and "still in the procedure on a
date" is one range on `settled_date` instead of a scan.
"""
from __future__ import annotations

import unicodedata
from datetime import date, datetime, timezone

from sqlalchemy import Column, DateTime, Index, String, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

# Byte-wise ordering on PostgreSQL too, so "path >= '/1/' AND path < '/10'" is a subtree scan
# whatever the database's locale is. SQLite compares strings byte-wise already.
PATH_TYPE = String(400).with_variant(String(400, collation="C"), "postgresql")


# Every column the pipeline counts (core.figures.progress) and the funnel's standing read, so
# that they are answered from the index alone: a column read there and missing here sends
# PostgreSQL to every row's page (tests/storage/test_indexes.py compares the two).
SETTLED_INDEX_COLUMNS = (
    "settled_date", "org_path", "decision_date", "admitted_date", "source_date", "outstanding_date",
    "class_done_date", "dossier_date", "branch_resolution_date", "sub_committee_appraisal_date",
    "committee_resolution_date",
)
# `settled_date` of a candidate still in the procedure: after every date a query asks about,
# so "in the procedure on day D" is the index range settled_date > D.
NOT_SETTLED = date(9999, 12, 31)


IDENTITY_KEY_LENGTH = 300  # a 255-character name, the birth date, room for a migration's "#id"


def normal_name(full_name: str) -> str:
    """A name as compared for identity: Unicode NFC (a name typed with combining accents is the
    same name), case folded, runs of spaces made one."""
    return unicodedata.normalize("NFC", " ".join(unicodedata.normalize("NFC", full_name).split()).casefold())


def identity_key(full_name: str, birth_date: date) -> str:
    """Who a candidate is, as stored in `candidate.identity_key`: the normalised full name and
    the date of birth ("nguyễn văn an|1990-01-01"). Unique per chi bộ among candidates still
    in the procedure (see Candidate)."""
    return f"{normal_name(full_name)}|{birth_date.isoformat()}"


def utcnow() -> datetime:
    """The current time, timezone-aware UTC (the only kind of timestamp stored)."""
    return datetime.now(timezone.utc)


def _utc_column(*, nullable: bool = False, index: bool = False) -> Column:
    return Column(DateTime(timezone=True), nullable=nullable, index=index)


class Organization(SQLModel, table=True):
    """A Party organization: a node of the tree, of any depth."""

    __tablename__ = "organization"
    # The grassroots organizations of a subtree, read from the index alone.
    __table_args__ = (Index("ix_organization_kind_path", "kind", "path", "active"),)

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, unique=True, index=True)
    name: str = Field(max_length=255)
    parent_id: int | None = Field(default=None, foreign_key="organization.id", index=True)
    path: str = Field(sa_type=PATH_TYPE, index=True)
    depth: int = 0
    kind: str = Field(max_length=32)
    sector: str = Field(max_length=32)
    active: bool = True
    # An đảng ủy cơ sở authorized to decide admissions itself (được ủy quyền): its own decision
    # is the decision, and its committee resolutions (8-KNĐ, 15-KNĐ) are skipped.
    authorized: bool = False
    # A Đoàn (Ho Chi Minh Communist Youth Union) organization exists here: a candidate of youth
    # age must then take the Đoàn route (Điều lệ Điều 4; core.procedure.rules.sponsor_findings).
    has_youth_union: bool = False
    # The tree through time (core.structure.dated). `valid_from`: the day the organization was
    # founded (NULL: before anything recorded); `valid_to`: its last day (NULL: it exists; an
    # ended organization is also not `active`). `placed_from`: the day since which this row's
    # parent, path, depth, name and kind hold (NULL: always); what they were before lies in
    # OrganizationEra.
    valid_from: date | None = None
    valid_to: date | None = None
    placed_from: date | None = None
    version: int = 1


class OrganizationEra(SQLModel, table=True):
    """What an organization was over a past stretch of days: its parent, path, depth, name and
    kind from `valid_from` (NULL: since ever) to `valid_to` (its last day, included). The
    Organization row is the stretch that holds now; a move, a merge, a split or a dated
    rename (core.structure.restructure) closes it into one of these. Never updated."""

    __tablename__ = "organization_era"
    __table_args__ = (Index("ix_organization_era_parent", "parent_id", "valid_to"),)

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    parent_id: int | None = Field(default=None, foreign_key="organization.id")
    path: str = Field(sa_type=PATH_TYPE, index=True)
    depth: int = 0
    name: str = Field(max_length=255)
    kind: str = Field(max_length=32)
    valid_from: date | None = None
    valid_to: date


class YearPlan(SQLModel, table=True):
    """An organization's plan for one year: target admissions and members at the start."""

    __tablename__ = "year_plan"
    __table_args__ = (
        UniqueConstraint("organization_id", "year", name="uq_year_plan_org_year"),
        # One year's plans with what the figures sum of them, read from the index alone: the
        # targets of the 200.000 organizations below a screen's bottom row (core.figures.progress).
        Index("ix_year_plan_year_sums", "year", "organization_id", "target", "members_start"),
    )

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    year: int
    target: int = 0
    members_start: int | None = None
    version: int = 1


class Candidate(SQLModel, table=True):
    """A person on the way to membership, with what eligibility and the breakdowns need.

    The `<stage>_date` columns, `stage`, `exit`, `exit_date` and `settled_date` are derived
    from the stage events (core.procedure.pipeline keeps them in step); `org_path` is the organization's
    path (core.structure.organizations keeps it in step when a subtree moves); `version` guards against
    stale edits.

    `identity_key` (the function `identity_key` above) makes the same person impossible twice in one
    chi bộ while in the procedure: a unique index over (organization_id, identity_key) among the
    rows without an exit. A person who stopped, was removed or moved out of the tree keeps that
    record as history and may be listed again; the chi bộ, not the tree, is the scope, because
    the same name and birth date in two chi bộ of a large tree are usually two people.

    `organization_id` and `org_path` are where the candidate is now. They change when a
    restructuring moves the chi bộ (with its people) and when the candidate is transferred to
    another chi bộ of the tree (core.procedure.transfers, which keeps a CandidateTransfer row
    and checks the unique index in the receiving chi bộ). Every figure reads them, so the
    receiving chi bộ holds a transferred candidate, stages, dates and all.
    """

    __tablename__ = "candidate"
    __table_args__ = (
        Index("ix_candidate_org_decision", "organization_id", "decision_date"),
        Index("ix_candidate_org_admitted", "organization_id", "admitted_date"),
        Index("ix_candidate_org_stage", "organization_id", "stage"),
        # A subtree's candidates, with their counted dates: small subtrees, and per-organization probes.
        Index("ix_candidate_path", "org_path", "decision_date", "admitted_date"),
        # Those counted in a period, anywhere in a large subtree.
        Index("ix_candidate_decision_path", "decision_date", "org_path"),
        Index("ix_candidate_admitted_path", "admitted_date", "exit_date", "org_path"),
        # Those still in the procedure on a date, with the stage dates the pipeline counts read.
        Index("ix_candidate_settled_path", *SETTLED_INDEX_COLUMNS),
        # Those recognized as official members by a date, and not gone since.
        Index("ix_candidate_official_path", "official_date", "exit_date", "org_path"),
        # One record per person and chi bộ while in the procedure (and as a member).
        Index("uq_candidate_identity_open", "organization_id", "identity_key", unique=True,
              sqlite_where=text("exit IS NULL"), postgresql_where=text("exit IS NULL")),
    )

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id")
    org_path: str = Field(sa_type=PATH_TYPE)  # required: a candidate without it would count nowhere
    full_name: str = Field(max_length=255)
    birth_date: date
    identity_key: str = Field(max_length=IDENTITY_KEY_LENGTH)  # required: identity_key(full_name, birth_date)
    female: bool = False
    ethnicity: str = Field(default="Kinh", max_length=64)
    ethnic_minority: bool = False
    religion: str = Field(default="", max_length=64)
    general_education: str = Field(max_length=32)
    qualification: str = Field(default="none", max_length=32)
    occupation: str = Field(default="other", max_length=32)
    youth_union_member: bool = False
    village_head: bool = False
    education_exemption: bool = False
    helper_name: str = Field(default="", max_length=255)
    sponsor1_name: str = Field(default="", max_length=255)
    sponsor1_since: date | None = None
    sponsor2_name: str = Field(default="", max_length=255)
    sponsor2_since: date | None = None
    youth_union_resolution_date: date | None = None
    new_member_class_date: date | None = None
    # The introduction route (core.procedure.dossier.Introduction); "" on records made before it was
    # asked: the rules then infer it from the Đoàn membership, as they did before.
    introduction_route: str = Field(default="", max_length=16)
    trade_union_member: bool = False
    # Each sponsor an official member (the form asks); NULL: not asked yet (records before 0007).
    sponsor1_official: bool | None = None
    sponsor2_official: bool | None = None
    # A replacement sponsor the chi bộ assigned (the first moved away or was disciplined): the chi
    # bộ's decision (number, date); such a sponsor needs not the 12 months. "": not a replacement.
    sponsor1_replacement_decision: str = Field(default="", max_length=128)
    sponsor2_replacement_decision: str = Field(default="", max_length=128)

    stage: str | None = Field(default=None, max_length=32)
    stage_date: date | None = None
    exit: str | None = Field(default=None, max_length=32)
    exit_date: date | None = None
    source_date: date | None = None
    outstanding_date: date | None = None
    class_done_date: date | None = None
    dossier_date: date | None = None
    branch_resolution_date: date | None = None
    sub_committee_appraisal_date: date | None = None
    committee_resolution_date: date | None = None
    decision_date: date | None = None
    admitted_date: date | None = None
    recognition_branch_date: date | None = None
    recognition_committee_date: date | None = None
    # The day official status takes effect: the end of the probation (Điều lệ Điều 5), not the
    # day of the decision, which the `official` event keeps as its event_date.
    official_date: date | None = None
    # Derived from the records that are not stages (core.procedure.stages.Record): the day the
    # decision was received, the decision's extension, the consent to a late ceremony, the
    # recognition votes without 2/3 either way, a recognition vote with 2/3 against.
    decision_received_date: date | None = None
    decision_extension_date: date | None = None
    ceremony_consent_date: date | None = None
    recognition_failed_votes: int = 0
    recognition_rejected_date: date | None = None
    # The day of admission or of leaving, whichever came first; NOT_SETTLED while neither.
    settled_date: date = NOT_SETTLED
    # The day since which `organization_id` and `org_path` hold (NULL: always): a transfer or a
    # restructuring of the tree moved the candidate then, and where each earlier day's events
    # were counted lies in CandidatePlace (core.structure.dated).
    placed_from: date | None = Field(default=None, index=True)

    version: int = 1
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())


class CandidatePlace(SQLModel, table=True):
    """Where a candidate stood over a past stretch of days: the chi bộ and its path from
    `valid_from` (NULL: since ever) to `valid_to` (included). Every figure counts an event on the
    path the candidate had that day (core.structure.dated.placed_candidates), so a chi bộ moved to
    another commune, or a candidate transferred, leaves the past where it happened. Written
    by core.structure.restructure and core.procedure.transfers; never updated."""

    __tablename__ = "candidate_place"
    __table_args__ = (Index("ix_candidate_place_until", "valid_to", "org_path"),)

    id: int | None = Field(default=None, primary_key=True)
    candidate_id: int = Field(foreign_key="candidate.id", index=True)
    organization_id: int = Field(foreign_key="organization.id")
    org_path: str = Field(sa_type=PATH_TYPE)
    valid_from: date | None = None
    valid_to: date


class AdmissionCount(SQLModel, table=True):
    """Admissions kept as they are written (core.storage.kept): per organization, year and
    counted date (`basis`: the candidate column that dates an admission, decision_date or
    admitted_date), every admission of the year that stood in the organization's subtree on
    its day, on the tree as it stood that day (the organization and each one above it on the
    candidate's path then). Kept in the same transaction as every write; rebuilt by
    `python -m core.cli recount`."""

    __tablename__ = "admission_count"
    # A year's organizations that admitted, read in the index alone (the key leads with the organization).
    __table_args__ = (Index("ix_admission_count_year", "basis", "year", "organization_id", "admitted"),)

    basis: str = Field(max_length=16, primary_key=True)
    organization_id: int = Field(primary_key=True)
    year: int = Field(primary_key=True)
    admitted: int = 0


class AdmissionMonth(SQLModel, table=True):
    """The admissions of AdmissionCount by month (core.storage.kept): per organization, year,
    month and counted date, counted the same way. Read where a year is shown month by month;
    a year's figure is its AdmissionCount row (one row, not twelve). Rebuilt by
    `python -m core.cli recount`."""

    __tablename__ = "admission_month"

    basis: str = Field(max_length=16, primary_key=True)
    organization_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    year: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    month: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})  # 1–12
    admitted: int = 0


class StageFlow(SQLModel, table=True):
    """Entries into each stage kept as they are written (core.storage.kept): per stage,
    organization that is not a chi bộ and year, the candidates who entered the stage in the
    year (`entered`) and those of them who moved on from it by the year's end (`moved`), each
    counted where the candidate stood on the day of the entry, on the tree as it stood that
    day. A chi bộ's few candidates are counted afresh. Rebuilt by `python -m core.cli recount`."""

    __tablename__ = "stage_flow"

    # The organization first: a screen reads one organization's year.
    organization_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    year: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    stage: str = Field(max_length=32, primary_key=True)
    entered: int = 0
    moved: int = 0


class StandingCount(SQLModel, table=True):
    """Candidates standing now, kept as they are written (core.storage.kept): per organization,
    sector and stage, every candidate not gone whose place now lies in the organization's subtree,
    at the last stage it entered, under the sector of the organization it stands in. "Now" is
    any day from KeptThrough on: no candidate has a date after it. Rebuilt by
    `python -m core.cli recount`."""

    __tablename__ = "standing_count"

    organization_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    sector: str = Field(max_length=32, primary_key=True)
    stage: str = Field(max_length=32, primary_key=True)
    standing: int = 0


class KeptThrough(SQLModel, table=True):
    """The day from which the kept standing (StandingCount) is the standing of every day: no
    candidate has a stage, exit or placement date after it. Only ever raised as dates are
    written (a correction to an earlier day leaves it later than it need be: the figures of the
    days between are then counted afresh); set exactly by a recount. No row: no such date yet."""

    __tablename__ = "kept_through"

    id: int = Field(default=1, primary_key=True)
    day: date


class Restructuring(SQLModel, table=True):
    """One change of the tree with an effective date (core.structure.restructure): a merge, a
    split, a move, a dissolution, a dated rename or a new root; by which document, recorded by
    whom. Its OrgSuccession rows say which organization went where."""

    __tablename__ = "restructuring"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)
    effective_date: date = Field(index=True)
    document_number: str = Field(default="", max_length=64)
    note: str = Field(default="", sa_type=Text)
    recorded_by: str = Field(max_length=64)
    recorded_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())


class OrgSuccession(SQLModel, table=True):
    """An organization that ended (or gave part of itself) in a restructuring, and the one that
    took it over (`to_organization_id`), from the restructuring's effective date."""

    __tablename__ = "org_succession"

    id: int | None = Field(default=None, primary_key=True)
    restructuring_id: int = Field(foreign_key="restructuring.id", index=True)
    from_organization_id: int = Field(foreign_key="organization.id", index=True)
    to_organization_id: int | None = Field(default=None, foreign_key="organization.id", index=True)
    effective_date: date


class StageEvent(SQLModel, table=True):
    """One step of a candidate's history. Never updated or deleted.

    A correction is a new event with `replaces_event_id` set: it takes the place of the
    earlier one (or, with `voids`, cancels it).
    """

    __tablename__ = "stage_event"

    id: int | None = Field(default=None, primary_key=True)
    candidate_id: int = Field(foreign_key="candidate.id", index=True)
    stage: str = Field(max_length=32)
    event_date: date
    document_number: str = Field(default="", max_length=64)
    note: str = Field(default="", sa_type=Text)
    votes_for: int | None = None
    # Those present at the meeting (the old form's "Số đảng viên chính thức dự họp"): recorded,
    # not the denominator of the 2/3.
    votes_total: int | None = None
    # The denominator: the chi bộ's official members (for a committee's resolution, all its
    # members), less members_excused (on temporary transfer elsewhere, exempted; chi bộ only).
    # NULL on resolutions recorded before migration 0005: unknown, never guessed.
    members_total: int | None = None
    members_excused: int | None = None
    # A recognition vote's votes against (13-KNĐ, 15-KNĐ): 2/3 against leads to the removal.
    votes_against: int | None = None
    # The decision's day of receipt by the chi bộ: the ceremony's 30 working days count from it.
    received_date: date | None = None
    # The `official` decision's effect: the end of the probation, stored when written so that
    # deriving the candidate's columns needs no rule settings. NULL on other events.
    effective_date: date | None = None
    acknowledged: str = Field(default="", max_length=255)
    replaces_event_id: int | None = Field(default=None, foreign_key="stage_event.id", index=True)
    voids: bool = False
    recorded_by: str = Field(max_length=64)
    recorded_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())


class DossierPaper(SQLModel, table=True):
    """One paper of a candidate's dossier (core.procedure.dossier.PaperKind): its number, the
    date it was issued and, for a paper that expires, until when it holds. Never updated or
    deleted, like StageEvent: a correction or a replacement is a new row with
    `replaces_paper_id` (and `voids` to cancel one recorded by mistake). A certificate renewed
    by taking the class again is a new paper of the same kind, not a correction."""

    __tablename__ = "dossier_paper"

    id: int | None = Field(default=None, primary_key=True)
    candidate_id: int = Field(foreign_key="candidate.id", index=True)
    kind: str = Field(max_length=32)
    document_number: str = Field(default="", max_length=64)
    issue_date: date
    valid_until: date | None = None
    # Whose paper, where a kind has one per person (3-KNĐ: one per sponsor).
    holder: str = Field(default="", max_length=255)
    note: str = Field(default="", sa_type=Text)
    replaces_paper_id: int | None = Field(default=None, foreign_key="dossier_paper.id", index=True)
    voids: bool = False
    recorded_by: str = Field(max_length=64)
    recorded_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())


class User(SQLModel, table=True):
    """A person who signs in, scoped to one organization's subtree."""

    __tablename__ = "app_user"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, unique=True, index=True)
    display_name: str = Field(max_length=255)
    password_hash: str = Field(max_length=255)
    role: str = Field(max_length=16)
    organization_id: int = Field(foreign_key="organization.id")
    active: bool = True
    must_change_password: bool = False
    failed_attempts: int = 0
    locked_until: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
    last_seen_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
    # Signing out ends every session and cookie issued before this moment, on every device.
    sessions_revoked_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())
    version: int = 1
    # Where reminders go (core.notify): an address or "" (none), and how often ("off", "daily",
    # "weekly"; a leader's brief is weekly whatever it says, once it is not off).
    email: str = Field(default="", max_length=254)
    digest: str = Field(default="off", max_length=8)


class ReminderRun(SQLModel, table=True):
    """One run of `python -m core.cli remind` (core.notify.remind): when, whether it only
    listed what it would send, and how many messages it sent, failed to send or found sent
    already."""

    __tablename__ = "reminder_run"

    id: int | None = Field(default=None, primary_key=True)
    started_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(index=True))
    finished_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
    dry_run: bool = False
    sent: int = 0
    failed: int = 0
    skipped: int = 0


class ReminderSend(SQLModel, table=True):
    """One message to one user: which digest (`kind`: "digest", "brief" or "test") for which
    period (`period`: the day "2026-12-04" or the week "2026-W49"), its subject, and how it
    went: "sending" (written before the server is asked, so a run stopped in the middle never
    sends it twice), "sent", "failed" with the server's answer, or "unknown" (the body went and
    no answer came). One message that went (or may have gone) per user, kind and period."""

    __tablename__ = "reminder_send"
    __table_args__ = (
        Index("ux_reminder_send_once", "user_id", "kind", "period", unique=True,
              sqlite_where=text("status != 'failed'"), postgresql_where=text("status != 'failed'")),
    )

    id: int | None = Field(default=None, primary_key=True)
    run_id: int | None = Field(default=None, foreign_key="reminder_run.id", index=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    kind: str = Field(max_length=8)
    period: str = Field(max_length=32)
    address: str = Field(max_length=254)
    subject: str = Field(max_length=255)
    status: str = Field(max_length=8)
    error: str = Field(default="", max_length=1000)
    facts: str = Field(default="", sa_type=Text)  # what the message reported (a brief's figures), JSON
    at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())


class AuditEntry(SQLModel, table=True):
    """Who changed what, when, with the values before and after (JSON)."""

    __tablename__ = "audit_entry"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(index=True))
    username: str = Field(max_length=64, index=True)
    action: str = Field(max_length=32)
    entity: str = Field(max_length=32)
    entity_id: int | None = Field(default=None, index=True)
    before: str = Field(default="", sa_type=Text)
    after: str = Field(default="", sa_type=Text)


class DataVersion(SQLModel, table=True):
    """One counter, raised in the same transaction as every write of what every view reads (the
    tree, the calendar); caches key on it with the organization's SubtreeVersion
    (core.storage.versions)."""

    __tablename__ = "data_version"

    id: int = Field(default=1, primary_key=True)
    version: int = 0


class SubtreeVersion(SQLModel, table=True):
    """A counter per organization, raised in the same transaction as every write of what a view
    of its subtree reads: a candidate on a path through it, now or before, or a plan of an
    organization below it (core.storage.versions). No row: nothing was written below it yet."""

    __tablename__ = "subtree_version"

    organization_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    version: int = 0


class WorkDayOverride(SQLModel, table=True):
    """The admin's change to the working-day calendar for one date (core.procedure.days_off):
    `working` False adds a day off (24/11, a day announced off), True adds a working day (a
    Saturday worked in a swap, or a holiday of the `holidays` library that is not taken)."""

    __tablename__ = "work_day_override"

    id: int | None = Field(default=None, primary_key=True)
    day: date = Field(unique=True, index=True)
    working: bool
    note: str = Field(default="", max_length=255)
    recorded_by: str = Field(max_length=64)
    recorded_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())


class CandidateTransfer(SQLModel, table=True):
    """A move of a candidate (or probationary member) to another chi bộ of the tree (chuyển
    sinh hoạt trong đảng bộ): from where, to where, on what date, by which document. Never
    updated or deleted."""

    __tablename__ = "candidate_transfer"

    id: int | None = Field(default=None, primary_key=True)
    candidate_id: int = Field(foreign_key="candidate.id", index=True)
    from_organization_id: int = Field(foreign_key="organization.id")
    to_organization_id: int = Field(foreign_key="organization.id")
    transfer_date: date
    document_number: str = Field(max_length=64)
    note: str = Field(default="", sa_type=Text)
    recorded_by: str = Field(max_length=64)
    recorded_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())


class Readmission(SQLModel, table=True):
    """A new record of a person who left the Party, listed again (kết nạp lại, 294-QĐ/TW điểm
    3.5), linked to the record they left on, with the province's written consent. One per
    earlier record (the unique index): a person is re-admitted once only."""

    __tablename__ = "readmission"

    id: int | None = Field(default=None, primary_key=True)
    candidate_id: int = Field(foreign_key="candidate.id", unique=True, index=True)
    previous_candidate_id: int = Field(foreign_key="candidate.id", unique=True, index=True)
    consent_number: str = Field(max_length=64)
    consent_date: date
    recorded_by: str = Field(max_length=64)
    recorded_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())
