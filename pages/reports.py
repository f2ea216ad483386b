"""Báo cáo: the year's summary table of an organization and the organizations under it."""
import pandas as pd
import streamlit as st

from core import auth, web
from core.i18n import t
from core.progress import children_of
from core.stages import Role
from core.tables import progress_table

actor = auth.guard(Role.ADMIN, Role.LEADER, Role.SECRETARY)
view = web.view_from_url(actor)

st.title(t("page.reports"))
year = web.year_select(view)
figures = web.cached_org_figures(web.current_version(), actor, view.org_code, year, view.as_of)
rows = pd.concat([figures.iloc[[0]], children_of(figures)])
st.dataframe(progress_table(rows), hide_index=True, width="stretch")
