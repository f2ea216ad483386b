"""`python -m core.cli remind [--dry-run]`: every message due now, built and sent over SMTP,
each recorded before the server is asked.

Who is due: every enabled account with an address and a digest not "off", except the
projector's: a digest (secretaries, the admin) once a day or once an ISO week, as chosen, and
only when something is due; a brief (leaders) once a week. A message already sent for its
period, or that may have gone (a run stopped while the server was asked), is not sent again;
one the server refused is sent at the next run.

How a message is kept from going twice: its row (ReminderSend, status "sending") is committed
before the server is asked, under a unique index on (user, kind, period) over every row not
"failed"; then marked "sent", or "failed" with the server's answer. Two runs at once, or a run
resumed after a crash, find the row and leave the message alone.
"""
from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid, parseaddr

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from core.access.scope import NotFoundError, ScopeError
from core.config import Settings
from core.format import VIETNAM_TIME
from core.i18n import t
from core.notify.digests import (
    BRIEF_ROLES,
    DIGEST_ROLES,
    Recipient,
    brief,
    digest,
    period_of,
    test_message,
)
from core.notify.messages import Message
from core.procedure.stages import Role
from core.storage.db import session_scope
from core.storage.faults import DatabaseRefusedError
from core.storage.models import Organization, ReminderRun, ReminderSend, User, utcnow

ERROR_LENGTH = 1000


class MailSettingsError(ValueError):
    """Sending is asked for, but the settings cannot send (no server, no sender address)."""


def recipients(session: Session) -> list[Recipient]:
    """The accounts that receive reminders: enabled, with an address and a digest chosen, not
    the projector's; by username."""
    rows = session.exec(
        select(User, Organization).join(Organization, Organization.id == User.organization_id)
        .where(User.active, User.email != "", User.digest != "off", User.role != Role.PROJECTOR.value)
        .order_by(User.username)).all()
    return [Recipient(user, org) for user, org in rows]


def kind_for(role: Role) -> str | None:
    """What a role receives: the digest, the brief, or nothing."""
    return "digest" if role in DIGEST_ROLES else "brief" if role in BRIEF_ROLES else None


def _taken(session: Session, user_id: int, kind: str, period: str) -> bool:
    """A message of this period was sent, or may have been (not refused)."""
    return session.exec(select(ReminderSend.id).where(
        ReminderSend.user_id == user_id, ReminderSend.kind == kind, ReminderSend.period == period,
        ReminderSend.status != "failed").limit(1)).first() is not None


def _last_brief(session: Session, user_id: int) -> date | None:
    """The day (in Vietnam) the user's last brief went, if one did."""
    at = session.exec(select(func.max(ReminderSend.at)).where(
        ReminderSend.user_id == user_id, ReminderSend.kind == "brief", ReminderSend.status == "sent")).one()
    if at is None:
        return None
    return (at if at.tzinfo else at.replace(tzinfo=timezone.utc)).astimezone(VIETNAM_TIME).date()  # SQLite keeps UTC naive


@dataclass
class Due:
    """What a run found: the messages to send, those of their period already taken, and the
    accounts it could build nothing for, with why (an organization no longer there)."""

    messages: list[Message] = field(default_factory=list)
    taken: int = 0
    refused: list[tuple[str, str]] = field(default_factory=list)


def due_messages(session: Session, *, today: date, settings: Settings) -> Due:
    """Every message due today, built with each recipient's own scope."""
    found = Due()
    for recipient in recipients(session):
        kind = kind_for(Role(recipient.user.role))
        if kind is None:
            continue
        period = period_of(kind, recipient.user.digest, today)
        if _taken(session, recipient.user.id, kind, period):
            found.taken += 1
            continue
        try:
            if kind == "digest":
                message = digest(session, recipient, today=today, settings=settings, period=period)
            else:
                message = brief(session, recipient, today=today, settings=settings, period=period,
                                since=_last_brief(session, recipient.user.id))
        except (ScopeError, NotFoundError) as exc:  # its organization was dissolved or deactivated
            found.refused.append((recipient.user.username, str(exc)))
            continue
        if message is not None:
            found.messages.append(message)
    return found


def email_of(message: Message, settings: Settings, *, now: datetime | None = None) -> EmailMessage:
    """The message as it goes out: plain text and HTML alternatives, UTF-8, dated in Vietnam."""
    mail = EmailMessage()
    mail["Subject"] = message.subject
    mail["From"] = settings.mail_from
    mail["To"] = formataddr((message.display_name, message.address))
    mail["Date"] = format_datetime((now or utcnow()).astimezone(VIETNAM_TIME))
    domain = parseaddr(settings.mail_from)[1].rpartition("@")[2] or None
    mail["Message-ID"] = make_msgid(domain=domain)
    mail.set_content(message.text())
    mail.add_alternative(message.html(), subtype="html")
    return mail


def check_sending(settings: Settings) -> None:
    """MailSettingsError (in Vietnamese) unless the settings name a server and a sender."""
    problems = [t(key) for key, missing in (("remind.no_host", not settings.smtp_host),
                                            ("remind.no_sender", not parseaddr(settings.mail_from)[1]))
                if missing]
    if problems:
        raise MailSettingsError(" ".join(problems))


Send = Callable[[EmailMessage], None]
Sender = Callable[[Settings], AbstractContextManager[Send]]


@contextmanager
def smtp_sender(settings: Settings) -> Iterator[Send]:
    """A function that sends one message over the configured server, on one connection opened
    at the first message and opened again after a failure; closed at the end."""
    check_sending(settings)
    connection: list[smtplib.SMTP] = []

    def connect() -> smtplib.SMTP:
        timeout = settings.smtp_timeout_seconds
        if settings.smtp_security == "ssl":
            server = smtplib.SMTP_SSL(settings.smtp_host, settings.smtp_port, timeout=timeout,
                                      context=ssl.create_default_context())
        else:
            server = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout)
            if settings.smtp_security == "starttls":
                server.starttls(context=ssl.create_default_context())
        if settings.smtp_user:
            server.login(settings.smtp_user, settings.smtp_password)
        return server

    def close() -> None:
        while connection:
            try:
                connection.pop().quit()
            except (smtplib.SMTPException, OSError):
                pass

    def send(mail: EmailMessage) -> None:
        if not connection:
            connection.append(connect())
        try:
            connection[0].send_message(mail)
        except (smtplib.SMTPServerDisconnected, OSError):
            close()  # the next message opens a fresh connection
            raise

    try:
        yield send
    finally:
        close()


@dataclass
class RunReport:
    """What a run did: its id, the messages it built, and how each went."""

    run_id: int
    dry_run: bool
    messages: list[Message]
    sent: list[Message] = field(default_factory=list)
    failed: list[tuple[Message, str]] = field(default_factory=list)
    skipped: int = 0  # due, but already sent (or being sent) by another run
    refused: list[tuple[str, str]] = field(default_factory=list)  # (username, why nothing was built)


def _claim(engine: Engine, run_id: int, message: Message) -> int | None:
    """Commit the message's "sending" row; None when the database refuses it: its period is
    taken already (another run claimed it since this one looked), or its account is gone."""
    try:
        with session_scope(engine) as session:
            row = ReminderSend(run_id=run_id, user_id=message.user_id, kind=message.kind, period=message.period,
                               address=message.address, subject=message.subject[:255], status="sending")
            session.add(row)
            session.flush()
            return row.id
    except DatabaseRefusedError:
        return None


def _settle(engine: Engine, send_id: int, status: str, error: str = "") -> None:
    with session_scope(engine) as session:
        row = session.get(ReminderSend, send_id)
        row.status, row.error, row.at = status, error[:ERROR_LENGTH], utcnow()
        session.add(row)


def _error_text(exc: Exception) -> str:
    """The server's answer ("550 5.1.1 …") or the failure, as it will be shown."""
    if isinstance(exc, smtplib.SMTPResponseException):
        answer = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"{exc.smtp_code} {answer}"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{addr}: {code} {msg.decode('utf-8', 'replace') if isinstance(msg, bytes) else msg}"
                         for addr, (code, msg) in exc.recipients.items())
    return f"{type(exc).__name__}: {exc}"


def remind(engine: Engine, *, today: date, settings: Settings, dry_run: bool = False,
           sender: Sender = smtp_sender, only: list[Message] | None = None) -> RunReport:
    """Build every message due today and (unless `dry_run`) send each once, recording the run
    and every message. `only`: send these messages instead of those due (the test message)."""
    if not dry_run:
        check_sending(settings)
    with session_scope(engine) as session:
        run = ReminderRun(dry_run=dry_run)
        session.add(run)
        session.flush()
        run_id = run.id
    with session_scope(engine) as session:
        due = Due(list(only)) if only is not None else due_messages(session, today=today, settings=settings)
    report = RunReport(run_id, dry_run, due.messages, skipped=due.taken, refused=due.refused)
    if not dry_run and due.messages:
        with sender(settings) as send:
            for message in due.messages:
                try:
                    mail = email_of(message, settings)
                except ValueError as exc:  # a header the mail format cannot hold: nothing to claim
                    report.failed.append((message, _error_text(exc)))
                    continue
                send_id = _claim(engine, run_id, message)
                if send_id is None:
                    report.skipped += 1
                    continue
                try:
                    send(mail)
                except (smtplib.SMTPException, OSError) as exc:
                    error = _error_text(exc)
                    _settle(engine, send_id, "failed", error)
                    report.failed.append((message, error))
                else:
                    _settle(engine, send_id, "sent")
                    report.sent.append(message)
    with session_scope(engine) as session:
        run = session.get(ReminderRun, run_id)
        run.finished_at, run.sent, run.failed, run.skipped = utcnow(), len(report.sent), len(report.failed), report.skipped
        session.add(run)
    return report


def send_test(engine: Engine, username: str, *, today: date, settings: Settings,
              sender: Sender = smtp_sender) -> RunReport:
    """The admin page's "send me a test": one message to the user's own address, recorded as
    a run of its own (a test is never taken: each click sends one)."""
    with session_scope(engine) as session:
        user, org = session.exec(select(User, Organization).join(Organization, Organization.id == User.organization_id)
                                 .where(User.username == username)).one()
        if not user.email:
            raise MailSettingsError(t("remind.no_address"))
        message = test_message(Recipient(user, org), today=today, settings=settings,
                               period=utcnow().isoformat(timespec="microseconds")[:26])
    return remind(engine, today=today, settings=settings, sender=sender, only=[message])


def last_runs(session: Session, limit: int = 10) -> list[tuple[ReminderRun, list[ReminderSend]]]:
    """The latest runs, newest first, each with its messages."""
    runs = session.exec(select(ReminderRun).order_by(ReminderRun.started_at.desc(), ReminderRun.id.desc())
                        .limit(limit)).all()
    sends = session.exec(select(ReminderSend).where(ReminderSend.run_id.in_([r.id for r in runs]))
                         .order_by(ReminderSend.id)).all() if runs else []
    by_run: dict[int, list[ReminderSend]] = {}
    for row in sends:
        by_run.setdefault(row.run_id, []).append(row)
    return [(run, by_run.get(run.id, [])) for run in runs]
