"""Where reminders go, and how they went: the form of one's own address and digest (Tài
khoản), the admin's for any user of its subtree (Quản trị, users), and the tab of the last
runs with "send me a test" (core.notify)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from core.access.scope import Actor
from core.access.users import DIGEST_CHOICES, own_reminders, set_reminders
from core.config import current_day
from core.format import fmt_datetime, fmt_number
from core.i18n import label, t
from core.notify.remind import MailSettingsError, last_runs, send_test
from core.storage.db import session_scope
from ui import forms, text, web


def _fields(prefix: str, email: str, digest: str) -> tuple[str, str]:
    address = st.text_input(t("col.email"), value=email, key=f"{prefix}email", placeholder=t("reminders.email_hint"))
    choice = st.radio(t("col.digest"), DIGEST_CHOICES, index=DIGEST_CHOICES.index(digest), horizontal=True,
                      format_func=lambda d: label("digest", d), key=f"{prefix}digest")
    return address, choice


def own_form(actor: Actor) -> None:
    """Tài khoản: the user's own address and digest."""
    with session_scope(web.engine()) as session:
        email, digest, version = own_reminders(session, actor.username)
    version = forms.as_drawn("own_reminders_version", {actor.username: version})[actor.username]
    with st.form("own_reminders"):
        st.subheader(t("reminders.title"), anchor=False)
        text.caption(t("reminders.own_help"))
        address, choice = _fields("own_rem_", email, digest)
        if st.form_submit_button(t("reminders.save")):
            forms.save(lambda s: set_reminders(s, actor, username=actor.username, email=address, digest=choice,
                                               expected_version=version),
                       t("reminders.saved"), prefix="own_rem_",
                       typed=_as_typed(address, choice),
                       current=lambda s: _as_typed(*own_reminders(s, actor.username)[:2]))


def _as_typed(email: str, digest: str) -> dict[str, str]:
    """The reminders as the form names them (for a refusal showing the record now)."""
    return {t("col.email"): email, t("col.digest"): label("digest", digest)}


def admin_form(actor: Actor, rows: list[dict], versions: dict[str, int]) -> None:
    """Quản trị: a user's address and digest, set by the admin."""
    by_name = {u["username"]: u for u in rows}
    with st.container(border=True):
        st.subheader(t("reminders.admin_title"), anchor=False)
        chosen = st.selectbox(t("col.username"), list(by_name), index=None, placeholder=t("form.choose"),
                              key="rem_user")
        if chosen is None:
            return
        user = by_name[chosen]
        with st.form("admin_reminders", border=False):
            address, choice = _fields(f"rem_{chosen}_", user["email"], user["digest"])
            if st.form_submit_button(t("reminders.save")):
                forms.save(lambda s: set_reminders(s, actor, username=chosen, email=address, digest=choice,
                                                   expected_version=versions[chosen]),
                           t("reminders.saved_for", username=chosen), prefix=("rem_user", f"rem_{chosen}_"),
                           typed={t("col.username"): chosen, **_as_typed(address, choice)})


def runs_tab(actor: Actor) -> None:
    """Quản trị: the last runs of `remind`, what each sent, and a test message to oneself."""
    text.caption(t("reminders.runs_help"))
    if st.button(t("reminders.send_test"), key="rem_send_test"):
        try:
            report = send_test(web.engine(), actor.username, today=current_day(), settings=web.settings())
        except MailSettingsError as exc:
            text.error(str(exc))
        except forms.REFUSALS as exc:  # the database busy or out of reach (core.storage.faults)
            forms.show_refusal(exc)
        else:
            if report.sent:
                text.success(t("reminders.test_sent", address=report.sent[0].address))
            else:
                text.error(t("reminders.test_failed", error=report.failed[0][1] if report.failed else ""))
    with session_scope(web.engine()) as session:
        runs = last_runs(session, actor)
    if not runs:
        text.caption(t("reminders.no_runs"))
        return

    def count(own, *statuses: str) -> str:  # the run's messages to the admin's own people only
        return fmt_number(sum(1 for row in own if row.status in statuses))
    st.dataframe(pd.DataFrame({
        t("reminders.col_started"): [fmt_datetime(r.started_at) for r, _s in runs],
        t("reminders.col_kind"): [t("reminders.dry") if r.dry_run else t("reminders.real") for r, _s in runs],
        t("reminders.col_sent"): [count(own, "sent") for _r, own in runs],
        t("reminders.col_failed"): [count(own, "failed") for _r, own in runs],
        t("reminders.col_unknown"): [count(own, "unknown", "sending") for _r, own in runs],
    }), hide_index=True, width="stretch", placeholder="")
    sends = [row for _run, own in runs for row in own]
    if sends:
        st.subheader(t("reminders.messages"), anchor=False)
        st.dataframe(pd.DataFrame({
            t("reminders.col_at"): [fmt_datetime(s.at) for s in sends],
            t("reminders.col_kind"): [label("mail_kind", s.kind) for s in sends],
            t("col.email"): [s.address for s in sends],
            t("reminders.col_subject"): [s.subject for s in sends],
            t("reminders.col_status"): [label("send_status", s.status) for s in sends],
            t("reminders.col_error"): [s.error or "–" for s in sends],
        }), hide_index=True, width="stretch", placeholder="")
