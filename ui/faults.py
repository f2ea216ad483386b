"""The boundary around everything a page does: no user ever sees a traceback.

Anything unexpected (a bug, a database out of reach) is logged on the server with its full
traceback and a short reference, and the user gets a Vietnamese message quoting that reference,
never the error itself: its text can hold server paths, code, SQL and its parameters (a
candidate's personal data). `client.showErrorDetails = "none"` in .streamlit/config.toml is
the second line, for whatever escapes this one.

app.py runs inside `boundary()`, which covers sign-in and every page (`st.navigation`'s page
runs inside app.py). A fragment's own reruns and a widget's callback run outside it, so they
are wrapped: `guarded` for a fragment's body, `guarded_callback` for an on_click/on_change.
st.stop() and st.rerun() raise BaseExceptions of Streamlit's, which pass through untouched.
"""
from __future__ import annotations

import functools
import logging
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

import streamlit as st
from streamlit.errors import FragmentHandledException

from core.i18n import t
from core.storage.faults import database_fault
from ui import text

logger = logging.getLogger("ptdv.faults")
PENDING_KEY = "ptdv_fault"

P = ParamSpec("P")
R = TypeVar("R")


def new_reference() -> str:
    """A short reference the user can quote and the log can be searched for (8 hex characters)."""
    return secrets.token_hex(4)


def report(error: BaseException) -> str:
    """Log the error with its traceback under a new reference; the user's message quoting it.
    A database refusal keeps its own message (busy, out of reach...), with the reference added."""
    reference = new_reference()
    logger.error("unexpected error, reference %s", reference, exc_info=error)
    fault = database_fault(error)
    if fault is not None:
        return f"{fault.errors[0]} {t('fault.reference', ref=reference)}"
    return t("fault.unexpected", ref=reference)


def show_pending() -> None:
    """The message of a callback that failed before this run, once."""
    message = st.session_state.pop(PENDING_KEY, None)
    if message:
        text.error(message)


@contextmanager
def boundary() -> Iterator[None]:
    """Run a whole script run: what it raises is reported and shown as our message."""
    try:
        show_pending()
        yield
    except FragmentHandledException:  # Streamlit's own signal, already handled
        raise
    except Exception as error:  # the boundary: anything at all, never shown as it is
        text.error(report(error))


def guarded(body: Callable[P, R]) -> Callable[P, R | None]:
    """A fragment's body (or any part drawn on its own): an error is reported in place."""
    @functools.wraps(body)
    def run(*args: P.args, **kwargs: P.kwargs) -> R | None:
        try:
            return body(*args, **kwargs)
        except FragmentHandledException:
            raise
        except Exception as error:
            text.error(report(error))
            return None
    return run


def guarded_callback(callback: Callable[P, R]) -> Callable[P, R | None]:
    """A widget callback: it runs before the script, where nothing can be drawn, so an error
    is reported and its message shown at the top of the run that follows."""
    @functools.wraps(callback)
    def run(*args: P.args, **kwargs: P.kwargs) -> R | None:
        try:
            return callback(*args, **kwargs)
        except Exception as error:
            st.session_state[PENDING_KEY] = report(error)
            return None
    return run
