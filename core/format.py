"""Numbers, percentages and dates the Vietnamese way: 4.850; 102,1%; 19/01/2024.

The only place that formats a figure for people; pages, the CLI and reports all call it.
"""
from __future__ import annotations

import re
import string
import unicodedata
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


def fmt_days_left(days: int, *, working: bool = False) -> str:
    """Days to a deadline in words: "còn 5 ngày", "đến hạn hôm nay", "quá hạn 1.644 ngày";
    "quá hạn 12 ngày làm việc" for a deadline counted in working days."""
    unit = t("days.unit_working") if working else t("days.unit")
    if days > 0:
        return t("days.left", days=fmt_number(days), unit=unit)
    if days == 0:
        return t("days.today")
    return t("days.overdue", days=fmt_number(-days), unit=unit)


def fmt_date(value: date | None) -> str:
    """19/01/2024 (always four digits of year, so a mistyped 0202 reads as typed); None -> "–"."""
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}" if value else "–"


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
_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?", re.ASCII)  # "٣" is no digit here


def parse_number(text: str) -> Decimal:
    """Read a number written the Vietnamese way, as fmt_number writes it: "1.000" is one thousand,
    "3,05" three and five hundredths, "-3" minus three. Anything else ("1.5", "1,000.5", "abc",
    "") raises ValueError with a Vietnamese message; nothing is guessed."""
    cleaned = text.strip().replace("\u2212", "-")  # the minus sign some keyboards type
    if not _NUMBER.fullmatch(cleaned):
        raise ValueError(t("error.bad_number", value=text.strip()))
    return Decimal(cleaned.replace(".", "").replace(",", "."))


# Markdown and Streamlit's own syntax (links, images, emphasis, HTML, headings, lists, tables,
# `$` maths, `:smile:` emoji, `:material/icon:` icons, `:red[...]` colours) all start with ASCII
# punctuation, and CommonMark lets a backslash make any of it literal. GFM's autolinks
# (http://…, www.…, a@b.c) ignore backslashes, so a word joiner (invisible) breaks them instead.
_ASCII_PUNCTUATION = frozenset(string.punctuation)
WORD_JOINER = "\u2060"
_AUTOLINK = re.compile(r"(?i)(?<=www)(?=\.)|(?<=:)(?=//)|(?<=@)")


def md_escape(text: object) -> str:
    """Text from a person or a URL (a name, a code, a value echoed in a message), shown literally
    inside Markdown: every Markdown or Streamlit construct in it is displayed as typed."""
    broken = _AUTOLINK.sub(WORD_JOINER, str(text))
    return "".join("\\" + ch if ch in _ASCII_PUNCTUATION else ch for ch in broken)


def md_unescape(markdown: str) -> str:
    """What a reader sees of text escaped by md_escape (tests compare with it)."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown).replace(WORD_JOINER, "")


# The dates this product holds and accepts, wherever they come from (a form, a URL, a file):
# a year typed wrong (0202, 1202, 2202) is refused with a message. The date widgets accept every
# day the format can spell, so that such a day reaches this check instead of being dropped.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2100, 12, 31)

# The longest text a URL parameter may hold; organization codes and panel lists are far shorter.
URL_VALUE_MAX_CHARS = 200
ECHO_MAX_CHARS = 60


def date_range_error(value: date | None) -> str | None:
    """The Vietnamese refusal of a date outside EARLIEST_DATE–LATEST_DATE; None when inside (or none)."""
    if value is None or EARLIEST_DATE <= value <= LATEST_DATE:
        return None
    return t("error.date_out_of_range", date=fmt_date(value), earliest=fmt_date(EARLIEST_DATE),
             latest=fmt_date(LATEST_DATE))


def parse_ascii_int(text: object, *, low: int, high: int) -> int | None:
    """A whole number typed as text (a URL parameter, a spreadsheet cell), or None when it is not
    one between `low` and `high`. ASCII digits only: "²" passes str.isdigit() but not int(),
    and "٣" would pass both; never more digits than `high` has, so a 5.000-digit string never
    reaches int() (which refuses more than 4.300)."""
    if not isinstance(text, str):
        return None
    digits = text.strip()
    if not (digits.isascii() and digits.isdigit()) or len(digits) > len(str(high)):
        return None
    value = int(digits)
    return value if low <= value <= high else None


def is_clean_url_text(text: str, max_chars: int = URL_VALUE_MAX_CHARS) -> bool:
    """True for a URL parameter worth looking up: not too long, no control characters (a NUL
    byte is refused by PostgreSQL with an error)."""
    return len(text) <= max_chars and not any(unicodedata.category(ch) in ("Cc", "Cf", "Cs") for ch in text)


def fmt_echo(value: object, max_chars: int = ECHO_MAX_CHARS) -> str:
    """A value someone supplied, as a message quotes it back: control and invisible characters
    shown as "�", cut to `max_chars` with "…" (a 10.000-character parameter is not repeated)."""
    text = "".join("\ufffd" if unicodedata.category(ch) in ("Cc", "Cf", "Cs") else ch for ch in str(value))
    return text if len(text) <= max_chars else text[:max_chars] + "…"


def clean_text(value: str, *, one_line: bool = True) -> str:
    """Text as stored: Unicode NFC (a name typed with combining accents, as Unikey's composite
    mode or macOS write it, is the same name), trimmed; on one line, runs of spaces made one."""
    text = unicodedata.normalize("NFC", value)
    return " ".join(text.split()) if one_line else text.strip()


def fmt_showing(shown: int, total: int, what: str) -> str:
    """What part of a long list is on screen, never hidden silently: "Đang hiện 1–20 trong
    156 tổ chức", or "Đang hiện cả 12 tổ chức". `what` names the items ("tổ chức")."""
    if shown >= total:
        return t("alerts.showing_all", total=fmt_number(total), what=what)
    return t("alerts.showing", last=fmt_number(shown), total=fmt_number(total), what=what)
