"""The work list drawn for a thumb: one bordered card per candidate (core.figures.todo.WorkCard)
with one full-width button that opens the step form in a dialog (ui.steps, the same form as
on the record page), the roll-up of a đảng ủy's chi bộ as buttons that filter the cards, and a
chooser that opens any candidate's record by touch. Used by "Việc của tôi" and the branch page.
Streamlit-bound; what is due, and why, is computed in core."""
from __future__ import annotations

import streamlit as st

from core.access.scope import Actor, NotFoundError, ScopeError, Subtree
from core.figures.todo import RollUp, WorkCard
from core.format import fmt_date, fmt_number
from core.i18n import label, t
from core.procedure.candidates import candidate_detail
from core.storage.db import session_scope
from ui import faults, steps, text, web, widgets

ICONS = {"overdue": ":material/error:", "due_soon": ":material/schedule:"}


@faults.guarded_callback
def _open_org(code: str) -> None:
    st.query_params["org"] = code


# The candidate whose step dialog is open: kept across runs, so that whatever reruns the whole
# page (a write elsewhere, a test driving it) draws the dialog again until it is saved or closed.
OPEN_KEY = "worklist_dialog"


@faults.guarded_callback
def _open_dialog(candidate_id: int) -> None:
    st.session_state.pop(_seen_key(candidate_id), None)  # the form is filled on the record as it is now
    st.session_state[OPEN_KEY] = candidate_id


@faults.guarded_callback
def _close_dialog() -> None:
    candidate_id = st.session_state.pop(OPEN_KEY, None)
    st.session_state.pop(_seen_key(candidate_id), None)


def summary(subtree: Subtree, cards: list[WorkCard]) -> None:
    """One line: how many candidates are in the procedure, how many overdue and due soon."""
    overdue = sum(c.state == "overdue" for c in cards)
    due_soon = sum(c.state == "due_soon" for c in cards)
    text.markdown(t("todo.summary", org=subtree.name, count=fmt_number(len(cards)), overdue=fmt_number(overdue),
                    due_soon=fmt_number(due_soon)))


def back_up(version: web.ViewKey, subtree: Subtree) -> None:
    """When the cards are filtered to an organization below the caller's own: a button back up."""
    crumbs = web.cached_ancestors(version, subtree)
    if len(crumbs) > 1:
        code, name = crumbs[-2]
        st.button(text.literal(t("todo.show_all", org=name)), key="todo_back_up", icon=":material/arrow_upward:",
                  width="stretch", on_click=_open_org, args=(code,))


def roll_up(rows: list[RollUp]) -> None:
    """The organizations directly below with overdue or due-soon cards, worst first: each a
    button showing only its cards."""
    text.subheader(t("todo.rollup"))
    if not rows:
        text.caption(t("todo.rollup_none"))
        return
    with st.container(key="todo_rollup"):
        for row in rows:
            st.button(text.literal(t("todo.rollup_item", org=row.org_name, overdue=fmt_number(row.overdue),
                                     due_soon=fmt_number(row.due_soon))),
                      key=f"todo_rollup_{row.org_code}", width="stretch",
                      icon=ICONS["overdue" if row.overdue else "due_soon"], on_click=_open_org, args=(row.org_code,))


def cards(actor: Actor, work: list[WorkCard], *, key: str) -> None:
    """The cards, a part of a long list at first with buttons for the rest (ui.widgets)."""
    shown_key = f"{key}_shown"
    shown = widgets.shown_count(shown_key, len(work))
    with st.container(key=f"{key}_cards"):
        for card in work[:shown]:
            _card(actor, card, key)
        widgets.more_controls(shown_key, shown, len(work), t("list.what_candidates"))
    opened = st.session_state.get(OPEN_KEY)
    if opened is not None and actor.edits_candidates and opened in {c.candidate_id for c in work}:
        _step_dialog(actor, opened)


def _deadline(card: WorkCard, key: str) -> None:
    """The nearest deadline: how long is left in words, in its state's colour (the app's
    stylesheet colours the container by its key: no Markdown colour syntax), what and by when."""
    if card.clock is None:
        text.markdown(t("todo.no_deadline"))
        return
    with st.container(key=f"{key}_state_{card.state}_{card.candidate_id}"):
        text.markdown(text.md(text.bold(card.deadline), " · ",
                              t("todo.deadline", clock=label("clock", card.clock), date=fmt_date(card.due))))


def _card(actor: Actor, card: WorkCard, key: str) -> None:
    with st.container(border=True, key=f"{key}_card_{card.candidate_id}"):
        text.markdown(text.bold(card.full_name))
        text.caption(card.org_name)
        text.markdown(t("todo.stage", stage=label("stage", card.stage), date=fmt_date(card.stage_date)))
        if card.next_stage:
            text.markdown(text.bold(t("todo.next", stage=label("stage", card.next_stage))))
        _deadline(card, key)
        if card.findings:
            text.markdown(text.md(text.bold(t("todo.missing")), "\n",
                                  *[part for f in card.findings for part in (text.Md("\n- "), f.message)]))
        if actor.edits_candidates and card.next_stage:
            st.button(text.literal(t("todo.record_step", stage=label("stage", card.next_stage))),
                      key=f"{key}_step_{card.candidate_id}", type="primary", width="stretch",
                      icon=":material/edit_note:", on_click=_open_dialog, args=(card.candidate_id,))
        st.page_link("pages/candidate.py", label=t("todo.open_record"), query_params={"id": str(card.candidate_id)},
                     icon=":material/badge:", width="stretch")


def _seen_key(candidate_id: int) -> str:
    return f"todo_seen_{candidate_id}"


@st.dialog(t("todo.dialog"), width="large", on_dismiss=_close_dialog)
def _step_dialog(actor: Actor, candidate_id: int) -> None:
    """The record page's step form, for one candidate, over the list; a write closes it and the
    list shows the card as it is now."""
    try:
        with session_scope(web.engine()) as session:
            candidate, org = candidate_detail(session, actor, candidate_id)
    except (ScopeError, NotFoundError) as exc:
        text.error(str(exc))
        return
    seen_key = _seen_key(candidate_id)
    seen = st.session_state.setdefault(seen_key, candidate.version)  # the version the form was filled on
    text.markdown(text.bold(t("todo.dialog_who", name=candidate.full_name, org=org.name)))
    steps.step_form(actor, candidate, org, seen=seen, tag=f"{candidate_id}_{seen}",
                    prefix=("step_", seen_key, OPEN_KEY), form_key=f"todo_step_{candidate_id}")


def record_picker(work: list[WorkCard]) -> None:
    """Choose a candidate by name, then a link that opens the record: works by touch (a table's
    link cells do not open on a phone)."""
    names = {c.candidate_id: f"{c.full_name} – {c.org_name}" for c in work}
    chosen = st.selectbox(t("branch.pick_record"), list(names), format_func=names.get,
                          index=None, placeholder=t("branch.pick_placeholder"), key="branch_pick")
    if chosen is not None:
        st.page_link("pages/candidate.py", label=text.literal(t("branch.open_picked", name=names[chosen])),
                     query_params={"id": str(chosen)}, icon=":material/open_in_new:", width="stretch")
