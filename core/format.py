"""Numbers, percentages and dates the Vietnamese way: 4.850; 102,1%; 19/01/2024.

The only place that formats a figure for people; pages, the CLI and reports all call it.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal

from core.i18n import t

# The same rules for Vega-Lite's own number formatting (axes, tooltips of numeric fields):
# d3-format's locale definition, "4.850" and "102,1".
VEGA_NUMBER_LOCALE = {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", " ₫"]}


def _group(digits: str) -> str:
    out = []
    while len(digits) > 3:
        out.insert(0, digits[-3:])
        digits = digits[:-3]
    out.insert(0, digits)
    return ".".join(out)


def is_missing(value: object) -> bool:
    """None, NaN and pandas' NA all mean "no figure"; any other value, text included, is one."""
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN is the only value unequal to itself
    except TypeError:  # pandas' NA, whose truth is ambiguous
        return True


def fmt_number(value: float | int | None, decimals: int = 0) -> str:
    """4850 -> "4.850"; 3.05 with decimals=2 -> "3,05"; None or NaN -> "–"."""
    if is_missing(value):
        return "–"
    quantum = Decimal(1).scaleb(-decimals)
    rounded = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""
    text = f"{abs(rounded):f}"
    whole, _, frac = text.partition(".")
    return sign + _group(whole) + ("," + frac if frac else "")


def fmt_compact(value: float | None, decimals: int = 1) -> str:
    """Like fmt_number, without a decimal part that is all zeros: 3.0 -> "3"; 3.05 -> "3,1"."""
    text = fmt_number(value, decimals)
    if "," in text and set(text.split(",")[1]) == {"0"}:
        text = text.split(",")[0]
    return text


def fmt_percent(value: float | None, decimals: int = 1) -> str:
    """A percentage already multiplied by 100: 102.0689 -> "102,1%"; 100.0 -> "100%".

    A whole number is shown without decimals, as Party reports write "đạt 100% kế hoạch".
    """
    if is_missing(value):
        return "–"
    return fmt_compact(value, decimals) + "%"


def fmt_days_left(days: int) -> str:
    """Days to a deadline in words: "còn 5 ngày", "đến hạn hôm nay", "quá hạn 1.644 ngày"."""
    if days > 0:
        return t("days.left", days=fmt_number(days))
    if days == 0:
        return t("days.today")
    return t("days.overdue", days=fmt_number(-days))


def fmt_date(value: date | None) -> str:
    """19/01/2024; None -> "–"."""
    return value.strftime("%d/%m/%Y") if value else "–"


VIETNAM_TIME = timezone(timedelta(hours=7), "ICT")  # no daylight saving in Vietnam


def fmt_datetime(value: datetime | None) -> str:
    """A stored UTC time in Vietnam time: "14:05 22/11/2026"; None -> "–"."""
    if value is None:
        return "–"
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(VIETNAM_TIME).strftime("%H:%M %d/%m/%Y")


def fmt_long_date(value: date, place: str) -> str:
    """ "Kim Bảng, ngày 19 tháng 01 năm 2024", as in the heading of a Party document."""
    return t("date.long", place=place, day=f"{value.day:02d}", month=f"{value.month:02d}", year=value.year)


def fmt_progress(admitted: int, target: int) -> str:
    """ "148/145, đạt 102,1% kế hoạch"; with no target, just the count."""
    if not target:
        return t("progress.no_target", admitted=fmt_number(admitted))
    return t(
        "progress.phrase",
        admitted=fmt_number(admitted),
        target=fmt_number(target),
        percent=fmt_percent(100 * admitted / target),
    )


def parse_date(text: str) -> date:
    """Read 19/01/2024 or 2024-01-19; raise ValueError with a Vietnamese message otherwise."""
    text = text.strip()
    try:
        if "/" in text:
            day, month, year = (int(p) for p in text.split("/"))
            return date(year, month, day)
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(t("error.bad_date", value=text)) from None


# Thousands grouped by dots in threes, or no grouping; a decimal part after a comma.
_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?")


def parse_number(text: str) -> Decimal:
    """Read a number written the Vietnamese way, as fmt_number writes it: "1.000" is one thousand,
    "3,05" three and five hundredths, "-3" minus three. Anything else ("1.5", "1,000.5", "abc",
    "") raises ValueError with a Vietnamese message; nothing is guessed."""
    cleaned = text.strip().replace("\u2212", "-")  # the minus sign some keyboards type
    if not _NUMBER.fullmatch(cleaned):
        raise ValueError(t("error.bad_number", value=text.strip()))
    return Decimal(cleaned.replace(".", "").replace(",", "."))


_MARKDOWN_SPECIALS = "\\`*_{}[]()#+-.!|<>~"


def md_escape(text: str) -> str:
    """Text (an organization's name, say) shown literally inside Markdown."""
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIALS else ch for ch in text)
