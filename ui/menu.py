"""The menu: the role's pages handed to Streamlit's own navigation, in the sidebar.

Streamlit's navigation (not a list of `st.page_link`) because it is the one menu Streamlit
closes by itself after a choice on a phone: a page link leaves the sidebar open over 77 % of
the screen. Pages not offered in the menu (a candidate's record, opened from the lists) are
registered hidden, so their links and URLs keep working.
"""
from __future__ import annotations

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from core.access.navigation import PageSpec
from core.i18n import t


def navigation(specs: list[PageSpec]) -> StreamlitPage:
    """Register `specs` (the first one is also the page at "/") and return the page the URL asks for."""
    pages = [st.Page(spec.file, title=t(spec.title_key), icon=spec.icon, url_path=spec.url_path,
                     visibility="visible" if spec.in_menu else "hidden") for spec in specs]
    # "/" shows the first page too. Streamlit serves its default page only at "/" and answers
    # that page's own URL with "page not found"; registering the file a second time (hidden)
    # as the default keeps every page at its fixed URL (/tong-quan, /trinh-chieu...).
    home = st.Page(specs[0].file, title=t(specs[0].title_key), icon=specs[0].icon, default=True, visibility="hidden")
    # expanded: every page listed, no "View more" (English) button under the first ten.
    return st.navigation({t("app.title"): [home, *pages]}, position="sidebar", expanded=True)
