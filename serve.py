"""The server entry: `streamlit run serve.py` serves app.py with the security headers on every
HTTP answer (ui/http_headers.py). `streamlit run app.py` serves the same app without them."""
import streamlit as st
from starlette.middleware import Middleware

from ui.http_headers import SecurityHeadersMiddleware

app = st.App("app.py", middleware=[Middleware(SecurityHeadersMiddleware)])
