"""Cảnh báo: lagging organizations and procedure clocks running out, worst first, each with
where to act; candidates' names only for the roles allowed to see them."""
import streamlit as st

from core.figures.alerts import ALERT_KINDS
from core.figures.tables import alerts_table, clocks_table
from core.format import fmt_number
from core.i18n import label, t
from core.procedure.stages import Role
from ui import auth, reports, text, web, widgets

actor = auth.guard(Role.ADMIN, Role.LEADER, Role.SECRETARY)
st.title(t("page.alerts"))
view = widgets.view_controls(actor, compare=False)
version = web.current_version()
widgets.breadcrumb(view.subtree)
lists = web.cached_lists_candidates(version, view.subtree)
alerts = web.cached_alerts(version, view.subtree, view.year, view.as_of, lists)

counts = {kind: sum(1 for a in alerts if a.kind == kind) for kind in ALERT_KINDS}
present = [kind for kind in ALERT_KINDS if counts[kind]]
chosen = st.pills(t("alerts.filter"), present, selection_mode="multi", default=present, key="f_alert_kinds",
                  format_func=lambda k: f"{label('alert_kind', k)} ({fmt_number(counts[k])})")
shown = [a for a in alerts if a.kind in chosen]
text.caption(t("alerts.count", shown=fmt_number(len(shown)), total=fmt_number(len(alerts)),
             orgs=fmt_number(len({a.org_code for a in shown}))))
if shown:
    st.dataframe(
        alerts_table(shown, year=view.year), hide_index=True, width="stretch",
        column_config={t("col.message"): st.column_config.TextColumn(width="large"),
                       t("col.act"): st.column_config.LinkColumn(display_text=t("alerts.open"), width="small")},
        placeholder="",
    )
else:
    st.success(t("alerts.none"))
reports.export_button(actor, "alerts", view)

if not lists:
    widgets.lists_further_down()
elif actor.sees_personal_data:
    st.subheader(t("alerts.candidates"))
    clocks = web.cached_clocks(version, view.subtree, view.as_of)
    if clocks.empty:
        st.caption(t("alerts.no_clocks"))
    else:
        st.dataframe(clocks_table(clocks), hide_index=True, width="stretch", placeholder="")
