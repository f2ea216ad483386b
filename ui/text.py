"""Every text the pages show in an element that reads Markdown (messages, titles, captions,
toasts, markdown) goes through here, and is shown literally.

Streamlit reads Markdown, and its own additions (`:red[…]`, `:material/…:`, emoji shortcodes,
`$…$`), in all those elements; a name, a code or a URL value inside one could otherwise become a
link, an image fetched from outside, or a colour. The rule is one and kept in one place: a plain
`str` is escaped whole (core.format.md_escape), whatever is inside it; the only Markdown shown
as Markdown is a `Md` built here by `md()`, whose plain parts are escaped too. A test reads
every module of ui/ and pages/ and refuses a Markdown element called with anything but a
catalog text without placeholders (`st.title(t("page.overview"), anchor=False)`).
"""
from __future__ import annotations

import streamlit as st

from core.format import md_escape


class Md(str):
    """Markdown written by the program; every text from outside inside it was escaped."""


def md(*parts: object) -> Md:
    """Markdown from parts: a `Md` part as it is, any other part escaped (shown as typed)."""
    return Md("".join(p if isinstance(p, Md) else md_escape(p) for p in parts))


def bold(part: object) -> Md:
    """A part in bold, its text escaped."""
    return Md("**" + md_escape(part) + "**")


def literal(text: object) -> str:
    """Text for a widget's label or option (they read Markdown too)."""
    return text if isinstance(text, Md) else md_escape(text)


def error(text: object, *, container=st, **options) -> None:
    container.error(literal(text), **options)


def warning(text: object, *, container=st, **options) -> None:
    container.warning(literal(text), **options)


def info(text: object, *, container=st, **options) -> None:
    container.info(literal(text), **options)


def success(text: object, *, container=st, **options) -> None:
    container.success(literal(text), **options)


def toast(text: object, **options) -> None:
    st.toast(literal(text), **options)


def title(text: object, *, container=st) -> None:
    container.title(literal(text), anchor=False)


def header(text: object, *, container=st) -> None:
    container.header(literal(text), anchor=False)


def subheader(text: object, *, container=st) -> None:
    container.subheader(literal(text), anchor=False)


def caption(text: object, *, container=st) -> None:
    container.caption(literal(text))


def markdown(text: object, *, container=st) -> None:
    container.markdown(literal(text))
