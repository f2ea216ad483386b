"""Quản trị: users, the organization tree, yearly plans and the audit log (admin only)."""
import streamlit as st

from core import admin_views, auth
from core.i18n import t
from core.stages import Role

actor = auth.guard(Role.ADMIN)
st.title(t("page.admin"))
users, organizations, plans, audit = st.tabs([t("admin.users"), t("admin.organizations"), t("admin.plans"),
                                              t("admin.audit")])
with users:
    admin_views.users_tab(actor)
with organizations:
    admin_views.organizations_tab(actor)
with plans:
    admin_views.plans_tab(actor)
with audit:
    admin_views.audit_tab(actor)
