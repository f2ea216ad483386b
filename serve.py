"""The server entry: `streamlit run serve.py` serves app.py with the security headers on every
HTTP answer (ui/http_headers.py). `streamlit run app.py` serves the same app without them."""
import streamlit as st
from starlette.middleware import Middleware
from streamlit.runtime.pages_manager import PagesManager

from ui.http_headers import SecurityHeadersMiddleware

# Streamlit's pages/ folder mode off from the start, as st.navigation turns it off at its first
# call: otherwise, on a fresh server, the first visitor of a URL such as /admin would be served
# that file directly, with a menu listing every file of pages/ (the menu is shown, ui/menu.py).
PagesManager.uses_pages_directory = False

app = st.App("app.py", middleware=[Middleware(SecurityHeadersMiddleware)])
