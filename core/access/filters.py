"""The view a page shows, read from URL parameters (?year=2023&org=CODE&asof=2023-12-31&cmp=2023-11-30):
validated here, so a bad or out-of-scope value gets a clear message and the default view."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session

from core.access.scope import Actor, NotFoundError, ScopeError, Subtree, resolve
from core.format import fmt_date, parse_date
from core.i18n import t

FIRST_YEAR = 1930
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


def parse_view(session: Session, actor: Actor, params: Mapping[str, str], *, today: date) -> tuple[View, list[str]]:
    """The view the parameters ask for, and a Vietnamese message for each one refused."""
    notices: list[str] = []
    year = today.year
    raw_year = params.get("year")
    if raw_year:
        if raw_year.isdigit() and FIRST_YEAR <= int(raw_year) <= today.year + 1:
            year = int(raw_year)
        else:
            notices.append(t("error.bad_year", value=raw_year))
    # A finished year is seen as it stood at its end (31/12), unless another day is asked for;
    # a day after the year's end shows the same figures, so it is the year's end that is said.
    year_end = date(year, 12, 31)
    as_of = min(_date_param(params.get("asof"), min(today, year_end), today, notices), year_end)
    compare = _date_param(params.get("cmp"), as_of - timedelta(days=DEFAULT_COMPARE_DAYS), as_of, notices)
    org_code = params.get("org") or None
    subtree = None
    if org_code:
        try:
            subtree = resolve(session, actor, org_code)
        except (NotFoundError, ScopeError) as exc:
            notices.append(str(exc))
            org_code = None
    if subtree is None:
        subtree = resolve(session, actor, None)
    return View(year=year, org_code=org_code, as_of=as_of, compare=compare, subtree=subtree), notices


def _date_param(raw: str | None, default: date, latest: date, notices: list[str]) -> date:
    """A date parameter, its default when absent or bad, and never later than `latest`."""
    if not raw:
        return default
    try:
        value = parse_date(raw)
    except ValueError as exc:
        notices.append(str(exc))
        return default
    if value > latest:
        notices.append(t("error.date_too_late", value=raw, latest=fmt_date(latest)))
        return latest
    return value
