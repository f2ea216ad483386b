"""Recording a candidate's steps: the one step form, drawn on the record page and in the work
list's dialog, and the write wrapper both use. Each form carries the version of the record it
was filled on, so a change made meanwhile by someone else is refused instead of overwritten.
Streamlit-bound; the checks are in core (core.procedure.pipeline.record_stage)."""
from __future__ import annotations

from datetime import date

import streamlit as st

from core.access.scope import Actor
from core.config import current_day
from core.figures.tables import field_texts, step_name, step_texts
from core.format import fmt_date
from core.i18n import t
from core.procedure.candidates import candidate_detail, candidate_history, next_steps
from core.procedure.pipeline import record_procedure_record, record_stage, route_for
from core.procedure.rules import Vote
from core.procedure.stages import RECORDS, Record, Stage
from core.storage.db import session_scope
from core.storage.models import Candidate, Organization
from ui import forms, text, web


def save_on_record(actor: Actor, candidate_id: int, action, done_message, typed: dict[str, str], current, *,
                   prefix: tuple[str, ...], only_differences: bool = False) -> None:
    """forms.save for one candidate's record: the forms (keys starting with `prefix`, the
    version they were filled on included) are emptied after it; after a stale refusal,
    `current(record, history)` reads the record as it is now, shown beside what was typed."""
    def now(session) -> dict[str, str]:
        fresh, _org = candidate_detail(session, actor, candidate_id)
        return current(fresh, candidate_history(session, actor, candidate_id))

    forms.save(action, done_message, prefix=prefix, typed=typed, current=now, only_differences=only_differences)


def step_form(actor: Actor, candidate: Candidate, org: Organization, *, seen: int, tag: str,
              prefix: tuple[str, ...], form_key: str = "record_stage") -> None:
    """The form recording the candidate's next stage: the stage, its date, document, note,
    votes (for a recognition vote, those against too), the day a decision was received and an
    acknowledged exception; or, chosen in the same list, an extension of the decision's clock
    or the upper committee's consent to a late ceremony (the note is then its reason). `seen`
    is the version of the record the form was filled on; `tag` ends every widget key, so after
    a write (a new version) the form opens empty and the browser cannot send the last values
    again; `prefix` are the keys emptied after a write; `form_key` names the form."""
    today = current_day()
    name = candidate.full_name
    rules = web.settings().rules
    with st.form(form_key):
        # The steps possible on the record as the form was filled (not as someone else has made
        # it since): what the user chose stays what is shown beside the record after a refusal.
        options_key = f"step_options_{candidate.id}_{tag}"
        if options_key not in st.session_state:
            with session_scope(web.engine()) as session:
                st.session_state[options_key] = next_steps(candidate, route_for(session, org))
        options = st.session_state[options_key]
        stage = st.selectbox(t("candidate.next_stage"), options, format_func=step_name,
                             index=0 if options else None, placeholder=t("form.choose"), key=f"step_stage_{tag}")
        when = forms.date_field(t("candidate.date"), None, f"step_date_{tag}")
        document = st.text_input(t("candidate.document"), key=f"step_document_{tag}")
        note = st.text_area(t("candidate.note"), key=f"step_note_{tag}")
        received = forms.date_field(t("candidate.received_date"), None, f"step_received_{tag}")
        text.caption(t("candidate.votes_help"))
        text.caption(t("candidate.recognition_votes_help"))
        left, right = st.columns(2)
        figures = {field: column.number_input(t(f"candidate.{field}"), min_value=0, step=1, value=None,
                                              key=f"step_{field}_{tag}")
                   for field, column in (("members_total", left), ("members_excused", left),
                                        ("votes_total", right), ("votes_for", right), ("votes_against", right))}
        text.caption(t("candidate.record_help", extension=rules.decision_extension_working_days,
                       ceremony=rules.ceremony_working_days))
        acknowledged = st.checkbox(t("candidate.acknowledge"), key=f"step_ack_{tag}")
        if st.form_submit_button(t("candidate.save_step"), disabled=not options, type="primary", width="stretch"):
            typed = {field: None if value is None else int(value) for field, value in figures.items()}
            vote = Vote(votes_for=typed["votes_for"], present=typed["votes_total"],
                        members_total=typed["members_total"], members_excused=typed["members_excused"],
                        votes_against=typed["votes_against"])

            def write(session) -> str:
                if stage in RECORDS:
                    event = record_procedure_record(
                        session, actor, candidate_id=candidate.id, expected_version=seen, record=Record(stage),
                        event_date=when, today=today, document_number=document, reason=note)
                else:
                    event = record_stage(
                        session, actor, candidate_id=candidate.id, expected_version=seen,
                        stage=Stage(stage) if stage else None, event_date=when, today=today, rules=rules,
                        document_number=document, note=note, vote=vote, received_date=received,
                        acknowledge_exceptions=acknowledged)
                return done_text(stage, event.stage, when, name)

            save_on_record(
                actor, candidate.id, write, lambda message: message,
                field_texts({t("candidate.next_stage"): step_name(stage) if stage else None,
                             t("candidate.date"): when, t("candidate.document"): document, t("candidate.note"): note,
                             t("candidate.received_date"): received,
                             **{t(f"candidate.{field}"): value for field, value in typed.items()}}),
                step_texts, prefix=prefix)


def done_text(chosen: str, written: str, when: date, name: str) -> str:
    """The confirmation of a step form's write: the stage entered, the record written, or a
    recognition vote recorded without entering its stage."""
    if written == chosen and chosen in RECORDS:
        return t("candidate.record_done", record=step_name(written), date=fmt_date(when), name=name)
    if written != chosen:
        return t("candidate.vote_failed_done", record=step_name(written), date=fmt_date(when), name=name,
                 stage=step_name(chosen))
    return t("candidate.step_done", stage=step_name(chosen), date=fmt_date(when), name=name)
