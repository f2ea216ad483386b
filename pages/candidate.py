"""Hồ sơ quần chúng (?id=): one candidate's details, whole history and audit trail; for the
secretary and the admin, the forms to record the next stage, an exit or a correction, or to
edit the details. Each form carries the version the user saw, so a change made meanwhile by
someone else is refused instead of overwritten."""

import streamlit as st

from core.access.filters import record_id
from core.access.scope import NotFoundError, ScopeError
from core.config import current_day
from core.figures.tables import (
    audit_raw_table,
    audit_table,
    candidate_texts,
    exit_texts,
    field_texts,
    history_table,
    void_target,
    void_texts,
)
from core.format import fmt_date, fmt_echo
from core.i18n import label, t
from core.procedure.candidates import (
    candidate_audit,
    candidate_detail,
    candidate_history,
    latest_in_force,
)
from core.procedure.pipeline import (
    edit_candidate,
    record_exit,
    route_for,
    void_event,
)
from core.procedure.recognition import unrecorded_notes
from core.procedure.stages import Exit, Role
from core.procedure.votes import unproven_notes
from core.storage.db import session_scope
from ui import auth, documents, dossier, forms, steps, text, transfer, web, widgets

actor = auth.guard(Role.ADMIN, Role.LEADER, Role.SECRETARY)
asked_id = record_id(st.query_params.get("id"))
if asked_id is None:
    text.error(t("candidate.bad_id", value=fmt_echo(st.query_params.get("id", ""))))
    st.stop()
try:
    with session_scope(web.engine()) as session:
        candidate, org = candidate_detail(session, actor, asked_id)
        history = candidate_history(session, actor, candidate.id)
        trail = candidate_audit(session, actor, candidate.id)
        route = route_for(session, org)
except (ScopeError, NotFoundError) as exc:
    text.error(str(exc))
    st.stop()

seen_key = f"seen_version_{candidate.id}"
FORM_KEYS = ("step_", "exit_", "void_", "edit_", "paper_")
seen = st.session_state.setdefault(seen_key, candidate.version)  # the version the forms were filled on
forms.show_done()
stage_now = label("exit", candidate.exit) if candidate.exit else label("stage", candidate.stage)
text.title(candidate.full_name)
text.caption(t("candidate.where", org=org.name, stage=stage_now, since=fmt_date(candidate.exit_date or candidate.stage_date)))
st.page_link("pages/branch.py", label=t("candidate.back"), query_params={"org": org.code})
st.subheader(t("candidate.history"), anchor=False)
widgets.table(history_table(history), key="history")
for note in unproven_notes(history) + unrecorded_notes(candidate, route):
    text.caption(note)
dossier.checklist_section(actor, candidate)


def save(action, done_message: str, typed: dict[str, str], current, *, only_differences: bool = False) -> None:
    """steps.save_on_record for this record's forms, emptied after it with the version they were filled on."""
    steps.save_on_record(actor, candidate.id, action, done_message, typed, current, prefix=(*FORM_KEYS, seen_key),
                         only_differences=only_differences)


if actor.edits_candidates:
    today = current_day()
    name = candidate.full_name
    # Every widget is keyed by the version the forms were filled on: after a write each form
    # opens empty (the browser would otherwise keep, and send again, the last values typed).
    v = seen
    step, paper, leave, undo, details = st.tabs([t("candidate.tab_step"), t("paper.form"), t("candidate.tab_exit"),
                                                 t("candidate.tab_void"), t("candidate.tab_edit")])
    with step:
        steps.step_form(actor, candidate, org, seen=seen, tag=str(v), prefix=(*FORM_KEYS, seen_key))
    with paper:
        dossier.paper_form(actor, candidate, seen=seen, tag=str(v), prefix=(*FORM_KEYS, seen_key))
    with leave, st.form("record_exit"):
        exit_kind = st.selectbox(t("candidate.exit_kind"), [e.value for e in Exit], format_func=lambda e: label("exit", e),
                                 index=None, placeholder=t("form.choose"), key=f"exit_kind_{v}")
        exit_date = forms.date_field(t("candidate.date"), None, f"exit_date_{v}")
        reason = st.text_area(t("candidate.reason"), key=f"exit_reason_{v}")
        exit_document = st.text_input(t("candidate.document"), key=f"exit_document_{v}")
        if st.form_submit_button(t("candidate.save_exit")):
            save(lambda s: record_exit(s, actor, candidate_id=candidate.id, expected_version=seen,
                                        exit_=Exit(exit_kind) if exit_kind else None, event_date=exit_date, today=today,
                                        reason=reason, document_number=exit_document),
                  t("candidate.exit_done", exit=label("exit", exit_kind) if exit_kind else "", date=fmt_date(exit_date),
                    name=name),
                  field_texts({t("candidate.exit_kind"): label("exit", exit_kind) if exit_kind else None,
                               t("candidate.date"): exit_date, t("candidate.reason"): reason,
                               t("candidate.document"): exit_document}),
                  exit_texts)
    with undo, st.form("void_event"):
        latest = latest_in_force(history)
        # The step the user was asked to confirm, as the form was filled.
        latest_id, voided = st.session_state.setdefault(
            f"void_target_{candidate.id}_{v}", (None if latest is None else int(latest["id"]), void_target(history)))
        if voided is not None:
            text.markdown(t("candidate.void_what", step=voided))
        void_reason = st.text_area(t("candidate.reason"), key=f"void_reason_{v}")
        confirmed = st.checkbox(t("form.confirm_void"), key=f"void_confirm_{v}")
        if st.form_submit_button(t("candidate.save_void"), disabled=latest_id is None):
            save(lambda s: void_event(s, actor, candidate_id=candidate.id, expected_version=seen,
                                       event_id=latest_id, reason=void_reason, confirmed=confirmed),
                  t("candidate.void_done", step=voided, name=name),
                  field_texts({t("candidate.tab_void"): voided, t("candidate.reason"): void_reason}), void_texts)
    with details, st.form("edit_candidate"):
        data = forms.candidate_fields(f"edit_{v}", candidate)
        if st.form_submit_button(t("candidate.save_edit")):
            save(lambda s: edit_candidate(s, actor, candidate_id=candidate.id, expected_version=seen, data=data,
                                           today=today),
                  t("candidate.edit_done", name=data.full_name.strip()), candidate_texts(data),
                  lambda record, _events: candidate_texts(record), only_differences=True)

transfer.moves_section(actor, candidate, org, seen=seen, tag=str(seen), prefix=(*FORM_KEYS, seen_key))
documents.drafts_section(actor, candidate.id)

st.subheader(t("candidate.audit"), anchor=False)
widgets.table(audit_table(trail), key="audit")
if actor.role is Role.ADMIN and not trail.empty and st.toggle(t("audit.show_raw"), key="audit_raw"):
    widgets.table(audit_raw_table(trail))
