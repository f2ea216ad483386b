"""One colour and one symbol per status, everywhere (charts, tables, the projector).

Colours are from the Okabe–Ito palette, which colour-blind viewers tell apart; every status
also carries a symbol and its words, so it still reads in greyscale or on a washed-out projector.
"""
from __future__ import annotations

from core.i18n import label

STATUS_COLORS: dict[str, str] = {
    "done": "#009E73",  # bluish green
    "on_pace": "#0072B2",  # blue
    "behind": "#E69F00",  # orange
    "at_risk": "#D55E00",  # vermillion
    "missed": "#8B1A1A",  # dark red
    "no_target": "#999999",  # grey
}
STATUS_SYMBOLS: dict[str, str] = {
    "done": "✔",
    "on_pace": "●",
    "behind": "▲",
    "at_risk": "✖",
    "missed": "✖",
    "no_target": "–",
}


def status_text(status: str) -> str:
    """ "✔ Hoàn thành": the symbol and the words of a status."""
    return f"{STATUS_SYMBOLS[status]} {label('status', status)}"
