"""Small hand-made trees and candidates for database tests."""
from __future__ import annotations

import itertools
from datetime import date, timedelta

from sqlmodel import Session, select

from core.access.users import account_of
from core.config import RuleSettings, current_day
from core.procedure.dossier import PaperKind
from core.procedure.pipeline import EventRow, RuleViolation, derive_state, record_stage
from core.procedure.rules import Vote
from core.procedure.stages import Education, OrgKind, Sector, Stage
from core.procedure.workdays import add_working_days
from core.storage.db import make_engine, session_scope
from core.storage.models import (
    Candidate,
    DossierPaper,
    Organization,
    StageEvent,
    SubtreeVersion,
    YearPlan,
    identity_key,
)
from core.storage.versions import data_version
from core.structure.tree import child_path


def versions(session: Session) -> tuple[int, dict[int, int]]:
    """Every version a cached view keys on: the data version and {organization: its version}
    (a write refused leaves them all as they were)."""
    return data_version(session), dict(session.exec(select(SubtreeVersion.organization_id, SubtreeVersion.version)).all())


def raised(after: tuple[int, dict[int, int]], before: tuple[int, dict[int, int]]) -> tuple[int, dict[int, int]]:
    """How much each version went up between two `versions` (organizations unchanged left out)."""
    return after[0] - before[0], {o: n - before[1].get(o, 0) for o, n in after[1].items() if n != before[1].get(o, 0)}


def add_org(session: Session, code: str, parent: Organization | None = None, *, kind: OrgKind = OrgKind.CELL,
            sector: Sector = Sector.RURAL, name: str | None = None) -> Organization:
    org = Organization(code=code, name=name or f"Tổ chức {code}", parent_id=parent.id if parent else None, path="/",
                       depth=parent.depth + 1 if parent else 0, kind=kind.value, sector=sector.value)
    session.add(org)
    session.flush()
    org.path = child_path(parent.path if parent else None, org.id)
    session.flush()
    return org


def add_plan(session: Session, org: Organization, year: int, target: int, members: int | None = None) -> None:
    session.add(YearPlan(organization_id=org.id, year=year, target=target, members_start=members))
    session.flush()


_numbers = itertools.count(1)


def add_candidate(session: Session, org: Organization, stages: dict[Stage, date], *, exit_: tuple[str, date] | None = None,
                  birth: date = date(1995, 6, 15), complete_dossier: bool = True, **fields) -> Candidate:
    """A candidate with the given stage dates (events written, derived columns set); without a
    name, one no other candidate has (the same person twice in a chi bộ is refused). Its sponsors
    are official members unless said otherwise; once at the dossier step, its admission papers
    are recorded (dated the dossier's day) unless `complete_dossier` is False."""
    full_name = fields.pop("full_name", None) or f"Nguyễn Văn Số {next(_numbers)}"
    for n in (1, 2):
        if fields.get(f"sponsor{n}_name"):
            fields.setdefault(f"sponsor{n}_official", True)
    candidate = Candidate(organization_id=org.id, org_path=org.path, full_name=full_name, birth_date=birth,
                          identity_key=identity_key(full_name, birth), general_education=Education.UPPER_SECONDARY.value,
                          **fields)
    session.add(candidate)
    session.flush()
    events = [StageEvent(candidate_id=candidate.id, stage=s.value, event_date=d, recorded_by="test") for s, d in stages.items()]
    if exit_:
        events.append(StageEvent(candidate_id=candidate.id, stage=exit_[0], event_date=exit_[1], recorded_by="test"))
    session.add_all(events)
    session.flush()
    for column, value in derive_state(EventRow(e.id, e.stage, e.event_date) for e in events).items():
        setattr(candidate, column, value)
    session.flush()
    if complete_dossier and Stage.DOSSIER in stages:
        add_papers(session, candidate, stages[Stage.DOSSIER])
    return candidate


# The papers of the chi bộ's recognition vote besides the new-member class (its own date on the record).
RECOGNITION_PAPERS = (PaperKind.SELF_ASSESSMENT, PaperKind.HELPER_ASSESSMENT, PaperKind.RECOGNITION_SUMMARY)


def add_papers(session: Session, candidate: Candidate, on: date, kinds: tuple[str, ...] | None = None) -> None:
    """The admission dossier's papers (or `kinds`), dated `on`: 1-KNĐ, 2-KNĐ and its verification,
    a 3-KNĐ per sponsor named, 5-KNĐ, and 4A-KNĐ on the Công đoàn route."""
    whole = kinds is None
    if whole:
        kinds = (PaperKind.APPLICATION, PaperKind.BIOGRAPHY, PaperKind.BIOGRAPHY_VERIFICATION, PaperKind.ASSESSMENT_SUMMARY)
        if candidate.introduction_route == "trade_union":
            kinds += (PaperKind.TRADE_UNION_RESOLUTION,)
    rows = [DossierPaper(candidate_id=candidate.id, kind=k, issue_date=on, document_number=f"{k}/{candidate.id}",
                         recorded_by="test") for k in kinds]
    if whole:
        rows += [DossierPaper(candidate_id=candidate.id, kind=PaperKind.SPONSOR_INTRODUCTION, issue_date=on, holder=name,
                              recorded_by="test")
                 for name in (candidate.sponsor1_name, candidate.sponsor2_name) if name]
    session.add_all(rows)
    session.flush()


def admitted_on(decision: date, *, ceremony: date | None = None, grassroots_cell: bool = False) -> dict[Stage, date]:
    """Stage dates of a candidate whose admission decision was signed on `decision`."""
    stages = {
        Stage.SOURCE: date(decision.year - 2, 3, 1),
        Stage.OUTSTANDING: date(decision.year - 2, 9, 1),
        Stage.CLASS_DONE: date(decision.year - 1, 3, 1),
        Stage.DOSSIER: date(decision.year - 1, 6, 1),
        Stage.BRANCH_RESOLUTION: date(decision.year - 1, 9, 1),
    }
    if not grassroots_cell:
        stages[Stage.COMMITTEE_RESOLUTION] = date(decision.year - 1, 10, 1)
    stages[Stage.DECISION] = decision
    if ceremony:
        stages[Stage.ADMITTED] = ceremony
    return stages


def district(session: Session) -> dict[str, Organization]:
    """A small tree: D (district) → C1, C2 (communes) → cells; S (school, grassroots cell)."""
    d = add_org(session, "D", kind=OrgKind.UPPER_COMMITTEE, sector=Sector.OTHER, name="Huyện ủy D")
    c1 = add_org(session, "C1", d, kind=OrgKind.GRASSROOTS_COMMITTEE, name="Đảng bộ xã C1")
    c2 = add_org(session, "C2", d, kind=OrgKind.GRASSROOTS_COMMITTEE, name="Đảng bộ xã C2")
    a = add_org(session, "C1-A", c1, name="Chi bộ thôn A")
    b = add_org(session, "C1-B", c1, name="Chi bộ thôn B")
    c = add_org(session, "C2-C", c2, name="Chi bộ thôn C")
    s = add_org(session, "S", d, kind=OrgKind.GRASSROOTS_CELL, sector=Sector.SCHOOL, name="Chi bộ Trường THPT S")
    return {o.code: o for o in (d, c1, c2, a, b, c, s)}


def overdue_in_hdnd(db_file) -> tuple[int, str]:
    """Make one candidate of the demo's Đảng bộ HĐND & UBND huyện overdue as it happens: its chi
    bộ voted the day after the dossier was complete, long enough ago that the 60 working days for
    the admission decision have run out. Written through core (record_stage, as bithu.hdnd), on
    the first dossier of HĐND, oldest first, that the rules let go to the vote. (id, full name)."""
    rules, today = RuleSettings(), current_day()
    engine = make_engine(f"sqlite:///{db_file}")
    try:
        with session_scope(engine) as session:
            actor = account_of(session, "bithu.hdnd").actor
            dossiers = [(c.id, c.full_name, c.version, c.dossier_date) for c in session.exec(
                select(Candidate).join(Organization, Organization.id == Candidate.organization_id)
                .where(Organization.code.like("KB-HDND-%"), Candidate.stage == Stage.DOSSIER.value,
                       Candidate.exit.is_(None))
                .order_by(Candidate.dossier_date, Candidate.id)).all()]
        for candidate_id, name, version, dossier_date in dossiers:
            vote = dossier_date + timedelta(days=1)
            if add_working_days(vote, rules.decision_working_days) >= today:
                break  # the later ones would not be late either
            try:
                with session_scope(engine) as session:
                    record_stage(session, actor, candidate_id=candidate_id, expected_version=version,
                                 stage=Stage.BRANCH_RESOLUTION, event_date=vote, today=today, rules=rules,
                                 document_number="07-NQ/CB",
                                 vote=Vote(votes_for=10, present=12, members_total=14))
            except RuleViolation:
                continue
            return candidate_id, name
    finally:
        engine.dispose()
    raise AssertionError("no candidate of HĐND could be made overdue")
