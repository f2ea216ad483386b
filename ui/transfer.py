"""The record page's part for moves and re-admission: the transfers inside the tree (history
and form), the link of a re-admission, the form to re-admit a person who left, and the
certificate of where the candidate stands (Word) for a move out of the tree.
Streamlit-bound; the checks and writes are in core (core.procedure.transfers)."""
from __future__ import annotations

import streamlit as st

from core.access.scope import Actor, resolve
from core.config import current_day
from core.format import fmt_date
from core.i18n import t
from core.office.certificate import transfer_certificate
from core.office.report import DOCX_MIME, refusal_docx
from core.procedure.stages import READMISSION_FROM
from core.procedure.transfers import (
    readmission_link,
    readmit,
    transfer_candidate,
    transfers_of,
)
from core.storage.db import session_scope
from core.storage.models import Candidate, Organization
from ui import forms, text, web
from ui.reports import _deferred

FORM_PREFIX = ("transfer_", "readmit_")


def moves_section(actor: Actor, candidate: Candidate, org: Organization, *, seen: int, tag: str,
                  prefix: tuple[str, ...]) -> None:
    """Transfers, re-admission and the certificate of one record. `seen` is the version the
    forms were filled on, `tag` ends the widget keys, `prefix` the keys emptied after a write."""
    with session_scope(web.engine()) as session:
        moves = transfers_of(session, actor, candidate.id)
        link = readmission_link(session, actor, candidate.id)
        own = resolve(session, actor, None) if actor.edits_candidates else None
    # The chi bộ of the caller's subtree, cached per version as the branch page's list is.
    cells = web.cached_cells(web.current_version(own), own) if own is not None else {}
    if link is not None and link.previous_id is not None:
        st.page_link("pages/candidate.py", label=text.literal(t(
            "readmit.previous", id=link.previous_id, consent=link.consent_number, date=fmt_date(link.consent_date))),
            query_params={"id": link.previous_id})
    if link is not None and link.next_id is not None:
        st.page_link("pages/candidate.py", label=text.literal(t(
            "readmit.next", id=link.next_id, consent=link.consent_number, date=fmt_date(link.consent_date))),
            query_params={"id": link.next_id})
    text.subheader(t("transfer.history"))
    if not moves:
        text.caption(t("transfer.none"))
    for move in moves:
        text.markdown(t("transfer.line", date=fmt_date(move.transfer_date), source=move.from_name, target=move.to_name,
                        document=move.document_number, user=move.recorded_by))
    candidate_id = candidate.id
    st.download_button(
        t("certificate.download"), mime=DOCX_MIME, on_click="ignore", icon=":material/description:",
        data=_deferred(lambda s, a, r: transfer_certificate(s, a, candidate_id, today=current_day()), refusal_docx),
        file_name=t("certificate.file", id=candidate_id), key=f"certificate_{candidate_id}",
    )
    if not actor.edits_candidates:
        return
    today = current_day()
    if candidate.exit is None and candidate.official_date is None and candidate.stage is not None:
        targets = {code: name for code, name in cells.items() if code != org.code}
        with st.form("transfer_candidate"):
            text.subheader(t("transfer.title"))
            text.caption(t("transfer.caption"))
            target = st.selectbox(t("transfer.target"), list(targets), format_func=lambda c: text.literal(targets[c]), index=None,
                                  placeholder=t("form.choose"), key=f"transfer_target_{tag}")
            when = forms.date_field(t("transfer.date"), None, f"transfer_date_{tag}")
            document = st.text_input(t("transfer.document"), key=f"transfer_document_{tag}")
            note = st.text_area(t("candidate.note"), key=f"transfer_note_{tag}")
            if st.form_submit_button(t("transfer.save")):
                forms.save(lambda s: transfer_candidate(s, actor, candidate_id=candidate_id, expected_version=seen,
                                                        to_org_code=target, transfer_date=when, document_number=document,
                                                        today=today, note=note),
                           t("transfer.done", name=candidate.full_name, org=targets.get(target, "")),
                           prefix=(*prefix, *FORM_PREFIX))
    if candidate.exit in READMISSION_FROM:
        with st.form("readmit"):
            text.subheader(t("readmit.title"))
            rules = web.settings().rules
            text.caption(t("readmit.caption", months=rules.readmission_min_months_out))
            cell = st.selectbox(t("readmit.org"), list(cells), format_func=lambda c: text.literal(cells[c]), index=None,
                                placeholder=t("form.choose"), key=f"readmit_org_{tag}")
            source_date = forms.date_field(t("readmit.source_date"), None, f"readmit_source_{tag}")
            consent_number = st.text_input(t("readmit.consent_number"), key=f"readmit_consent_{tag}")
            consent_date = forms.date_field(t("readmit.consent_date"), None, f"readmit_consent_date_{tag}")
            if st.form_submit_button(t("readmit.save")):
                forms.save(lambda s: readmit(s, actor, previous_id=candidate_id, org_code=cell, source_date=source_date,
                                             consent_number=consent_number, consent_date=consent_date, today=today,
                                             rules=rules),
                           t("readmit.done", name=candidate.full_name), prefix=(*prefix, *FORM_PREFIX))
