"""The app's own stylesheet, drawn once per run by app.py (static: no user text in it).

Streamlit's element toolbars ("Show data", "Download as PNG", "Copy Vega-Lite spec", the
tables' CSV download and search) speak English, and "Show data" exposes a chart's internal
columns; the figures have Vietnamese exports instead, so the toolbars are hidden everywhere,
the projector included. The work list's buttons are made large enough for a thumb.

PHONE_CSS is the phone's part (issue 15): on a touch screen every control a finger aims at is at
least 44 px high (Apple's and WCAG's target size); on a narrow screen tabs wrap onto a grid
instead of scrolling sideways, and a container keyed `wide_only_…` or `phone_only_…` (see
`wide_only` / `phone_only`) is shown only on wide or only on narrow screens, as the server
cannot know the screen it draws for. Desktop layouts are left as Streamlit draws them.
"""
from __future__ import annotations

from contextlib import contextmanager

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

PHONE_CSS = f"<style>{SIGNED_OUT}{PHONE}</style>"


def apply() -> None:
    """The stylesheet, on every page."""
    st.html(CSS + PHONE_CSS)


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

