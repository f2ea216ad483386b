"""Quản trị → Tổ chức đảng → Sắp xếp tổ chức: the changes of the tree that take an effective
date (core.structure.restructure: merge, split, move, dissolve, a dated rename, a new root above
the tree), each in two steps.

«Xem trước» runs the change inside core's `preview` (a savepoint rolled back: nothing is
written) and shows what it would do: what moves, what ends and what is founded, the plans
before and after, and the figures of the organizations concerned (and of their parents) for the
year of the effective date, before and after. «Xác nhận» writes the change previewed, as it was
filled in when previewed, and only if it still comes out as shown; otherwise it says so and
writes nothing. A field changed after the preview hides the confirmation until the next preview.

Streamlit-bound; every check and every write is core's.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

import pandas as pd
import streamlit as st
from sqlmodel import Session

from core.access.audit_text import carried_text
from core.access.scope import (
    Actor,
    NotFoundError,
    ScopeError,
    org_by_code,
    org_in_scope,
    resolve,
)
from core.access.users import account_of
from core.config import RuleSettings, current_day
from core.errors import FormError
from core.figures.progress import org_figures
from core.format import clean_text, fmt_date, fmt_number, fmt_progress
from core.i18n import label, t
from core.procedure.stages import OrgKind, Sector
from core.storage.db import session_scope
from core.storage.models import Organization
from core.structure import restructure
from core.structure.organizations import (
    organizations_under,
    subtree_codes,
)
from core.structure.plans import own_plan
from core.structure.restructure import NewOrg, Outcome, default_part
from ui import forms, pickers, text, web, widgets

KINDS = ("merge", "split", "move", "dissolve", "rename", "new_root")
PENDING = "reorg_pending"  # the last preview (a Pending), until it is confirmed or replaced
MAX_NEW = 6  # organizations a split may found at once


@dataclass(frozen=True)
class Request:
    """A change as filled in: the core function (`kind`) and its arguments but `today`, and
    the codes of the organizations it concerns (their figures are shown, with their parents')."""

    kind: str
    arguments: dict
    concerned: tuple[str, ...]


@dataclass(frozen=True)
class Pending:
    """A preview: the request as previewed, what it would do, and what the user was shown."""

    request: Request
    outcome: Outcome
    expected_version: int | None  # of the organization moved or renamed, as previewed
    summary: tuple[str, ...]
    plans: pd.DataFrame
    figures: pd.DataFrame
    year: int  # of the effective date: the figures shown are that year's, up to `as_of`
    as_of: date


# --- shared fields --------------------------------------------------------------------------------

def kind_field(label_text: str, key: str, current: str | None = None, container=st) -> str | None:
    """A kind of organization, none chosen until the user chooses (or `current`)."""
    kinds = [k.value for k in OrgKind]
    return container.selectbox(label_text, kinds, index=kinds.index(current) if current in kinds else None,
                               format_func=lambda k: label("kind", k), placeholder=t("form.choose"), key=key)


def sector_field(key: str, container=st) -> str | None:
    """A sector (khối), none chosen until the user chooses."""
    return container.selectbox(t("col.sector"), [s.value for s in Sector], index=None,
                               format_func=lambda s: label("sector", s), placeholder=t("form.choose"), key=key)


def _new_org(prefix: str, tree: Tree | None) -> NewOrg:
    """The fields of an organization to found: under one of the tree's (None: at the top)."""
    left, right = st.columns(2)
    parent = "" if tree is None else tree.pick(t("reorg.new_parent"), f"{prefix}_parent", parents_only=True,
                                               container=left)
    code = (left if tree is None else right).text_input(t("org.code"), key=f"{prefix}_code")
    name = st.text_input(t("org.name"), key=f"{prefix}_name")
    left, right = st.columns(2)
    kind = kind_field(t("org.kind"), f"{prefix}_kind", container=left)
    sector = sector_field(f"{prefix}_sector", container=right)
    return NewOrg(parent_code=parent or "", code=code, name=name, kind=kind or "", sector=sector or "")


def _common(kind: str) -> dict:
    """The effective date, the document and the note every change has."""
    left, right = st.columns(2)
    effective = forms.date_field(t("reorg.effective_date"), None, f"reorg_{kind}_date", container=left)
    document = right.text_input(t("restructure.document"), key=f"reorg_{kind}_document",
                                placeholder=t("reorg.document_hint"))
    note = st.text_input(t("reorg.note"), key=f"reorg_{kind}_note")
    return dict(effective_date=effective, document_number=document, note=note)


def _part(actor: Actor, code: str, name: str, effective: date | None, key: str, caption: str) -> int | None:
    """The part of the organization's plan for the effective date's year that stays with it (the
    days before the date), pre-filled by days (restructure.default_part); None without a plan."""
    if effective is None:
        return None
    with session_scope(web.engine()) as session:
        target = own_plan(session, resolve(session, actor, code), year=effective.year).target
    if not target:
        return None
    return int(st.number_input(t(caption, org=name, year=effective.year, last=fmt_date(effective - timedelta(days=1)),
                                 target=target), value=default_part(target, effective), step=1,
                               key=f"{key}_{code}_{effective.isoformat()}"))


# --- the forms ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Tree:
    """The caller's organizations as the forms offer them (ui.pickers: one list where the tree
    is short, level by level where it is large), looked up by code as a form needs them."""

    actor: Actor
    whole: bool  # short enough to be one list

    def pick(self, label_text: str, key: str, *, parents_only: bool = False, exclude=(),
             extra: dict[str, str] | None = None, container=st) -> str | None:
        return pickers.organization(label_text, key, self.actor, parents_only=parents_only, exclude=exclude,
                                    extra=extra, container=container, whole=self.whole)

    def pick_many(self, label_text: str, key: str) -> list[str]:
        return pickers.organizations(label_text, key, self.actor, whole=self.whole)

    def org(self, code: str | None) -> Organization | None:
        if not code:
            return None
        with session_scope(web.engine()) as session:
            try:
                return org_in_scope(session, self.actor, code)
            except (NotFoundError, ScopeError):
                return None

    def name(self, code: str) -> str:
        org = self.org(code)
        return org.name if org is not None else code

    def top(self) -> str:
        """The caller's own organization."""
        with session_scope(web.engine()) as session:
            return org_in_scope(session, self.actor, None).code

    def children_of(self, code: str) -> list[Organization]:
        """The organizations under `code` now (those a split must give somewhere)."""
        with session_scope(web.engine()) as session:
            return [o for o in organizations_under(session, self.actor, code)[1:] if o.valid_to is None]

    def below(self, org: Organization) -> set[str]:
        """The codes of `org` and what lies under it, where the tree is one list (a level-by-level
        choice never reaches under an organization left out)."""
        if not self.whole:
            return {org.code}
        with session_scope(web.engine()) as session:
            return subtree_codes(session, self.actor, org.code)


def _merge(actor: Actor, tree: Tree) -> Request:
    sources = tree.pick_many(t("reorg.sources"), "reorg_merge_sources")
    into_new = st.radio(t("reorg.target_mode"), [False, True], format_func=lambda n: t(f"reorg.target_new_{n}"),
                        horizontal=True, key="reorg_merge_into_new")
    target, new = None, None
    if into_new:
        new = _new_org("reorg_merge_new", tree)
    else:
        target = tree.pick(t("reorg.target"), "reorg_merge_target", exclude=sources)
    common = _common("merge")
    effective = common["effective_date"]
    parts = {}
    if sources and effective is not None:
        text.caption(t("reorg.parts_caption", year=effective.year, last=fmt_date(effective - timedelta(days=1))))
        for code in sources:
            part = _part(actor, code, tree.name(code), effective, "reorg_merge_part", "reorg.part")
            if part is not None:
                parts[code] = part
    concerned = (*sources, *([target] if target else []), *([new.parent_code, new.code] if new else []))
    return Request("merge", dict(source_codes=list(sources), target_code=target, new=new, parts=parts, **common),
                   concerned)


def _split(actor: Actor, tree: Tree) -> Request:
    source = tree.pick(t("reorg.split_source"), "reorg_split_source", parents_only=True)
    count = st.selectbox(t("reorg.new_count"), list(range(MAX_NEW + 1)), placeholder=t("form.choose"),
                         key="reorg_split_count")
    new = []
    for n in range(count or 0):
        with st.container(border=True):
            text.markdown(text.bold(t("reorg.new_org", n=n + 1)))
            new.append(_new_org(f"reorg_split_new{n}", tree))
    assignment = {}
    if source:
        founded = {o.code.strip().upper(): t("reorg.new_choice", name=o.name.strip() or o.code.strip())
                   for o in new if o.code.strip()}
        text.caption(t("reorg.receivers_caption", org=tree.name(source)))
        under = tree.children_of(source)
        for pair in (under[i:i + 2] for i in range(0, len(under), 2)):  # in rows: a phone keeps the order
            for column, child in zip(st.columns(2), pair):
                assignment[child.code] = tree.pick(
                    t("reorg.receiver", org=child.name), f"reorg_split_to_{child.code}", parents_only=True,
                    exclude={source} | tree.below(child), extra=founded, container=column) or ""
    common = _common("split")
    part = (_part(actor, source, tree.name(source), common["effective_date"], "reorg_split_part", "reorg.split_part")
            if source else None)
    concerned = (*([source] if source else []), *[c for c in dict.fromkeys(assignment.values()) if c],
                 *[o.parent_code for o in new if o.parent_code])
    return Request("split", dict(source_code=source or "", assignment=assignment, new=new, part=part, **common),
                   concerned)


def _move(actor: Actor, tree: Tree) -> Request:
    org = tree.pick(t("col.organization"), "reorg_move_code")
    parent = tree.pick(t("org.new_parent"), "reorg_move_parent", parents_only=True)
    common = _common("move")
    return Request("move", dict(org_code=org or "", new_parent_code=parent or "", **common),
                   tuple(c for c in (org, parent) if c))


def _dissolve(actor: Actor, tree: Tree) -> Request:
    org = tree.pick(t("col.organization"), "reorg_dissolve_code")
    heir = tree.pick(t("reorg.plans_to"), "reorg_dissolve_heir", parents_only=True, exclude={org} if org else ())
    common = _common("dissolve")
    part = (_part(actor, org, tree.name(org), common["effective_date"], "reorg_dissolve_part", "reorg.dissolve_part")
            if org and heir else None)
    return Request("dissolve", dict(org_code=org or "", plans_to=heir, part=part, **common),
                   tuple(c for c in (org, heir) if c))


def _rename(actor: Actor, tree: Tree) -> Request:
    org = tree.pick(t("col.organization"), "reorg_rename_code")
    current = tree.org(org)
    left, right = st.columns(2)
    name = left.text_input(t("org.new_name"), value=current.name if current else "", key=f"reorg_rename_name_{org}")
    kind = kind_field(t("reorg.new_kind"), f"reorg_rename_kind_{org}", current.kind if current else None,
                      container=right)
    common = _common("rename")
    return Request("rename", dict(org_code=org or "", name=name, kind=kind, **common), (org,) if org else ())


def _new_root(actor: Actor, tree: Tree) -> Request:
    new = _new_org("reorg_new_root_new", None)
    common = _common("new_root")
    top = tree.top()
    return Request("new_root", dict(code=new.code, name=new.name, kind=new.kind, sector=new.sector, **common),
                   tuple(c for c in (top, new.code.strip().upper()) if c))


FORMS = {"merge": _merge, "split": _split, "move": _move, "dissolve": _dissolve, "rename": _rename,
         "new_root": _new_root}


# --- preview and confirmation ---------------------------------------------------------------------

def _run(session: Session, actor: Actor, request: Request, today: date, expected_version: int | None) -> Outcome:
    arguments = dict(request.arguments)
    if request.kind in ("move", "rename"):
        arguments["expected_version"] = expected_version
    return getattr(restructure, request.kind)(session, actor, today=today, **arguments)


def _measured(session: Session, codes: tuple[str, ...]) -> list[str]:
    """The organizations concerned and their parents, those above first (new ones last)."""
    found: dict[str, Organization] = {}
    for code in codes:
        try:
            org = org_by_code(session, code)
        except NotFoundError:
            continue
        found[org.code] = org
        if org.parent_id is not None:
            parent = session.get(Organization, org.parent_id)
            found[parent.code] = parent
    known = sorted(found.values(), key=lambda o: (o.depth, o.path))
    return [o.code for o in known] + [c for c in dict.fromkeys(codes) if c not in found]


def _figures(session: Session, username: str, fallback: Actor, codes: list[str], year: int, as_of: date,
             rules: RuleSettings) -> dict[str, tuple]:
    """{code: (name, admitted, target, first day, last day)} of the organizations the caller
    sees now (its own account read again: a new root moves it up), for the year."""
    account = account_of(session, username)
    actor = account.actor if account is not None else fallback
    figures = {}
    for code in codes:
        try:
            subtree = resolve(session, actor, code)
        except (NotFoundError, ScopeError):
            continue
        row = org_figures(session, subtree, year=year, as_of=as_of, rules=rules, levels=0).iloc[0]
        figures[code] = (row["name"], int(row["admitted"]), int(row["target"]), row["founded"], row["ended"])
    return figures


def _stretch_text(founded: date | None, ended: date | None, year: int) -> str:
    start = founded if isinstance(founded, date) and founded.year == year else None
    end = ended if isinstance(ended, date) and ended.year == year else None
    if start and end:
        return t("reorg.days_between", start=fmt_date(start), end=fmt_date(end))
    if start:
        return t("reorg.days_from", start=fmt_date(start))
    if end:
        return t("reorg.days_until", end=fmt_date(end))
    return t("reorg.days_whole")


def figures_table(before: dict[str, tuple], after: dict[str, tuple], codes: list[str], year: int) -> pd.DataFrame:
    """One row per organization: admitted/target of the year before and after the change, and
    the days of the year it stands for after it."""
    rows = []
    for code in codes:
        if code not in before and code not in after:
            continue
        name = (after.get(code) or before[code])[0]
        was, now = before.get(code), after.get(code)
        rows.append({t("col.organization"): name,
                     t("reorg.col_before"): fmt_progress(was[1], was[2]) if was else t("reorg.not_there"),
                     t("reorg.col_after"): fmt_progress(now[1], now[2]) if now else t("reorg.not_there"),
                     t("reorg.col_days"): _stretch_text(now[3], now[4], year) if now else ""})
    return pd.DataFrame(rows)


def plans_table(outcome: Outcome) -> pd.DataFrame:
    """The targets each organization's plans had and will have, per year (an organization
    receiving from several shows its first figure and its last)."""
    changed: dict[tuple[str, int], list[int]] = {}
    for name, year, before, after in outcome.plans:
        changed.setdefault((name, year), [before, after])[1] = after
    return pd.DataFrame([{t("col.organization"): name, t("filter.year"): str(year),
                          t("reorg.col_target_before"): fmt_number(before), t("reorg.col_target_after"): fmt_number(after)}
                         for (name, year), (before, after) in sorted(changed.items(), key=lambda i: (i[0][1], i[0][0]))])


def _summary(outcome: Outcome, renamed: tuple[str, str, str, str] | None) -> tuple[str, ...]:
    when = fmt_date(outcome.effective_date)
    lines = []
    if renamed is not None:
        old, old_kind, new, new_kind = renamed
        lines.append(t("reorg.renames", date=when, old=old, new=new, old_kind=label("kind", old_kind),
                       new_kind=label("kind", new_kind)))
    carried = carried_text(organizations=outcome.organizations_moved, candidates=outcome.candidates_moved,
                           users=outcome.users_moved)
    if carried:
        lines.append(t("reorg.moves", date=when, what=carried))
    if outcome.created:
        lines.append(t("reorg.creates", date=when, names=", ".join(outcome.created)))
    if outcome.ended:
        lines.append(t("reorg.ends", last=fmt_date(outcome.effective_date - timedelta(days=1)),
                       names=", ".join(outcome.ended)))
    return tuple(lines)


def _subject(session: Session, request: Request) -> Organization | None:
    """The organization a move or a rename is about (its version guards the confirmation)."""
    code = request.arguments.get("org_code") if request.kind in ("move", "rename") else None
    return org_by_code(session, code) if code else None


def _preview(actor: Actor, request: Request) -> None:
    """Run the change in a savepoint and keep what it would do (PENDING), or say why not."""
    st.session_state.pop(PENDING, None)
    today, rules = current_day(), web.settings().rules
    effective: date | None = request.arguments["effective_date"]
    year = (effective or today).year
    as_of = min(today, date(year, 12, 31))
    try:
        with session_scope(web.engine()) as session:
            codes = _measured(session, request.concerned)
            subject = _subject(session, request)
            version, was = (subject.version, (subject.name, subject.kind)) if subject else (None, None)

            def measure(s: Session) -> dict:
                return _figures(s, actor.username, actor, codes, year, as_of, rules) if effective else {}

            seen = restructure.preview(session, lambda s: _run(s, actor, request, today, version), measure)
    except forms.REFUSALS as exc:
        forms.show_refusal(exc)
        return
    renamed = None
    if request.kind == "rename":
        renamed = (*was, clean_text(request.arguments["name"]), request.arguments["kind"] or was[1])
    st.session_state[PENDING] = Pending(
        request=request, outcome=seen.outcome, expected_version=version, summary=_summary(seen.outcome, renamed),
        plans=plans_table(seen.outcome), figures=figures_table(seen.before, seen.after, codes, year), year=year,
        as_of=as_of)


def _same(outcome: Outcome, previewed: Outcome) -> bool:
    return replace(outcome, restructuring_id=None) == replace(previewed, restructuring_id=None)


def _confirm(actor: Actor, pending: Pending) -> None:
    """Write the change previewed, refused (nothing written) unless it comes out as previewed."""
    def write(session: Session) -> Outcome:
        outcome = _run(session, actor, pending.request, current_day(), pending.expected_version)
        if not _same(outcome, pending.outcome):
            raise FormError([t("reorg.changed_since_preview")])
        return outcome

    kind = pending.request.kind
    forms.save(write, lambda o: t("reorg.done", kind=t(f"reorg.kind_{kind}"), date=fmt_date(o.effective_date)),
               prefix=(f"reorg_{kind}_", PENDING))
    st.session_state.pop(PENDING, None)  # reached after a refusal only: preview again


def _show(pending: Pending) -> None:
    with st.container(border=True):
        text.subheader(t("reorg.preview_title"))
        if pending.summary:
            text.markdown(text.Md("\n".join(text.md(text.Md("- "), line) for line in pending.summary)))
        text.markdown(text.bold(t("reorg.plans_title")))
        if pending.plans.empty:
            text.caption(t("reorg.no_plans"))
        else:
            widgets.table(pending.plans, key="reorg_plans_table")
            if pending.outcome.ended and any(year == pending.outcome.effective_date.year
                                             for _, year, _, _ in pending.outcome.plans):
                text.caption(t("reorg.plans_part_caption", year=pending.outcome.effective_date.year,
                               last=fmt_date(pending.outcome.effective_date - timedelta(days=1))))
        if not pending.figures.empty:
            text.markdown(text.bold(t("reorg.figures_title", year=pending.year, as_of=fmt_date(pending.as_of))))
            widgets.table(pending.figures, key="reorg_figures_table")
        text.caption(t("reorg.confirm_hint"))


def restructure_tab(actor: Actor, whole: bool) -> None:
    """The kind of change, its fields, «Xem trước», the preview and «Xác nhận» (`whole`: the
    caller's tree is short enough to offer as one list, ui.pickers)."""
    tree = Tree(actor, whole)
    text.caption(t("reorg.caption"))
    kind = st.radio(t("reorg.kind"), KINDS, format_func=lambda k: t(f"reorg.kind_{k}"), horizontal=True,
                    key="reorg_kind")
    text.caption(t(f"reorg.help_{kind}"))
    request = FORMS[kind](actor, tree)
    if st.button(t("reorg.preview"), key=f"reorg_{kind}_preview"):
        _preview(actor, request)
    pending: Pending | None = st.session_state.get(PENDING)
    if pending is None or pending.request.kind != kind:
        return
    if pending.request != request:
        text.info(t("reorg.preview_outdated"))
        return
    _show(pending)
    if st.button(t("reorg.confirm"), type="primary", key=f"reorg_{kind}_confirm"):
        _confirm(actor, pending)
