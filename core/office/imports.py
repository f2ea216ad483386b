"""Excel imports of candidates and of yearly plans, all or nothing.

A file is read (core.office.xlsx), its header matched against the columns of the export (core.office.exports),
every cell parsed, then every row checked with the same functions as the forms: the candidate's
fields (core.procedure.pipeline.candidate_input_errors), the chi bộ it goes into (candidate_cell), each
stage and the exit (core.procedure.rules.check_stage / check_exit), the plan's figures
(core.structure.plans.checked_plan). Any problem anywhere means nothing is written and the answer is the
list of problems, each with its row and column. Otherwise everything is written in the caller's
transaction, each record audited, the versions of the views it changes raised
(core.storage.versions).

Importing the same file twice adds nothing: a candidate is known by chi bộ and identity key
(core.storage.models.identity_key: the normalised full name and the date of birth; one already
there, in the procedure or not, is left as it is), and a plan is per organization and year (its
figures are updated when they differ). The same person written in a chi bộ meanwhile by someone
else (the database's unique index refuses the second) refuses the whole file, naming the row.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, func, select

from core.access.filters import FIRST_YEAR, last_year
from core.access.scope import Actor, NotFoundError, ScopeError, org_in_scope
from core.config import RuleSettings
from core.format import clean_text, fmt_echo, parse_ascii_int, parse_date
from core.i18n import label, t
from core.office.exports import Field, candidate_fields, plan_fields
from core.office.xlsx import WorkbookError, as_date, read_first_sheet
from core.procedure.pipeline import (
    CandidateInput,
    FormError,
    NewCandidate,
    WrittenMeanwhileError,
    candidate_cell,
    candidate_input_errors,
    create_candidates,
    event_input_errors,
    route_for,
    route_on,
)
from core.procedure.rules import (
    CandidateFacts,
    Sponsor,
    blocking,
    check_exit,
    check_stage,
    exceptions,
    recorded_official_findings,
)
from core.procedure.stages import STAGES, Exit, Role, Route, Stage, stage_date_column
from core.procedure.workdays import add_months
from core.storage.models import (
    Candidate,
    Organization,
    StageEvent,
    YearPlan,
    identity_key,
)
from core.structure.plans import PlanChange, checked_plan, write_plans
from core.structure.tree import path_ids

YES = frozenset({"có", "co", "x", "1", "true", "yes"})
NO = frozenset({"không", "khong", "0", "false", "no", ""})


@dataclass(frozen=True)
class RowError:
    """One problem: the Excel row (0: the file as a whole), the column header, what is wrong."""

    row: int
    column: str
    message: str


class ImportRefused(ValueError):
    """Nothing was written; `errors` says why, row by row."""

    def __init__(self, errors: list[RowError]):
        self.errors = sorted(errors, key=lambda e: e.row)
        super().__init__(t("import.refused", count=len(self.errors)))


@dataclass(frozen=True)
class ImportResult:
    """What an import wrote: new records, changed ones, rows already in the database as given."""

    created: int
    updated: int
    unchanged: int


def _normal(text: object) -> str:
    """A header or a choice as compared: NFC (typed with combining accents or not), one space, any case."""
    return clean_text(str(text or "")).casefold()


def _columns(header: tuple[object, ...], fields: tuple[Field, ...]) -> tuple[dict[int, Field], list[RowError]]:
    """Which field each column of the sheet holds; missing, unknown and repeated columns refused."""
    by_header = {_normal(f.column.header): f for f in fields}
    found: dict[int, Field] = {}
    errors = []
    for index, text in enumerate(header):
        if _normal(text) == "":
            continue
        field = by_header.get(_normal(text))
        if field is None:
            errors.append(RowError(1, str(text), t("import.unknown_column", column=str(text).strip())))
        elif field in found.values():
            errors.append(RowError(1, field.column.header, t("import.repeated_column", column=field.column.header)))
        else:
            found[index] = field
    missing = [f.column.header for f in fields if f.required and f not in found.values()]
    if missing:
        errors.append(RowError(1, "", t("import.missing_columns", columns=", ".join(missing))))
    return found, errors


def _parse(field: Field, value: object) -> object:
    """A cell's value as the field's type; ValueError with a Vietnamese message otherwise."""
    kind = field.column.kind
    if isinstance(value, str):
        value = clean_text(value, one_line=False)  # NFC: a code or a name typed in NFD is the same text
    if value is None or value == "":
        if field.required:
            raise ValueError(t("import.required"))
        return False if kind == "bool" else None if kind in ("date", "int") else ""
    if field.group:
        wanted = _normal(value)
        for code in field.codes:
            if wanted in (_normal(label(field.group, code)), code):
                return code
        return str(value)  # the form's own check names the wrong choice
    if kind == "date":
        if as_date(value):
            return as_date(value)
        if isinstance(value, str):
            try:
                return parse_date(value)
            except ValueError:
                pass
        raise ValueError(t("import.bad_date", value=value))
    if kind == "bool":
        if isinstance(value, bool):
            return value
        text = _normal(value if not isinstance(value, float) else int(value))
        if text in YES or text in NO:
            return text in YES
        raise ValueError(t("import.bad_bool", value=value))
    if kind == "int":
        return value  # whole numbers are checked by the plan's own rules
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a code typed as a number
    if isinstance(value, (datetime, date)):
        raise ValueError(t("import.bad_text"))
    return str(value)


def _rows(
    data: bytes, file_name: str, max_bytes: int, fields: tuple[Field, ...]
) -> tuple[list[tuple[int, dict[str, object]]], list[RowError]]:
    """(Excel row number, {field: parsed value}) for each non-empty row whose cells all parse,
    and an error for each cell that does not; ImportRefused for a file that cannot be used
    (not Excel, too large, columns missing or unknown, no rows)."""
    try:
        rows = read_first_sheet(data, file_name=file_name, max_bytes=max_bytes)
    except WorkbookError as exc:
        raise ImportRefused([RowError(0, "", str(exc))]) from None
    if not rows:
        raise ImportRefused([RowError(0, "", t("import.empty", name=file_name))])
    columns, errors = _columns(rows[0], fields)
    if errors:
        raise ImportRefused(errors)
    parsed = []
    for number, row in enumerate(rows[1:], start=2):
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
            continue
        values: dict[str, object] = {}
        cell_errors = []
        for field in fields:
            if field.informative:
                continue
            index = next((i for i, f in columns.items() if f is field), None)
            raw = row[index] if index is not None and index < len(row) else None  # a left-out optional column is empty
            try:
                values[field.name] = _parse(field, raw)
            except ValueError as exc:
                cell_errors.append(RowError(number, field.column.header, str(exc)))
        if cell_errors:
            errors += cell_errors
        else:
            parsed.append((number, values))
    if not parsed and not errors:
        raise ImportRefused([RowError(0, "", t("import.empty", name=file_name))])
    return parsed, errors


def _headers(fields: tuple[Field, ...]) -> dict[str, str]:
    return {f.name: f.column.header for f in fields}


def candidate_key(org: Organization, full_name: str, birth_date: date) -> tuple[int, str]:
    """What makes a candidate the same person for an import: chi bộ, name, date of birth (the
    key the database holds unique)."""
    return org.id, identity_key(full_name, birth_date)


def _input(values: dict[str, object]) -> CandidateInput:
    """The form's input from a row: every value as the file gives it ("Không" as religion is
    none); an empty cell is never filled with a default."""
    names = CandidateInput.__dataclass_fields__
    given = {k: v for k, v in values.items() if k in names}
    if _normal(given.get("religion")) in (_normal(t("form.religion_none")), "khong"):
        given["religion"] = ""
    return CandidateInput(**given)


class _RouteOn:
    """A chi bộ's route on each day of a history: today's since the tree above it last changed,
    the one of the day before that (a step of 2024 under a đảng ủy xã had the committee's
    resolution a ward's chi bộ has no longer). Looked up once per day asked."""

    def __init__(self, session: Session, org: Organization):
        self.session, self.org, self.now = session, org, route_for(session, org)
        starts = session.exec(select(func.max(func.coalesce(Organization.placed_from, Organization.valid_from)))
                              .where(Organization.id.in_(path_ids(org.path)))).one()
        self.since, self.before = starts, {}

    def __call__(self, day: date) -> Route:
        if self.since is None or day >= self.since:
            return self.now
        if day not in self.before:
            self.before[day] = route_on(self.session, self.org, day)
        return self.before[day]


def _check_candidate(
    data: CandidateInput, values: dict[str, object], route_at, *, today: date, rules: RuleSettings,
    headers: dict[str, str],
) -> tuple[list[tuple[str, str]], list[StageEvent]]:
    """(column, message) for each problem of one row (its fields `data`, its stage dates and exit
    in `values`), and the events it would write; `route_at(day)`: the chi bộ's route on a day."""
    problems = [(headers[f], m) for f, m in candidate_input_errors(data, today=today)]
    facts = CandidateFacts(
        birth_date=data.birth_date, general_education=data.general_education,
        education_exemption=data.education_exemption, youth_union_member=data.youth_union_member,
        youth_union_resolution_date=data.youth_union_resolution_date,
        sponsors=(Sponsor(data.sponsor1_name, data.sponsor1_since), Sponsor(data.sponsor2_name, data.sponsor2_since)),
        new_member_class_date=data.new_member_class_date, route=route_at(today),
    )
    events = []
    for stage in STAGES:
        column = stage_date_column(stage)
        when = values.get(column)
        if when is None:
            continue
        facts = replace(facts, route=route_at(when))
        if stage is Stage.OFFICIAL:  # the day it took effect: its resolutions may not be in the file
            findings = recorded_official_findings(facts, when, today=today, rules=rules)
        else:
            findings = check_stage(facts, stage, when, today=today, rules=rules)
        refused, to_acknowledge = blocking(findings), exceptions(findings)
        problems += [(headers[column], f.message) for f in refused]
        if to_acknowledge and not values.get("exceptions_acknowledged"):
            problems.append((headers["exceptions_acknowledged"],
                             t("error.needs_ack", reasons=" ".join(f.message for f in to_acknowledge))))
        if refused:
            break  # later stages would only repeat that this one is missing
        facts = replace(facts, stage_dates={**facts.stage_dates, stage: when})
        # The official date a file gives is the day it took effect, the end of the probation.
        effective = add_months(facts.stage_dates[Stage.ADMITTED], rules.probation_months) \
            if stage is Stage.OFFICIAL else None
        events.append(StageEvent(candidate_id=0, stage=stage.value, event_date=when, recorded_by="",
                                 effective_date=effective, acknowledged=",".join(f.code for f in to_acknowledge)))
    exit_code, exit_date, reason = values.get("exit"), values.get("exit_date"), str(values.get("exit_reason") or "")
    if exit_code or exit_date or reason.strip():
        if exit_code not in Exit._value2member_map_:
            problems.append((headers["exit"], t("form.bad_choice", field=headers["exit"])))
        elif exit_date is None:
            problems.append((headers["exit_date"], t("import.required")))
        else:
            problems += [(headers["exit_date"], f.message)
                         for f in blocking(check_exit(facts, Exit(exit_code), exit_date, today=today))]
            if not reason.strip():
                problems.append((headers["exit_reason"], t("rule.reason_missing")))
            problems += [(headers["exit_reason"], message)
                         for message in event_input_errors(note=reason, note_label="xlsx.col.exit_reason")]
            events.append(StageEvent(candidate_id=0, stage=exit_code, event_date=exit_date, note=reason.strip(),
                                     recorded_by=""))
    return problems, events


def import_candidates(
    session: Session, actor: Actor, *, data: bytes, file_name: str, today: date, rules: RuleSettings, max_bytes: int
) -> ImportResult:
    """Add the candidates of an Excel file (the candidate list's columns) to chi bộ of the
    caller's subtree, with their stages and exit; all rows or none."""
    if not actor.edits_candidates:
        raise ScopeError(t("error.no_personal_data", what=file_name))
    fields = candidate_fields()
    headers = _headers(fields)
    rows, errors = _rows(data, file_name, max_bytes, fields)
    cells: dict[str, Organization | str] = {}
    seen: dict[tuple, int] = {}
    routes: dict[int, _RouteOn] = {}
    checked = []
    for number, values in rows:
        code = str(values["org_code"])
        if code not in cells:
            try:
                cells[code] = candidate_cell(session, actor, code)
            except (NotFoundError, ScopeError, FormError) as exc:
                cells[code] = str(exc)
        org = cells[code]
        if isinstance(org, str):
            errors.append(RowError(number, headers["org_code"], org))
            continue
        key = candidate_key(org, str(values["full_name"]), values["birth_date"])
        if key in seen:
            errors.append(RowError(number, headers["full_name"], t("import.duplicate_row", row=seen[key])))
            continue
        seen[key] = number
        data = _input(values)
        if org.id not in routes:
            routes[org.id] = _RouteOn(session, org)
        problems, events = _check_candidate(data, values, routes[org.id], today=today, rules=rules, headers=headers)
        errors += [RowError(number, column, message) for column, message in problems]
        checked.append((number, key, org, data, events))
    if errors:
        raise ImportRefused(errors)
    existing = _existing_candidates(session, [org for _number, _key, org, _data, _events in checked])
    new = [(number, NewCandidate(org, data, events)) for number, key, org, data, events in checked if key not in existing]
    for _number, candidate in new:
        for event in candidate.events:
            event.note = event.note or t("import.note", name=file_name)
    # Everything above only reads; the write lock is taken here, for the bulk write alone.
    try:
        create_candidates(session, actor, new=[candidate for _number, candidate in new], action="import_candidate")
    except WrittenMeanwhileError as exc:
        raise ImportRefused([RowError(new[exc.index][0], headers["full_name"], str(exc))]) from None
    return ImportResult(created=len(new), updated=0, unchanged=len(checked) - len(new))


def _existing_candidates(session: Session, orgs: list[Organization]) -> set[tuple]:
    rows = session.exec(
        select(Candidate.organization_id, Candidate.identity_key)
        .where(Candidate.organization_id.in_(list({o.id for o in orgs})))
    ).all()
    return {(org_id, key) for org_id, key in rows}


def _year(value: object, today: date) -> int:
    text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    year = parse_ascii_int(text, low=FIRST_YEAR, high=last_year(today))
    if year is None:
        raise ValueError(t("import.bad_year", value=fmt_echo(value), first=FIRST_YEAR, last=last_year(today)))
    return year


def import_plans(session: Session, actor: Actor, *, data: bytes, file_name: str, today: date, max_bytes: int
                 ) -> ImportResult:
    """Set the yearly plans of an Excel file (organization, year, target, members at the
    start) for organizations of the admin's subtree; all rows or none."""
    if actor.role is not Role.ADMIN:
        raise ScopeError(t("error.out_of_scope", code=""))
    fields = plan_fields()
    headers = _headers(fields)
    rows, errors = _rows(data, file_name, max_bytes, fields)
    orgs: dict[str, Organization | str] = {}
    seen: dict[tuple[str, int], int] = {}
    checked = []
    for number, values in rows:
        code = str(values["org_code"])
        if code not in orgs:
            try:
                orgs[code] = org_in_scope(session, actor, code)
            except (NotFoundError, ScopeError) as exc:
                orgs[code] = str(exc)
        org = orgs[code]
        if isinstance(org, str):
            errors.append(RowError(number, headers["org_code"], org))
            continue
        try:
            year = _year(values["year"], today)
        except ValueError as exc:
            errors.append(RowError(number, headers["year"], str(exc)))
            continue
        if (org.code, year) in seen:
            errors.append(RowError(number, headers["org_code"], t("import.duplicate_row", row=seen[(org.code, year)])))
            continue
        seen[(org.code, year)] = number
        target, members, problems = checked_plan(org.name, values["target"], values["members_start"])
        errors += [RowError(number, headers[f], m) for f, m in problems]
        checked.append((org, year, target, members))
    if errors:
        raise ImportRefused(errors)
    plans = {(p.organization_id, p.year): p for p in session.exec(
        select(YearPlan).where(YearPlan.organization_id.in_([o.id for o, *_ in checked]))
    ).all()}
    # Everything above only reads; the write lock is taken here, for the writing alone.
    try:
        written = write_plans(session, actor, action="import_plans", changes=[
            PlanChange(org, year, target, members, plans.get((org.id, year))) for org, year, target, members in checked])
    except IntegrityError:  # another import wrote the same (organization, year) after we looked
        session.rollback()
        raise ImportRefused([RowError(0, "", t("import.busy"))]) from None
    created = sum(before is None for before, _plan in written)
    updated = len(written) - created
    return ImportResult(created=created, updated=updated, unchanged=len(checked) - created - updated)
