"""Entry point: page config, database ready, sign-in, then the pages the user's role may open."""
import streamlit as st

from core.access.navigation import pages_for
from core.i18n import t
from ui import auth, faults, menu, style, web

st.set_page_config(page_title=t("app.title"), page_icon="🚩", layout="wide")
# Everything below, sign-in and the page included, inside the boundary: no traceback is ever
# shown, only a Vietnamese message with a reference logged on the server (ui.faults).
with faults.boundary():
    style.apply()
    web.engine()
    web.tune_collector()

    account = auth.signed_in()
    if account is None:
        st.stop()  # a menu left by whoever signed out in this tab is hidden (ui/style.py SIGNED_OUT)

    current = menu.navigation(pages_for(account.actor.role, must_change_password=account.must_change_password))
    auth.sign_out_box(account)
    current.run()
