"""Tổng quan: how far the organization is this year, who is behind, the mix and the trend."""
import streamlit as st

from core.figures.progress import Period, children_of, headline, year_end_lists
from core.figures.tables import mix_table
from core.format import fmt_percent
from core.i18n import t
from core.procedure.stages import Role
from ui import auth, reports, text, web, widgets

actor = auth.guard(Role.ADMIN, Role.LEADER, Role.SECRETARY)
st.title(t("page.overview"), anchor=False)
view = widgets.view_controls(actor)
version = web.current_version(view.subtree)
figures = web.cached_org_figures(version, view.subtree, view.year, view.as_of)
before = web.cached_org_figures(version, view.subtree, view.year, view.compare)
head = headline(figures)

widgets.breadcrumb(view.subtree, view.day)
text.header(t("overview.heading", org=head.name, year=view.year))
widgets.headline_metrics(head, headline(before))

children = children_of(figures)
if not children.empty:
    st.subheader(t("overview.children"), anchor=False)
    key = f"progress_{head.code}_{view.year}"
    spec = web.cached_progress_spec(version, view.subtree, view.year, view.as_of)
    widgets.drilled_from_chart(st.vega_lite_chart(spec, key=key, on_select="rerun", width="stretch"), key)
    widgets.drill_down(children)
    widgets.progress_dataframe(children, key=f"progress_table_{head.code}_{view.year}", year=view.year)
    reports.export_button(actor, "progress", view)

left, right = st.columns(2)
with left:
    st.subheader(t("overview.months"), anchor=False)
    st.vega_lite_chart(web.cached_months_spec(version, view.subtree, view.year, view.as_of), width="stretch")
with right:
    st.subheader(t("overview.trend"), anchor=False)
    st.vega_lite_chart(web.cached_trend_spec(version, view.subtree, view.year, view.as_of), width="stretch")

st.subheader(t("overview.mix"), anchor=False)
st.dataframe(mix_table(web.cached_mix(version, view.subtree, view.year, view.as_of)), hide_index=True, placeholder="")

if Period(view.year, view.as_of).is_over and not children.empty:
    rules = web.settings().rules
    commend, correct = year_end_lists(children, rules)
    left, right = st.columns(2)
    for name, column, title, rows in (
            ("commend", left, t("overview.commend", percent=fmt_percent(rules.commendation_percent)), commend),
            ("correct", right, t("overview.correct"), correct)):
        with column:
            text.subheader(title)
            widgets.progress_dataframe(rows, key=f"{name}_{head.code}_{view.year}", year=view.year)
