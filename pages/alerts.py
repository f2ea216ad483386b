"""Cảnh báo: lagging organizations and procedure clocks running out, one block per
organization, worst first, each with where to act; candidates' names only for the roles
allowed to see them."""
import pandas as pd
import streamlit as st

from core.figures.alerts import ALERT_KINDS, due_by_candidate, group_alerts
from core.format import fmt_number
from core.i18n import label, t
from core.procedure.stages import Role
from ui import alerts as blocks
from ui import auth, reports, text, web, widgets

actor = auth.guard(Role.ADMIN, Role.LEADER, Role.SECRETARY)
st.title(t("page.alerts"), anchor=False)
view = widgets.view_controls(actor, compare=False)
version = web.current_version(view.subtree)
widgets.breadcrumb(view.subtree, view.day)
lists = web.cached_lists_candidates(version, view.subtree)
alerts = web.cached_alerts(version, view.subtree, view.year, view.as_of, lists)
names_allowed = lists and actor.sees_personal_data
clocks = web.cached_clocks(version, view.subtree, view.as_of) if names_allowed else pd.DataFrame()

counts = {kind: sum(1 for a in alerts if a.kind == kind) for kind in ALERT_KINDS}
present = [kind for kind in ALERT_KINDS if counts[kind]]
chosen = st.pills(t("alerts.filter"), present, selection_mode="multi", default=present, key="f_alert_kinds",
                  format_func=lambda k: f"{label('alert_kind', k)} ({fmt_number(counts[k])})")
shown = [a for a in alerts if a.kind in chosen]
groups = group_alerts(shown)
text.caption(t("alerts.count", shown=fmt_number(len(shown)), total=fmt_number(len(alerts)),
               orgs=fmt_number(len(groups))))
if alerts.unplanned:
    text.caption(t("alerts.no_target", count=fmt_number(alerts.unplanned), year=view.year))
if groups:
    # What is on screen starts again from the top when the view or the filter changes.
    key = "alerts_shown_" + "_".join([view.subtree.code, str(view.year), *sorted(chosen)])
    limit = widgets.shown_count(key, len(groups))
    for group in groups[:limit]:
        blocks.alert_group(group, year=view.year, clocks=clocks)
    widgets.more_controls(key, limit, len(groups), t("alerts.what_orgs"))
elif alerts:
    st.info(t("alerts.none_chosen"))
else:
    st.success(t("alerts.none"))
reports.export_button(actor, "alerts", view)

if not lists:
    widgets.lists_further_down()
elif names_allowed:
    st.subheader(t("alerts.candidates"), anchor=False)
    due = due_by_candidate(clocks)
    if not due:
        st.caption(t("alerts.no_clocks"))
    else:
        key = f"due_shown_{view.subtree.code}_{view.as_of.isoformat()}"
        limit = widgets.shown_count(key, len(due))
        for item in due[:limit]:
            blocks.candidate_due(item)
        widgets.more_controls(key, limit, len(due), t("alerts.what_people"))
