"""The view a page shows, read from URL parameters (?year=2023&org=CODE&asof=2023-12-31):
validated here, so a bad or out-of-scope value gets a clear message and the default view."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from core.format import parse_date
from core.i18n import t
from core.scope import Actor, NotFoundError, ScopeError, org_in_scope

FIRST_YEAR = 1930


@dataclass(frozen=True)
class View:
    """What a dashboard page shows: a year, an organization (None: the caller's own), an as-of date."""

    year: int
    org_code: str | None
    as_of: date


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
    as_of = today
    raw_as_of = params.get("asof")
    if raw_as_of:
        try:
            as_of = parse_date(raw_as_of)
        except ValueError as exc:
            notices.append(str(exc))
        else:
            if as_of > today:
                notices.append(t("error.future_as_of", value=raw_as_of))
                as_of = today
    org_code = params.get("org") or None
    if org_code:
        try:
            org_in_scope(session, actor, org_code)
        except (NotFoundError, ScopeError) as exc:
            notices.append(str(exc))
            org_code = None
    return View(year=year, org_code=org_code, as_of=as_of), notices
