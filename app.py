"""Entry point: page config, database ready, sign-in, then the pages the user's role may open."""
import streamlit as st

from core import auth, web
from core.i18n import t
from core.navigation import pages_for

st.set_page_config(page_title=t("app.title"), page_icon="🚩", layout="wide")
web.engine()

account = auth.signed_in()
if account is None:
    st.stop()

pages = [
    st.Page(spec.file, title=t(spec.title_key), icon=spec.icon, url_path=spec.url_path)
    for spec in pages_for(account.actor.role, must_change_password=account.must_change_password)
]
# Our own menu: Streamlit's automatic one would list the files of pages/ before app.py has run.
current = st.navigation(pages, position="hidden")
with st.sidebar:
    st.markdown(f"**{t('app.title')}**")
    for page in pages:
        st.page_link(page)
auth.sign_out_box(account)
current.run()
