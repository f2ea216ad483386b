"""Choosing an organization in the admin's forms, at any size of tree.

A short tree (core.structure.organizations.is_whole_list) is one list of every live
organization, as a person reads it ("Chi bộ thôn 1 – Đảng ủy xã A"). A large one is offered
level by level: the caller's own organization and those under it, then, once one is chosen,
it and those under it, and so on down; the choice is the last level's. A level lists only one
organization's children, so the province's or the whole Party's tree is never read to draw a
form. Streamlit-bound; the queries are core's. Outside forms: choosing a level reruns the page.
"""
from __future__ import annotations

from collections.abc import Iterable

import streamlit as st

from core.access.scope import Actor, org_in_scope
from core.i18n import t
from core.storage.db import session_scope
from core.structure.organizations import (
    chain_of,
    children_choices,
    is_whole_list,
    live_choices,
    organization_names,
)
from ui import faults, web

LEVELS = 12  # deeper than any tree of the Party (Trung ương → tỉnh → xã → đảng bộ bộ phận → chi bộ)


def whole_list(actor: Actor) -> bool:
    """The caller's tree is short enough to be one list (read once per run)."""
    with session_scope(web.engine()) as session:
        return is_whole_list(session, actor)


def _level_key(key: str, level: int) -> str:
    return f"{key}__{level}"


@faults.guarded_callback
def _deeper_cleared(key: str, level: int) -> None:
    """Another organization chosen at `level`: the levels below it were under the one before."""
    for deeper in range(level + 1, LEVELS):
        st.session_state.pop(_level_key(key, deeper), None)


def organization(label_text: str, key: str, actor: Actor, *, parents_only: bool = False,
                 exclude: Iterable[str] = (), extra: dict[str, str] | None = None, container=st,
                 whole: bool | None = None, placeholder: str | None = None) -> str | None:
    """The code of the organization chosen (None until one is), among the caller's live ones
    (only those that can have organizations under them where `parents_only`), never one of
    `exclude`; `extra` ({code: name}, organizations not yet founded) are offered first."""
    excluded = set(exclude)
    extra = dict(extra or {})
    if whole is None:
        whole = whole_list(actor)
    if whole:
        with session_scope(web.engine()) as session:
            choices = extra | {c: n for c, n in live_choices(session, actor, parents_only=parents_only).items()
                               if c not in excluded}
        return container.selectbox(label_text, list(choices), index=None, format_func=choices.get,
                                   placeholder=placeholder or t("form.choose"), key=key)
    return _by_levels(label_text, key, actor, parents_only, excluded, extra, container, placeholder)


def _by_levels(label_text: str, key: str, actor: Actor, parents_only: bool, excluded: set[str],
               extra: dict[str, str], container, placeholder: str | None) -> str | None:
    box = container.container(border=True)
    chosen = st.session_state.get(key)
    with session_scope(web.engine()) as session:
        if chosen and _level_key(key, 0) not in st.session_state:  # chosen before (a redraw): its levels
            chain = chain_of(session, actor, chosen)
            for level, code in enumerate((chain[1:] or chain)[:LEVELS]):  # below the caller's own
                st.session_state[_level_key(key, level)] = code
        own = org_in_scope(session, actor, None)
        top, top_name = own.code, own.name
        live_top = top in children_choices(session, actor, None)  # one that has ended is no choice
        picked: str | None = None
        parent, parent_name = top, top_name
        for level in range(LEVELS):
            under = {c: n for c, n in children_choices(session, actor, parent, parents_only=parents_only).items()
                     if c not in excluded}
            if level == 0:  # the caller's own organization, then those under it
                names = extra | ({top: top_name} if live_top and top not in excluded else {}) | under
            elif under:  # the one chosen above stays the choice until one under it is chosen
                names = {parent: t("pick.itself", name=parent_name)} | under
            else:
                break
            level_key = _level_key(key, level)
            if level_key in st.session_state and st.session_state[level_key] not in names:
                del st.session_state[level_key]
            value = box.selectbox(label_text if level == 0 else t("pick.under", name=parent_name), list(names),
                                  index=None if level == 0 else 0, format_func=names.get,
                                  placeholder=placeholder or t("form.choose"), key=level_key,
                                  on_change=_deeper_cleared, args=(key, level))
            picked = value if value is not None else picked
            if value is None or value in extra or value == parent or (level == 0 and value == top):
                break
            parent, parent_name = value, names[value]
    if picked in excluded:
        picked = None
    st.session_state[key] = picked
    return picked


@faults.guarded_callback
def _added(key: str, code: str | None) -> None:
    """«Thêm»: the organization chosen below joins the list; the levels start again."""
    if code and code not in st.session_state.get(key, []):
        st.session_state[key] = [*st.session_state.get(key, []), code]
    for level in range(LEVELS):
        st.session_state.pop(_level_key(f"{key}__add", level), None)
    st.session_state.pop(f"{key}__add", None)


def organizations(label_text: str, key: str, actor: Actor, *, whole: bool | None = None) -> list[str]:
    """The codes of the organizations chosen, in the order chosen, among the caller's live
    ones: one list to choose from where the tree is short; where it is large, the list of those
    chosen so far and, below it, one more chosen level by level and added with «Thêm»."""
    if whole is None:
        whole = whole_list(actor)
    if whole:
        with session_scope(web.engine()) as session:
            choices = live_choices(session, actor)
        return st.multiselect(label_text, list(choices), format_func=choices.get, placeholder=t("form.choose"),
                              key=key)
    box = st.container(border=True)
    with session_scope(web.engine()) as session:
        names = organization_names(session, actor, st.session_state.get(key, []))
    st.session_state[key] = list(names)  # none left that has gone meanwhile
    chosen = box.multiselect(label_text, list(names), format_func=names.get, placeholder=t("pick.none_yet"), key=key)
    adding = organization(t("pick.add_one"), f"{key}__add", actor, exclude=chosen, container=box, whole=False)
    box.button(t("pick.add"), key=f"{key}__add_button", on_click=_added, args=(key, adding), disabled=adding is None)
    return chosen
