"""Write side of the organization tree: adding, naming and setting up organizations. Changes
with an effective date (move, merge, split, dissolve, a dated rename) are
core.structure.restructure."""
from __future__ import annotations

from collections import Counter
from datetime import date

from sqlmodel import Session, func, select

from core.access.audit import record_audit, snapshot
from core.access.scope import Actor, ScopeError, Subtree, org_by_code, org_in_scope
from core.config import current_day
from core.format import clean_text, fmt_date
from core.i18n import t
from core.procedure.pipeline import FormError, StaleEditError
from core.procedure.stages import CELL_KINDS, OrgKind, Role, Sector
from core.storage.limits import max_length, too_long
from core.storage.models import Organization
from core.storage.versions import bump_data_version
from core.structure.tree import child_path, in_subtree, path_ids


def move_organization(
    session: Session, actor: Actor, *, org_code: str, new_parent_code: str, expected_version: int | None,
    effective_date: date | None = None, today: date | None = None,
) -> Organization:
    """Put an organization (and everything under it) under another parent from
    `effective_date` (today by default); the days before stay where they were
    (core.structure.restructure.move)."""
    from core.structure.restructure import move

    today = today or current_day()
    move(session, actor, org_code=org_code, new_parent_code=new_parent_code, effective_date=effective_date or today,
         today=today, expected_version=expected_version)
    return org_by_code(session, org_code)


CODE_ALLOWED = set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")


def check_new_organization(session: Session, *, code: str, name: str, kind: str, sector: str,
                           authorized: bool = False) -> tuple[str, str]:
    """The code and name of a new organization, cleaned, or FormError naming every problem."""
    code, name = clean_text(code).upper(), clean_text(name)
    errors = []
    if not code or len(code) > max_length(Organization, "code") or not set(code) <= CODE_ALLOWED:
        errors.append(t("form.code_required"))
    elif session.exec(select(Organization).where(Organization.code == code)).first() is not None:
        errors.append(t("form.code_exists", code=code))
    if not name.strip():
        errors.append(t("form.org_name_required"))
    elif message := too_long(name, Organization, "name", t("org.name")):
        errors.append(message)
    if kind not in OrgKind._value2member_map_ or sector not in Sector._value2member_map_:
        errors.append(t("form.bad_choice", field=t("col.organization")))
    if authorized and kind != OrgKind.GRASSROOTS_COMMITTEE:
        errors.append(t("org.authorized_only_grassroots"))
    if errors:
        raise FormError(errors)
    return code, name


def _admin_org(session: Session, actor: Actor, code: str, expected_version: int | None) -> Organization:
    org = org_by_code(session, code)
    if actor.role is not Role.ADMIN or not actor.covers(org.path):
        raise ScopeError(t("error.out_of_scope", code=code))
    if expected_version is not None and org.version != expected_version:
        raise StaleEditError()
    if org.valid_to is not None:
        raise FormError([t("restructure.ended", org=org.name, date=fmt_date(org.valid_to))])
    return org


def _saved(session: Session, actor: Actor, org: Organization, action: str, before: dict | None) -> Organization:
    org.version += 1
    session.add(org)
    session.flush()
    record_audit(session, username=actor.username, action=action, entity="organization", entity_id=org.id,
                 before=before, after=snapshot(org))
    bump_data_version(session)
    return org


def add_organization(
    session: Session, actor: Actor, *, parent_code: str, code: str, name: str, kind: str, sector: str,
    authorized: bool = False,
    has_youth_union: bool = False,
    valid_from: date | None = None,
) -> Organization:
    """Add an organization under a parent of the admin's subtree; `authorized`: a đảng ủy cơ sở
    that decides admissions itself (only that kind may be); `has_youth_union`: a Đoàn
    organization exists there (the introduction route of the young depends on it); `valid_from`:
    the day it was founded (None: not recorded). A new root above the tree is
    core.structure.restructure.new_root."""
    parent = _admin_org(session, actor, parent_code, None)
    if parent.valid_to is not None:
        raise FormError([t("restructure.ended", org=parent.name, date=fmt_date(parent.valid_to))])
    code, name = check_new_organization(session, code=code, name=name, kind=kind, sector=sector,
                                        authorized=authorized)
    org = Organization(code=code, name=name, parent_id=parent.id, path="/", depth=parent.depth + 1,
                       kind=kind, sector=sector, authorized=authorized, has_youth_union=bool(has_youth_union),
                       valid_from=valid_from, version=0)
    session.add(org)
    session.flush()
    org.path = child_path(parent.path, org.id)
    return _saved(session, actor, org, "add_organization", None)


def rename_organization(
    session: Session, actor: Actor, *, org_code: str, name: str, expected_version: int | None
) -> Organization:
    """Give an organization a new name."""
    org = _admin_org(session, actor, org_code, expected_version)
    name = clean_text(name)
    if not name:
        raise FormError([t("form.org_name_required")])
    if message := too_long(name, Organization, "name", t("org.name")):
        raise FormError([message])
    before = snapshot(org)
    org.name = name
    return _saved(session, actor, org, "rename_organization", before)


def set_organization_active(
    session: Session, actor: Actor, *, org_code: str, active: bool, expected_version: int | None
) -> Organization:
    """Deactivate (or reactivate) an organization; its candidates and events stay as they are."""
    org = _admin_org(session, actor, org_code, expected_version)
    before = snapshot(org)
    org.active = active
    return _saved(session, actor, org, "activate_organization" if active else "deactivate_organization", before)


def set_organization_youth_union(
    session: Session, actor: Actor, *, org_code: str, has_youth_union: bool, expected_version: int | None
) -> Organization:
    """Say whether a Đoàn organization exists beside this one: where it does, a candidate of
    youth age must take the Đoàn route (Điều lệ Điều 4; core.procedure.rules.sponsor_findings)."""
    org = _admin_org(session, actor, org_code, expected_version)
    before = snapshot(org)
    org.has_youth_union = bool(has_youth_union)
    return _saved(session, actor, org, "set_youth_union", before)


def set_organization_authorized(
    session: Session, actor: Actor, *, org_code: str, authorized: bool, expected_version: int | None
) -> Organization:
    """Say whether a đảng ủy cơ sở is authorized to decide admissions itself (its committee's
    resolutions 8-KNĐ and 15-KNĐ are then skipped, its decision is the decision); only a đảng
    bộ cơ sở may be (Hướng dẫn 06-HD/TW, điểm 3.7a). The candidates' steps already recorded stay."""
    org = _admin_org(session, actor, org_code, expected_version)
    if authorized and org.kind != OrgKind.GRASSROOTS_COMMITTEE:
        raise FormError([t("org.authorized_only_grassroots")])
    before = snapshot(org)
    org.authorized = bool(authorized)
    return _saved(session, actor, org, "set_authorized", before)


# Where the caller's subtree holds more live organizations than this, the forms offer it level
# by level (an organization's children, core.structure.organizations.children_choices) rather
# than as one list: a list of 300.000 would neither load nor be read.
WHOLE_LIST_LIMIT = 500


def _live(actor: Actor, parents_only: bool):
    """SQL: an organization of the caller's subtree that exists today and is active (not a chi
    bộ where `parents_only`: those that can have organizations under them)."""
    found = [in_subtree(actor.root_path), Organization.valid_to.is_(None), Organization.active]
    if parents_only:
        found.append(Organization.kind.not_in([k.value for k in CELL_KINDS]))
    return found


def live_count(session: Session, actor: Actor) -> int:
    """How many live organizations the caller's subtree holds (reading no more than
    WHOLE_LIST_LIMIT + 1 of them)."""
    sample = select(Organization.id).where(*_live(actor, False)).limit(WHOLE_LIST_LIMIT + 1)
    return session.exec(select(func.count()).select_from(sample.subquery())).one()


def is_whole_list(session: Session, actor: Actor) -> bool:
    """The caller's live organizations are few enough to be offered as one list."""
    return live_count(session, actor) <= WHOLE_LIST_LIMIT


def live_choices(session: Session, actor: Actor, *, parents_only: bool = False) -> dict[str, str]:
    """organization_choices of the caller's live organizations (a short tree: see is_whole_list)."""
    rows = session.exec(select(Organization).where(*_live(actor, False)).order_by(Organization.path)).all()
    choices = organization_choices(list(rows))
    if parents_only:
        cells = {o.code for o in rows if o.kind in {k.value for k in CELL_KINDS}}
        choices = {code: name for code, name in choices.items() if code not in cells}
    return choices


def children_choices(session: Session, actor: Actor, parent_code: str | None, *,
                     parents_only: bool = False) -> dict[str, str]:
    """{code: name} of the live organizations directly under `parent_code` in the caller's
    subtree, by name; with no parent, the caller's own organization if it is live. One level of
    a large tree."""
    if parent_code is None:
        stmt = select(Organization.code, Organization.name).where(Organization.path == actor.root_path,
                                                                  *_live(actor, parents_only))
    else:
        parent = org_in_scope(session, actor, parent_code)
        stmt = select(Organization.code, Organization.name).where(Organization.parent_id == parent.id,
                                                                  *_live(actor, parents_only))
    return dict(session.exec(stmt.order_by(Organization.name, Organization.code)).all())


def chain_of(session: Session, actor: Actor, code: str) -> list[str]:
    """The codes from the caller's own organization down to `code` (itself last): where a
    level-by-level choice of `code` stands. Empty if it lies outside the caller's subtree."""
    org = org_by_code(session, code)
    if not actor.covers(org.path):
        return []
    ids = path_ids(org.path)[len(path_ids(actor.root_path)) - 1:]
    codes = dict(session.exec(select(Organization.id, Organization.code).where(Organization.id.in_(ids))).all())
    return [codes[i] for i in ids]


def organizations_under(session: Session, actor: Actor, code: str | None) -> list[Organization]:
    """An organization of the caller's (its own if None) and those directly under it now,
    ended ones included: one level of a large tree, in tree order."""
    org = org_in_scope(session, actor, code)
    under = session.exec(select(Organization).where(Organization.parent_id == org.id).order_by(Organization.path)).all()
    return [org, *under]


def _of_codes(session: Session, actor: Actor, codes, column) -> dict:
    """{code: column} of the caller's organizations among `codes` (None and "" skipped), in their order."""
    wanted = [c for c in codes if c]
    found = dict(session.exec(select(Organization.code, column).where(
        Organization.code.in_(wanted), in_subtree(actor.root_path))).all()) if wanted else {}
    return {code: found[code] for code in wanted if code in found}


def organization_versions(session: Session, actor: Actor, codes) -> dict[str, int]:
    """{code: version} of the organizations of the caller's among `codes` (guards a stale edit)."""
    return _of_codes(session, actor, codes, Organization.version)


def organization_names(session: Session, actor: Actor, codes) -> dict[str, str]:
    """{code: name} of the caller's organizations among `codes`, in their order."""
    return _of_codes(session, actor, codes, Organization.name)


def subtree_codes(session: Session, actor: Actor, code: str) -> set[str]:
    """The codes of an organization of the caller's and of every organization under it now."""
    org = org_in_scope(session, actor, code)
    return set(session.exec(select(Organization.code).where(in_subtree(org.path))).all())


def organization_tree(session: Session, actor: Actor) -> list[Organization]:
    """Every organization of the caller's subtree, in tree order (a parent before its children)."""
    return list(session.exec(select(Organization).where(in_subtree(actor.root_path)).order_by(Organization.path)).all())


def organization_choices(tree: list[Organization]) -> dict[str, str]:
    """{code: what a person picks} for the active organizations of a tree (organization_tree's
    order): the name and its parent's name, so two "Chi bộ thôn 1" of different communes differ;
    the code is added only where even that is the same twice."""
    names = {o.id: o.name for o in tree}
    shown = {o.code: t("admin.org_choice", name=o.name, parent=names[o.parent_id]) if o.parent_id in names else o.name
             for o in tree if o.active}
    repeated = {text for text, n in Counter(shown.values()).items() if n > 1}
    return {code: t("admin.org_choice_code", name=text, code=code) if text in repeated else text
            for code, text in shown.items()}


def active_cells(session: Session, subtree: Subtree) -> dict[str, str]:
    """{code: name} of the active chi bộ (where candidates are listed) in the subtree, in tree order."""
    rows = session.exec(
        select(Organization.code, Organization.name)
        .where(in_subtree(subtree.path), Organization.kind.in_([k.value for k in CELL_KINDS]), Organization.active)
        .order_by(Organization.path)
    ).all()
    return dict(rows)
