"""The admin's changes to the working-day calendar, stored per database (work_day_override):
a day off added (24/11 Ngày Văn hóa Việt Nam, a day the state announces off), a working day
added (a Saturday worked in an announced swap), or a holiday of the `holidays` library taken
away (recorded as a working day).

`load_calendar` reads them in one small query and gives the immutable
core.procedure.workdays.WorkCalendar, built once per distinct set of changes (an lru_cache
keyed by the rows themselves, never by a URL or a data version, so two databases read in
one process cannot get each other's calendar). `calendar_installed(session)` counts working
days with the calendar of the database being read, for the clocks that call
add_working_days(start, count) without one.

Changes are the admin's (root of the tree: the calendar is the whole database's), audited
(entity "calendar") and bump the data version, so every cached clock is counted again.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from sqlmodel import Session, select

from core.access.audit import record_audit, snapshot
from core.access.scope import Actor, ScopeError, root_organization
from core.errors import FormError
from core.format import clean_text, fmt_date
from core.i18n import t
from core.procedure.stages import Role
from core.procedure.workdays import WorkCalendar, library_working_day, use_calendar
from core.storage.limits import too_long
from core.storage.models import WorkDayOverride
from core.storage.versions import bump_data_version

FIRST_YEAR, LAST_YEAR = 1900, 2100


@dataclass(frozen=True)
class DayOverride:
    """One change as the admin's list shows it."""

    day: date
    working: bool
    library_working: bool
    note: str
    recorded_by: str


@lru_cache(maxsize=32)
def _calendar_of(rows: tuple[tuple[date, bool], ...]) -> WorkCalendar:
    return WorkCalendar.of(days_off=(d for d, working in rows if not working),
                           days_worked=(d for d, working in rows if working))


def load_calendar(session: Session) -> WorkCalendar:
    """The working-day calendar of this database: the library's, with the admin's changes."""
    rows = session.exec(select(WorkDayOverride.day, WorkDayOverride.working).order_by(WorkDayOverride.day)).all()
    return _calendar_of(tuple((d, bool(w)) for d, w in rows))


@contextmanager
def calendar_installed(session: Session) -> Iterator[WorkCalendar]:
    """Count working days inside the block with this database's calendar."""
    with use_calendar(load_calendar(session)) as work_calendar:
        yield work_calendar


def _check_admin(session: Session, actor: Actor) -> None:
    if actor.role is not Role.ADMIN or not actor.covers(root_organization(session).path):
        raise ScopeError(t("calendar.admin_only"))


def day_overrides(session: Session, actor: Actor, *, year: int) -> list[DayOverride]:
    """The admin's changes in one year, by date."""
    _check_admin(session, actor)
    rows = session.exec(
        select(WorkDayOverride)
        .where(WorkDayOverride.day >= date(year, 1, 1), WorkDayOverride.day <= date(year, 12, 31))
        .order_by(WorkDayOverride.day)
    ).all()
    return [DayOverride(r.day, r.working, library_working_day(r.day), r.note, r.recorded_by) for r in rows]


def add_day_override(session: Session, actor: Actor, *, day: date | None, working: bool | None, note: str) -> WorkDayOverride:
    """Make `day` a day off (`working` False) or a working day (True), with a note saying on
    what basis; refused, writing nothing, when the date or the choice is missing, the day is
    already so, or already changed."""
    _check_admin(session, actor)
    errors = []
    if day is None:
        errors.append(t("form.date_required", field=t("calendar.day")))
    elif not FIRST_YEAR <= day.year <= LAST_YEAR:
        errors.append(t("calendar.day_range", first=FIRST_YEAR, last=LAST_YEAR))
    if working is None:
        errors.append(t("calendar.kind_required"))
    note = clean_text(note)
    if not note:
        errors.append(t("calendar.note_required"))
    elif message := too_long(note, WorkDayOverride, "note", t("calendar.note")):
        errors.append(message)
    if day is not None and working is not None and not errors:
        existing = session.exec(select(WorkDayOverride).where(WorkDayOverride.day == day)).first()
        if existing is not None:
            errors.append(t("calendar.already_changed", day=fmt_date(day)))
        elif library_working_day(day) == working:
            errors.append(t("calendar.already_working" if working else "calendar.already_off", day=fmt_date(day)))
    if errors:
        raise FormError(errors)
    row = WorkDayOverride(day=day, working=working, note=note, recorded_by=actor.username)
    session.add(row)
    session.flush()
    record_audit(session, username=actor.username, action="add_day_override", entity="calendar", entity_id=row.id,
                 after=snapshot(row))
    bump_data_version(session)
    return row


def remove_day_override(session: Session, actor: Actor, *, day: date | None) -> None:
    """Take the admin's change of `day` away: the day is again as the library has it."""
    _check_admin(session, actor)
    if day is None:
        raise FormError([t("form.date_required", field=t("calendar.day"))])
    row = session.exec(select(WorkDayOverride).where(WorkDayOverride.day == day)).first()
    if row is None:
        raise FormError([t("calendar.not_changed", day=fmt_date(day))])
    before = snapshot(row)
    session.delete(row)
    session.flush()
    record_audit(session, username=actor.username, action="remove_day_override", entity="calendar", entity_id=before["id"],
                 before=before)
    bump_data_version(session)
