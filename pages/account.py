"""Tài khoản: who is signed in, changing one's own password (required after a temporary one),
and where one's reminders go."""
import streamlit as st

from core.access.users import change_password
from core.i18n import label, t
from core.storage.db import session_scope
from ui import auth, forms, reminders, text, web

actor = auth.guard(temporary_password_ok=True)
account = auth.current_account()

st.title(t("page.account"), anchor=False)
text.markdown(t("account.who", name=account.display_name, role=label("role", actor.role), org=account.org_name))
forms.show_done()
if changed := st.session_state.pop("ptdv_password_changed", None):
    text.success(changed)
elif account.must_change_password:
    st.warning(t("auth.must_change"))

with st.form("change_password", clear_on_submit=True):
    st.subheader(t("account.change_password"), anchor=False)
    current = st.text_input(t("account.current_password"), type="password", key="current_password")
    new = st.text_input(t("account.new_password"), type="password", key="new_password")
    confirm = st.text_input(t("account.confirm_password"), type="password", key="confirm_password")
    submitted = st.form_submit_button(t("account.save"))
if submitted:
    try:
        with session_scope(web.engine()) as session:
            change_password(session, username=actor.username, current=current, new=new, confirm=confirm)
    except forms.REFUSALS as exc:
        forms.show_refusal(exc)
    else:
        st.session_state["ptdv_password_changed"] = t("account.changed")
        auth.refresh_account()

if not account.must_change_password:
    reminders.own_form(actor)
