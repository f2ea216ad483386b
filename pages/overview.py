"""Tổng quan: progress of an organization and of each organization under it, for a year."""
import streamlit as st

from core import auth, web
from core.format import fmt_progress
from core.i18n import t
from core.progress import children_of, headline
from core.stages import Role
from core.tables import progress_table

actor = auth.guard(Role.ADMIN, Role.LEADER, Role.SECRETARY)
view = web.view_from_url(actor)

st.title(t("page.overview"))
year = web.year_select(view)
figures = web.cached_org_figures(web.current_version(), actor, view.org_code, year, view.as_of)
head = headline(figures)
st.subheader(t("overview.heading", org=head.name, year=year))
st.metric(t("col.admitted_target"), fmt_progress(head.admitted, head.target))
st.caption(t("grassroots.phrase", count=head.grassroots_admitting, total=head.grassroots_total))
st.dataframe(progress_table(children_of(figures)), hide_index=True, width="stretch")
