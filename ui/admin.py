"""The tabs of the Quản trị page: users, the organization tree, yearly plans, the working-day
calendar, the audit log.
Streamlit-bound; every check and write is in core (users, organizations, plans, audit)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from core.access.audit import audit_log
from core.access.filters import FIRST_YEAR, last_year
from core.access.scope import Actor, org_in_scope, resolve
from core.access.users import (
    UsersPage,
    admin_create_user,
    find_users,
    set_active,
    set_temporary_password,
    user_row,
)
from core.config import current_day
from core.figures.tables import (
    audit_raw_table,
    audit_table,
    organizations_table,
    plans_texts,
    unproven_table,
    unrecorded_table,
    user_state,
    users_table,
)
from core.format import fmt_date, fmt_number, parse_date
from core.i18n import label, t
from core.procedure.days_off import add_day_override, day_overrides, remove_day_override
from core.procedure.recognition import unrecorded_recognitions
from core.procedure.stages import Role
from core.procedure.votes import unproven_resolutions
from core.storage.db import session_scope
from core.storage.models import Organization
from core.structure.organizations import (
    add_organization,
    organization_tree,
    organization_versions,
    organizations_under,
    rename_organization,
    set_organization_active,
    set_organization_authorized,
    set_organization_youth_union,
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
from ui import forms, pickers, reminders, restructure, text, web, widgets

# The keys of the page's tabs and of the organizations' tabs (their open tab is kept in the
# session: only the open one is drawn).
TABS, ORG_TABS = "admin_tab", "admin_org_tab"


def _user_now(session, actor: Actor, username: str) -> dict[str, str]:
    """A user as the manage form names it, read now."""
    user = user_row(session, actor, username)
    if user is None:
        return {}
    return {t("col.username"): username, t("col.user_state"): user_state(user)}


def _organization_now(session, actor: Actor, code: str) -> dict[str, str]:
    """An organization as the rename and state forms name it, read now."""
    org = org_in_scope(session, actor, code)
    parent = session.get(Organization, org.parent_id) if org.parent_id else None
    return {t("col.organization"): f"{org.name} ({org.code})", t("org.name"): org.name,
            t("org.parent"): "" if parent is None else f"{parent.name} ({parent.code})",
            t("org.state"): t(f"org.active_{org.active}"),
            t("org.has_youth_union"): t(f"audit.bool_{org.has_youth_union}")}


def _users_page(actor: Actor) -> UsersPage:
    """The page of users the admin looks at: searched by name, a page at a time."""
    left, right = st.columns([3, 1])
    query = left.text_input(t("admin.find_user"), key="users_find", placeholder=t("admin.find_user_hint"))
    with session_scope(web.engine()) as session:
        found = find_users(session, actor, query=query, page=1)
        if found.pages > 1:
            page = right.number_input(t("admin.users_page", pages=fmt_number(found.pages)), min_value=1,
                                      max_value=found.pages, step=1, key="users_page")
            found = find_users(session, actor, query=query, page=int(page))
    return found


def users_tab(actor: Actor) -> None:
    found = _users_page(actor)
    table = st.container()  # filled last, so it shows the result of an action just taken
    user_versions = forms.as_drawn("admin_user_versions", {u["username"]: u["version"] for u in found.rows})
    with st.container(border=True):
        st.subheader(t("admin.create_user"), anchor=False)
        org_code = pickers.organization(t("admin.user_org"), "new_org", actor, placeholder=t("admin.choose_org"))
        with st.form("create_user", border=False):  # kept filled after a refusal; emptied after a success (forms.done)
            username = st.text_input(t("col.username"), key="new_username")
            display_name = st.text_input(t("col.display_name"), key="new_display_name")
            role = st.selectbox(t("col.role"), [r.value for r in Role], index=None, placeholder=t("admin.choose_role"),
                                format_func=lambda r: label("role", r), key="new_role")
            temporary = st.text_input(t("admin.temporary_password"), type="password", key="new_password")
            if st.form_submit_button(t("admin.create")):
                try:
                    with session_scope(web.engine()) as session:
                        created = admin_create_user(session, actor, username=username, display_name=display_name,
                                                    role=role, org_code=org_code, temporary_password=temporary).username
                except forms.REFUSALS as exc:
                    forms.show_refusal(exc)
                else:
                    forms.done(t("admin.created", username=created), prefix="new_")
    with st.form("manage_user"):
        st.subheader(t("admin.manage_user"), anchor=False)
        by_name = {u["username"]: u for u in found.rows}
        chosen = st.selectbox(t("col.username"), list(by_name), placeholder=t("form.choose"), key="manage_username")
        action = st.radio(t("col.action"), ["disable", "enable", "temporary"], format_func=lambda a: t(f"admin.do_{a}"),
                          horizontal=True, key="manage_action")
        new_password = st.text_input(t("admin.temporary_password"), type="password", key="manage_password")
        if st.form_submit_button(t("admin.apply")) and chosen:
            version = user_versions[chosen]
            stale = dict(typed={t("col.username"): chosen, t("col.action"): t(f"admin.do_{action}")},
                         current=lambda s: _user_now(s, actor, chosen), prefix="manage_")
            if action == "temporary":
                forms.save(lambda s: set_temporary_password(s, actor, username=chosen, password=new_password,
                                                      expected_version=version), t("admin.applied", username=chosen),
                     **stale)
            else:
                forms.save(lambda s: set_active(s, actor, username=chosen, active=action == "enable", expected_version=version),
                     t("admin.applied", username=chosen), **stale)
    reminders.admin_form(actor, found.rows, user_versions)
    with session_scope(web.engine()) as session:  # read again: the action just taken shows
        shown = find_users(session, actor, query=st.session_state.get("users_find", ""), page=found.page)
    table.dataframe(users_table(shown.rows), hide_index=True, width="stretch", placeholder="")
    shown_key = "admin.users_shown_more" if shown.more else "admin.users_shown"
    text.caption(t(shown_key, shown=fmt_number(len(shown.rows)), total=fmt_number(shown.total)), container=table)


def _versions(actor: Actor, key: str, *codes: str | None) -> dict[str, int]:
    """The versions of the organizations chosen in a form, as drawn (see forms.as_drawn)."""
    with session_scope(web.engine()) as session:
        return forms.as_drawn(key, organization_versions(session, actor, codes))


def _tree_table(actor: Actor, whole: bool) -> None:
    """The organizations: the whole tree where it is short, else those under the one chosen."""
    if whole:
        with session_scope(web.engine()) as session:
            st.dataframe(organizations_table(organization_tree(session, actor)), hide_index=True, width="stretch",
                         height=360, placeholder="")
        return
    seen = pickers.organization(t("org.browse"), "org_browse", actor, parents_only=True, whole=False)
    with session_scope(web.engine()) as session:
        shown = organizations_under(session, actor, seen)
    st.dataframe(organizations_table(shown), hide_index=True, width="stretch", height=360, placeholder="")


def organizations_tab(actor: Actor) -> None:
    whole = pickers.whole_list(actor)
    table = st.container()
    add, rename, reorganize, activate = st.tabs([t("org.add"), t("org.rename"), t("reorg.tab"), t("org.activate")],
                                                key=ORG_TABS, on_change="rerun")
    # Only what exists today can be added under, renamed or set up; the past is the restructuring's.
    if add.open:
        with add:
            parent = pickers.organization(t("org.parent"), "org_parent", actor, parents_only=True, whole=whole)
            with st.form("add_org"):
                code = st.text_input(t("org.code"), key="org_code")
                name = st.text_input(t("org.name"), key="org_name")
                kind = restructure.kind_field(t("org.kind"), "org_kind")
                sector = restructure.sector_field("org_sector")
                authorized = st.checkbox(t("org.authorized"), key="org_authorized")
                youth_union = st.checkbox(t("org.has_youth_union"), key="org_youth_union")
                if st.form_submit_button(t("org.add")):
                    forms.save(lambda s: add_organization(s, actor, parent_code=parent, code=code, name=name, kind=kind,
                                                          sector=sector, authorized=authorized,
                                                          has_youth_union=youth_union),
                               t("org.saved"), prefix="org_")
    if rename.open:
        with rename:
            text.caption(t("reorg.rename_correction"))
            chosen = pickers.organization(t("col.organization"), "rename_code", actor, whole=whole)
            versions = _versions(actor, "admin_rename_versions", chosen)
            with st.form("rename_org"):
                new_name = st.text_input(t("org.new_name"), key="rename_name")
                if st.form_submit_button(t("org.rename")) and chosen:
                    forms.save(lambda s: rename_organization(s, actor, org_code=chosen, name=new_name,
                                                             expected_version=versions[chosen]), t("org.saved"),
                               typed={t("col.organization"): _named(actor, chosen), t("org.name"): new_name},
                               current=lambda s: _organization_now(s, actor, chosen), prefix="rename_")
    if reorganize.open:
        with reorganize:
            restructure.restructure_tab(actor, whole)
    if activate.open:
        with activate:
            _setup_forms(actor, whole)
    with table:
        _tree_table(actor, whole)


def _named(actor: Actor, code: str) -> str:
    """«Name (CODE)» of an organization of the caller's, as a form's summary names it."""
    with session_scope(web.engine()) as session:
        org = org_in_scope(session, actor, code)
        return f"{org.name} ({org.code})"


def _setup_forms(actor: Actor, whole: bool) -> None:
    """Ngừng / hoạt động lại: the state, the Đoàn beside it, the authorization, each of one organization."""
    chosen = pickers.organization(t("col.organization"), "state_code", actor, whole=whole)
    versions = _versions(actor, "admin_state_versions", chosen)
    with st.form("activate_org"):
        active = st.radio(t("org.state"), [False, True], format_func=lambda a: t(f"org.active_{a}"), horizontal=True,
                          key="state_active")
        if st.form_submit_button(t("admin.apply")) and chosen:
            forms.save(lambda s: set_organization_active(s, actor, org_code=chosen, active=active,
                                                         expected_version=versions[chosen]), t("org.saved"),
                       typed={t("col.organization"): _named(actor, chosen), t("org.state"): t(f"org.active_{active}")},
                       current=lambda s: _organization_now(s, actor, chosen), prefix="state_")
    _flag_form(actor, chosen, "youth_union_org", "org.has_youth_union", "org.save_youth_union", "union_",
               lambda s, value: set_organization_youth_union(s, actor, org_code=chosen, has_youth_union=value,
                                                             expected_version=versions[chosen]))
    _flag_form(actor, chosen, "authorized_org", "org.authorized", "org.save_authorized", "power_",
               lambda s, value: set_organization_authorized(s, actor, org_code=chosen, authorized=value,
                                                            expected_version=versions[chosen]))


def _flag_form(actor: Actor, chosen: str | None, form: str, field: str, submit: str, prefix: str, write) -> None:
    """A form of one yes/no setting of the organization chosen (`write(session, value)`), its
    save checked against the version drawn."""
    with st.form(form):
        value = st.checkbox(t(field), key=f"{prefix}value")
        if st.form_submit_button(t(submit)) and chosen:
            forms.save(lambda s: write(s, value), t("org.saved"),
                       typed={t("col.organization"): _named(actor, chosen), t(field): t(f"audit.bool_{value}")},
                       current=lambda s: _organization_now(s, actor, chosen), prefix=prefix)


def plans_tab(actor: Actor) -> None:
    left, right = st.columns([3, 1])
    parent = pickers.organization(t("plans.parent"), "plans_parent", actor, parents_only=True, container=left)
    year = right.number_input(t("filter.year"), min_value=FIRST_YEAR, max_value=last_year(current_day()),
                              value=current_day().year, step=1, key="plans_year")
    if parent is None:
        text.caption(t("plans.choose_parent"))
        return
    base_key, own_key = f"plans_base_{parent}_{year}", f"plans_own_{parent}_{year}"
    with session_scope(web.engine()) as session:
        subtree = resolve(session, actor, parent)
        parents = {parent: subtree.name}
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

            def own_now(session) -> dict[str, str]:
                now = own_plan(session, subtree, year=int(year))
                return plans_texts(pd.DataFrame([(parent, parents[parent], fmt_number(now.target),
                                                  "" if now.members_start is None else fmt_number(now.members_start))],
                                                columns=["code", "name", "target", "members_start"]))

            typed = plans_texts(pd.DataFrame([(parent, parents[parent], own_target, own_members)],
                                             columns=["code", "name", "target", "members_start"]))
            forms.save(lambda s: save_own_plan(s, actor, org_code=parent, year=int(year), row=row), t("plans.saved"),
                 typed=typed, current=own_now, prefix=own_key, only_differences=True)
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
        placeholder="",
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
        # After a refusal because someone else saved meanwhile, the grid is read again and what
        # was typed is shown beside it (only the cells that differ).
        forms.save(lambda s: save_plans(s, actor, parent_code=parent, year=int(year), rows=rows), t("plans.saved"),
             typed=plans_texts(edited), current=lambda s: plans_texts(plans_text(plans_grid(s, subtree, year=int(year)))),
             prefix=(base_key, f"plans_editor_{parent}_{year}"), only_differences=True)


def audit_tab(actor: Actor) -> None:
    left, middle, right = st.columns(3)
    who = left.text_input(t("admin.filter_user"), key="audit_user")
    entity = middle.selectbox(t("col.entity"), ["", "candidate", "user", "organization", "database"],
                              format_func=lambda e: t(f"entity.{e}") if e else t("admin.all"),
                              placeholder=t("form.choose"), key="audit_entity")
    since_text = right.text_input(t("admin.filter_since"), placeholder="01/01/2024", key="audit_since")
    try:
        since = parse_date(since_text) if since_text.strip() else None
    except ValueError as exc:
        text.warning(str(exc))
        since = None
    with session_scope(web.engine()) as session:
        entries = audit_log(session, actor, username=who or None, entity=entity or None, since=since)
        unproven = unproven_resolutions(session, resolve(session, actor, None))
        unrecorded = unrecorded_recognitions(session, resolve(session, actor, None))
    if not unrecorded.empty:  # official decisions recorded before recognition was three steps (migration 0006)
        with st.expander(t("recog.unrecorded_title", count=fmt_number(len(unrecorded)))):
            text.caption(t("recog.unrecorded_caption"))
            widgets.table(unrecorded_table(unrecorded))
    if not unproven.empty:  # what the 2/3 of members rule flags in resolutions recorded before it (migration 0005)
        with st.expander(t("vote.unproven_title", count=fmt_number(len(unproven)))):
            text.caption(t("vote.unproven_caption"))
            widgets.table(unproven_table(unproven))
    widgets.table(audit_table(entries))
    if not entries.empty and st.toggle(t("audit.show_raw"), key="audit_raw"):
        widgets.table(audit_raw_table(entries))


def calendar_tab(actor: Actor) -> None:
    """Lịch làm việc: the admin's changes to the working days of one year, adding and removing them."""
    text.caption(t("calendar.caption"))
    text.caption(t("calendar.unverified"))
    year = st.number_input(t("calendar.year"), min_value=FIRST_YEAR, max_value=last_year(current_day()), value=current_day().year,
                           step=1, key="calendar_year")
    table = st.container()
    with st.form("calendar_add"):
        text.subheader(t("calendar.add"))
        day = forms.date_field(t("calendar.day"), None, "calendar_day")
        working = st.radio(t("calendar.kind"), [False, True], index=None, horizontal=True,
                           format_func=lambda w: t("calendar.kind_working" if w else "calendar.kind_off"),
                           key="calendar_working")
        note = st.text_input(t("calendar.note"), key="calendar_note")
        if st.form_submit_button(t("calendar.add")):
            forms.save(lambda s: add_day_override(s, actor, day=day, working=working, note=note),
                       t("calendar.added", day=fmt_date(day)), prefix="calendar_")
    with session_scope(web.engine()) as session:
        changes = day_overrides(session, actor, year=int(year))
    with st.form("calendar_remove"):
        text.subheader(t("calendar.remove"))
        days = [c.day for c in changes]
        chosen = st.selectbox(t("calendar.remove_day"), days, format_func=fmt_date, index=None,
                              placeholder=t("form.choose"), key="calendar_remove_day")
        if st.form_submit_button(t("calendar.remove"), disabled=not days):
            forms.save(lambda s: remove_day_override(s, actor, day=chosen), t("calendar.removed", day=fmt_date(chosen)),
                       prefix="calendar_remove")
    if not changes:
        text.caption(t("calendar.none", year=int(year)), container=table)
        return
    table.dataframe(pd.DataFrame({
        t("calendar.day"): [fmt_date(c.day) for c in changes],
        t("calendar.kind"): [t("calendar.kind_working" if c.working else "calendar.kind_off") for c in changes],
        t("calendar.library"): [t("calendar.library_working" if c.library_working else "calendar.library_off")
                                for c in changes],
        t("calendar.note"): [c.note for c in changes],
        t("calendar.recorded_by"): [c.recorded_by for c in changes],
    }), hide_index=True, width="stretch", placeholder="")
