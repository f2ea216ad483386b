"""Download buttons for the Excel exports and the official report, and the import forms.
Streamlit-bound; building the files, checking and writing are in core (exports, report,
imports).

Files are built when the button is clicked (a deferred download), so a page that offers them
costs nothing until someone wants one. The builder runs outside the page's script thread: it
gets the Engine, the settings and the caller from the page, never reads Streamlit state.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date
from functools import partial

import streamlit as st

from core.access.filters import View
from core.access.scope import Actor
from core.figures.tables import import_errors_table
from core.format import fmt_compact, fmt_number
from core.i18n import t
from core.office.exports import (
    alerts_workbook,
    candidates_workbook,
    export_file_name,
    plans_workbook,
    progress_workbook,
    template_workbook,
)
from core.office.imports import ImportRefused, import_candidates, import_plans
from core.office.report import (
    DOCX_MIME,
    ReportHeading,
    default_heading,
    report_docx,
    report_file_name,
)
from core.office.xlsx import XLSX_MIME
from core.procedure.stages import Role
from core.storage.db import session_scope
from ui import forms, text, web

EXPORTS = ("progress", "alerts", "candidates", "plans")


def _deferred(build: Callable) -> Callable[[], bytes]:
    """A file built in its own transaction when the download is clicked."""
    engine, rules = web.engine(), web.settings().rules

    def run() -> bytes:
        with session_scope(engine) as session:
            return build(session, rules)

    return run


def export_button(actor: Actor, kind: str, view: View) -> None:
    """The download button of one export of the view's organization ("progress", "alerts",
    "candidates" (only for roles that see names, and organizations small enough to list them), "plans")."""
    if kind == "candidates" and not (actor.sees_personal_data
                                     and web.cached_lists_candidates(web.current_version(), view.subtree)):
        return
    subtree, year, as_of = view.subtree, view.year, view.as_of
    builders = {
        "progress": lambda s, r: progress_workbook(s, subtree, year=year, as_of=as_of, rules=r),
        "alerts": lambda s, r: alerts_workbook(s, subtree, year=year, as_of=as_of, rules=r),
        "candidates": lambda s, r: candidates_workbook(s, subtree),
        "plans": lambda s, r: plans_workbook(s, subtree),
    }
    dated = kind in ("progress", "alerts")
    st.download_button(
        t(f"export.{kind}"), data=_deferred(builders[kind]), mime=XLSX_MIME, on_click="ignore", icon=":material/download:",
        file_name=export_file_name(kind, subtree.code, year if dated else None), key=f"export_{kind}",
    )


def report_section(actor: Actor, view: View) -> None:
    """The official report: the heading inputs (with defaults) and its download."""
    subtree = view.subtree
    code = subtree.code
    with session_scope(web.engine()) as session:
        default = default_heading(session, subtree, today=date.today())
    st.caption(t("reports.official_help"))
    # One row of columns per line, so that on a phone the fields stack in reading order.
    left, middle, right = st.columns(3)
    number = left.text_input(t("reports.number"), default.number, key=f"rep_number_{code}")
    place = middle.text_input(t("reports.place"), default.place, key="rep_place")
    signed_on = right.date_input(t("reports.signed_on"), default.signed_on, format="DD/MM/YYYY", key="rep_signed_on")
    left, middle, right = st.columns(3)
    upper = left.text_input(t("reports.upper_body"), default.upper_body, key=f"rep_upper_{code}")
    issuing = middle.text_input(t("reports.issuing_body"), default.issuing_body, key=f"rep_issuing_{code}")
    on_behalf = right.text_input(t("reports.on_behalf"), default.on_behalf, key="rep_on_behalf")
    left, middle, right = st.columns(3)
    title = left.text_input(t("reports.signer_title"), default.signer_title, key="rep_signer_title")
    signer = middle.text_input(t("reports.signer_name"), default.signer_name, key="rep_signer_name")
    recipients = right.text_area(t("reports.recipients"), "\n".join(default.recipients), key="rep_recipients")
    heading = ReportHeading(number=number, place=place, signed_on=signed_on or default.signed_on, upper_body=upper,
                            issuing_body=issuing, on_behalf=on_behalf, signer_title=title, signer_name=signer,
                            recipients=tuple(recipients.splitlines()))
    year, as_of = view.year, view.as_of
    st.download_button(
        t("reports.download_docx"), mime=DOCX_MIME, on_click="ignore", type="primary", icon=":material/description:",
        data=_deferred(lambda s, r: report_docx(s, subtree, year=year, as_of=as_of, rules=r,
                                                heading=heading)),
        file_name=report_file_name(code, year), key="report_docx",
    )


def _import_form(actor: Actor, kind: str) -> None:
    settings = web.settings()
    limit = settings.import_max_megabytes
    text.caption(t(f"import.{kind}_help"))
    st.download_button(t("import.template"), data=partial(template_workbook, kind), mime=XLSX_MIME, on_click="ignore",
                       icon=":material/download:",
                       file_name=export_file_name(f"template_{kind}", None), key=f"template_{kind}")
    uploaded = st.file_uploader(t("import.upload", limit=fmt_compact(limit)), type=["xlsx"], key=f"upload_{kind}",
                                max_upload_size=math.ceil(limit))
    if not st.button(t("import.run"), key=f"run_{kind}", disabled=uploaded is None, type="primary"):
        return
    options = dict(data=uploaded.getvalue(), file_name=uploaded.name, today=date.today(),
                   max_bytes=int(limit * 1_000_000))
    try:
        with session_scope(web.engine()) as session:
            if kind == "candidates":
                result = import_candidates(session, actor, rules=settings.rules, **options)
            else:
                result = import_plans(session, actor, **options)
    except ImportRefused as exc:
        text.error(str(exc))
        st.dataframe(import_errors_table(exc.errors), hide_index=True, width="stretch")
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
