"""Trình chiếu: the headline figures for the meeting room; aggregates only, never a person."""
import streamlit as st

from core import auth, web
from core.format import fmt_progress
from core.i18n import t
from core.progress import headline
from core.stages import Role

actor = auth.guard(Role.ADMIN, Role.LEADER, Role.PROJECTOR)
view = web.view_from_url(actor)

figures = web.cached_org_figures(web.current_version(), actor, view.org_code, view.year, view.as_of)
head = headline(figures)
st.title(t("projector.heading", org=head.name, year=view.year))
st.metric(t("col.admitted_target"), fmt_progress(head.admitted, head.target))
st.caption(t("grassroots.phrase", count=head.grassroots_admitting, total=head.grassroots_total))
