"""The monthly cảm tình list (danh sách quần chúng ưu tú, cảm tình Đảng) of an organization:
everyone its chi bộ had recognized as outstanding by the end of the month and who, on that day,
was neither admitted (no decision yet) nor out of the procedure, by chi bộ in tree order, with
the birth date, since when, the helper and the awareness class. As a Word file from a template
the office may edit (data/templates/danh_sach_cam_tinh.docx, made by
`python -m core.office.forms_template`) and as a workbook.

Personal data: only for roles that see names (core.procedure.candidates), in the caller's
subtree, and not above LARGE_SUBTREE candidates (as the candidate export).
"""
from __future__ import annotations

import calendar
from datetime import date
from pathlib import Path

import pandas as pd
from sqlalchemy import and_, func
from sqlalchemy.orm import aliased
from sqlmodel import Session, or_, select

from core.access.scope import ScopeError, Subtree
from core.config import DATA_DIR
from core.figures.progress import LARGE_SUBTREE, Period, counting, is_large_subtree
from core.format import fmt_date, fmt_long_date, fmt_number
from core.i18n import label, t
from core.office.heading import party_heading
from core.office.report import TableSpec, render_document
from core.office.xlsx import Column, Sheet, workbook_bytes
from core.procedure.stages import STAGES, Stage, stage_date_column
from core.storage.models import Organization, OrganizationEra
from core.structure.dated import overlaps

LIST_TEMPLATE_PATH = DATA_DIR / "templates" / "danh_sach_cam_tinh.docx"
LIST_PLACEHOLDER = "bang_danh_sach"
LIST_COLUMNS = ["full_name", "birth_date", "org_code", "org_name", "outstanding_date", "helper_name", "class_done_date",
                "stage"]
# Word columns (catalog key, width in mm): 165 mm between A4 margins of 30 and 15 mm.
DOCX_COLUMNS = (("list.col.number", 9), ("list.col.name", 30), ("list.col.birth", 25), ("list.col.branch", 27),
                ("list.col.since", 25), ("list.col.helper", 24), ("list.col.class", 25))
BEFORE_DECISION = STAGES[: STAGES.index(Stage.DECISION)]


def month_end(year: int, month: int) -> date:
    """The last day of the month: the date the list stands on."""
    return date(year, month, calendar.monthrange(year, month)[1])


def outstanding_list(session: Session, subtree: Subtree, *, year: int, month: int) -> pd.DataFrame:
    """The list for a month (columns LIST_COLUMNS; `stage` is the step reached by the month's
    end), by chi bộ in tree order, then name: on the tree as it stood at the month's end, each
    candidate in the chi bộ it stood in then, under the name the chi bộ had then."""
    if not subtree.actor.sees_personal_data:
        raise ScopeError(t("error.no_personal_data", what=subtree.code))
    if is_large_subtree(session, subtree):
        raise ScopeError(t("scope.lists_further_down", limit=fmt_number(LARGE_SUBTREE)))
    end = month_end(year, month)
    counted = counting(session, subtree, Period(year, end))
    C = counted.C
    then = aliased(OrganizationEra)
    stage_dates = [getattr(C, stage_date_column(s)) for s in BEFORE_DECISION]
    rows = session.exec(
        select(C.full_name, C.birth_date, Organization.code, func.coalesce(then.name, Organization.name),
               C.helper_name, *stage_dates)
        .select_from(C)
        .join(Organization, Organization.id == C.organization_id)
        .outerjoin(then, and_(then.organization_id == C.organization_id, overlaps(then.valid_from, then.valid_to, end, end)))
        .where(counted.scope(), counted.on(end), C.outstanding_date <= end,
               or_(C.decision_date.is_(None), C.decision_date > end), or_(C.exit_date.is_(None), C.exit_date > end))
        .order_by(C.org_path, C.full_name, C.birth_date, C.id)
    ).all()
    records = []
    for full_name, birth_date, code, name, helper_name, *dates in rows:
        by_stage = dict(zip(BEFORE_DECISION, dates))
        reached = [s for s, d in by_stage.items() if d is not None and d <= end]
        class_done = by_stage[Stage.CLASS_DONE]
        records.append({"full_name": full_name, "birth_date": birth_date, "org_code": code, "org_name": name,
                        "outstanding_date": by_stage[Stage.OUTSTANDING], "helper_name": helper_name,
                        "class_done_date": class_done if class_done and class_done <= end else None,
                        "stage": reached[-1].value if reached else Stage.OUTSTANDING.value})
    return pd.DataFrame(records, columns=LIST_COLUMNS)


def _month(year: int, month: int) -> str:
    return t("list.month", month=month, year=year)


def list_docx(session: Session, subtree: Subtree, *, year: int, month: int, signed_on: date,
              template_path: Path = LIST_TEMPLATE_PATH) -> bytes:
    """The list as a Word file: the organization's Party document heading, the table, the signature."""
    frame = outstanding_list(session, subtree, year=year, month=month)
    heading = party_heading(session, session.get(Organization, subtree.id), signed_on)
    rows = [[str(i), r["full_name"], fmt_date(r["birth_date"]), r["org_name"], fmt_date(r["outstanding_date"]),
             r["helper_name"] or "–", fmt_date(r["class_done_date"]) if r["class_done_date"] else t("list.class_not_yet")]
            for i, r in enumerate(frame.to_dict("records"), start=1)]
    values = {
        "cap_tren": heading.upper_body, "co_quan": heading.issuing_body, "so_van_ban": heading.number("DS"),
        "dia_danh_ngay": fmt_long_date(signed_on, heading.place), "thang": _month(year, month),
        "ten_to_chuc": subtree.name, "so_nguoi": fmt_number(len(frame)), "thay_mat": heading.on_behalf,
        "chuc_vu": t("draft.signer_title"), "nguoi_ky": "",
        "noi_nhan": [f"- {r}" for r in t("list.recipients").split("\n")],
    }
    return render_document(template_path.read_bytes(), values, {LIST_PLACEHOLDER: TableSpec(DOCX_COLUMNS, rows)})


def list_workbook(session: Session, subtree: Subtree, *, year: int, month: int) -> bytes:
    """The list as a workbook, with the step each one reached."""
    frame = outstanding_list(session, subtree, year=year, month=month)
    columns = [Column(t("list.col.name")), Column(t("list.col.birth"), "date"), Column(t("list.col.branch")),
               Column(t("list.col.since"), "date"), Column(t("list.col.helper")), Column(t("list.col.class"), "date"),
               Column(t("list.col.stage"))]
    rows = [[r["full_name"], r["birth_date"], r["org_name"], r["outstanding_date"], r["helper_name"],
             r["class_done_date"], label("stage", r["stage"])] for r in frame.to_dict("records")]
    return workbook_bytes([Sheet(t("list.sheet"), columns, rows)],
                          title=t("list.title", org=subtree.name, month=_month(year, month)))


def list_file_name(org_code: str, year: int, month: int, extension: str) -> str:
    """ "danh-sach-cam-tinh_KB-THANHSON_2024-03.docx"."""
    return f"{t('list.file')}_{org_code}_{year}-{month:02d}.{extension}"
