"""Download buttons for the Excel exports, the official report (yearly or 6-month), the monthly
cảm tình list, and the import forms.
Streamlit-bound; building the files, checking and writing are in core (exports, report,
imports).

Files are built when the button is clicked (a deferred download), so a page that offers them
costs nothing until someone wants one. The builder runs outside the page's script thread and
outside its guard, maybe long after the page was drawn: it keeps only who asked and since
when (`auth.ticket`), and checks the account again in the database when the file is built
(`core.access.users.still_allowed`), resolving the organization for the actor as it is then.

Streamlit runs the builder on a worker thread when the button is clicked; if it raises, the
browser gets only "Failed to generate file for download" (in English, under the button, for 5
seconds) and the server logs the traceback. So a refused download does not raise: it hands
out a file of the promised name and type (a workbook, or a Word file for the report) that says
why in Vietnamese, and holds nothing of the data.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date

import streamlit as st
from sqlmodel import Session

from core.access.filters import View
from core.access.scope import Actor, NotFoundError, ScopeError, resolve
from core.access.users import SessionEnded, still_allowed
from core.config import RuleSettings, current_day
from core.errors import FormError
from core.figures.tables import import_errors_table
from core.format import date_range_error, fmt_compact, fmt_number
from core.i18n import t
from core.office.exports import (
    alerts_workbook,
    candidates_workbook,
    export_file_name,
    plans_workbook,
    progress_workbook,
    refusal_workbook,
    template_workbook,
)
from core.office.imports import ImportRefused, import_candidates, import_plans
from core.office.lists import list_docx, list_file_name, list_workbook
from core.office.report import (
    DOCX_MIME,
    ReportHeading,
    default_heading,
    half_year_end,
    refusal_docx,
    report_docx,
    report_file_name,
)
from core.office.xlsx import XLSX_MIME
from core.procedure.stages import Role
from core.storage.db import session_scope
from ui import auth, forms, text, web

EXPORTS = ("progress", "alerts", "candidates", "plans")


def _deferred(build: Callable[[Session, Actor, RuleSettings], bytes], refusal: Callable[[str], bytes] = refusal_workbook
              ) -> Callable[[], bytes]:
    """A file built in its own transaction when the download is clicked, for the account as
    the database has it then; a session that ended, an account that may no longer have the
    file, or a file that cannot be made (FormError: a draft whose step was voided meanwhile)
    gets `refusal` (a file that says why) instead."""
    engine, settings, ticket = web.engine(), web.settings(), auth.ticket()

    def run() -> bytes:
        try:
            with session_scope(engine) as session:
                return build(session, still_allowed(session, ticket, settings), settings.rules)
        except (SessionEnded, ScopeError, NotFoundError, FormError) as exc:
            return refusal(str(exc))

    return run


def export_button(actor: Actor, kind: str, view: View) -> None:
    """The download button of one export of the view's organization ("progress", "alerts",
    "candidates" (only for roles that see names, and organizations small enough to list them), "plans")."""
    if kind == "candidates" and not (actor.sees_personal_data
                                     and web.cached_lists_candidates(web.current_version(view.subtree), view.subtree)):
        return
    code, year, as_of = view.subtree.code, view.year, view.as_of
    builders = {
        "progress": lambda s, a, r: progress_workbook(s, resolve(s, a, code), year=year, as_of=as_of, rules=r),
        "alerts": lambda s, a, r: alerts_workbook(s, resolve(s, a, code), year=year, as_of=as_of, rules=r),
        "candidates": lambda s, a, r: candidates_workbook(s, resolve(s, a, code)),
        "plans": lambda s, a, r: plans_workbook(s, resolve(s, a, code)),
    }
    dated = kind in ("progress", "alerts")
    st.download_button(
        t(f"export.{kind}"), data=_deferred(builders[kind]), mime=XLSX_MIME, on_click="ignore", icon=":material/download:",
        file_name=export_file_name(kind, code, year if dated else None), key=f"export_{kind}",
    )


def report_section(actor: Actor, view: View) -> None:
    """The official report: the period (the year, or its first six months as of 30/6), the
    heading inputs (with defaults) and its download."""
    subtree = view.subtree
    code = subtree.code
    st.caption(t("reports.official_help"))
    half_year = st.radio(t("reports.period"), [False, True], horizontal=True, key="rep_period",
                         format_func=lambda half: t("reports.period_half" if half else "reports.period_year"))
    # One row of columns per line, so that on a phone the fields stack in reading order.
    left, middle, right = st.columns(3)
    signed_on = forms.date_field(t("reports.signed_on"), current_day(), "rep_signed_on", container=right)
    refusal = (t("form.date_required", field=t("reports.signed_on")) if signed_on is None
               else date_range_error(signed_on))
    # The heading is the tree's on the signing day (a report signed in 01/2024 is Huyện ủy Kim
    # Bảng's under Đảng bộ tỉnh Hà Nam): its fields start again from that day's when it changes.
    heading_day = current_day() if refusal else signed_on
    with session_scope(web.engine()) as session:
        default = default_heading(session, subtree, today=heading_day)
    day = heading_day.isoformat()
    number = left.text_input(t("reports.number"), default.number, key=f"rep_number_{code}_{day}")
    place = middle.text_input(t("reports.place"), default.place, key=f"rep_place_{code}_{day}")
    left, middle, right = st.columns(3)
    upper = left.text_input(t("reports.upper_body"), default.upper_body, key=f"rep_upper_{code}_{day}")
    issuing = middle.text_input(t("reports.issuing_body"), default.issuing_body, key=f"rep_issuing_{code}_{day}")
    on_behalf = right.text_input(t("reports.on_behalf"), default.on_behalf, key="rep_on_behalf")
    left, middle, right = st.columns(3)
    title = left.text_input(t("reports.signer_title"), default.signer_title, key="rep_signer_title")
    signer = middle.text_input(t("reports.signer_name"), default.signer_name, key="rep_signer_name")
    recipients = right.text_area(t("reports.recipients"), "\n".join(default.recipients), key="rep_recipients")
    if refusal:  # emptied or mistyped: the report is not dated for the user
        text.warning(refusal)
        return
    heading = ReportHeading(number=number, place=place, signed_on=signed_on, upper_body=upper,
                            issuing_body=issuing, on_behalf=on_behalf, signer_title=title, signer_name=signer,
                            recipients=tuple(recipients.splitlines()))
    year, as_of = view.year, view.as_of
    if half_year and half_year_end(year) > current_day():
        text.warning(t("reports.half_not_yet", year=year))
        return
    st.download_button(
        t("reports.download_half_docx" if half_year else "reports.download_docx"), mime=DOCX_MIME, on_click="ignore",
        type="primary", icon=":material/description:",
        data=_deferred(lambda s, a, r: report_docx(s, resolve(s, a, code), year=year, as_of=as_of, rules=r,
                                                       heading=heading, half_year=half_year), refusal_docx),
        file_name=report_file_name(code, year, half_year=half_year), key="report_docx",
    )


def outstanding_list_section(actor: Actor, view: View) -> None:
    """The monthly cảm tình list of the view's organization: a month of the view's year, and
    its downloads (Word, Excel); for roles that see names only."""
    if not actor.sees_personal_data:
        return
    text.caption(t("reports.outstanding_help"))
    today, code, year = current_day(), view.subtree.code, view.year
    months = list(range(1, 13))
    month = st.selectbox(t("reports.month"), months, index=min(today.month, 12) - 1 if year == today.year else 11,
                         format_func=lambda m: t("list.month", month=m, year=year), key="list_month",
                         placeholder=t("form.choose"))
    if date(year, month, 1) > today:
        text.warning(t("reports.month_future", month=t("list.month", month=month, year=year)))
        return
    word, excel = st.columns(2)
    word.download_button(
        t("reports.download_list_docx"), mime=DOCX_MIME, on_click="ignore", icon=":material/description:",
        data=_deferred(lambda s, a, r: list_docx(s, resolve(s, a, code), year=year, month=month, signed_on=today),
                           refusal_docx),
        file_name=list_file_name(code, year, month, "docx"), key="list_docx",
    )
    excel.download_button(
        t("reports.download_list_xlsx"), mime=XLSX_MIME, on_click="ignore", icon=":material/download:",
        data=_deferred(lambda s, a, r: list_workbook(s, resolve(s, a, code), year=year, month=month)),
        file_name=list_file_name(code, year, month, "xlsx"), key="list_xlsx",
    )


def _import_form(actor: Actor, kind: str) -> None:
    settings = web.settings()
    limit = settings.import_max_megabytes
    text.caption(t(f"import.{kind}_help"))
    st.download_button(t("import.template"), data=_deferred(lambda s, a, r: template_workbook(kind)), mime=XLSX_MIME, on_click="ignore",
                       icon=":material/download:",
                       file_name=export_file_name(f"template_{kind}", None), key=f"template_{kind}")
    uploaded = st.file_uploader(t("import.upload", limit=fmt_compact(limit)), type=["xlsx"], key=f"upload_{kind}",
                                max_upload_size=math.ceil(limit))
    if not st.button(t("import.run"), key=f"run_{kind}", disabled=uploaded is None, type="primary"):
        return
    options = dict(data=uploaded.getvalue(), file_name=uploaded.name, today=current_day(),
                   max_bytes=int(limit * 1_000_000))
    try:
        with session_scope(web.engine()) as session:
            if kind == "candidates":
                result = import_candidates(session, actor, rules=settings.rules, **options)
            else:
                result = import_plans(session, actor, **options)
    except ImportRefused as exc:
        text.error(str(exc))
        st.dataframe(import_errors_table(exc.errors), hide_index=True, width="stretch", placeholder="")
    except forms.REFUSALS as exc:
        forms.show_refusal(exc)
    else:
        text.success(t(f"import.done_{kind}", created=fmt_number(result.created), updated=fmt_number(result.updated),
                     unchanged=fmt_number(result.unchanged)))


def import_section(actor: Actor) -> None:
    """Importing candidates (admin, secretary) and yearly plans (admin)."""
    kinds = ["candidates"] + (["plans"] if actor.role is Role.ADMIN else [])
    for tab, kind in zip(st.tabs([t(f"import.{k}") for k in kinds]), kinds):
        with tab:
            _import_form(actor, kind)
