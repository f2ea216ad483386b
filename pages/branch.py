"""Chi bộ: a branch's own progress and its candidates (names for the roles allowed to see them)."""
import streamlit as st

from core import auth, web
from core.format import fmt_progress
from core.i18n import t
from core.progress import headline
from core.stages import Role
from core.tables import candidates_table

actor = auth.guard(Role.ADMIN, Role.LEADER, Role.SECRETARY)
view = web.view_from_url(actor)

st.title(t("page.branch"))
figures = web.cached_org_figures(web.current_version(), actor, view.org_code, view.year, view.as_of)
head = headline(figures)
st.subheader(t("overview.heading", org=head.name, year=view.year))
st.metric(t("col.admitted_target"), fmt_progress(head.admitted, head.target))
st.dataframe(candidates_table(web.cached_candidates(web.current_version(), actor, view.org_code)), hide_index=True, width="stretch")
