"""Entry point: page config, database ready, sign-in, then the pages the user's role may open."""
import streamlit as st

from core.access.navigation import pages_for
from core.i18n import t
from ui import auth, faults, style, text, web

st.set_page_config(page_title=t("app.title"), page_icon="🚩", layout="wide")
# Everything below, sign-in and the page included, inside the boundary: no traceback is ever
# shown, only a Vietnamese message with a reference logged on the server (ui.faults).
with faults.boundary():
    style.apply()
    web.engine()

    account = auth.signed_in()
    if account is None:
        st.stop()

    specs = pages_for(account.actor.role, must_change_password=account.must_change_password)
    pages = [st.Page(spec.file, title=t(spec.title_key), icon=spec.icon, url_path=spec.url_path) for spec in specs]
    # "/" shows the role's first page too. Streamlit serves its default page only at "/" and answers
    # that page's own URL with "page not found"; registering the file a second time as the default
    # keeps every page at its fixed URL (/tong-quan, /trinh-chieu...).
    home = st.Page(specs[0].file, title=t(specs[0].title_key), icon=specs[0].icon, default=True)

    # Our own menu: Streamlit's automatic one would list the files of pages/ before app.py has run.
    current = st.navigation([home, *pages], position="hidden")
    with st.sidebar:
        text.markdown(text.bold(t("app.title")))
        for spec, page in zip(specs, pages):
            if spec.in_menu:
                st.page_link(page)
    auth.sign_out_box(account)
    current.run()
