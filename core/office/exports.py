"""Excel exports of what the screens show: the progress table, the alerts and the candidate
list of the caller's subtree, and the yearly plans; plus the empty templates for importing
candidates and plans, which have exactly the columns of those exports (so an export can be
imported back).

Figures stay numbers and dates stay dates in the workbook (core.office.xlsx); labels come from the
catalog. Candidate lists are refused for roles that may not see personal data.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from core.access.scope import ScopeError, Subtree
from core.config import RuleSettings
from core.figures.alerts import all_alerts, candidate_clocks_list
from core.figures.progress import LARGE_SUBTREE, Period, is_large_subtree, org_figures
from core.format import fmt_date, fmt_days_left, fmt_number
from core.i18n import label, t
from core.office.xlsx import Column, Sheet, workbook_bytes
from core.procedure.candidates import candidate_records
from core.procedure.stages import (
    STAGES,
    Education,
    Exit,
    Occupation,
    Qualification,
    stage_date_column,
)
from core.storage.models import NOT_SETTLED, Organization, OrganizationEra, YearPlan
from core.structure.dated import current_start, subtree_paths
from core.structure.tree import in_subtree


@dataclass(frozen=True)
class Field:
    """A column of an importable sheet: the record's field, its column, whether an import
    needs it, and (for a choice) the codes whose labels are offered."""

    name: str
    column: Column
    required: bool = False
    codes: tuple[str, ...] = ()  # the choice's codes, shown by their labels
    group: str = ""  # the catalog group of those labels
    informative: bool = False  # shown in exports, ignored by imports


def _choice(name: str, group: str, codes: tuple[str, ...], *, required: bool = False) -> Field:
    return Field(name, Column(t(f"xlsx.col.{name}"), choices=tuple(label(group, c) for c in codes)), required,
                 codes, group)


def _field(name: str, kind: str = "text", *, required: bool = False, informative: bool = False) -> Field:
    return Field(name, Column(t(f"xlsx.col.{name}"), kind), required, informative=informative)


def candidate_fields() -> tuple[Field, ...]:
    """The columns of the candidate list, in order (built on call: labels come from the catalog)."""
    return (
        _field("org_code", required=True),
        _field("org_name", informative=True),
        _field("full_name", required=True),
        _field("birth_date", "date", required=True),
        # What the rules and the breakdowns read is required: an empty cell is never a default.
        _field("female", "bool", required=True),
        _field("ethnicity", required=True),
        _field("religion", required=True),  # "Không" for none
        _choice("general_education", "education", tuple(e.value for e in Education), required=True),
        _choice("qualification", "qualification", tuple(q.value for q in Qualification), required=True),
        _choice("occupation", "occupation", tuple(o.value for o in Occupation), required=True),
        _field("youth_union_member", "bool"),
        _field("village_head", "bool"),
        _field("education_exemption", "bool"),
        _field("helper_name"),
        _field("sponsor1_name"),
        _field("sponsor1_since", "date"),
        _field("sponsor2_name"),
        _field("sponsor2_since", "date"),
        _field("youth_union_resolution_date", "date"),
        _field("new_member_class_date", "date"),
        *[_field(stage_date_column(s), "date", required=s is STAGES[0]) for s in STAGES],
        _field("stage", informative=True),
        _field("exceptions_acknowledged", "bool"),
        _choice("exit", "exit", tuple(e.value for e in Exit)),
        _field("exit_date", "date"),
        _field("exit_reason"),
    )


def plan_fields() -> tuple[Field, ...]:
    """The columns of the yearly plans sheet, in order."""
    return (
        _field("org_code", required=True),
        _field("org_name", informative=True),
        _field("year", "int", required=True),
        _field("target", "int", required=True),
        _field("members_start", "int"),
    )


def _shown(field: Field, value: object) -> object:
    """A record's value as the sheet shows it: a choice by its label, no religion as "Không"."""
    if field.group and isinstance(value, str) and value:
        return label(field.group, value)
    if field.name == "religion" and value == "":
        return t("form.religion_none")
    return value


def _sheet(title: str, fields: tuple[Field, ...], records: list[dict]) -> Sheet:
    return Sheet(title, [f.column for f in fields], [[_shown(f, r.get(f.name)) for f in fields] for r in records])


def candidates_workbook(session: Session, subtree: Subtree) -> bytes:
    """The candidates of the subtree, exits included, with every field and stage date
    (refused for roles that may not see personal data, and above LARGE_SUBTREE candidates:
    a file that size is a database dump, not a list to work from)."""
    if is_large_subtree(session, subtree):
        raise ScopeError(t("scope.lists_further_down", limit=fmt_number(LARGE_SUBTREE)))
    frame = candidate_records(session, subtree)
    records = frame.to_dict("records")
    for record in records:
        record["stage"] = label("stage", record["stage"]) if isinstance(record["stage"], str) else None
    return workbook_bytes([_sheet(t("xlsx.sheet.candidates"), candidate_fields(), records)],
                          title=t("xlsx.title.candidates", org=subtree.name))


def plans_workbook(session: Session, subtree: Subtree) -> bytes:
    """The yearly plans of every organization of the subtree, all years, by year then tree order,
    on the tree as it stood: a plan of a year for each organization that stood in the subtree
    in that year (a chi bộ moved to another commune on 01/7/2025 has its 2024 plan in the old
    commune's file, its 2026 plan in the new one's, and its 2025 plan in both)."""
    stretches = _stretches_within(session, subtree)
    plans = session.exec(
        select(Organization.id, Organization.code, Organization.name, YearPlan.year, YearPlan.target,
               YearPlan.members_start)
        .join(Organization, Organization.id == YearPlan.organization_id)
        .where(YearPlan.organization_id.in_(list({org_id for org_id, *_ in stretches})))
    ).all()
    ordered = []
    for org_id, code, name, year, target, members in plans:
        first, last = date(year, 1, 1), date(year, 12, 31)
        held = [path for o, path, start, end in stretches
                if o == org_id and (start is None or start <= last) and (end is None or end >= first)]
        if held:
            ordered.append(((year, max(held)), (code, name, year, target, members)))
    records = [dict(zip(("org_code", "org_name", "year", "target", "members_start"), row))
               for _, row in sorted(ordered, key=lambda r: r[0])]
    return workbook_bytes([_sheet(t("xlsx.sheet.plans"), plan_fields(), records)],
                          title=t("xlsx.title.plans", org=subtree.name))


def _stretches_within(session: Session, subtree: Subtree) -> list[tuple[int, str, date | None, date | None]]:
    """(organization, path, first day, last day) of every stretch of days an organization stood
    in the subtree (under any path the subtree's root ever had)."""
    found = []
    for root_path in subtree_paths(session, subtree.id, date.min, NOT_SETTLED) or [subtree.path]:
        found += session.exec(select(Organization.id, Organization.path, current_start(), Organization.valid_to)
                              .where(in_subtree(root_path))).all()
        found += session.exec(select(OrganizationEra.organization_id, OrganizationEra.path, OrganizationEra.valid_from,
                                     OrganizationEra.valid_to)
                              .where(in_subtree(root_path, OrganizationEra.path))).all()
    return [tuple(row) for row in found]


def template_workbook(kind: str) -> bytes:
    """The empty sheet to fill for an import ("candidates" or "plans"), with drop-down lists
    for the choices and a sheet of explanations."""
    fields = candidate_fields() if kind == "candidates" else plan_fields()
    title = t("xlsx.sheet.candidates") if kind == "candidates" else t("xlsx.sheet.plans")
    notes = [[f.column.header, t("xlsx.required") if f.required else t("xlsx.informative") if f.informative else "",
              t(f"xlsx.help.{f.column.kind}") if not f.group else t("xlsx.help.choice")] for f in fields]
    notes_sheet = Sheet(t("xlsx.sheet.help"), [Column(t("xlsx.col.column")), Column(t("xlsx.col.need")),
                                               Column(t("xlsx.col.how"))], notes)
    return workbook_bytes([Sheet(title, [f.column for f in fields], []), notes_sheet], lists_title=t("xlsx.sheet.lists"))


PROGRESS_COLUMNS = (
    Column(t("xlsx.col.org_code")),
    Column(t("col.organization")),
    Column(t("xlsx.col.parent")),
    Column(t("org.kind")),
    Column(t("col.sector")),
    Column(t("field.members_start"), "int"),
    Column(t("field.target"), "int"),
    Column(t("xlsx.col.children_target"), "int"),
    Column(t("xlsx.col.admitted"), "int"),
    Column(t("col.percent_plan"), "percent"),
    Column(t("col.expected"), "decimal"),
    Column(t("col.percent_members"), "percent", number_format="0.00%"),
    Column(t("xlsx.col.late_pipeline"), "int"),
    Column(t("xlsx.col.active_pipeline"), "int"),
    Column(t("col.status")),
    Column(t("col.reason")),
)


def progress_workbook(
    session: Session, subtree: Subtree, *, year: int, as_of: date, rules: RuleSettings
) -> bytes:
    """The organization and three levels below it (a district: down to every chi bộ, those under
    a đảng bộ bộ phận included), in tree order, each with its plan and its figures for the year
    over its whole subtree."""
    figures = org_figures(session, subtree, year=year, as_of=as_of, rules=rules, levels=3)
    codes = figures["code"].to_dict()
    rows = [
        [r["code"], r["name"], codes.get(r["parent_id"]), label("kind", r["kind"]), label("sector", r["sector"]),
         r["members_start"], r["target"], r["children_target"], r["admitted"], r["percent_plan"], r["expected"],
         r["percent_members"], r["late_pipeline"], r["active_pipeline"], label("status", r["status"]), r["reason"]]
        for _, r in figures.iterrows()
    ]
    title = t("xlsx.title.progress", year=year, org=figures.iloc[0]["name"], as_of=fmt_date(Period(year, as_of).end))
    return workbook_bytes([Sheet(t("xlsx.sheet.progress", year=year), PROGRESS_COLUMNS, rows)], title=title)


def alerts_workbook(
    session: Session, subtree: Subtree, *, year: int, as_of: date, rules: RuleSettings
) -> bytes:
    """The alerts, worst first; for roles that may see names, a second sheet of the
    candidates' overdue and soon-due items. Above LARGE_SUBTREE candidates, as on the alerts
    page, the organizations' alerts only."""
    with_clocks = not is_large_subtree(session, subtree)
    alerts = all_alerts(session, subtree, year=year, as_of=as_of, rules=rules, with_clocks=with_clocks)
    sheets = [Sheet(
        t("xlsx.sheet.alerts"),
        [Column(t("col.alert_kind")), Column(t("xlsx.col.org_code")), Column(t("col.organization")),
         Column(t("col.message")), Column(t("xlsx.col.cases"), "int")],
        [[label("alert_kind", a.kind), a.org_code, a.org_name, a.message, a.count] for a in alerts],
    )]
    if subtree.actor.sees_personal_data and with_clocks:
        clocks = candidate_clocks_list(session, subtree, today=as_of, rules=rules)
        sheets.append(Sheet(
            t("xlsx.sheet.clocks"),
            [Column(t("col.full_name")), Column(t("xlsx.col.org_code")), Column(t("col.organization")),
             Column(t("col.current_stage")), Column(t("col.clock")), Column(t("col.due"), "date"),
             Column(t("col.clock_state")), Column(t("xlsx.col.days_left_words")), Column(t("xlsx.col.days_left"), "int"),
             Column(t("xlsx.col.days_unit"))],
            [[r["full_name"], r["org_code"], r["org_name"], label("stage", r["stage"]), label("clock", r["clock"]),
              r["due"], label("clock_state", r["state"]), fmt_days_left(int(r["days_left"]), working=bool(r["working_days"])),
              r["days_left"], t("days.unit_working") if r["working_days"] else t("days.unit")]
             for r in clocks.to_dict("records")],
        ))
    return workbook_bytes(sheets, title=t("xlsx.title.alerts", year=year, org=subtree.name,
                                          as_of=fmt_date(Period(year, as_of).end)))


def refusal_workbook(reason: str) -> bytes:
    """What a download that is no longer allowed hands out instead of its data: a workbook
    (the file keeps the name and type the button promised, so Excel opens it) whose one
    sheet says why, and what to do."""
    return workbook_bytes([Sheet(t("download.refused_sheet"), [Column(t("download.refused_column"))],
                                 [[reason], [t("download.refused_next")]])], title=t("download.refused_title"))


def export_file_name(kind: str, org_code: str | None, year: int | None = None) -> str:
    """ "tien-do_KB_2023.xlsx": what, whose, which year."""
    parts = [t(f"xlsx.file.{kind}"), org_code or "", str(year) if year else ""]
    return "_".join(p for p in parts if p) + ".xlsx"
