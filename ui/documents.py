"""The documents drafted from a candidate's record (core.office.forms_knd), offered on the
record page: one download button per draft ready, and why the others are not yet.

Each file is built when its button is clicked, through `ui.reports._deferred`: the account
and its scope are checked again then, and a draft that can no longer be made (its step voided
meanwhile, the candidate moved out of scope) hands out a Word file saying why."""
from __future__ import annotations

import streamlit as st

from core.access.scope import Actor
from core.i18n import t
from core.office.forms_knd import draft_docx, draft_file_name, draft_options
from core.office.report import DOCX_MIME, refusal_docx
from core.storage.db import session_scope
from ui import text, web
from ui.reports import _deferred


def drafts_section(actor: Actor, candidate_id: int) -> None:
    """The drafts the caller may make for the candidate (none for the projector role)."""
    if not actor.sees_personal_data:
        return
    with session_scope(web.engine()) as session:
        options = draft_options(session, actor, candidate_id)
    st.subheader(t("draft.section"), anchor=False)
    text.caption(t("draft.help"))
    ready = [o for o in options if o.ready]
    if not ready:
        text.info(t("draft.none"))
    for option in ready:
        code = option.code
        st.download_button(
            t("draft.download", form=code), mime=DOCX_MIME, on_click="ignore", icon=":material/description:",
            help=option.title, file_name=draft_file_name(code, candidate_id), key=f"draft_{code}",
            data=_deferred(lambda s, a, r, code=code: draft_docx(s, a, candidate_id, code), refusal_docx),
        )
    for reason in dict.fromkeys(o.reason for o in options if not o.ready):  # once each (a left candidate: one)
        text.caption(reason)
