"""Báo cáo: the year's summary of an organization and the organizations under it, the official
report (.docx, the year or its first six months), the monthly cảm tình list, the Excel exports,
and, for the roles that write, importing from Excel."""
import pandas as pd
import streamlit as st

from core.figures.progress import children_of
from core.i18n import t
from core.procedure.stages import Role
from ui import auth, reports, text, web, widgets

actor = auth.guard(Role.ADMIN, Role.LEADER, Role.SECRETARY)
st.title(t("page.reports"), anchor=False)
view = widgets.view_controls(actor, compare=False)
widgets.breadcrumb(view.subtree, view.day)
figures = web.cached_org_figures(web.current_version(view.subtree), view.subtree, view.year, view.as_of)
text.subheader(t("reports.summary", year=view.year, org=figures.iloc[0]["name"]))
widgets.progress_dataframe(pd.concat([figures.iloc[[0]], children_of(figures)]))

st.subheader(t("reports.official"), anchor=False)
reports.report_section(actor, view)

st.subheader(t("reports.outstanding_list"), anchor=False)
reports.outstanding_list_section(actor, view)

st.subheader(t("reports.exports"), anchor=False)
for column, kind in zip(st.columns(len(reports.EXPORTS)), reports.EXPORTS):
    with column:
        reports.export_button(actor, kind, view)

if actor.edits_candidates:
    st.subheader(t("reports.imports"), anchor=False)
    reports.import_section(actor)
