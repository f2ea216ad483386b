"""The app's own stylesheet, drawn once per run by app.py (static: no user text in it).

Streamlit's element toolbars ("Show data", "Download as PNG", "Copy Vega-Lite spec", the
tables' CSV download and search) speak English, and "Show data" exposes a chart's internal
columns; the figures have Vietnamese exports instead, so the toolbars are hidden everywhere,
the projector included.

Streamlit's own widgets also write English that no parameter reaches (the file uploader's
button and hint, a dropdown's "No results", the date field's "dd/mm/yyyy", the inputs' "Press
Enter to apply", the status widget's "Stop"): the block ENGLISH_CSS hides those texts and draws
the catalog's Vietnamese in their place (issue 15).
"""
from __future__ import annotations

import streamlit as st

from core.i18n import t

TOOLBARS_CSS = """
[data-testid="stElementToolbar"], .vega-embed .vega-actions, .vega-embed details { display: none !important; }
"""


def css_string(text: str) -> str:
    """A catalog text as a CSS string literal for `content:`: backslashes and quotes escaped,
    and no character that could end the string, the rule or the <style> element."""
    escaped = "".join(f"\\{ord(char):X} " if char in '\\"\'<>&\n\r\f{}' else char for char in text)
    return f'"{escaped}"'


# --- No English on screen (issue 15, item 7) ---------------------------------------------------
# The English text is hidden (display: none, or font-size 0 where the element must stay
# focusable: a date segment, the skip link) and the Vietnamese drawn by ::after. The strings
# come from the catalog, so the stylesheet is the same for every user of a process.
_DROPZONE = '[data-testid="stFileUploaderDropzone"]'
_DATE_SEGMENT = '[data-testid="stDateInputField"] [data-placeholder="true"]'
ENGLISH_CSS = f"""
{_DROPZONE} button [data-testid="stMarkdownContainer"] p {{ display: none; }}
{_DROPZONE} button [data-testid="stMarkdownContainer"]::after {{ content: {css_string(t("streamlit.upload"))}; }}
[data-testid="stFileUploaderDropzoneInstructions"] span {{ display: none; }}
[data-testid="stFileUploaderDropzoneInstructions"] > div::after {{
  content: {css_string(t("streamlit.upload_hint"))}; font-size: 0.875rem; opacity: 0.7; }}
{_DROPZONE} > div:not([data-testid]) > span {{ display: none; }}
{_DROPZONE} > div:not([data-testid])::after {{ content: {css_string(t("streamlit.drop_here"))}; font-weight: 800; }}
[role="listbox"][data-empty="true"] [role="option"] > span {{ display: none; }}
[role="listbox"][data-empty="true"]::after {{
  content: {css_string(t("streamlit.no_results"))}; display: block; padding: 0.5rem 1rem; opacity: 0.7; }}
{_DATE_SEGMENT} {{ font-size: 0 !important; }}
{_DATE_SEGMENT}::after {{ font-size: 0.875rem; }}
{_DATE_SEGMENT}[data-type="day"]::after {{ content: {css_string(t("streamlit.date_day"))}; }}
{_DATE_SEGMENT}[data-type="month"]::after {{ content: {css_string(t("streamlit.date_month"))}; }}
{_DATE_SEGMENT}[data-type="year"]::after {{ content: {css_string(t("streamlit.date_year"))}; }}
[data-testid="stSkipToContent"] {{ font-size: 0 !important; }}
[data-testid="stSkipToContent"]::after {{ content: {css_string(t("streamlit.skip_to_content"))}; font-size: 1rem; }}
[data-testid="InputInstructions"], [data-testid="stStatusWidget"] button,
[data-testid="stConnectionStatus"] > :last-child {{ display: none !important; }}
"""

CSS = f"<style>{TOOLBARS_CSS}{ENGLISH_CSS}</style>"


def apply() -> None:
    """The stylesheet, on every page."""
    st.html(CSS)
