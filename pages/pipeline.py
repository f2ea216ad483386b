"""Nguồn & quy trình: the candidate funnel by stage for a year."""
import streamlit as st

from core import auth, web
from core.i18n import t
from core.stages import Role
from core.tables import funnel_table

actor = auth.guard(Role.ADMIN, Role.LEADER, Role.SECRETARY)
view = web.view_from_url(actor)

st.title(t("page.pipeline"))
year = web.year_select(view)
stages = web.cached_funnel(web.current_version(), actor, view.org_code, year, view.as_of)
st.dataframe(funnel_table(stages), hide_index=True, width="stretch")
