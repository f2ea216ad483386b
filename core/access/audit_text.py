"""The audit trail as people read it: each entry one Vietnamese sentence with names
("14:05 22/11/2026 – bithu.hdnd ghi bước «Chi bộ đề nghị kết nạp» ngày 19/01/2024 cho
Nguyễn Văn A, số văn bản 12-NQ/CB").

`audit_names` looks the names up in bulk (one query per kind for the entries shown);
`audit_sentence` is a pure function of one entry and those names, so every action has a
hand-written expected sentence in the tests. A change of the tree with an effective date
(core.structure.restructure) is told with what its organizations were the day before and
on the day (a dated rename's old and new names, a move's old parent), read from their dated
stretches (core.structure.dated), which are never rewritten. Values typed by users are quoted as typed;
the caller shows the sentence as plain text (a table), never as Markdown.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session, select

from core.format import fmt_date, fmt_datetime, fmt_number
from core.i18n import has, label, t
from core.procedure.dossier import paper_name
from core.procedure.stages import Exit
from core.procedure.votes import vote_text
from core.storage.models import (
    AuditEntry,
    Candidate,
    Organization,
    OrganizationEra,
    User,
)
from core.structure.dated import current_start

# The candidate's fields a sentence names when they change, with how each value is read.
CANDIDATE_FIELDS = {
    "full_name": "text", "birth_date": "date", "female": "bool", "ethnicity": "text", "religion": "text",
    "general_education": "education", "qualification": "qualification", "occupation": "occupation",
    "youth_union_member": "bool", "village_head": "bool", "education_exemption": "bool", "helper_name": "text",
    "sponsor1_name": "text", "sponsor1_since": "date", "sponsor2_name": "text", "sponsor2_since": "date",
    "youth_union_resolution_date": "date", "new_member_class_date": "date",
    "introduction_route": "introduction", "trade_union_member": "bool", "sponsor1_official": "bool",
    "sponsor2_official": "bool", "sponsor1_replacement_decision": "text", "sponsor2_replacement_decision": "text",
}
_PLAN_FIELDS = {"target": "number", "members_start": "number"}
RESTRUCTURE_PREFIX = "restructure_"


@dataclass(frozen=True)
class Stretch:
    """What an organization was from `start` to `end` (None: open on that side)."""

    start: date | None
    end: date | None
    name: str
    kind: str
    parent_id: int | None

    def holds_on(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or self.end >= day)


@dataclass(frozen=True)
class AuditNames:
    """Names of the records the entries are about, by id. `candidates` is empty for a viewer
    who may not see personal data."""

    candidates: dict[int, str] = field(default_factory=dict)
    organizations: dict[int, str] = field(default_factory=dict)
    users: dict[int, str] = field(default_factory=dict)
    stretches: dict[int, tuple[Stretch, ...]] = field(default_factory=dict)  # of restructured organizations

    def as_on(self, org_id: object, day: date) -> Stretch | None:
        """What the organization was on `day`, if known."""
        return next((s for s in self.stretches.get(org_id, ()) if s.holds_on(day)), None)


def parsed(text: str) -> dict[str, Any]:
    """The JSON of an entry's before or after; {} when there is none."""
    return json.loads(text) if text else {}


def audit_names(session: Session, entries: Iterable[AuditEntry], *, personal: bool) -> AuditNames:
    """The names the sentences of `entries` need, one query per kind (candidates, users,
    organizations); candidates' names only when `personal` (the viewer may see them)."""
    candidate_ids, user_ids, org_ids, restructured = set(), set(), set(), set()
    for entry in entries:
        before, after = parsed(entry.before), parsed(entry.after)
        if entry.entity == "candidate" and entry.entity_id is not None:
            candidate_ids.add(entry.entity_id)
        elif entry.entity == "user" and entry.entity_id is not None:
            user_ids.add(entry.entity_id)
        elif entry.entity == "organization" and entry.entity_id is not None:
            org_ids.add(entry.entity_id)
            if entry.action.startswith(RESTRUCTURE_PREFIX):
                restructured.add(entry.entity_id)
        for values in (before, after, after.get("transfer") or {}):
            for key in ("organization_id", "parent_id", "from_organization_id", "to_organization_id"):
                if isinstance(values.get(key), int):
                    org_ids.add(values[key])
        org_ids.update(i for i in (*after.get("sources", ()), *after.get("targets", ())) if isinstance(i, int))
    stretches = _stretches(session, restructured)
    org_ids.update(s.parent_id for own in stretches.values() for s in own if s.parent_id is not None)
    candidates = {}
    if personal and candidate_ids:
        candidates = dict(session.exec(select(Candidate.id, Candidate.full_name).where(Candidate.id.in_(candidate_ids))).all())
    users = dict(session.exec(select(User.id, User.username).where(User.id.in_(user_ids))).all()) if user_ids else {}
    orgs = dict(session.exec(select(Organization.id, Organization.name).where(Organization.id.in_(org_ids))).all()) if org_ids else {}
    return AuditNames(candidates=candidates, organizations=orgs, users=users, stretches=stretches)


def _stretches(session: Session, org_ids: set[int]) -> dict[int, tuple[Stretch, ...]]:
    """Every stretch of these organizations, the past ones and the current one (two queries)."""
    if not org_ids:
        return {}
    rows = session.exec(select(OrganizationEra.organization_id, OrganizationEra.valid_from, OrganizationEra.valid_to,
                               OrganizationEra.name, OrganizationEra.kind, OrganizationEra.parent_id)
                        .where(OrganizationEra.organization_id.in_(org_ids))).all()
    rows += session.exec(select(Organization.id, current_start(), Organization.valid_to, Organization.name,
                                Organization.kind, Organization.parent_id)
                         .where(Organization.id.in_(org_ids))).all()
    found: dict[int, list[Stretch]] = {}
    for org_id, *stretch in rows:
        found.setdefault(org_id, []).append(Stretch(*stretch))
    return {org_id: tuple(own) for org_id, own in found.items()}


def _org(names: AuditNames, org_id: object, fallback: object = None) -> str:
    if isinstance(org_id, int) and org_id in names.organizations:
        return names.organizations[org_id]
    return str(fallback) if fallback else t("audit.unknown_org")


def _step(code: object) -> str:
    code = str(code or "")
    if code in Exit._value2member_map_:
        return label("exit", code)
    for group in ("stage", "record"):
        if has(f"{group}.{code}"):
            return label(group, code)
    return code


def _date(value: object) -> str:
    if not value:
        return t("audit.empty")
    try:
        return fmt_date(date.fromisoformat(str(value)[:10]))
    except ValueError:
        return str(value)


def value_text(kind: str, value: object) -> str:
    """A field's value as a sentence or a table shows it: dates 19/01/2024, numbers 4.850,
    labels of codes, «typed text», or (trống)."""
    if kind == "bool":
        return t(f"audit.bool_{bool(value)}")
    if kind == "date":
        return _date(value)
    if kind == "number":
        return t("audit.empty") if value is None else fmt_number(value)
    if kind in ("education", "qualification", "occupation", "introduction"):
        return label(kind, str(value)) if has(f"{kind}.{value}") else f"«{value}»"
    return f"«{value}»" if value else t("audit.empty")


def _changes(before: dict, after: dict, fields: dict[str, str]) -> str:
    """ "ngày sinh 01/01/2000 → 02/04/1998; dân tộc «Kinh» → «Tày»" for the fields that changed;
    a field new in `after` (a first plan) is shown with its value alone."""
    parts = []
    for name, kind in fields.items():
        if name not in after or (name in before and before[name] == after[name]):
            continue
        what = t(f"audit.field.{name}")
        if name in before:
            parts.append(t("audit.change", field=what, old=value_text(kind, before[name]), new=value_text(kind, after[name])))
        else:
            parts.append(t("audit.value", field=what, new=value_text(kind, after[name])))
    return "; ".join(parts)


def _event_details(event: dict) -> str:
    parts = []
    if event.get("document_number"):
        parts.append(t("audit.document", number=event["document_number"]))
    if votes := vote_text(votes_for=event.get("votes_for"), present=event.get("votes_total"),
                          members_total=event.get("members_total"), members_excused=event.get("members_excused")):
        parts.append(votes)
    return "".join(", " + p for p in parts)


def audit_sentence(entry: AuditEntry, names: AuditNames) -> str:
    """One audit entry as a Vietnamese sentence: "{time} – {who does what to whom}", in
    Vietnam time, with the names of the records (as they are called now) and the stage's label."""
    before, after = parsed(entry.before), parsed(entry.after)
    action, user = entry.action, entry.username
    at = fmt_datetime(entry.at)
    if entry.entity == "candidate":
        name = names.candidates.get(entry.entity_id) or t("audit.someone")
        org = _org(names, after.get("organization_id"))
        event = after.get("event") or {}
        if action == "add_candidate":
            events = after.get("events") or [{}]
            text = t("audit.add_candidate", user=user, name=name, org=org, date=_date(events[0].get("event_date")))
        elif action == "import_candidate":
            text = t("audit.import_candidate", user=user, name=name, org=org, stage=_step(after.get("stage")))
        elif action == "edit_candidate":
            changes = _changes(before, after, CANDIDATE_FIELDS)
            text = (t("audit.edit_candidate", user=user, name=name, changes=changes) if changes
                    else t("audit.edit_candidate_unchanged", user=user, name=name))
        elif action == "record_stage":
            text = t("audit.record_stage", user=user, stage=_step(event.get("stage")), date=_date(event.get("event_date")),
                     name=name) + _event_details(event)
        elif action == "record_exit":
            text = t("audit.record_exit", user=user, exit=_step(event.get("stage")), date=_date(event.get("event_date")),
                     name=name, reason=event.get("note", "")) + _event_details(event)
        elif action == "transfer_candidate":
            move = after.get("transfer") or {}
            text = t("audit.transfer_candidate", user=user, name=name, source=_org(names, move.get("from_organization_id")),
                     target=_org(names, move.get("to_organization_id")), date=_date(move.get("transfer_date")),
                     document=move.get("document_number", ""))
        elif action == "readmit":
            link = after.get("readmission") or {}
            text = t("audit.readmit", user=user, name=name, previous=link.get("previous_candidate_id", ""),
                     consent=link.get("consent_number", ""), consent_date=_date(link.get("consent_date")))
        elif action in ("record_paper", "void_paper"):
            paper = after.get("paper") or {}
            text = t(f"audit.{action}", user=user, paper=paper_name(paper.get("kind", ""), paper.get("holder", "")),
                     date=_date(paper.get("issue_date")), name=name, number=paper.get("document_number") or "–")
        elif action == "void_event":
            text = t("audit.void_event", user=user, stage=_step(event.get("stage")), date=_date(event.get("event_date")),
                     name=name, reason=event.get("note", ""))
        else:
            text = _other(user, action)
    elif entry.entity == "user":
        target = names.users.get(entry.entity_id) or after.get("username") or t("audit.unknown_user")
        if action == "create_user":
            text = t("audit.create_user", user=user, target=target, display=after.get("display_name", target),
                     role=label("role", after["role"]) if has(f"role.{after.get('role')}") else after.get("role", ""),
                     org=_org(names, after.get("organization_id")))
        elif action == "failed_sign_in":
            text = t("audit.failed_sign_in", target=target, count=after.get("failed_attempts", 1))
        elif action == "lock_user":
            until = after.get("locked_until")
            text = t("audit.lock_user", target=target, until=fmt_datetime(datetime.fromisoformat(until)) if until else "–")
        elif action in ("enable_user", "disable_user", "set_temporary_password", "change_password", "sign_in",
                        "sign_out"):
            text = t(f"audit.{action}", user=user, target=target)
        elif action == "set_reminders":
            text = t("audit.set_reminders", user=user, target=target, email=value_text("text", after.get("email")),
                     digest=label("digest", after.get("digest", "off")) if has(f"digest.{after.get('digest')}")
                     else after.get("digest", ""))
        else:
            text = _other(user, action)
    elif entry.entity == "organization":
        org = _org(names, entry.entity_id, after.get("name"))
        if action == "add_organization":
            kind = _kind(after.get("kind", ""))
            text = t("audit.add_organization", user=user, org=org, kind=kind, parent=_org(names, after.get("parent_id")))
        elif action == "rename_organization":
            text = t("audit.rename_organization", user=user, old=before.get("name", ""), new=after.get("name", ""))
        elif action == "move_organization":
            text = t("audit.move_organization", user=user, org=org, old_parent=_org(names, before.get("parent_id")),
                     new_parent=_org(names, after.get("parent_id")))
        elif action in ("activate_organization", "deactivate_organization"):
            text = t(f"audit.{action}", user=user, org=org)
        elif action in ("set_youth_union", "set_authorized"):
            field = "has_youth_union" if action == "set_youth_union" else "authorized"
            text = t(f"audit.{action}_{bool(after.get(field))}", user=user, org=org)
        elif action.startswith(RESTRUCTURE_PREFIX) and has(f"audit.{action}"):
            text = _restructure(entry, names, after, user)
        elif action in ("save_plans", "import_plans"):
            changes = _changes(before, after, _PLAN_FIELDS) or t("audit.plan_unchanged")
            text = t(f"audit.{action}", user=user, year=after.get("year", before.get("year", "")), org=org,
                     changes=changes)
        else:
            text = _other(user, action)
    elif entry.entity == "calendar":
        day = after or before
        if action == "add_day_override":
            text = t("audit.add_working_day" if day.get("working") else "audit.add_day_off", user=user,
                     day=_date(day.get("day")), note=day.get("note", ""))
        elif action == "remove_day_override":
            kind = t("calendar.library_working") if day.get("working") else t("calendar.library_off")
            text = t("audit.remove_day_override", user=user, day=_date(day.get("day")), kind=kind)
        else:
            text = _other(user, action)
    elif action in ("load_demo", "load_synth"):
        text = t(f"audit.{action}", user=user, tier=after.get("tier", ""), orgs=fmt_number(after.get("organizations")),
                 candidates=fmt_number(after.get("candidates")), events=fmt_number(after.get("events")))
    else:
        text = _other(user, action)
    return t("audit.line", at=at, text=text)


def carried_text(*, organizations: int, candidates: int, users: int) -> str:
    """What a change of the tree carries with it, the parts that are not zero: "18 tổ chức,
    91 hồ sơ quần chúng, 1 tài khoản" ("" when nothing)."""
    parts = [t(f"audit.carried_{what}", count=fmt_number(count))
             for what, count in (("organizations", organizations), ("candidates", candidates), ("users", users))
             if count]
    return ", ".join(parts)


def _restructure(entry: AuditEntry, names: AuditNames, after: dict, user: str) -> str:
    """A change of the tree with an effective date (core.structure.restructure._recorded's
    payload): what changed, from when, the document, and what was carried along."""
    action = entry.action
    try:
        effective = date.fromisoformat(str(after.get("effective_date")))
    except ValueError:
        return _other(user, action)
    values = dict(user=user, date=fmt_date(effective), last=fmt_date(effective - timedelta(days=1)),
                  org=_org(names, entry.entity_id))
    sources, targets = after.get("sources") or [], after.get("targets") or []
    created = set(after.get("created") or [])

    def listed(ids: list) -> str:
        return ", ".join(_org(names, i) for i in ids)

    key = action
    if action == "restructure_move":
        was = names.as_on(entry.entity_id, effective - timedelta(days=1))
        values.update(old_parent=_org(names, was.parent_id if was else None), new_parent=listed(targets))
    elif action == "restructure_merge":
        values.update(sources=listed(sources), target=_org(names, targets[0] if targets else None))
        key = "restructure_merge_new" if created else action
    elif action == "restructure_split":
        values.update(targets=listed(targets))
        if created:
            key = "restructure_split_new"
            values.update(created=", ".join(sorted(created)))
    elif action == "restructure_rename":
        was, now = names.as_on(entry.entity_id, effective - timedelta(days=1)), names.as_on(entry.entity_id, effective)
        values.update(old=was.name if was else t("audit.unknown_org"), new=now.name if now else values["org"])
        if was and now and was.kind != now.kind:
            key = "restructure_rename_kind"
            values.update(old_kind=_kind(was.kind), new_kind=_kind(now.kind))
    elif action == "restructure_new_root":
        values.update(old=listed(sources))
    text = t(f"audit.{key}", **values)
    if after.get("document_number"):
        text += ", " + t("audit.document", number=after["document_number"])
    carried = carried_text(organizations=after.get("organizations_moved") or 0,
                           candidates=after.get("candidates_moved") or 0, users=after.get("users_moved") or 0)
    return text + (t("audit.carried", what=carried) if carried else "")


def _kind(code: str) -> str:
    return label("kind", code) if has(f"kind.{code}") else code


def _other(user: str, action: str) -> str:
    """An action this module has no sentence for yet: its label, never its code alone."""
    return t("audit.other", user=user, action=label("action", action) if has(f"action.{action}") else action)
