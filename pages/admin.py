"""Quản trị: users, the organization tree, yearly plans, the working-day calendar and the audit log (admin only)."""
import streamlit as st

from core.i18n import t
from core.procedure.stages import Role
from ui import admin, auth, forms

actor = auth.guard(Role.ADMIN)
st.title(t("page.admin"), anchor=False)
forms.show_done()
users, organizations, plans, work_calendar, audit = st.tabs([t("admin.users"), t("admin.organizations"), t("admin.plans"),
                                                             t("admin.calendar"), t("admin.audit")])
with users:
    admin.users_tab(actor)
with organizations:
    admin.organizations_tab(actor)
with plans:
    admin.plans_tab(actor)
with work_calendar:
    admin.calendar_tab(actor)
with audit:
    admin.audit_tab(actor)
