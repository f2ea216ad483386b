"""The view a page shows, read from URL parameters (?year=2023&org=CODE&asof=2023-12-31&cmp=2023-11-30):
validated here, so a bad or out-of-scope value gets a clear message and the default view.

A URL is anyone's to write: every value is checked before it is used or looked up (ASCII digits
within a range, dates between 1900 and 2100, a code of at most the stored length and no control
characters), and a message quotes it shortened (core.format.fmt_echo)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session

from core.access.scope import Actor, NotFoundError, ScopeError, Subtree, resolve
from core.format import (
    EARLIEST_DATE,
    LATEST_DATE,
    date_range_error,
    fmt_date,
    fmt_echo,
    is_clean_url_text,
    parse_ascii_int,
    parse_date,
)
from core.i18n import t

# The years a dashboard, a plan or an import may name: the yearly plans form offers 2000 to next year.
FIRST_YEAR = 2000
ORG_CODE_MAX_CHARS = 64  # Organization.code's length
MAX_RECORD_ID = 2**31 - 1  # ids are PostgreSQL integers; a larger one is refused by the database with an error
DEFAULT_COMPARE_DAYS = 30  # deltas against the figures a month earlier, unless ?cmp= says otherwise


@dataclass(frozen=True)
class View:
    """What a dashboard page shows: a year, an organization (None: the caller's own), an as-of
    date, and the date the deltas compare against; `subtree` is that organization, checked
    against the caller's scope once for the whole request."""

    year: int
    org_code: str | None
    as_of: date
    compare: date
    subtree: Subtree

    @property
    def day(self) -> date:
        """The day the figures stand on: the as-of date, never past the year's end (the tree of
        that day is the one shown)."""
        return min(self.as_of, date(self.year, 12, 31))


def parse_view(session: Session, actor: Actor, params: Mapping[str, str], *, today: date) -> tuple[View, list[str]]:
    """The view the parameters ask for, and a Vietnamese message for each one refused."""
    notices: list[str] = []
    year = today.year
    raw_year = params.get("year")
    if raw_year:
        asked = parse_ascii_int(raw_year, low=FIRST_YEAR, high=last_year(today))
        if asked is None:
            notices.append(t("error.bad_year_range", value=fmt_echo(raw_year), first=FIRST_YEAR,
                             last=last_year(today)))
        else:
            year = asked
    # A finished year is seen as it stood at its end (31/12), unless another day is asked for;
    # a day after the year's end shows the same figures, so it is the year's end that is said.
    year_end = date(year, 12, 31)
    as_of = min(_date_param(params.get("asof"), min(today, year_end), today, notices), year_end)
    compare = _date_param(params.get("cmp"), as_of - timedelta(days=DEFAULT_COMPARE_DAYS), as_of, notices)
    org_code = params.get("org") or None
    subtree = None
    if org_code and not is_clean_url_text(org_code, ORG_CODE_MAX_CHARS):
        notices.append(t("error.unknown_org", code=fmt_echo(org_code)))
        org_code = None
    if org_code:
        try:
            subtree = resolve(session, actor, org_code)
        except (NotFoundError, ScopeError) as exc:
            notices.append(str(exc))
            org_code = None
    if subtree is None:
        subtree = resolve(session, actor, None)
    return View(year=year, org_code=org_code, as_of=as_of, compare=compare, subtree=subtree), notices


def record_id(raw: str | None) -> int | None:
    """A record's id from the URL (?id=), or None when it cannot name one (not ASCII digits, 0, too large)."""
    return parse_ascii_int(raw, low=1, high=MAX_RECORD_ID)


def last_year(today: date) -> int:
    """The latest year that can be chosen: next year, whose plans are set in advance."""
    return today.year + 1


def year_choices(today: date, current: int) -> list[int]:
    """The years offered one click away (the last five, and the one shown), latest first."""
    return sorted({*range(today.year, max(FIRST_YEAR, today.year - 4) - 1, -1), current}, reverse=True)


def _date_param(raw: str | None, default: date, latest: date, notices: list[str]) -> date:
    """A date parameter, its default when absent or bad, and never later than `latest`."""
    if not raw:
        return default
    try:
        value = parse_date(raw) if is_clean_url_text(raw) else None
    except ValueError:
        value = None
    if value is None or date_range_error(value):
        notices.append(t("error.bad_url_date", value=fmt_echo(raw), earliest=fmt_date(EARLIEST_DATE),
                         latest=fmt_date(LATEST_DATE)))
        return default
    if value > latest:
        notices.append(t("error.date_too_late", value=fmt_echo(raw), latest=fmt_date(latest)))
        return latest
    return value
