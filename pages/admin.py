"""Quản trị: users (create, disable, re-enable, temporary password) and the audit log."""
import streamlit as st

from core import auth, web
from core.audit import audit_log
from core.db import session_scope
from core.format import parse_date
from core.i18n import label, t
from core.pipeline import StaleEditError
from core.scope import NotFoundError, ScopeError
from core.stages import Role
from core.tables import audit_table, users_table
from core.users import UserError, admin_create_user, list_users, set_active, set_temporary_password

actor = auth.guard(Role.ADMIN)
FAILURES = (UserError, NotFoundError, ScopeError, StaleEditError)

st.title(t("page.admin"))
users_tab, audit_tab = st.tabs([t("admin.users"), t("admin.audit")])

with users_tab:
    table = st.container()  # filled last, so it shows the result of an action just taken
    with session_scope(web.engine()) as session:
        users = list_users(session, actor)

    with st.form("create_user", clear_on_submit=True):
        st.subheader(t("admin.create_user"))
        username = st.text_input(t("col.username"), key="new_username")
        display_name = st.text_input(t("col.display_name"), key="new_display_name")
        role = st.selectbox(t("col.role"), [r.value for r in Role], format_func=lambda r: label("role", r), key="new_role")
        org_code = st.text_input(t("admin.org_code"), key="new_org_code")
        temporary = st.text_input(t("admin.temporary_password"), type="password", key="new_password")
        create = st.form_submit_button(t("admin.create"))
    if create:
        try:
            with session_scope(web.engine()) as session:
                admin_create_user(session, actor, username=username, display_name=display_name, role=role,
                                  org_code=org_code.strip(), temporary_password=temporary)
        except FAILURES as exc:
            st.error(str(exc))
        else:
            st.success(t("admin.created", username=username.strip().lower()))

    with st.form("manage_user"):
        st.subheader(t("admin.manage_user"))
        by_name = {u["username"]: u for u in users}
        chosen = st.selectbox(t("col.username"), list(by_name), key="manage_username")
        action = st.radio(t("col.action"), ["disable", "enable", "temporary"], format_func=lambda a: t(f"admin.do_{a}"),
                          horizontal=True, key="manage_action")
        new_password = st.text_input(t("admin.temporary_password"), type="password", key="manage_password")
        apply = st.form_submit_button(t("admin.apply"))
    if apply and chosen:
        version = by_name[chosen]["version"]
        try:
            with session_scope(web.engine()) as session:
                if action == "temporary":
                    set_temporary_password(session, actor, username=chosen, password=new_password, expected_version=version)
                else:
                    set_active(session, actor, username=chosen, active=action == "enable", expected_version=version)
        except FAILURES as exc:
            st.error(str(exc))
        else:
            st.success(t("admin.applied", username=chosen))
    with session_scope(web.engine()) as session:
        table.dataframe(users_table(list_users(session, actor)), hide_index=True, width="stretch")

with audit_tab:
    left, middle, right = st.columns(3)
    who = left.text_input(t("admin.filter_user"))
    entity = middle.selectbox(t("col.entity"), ["", "candidate", "user", "organization", "database"],
                              format_func=lambda e: t(f"entity.{e}") if e else t("admin.all"))
    since_text = right.text_input(t("admin.filter_since"), placeholder="01/01/2024")
    try:
        since = parse_date(since_text) if since_text.strip() else None
    except ValueError as exc:
        st.warning(str(exc))
        since = None
    with session_scope(web.engine()) as session:
        entries = audit_log(session, actor, username=who or None, entity=entity or None, since=since)
    st.dataframe(audit_table(entries), hide_index=True, width="stretch")
