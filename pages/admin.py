"""Quản trị: users, the organization tree, yearly plans, the working-day calendar, the audit log and the
reminders sent (admin only)."""
import streamlit as st

from core.i18n import t
from core.procedure.stages import Role
from ui import admin, auth, forms, reminders

actor = auth.guard(Role.ADMIN)
st.title(t("page.admin"), anchor=False)
forms.show_done()
# Only the open tab is drawn (and read from the database): at a province's size each is a query of its own.
tabs = st.tabs([t("admin.users"), t("admin.organizations"), t("admin.plans"), t("admin.calendar"), t("admin.audit"),
                t("reminders.tab")], key=admin.TABS, on_change="rerun")
for tab, draw in zip(tabs, (admin.users_tab, admin.organizations_tab, admin.plans_tab, admin.calendar_tab,
                            admin.audit_tab, reminders.runs_tab)):
    if tab.open:
        with tab:
            draw(actor)
