"""Nguồn & quy trình: the funnel by stage, conversion and time in each stage, by sector;
candidates stuck in a stage and students of age before the next 03/02 (names only for the
roles allowed to see them)."""
import streamlit as st

from core.figures.tables import clocks_table, funnel_table, sector_table, students_table
from core.format import fmt_date, fmt_number
from core.i18n import t
from core.procedure.candidates import next_anniversary
from core.procedure.stages import Role
from ui import auth, text, web, widgets

actor = auth.guard(Role.ADMIN, Role.LEADER, Role.SECRETARY)
st.title(t("page.pipeline"), anchor=False)
view = widgets.view_controls(actor, compare=False)
version = web.current_version(view.subtree)
widgets.breadcrumb(view.subtree, view.day)

stages = web.cached_funnel(version, view.subtree, view.year, view.as_of)
left, right = st.columns([2, 3])
with left:
    text.subheader(t("pipeline.standing", date=fmt_date(view.as_of)))
    st.vega_lite_chart(web.cached_funnel_spec(version, view.subtree, view.year, view.as_of), width="stretch")
with right:
    text.subheader(t("pipeline.flow", year=view.year))
    st.dataframe(funnel_table(stages), hide_index=True, width="stretch", placeholder="")

st.subheader(t("pipeline.by_sector"), anchor=False)
widgets.table(sector_table(web.cached_sectors(version, view.subtree, view.year, view.as_of)))

if not web.cached_lists_candidates(version, view.subtree):
    widgets.lists_further_down()
elif actor.sees_personal_data:
    stuck = web.cached_clocks(version, view.subtree, view.as_of, ("stuck",))
    text.subheader(t("pipeline.stuck", days=fmt_number(web.settings().rules.stuck_days), count=fmt_number(len(stuck))))
    if not stuck.empty:
        st.dataframe(clocks_table(stuck), hide_index=True, width="stretch", placeholder="")
    students = web.cached_students(version, view.subtree, view.as_of)
    text.subheader(t("pipeline.students", date=fmt_date(next_anniversary(view.as_of)), count=fmt_number(len(students))))
    if not students.empty:
        st.dataframe(students_table(students), hide_index=True, width="stretch", placeholder="")
