"""The write side of the candidate pipeline: add a candidate, record a stage, an exit, a
correction. Each function checks the caller's scope, the rules and the record's version,
then writes in the caller's transaction (events, the derived candidate columns, an audit
entry, the versions of the views the candidate counts in), or raises and writes nothing.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Table, insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from core.access.audit import audit_row, record_audit, snapshot
from core.access.scope import Actor, NotFoundError, ScopeError, org_in_scope
from core.config import RuleSettings
from core.errors import FormError
from core.format import clean_text, fmt_date, fmt_number
from core.i18n import label, t
from core.procedure.days_off import calendar_installed
from core.procedure.dossier import Introduction, Paper, effective_rows
from core.procedure.rules import (
    CandidateFacts,
    Finding,
    Sponsor,
    Vote,
    blocking,
    check_exit,
    check_stage,
    current_stage,
    exceptions,
    recognition_outcome,
)
from core.procedure.stages import (
    CANCELLED_STAGES,
    CELL_KINDS,
    EXITS,
    RECOGNITION_STAGES,
    STAGES,
    Education,
    Exit,
    Occupation,
    Qualification,
    Record,
    Route,
    Stage,
    route_of,
    stage_date_column,
)
from core.procedure.workdays import add_months, add_years
from core.storage import kept
from core.storage.limits import max_integer, too_long
from core.storage.models import (
    NOT_SETTLED,
    AuditEntry,
    Candidate,
    CandidatePlace,
    DossierPaper,
    Organization,
    OrganizationEra,
    StageEvent,
    identity_key,
    normal_name,
    utcnow,
)
from core.storage.versions import bump_candidates, bump_paths, reach
from core.structure.dated import Era, chain_on, chunked
from core.structure.tree import path_ids


class RuleViolation(ValueError):
    """A step the rules forbid, or that needs an exception nobody acknowledged."""

    def __init__(self, findings: list[Finding], *, needs_ack: bool = False):
        self.findings = findings
        self.needs_ack = needs_ack
        key = "error.needs_ack" if needs_ack else "error.rule_blocked"
        super().__init__(t(key, reasons=" ".join(f.message for f in findings)))


class DuplicateCandidateError(FormError):
    """The same person (chi bộ, name, date of birth) already has a record in the procedure;
    `candidate_id` is that record, for a link to it."""

    def __init__(self, existing: Candidate, org: Organization):
        self.candidate_id = existing.id
        self.full_name = existing.full_name
        super().__init__([t("form.duplicate_candidate", name=existing.full_name, birth=fmt_date(existing.birth_date),
                            org=org.name, id=existing.id)])


class StaleEditError(RuntimeError):
    """The record changed since the form was opened."""

    def __init__(self) -> None:
        super().__init__(t("error.stale"))


@dataclass(frozen=True)
class EventRow:
    """The part of a stage event that decides a candidate's state."""

    id: int
    stage: str
    event_date: date
    replaces_event_id: int | None = None
    voids: bool = False
    received_date: date | None = None
    effective_date: date | None = None

    @classmethod
    def of(cls, event: StageEvent) -> EventRow:
        """The row of a stored event."""
        return cls(event.id, event.stage, event.event_date, event.replaces_event_id, event.voids,
                   event.received_date, event.effective_date)


def effective_events(events: Iterable[EventRow]) -> list[EventRow]:
    """The events still in force: not replaced by a correction, and not voiding ones."""
    events = list(events)
    replaced = {e.replaces_event_id for e in events if e.replaces_event_id is not None}
    return [e for e in events if e.id not in replaced and not e.voids]


def derive_state(events: Iterable[EventRow]) -> dict[str, object]:
    """The derived candidate columns (stage dates, current stage, exit, settled date, and what
    the records that are not stages say) from its events. The official stage's date is the day
    it took effect (the end of the probation, stored on the event), not the decision's; a
    record that is neither a stage nor an exit (core.procedure.stages.Record) changes no stage."""
    state: dict[str, object] = {stage_date_column(s): None for s in STAGES}
    state.update(stage=None, stage_date=None, exit=None, exit_date=None, decision_received_date=None,
                 decision_extension_date=None, ceremony_consent_date=None, recognition_failed_votes=0,
                 recognition_rejected_date=None)
    stage_dates: dict[Stage, date] = {}
    for e in effective_events(events):
        if e.stage in Stage._value2member_map_:
            when = e.effective_date if e.stage == Stage.OFFICIAL and e.effective_date else e.event_date
            stage_dates[Stage(e.stage)] = when
            state[stage_date_column(e.stage)] = when
            if e.stage == Stage.DECISION:
                state["decision_received_date"] = e.received_date
        elif e.stage == Record.DECISION_EXTENSION:
            state["decision_extension_date"] = e.event_date
        elif e.stage == Record.CEREMONY_CONSENT:
            state["ceremony_consent_date"] = e.event_date
        elif e.stage == Record.RECOGNITION_NO_MAJORITY:
            state["recognition_failed_votes"] += 1
        elif e.stage == Record.RECOGNITION_REJECTED:
            state["recognition_rejected_date"] = e.event_date
        elif e.stage in EXITS:
            state["exit"], state["exit_date"] = e.stage, e.event_date
    if state["exit"] == Exit.CANCELLED:  # the decision, cancelled as wrongly made, is no longer in force
        for cancelled in CANCELLED_STAGES:
            stage_dates.pop(cancelled, None)
            state[stage_date_column(cancelled)] = None
    stage = current_stage(stage_dates)
    if stage is not None:
        state["stage"], state["stage_date"] = stage.value, stage_dates[stage]
    ends = [d for d in (stage_dates.get(Stage.ADMITTED), state["exit_date"]) if d is not None]
    state["settled_date"] = min(ends) if ends else NOT_SETTLED
    return state


def stage_dates_of(candidate: Candidate, as_of: date | None = None) -> dict[Stage, date]:
    """The stage dates held on a candidate row (those on or before `as_of`, when given)."""
    dates = {s: getattr(candidate, stage_date_column(s)) for s in STAGES}
    return {s: d for s, d in dates.items() if d is not None and (as_of is None or d <= as_of)}


def route_for(session: Session, org: Organization) -> Route:
    """The route of a chi bộ's candidates, from the chain above it (core.procedure.stages.route_of)."""
    return routes_for(session, [org])[org.id]


@dataclass(frozen=True)
class _Link:
    kind: str
    authorized: bool


def route_on(session: Session, org: Organization, day: date) -> Route:
    """The route of a chi bộ's candidates on `day`, from the chain as it stood then
    (core.structure.dated.chain_on): a step of 2024 under a đảng ủy xã had the committee's
    resolution that a ward's chi bộ has no longer."""
    return route_of_chain(session, chain_on(session, org.id, day))


def route_of_chain(session: Session, chain: list[Era]) -> Route:
    """route_of a chain of stretches (the chi bộ first), read as it stood; whether a đảng ủy
    is authorized is today's (it is not dated)."""
    authorized = dict(session.exec(select(Organization.id, Organization.authorized).where(
        Organization.id.in_([e.id for e in chain]))).all())
    return route_of([_Link(e.kind, authorized.get(e.id, False)) for e in chain])


def routes_for(session: Session, orgs: Iterable[Organization]) -> dict[int, Route]:
    """route_for of many chi bộ at once (one query for all their ancestors), by organization id."""
    orgs = list(orgs)
    ancestor_ids = {i for o in orgs for i in path_ids(o.path)[:-1]}
    ancestors = {o.id: o for o in session.exec(select(Organization).where(Organization.id.in_(ancestor_ids))).all()} \
        if ancestor_ids else {}
    return {o.id: route_of([o, *(ancestors[i] for i in reversed(path_ids(o.path)[:-1]) if i in ancestors)])
            for o in orgs}


def papers_of(session: Session, candidate_ids: list[int]) -> dict[int, tuple[Paper, ...]]:
    """The dossier papers in force of these candidates (not replaced, not voided), by candidate,
    oldest first; the caller has checked its scope over them."""
    found: dict[int, list] = {}
    for start in range(0, len(candidate_ids), 1000):
        chunk = candidate_ids[start:start + 1000]
        for row in session.exec(select(DossierPaper).where(DossierPaper.candidate_id.in_(chunk))
                                .order_by(DossierPaper.id)).all():
            found.setdefault(row.candidate_id, []).append(row)
    return {cid: tuple(Paper(r.kind, r.issue_date, r.document_number, r.valid_until, r.holder, r.id)
                       for r in effective_rows(rows))
            for cid, rows in found.items()}


def facts_of(candidate: Candidate, org: Organization, as_of: date | None = None, *, route: Route,
             papers: tuple[Paper, ...] | None = None) -> CandidateFacts:
    """The rule inputs of a candidate in its organization (as they stood on `as_of`, when
    given); `route` is route_for(session, org); the dossier's `papers` in force (papers_of;
    None: not checked)."""
    left = candidate.exit is not None and (as_of is None or candidate.exit_date <= as_of)

    def until(day: date | None) -> date | None:
        return day if day is not None and (as_of is None or day <= as_of) else None
    return CandidateFacts(
        birth_date=candidate.birth_date,
        general_education=candidate.general_education,
        education_exemption=candidate.education_exemption,
        youth_union_member=candidate.youth_union_member,
        youth_union_resolution_date=candidate.youth_union_resolution_date,
        sponsors=(
            Sponsor(candidate.sponsor1_name, candidate.sponsor1_since, candidate.sponsor1_official,
                    candidate.sponsor1_replacement_decision),
            Sponsor(candidate.sponsor2_name, candidate.sponsor2_since, candidate.sponsor2_official,
                    candidate.sponsor2_replacement_decision),
        ),
        new_member_class_date=candidate.new_member_class_date,
        route=route,
        stage_dates=stage_dates_of(candidate, as_of),
        exit=candidate.exit if left else None,
        exit_date=candidate.exit_date if left else None,
        decision_received_date=until(candidate.decision_received_date),
        decision_extension_date=until(candidate.decision_extension_date),
        ceremony_consent_date=until(candidate.ceremony_consent_date),
        recognition_failed_votes=candidate.recognition_failed_votes or 0,
        recognition_rejected_date=until(candidate.recognition_rejected_date),
        introduction=candidate.introduction_route,
        trade_union_member=candidate.trade_union_member,
        village_head=candidate.village_head,
        has_youth_union=org.has_youth_union,
        papers=None if papers is None else tuple(p for p in papers if as_of is None or p.issue_date <= as_of),
    )


def event_input_errors(*, document_number: str = "", note: str = "", note_label: str = "candidate.note",
                       vote: Vote | None = None) -> list[str]:
    """Messages for what a stage event holds that does not fit its columns: the document
    number, the note (or the reason of an exit or a correction: `note_label` names it), the
    vote's figures."""
    problems = [too_long(document_number, StageEvent, "document_number", t("candidate.document")),
                too_long(note, StageEvent, "note", t(note_label))]
    vote = vote or Vote()
    for column, votes in (("members_total", vote.members_total), ("members_excused", vote.members_excused),
                          ("votes_total", vote.present), ("votes_for", vote.votes_for),
                          ("votes_against", vote.votes_against)):
        largest = max_integer(StageEvent, column)
        if votes is not None and votes > largest:
            problems.append(t("limit.number_too_large", field=t(f"candidate.{column}"), max=fmt_number(largest)))
    return [message for message in problems if message]


def _editable_candidate(session: Session, actor: Actor, candidate_id: int, expected_version: int | None):
    candidate = session.get(Candidate, candidate_id)
    if candidate is None:
        raise NotFoundError(t("error.not_found"))
    org = session.get(Organization, candidate.organization_id)
    if not actor.edits_candidates or not actor.covers(org.path):
        raise ScopeError(t("error.out_of_scope", code=org.code))
    if expected_version is not None and candidate.version != expected_version:
        raise StaleEditError()
    return candidate, org


def open_record(session: Session, *, organization_id: int, key: str, other_than: int | None = None) -> Candidate | None:
    """The record of the person with this identity key in this chi bộ that has no exit (the
    one the unique index allows), other than `other_than`; None when there is none."""
    query = select(Candidate).where(Candidate.organization_id == organization_id, Candidate.identity_key == key,
                                    Candidate.exit.is_(None))
    if other_than is not None:
        query = query.where(Candidate.id != other_than)
    return session.exec(query.order_by(Candidate.id)).first()


def _refuse_if_listed(session: Session, org: Organization, key: str, candidate_id: int | None = None) -> None:
    existing = open_record(session, organization_id=org.id, key=key, other_than=candidate_id)
    if existing is not None:
        raise DuplicateCandidateError(existing, org)


@contextmanager
def same_person_refused(session: Session, org: Organization, key: str, candidate_id: int | None = None) -> Iterator[None]:
    """Turn the unique index's refusal (someone else wrote the same person meanwhile, after our
    own check) into DuplicateCandidateError naming their record. The transaction is rolled back
    first: after a refused statement PostgreSQL keeps nothing of it anyway."""
    try:
        yield
    except IntegrityError:
        session.rollback()
        existing = open_record(session, organization_id=org.id, key=key, other_than=candidate_id)
        if existing is None:
            raise
        raise DuplicateCandidateError(existing, org) from None


def _refresh_derived(session: Session, candidate: Candidate) -> None:
    rows = session.exec(select(StageEvent).where(StageEvent.candidate_id == candidate.id).order_by(StageEvent.id)).all()
    state = derive_state(EventRow.of(e) for e in rows)
    for column, value in state.items():
        setattr(candidate, column, value)
    candidate.version += 1
    candidate.updated_at = utcnow()
    session.add(candidate)


def _append_event(session: Session, actor: Actor, candidate: Candidate, event: StageEvent, action: str) -> StageEvent:
    before = snapshot(candidate)
    session.add(event)
    session.flush()
    _refresh_derived(session, candidate)
    session.flush()
    record_audit(
        session,
        username=actor.username,
        action=action,
        entity="candidate",
        entity_id=candidate.id,
        before=before,
        after={**snapshot(candidate), "event": snapshot(event)},
    )
    bump_candidates(session, [candidate.id])
    return event


def record_stage(
    session: Session,
    actor: Actor,
    *,
    candidate_id: int,
    expected_version: int | None,
    stage: Stage | None,
    event_date: date | None,
    today: date,
    rules: RuleSettings,
    document_number: str = "",
    note: str = "",
    vote: Vote | None = None,
    received_date: date | None = None,
    acknowledge_exceptions: bool = False,
) -> StageEvent:
    """Record that the candidate entered `stage` on `event_date`, after every rule is checked
    (None for either: not given, refused with a message); a resolution with its `vote`; the
    decision with the day it was received (`received_date`, from which the ceremony's clock
    counts). The official decision is stored with the day it takes effect, the end of the
    probation (Điều lệ Điều 5), however late it comes.

    A recognition vote (13-KNĐ, 15-KNĐ) short of 2/3 in favour, its figures otherwise right, is
    recorded in the history without entering the stage: with 2/3 against as
    Record.RECOGNITION_REJECTED (the removal follows), else as Record.RECOGNITION_NO_MAJORITY
    (the third goes up to the committee above). The returned event's `stage` says which."""
    candidate, org = _editable_candidate(session, actor, candidate_id, expected_version)
    if stage is None:
        raise FormError([t("form.stage_required")])
    vote = vote or Vote()
    errors = event_input_errors(document_number=document_number, note=note, vote=vote)
    if received_date is not None and stage is not Stage.DECISION:
        errors.append(t("recog.received_only_decision"))
    elif received_date is not None and event_date is not None and not event_date <= received_date <= today:
        errors.append(t("recog.received_bad_date", date=fmt_date(received_date), decision=fmt_date(event_date)))
    if errors:
        raise FormError(errors)
    facts = facts_of(candidate, org, route=route_for(session, org),
                     papers=papers_of(session, [candidate.id]).get(candidate.id, ()))
    with calendar_installed(session):  # a rule counting working days counts this database's
        findings = check_stage(facts, stage, event_date, today=today, rules=rules, vote=vote)
    kind = stage.value
    short = [f for f in findings if f.code == "vote_short"]
    if stage in RECOGNITION_STAGES and short and len(blocking(findings)) == len(short):
        if vote.votes_against is None:
            raise FormError([t("recog.against_required")])
        outcome = recognition_outcome(stage, vote, rules)
        kind = Record.RECOGNITION_REJECTED.value if outcome == "rejected" else Record.RECOGNITION_NO_MAJORITY.value
        findings = [f for f in findings if f.code != "vote_short"]
    if blocking(findings):
        raise RuleViolation(blocking(findings))
    acked = exceptions(findings)
    if acked and not acknowledge_exceptions:
        raise RuleViolation(acked, needs_ack=True)
    effective = None
    if stage is Stage.OFFICIAL:
        effective = add_months(facts.stage_dates[Stage.ADMITTED], rules.probation_months)
    event = StageEvent(
        candidate_id=candidate.id,
        stage=kind,
        event_date=event_date,
        document_number=clean_text(document_number),
        note=clean_text(note, one_line=False),
        votes_for=vote.votes_for,
        votes_total=vote.present,
        members_total=vote.members_total,
        members_excused=vote.members_excused,
        votes_against=vote.votes_against,
        received_date=received_date,
        effective_date=effective,
        acknowledged=",".join(f.code for f in acked),
        recorded_by=actor.username,
    )
    return _append_event(session, actor, candidate, event, "record_stage" if kind == stage.value else "record_vote_failed")


# The records a person writes on their own (the vote outcomes come with record_stage).
WRITTEN_RECORDS = (Record.DECISION_EXTENSION, Record.CEREMONY_CONSENT)


def record_findings(facts: CandidateFacts, record: Record, event_date: date | None, *, today: date) -> list[Finding]:
    """May this record be written on this date? An extension of the decision's clock while the
    chi bộ's resolution waits for its decision, once (Quy định 232-QĐ/TW, điểm 4.3); the upper
    committee's consent to a late ceremony after the decision and before the ceremony
    (Quy định 294-QĐ/TW, điểm 4.1)."""
    if event_date is None:
        return [Finding("date_missing", True, t("rule.date_missing"))]
    if event_date > today:
        return [Finding("future_date", True, t("rule.future_date", date=fmt_date(event_date)))]
    if facts.exit:
        return [Finding("exited", True, t("rule.exited", exit=label("exit", facts.exit)))]
    d = facts.stage_dates
    after, before = ((Stage.BRANCH_RESOLUTION, Stage.DECISION) if record is Record.DECISION_EXTENSION
                     else (Stage.DECISION, Stage.ADMITTED))
    if d.get(after) is None or d.get(before) is not None:
        return [Finding("record_not_now", True, t(f"recog.{record.value}_not_now"))]
    already = facts.decision_extension_date if record is Record.DECISION_EXTENSION else facts.ceremony_consent_date
    if already is not None:
        return [Finding("record_twice", True, t(f"recog.{record.value}_twice", date=fmt_date(already)))]
    if event_date < d[after]:
        return [Finding("before_previous", True, t("rule.before_previous", date=fmt_date(event_date),
                                                   previous=label("stage", after), previous_date=fmt_date(d[after])))]
    return []


def record_procedure_record(
    session: Session,
    actor: Actor,
    *,
    candidate_id: int,
    expected_version: int | None,
    record: Record | None,
    event_date: date | None,
    today: date,
    document_number: str,
    reason: str,
) -> StageEvent:
    """Write an extension of the decision's clock (by up to decision_extension_working_days)
    or the upper committee's consent to a late ceremony: a history record of its own, with
    its date, document number and reason, both required; it changes no stage."""
    candidate, org = _editable_candidate(session, actor, candidate_id, expected_version)
    if record not in WRITTEN_RECORDS:
        raise FormError([t("recog.record_required")])
    errors = event_input_errors(document_number=document_number, note=reason, note_label="candidate.reason")
    if not document_number.strip():
        errors.append(t("recog.record_document_required"))
    if not reason.strip():
        errors.append(t("rule.reason_missing"))
    if errors:
        raise FormError(errors)
    findings = record_findings(facts_of(candidate, org, route=route_for(session, org)), record, event_date, today=today)
    if blocking(findings):
        raise RuleViolation(blocking(findings))
    event = StageEvent(candidate_id=candidate.id, stage=record.value, event_date=event_date,
                       document_number=clean_text(document_number), note=clean_text(reason, one_line=False),
                       recorded_by=actor.username)
    return _append_event(session, actor, candidate, event, "record_procedure_record")


def record_exit(
    session: Session,
    actor: Actor,
    *,
    candidate_id: int,
    expected_version: int | None,
    exit_: Exit | None,
    event_date: date | None,
    today: date,
    reason: str,
    document_number: str = "",
) -> StageEvent:
    """Record a stop, a removal after failed probation, a move out of the tree, or the
    cancellation of a decision wrongly made (with the competent committee's document); a
    reason is required."""
    candidate, org = _editable_candidate(session, actor, candidate_id, expected_version)
    if exit_ is None:
        raise FormError([t("form.exit_required")])
    if errors := event_input_errors(document_number=document_number, note=reason, note_label="candidate.reason"):
        raise FormError(errors)
    findings = check_exit(facts_of(candidate, org, route=route_for(session, org)), exit_, event_date, today=today)
    if not reason.strip():
        findings.append(Finding("reason_missing", True, t("rule.reason_missing")))
    if exit_ is Exit.CANCELLED and not document_number.strip():
        findings.append(Finding("cancel_document_missing", True, t("rule.cancel_document_missing")))
    if blocking(findings):
        raise RuleViolation(blocking(findings))
    event = StageEvent(
        candidate_id=candidate.id,
        stage=exit_.value,
        event_date=event_date,
        document_number=clean_text(document_number),
        note=clean_text(reason, one_line=False),
        recorded_by=actor.username,
    )
    return _append_event(session, actor, candidate, event, "record_exit")


def void_event(
    session: Session,
    actor: Actor,
    *,
    candidate_id: int,
    expected_version: int | None,
    event_id: int,
    reason: str,
    confirmed: bool = True,
) -> StageEvent:
    """Cancel a wrongly recorded event with a new one; the history keeps both.

    Only the latest event in force can be voided, so the remaining history stays in order;
    a wrong date is put right by voiding and recording the stage again.
    """
    candidate, org = _editable_candidate(session, actor, candidate_id, expected_version)
    rows = session.exec(select(StageEvent).where(StageEvent.candidate_id == candidate.id)).all()
    in_force = effective_events(EventRow.of(e) for e in rows)
    latest = max(in_force, key=lambda e: (e.event_date, e.id), default=None)
    if latest is None or latest.id != event_id:
        raise RuleViolation([Finding("not_latest", True, t("rule.void_not_latest"))])
    if not reason.strip():
        raise RuleViolation([Finding("reason_missing", True, t("rule.reason_missing"))])
    if errors := event_input_errors(note=reason, note_label="candidate.reason"):
        raise FormError(errors)
    if not confirmed:
        raise FormError([t("form.confirm_void_required")])
    original = next(e for e in rows if e.id == event_id)
    if original.stage in EXITS:  # back into the procedure, where the person may be listed again
        _refuse_if_listed(session, org, candidate.identity_key, candidate.id)
    event = StageEvent(
        candidate_id=candidate.id,
        stage=original.stage,
        event_date=original.event_date,
        note=clean_text(reason, one_line=False),
        replaces_event_id=event_id,
        voids=True,
        recorded_by=actor.username,
    )
    with same_person_refused(session, org, candidate.identity_key, candidate.id):
        return _append_event(session, actor, candidate, event, "void_event")


@dataclass(frozen=True)
class CandidateInput:
    """The fields of a candidate as a form or an import gives them.

    None is "not given": the fields the rules and the breakdowns depend on have no default,
    so nothing is ever recorded that nobody said (religion "" is "không theo tôn giáo",
    a choice of its own)."""

    full_name: str
    birth_date: date | None = None
    female: bool | None = None
    ethnicity: str | None = None
    religion: str | None = None
    general_education: str | None = None
    qualification: str | None = None
    occupation: str | None = None
    youth_union_member: bool = False
    village_head: bool = False
    education_exemption: bool = False
    helper_name: str = ""
    sponsor1_name: str = ""
    sponsor1_since: date | None = None
    sponsor2_name: str = ""
    sponsor2_since: date | None = None
    youth_union_resolution_date: date | None = None
    new_member_class_date: date | None = None
    introduction_route: str = ""
    trade_union_member: bool = False
    sponsor1_official: bool | None = None
    sponsor2_official: bool | None = None
    sponsor1_replacement_decision: str = ""
    sponsor2_replacement_decision: str = ""

    def __post_init__(self) -> None:
        # Every text as stored, whatever typed it (a form, an import, Unikey's composite mode,
        # macOS): NFC, trimmed, one space between words; so the same name is the same text.
        for name, value in vars(self).items():
            if isinstance(value, str):
                object.__setattr__(self, name, clean_text(value))


# The texts of a candidate a person types (or a file gives): each measured against its column.
TEXT_FIELDS = ("full_name", "ethnicity", "religion", "helper_name", "sponsor1_name", "sponsor2_name",
               "sponsor1_replacement_decision", "sponsor2_replacement_decision")
# Fields that must be given: the rules (age) and the breakdowns (mix of those admitted) use them.
REQUIRED_FIELDS = ("birth_date", "female", "ethnicity", "religion", "general_education", "qualification", "occupation")


MIN_BIRTH_YEAR = 1900
MIN_AGE_TO_LIST_YEARS = 14  # younger people are not listed as a source


def candidate_input_errors(data: CandidateInput, *, today: date) -> list[tuple[str, str]]:
    """(field, Vietnamese message) for every field that is wrong; empty when all is well."""
    errors = []
    if not data.full_name.strip():
        errors.append(("full_name", t("form.name_required")))
    for name in TEXT_FIELDS:
        if message := too_long(getattr(data, name), Candidate, name, t(f"xlsx.col.{name}")):
            errors.append((name, message))
    missing = [name for name in REQUIRED_FIELDS
               if getattr(data, name) is None or (name == "ethnicity" and not data.ethnicity.strip())]
    if missing:
        errors.append((missing[0], t("form.missing", fields=", ".join(t(f"field.{name}") for name in missing))))
    birth = data.birth_date
    if birth is not None and (birth.year < MIN_BIRTH_YEAR or birth > add_years(today, -MIN_AGE_TO_LIST_YEARS)):
        errors.append(("birth_date", t("form.birth_date_range", min_age=MIN_AGE_TO_LIST_YEARS)))
    if data.introduction_route and data.introduction_route not in Introduction._value2member_map_:
        errors.append(("introduction_route", t("form.bad_choice", field=t("field.introduction_route"))))
    choices = {"general_education": Education, "qualification": Qualification, "occupation": Occupation}
    for name, codes in choices.items():
        if getattr(data, name) is not None and getattr(data, name) not in codes._value2member_map_:
            errors.append((name, t("form.bad_choice", field=t(f"field.{name}"))))
    for name in ("sponsor1_since", "sponsor2_since", "youth_union_resolution_date", "new_member_class_date"):
        value = getattr(data, name)
        if value is not None and (value > today or (birth is not None and value < birth)):
            errors.append((name, t("form.bad_field_date", field=t(f"field.{name}"))))
    return errors


def check_candidate_input(data: CandidateInput, *, today: date) -> list[str]:
    """Vietnamese messages for every field that is wrong; empty when all is well."""
    return [message for _field, message in candidate_input_errors(data, today=today)]


def _apply(candidate: Candidate, data: CandidateInput) -> None:
    for name, value in vars(data).items():
        setattr(candidate, name, value.strip() if isinstance(value, str) else value)
    candidate.ethnic_minority = candidate.ethnicity.strip().lower() not in ("", "kinh")


def same_identity(candidate: Candidate, data: CandidateInput) -> bool:
    """True when the input names the same person as the record (name as normalised, birth date)."""
    return (normal_name(candidate.full_name), candidate.birth_date) == (normal_name(data.full_name), data.birth_date)


def candidate_cell(session: Session, actor: Actor, org_code: str) -> Organization:
    """The chi bộ a new candidate is listed in: in the caller's subtree, the caller allowed to
    edit candidates, and an active cell (FormError or ScopeError otherwise)."""
    org = org_in_scope(session, actor, org_code)
    if not actor.edits_candidates:
        raise ScopeError(t("error.out_of_scope", code=org.code))
    if org.kind not in CELL_KINDS or not org.active:
        raise FormError([t("form.not_a_cell", org=org.name)])
    return org


def source_errors(data: CandidateInput, source_date: date, *, today: date, rules: RuleSettings) -> list[str]:
    """What forbids listing this person as a source on `source_date` (the date rules)."""
    facts = CandidateFacts(birth_date=data.birth_date)
    return [f.message for f in blocking(check_stage(facts, Stage.SOURCE, source_date, today=today, rules=rules))]


@dataclass(frozen=True)
class NewCandidate:
    """A checked new candidate: the chi bộ it goes into, its fields, its (checked) events."""

    org: Organization
    data: CandidateInput
    events: list[StageEvent]


class WrittenMeanwhileError(DuplicateCandidateError):
    """The same person was written in the chi bộ by someone else after our own check; `index`
    is the position of the new candidate that clashed (an import names its row)."""

    def __init__(self, existing: Candidate, org: Organization, index: int):
        self.index = index
        super().__init__(existing, org)


def _built(new: NewCandidate, *, username: str, now: datetime) -> Candidate:
    """The candidate row, its columns derived from its events (in memory: nothing is read)."""
    data = new.data
    candidate = Candidate(organization_id=new.org.id, org_path=new.org.path, full_name="", birth_date=data.birth_date,
                          identity_key=identity_key(data.full_name, data.birth_date), created_at=now, updated_at=now)
    _apply(candidate, data)
    events = [EventRow(-n, e.stage, e.event_date, e.replaces_event_id, e.voids, e.received_date, e.effective_date)
              for n, e in enumerate(new.events, 1)]
    for column, value in derive_state(events).items():
        setattr(candidate, column, value)
    for event in new.events:
        event.recorded_by, event.recorded_at = username, now
    return candidate


def _rows(records: list) -> list[dict]:
    """The column values of records of one table, without the id (the database gives it)."""
    if not records:
        return []
    table = type(records[0]).__table__
    return [{c.name: getattr(r, c.name) for c in table.columns if c.name != "id"} for r in records]


def _insert(session: Session, table: Table, rows: list[dict], *, key: tuple[str, ...] = ()) -> list[int]:
    """Insert rows of one table in one statement per thousand rows (executemany); with `key`,
    the columns that tell the rows apart, their new ids in the order of `rows`: RETURNING the id
    with the key, so no order of the returned rows is assumed (asking for that order makes
    SQLite insert row by row, three times slower while holding the write lock)."""
    if not rows:
        return []
    if not key:
        session.execute(insert(table), rows)
        return []
    keys = [tuple(row[name] for name in key) for row in rows]
    if len(set(keys)) < len(keys):  # not told apart by the key: the returned rows in the order given
        return list(session.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True), rows).scalars())
    returned = session.execute(insert(table).returning(table.c.id, *(table.c[name] for name in key)), rows).all()
    by_key = {tuple(row[1:]): row[0] for row in returned}
    return [by_key[k] for k in keys]


def _pasts_of(session: Session, org_ids: set[int]) -> dict[int, list[tuple[str, date | None, date]]]:
    """{chi bộ: its past stretches (path, first day, last day)}, for the chi bộ that have any: a
    candidate listed now with steps before the chi bộ's last move stood where the chi bộ stood."""
    pasts: dict[int, list[tuple[str, date | None, date]]] = {}
    for chunk in chunked(sorted(org_ids)):
        for org_id, path, start, end in session.exec(
                select(OrganizationEra.organization_id, OrganizationEra.path, OrganizationEra.valid_from,
                       OrganizationEra.valid_to).where(OrganizationEra.organization_id.in_(chunk))
                .order_by(OrganizationEra.valid_to)).all():
            pasts.setdefault(org_id, []).append((path, start, end))
    return pasts


def create_candidates(session: Session, actor: Actor, *, new: list[NewCandidate], action: str) -> list[Candidate]:
    """Write checked new candidates with their events and an audit entry each, in the caller's
    transaction, and raise the versions of the views they count in (core.storage.versions).
    Every row, its derived columns and its audit values are built first, without the database;
    then bulk statements write them (candidates, events, audit), so the write lock is held for
    the writing alone: an import of 30.000 rows does not stop everyone else for a minute.
    WrittenMeanwhileError when the unique index refuses one (the same person written in its chi
    bộ meanwhile); the transaction is then rolled back and nothing is written."""
    now = utcnow()
    candidates = [_built(n, username=actor.username, now=now) for n in new]
    pasts = _pasts_of(session, {n.org.id for n in new})
    for candidate, n in zip(candidates, new):
        first = min((e.event_date for e in n.events), default=None)
        if n.org.id in pasts and first is not None and n.org.placed_from and first < n.org.placed_from:
            candidate.placed_from = n.org.placed_from  # its days before are the chi bộ's past places
    events = [e for n in new for e in n.events]
    owners = [index for index, n in enumerate(new) for _event in n.events]
    candidate_rows, event_rows = _rows(candidates), _rows(events)
    afters = [{**snapshot(c), "events": [snapshot(e) for e in n.events]} for c, n in zip(candidates, new)]
    shares = kept.shares_of_new(session, candidate_rows, [
        [dict(org_path=path, valid_from=start, valid_to=end) for path, start, end in pasts[c.organization_id]]
        if c.placed_from is not None else [] for c in candidates])
    seen_in = reach(session, {c.org_path for c in candidates} | {
        path for c in candidates if c.placed_from is not None for path, _start, _end in pasts[c.organization_id]})
    # Nothing above wrote to the database: the write lock is taken by the first statement below.
    try:
        candidate_ids = _insert(session, Candidate.__table__, candidate_rows, key=("organization_id", "identity_key"))
    except IntegrityError:
        session.rollback()
        for index, (n, candidate) in enumerate(zip(new, candidates)):
            existing = open_record(session, organization_id=n.org.id, key=candidate.identity_key)
            if existing is not None:
                raise WrittenMeanwhileError(existing, n.org, index) from None
        raise
    for row, owner in zip(event_rows, owners):
        row["candidate_id"] = candidate_ids[owner]
    event_ids = _insert(session, StageEvent.__table__, event_rows, key=("candidate_id", "stage", "event_date"))
    for candidate, candidate_id in zip(candidates, candidate_ids):
        candidate.id = candidate_id
    _insert(session, CandidatePlace.__table__, [
        dict(candidate_id=c.id, organization_id=c.organization_id, org_path=path, valid_from=start, valid_to=end)
        for c in candidates if c.placed_from is not None for path, start, end in pasts[c.organization_id]])
    kept.apply(session, shares)  # the bulk statements above passed no flush
    bump_paths(session, seen_in)
    for event, event_id, row in zip(events, event_ids, event_rows):
        event.id, event.candidate_id = event_id, row["candidate_id"]
    for after, candidate, n in zip(afters, candidates, new):
        after["id"] = candidate.id
        for shot, event in zip(after["events"], n.events):
            shot["id"], shot["candidate_id"] = event.id, event.candidate_id
    _insert(session, AuditEntry.__table__, [
        audit_row(username=actor.username, action=action, entity="candidate", entity_id=c.id, after=after)
        for c, after in zip(candidates, afters)])
    return candidates


def add_candidate(
    session: Session,
    actor: Actor,
    *,
    org_code: str,
    data: CandidateInput,
    source_date: date,
    today: date,
    rules: RuleSettings,
    note: str = "",
) -> Candidate:
    """List a new candidate as a source (Quần chúng trong diện tạo nguồn) in a chi bộ of the
    caller's subtree; nothing is written when a field or the date is wrong, or when the same
    person (name and date of birth) is already in the procedure there (DuplicateCandidateError)."""
    errors = check_candidate_input(data, today=today)
    if not org_code:
        errors.append(t("form.cell_required"))
    if source_date is None:
        errors.append(t("form.date_required", field=t("branch.source_date")))
    elif data.birth_date is not None:
        errors += source_errors(data, source_date, today=today, rules=rules)
    if errors:
        raise FormError(errors)
    org = candidate_cell(session, actor, org_code)
    _refuse_if_listed(session, org, identity_key(data.full_name, data.birth_date))
    event = StageEvent(candidate_id=0, stage=Stage.SOURCE.value, event_date=source_date, note=note.strip(),
                       recorded_by=actor.username)
    [candidate] = create_candidates(session, actor, new=[NewCandidate(org, data, [event])], action="add_candidate")
    return candidate


def edit_candidate(
    session: Session, actor: Actor, *, candidate_id: int, expected_version: int, data: CandidateInput, today: date
) -> Candidate:
    """Change a candidate's details (not its stages), if nobody changed it meanwhile; a new name
    or birth date that makes it the same person as another record in the procedure in its chi
    bộ is refused (DuplicateCandidateError)."""
    candidate, org = _editable_candidate(session, actor, candidate_id, expected_version)
    errors = check_candidate_input(data, today=today)
    if errors:
        raise FormError(errors)
    # An unchanged identity keeps its key, the "#id" a migration gave a duplicate found then included.
    key = candidate.identity_key if same_identity(candidate, data) else identity_key(data.full_name, data.birth_date)
    if candidate.exit is None and key != candidate.identity_key:
        _refuse_if_listed(session, org, key, candidate.id)
    before = snapshot(candidate)
    _apply(candidate, data)
    candidate.identity_key = key
    candidate.version += 1
    candidate.updated_at = utcnow()
    session.add(candidate)
    with same_person_refused(session, org, key, candidate.id):
        session.flush()
    record_audit(session, username=actor.username, action="edit_candidate", entity="candidate", entity_id=candidate.id,
                 before=before, after=snapshot(candidate))
    bump_candidates(session, [candidate.id])
    return candidate
