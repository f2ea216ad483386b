"""The app's own stylesheet, drawn once per run by app.py (static: no user text in it; the
Vietnamese it draws comes from the catalog, the same for every user of a process).

Streamlit's element toolbars ("Show data", "Download as PNG", "Copy Vega-Lite spec", the
tables' CSV download and search) speak English, and "Show data" exposes a chart's internal
columns; the figures have Vietnamese exports instead, so the toolbars are hidden everywhere,
the projector included. The work list's buttons are made large enough for a thumb.

Streamlit's own widgets also write English that no parameter reaches (the file uploader's
button and hint, a dropdown's "No results", the date field's "dd/mm/yyyy", the inputs' "Press
Enter to apply", the status widget's "Stop"): the block ENGLISH_CSS hides those texts and draws
the catalog's Vietnamese in their place (issue 15).

PHONE is the phone's part (issue 15): on a touch screen every control a finger aims at is at
least 44 px high (Apple's and WCAG's target size); on a narrow screen tabs wrap onto a grid
instead of scrolling sideways, and a container keyed `wide_only_…` or `phone_only_…` (see
`wide_only` / `phone_only`) is shown only on wide or only on narrow screens, as the server
cannot know the screen it draws for. Desktop layouts are left as Streamlit draws them.
"""
from __future__ import annotations

from contextlib import contextmanager

import streamlit as st

from core.i18n import t

TOOLBARS_CSS = """
[data-testid="stElementToolbar"], .vega-embed .vega-actions, .vega-embed details { display: none !important; }
"""

WORKLIST_CSS = """
/* The work list's buttons and links are tapped on a phone: at least 48 px high. */
[class*="st-key-todo_"] button, [class*="st-key-branch_cards"] button,
[class*="st-key-todo_"] [data-testid="stPageLink"] a, [class*="st-key-branch_cards"] [data-testid="stPageLink"] a,
[data-testid="stDialog"] [data-testid="stFormSubmitButton"] button { min-height: 48px; }
/* A card's deadline in the colour of its state (the words say it too). */
[class*="_state_overdue_"] strong { color: #b3261e; }
[class*="_state_due_soon_"] strong { color: #a15c00; }
[class*="_state_ok_"] strong { color: #1e6b34; }
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

NARROW = "(max-width: 640px)"  # a phone held upright: where Streamlit stacks columns too

# Signed out, a run draws no sign-out button; the browser keeps the menu of the last navigation
# (whoever signed out in this tab): no sidebar then, nor the button that opens it.
SIGNED_OUT = """
[data-testid="stSidebar"]:not(:has(.st-key-sign_out)),
[data-testid="stAppViewContainer"]:not(:has(.st-key-sign_out)) [data-testid="stExpandSidebarButton"] { display: none; }
"""

PHONE = f"""
/* --- Phone: touch targets of 44 px at least (any coarse pointer, or a narrow screen) --- */
@media (pointer: coarse), {NARROW} {{
  [data-testid="stButtonGroup"] button,
  [data-testid^="stBaseButton"],
  [data-testid="stPageLink-NavLink"], [data-testid="stSidebarNavLink"],
  [data-testid="stTab"],
  [data-testid="stExpandSidebarButton"], [data-testid="stSidebarCollapseButton"] button,
  [data-testid="stNumberInputStepDown"], [data-testid="stNumberInputStepUp"],
  [data-testid="stCheckbox"] label, [data-testid="stToggle"] label {{ min-height: 44px; min-width: 44px; }}
  [data-testid="stSelectbox"] [data-baseweb="select"] > div,
  [data-testid="stTextInput"] [data-baseweb="input"], [data-testid="stNumberInput"] [data-baseweb="input"],
  [data-testid="stDateInput"] [data-baseweb="input"] {{ min-height: 44px; }}
  [data-testid="stDateInput"] [role="spinbutton"] {{ display: inline-flex; align-items: center; min-height: 44px;
    min-width: 28px; justify-content: center; }}
  [data-testid="stDateInputCalendarButton"] {{ min-height: 44px; min-width: 44px; }}
  [data-testid="stTooltipIcon"] button {{ min-height: 44px; min-width: 44px; margin: -14px; }}
  [data-testid="stHeaderActionElements"] {{ display: none; }}
}}
/* --- Phone: layouts that fit a narrow screen --- */
@media {NARROW} {{
  [data-testid="stTabs"] [role="tablist"] {{ display: grid; grid-template-columns: 1fr 1fr; gap: 4px; overflow: visible; }}
  /* the sliding underline of the chosen tab (a frame marks it instead) and the scroll arrows */
  [data-testid="stTab"] > div[data-rac],
  [data-testid="stTabsScrollLeft"], [data-testid="stTabsScrollRight"] {{ display: none; }}
  [data-testid="stTab"] {{ white-space: normal; text-align: left; border: 1px solid rgba(49, 51, 63, 0.2);
    border-radius: 0.5rem; padding: 4px 10px; margin: 0; }}
  [data-testid="stTab"][aria-selected="true"] {{ border: 2px solid var(--primary-color, #B71C1C); }}
  [data-testid="stTab"] p {{ white-space: normal; }}
  div[class*="st-key-wide_only_"] {{ display: none; }}
}}
@media (min-width: 641px) {{
  div[class*="st-key-phone_only_"] {{ display: none; }}
}}
"""

CSS = f"<style>{TOOLBARS_CSS}{WORKLIST_CSS}{ENGLISH_CSS}{SIGNED_OUT}{PHONE}</style>"


def apply() -> None:
    """The stylesheet, on every page."""
    st.html(CSS)


@contextmanager
def wide_only(key: str):
    """A container drawn on wide screens only (a table too wide for a phone); pair it with a
    `phone_only` one holding the same content in a form that fits."""
    with st.container(key=f"wide_only_{key}"):
        yield


@contextmanager
def phone_only(key: str):
    """A container drawn on narrow screens only (the `wide_only` content, in a form that fits)."""
    with st.container(key=f"phone_only_{key}"):
        yield

