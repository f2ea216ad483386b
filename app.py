"""Entry point: page config, database ready, then the district's progress for the year."""
from datetime import date

import streamlit as st

from core import web
from core.format import fmt_number, fmt_percent, fmt_progress
from core.i18n import label, t

st.set_page_config(page_title=t("app.title"), page_icon="🚩", layout="wide")
web.engine()

st.title(t("app.title"))
st.caption(t("app.placeholder"))
year = st.selectbox(t("filter.year"), list(range(date.today().year, date.today().year - 5, -1)), key="year")
# Aggregates only (no personal data) until sign-in arrives; the projector role sees as much.
figures = web.cached_org_figures(web.current_version(), web.aggregate_actor(), None, year, date.today())
root = figures.iloc[0]
st.subheader(root["name"])
st.metric(t("col.admitted_target"), fmt_progress(int(root["admitted"]), int(root["target"])))
children = figures[figures["parent_id"] == root["id"]]
st.dataframe(
    {
        t("col.organization"): children["name"],
        t("col.admitted_target"): [f"{fmt_number(a)}/{fmt_number(b)}" for a, b in zip(children["admitted"], children["target"])],
        t("col.percent_plan"): [fmt_percent(p) for p in children["percent_plan"]],
        t("col.status"): [label("status", s) for s in children["status"]],
    },
    hide_index=True,
    width="stretch",
)
