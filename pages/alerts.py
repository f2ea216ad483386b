"""Cảnh báo: lagging organizations and procedure clocks running out, worst first."""
import streamlit as st

from core import auth, web
from core.i18n import t
from core.stages import Role
from core.tables import alerts_table

actor = auth.guard(Role.ADMIN, Role.LEADER, Role.SECRETARY)
view = web.view_from_url(actor)

st.title(t("page.alerts"))
year = web.year_select(view)
alerts = web.cached_alerts(web.current_version(), actor, view.org_code, year, view.as_of)
if alerts:
    st.dataframe(alerts_table(alerts), hide_index=True, width="stretch")
else:
    st.success(t("alerts.none"))
