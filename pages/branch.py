"""Chi bộ: a branch's plan and progress, what is due (the work list's cards, each opening the
step form), its candidates with their next step and a chooser that opens a record by touch, and
adding a candidate. Secretaries and the admin edit; a leader reads."""

import streamlit as st

from core.config import current_day
from core.figures.progress import children_of, headline
from core.figures.tables import worklist_table
from core.format import fmt_number
from core.i18n import t
from core.procedure.pipeline import add_candidate
from core.procedure.stages import Role
from core.storage.db import session_scope
from ui import auth, forms, reports, text, web, widgets, worklist

actor = auth.guard(Role.ADMIN, Role.LEADER, Role.SECRETARY)
st.title(t("page.branch"), anchor=False)
forms.show_done()
view = widgets.view_controls(actor, compare=False)
version = web.current_version(view.subtree)
widgets.breadcrumb(view.subtree, view.day)
figures = web.cached_org_figures(version, view.subtree, view.year, view.as_of)
head = headline(figures)
text.header(t("overview.heading", org=head.name, year=view.year))
widgets.headline_metrics(head, headline(web.cached_org_figures(version, view.subtree, view.year, view.compare)))
widgets.drill_down(children_of(figures))

if not web.cached_lists_candidates(version, view.subtree):
    widgets.lists_further_down()
    st.stop()
due_days = web.settings().rules.due_soon_days
text.subheader(t("branch.todo", days=fmt_number(due_days)))
work = web.cached_work_cards(version, view.subtree, current_day())
todo = [card for card in work if card.is_urgent]
if not todo:
    st.success(t("branch.nothing_due"))
else:
    worklist.cards(actor, todo, key="branch")

st.subheader(t("branch.candidates"), anchor=False)
worklist.record_picker(work)
widgets.table(worklist_table(work), key="candidates",
              column_config={t("col.record"): st.column_config.LinkColumn(display_text=t("branch.open"), width="small")})
reports.export_button(actor, "candidates", view)

if not actor.edits_candidates:
    st.info(t("branch.read_only"))
    st.stop()
names = web.cached_cells(version, view.subtree)
st.subheader(t("branch.add"), anchor=False)
with st.form("add_candidate"):
    # Nothing is chosen for the user, unless there is only one chi bộ to choose.
    cell = st.selectbox(t("branch.cell"), list(names), format_func=names.get, key="add_cell",
                        index=0 if len(names) == 1 else None, placeholder=t("form.choose"))
    listed_on = forms.date_field(t("branch.source_date"), None, "add_source_date")
    data = forms.candidate_fields("add")
    if st.form_submit_button(t("branch.add"), type="primary"):
        try:
            with session_scope(web.engine()) as session:
                added = add_candidate(session, actor, org_code=cell or "", data=data, source_date=listed_on,
                                      today=current_day(), rules=web.settings().rules)
                added_id = added.id
        except forms.REFUSALS as exc:
            forms.show_refusal(exc)
        else:
            forms.done(t("branch.added", name=data.full_name.strip()), prefix="add_", record_id=added_id)
