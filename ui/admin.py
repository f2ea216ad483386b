"""The tabs of the Quản trị page: users, the organization tree, yearly plans, the audit log.
Streamlit-bound; every check and write is in core (users, organizations, plans, audit)."""
from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from core.access.audit import audit_log
from core.access.filters import FIRST_YEAR, last_year
from core.access.scope import Actor, resolve
from core.access.users import (
    admin_create_user,
    list_users,
    set_active,
    set_temporary_password,
)
from core.figures.tables import (
    audit_raw_table,
    audit_table,
    organizations_table,
    users_table,
)
from core.format import fmt_number, parse_date
from core.i18n import label, t
from core.procedure.stages import OrgKind, Role, Sector
from core.storage.db import session_scope
from core.structure.organizations import (
    add_organization,
    move_organization,
    organization_choices,
    organization_tree,
    rename_organization,
    set_organization_active,
)
from core.structure.plans import (
    PlanRow,
    children_total,
    copy_of_year,
    own_plan,
    plans_grid,
    plans_text,
    save_own_plan,
    save_plans,
)
from ui import forms, text, web, widgets


def _run(write, success: str) -> bool:
    try:
        with session_scope(web.engine()) as session:
            write(session)
    except forms.REFUSALS as exc:
        forms.show_refusal(exc)
        return False
    text.success(success)
    return True


CREATE_USER_KEYS = ("new_username", "new_display_name", "new_role", "new_org", "new_password")
CREATED_KEY = "admin_user_created"


def users_tab(actor: Actor) -> None:
    table = st.container()  # filled last, so it shows the result of an action just taken
    if CREATED_KEY in st.session_state:  # set before the rerun that emptied the form
        text.success(st.session_state.pop(CREATED_KEY))
    with session_scope(web.engine()) as session:
        users = list_users(session, actor)
        organizations = organization_choices(organization_tree(session, actor))
    with st.form("create_user"):  # kept filled after a refusal; emptied after a success
        st.subheader(t("admin.create_user"))
        username = st.text_input(t("col.username"), key="new_username")
        display_name = st.text_input(t("col.display_name"), key="new_display_name")
        role = st.selectbox(t("col.role"), [r.value for r in Role], index=None, placeholder=t("admin.choose_role"),
                            format_func=lambda r: label("role", r), key="new_role")
        org_code = st.selectbox(t("admin.user_org"), list(organizations), index=None, placeholder=t("admin.choose_org"),
                                format_func=organizations.get, key="new_org")
        temporary = st.text_input(t("admin.temporary_password"), type="password", key="new_password")
        if st.form_submit_button(t("admin.create")):
            try:
                with session_scope(web.engine()) as session:
                    created = admin_create_user(session, actor, username=username, display_name=display_name,
                                                role=role, org_code=org_code, temporary_password=temporary).username
            except forms.REFUSALS as exc:
                forms.show_refusal(exc)
            else:
                for key in CREATE_USER_KEYS:
                    st.session_state.pop(key, None)
                st.session_state[CREATED_KEY] = t("admin.created", username=created)
                st.rerun()
    with st.form("manage_user"):
        st.subheader(t("admin.manage_user"))
        by_name = {u["username"]: u for u in users}
        chosen = st.selectbox(t("col.username"), list(by_name), key="manage_username")
        action = st.radio(t("col.action"), ["disable", "enable", "temporary"], format_func=lambda a: t(f"admin.do_{a}"),
                          horizontal=True, key="manage_action")
        new_password = st.text_input(t("admin.temporary_password"), type="password", key="manage_password")
        if st.form_submit_button(t("admin.apply")) and chosen:
            version = by_name[chosen]["version"]
            if action == "temporary":
                _run(lambda s: set_temporary_password(s, actor, username=chosen, password=new_password,
                                                      expected_version=version), t("admin.applied", username=chosen))
            else:
                _run(lambda s: set_active(s, actor, username=chosen, active=action == "enable", expected_version=version),
                     t("admin.applied", username=chosen))
    with session_scope(web.engine()) as session:
        table.dataframe(users_table(list_users(session, actor)), hide_index=True, width="stretch")


def organizations_tab(actor: Actor) -> None:
    table = st.container()
    with session_scope(web.engine()) as session:
        tree = organization_tree(session, actor)
    names = {o.code: f"{o.name} ({o.code})" for o in tree}
    versions = {o.code: o.version for o in tree}
    add, rename, move, activate = st.tabs([t("org.add"), t("org.rename"), t("org.move"), t("org.activate")])
    with add, st.form("add_org", clear_on_submit=True):
        parent = st.selectbox(t("org.parent"), list(names), format_func=names.get, key="org_parent")
        code = st.text_input(t("org.code"), key="org_code")
        name = st.text_input(t("org.name"), key="org_name")
        kind = st.selectbox(t("org.kind"), [k.value for k in OrgKind], format_func=lambda k: label("kind", k), key="org_kind")
        sector = st.selectbox(t("col.sector"), [s.value for s in Sector], format_func=lambda s: label("sector", s),
                              key="org_sector")
        if st.form_submit_button(t("org.add")):
            _run(lambda s: add_organization(s, actor, parent_code=parent, code=code, name=name, kind=kind, sector=sector),
                 t("org.saved"))
    with rename, st.form("rename_org"):
        chosen = st.selectbox(t("col.organization"), list(names), format_func=names.get, key="rename_code")
        new_name = st.text_input(t("org.new_name"), key="rename_name")
        if st.form_submit_button(t("org.rename")):
            _run(lambda s: rename_organization(s, actor, org_code=chosen, name=new_name,
                                               expected_version=versions[chosen]), t("org.saved"))
    with move, st.form("move_org"):
        chosen_move = st.selectbox(t("col.organization"), list(names), format_func=names.get, key="move_code")
        new_parent = st.selectbox(t("org.new_parent"), list(names), format_func=names.get, key="move_parent")
        if st.form_submit_button(t("org.move")):
            _run(lambda s: move_organization(s, actor, org_code=chosen_move, new_parent_code=new_parent,
                                             expected_version=versions[chosen_move]), t("org.saved"))
    with activate, st.form("activate_org"):
        chosen_state = st.selectbox(t("col.organization"), list(names), format_func=names.get, key="state_code")
        active = st.radio(t("org.state"), [False, True], format_func=lambda a: t(f"org.active_{a}"), horizontal=True,
                          key="state_active")
        if st.form_submit_button(t("admin.apply")):
            _run(lambda s: set_organization_active(s, actor, org_code=chosen_state, active=active,
                                                   expected_version=versions[chosen_state]), t("org.saved"))
    with session_scope(web.engine()) as session:
        table.dataframe(organizations_table(organization_tree(session, actor)), hide_index=True, width="stretch",
                        height=360)


def plans_tab(actor: Actor) -> None:
    with session_scope(web.engine()) as session:
        tree = organization_tree(session, actor)
    parents = {o.code: o.name for o in tree if any(c.parent_id == o.id for c in tree)}
    left, right = st.columns([3, 1])
    parent = left.selectbox(t("plans.parent"), list(parents), format_func=parents.get, key="plans_parent")
    year = right.number_input(t("filter.year"), min_value=FIRST_YEAR, max_value=last_year(date.today()),
                              value=date.today().year, step=1, key="plans_year")
    base_key, own_key = f"plans_base_{parent}_{year}", f"plans_own_{parent}_{year}"
    with session_scope(web.engine()) as session:
        subtree = resolve(session, actor, parent)
        # The grid and the parent's own plan as read: their versions guard the saves. Figures are
        # text, so what was typed ("1,5", "-3", "abc") reaches core's checks unchanged.
        if base_key not in st.session_state:
            st.session_state[base_key] = plans_text(plans_grid(session, subtree, year=int(year)))
        if own_key not in st.session_state:
            st.session_state[own_key] = own_plan(session, subtree, year=int(year))
        if st.button(t("plans.copy"), key="plans_copy"):
            last = plans_grid(session, subtree, year=int(year) - 1)
            st.session_state[base_key] = plans_text(copy_of_year(st.session_state[base_key], last))
    own: PlanRow = st.session_state[own_key]
    with st.form(f"plans_own_form_{parent}_{year}"):
        text.markdown(text.bold(t("plans.own", org=parents[parent], year=int(year))))
        target_col, members_col = st.columns(2)
        own_target = target_col.text_input(t("field.target"), value=fmt_number(own.target), key=f"{own_key}_target")
        own_members = members_col.text_input(
            t("field.members_start"), value="" if own.members_start is None else fmt_number(own.members_start),
            key=f"{own_key}_members")
        if st.form_submit_button(text.literal(t("plans.save_own", org=parents[parent]))):
            row = PlanRow(parent, own_target, own_members, own.version)
            if _run(lambda s: save_own_plan(s, actor, org_code=parent, year=int(year), row=row), t("plans.saved")):
                del st.session_state[own_key]
                with session_scope(web.engine()) as session:
                    own = own_plan(session, subtree, year=int(year))
    base: pd.DataFrame = st.session_state[base_key]
    edited = st.data_editor(
        base.drop(columns="version"), hide_index=True, width="stretch", key=f"plans_editor_{parent}_{year}",
        disabled=["code", "name"],
        column_config={
            "code": st.column_config.TextColumn(t("org.code")),
            "name": st.column_config.TextColumn(t("col.organization")),
            "target": st.column_config.TextColumn(t("field.target")),
            "members_start": st.column_config.TextColumn(t("field.members_start")),
        },
    )
    rows = [PlanRow(code, target, members, int(version)) for code, target, members, version in
            zip(edited["code"], edited["target"], edited["members_start"], base["version"])]
    total = children_total(rows)
    if total is None:
        st.warning(t("plans.coverage_unknown"))
    else:
        check = text.success if total >= own.target else text.warning
        check(t("plans.coverage", children=fmt_number(total), parent=fmt_number(own.target)))
    if st.button(t("plans.save"), key="plans_save", type="primary"):
        if _run(lambda s: save_plans(s, actor, parent_code=parent, year=int(year), rows=rows), t("plans.saved")):
            del st.session_state[base_key]


def audit_tab(actor: Actor) -> None:
    left, middle, right = st.columns(3)
    who = left.text_input(t("admin.filter_user"), key="audit_user")
    entity = middle.selectbox(t("col.entity"), ["", "candidate", "user", "organization", "database"],
                              format_func=lambda e: t(f"entity.{e}") if e else t("admin.all"), key="audit_entity")
    since_text = right.text_input(t("admin.filter_since"), placeholder="01/01/2024", key="audit_since")
    try:
        since = parse_date(since_text) if since_text.strip() else None
    except ValueError as exc:
        text.warning(str(exc))
        since = None
    with session_scope(web.engine()) as session:
        entries = audit_log(session, actor, username=who or None, entity=entity or None, since=since)
    widgets.table(audit_table(entries))
    if not entries.empty and st.toggle(t("audit.show_raw"), key="audit_raw"):
        widgets.table(audit_raw_table(entries))
