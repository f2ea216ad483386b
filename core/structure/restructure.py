"""Changes of the tree with an effective date: move, merge, split, dissolve, a dated rename, a new root.

Each change is one transaction, all or nothing, and keeps the past where it was
(core.structure.dated): from the effective date E, the organizations moved stand under their
new parent, and every candidate with them; the days before E keep their old paths, names and
kinds as OrganizationEra and CandidatePlace rows, so every figure of a past day is what it was.

- **move**: an organization and its subtree go under another parent from E.
- **merge** (sáp nhập, hợp nhất): two or more organizations into one, new or existing. The
  children of each go under the target, the candidates of a chi bộ merged into a chi bộ go to
  it (with their history), the accounts of the merged go to the target, and they end on E - 1.
- **split** (chia tách): the children of one organization are shared out among others (new or
  existing); every child must be given somewhere, and the organization ends on E - 1.
- **dissolve** (giải thể): an organization with nothing left under it ends on E - 1; refused
  while it still has organizations, candidates or plans of later years.
- **rename** with a date: the name (and kind) change from E; before E documents and screens use
  the old ones. A rename without a date corrects a name (core.structure.organizations).
- **new root**: an organization above the whole tree from E (Tỉnh ủy Ninh Bình above an
  existing Kim Bảng database), the old root moved under it.

Plans: the plans of years after E's go with the organizations to the one that takes them over
(added to its own). E's year has a plan for each part (the issue of 2025): a merged
organization keeps the part of its plan for the days before E, the target gets the rest; the
parts are the admin's (`parts`), else shared by days and shown in the preview before anything
is written. Members at the start of E's year stay with the merged (they were members there on
01/01); later years' go to the target.

Refusals name the problem in Vietnamese and write nothing: an effective date in the future or
before a change already recorded in the subtree, a cycle, an organization left with
candidates or plans nowhere, the same person open in two merged chi bộ.

`preview` runs a change inside a savepoint and rolls it back: what would move and the figures
before and after, computed by the same code that writes it.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import and_, case, func, insert, literal, or_, update
from sqlmodel import Session, select

from core.access.audit import record_audit
from core.access.scope import Actor, ScopeError, org_by_code
from core.errors import FormError
from core.format import clean_text, fmt_date
from core.i18n import t
from core.procedure.pipeline import StaleEditError
from core.procedure.stages import CELL_KINDS, OrgKind, Role
from core.storage.db import bump_data_version
from core.storage.limits import too_long
from core.storage.models import (
    Candidate,
    CandidatePlace,
    Organization,
    OrganizationEra,
    OrgSuccession,
    Restructuring,
    User,
    YearPlan,
)
from core.structure.dated import current_start
from core.structure.tree import child_path, in_subtree, is_within

KINDS = ("move", "merge", "split", "dissolve", "rename", "new_root")


@dataclass
class Outcome:
    """What a change did (or, in a preview, would do)."""

    kind: str
    effective_date: date
    organizations_moved: int = 0
    candidates_moved: int = 0
    users_moved: int = 0
    ended: list[str] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    plans: list[tuple[str, int, int, int]] = field(default_factory=list)  # (name, year, before, after)
    restructuring_id: int | None = None


@dataclass(frozen=True)
class NewOrg:
    """An organization a merge or a split creates (under `parent_code`, from E)."""

    parent_code: str
    code: str
    name: str
    kind: str
    sector: str


# --- checks -------------------------------------------------------------------------------------

def _admin(actor: Actor, *orgs: Organization) -> None:
    if actor.role is not Role.ADMIN or not all(actor.covers(o.path) for o in orgs):
        code = next((o.code for o in orgs if not actor.covers(o.path)), orgs[0].code if orgs else "")
        raise ScopeError(t("error.out_of_scope", code=code))


def _live(org: Organization, effective: date) -> None:
    if org.valid_to is not None and org.valid_to < effective:
        raise FormError([t("restructure.ended", org=org.name, date=fmt_date(org.valid_to))])
    if org.valid_from is not None and org.valid_from > effective:
        raise FormError([t("restructure.not_yet", org=org.name, date=fmt_date(org.valid_from))])


def _latest_change(session: Session, path: str) -> date | None:
    """The last day an organization of the subtree was placed anew (moved, renamed, founded).
    Candidates' own moves (transfers) may come later: a change dated before them splits their
    places (_move_places)."""
    return session.exec(select(func.max(current_start())).where(in_subtree(path), Organization.valid_to.is_(None))).one()


def _check_date(session: Session, effective: date | None, today: date, *orgs: Organization) -> date:
    if effective is None:
        raise FormError([t("restructure.date_required")])
    if effective > today:
        raise FormError([t("restructure.future", date=fmt_date(effective))])
    for org in orgs:
        _live(org, effective)
        latest = _latest_change(session, org.path)
        if latest is not None and latest > effective:
            raise FormError([t("restructure.before_last", date=fmt_date(effective), org=org.name,
                               last=fmt_date(latest))])
    return effective


def _document(document_number: str) -> str:
    document_number = clean_text(document_number)
    if message := too_long(document_number, Restructuring, "document_number", t("restructure.document")):
        raise FormError([message])
    return document_number


# --- the moves themselves -----------------------------------------------------------------------

def _relocate(session: Session, org: Organization, parent: Organization | None, effective: date) -> int:
    """Put `org` and what is under it (alive) under `parent` from `effective`; the days before
    keep their paths. Returns the number of organizations moved."""
    old = org.path
    new = child_path(parent.path if parent is not None else None, org.id)
    depth_change = (parent.depth + 1 if parent is not None else 0) - org.depth
    last_day = effective - timedelta(days=1)
    live = (in_subtree(old), Organization.valid_to.is_(None))
    began_before = or_(current_start().is_(None), current_start() < effective)
    moved = session.exec(select(func.count()).select_from(Organization).where(*live)).one()
    session.execute(insert(OrganizationEra).from_select(
        ["organization_id", "parent_id", "path", "depth", "name", "kind", "valid_from", "valid_to"],
        select(Organization.id, Organization.parent_id, Organization.path, Organization.depth, Organization.name,
               Organization.kind, current_start(), literal(last_day)).where(*live, began_before)))
    session.execute(
        update(Organization).where(*live)
        .values(path=new + func.substr(Organization.path, len(old) + 1), depth=Organization.depth + depth_change,
                placed_from=effective)
        .execution_options(synchronize_session=False))
    session.execute(update(Organization).where(Organization.id == org.id)
                    .values(parent_id=parent.id if parent is not None else None, version=Organization.version + 1))
    _move_places(session, effective, now=in_subtree(old, Candidate.org_path),
                 before=in_subtree(old, CandidatePlace.org_path),
                 path=lambda column: new + func.substr(column, len(old) + 1))
    session.expire_all()
    return moved


def _move_places(session: Session, effective: date, *, now, before, path, organization_id=None) -> None:
    """Move candidates from `effective` on: those matching `now` (Candidate) and the past places
    matching `before` (CandidatePlace) that reach that day, to `path(column)` (and to
    `organization_id` when given). A stretch that began before `effective` is cut there, the
    part before kept as it was: so a change recorded after a later transfer is still right."""
    last_day = effective - timedelta(days=1)
    columns = ["candidate_id", "organization_id", "org_path", "valid_from", "valid_to"]
    reaching = and_(before, CandidatePlace.valid_to >= effective)
    began_before = or_(CandidatePlace.valid_from.is_(None), CandidatePlace.valid_from < effective)
    session.execute(insert(CandidatePlace).from_select(columns, select(
        CandidatePlace.candidate_id, CandidatePlace.organization_id, CandidatePlace.org_path, CandidatePlace.valid_from,
        literal(last_day)).where(reaching, began_before)))
    moved = {"org_path": path(CandidatePlace.org_path),
             "valid_from": case((began_before, effective), else_=CandidatePlace.valid_from)}
    if organization_id is not None:
        moved["organization_id"] = organization_id
    session.execute(update(CandidatePlace).where(reaching).values(**moved).execution_options(synchronize_session=False))
    placed_before = or_(Candidate.placed_from.is_(None), Candidate.placed_from < effective)
    session.execute(insert(CandidatePlace).from_select(columns, select(
        Candidate.id, Candidate.organization_id, Candidate.org_path, Candidate.placed_from, literal(last_day))
        .where(now, placed_before)))
    current = {"org_path": path(Candidate.org_path),
               "placed_from": case((placed_before, effective), else_=Candidate.placed_from)}
    if organization_id is not None:
        current |= {"organization_id": organization_id, "version": Candidate.version + 1}
    session.execute(update(Candidate).where(now).values(**current).execution_options(synchronize_session=False))


def _move_candidates(session: Session, source: Organization, target: Organization, effective: date) -> int:
    """Every candidate of a chi bộ merged into another goes there, history and all."""
    people = select(Candidate.identity_key).where(Candidate.organization_id == target.id, Candidate.exit.is_(None))
    clash = session.exec(select(Candidate.full_name).where(
        Candidate.organization_id == source.id, Candidate.exit.is_(None), Candidate.identity_key.in_(people))).first()
    if clash is not None:
        raise FormError([t("restructure.same_person", name=clash, source=source.name, target=target.name)])
    mine = Candidate.organization_id == source.id
    count = session.exec(select(func.count()).select_from(Candidate).where(mine)).one()
    _move_places(session, effective, now=mine, before=CandidatePlace.organization_id == source.id,
                 path=lambda _column: literal(target.path), organization_id=target.id)
    return count


def _end(session: Session, org: Organization, effective: date) -> None:
    last_day = effective - timedelta(days=1)
    if org.valid_from is not None and org.valid_from > last_day:
        raise FormError([t("restructure.ends_before_start", org=org.name, date=fmt_date(org.valid_from))])
    session.execute(update(Organization).where(Organization.id == org.id)
                    .values(valid_to=last_day, active=False, version=Organization.version + 1))


def _move_users(session: Session, source: Organization, target: Organization) -> int:
    users = session.exec(select(func.count()).select_from(User).where(User.organization_id == source.id)).one()
    session.execute(update(User).where(User.organization_id == source.id)
                    .values(organization_id=target.id, version=User.version + 1))
    return users


def _live_children(session: Session, org: Organization) -> list[Organization]:
    return list(session.exec(select(Organization).where(Organization.parent_id == org.id,
                                                        Organization.valid_to.is_(None))
                             .order_by(Organization.path)).all())


def _candidates_in(session: Session, org: Organization) -> int:
    return session.exec(select(func.count()).select_from(Candidate).where(Candidate.organization_id == org.id)).one()


# --- plans --------------------------------------------------------------------------------------

def _plan(session: Session, org_id: int, year: int) -> YearPlan | None:
    return session.exec(select(YearPlan).where(YearPlan.organization_id == org_id, YearPlan.year == year)).first()


def default_part(target: int, effective: date) -> int:
    """The part of a year's plan for the days before `effective`, shared by days (rounded)."""
    year_days = (date(effective.year, 12, 31) - date(effective.year, 1, 1)).days + 1
    return round(target * (effective - date(effective.year, 1, 1)).days / year_days)


def _add_plan(session: Session, outcome: Outcome, org: Organization, year: int, target: int,
              members: int | None) -> None:
    plan = _plan(session, org.id, year)
    before = plan.target if plan is not None else 0
    if plan is None:
        plan = YearPlan(organization_id=org.id, year=year, target=0, members_start=None, version=0)
    plan.target += target
    if members is not None:
        plan.members_start = (plan.members_start or 0) + members
    plan.version += 1
    session.add(plan)
    outcome.plans.append((org.name, year, before, plan.target))


def _hand_over_plans(session: Session, outcome: Outcome, source: Organization, shares: list[tuple[Organization, float]],
                     effective: date, part: int | None) -> None:
    """The source's plans go to the organizations taking it over, in `shares` (fractions adding
    to 1): later years whole, E's year less the source's own part (`part`, default by days)."""
    plans = session.exec(select(YearPlan).where(YearPlan.organization_id == source.id,
                                                YearPlan.year >= effective.year)).all()
    for plan in plans:
        if plan.year == effective.year:
            kept = default_part(plan.target, effective) if part is None else part
            if not 0 <= kept <= plan.target:
                raise FormError([t("restructure.bad_part", org=source.name, target=plan.target)])
            rest, members = plan.target - kept, None
            outcome.plans.append((source.name, plan.year, plan.target, kept))
            plan.target, plan.version = kept, plan.version + 1
            session.add(plan)
        else:
            rest, members = plan.target, plan.members_start
            outcome.plans.append((source.name, plan.year, plan.target, 0))
            session.delete(plan)
        given = _shared(rest, [share for _, share in shares])
        given_members = _shared(members, [share for _, share in shares]) if members is not None else [None] * len(shares)
        for (org, _), amount, people in zip(shares, given, given_members):
            if amount or people:
                _add_plan(session, outcome, org, plan.year, amount, people)
    session.flush()


def _shared(total: int, shares: list[float]) -> list[int]:
    """`total` in whole parts by `shares`, the remainders to the largest fractions."""
    raw = [total * s for s in shares]
    parts = [int(r) for r in raw]
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - parts[i], reverse=True)[: total - sum(parts)]:
        parts[i] += 1
    return parts


# --- the changes --------------------------------------------------------------------------------

def _recorded(session: Session, actor: Actor, outcome: Outcome, *, document_number: str, note: str,
              subject: Organization, successions: list[tuple[Organization, Organization | None]]) -> Outcome:
    row = Restructuring(kind=outcome.kind, effective_date=outcome.effective_date, document_number=document_number,
                        note=clean_text(note), recorded_by=actor.username)
    session.add(row)
    session.flush()
    for source, target in successions:
        session.add(OrgSuccession(restructuring_id=row.id, from_organization_id=source.id,
                                  to_organization_id=target.id if target is not None else None,
                                  effective_date=outcome.effective_date))
    outcome.restructuring_id = row.id
    record_audit(session, username=actor.username, action=f"restructure_{outcome.kind}", entity="organization",
                 entity_id=subject.id, before=None,
                 after=dict(effective_date=outcome.effective_date.isoformat(), document_number=document_number,
                            organizations_moved=outcome.organizations_moved, candidates_moved=outcome.candidates_moved,
                            users_moved=outcome.users_moved, ended=outcome.ended, created=outcome.created,
                            sources=[s.id for s, _ in successions],
                            targets=[d.id for _, d in successions if d is not None]))
    bump_data_version(session)
    session.flush()
    return outcome


def _stale(org: Organization, expected_version: int | None) -> None:
    if expected_version is not None and org.version != expected_version:
        raise StaleEditError()


def move(session: Session, actor: Actor, *, org_code: str, new_parent_code: str, effective_date: date | None,
         today: date, document_number: str = "", note: str = "", expected_version: int | None = None) -> Outcome:
    """`org_code` and its subtree under `new_parent_code` from `effective_date`."""
    org, parent = org_by_code(session, org_code), org_by_code(session, new_parent_code)
    _admin(actor, org, parent)
    _stale(org, expected_version)
    effective = _check_date(session, effective_date, today, org, parent)
    if is_within(parent.path, org.path):
        raise FormError([t("error.move_cycle", org=org.name, parent=parent.name)])
    if parent.kind in CELL_KINDS:
        raise FormError([t("restructure.under_cell", parent=parent.name)])
    if org.parent_id == parent.id:
        raise FormError([t("restructure.already_there", org=org.name, parent=parent.name)])
    document = _document(document_number)
    outcome = Outcome("move", effective)
    outcome.organizations_moved = _relocate(session, org, parent, effective)
    outcome.candidates_moved = session.exec(select(func.count()).select_from(Candidate).where(
        in_subtree(session.get(Organization, org.id).path, Candidate.org_path))).one()
    return _recorded(session, actor, outcome, document_number=document, note=note, subject=org,
                     successions=[(org, parent)])


def _create(session: Session, actor: Actor, spec: NewOrg, effective: date, outcome: Outcome) -> Organization:
    from core.structure.organizations import check_new_organization
    parent = org_by_code(session, spec.parent_code)
    _admin(actor, parent)
    _live(parent, effective)
    code, name = check_new_organization(session, code=spec.code, name=spec.name, kind=spec.kind, sector=spec.sector)
    org = Organization(code=code, name=name, parent_id=parent.id, path="/", depth=parent.depth + 1, kind=spec.kind,
                       sector=spec.sector, valid_from=effective, version=1)
    session.add(org)
    session.flush()
    org.path = child_path(parent.path, org.id)
    session.add(org)
    session.flush()
    outcome.created.append(org.name)
    return org


def _target(session: Session, actor: Actor, target_code: str | None, new: NewOrg | None, effective: date,
            outcome: Outcome) -> Organization:
    if (target_code is None) == (new is None):
        raise FormError([t("restructure.target_required")])
    if new is not None:
        return _create(session, actor, new, effective, outcome)
    target = org_by_code(session, target_code)
    _admin(actor, target)
    _live(target, effective)
    return target


def merge(session: Session, actor: Actor, *, source_codes: list[str], effective_date: date | None, today: date,
          target_code: str | None = None, new: NewOrg | None = None, parts: dict[str, int] | None = None,
          document_number: str = "", note: str = "") -> Outcome:
    """The organizations `source_codes` into `target_code` (existing) or `new` from
    `effective_date`; `parts`: {source code: its part of E's year's plan}."""
    codes = list(dict.fromkeys(c for c in source_codes if c))
    if len(codes) < (2 if new is not None else 1):
        raise FormError([t("restructure.sources_required")])
    sources = [org_by_code(session, c) for c in codes]
    _admin(actor, *sources)
    effective = _check_date(session, effective_date, today, *sources)
    document = _document(document_number)
    outcome = Outcome("merge", effective)
    target = _target(session, actor, target_code, new, effective, outcome)
    for source in sources:
        if source.id == target.id or is_within(target.path, source.path):
            raise FormError([t("restructure.into_itself", org=source.name, target=target.name)])
        has_people = _candidates_in(session, source)
        if has_people and target.kind not in CELL_KINDS:
            raise FormError([t("restructure.people_need_cell", org=source.name, count=has_people, target=target.name)])
        if target.kind in CELL_KINDS and _live_children(session, source):
            raise FormError([t("restructure.under_cell", parent=target.name)])
    for source in sources:
        source = session.get(Organization, source.id)
        for child in _live_children(session, source):
            outcome.organizations_moved += _relocate(session, child, session.get(Organization, target.id), effective)
        outcome.candidates_moved += _move_candidates(session, source, session.get(Organization, target.id), effective)
        outcome.users_moved += _move_users(session, source, target)
        _hand_over_plans(session, outcome, source, [(target, 1.0)], effective, (parts or {}).get(source.code))
        _end(session, source, effective)
        outcome.ended.append(source.name)
    outcome.candidates_moved = outcome.candidates_moved or session.exec(select(func.count()).select_from(Candidate).where(
        in_subtree(target.path, Candidate.org_path), Candidate.placed_from == effective)).one()
    return _recorded(session, actor, outcome, document_number=document, note=note, subject=target,
                     successions=[(s, target) for s in sources])


def split(session: Session, actor: Actor, *, source_code: str, effective_date: date | None, today: date,
          assignment: dict[str, str], new: list[NewOrg] = (), part: int | None = None,
          document_number: str = "", note: str = "") -> Outcome:
    """The children of `source_code` shared out: `assignment` {child code: code of the
    organization it goes to, existing or one of `new`}; the source ends on E - 1. Its plans go
    to the receiving organizations in proportion to the chi bộ each receives."""
    source = org_by_code(session, source_code)
    _admin(actor, source)
    effective = _check_date(session, effective_date, today, source)
    document = _document(document_number)
    outcome = Outcome("split", effective)
    children = _live_children(session, source)
    if not children:
        raise FormError([t("restructure.nothing_to_split", org=source.name)])
    missing = [c.name for c in children if not assignment.get(c.code)]
    if missing:
        raise FormError([t("restructure.left_nowhere", names=", ".join(missing), org=source.name)])
    if people := _candidates_in(session, source):
        raise FormError([t("restructure.people_left", org=source.name, count=people)])
    created = {spec.code.upper(): _create(session, actor, spec, effective, outcome) for spec in new}
    targets: dict[str, Organization] = {}
    for child in children:
        code = assignment[child.code].strip().upper()
        target = created.get(code) or org_by_code(session, code)
        _admin(actor, target)
        _live(target, effective)
        if target.id == source.id or is_within(target.path, child.path):
            raise FormError([t("restructure.into_itself", org=child.name, target=target.name)])
        if target.kind in CELL_KINDS:
            raise FormError([t("restructure.under_cell", parent=target.name)])
        targets[child.code] = target
    received: dict[int, int] = {}
    for child in children:
        target = session.get(Organization, targets[child.code].id)
        outcome.organizations_moved += _relocate(session, child, target, effective)
        received[target.id] = received.get(target.id, 0) + 1
    shares = [(session.get(Organization, org_id), n / len(children)) for org_id, n in received.items()]
    _hand_over_plans(session, outcome, source, shares, effective, part)
    users_to = shares[0][0] if source.parent_id is None else session.get(Organization, source.parent_id)
    outcome.users_moved = _move_users(session, source, users_to)
    _end(session, source, effective)
    outcome.ended.append(source.name)
    return _recorded(session, actor, outcome, document_number=document, note=note, subject=source,
                     successions=[(source, org) for org, _ in shares])


def dissolve(session: Session, actor: Actor, *, org_code: str, effective_date: date | None, today: date,
             plans_to: str | None = None, part: int | None = None, document_number: str = "",
             note: str = "") -> Outcome:
    """End an organization that has nothing left under it; its accounts go to its parent.
    `plans_to`: the organization that takes over its plans (later years whole, E's year less
    its own `part`); without it, plans of later years refuse the dissolution."""
    org = org_by_code(session, org_code)
    _admin(actor, org)
    effective = _check_date(session, effective_date, today, org)
    document = _document(document_number)
    outcome = Outcome("dissolve", effective)
    if plans_to:
        heir = org_by_code(session, plans_to)
        _admin(actor, heir)
        _live(heir, effective)
        if heir.id == org.id:
            raise FormError([t("restructure.into_itself", org=org.name, target=heir.name)])
        _hand_over_plans(session, outcome, org, [(heir, 1.0)], effective, part)
    errors = []
    if children := _live_children(session, org):
        errors.append(t("restructure.children_left", org=org.name, count=len(children)))
    if people := _candidates_in(session, org):
        errors.append(t("restructure.people_left", org=org.name, count=people))
    later = session.exec(select(YearPlan.year).where(YearPlan.organization_id == org.id,
                                                     YearPlan.year > effective.year)).all()
    if later:
        errors.append(t("restructure.plans_left", org=org.name, years=", ".join(str(y) for y in sorted(later))))
    if org.parent_id is None:
        errors.append(t("restructure.root_dissolved", org=org.name))
    if errors:
        raise FormError(errors)
    parent = session.get(Organization, org.parent_id)
    outcome.users_moved = _move_users(session, org, parent)
    _end(session, org, effective)
    outcome.ended.append(org.name)
    return _recorded(session, actor, outcome, document_number=document, note=note, subject=org,
                     successions=[(org, None)])


def rename(session: Session, actor: Actor, *, org_code: str, name: str, effective_date: date | None, today: date,
           kind: str | None = None, document_number: str = "", note: str = "",
           expected_version: int | None = None) -> Outcome:
    """A new name (and kind) from `effective_date`: documents and screens of earlier days keep
    the old ones (Đảng bộ tỉnh Hà Nam, until 30/6/2025)."""
    org = org_by_code(session, org_code)
    _admin(actor, org)
    _stale(org, expected_version)
    effective = _check_date(session, effective_date, today, org)
    name = clean_text(name)
    errors = []
    if not name:
        errors.append(t("form.org_name_required"))
    elif message := too_long(name, Organization, "name", t("org.name")):
        errors.append(message)
    kind = kind or org.kind
    if kind not in OrgKind._value2member_map_:
        errors.append(t("form.bad_choice", field=t("org.kind")))
    if name == org.name and kind == org.kind:
        errors.append(t("restructure.nothing_renamed", org=org.name))
    if errors:
        raise FormError(errors)
    document = _document(document_number)
    start = org.placed_from or org.valid_from
    if start is None or start < effective:
        session.add(OrganizationEra(organization_id=org.id, parent_id=org.parent_id, path=org.path, depth=org.depth,
                                    name=org.name, kind=org.kind, valid_from=start,
                                    valid_to=effective - timedelta(days=1)))
    org.name, org.kind, org.placed_from, org.version = name, kind, effective, org.version + 1
    session.add(org)
    session.flush()
    return _recorded(session, actor, Outcome("rename", effective), document_number=document, note=note, subject=org,
                     successions=[])


def new_root(session: Session, actor: Actor, *, code: str, name: str, kind: str, sector: str,
             effective_date: date | None, today: date, document_number: str = "", note: str = "") -> Outcome:
    """An organization above the whole tree from `effective_date`; the old root goes under it."""
    from core.structure.organizations import check_new_organization
    old = session.exec(select(Organization).where(Organization.parent_id.is_(None),
                                                  Organization.valid_to.is_(None))).all()
    _admin(actor, *old)
    if any(o.path != actor.root_path for o in old):
        raise ScopeError(t("error.out_of_scope", code=code))
    effective = _check_date(session, effective_date, today, *old)
    document = _document(document_number)
    code, name = check_new_organization(session, code=code, name=name, kind=kind, sector=sector)
    outcome = Outcome("new_root", effective)
    root = Organization(code=code, name=name, parent_id=None, path="/", depth=0, kind=kind, sector=sector,
                        valid_from=effective, version=1)
    session.add(root)
    session.flush()
    root.path = child_path(None, root.id)
    session.add(root)
    session.flush()
    outcome.created.append(root.name)
    for org in old:
        outcome.organizations_moved += _relocate(session, org, session.get(Organization, root.id), effective)
    # The accounts over the whole tree keep the whole tree.
    for org in old:
        session.execute(update(User).where(User.organization_id == org.id, User.role == Role.ADMIN.value)
                        .values(organization_id=root.id, version=User.version + 1))
    return _recorded(session, actor, outcome, document_number=document, note=note, subject=root,
                     successions=[(o, root) for o in old])


# --- preview --------------------------------------------------------------------------------------

@dataclass
class Preview:
    """A change as it would be: its outcome, and what the caller measured before and after."""

    outcome: Outcome
    before: object
    after: object


def preview(session: Session, change: Callable[[Session], Outcome], measure: Callable[[Session], object]) -> Preview:
    """Run `change` in a savepoint, measure, and roll it back: nothing is written. A refusal
    raises as the change itself would."""
    before = measure(session)
    savepoint = session.begin_nested()
    try:
        outcome = change(session)
        session.flush()
        after = measure(session)
    finally:
        savepoint.rollback()
        session.expire_all()
    return Preview(outcome=outcome, before=before, after=after)
