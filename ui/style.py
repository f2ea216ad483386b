"""The app's own stylesheet, drawn once per run by app.py (static: no user text in it).

Streamlit's element toolbars ("Show data", "Download as PNG", "Copy Vega-Lite spec", the
tables' CSV download and search) speak English, and "Show data" exposes a chart's internal
columns; the figures have Vietnamese exports instead, so the toolbars are hidden everywhere,
the projector included. The work list's buttons are made large enough for a thumb.
"""
from __future__ import annotations

import streamlit as st

CSS = """
<style>
[data-testid="stElementToolbar"], .vega-embed .vega-actions, .vega-embed details { display: none !important; }
/* The work list's buttons and links are tapped on a phone: at least 48 px high. */
[class*="st-key-todo_"] button, [class*="st-key-branch_cards"] button,
[class*="st-key-todo_"] [data-testid="stPageLink"] a, [class*="st-key-branch_cards"] [data-testid="stPageLink"] a,
[data-testid="stDialog"] [data-testid="stFormSubmitButton"] button { min-height: 48px; }
/* A card's deadline in the colour of its state (the words say it too). */
[class*="_state_overdue_"] strong { color: #b3261e; }
[class*="_state_due_soon_"] strong { color: #a15c00; }
[class*="_state_ok_"] strong { color: #1e6b34; }
</style>
"""


def apply() -> None:
    """The stylesheet, on every page."""
    st.html(CSS)
