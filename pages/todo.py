"""Việc của tôi: the secretary's landing page, phone first. One card per candidate still in
the procedure, the most urgent first, each with its next step, the deadline in words and
colour, what the record lacks, and one button that opens the step form; above, for a đảng ủy,
which organizations below have overdue or due-soon work (a button shows only theirs)."""

import streamlit as st

from core.config import current_day
from core.figures.todo import has_cells_below
from core.i18n import t
from core.procedure.stages import Role
from ui import auth, forms, text, web, widgets, worklist

actor = auth.guard(Role.ADMIN, Role.SECRETARY)
st.title(t("page.todo"), anchor=False)
forms.show_done()
subtree = web.view_from_url(actor).subtree  # ?org= shows one organization below
version = web.current_version(subtree)
worklist.back_up(version, subtree)
if not web.cached_lists_candidates(version, subtree):
    widgets.lists_further_down()
    st.stop()
today = current_day()
cards = web.cached_work_cards(version, subtree, today)
if not cards:
    text.info(t("todo.empty", org=subtree.name))
    st.stop()
worklist.summary(subtree, cards)
if has_cells_below(subtree):
    worklist.roll_up(web.cached_roll_up(version, subtree, today))
worklist.cards(actor, cards, key=f"todo_{subtree.code}")
