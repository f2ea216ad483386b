"""Moves of a candidate inside the tree, and re-admission (the write side, with their reads).

**A transfer inside the tree is not an exit** (chuyển sinh hoạt trong đảng bộ). The candidate
(or probationary member) keeps the same record: every event, paper and date stays, and the
receiving chi bộ carries on from the stage reached. A CandidateTransfer row says from where to
where, on what date and by which document; the candidate's `organization_id` and `org_path`
become the receiving chi bộ's.

Whose figures: each event is counted where the candidate stood on its day
(core.structure.dated): the days before the transfer stay in the sending chi bộ (a CandidatePlace
row), so a probationary member admitted there and moved later is counted, for the year of the
decision, where the decision was taken. From the transfer on, the receiving chi bộ holds the
candidate: its to-do list, its pipeline, and the steps it carries out.

The user recording it must cover both chi bộ (the source's and the receiving one's). The
person may not already be in the procedure in the receiving chi bộ (the identity index).

A move **out of the tree** stays the exit Exit.TRANSFERRED (core.procedure.pipeline.record_exit),
and the record page offers the certificate of where the candidate stands
(core.office.certificate).

**Re-admission** (kết nạp lại, Quy định 294-QĐ/TW điểm 3.5): a person removed from probation or
whose admission decision was cancelled may be listed again after `readmission_min_months_out`
months out of the Party (36), once only, with the province's written consent (number, date):
a new record in a chi bộ, with a new history and, later, a new probation, linked to the old one
(Readmission).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import or_
from sqlmodel import Session, select

from core.access.audit import record_audit, snapshot
from core.access.scope import Actor, NotFoundError, ScopeError
from core.config import RuleSettings
from core.errors import FormError
from core.format import clean_text, fmt_date
from core.i18n import label, t
from core.procedure.candidates import candidate_detail
from core.procedure.pipeline import (
    CandidateInput,
    DuplicateCandidateError,
    _editable_candidate,
    add_candidate,
    open_record,
    same_person_refused,
)
from core.procedure.stages import CELL_KINDS, READMISSION_FROM, Stage
from core.procedure.workdays import add_months
from core.storage.limits import too_long
from core.storage.models import (
    Candidate,
    CandidatePlace,
    CandidateTransfer,
    Organization,
    Readmission,
    utcnow,
)
from core.storage.versions import bump_candidates


@dataclass(frozen=True)
class TransferRow:
    """One transfer as the record page shows it."""

    transfer_date: date
    from_name: str
    to_name: str
    document_number: str
    note: str
    recorded_by: str


def _document_errors(document_number: str, field: str) -> list[str]:
    if not document_number.strip():
        return [t("transfer.document_required", field=field)]
    message = too_long(clean_text(document_number), CandidateTransfer, "document_number", field)
    return [message] if message else []


def transfer_candidate(
    session: Session,
    actor: Actor,
    *,
    candidate_id: int,
    expected_version: int | None,
    to_org_code: str | None,
    transfer_date: date | None,
    document_number: str,
    today: date,
    note: str = "",
) -> CandidateTransfer:
    """Move a candidate (or probationary member) to another chi bộ of the tree on
    `transfer_date` by the document `document_number`, keeping its whole history; the caller
    must cover both chi bộ (ScopeError otherwise). Refused, writing nothing, when a field is
    missing or wrong, the record changed meanwhile (StaleEditError), or the person is already
    in the procedure in the receiving chi bộ (DuplicateCandidateError)."""
    candidate, source = _editable_candidate(session, actor, candidate_id, expected_version)
    errors = []
    target = None
    if not to_org_code:
        errors.append(t("transfer.target_required"))
    else:
        target = session.exec(select(Organization).where(Organization.code == to_org_code)).first()
        if target is None:
            raise NotFoundError(t("error.not_found"))
        if not actor.covers(target.path):
            raise ScopeError(t("transfer.scope", source=source.name, target=target.name))
        if target.id == source.id:
            errors.append(t("transfer.same_cell", org=source.name))
        elif target.kind not in CELL_KINDS or not target.active:
            errors.append(t("transfer.not_a_cell", org=target.name))
    if transfer_date is None:
        errors.append(t("form.date_required", field=t("transfer.date")))
    errors += _document_errors(document_number, t("transfer.document"))
    note = clean_text(note, one_line=False)
    if message := too_long(note, CandidateTransfer, "note", t("candidate.note")):
        errors.append(message)
    if candidate.exit is not None:
        errors.append(t("rule.exited", exit=label("exit", candidate.exit)))
    elif candidate.official_date is not None:
        errors.append(t("transfer.official"))
    elif candidate.stage is None:
        errors.append(t("transfer.no_stage"))
    if transfer_date is not None:
        last = max([candidate.stage_date or transfer_date, *(
            r.transfer_date for r in session.exec(
                select(CandidateTransfer).where(CandidateTransfer.candidate_id == candidate.id)).all())])
        if transfer_date > today:
            errors.append(t("rule.future_date", date=fmt_date(transfer_date)))
        elif transfer_date < last:
            errors.append(t("transfer.before_last", date=fmt_date(transfer_date), last=fmt_date(last)))
    if errors:
        raise FormError(errors)
    existing = open_record(session, organization_id=target.id, key=candidate.identity_key, other_than=candidate.id)
    if existing is not None:
        raise DuplicateCandidateError(existing, target)
    before, left = snapshot(candidate), candidate.org_path
    transfer = CandidateTransfer(candidate_id=candidate.id, from_organization_id=source.id, to_organization_id=target.id,
                                 transfer_date=transfer_date, document_number=clean_text(document_number), note=note,
                                 recorded_by=actor.username)
    if candidate.placed_from is None or candidate.placed_from < transfer_date:
        session.add(CandidatePlace(candidate_id=candidate.id, organization_id=source.id, org_path=candidate.org_path,
                                   valid_from=candidate.placed_from, valid_to=transfer_date - timedelta(days=1)))
    candidate.organization_id, candidate.org_path, candidate.placed_from = target.id, target.path, transfer_date
    candidate.version += 1
    candidate.updated_at = utcnow()
    session.add(candidate)
    session.add(transfer)
    with same_person_refused(session, target, candidate.identity_key, candidate.id):
        session.flush()
    record_audit(session, username=actor.username, action="transfer_candidate", entity="candidate",
                 entity_id=candidate.id, before=before, after={**snapshot(candidate), "transfer": snapshot(transfer)})
    bump_candidates(session, [candidate.id], also=[left])  # a second move on one day keeps no place of `left`
    return transfer


def transfers_of(session: Session, actor: Actor, candidate_id: int) -> list[TransferRow]:
    """The candidate's transfers inside the tree, oldest first (for whoever may see the record)."""
    candidate, _org = candidate_detail(session, actor, candidate_id)
    rows = session.exec(select(CandidateTransfer).where(CandidateTransfer.candidate_id == candidate.id)
                        .order_by(CandidateTransfer.transfer_date, CandidateTransfer.id)).all()
    ids = {r.from_organization_id for r in rows} | {r.to_organization_id for r in rows}
    names = {o.id: o.name for o in session.exec(select(Organization).where(Organization.id.in_(ids))).all()} if ids else {}
    return [TransferRow(r.transfer_date, names.get(r.from_organization_id, ""), names.get(r.to_organization_id, ""),
                        r.document_number, r.note, r.recorded_by) for r in rows]


@dataclass(frozen=True)
class ReadmissionLink:
    """A record's link to the other record of a re-admission: `previous_id` when this record is
    the re-admission, `next_id` when this is the earlier record."""

    previous_id: int | None
    next_id: int | None
    consent_number: str
    consent_date: date


def readmission_link(session: Session, actor: Actor, candidate_id: int) -> ReadmissionLink | None:
    """How a record is linked by a re-admission, if it is."""
    candidate, _org = candidate_detail(session, actor, candidate_id)
    row = session.exec(select(Readmission).where(
        or_(Readmission.candidate_id == candidate.id, Readmission.previous_candidate_id == candidate.id))).first()
    if row is None:
        return None
    if row.candidate_id == candidate.id:
        return ReadmissionLink(row.previous_candidate_id, None, row.consent_number, row.consent_date)
    return ReadmissionLink(None, row.candidate_id, row.consent_number, row.consent_date)


def readmit(
    session: Session,
    actor: Actor,
    *,
    previous_id: int,
    org_code: str | None,
    source_date: date | None,
    consent_number: str,
    consent_date: date | None,
    today: date,
    rules: RuleSettings,
    note: str = "",
) -> Candidate:
    """List again (kết nạp lại) the person of the record `previous_id`, who left the Party
    (removed from probation, or the decision cancelled), as a source in the chi bộ `org_code`
    on `source_date`: a new record with its own history, linked to the old one, with the
    province's written consent. Refused, writing nothing, before `readmission_min_months_out`
    months out, for a person re-admitted once already, without the consent, or when the person
    is already in the procedure in that chi bộ."""
    previous, previous_org = candidate_detail(session, actor, previous_id)
    if not actor.edits_candidates:
        raise ScopeError(t("error.out_of_scope", code=previous_org.code))
    errors = []
    if previous.exit not in READMISSION_FROM:
        errors.append(t("readmit.not_left", name=previous.full_name))
    if source_date is None:
        errors.append(t("form.date_required", field=t("branch.source_date")))
    elif previous.exit in READMISSION_FROM:
        earliest = add_months(previous.exit_date, rules.readmission_min_months_out)
        if source_date < earliest:
            errors.append(t("readmit.too_early", months=rules.readmission_min_months_out, left=fmt_date(previous.exit_date),
                            earliest=fmt_date(earliest)))
    errors += _document_errors(consent_number, t("readmit.consent_number"))
    if consent_date is None:
        errors.append(t("form.date_required", field=t("readmit.consent_date")))
    elif consent_date > today:
        errors.append(t("rule.future_date", date=fmt_date(consent_date)))
    same_person = select(Candidate.id).where(Candidate.identity_key == previous.identity_key)
    earlier = session.exec(select(Readmission).where(or_(
        Readmission.candidate_id.in_(same_person), Readmission.previous_candidate_id.in_(same_person),
        Readmission.candidate_id == previous.id, Readmission.previous_candidate_id == previous.id))).first()
    if earlier is not None:
        errors.append(t("readmit.once_only", name=previous.full_name, id=earlier.candidate_id))
    if errors:
        raise FormError(errors)
    data = CandidateInput(**{name: getattr(previous, name) for name in CandidateInput.__dataclass_fields__})
    candidate = add_candidate(session, actor, org_code=org_code, data=data, source_date=source_date, today=today,
                              rules=rules, note=note or t("readmit.source_note", id=previous.id))
    link = Readmission(candidate_id=candidate.id, previous_candidate_id=previous.id,
                       consent_number=clean_text(consent_number), consent_date=consent_date, recorded_by=actor.username)
    session.add(link)
    session.flush()
    record_audit(session, username=actor.username, action="readmit", entity="candidate", entity_id=candidate.id,
                 after={"readmission": snapshot(link), "previous_candidate_id": previous.id,
                        "stage": Stage.SOURCE.value})
    bump_candidates(session, [previous.id])  # its record now names the new one
    return candidate
