"""Báo cáo: the year's summary table of an organization and the organizations under it."""
import pandas as pd
import streamlit as st

from core import auth, web, widgets
from core.i18n import t
from core.progress import children_of
from core.stages import Role

actor = auth.guard(Role.ADMIN, Role.LEADER, Role.SECRETARY)
st.title(t("page.reports"))
view = widgets.view_controls(actor, compare=False)
figures = web.cached_org_figures(web.current_version(), actor, view.org_code, view.year, view.as_of)
widgets.progress_dataframe(pd.concat([figures.iloc[[0]], children_of(figures)]))
