"""The official report (.docx): "Báo cáo kết quả công tác phát triển đảng viên năm Y" of an
organization, as a Party document (Hướng dẫn 36-HD/VPTW), filled from the database.

The layout is a Word file the office may edit without touching code
(data/templates/bao_cao_ptdv.docx, made by `python -m core.office.report_template`): text like
{{so_van_ban}} is replaced by its value, a paragraph holding only a placeholder whose value is
a list becomes one paragraph per item, and the paragraph holding only {{bang_to_chuc}} becomes
the table of the organizations. The figures are those of the dashboards (core.figures.progress,
core.figures.breakdowns, core.figures.funnel, core.figures.alerts); the sentences come from the catalog.
"""
from __future__ import annotations

import copy
import io
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph
from sqlmodel import Session

from core.access.scope import Subtree
from core.config import DATA_DIR, RuleSettings
from core.figures.alerts import organization_alerts
from core.figures.breakdowns import Mix, admitted_mix
from core.figures.funnel import funnel
from core.figures.progress import (
    Headline,
    Period,
    headline,
    org_figures,
    year_end_lists,
)
from core.format import fmt_compact, fmt_date, fmt_long_date, fmt_number, fmt_percent
from core.i18n import label, t
from core.office.heading import party_heading
from core.procedure.stages import Qualification
from core.storage.models import Organization
from core.structure.plans import own_plan

TEMPLATE_PATH = DATA_DIR / "templates" / "bao_cao_ptdv.docx"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TABLE_PLACEHOLDER = "bang_to_chuc"
PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")
MAX_NAMED = 12  # organizations named in a sentence; the rest are counted
# Table columns (catalog key, width): 165 mm between A4 margins of 30 and 15 mm.
TABLE_COLUMNS = (("report.col.number", 10), ("col.organization", 46), ("report.col.members", 16),
                 ("report.col.target", 14), ("report.col.admitted", 14), ("report.col.percent_plan", 18),
                 ("report.col.percent_members", 18), ("report.col.status", 29))


@dataclass(frozen=True)
class ReportHeading:
    """What the report form asks: number, place and date, the issuing body, who signs, who receives."""

    number: str
    place: str
    signed_on: date
    upper_body: str
    issuing_body: str
    on_behalf: str
    signer_title: str
    signer_name: str
    recipients: tuple[str, ...]


def default_heading(session: Session, subtree: Subtree, *, today: date) -> ReportHeading:
    """Sensible defaults for the form: the Party document heading of the organization
    (core.office.heading), a number to complete, the usual signature and recipients."""
    party = party_heading(session, session.get(Organization, subtree.id), today)
    return ReportHeading(
        number=party.number("BC"),
        place=party.place,
        signed_on=today,
        upper_body=party.upper_body,
        issuing_body=party.issuing_body,
        on_behalf=party.on_behalf,
        signer_title=t("report.signer_title"),
        signer_name="",
        recipients=tuple(t("report.recipients").split("\n")),
    )


@dataclass(frozen=True)
class ReportFigures:
    """Everything the report says, read once: the organization, its children, the mix, the
    pipeline, the lagging organizations, next year's target."""

    head: Headline
    rows: pd.DataFrame  # the organization's direct children, in tree order
    commend: pd.DataFrame
    lagging: pd.DataFrame
    mix: Mix
    standing: dict[str, int]
    alert_counts: dict[str, int]
    next_target: int
    year_over: bool
    half_year: bool = False  # the report of the first six months, figures as of 30/6


def half_year_end(year: int) -> date:
    """The as-of date of the 6-month report: 30/6 of the year."""
    return date(year, 6, 30)


def report_figures(
    session: Session, subtree: Subtree, *, year: int, as_of: date, rules: RuleSettings, half_year: bool = False
) -> ReportFigures:
    """The figures of the report for an organization of the caller's subtree; for the 6-month
    report (`half_year`), as of 30/6 whatever `as_of` says."""
    if half_year:
        as_of = half_year_end(year)
    figures = org_figures(session, subtree, year=year, as_of=as_of, rules=rules)
    head = headline(figures)
    rows = figures[figures["parent_id"] == figures.iloc[0]["id"]]
    period = Period(year, as_of)
    commend, correct = year_end_lists(rows, rules)
    lagging = correct if period.is_over else rows[rows["status"].isin(["behind", "at_risk"])].sort_values("percent_plan")
    stages = funnel(session, subtree, year=year, as_of=as_of, rules=rules)
    alerts = organization_alerts(session, subtree, year=year, as_of=as_of, rules=rules)
    counts: dict[str, set[str]] = {}
    for alert in alerts:
        counts.setdefault(alert.kind, set()).add(alert.org_code)
    return ReportFigures(
        head=head, rows=rows, commend=commend, lagging=lagging,
        mix=admitted_mix(session, subtree, year=year, as_of=as_of, rules=rules),
        standing=dict(zip(stages["stage"], stages["standing"])),
        alert_counts={kind: len(orgs) for kind, orgs in counts.items()},
        next_target=own_plan(session, subtree, year=year + 1).target,
        year_over=period.is_over,
        half_year=half_year,
    )


def period_words(f: ReportFigures) -> str:
    """What the report covers, as its title says it: "năm 2023", "6 tháng đầu năm 2024"."""
    return t("report.period_half" if f.half_year else "report.period_year", year=f.head.year)


def _lower_first(text: str) -> str:
    """A label inside a sentence: "Đoàn viên thanh niên" -> "đoàn viên thanh niên"."""
    return text[:1].lower() + text[1:]


def _share(part: int, whole: int) -> str:
    return fmt_percent(100 * part / whole) if whole else "–"


def _named(rows: pd.DataFrame) -> str:
    """ "A (2/3, đạt 66,7%), B (0/1, đạt 0%) và 3 tổ chức khác"."""
    parts = [t("report.named_org", org=r["name"], admitted=fmt_number(r["admitted"]), target=fmt_number(r["target"]),
               percent=fmt_percent(r["percent_plan"])) for _, r in rows.head(MAX_NAMED).iterrows()]
    text = "; ".join(parts)
    if len(rows) > MAX_NAMED:
        text += t("report.and_others", count=fmt_number(len(rows) - MAX_NAMED))
    return text


def results_text(f: ReportFigures, rules: RuleSettings) -> list[str]:
    """Section I: what was achieved, the share of members, who admitted, the mix."""
    h = f.head
    if f.half_year:
        when = t("report.in_half", year=h.year)
    else:
        when = t("report.in_year", year=h.year) if f.year_over else t("report.until", as_of=fmt_date(h.as_of))
    if h.target:
        first = t("report.admitted", when=when, org=h.name, admitted=fmt_number(h.admitted),
                  percent=fmt_percent(h.percent_plan), target=fmt_number(h.target))
        if not f.year_over:
            first += t("report.pace", expected=fmt_compact(h.expected))
    else:
        first = t("report.admitted_no_target", when=when, org=h.name, admitted=fmt_number(h.admitted))
    if h.members_start:
        first += t("report.members", percent=fmt_percent(h.percent_members, 2), members=fmt_number(h.members_start),
                   band=label("band", h.band).lower(), low=fmt_compact(rules.band_low_percent),
                   high=fmt_compact(rules.band_high_percent))
    paragraphs = [first + "."]
    children = int((f.rows["status"] != "no_target").sum())  # those without a target are neither done nor late
    if children:
        done = int((f.rows["status"] == "done").sum())
        unplanned = len(f.rows) - children
        paragraphs.append(t("report.grassroots", admitting=fmt_number(h.grassroots_admitting),
                            grassroots=fmt_number(h.grassroots_total), done=fmt_number(done),
                            children=fmt_number(children),
                            unplanned=t("report.unplanned", count=fmt_number(unplanned)) if unplanned else ""))
    if f.mix.total:
        groups = [(label("mix", k), n) for k, n in f.mix.flags.items() if n]
        groups += [(label("qualification", q), n) for q, n in f.mix.qualification.items()
                   if n and q in (Qualification.POSTGRADUATE, Qualification.UNIVERSITY, Qualification.COLLEGE,
                                  Qualification.INTERMEDIATE)]
        parts = [t("report.group", group=_lower_first(g), count=fmt_number(n), share=_share(n, f.mix.total))
                 for g, n in groups]
        paragraphs.append(t("report.mix", parts="; ".join(parts)))
    return paragraphs


def lagging_text(f: ReportFigures, rules: RuleSettings) -> list[str]:
    """Section II: organizations below plan (or behind pace), those to commend, the alerts."""
    paragraphs = []
    if f.lagging.empty:
        paragraphs.append(t("report.none_lagging_year" if f.year_over else "report.none_lagging"))
    else:
        key = "report.lagging_year" if f.year_over else "report.lagging"
        paragraphs.append(t(key, count=fmt_number(len(f.lagging)), orgs=_named(f.lagging)))
    if f.year_over and not f.commend.empty:
        paragraphs.append(t("report.commend", count=fmt_number(len(f.commend)),
                            percent=fmt_percent(rules.commendation_percent), orgs=_named(f.commend)))
    counted = [t("report.alert_count", kind=_lower_first(label("alert_kind", k)), count=fmt_number(n))
               for k, n in sorted(f.alert_counts.items())]
    if counted:
        paragraphs.append(t("report.alerts", parts="; ".join(counted)))
    return paragraphs


def pipeline_text(f: ReportFigures) -> list[str]:
    """Section III: who stands at each stage on the as-of date, and next year's target."""
    s = f.standing
    waiting = s.get("branch_resolution", 0) + s.get("committee_resolution", 0)
    in_pipeline = sum(s.get(k, 0) for k in ("source", "outstanding", "class_done", "dossier")) + waiting
    paragraphs = [t("report.pipeline", as_of=fmt_date(f.head.as_of), org=f.head.name, total=fmt_number(in_pipeline),
                    source=fmt_number(s.get("source", 0)), outstanding=fmt_number(s.get("outstanding", 0)),
                    class_done=fmt_number(s.get("class_done", 0)), dossier=fmt_number(s.get("dossier", 0)),
                    waiting=fmt_number(waiting))]
    if f.half_year and f.head.target:
        late = s.get("dossier", 0) + waiting
        remaining = max(f.head.target - f.head.admitted, 0)
        paragraphs.append(t("report.second_half", year=f.head.year, target=fmt_number(f.head.target),
                            remaining=fmt_number(remaining), late=fmt_number(late), share=_share(late, remaining)))
    elif f.next_target and not f.half_year:
        late = s.get("dossier", 0) + waiting
        paragraphs.append(t("report.next_year", year=f.head.year + 1, target=fmt_number(f.next_target),
                            late=fmt_number(late), share=_share(late, f.next_target)))
    return paragraphs


def table_rows(f: ReportFigures) -> list[list[str]]:
    """The table: one line per child organization, then the organization's own total."""
    def line(number: str, r) -> list[str]:
        members = None if pd.isna(r["members_start"]) else r["members_start"]
        return [number, r["name"], fmt_number(members), fmt_number(r["target"]), fmt_number(r["admitted"]),
                fmt_percent(r["percent_plan"]), fmt_percent(r["percent_members"], 2), label("status", r["status"])]

    rows = [line(str(i), r) for i, (_, r) in enumerate(f.rows.iterrows(), start=1)]
    h = f.head
    total = {"name": t("report.total", org=h.name), "members_start": h.members_start, "target": h.target,
             "admitted": h.admitted, "percent_plan": h.percent_plan, "percent_members": h.percent_members,
             "status": h.status}
    return rows + [line("", total)]


def report_values(f: ReportFigures, heading: ReportHeading, rules: RuleSettings) -> dict[str, str | list[str]]:
    """Every placeholder of the template and its value."""
    return {
        "cap_tren": heading.upper_body,
        "co_quan": heading.issuing_body,
        "so_van_ban": heading.number,
        "dia_danh_ngay": fmt_long_date(heading.signed_on, heading.place),
        "nam": str(f.head.year),
        "ky_bao_cao": period_words(f),
        "ten_to_chuc": f.head.name,
        "so_lieu_den_ngay": fmt_date(f.head.as_of),
        "ket_qua": results_text(f, rules),
        "to_chuc_chua_dat": lagging_text(f, rules),
        "nguon": pipeline_text(f),
        "thay_mat": heading.on_behalf,
        "chuc_vu": heading.signer_title,
        "nguoi_ky": heading.signer_name,
        "noi_nhan": [f"- {r.strip()}" for r in heading.recipients if r.strip()],
    }


def _paragraphs(container) -> list[Paragraph]:
    """Every paragraph of the body, of table cells (at any depth), headers and footers."""
    found = list(container.paragraphs)
    for table in container.tables:
        for row in table.rows:
            for cell in row.cells:
                found += _paragraphs(cell)
    return found


def _set_text(paragraph: Paragraph, text: str) -> None:
    """Replace a paragraph's text, keeping its first run's formatting."""
    runs = paragraph.runs
    if not runs:
        paragraph.add_run(text)
        return
    runs[0].text = text
    for run in runs[1:]:
        run._r.getparent().remove(run._r)


def _fill(paragraph: Paragraph, values: dict[str, str | list[str]]) -> None:
    def value(match: re.Match) -> str:
        found = values.get(match.group(1))
        return match.group(0) if found is None or isinstance(found, list) else found

    for run in paragraph.runs:  # a placeholder inside one run keeps that run's formatting
        if "{{" in run.text:
            run.text = PLACEHOLDER.sub(value, run.text)
    text = paragraph.text
    if any(m.group(1) in values and not isinstance(values[m.group(1)], list) for m in PLACEHOLDER.finditer(text)):
        _set_text(paragraph, PLACEHOLDER.sub(value, text))  # one split across runs by Word


def _expand(paragraph: Paragraph, items: list[str]) -> None:
    """One copy of the paragraph per item, in its place."""
    anchor = paragraph._p
    for item in items:
        element = copy.deepcopy(paragraph._p)
        anchor.addnext(element)
        anchor = element
        _set_text(Paragraph(element, paragraph._parent), item)
    paragraph._p.getparent().remove(paragraph._p)


def _cell_text(cell, text: str, *, bold: bool = False, align=WD_ALIGN_PARAGRAPH.CENTER) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.alignment = align
    paragraph.paragraph_format.first_line_indent = Mm(0)
    paragraph.paragraph_format.space_before = Pt(2)
    paragraph.paragraph_format.space_after = Pt(2)
    run = paragraph.add_run(text)
    run.bold = bold
    run.font.size = Pt(12)


def _row_property(row, name: str) -> None:
    """Switch on a row property: w:tblHeader (repeat on each page), w:cantSplit (keep whole)."""
    element = OxmlElement(f"w:{name}")
    element.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(element)


def _borders(table: Table) -> None:
    """Single lines around and between every cell (set directly: an edited template may have
    lost Word's "Table Grid" style)."""
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        line = OxmlElement(f"w:{edge}")
        for name, value in (("val", "single"), ("sz", "4"), ("space", "0"), ("color", "000000")):
            line.set(qn(f"w:{name}"), value)
        borders.append(line)
    table._tbl.tblPr.append(borders)


@dataclass(frozen=True)
class TableSpec:
    """A table put in place of the paragraph holding only {{placeholder}}: its columns
    (catalog key of the header, width in mm; the second column left-aligned), its rows, and
    whether the last row is a total (in bold)."""

    columns: tuple[tuple[str, float], ...]
    rows: list[list[str]]
    total_row: bool = False


def _insert_table(document, paragraph: Paragraph, spec: TableSpec) -> Table:
    """A bordered table, in place of the marked paragraph."""
    table = document.add_table(rows=1, cols=len(spec.columns))
    _borders(table)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for cell, (key, _width) in zip(table.rows[0].cells, spec.columns):
        _cell_text(cell, t(key), bold=True)
    _row_property(table.rows[0], "tblHeader")
    for i, values in enumerate(spec.rows):
        total = spec.total_row and i == len(spec.rows) - 1
        row = table.add_row()
        _row_property(row, "cantSplit")
        for col, (cell, text) in enumerate(zip(row.cells, values)):
            _cell_text(cell, text, bold=total, align=WD_ALIGN_PARAGRAPH.LEFT if col == 1 else WD_ALIGN_PARAGRAPH.CENTER)
    for column, (_key, width) in zip(table.columns, spec.columns):
        column.width = Mm(width)  # the grid, which LibreOffice reads
        for cell in column.cells:
            cell.width = Mm(width)  # each cell, which Word reads
    paragraph._p.addnext(table._tbl)
    paragraph._p.getparent().remove(paragraph._p)
    return table


def render_document(template: bytes, values: dict[str, str | list[str]],
                    tables: dict[str, TableSpec] | None = None) -> bytes:
    """A template (the report's, a drafted form's, a list's) with its placeholders filled and
    its tables in place (pure: no database)."""
    tables = tables or {}
    document = Document(io.BytesIO(template))
    containers = [document] + [part for s in document.sections for part in (s.header, s.footer)]
    for paragraph in [p for c in containers for p in _paragraphs(c)]:
        name = PLACEHOLDER.fullmatch(paragraph.text.strip())
        if name and name.group(1) in tables:
            _insert_table(document, paragraph, tables[name.group(1)])
        elif name and isinstance(values.get(name.group(1)), list):
            _expand(paragraph, values[name.group(1)])
        elif "{{" in paragraph.text:
            _fill(paragraph, values)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def render_report(template: bytes, values: dict[str, str | list[str]], rows: list[list[str]]) -> bytes:
    """The report's template with its placeholders filled and the organizations' table in place."""
    return render_document(template, values, {TABLE_PLACEHOLDER: TableSpec(TABLE_COLUMNS, rows, total_row=True)})


def report_docx(
    session: Session, subtree: Subtree, *, year: int, as_of: date, rules: RuleSettings,
    heading: ReportHeading, template_path: Path = TEMPLATE_PATH, half_year: bool = False,
) -> bytes:
    """The report of an organization of the caller's subtree, as a Word file (the 6-month
    report, as of 30/6, with `half_year`)."""
    figures = report_figures(session, subtree, year=year, as_of=as_of, rules=rules, half_year=half_year)
    return render_report(template_path.read_bytes(), report_values(figures, heading, rules), table_rows(figures))


def refusal_docx(reason: str) -> bytes:
    """What the report's download hands out when it is no longer allowed: a Word file saying
    why, and what to do, with nothing of the report."""
    document = Document()
    document.add_heading(t("download.refused_title"), level=1)
    document.add_paragraph(reason)
    document.add_paragraph(t("download.refused_next"))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def report_file_name(org_code: str, year: int, *, half_year: bool = False) -> str:
    """ "bao-cao-ptdv_KB_2023.docx"; the 6-month report "bao-cao-ptdv-6-thang_KB_2024.docx"."""
    return f"{t('report.file_half' if half_year else 'report.file')}_{org_code}_{year}.docx"
