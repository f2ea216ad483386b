"""The dossier on the record page: the checklist of papers (what is there, what is missing,
what expires when) and, for those who edit the record, the form to record a paper.
Streamlit-bound; the rules and the writes are in core.procedure.dossier and core.procedure.papers."""
from __future__ import annotations

import streamlit as st

from core.access.scope import Actor
from core.config import current_day
from core.format import fmt_date
from core.i18n import label, t
from core.procedure.dossier import PaperKind
from core.procedure.papers import (
    candidate_checklist,
    checklist_table,
    paper_done_text,
    record_paper,
)
from core.storage.db import session_scope
from core.storage.models import Candidate
from ui import forms, steps, text, web, widgets


def checklist_section(actor: Actor, candidate: Candidate) -> None:
    """The checklist of the candidate's next steps."""
    with session_scope(web.engine()) as session:
        items = candidate_checklist(session, actor, candidate.id, today=current_day(), rules=web.settings().rules)
    st.subheader(t("paper.checklist"), anchor=False)
    if not items:
        text.caption(t("paper.checklist_empty"))
        return
    widgets.table(checklist_table(items), key="dossier_checklist")


def paper_form(actor: Actor, candidate: Candidate, *, seen: int, tag: str, prefix: tuple[str, ...]) -> None:
    """The form recording a paper (kind, number, date; whose, for a 3-KNĐ), on the version `seen`."""
    with st.form("record_paper"):
        kind = st.selectbox(t("paper.kind"), [k.value for k in PaperKind], format_func=lambda k: label("paper", k),
                            index=None, placeholder=t("form.choose"), key=f"paper_kind_{tag}")
        number = st.text_input(t("paper.number"), key=f"paper_number_{tag}")
        issued = forms.date_field(t("paper.date"), None, f"paper_date_{tag}")
        holder = st.text_input(t("paper.holder"), key=f"paper_holder_{tag}")
        note = st.text_input(t("paper.note"), key=f"paper_note_{tag}")
        if st.form_submit_button(t("paper.save")):
            typed = {t("paper.kind"): label("paper", kind) if kind else "", t("paper.number"): number,
                     t("paper.date"): fmt_date(issued), t("paper.holder"): holder}
            steps.save_on_record(
                actor, candidate.id,
                lambda s: record_paper(s, actor, candidate_id=candidate.id, expected_version=seen, kind=kind,
                                       issue_date=issued, today=current_day(), rules=web.settings().rules,
                                       document_number=number, holder=holder, note=note),
                paper_done_text(kind, holder, issued, candidate.full_name) if kind and issued else "",
                typed, lambda _record, _history: {}, prefix=prefix)
