"""`python -m core.cli remind [--dry-run]`: every message due now, built and sent over SMTP,
each recorded before the server is asked.

Who is due: every enabled account with an address and a digest not "off", except the
projector's: a digest (secretaries, the admin) once a day or once an ISO week, as chosen, and
only when something is due; a brief (leaders) once a week. A message already sent for its
period, or that may have gone (a run stopped while the server was asked), is not sent again;
one the server refused is sent at the next run.

How a message is kept from going twice: its row (ReminderSend, status "sending") is committed
before the server is asked, under a unique index on (user, kind, period) over every row not
"failed"; then marked "sent"; "failed" with the server's answer when it said no (or could not
be reached: the run then stops, the rest left for the next); "unknown" when the body went and
no answer came, or the run was stopped while asking (it may have been delivered). Two runs at
once, or a run resumed after a crash, find the row and leave the message alone.
"""
from __future__ import annotations

import json
import logging
import smtplib
import socket
import ssl
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from core.access.scope import Actor, NotFoundError, ScopeError
from core.access.users import email_problem
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
from core.storage.models import Organization, ReminderRun, ReminderSend, User, utcnow
from core.structure.tree import in_subtree

ERROR_LENGTH = 1000
logger = logging.getLogger(__name__)


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


def _taken(session: Session, periods: list[str]) -> set[tuple[int, str, str]]:
    """(user, kind, period) of the messages of these periods sent, or that may have been (not
    refused): one query for the whole run."""
    return {tuple(row) for row in session.exec(select(ReminderSend.user_id, ReminderSend.kind, ReminderSend.period)
                                               .where(ReminderSend.period.in_(periods),
                                                      ReminderSend.status != "failed")).all()}


def _last_brief(session: Session, user_id: int) -> dict | None:
    """The figures the user's last brief that went reported (core.notify.digests.brief), if one did."""
    facts = session.exec(select(ReminderSend.facts).where(
        ReminderSend.user_id == user_id, ReminderSend.kind == "brief", ReminderSend.status == "sent",
        ReminderSend.facts != "").order_by(ReminderSend.at.desc(), ReminderSend.id.desc()).limit(1)).first()
    return json.loads(facts) if facts else None


@dataclass
class Due:
    """What a run found: the messages to send, those of their period already taken, and the
    accounts it could build nothing for, with why."""

    messages: list[Message] = field(default_factory=list)
    taken: int = 0
    refused: list[tuple[str, str]] = field(default_factory=list)


def due_messages(session: Session, *, today: date, settings: Settings) -> Due:
    """Every message due today, built with each recipient's own scope."""
    found = Due()
    taken = _taken(session, sorted({period_of(kind, frequency, today) for kind in ("digest", "brief")
                                    for frequency in ("daily", "weekly")}))
    for recipient in recipients(session):
        kind = kind_for(Role(recipient.user.role))
        if kind is None:
            continue
        period = period_of(kind, recipient.user.digest, today)
        if (recipient.user.id, kind, period) in taken:
            found.taken += 1
            continue
        try:
            if kind == "digest":
                message = digest(session, recipient, today=today, settings=settings, period=period)
            else:
                message = brief(session, recipient, today=today, settings=settings, period=period,
                                last=_last_brief(session, recipient.user.id))
        except (ScopeError, NotFoundError) as exc:  # its scope cannot be resolved
            found.refused.append((recipient.user.username, str(exc)))
            continue
        except Exception:  # one account's data must not stop everybody else's message
            logger.exception("reminders: nothing built for %s", recipient.user.username)
            found.refused.append((recipient.user.username, t("remind.build_failed")))
            continue
        if message is not None:
            found.messages.append(message)
    return found


def email_of(message: Message, settings: Settings, *, now: datetime | None = None) -> EmailMessage:
    """The message as it goes out: plain text and HTML alternatives, UTF-8, dated in Vietnam.
    The recipient is its address alone: a display name typed by people can hold a comma or an
    "@" that a mail program would read as another address (and Python folds long Vietnamese
    names with a stray space); the greeting names the person."""
    mail = EmailMessage()
    mail["Subject"] = message.subject
    mail["From"] = settings.mail_from
    mail["To"] = Address(addr_spec=message.address)
    mail["Date"] = format_datetime((now or utcnow()).astimezone(VIETNAM_TIME))
    mail["Message-ID"] = make_msgid(domain=parseaddr(settings.mail_from)[1].rpartition("@")[2])
    mail.set_content(message.text())
    mail.add_alternative(message.html(), subtype="html")
    return mail


def check_sending(settings: Settings) -> None:
    """MailSettingsError (in Vietnamese) unless the settings name a server that can be looked
    up and a sender with a valid address."""
    problems = []
    if not settings.smtp_host:
        problems.append(t("remind.no_host"))
    else:
        try:
            settings.smtp_host.encode("idna")
        except UnicodeError:
            problems.append(t("remind.bad_host", host=settings.smtp_host))
    sender = parseaddr(settings.mail_from)[1]
    if not sender or email_problem(sender):
        problems.append(t("remind.no_sender"))
    if problems:
        raise MailSettingsError(" ".join(problems))


class ServerUnavailable(Exception):
    """The server could not be reached, or refused the sign-in: nothing more goes in this run
    (the rest would fail the same way, and each failed sign-in counts against the account)."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


class MaybeSent(Exception):
    """The message's body went to the server but its answer did not come back (a timeout, a
    dropped connection): the server may have taken it, so it is not sent again."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


class _BodyTracking:
    """smtplib's DATA, knowing whether the body was sent when a failure comes (the final
    answer is then what is missing, not the message)."""

    body_sent = False

    def data(self, msg: bytes):  # as smtplib.SMTP.data, for the bytes send_message passes
        self.body_sent = False
        self.putcmd("data")
        code, reply = self.getreply()
        if code != 354:
            raise smtplib.SMTPDataError(code, reply)
        body = smtplib._quote_periods(msg)
        if body[-2:] != smtplib.bCRLF:
            body += smtplib.bCRLF
        self.send(body + b"." + smtplib.bCRLF)
        self.body_sent = True
        return self.getreply()


class _SMTP(_BodyTracking, smtplib.SMTP):
    pass


class _SMTPSSL(_BodyTracking, smtplib.SMTP_SSL):
    pass


Send = Callable[[EmailMessage], None]
Sender = Callable[[Settings], AbstractContextManager[Send]]


@contextmanager
def smtp_sender(settings: Settings) -> Iterator[Send]:
    """A function that sends one message over the configured server, on one connection opened
    at the first message and opened again after a dropped one; closed at the end. It raises
    ServerUnavailable when the server cannot be reached or signed in to, MaybeSent when the
    body went without an answer, and smtplib's refusals (the server's answer) otherwise."""
    check_sending(settings)
    connection: list[_SMTP] = []

    def connect() -> _SMTP:
        timeout = settings.smtp_timeout_seconds
        try:
            if settings.smtp_security == "ssl":
                server = _SMTPSSL(settings.smtp_host, settings.smtp_port, timeout=timeout,
                                  context=ssl.create_default_context())
            else:
                server = _SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout)
                if settings.smtp_security == "starttls":
                    server.starttls(context=ssl.create_default_context())
            if settings.smtp_user:
                server.login(settings.smtp_user, settings.smtp_password)
        except (OSError, ValueError) as exc:  # smtplib's errors are OSErrors; a bad name a ValueError
            raise ServerUnavailable(error_text(exc, settings)) from exc
        return server

    def close() -> None:
        while connection:
            try:
                connection.pop().quit()
            except OSError:
                pass

    def send(mail: EmailMessage) -> None:
        if not connection:
            connection.append(connect())
        server = connection[0]
        try:
            server.send_message(mail)
        except (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused):
            raise  # the server answered no: the connection is still good for the next message
        except OSError as exc:  # dropped, timed out: the next message opens a fresh connection
            body_sent = server.body_sent
            close()
            if body_sent:
                raise MaybeSent(error_text(exc, settings)) from exc
            raise

    try:
        yield send
    finally:
        close()


def error_text(exc: BaseException, settings: Settings) -> str:
    """What went wrong, in Vietnamese, with the server's own answer when there is one
    ("550 5.1.1 …")."""
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return t("remind.error_login", answer=_answer(exc.smtp_code, exc.smtp_error))
    if isinstance(exc, smtplib.SMTPResponseException):
        return t("remind.error_answer", answer=_answer(exc.smtp_code, exc.smtp_error))
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return t("remind.error_answer", answer="; ".join(f"{address}: {_answer(code, reply)}"
                                                          for address, (code, reply) in exc.recipients.items()))
    if isinstance(exc, socket.gaierror | UnicodeError | ValueError):
        return t("remind.error_name", host=settings.smtp_host)
    if isinstance(exc, ConnectionRefusedError):
        return t("remind.error_refused", host=settings.smtp_host, port=settings.smtp_port)
    if isinstance(exc, TimeoutError | socket.timeout):
        return t("remind.error_timeout", host=settings.smtp_host, seconds=settings.smtp_timeout_seconds)
    if isinstance(exc, ssl.SSLError | ssl.CertificateError):
        return t("remind.error_tls", host=settings.smtp_host, detail=str(exc))
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return t("remind.error_dropped", host=settings.smtp_host)
    return t("remind.error_other", detail=f"{type(exc).__name__}: {exc}")


def _answer(code: int, reply: bytes | str) -> str:
    return f"{code} {reply.decode('utf-8', 'replace') if isinstance(reply, bytes) else reply}"


@dataclass
class RunReport:
    """What a run did: its id, the messages it built, and how each went."""

    run_id: int
    dry_run: bool
    messages: list[Message]
    sent: list[Message] = field(default_factory=list)
    failed: list[tuple[Message, str]] = field(default_factory=list)
    unknown: list[tuple[Message, str]] = field(default_factory=list)  # the body went, the answer did not come
    skipped: int = 0  # due, but already sent (or being sent) by another run
    refused: list[tuple[str, str]] = field(default_factory=list)  # (username, why nothing was built)
    stopped: str = ""  # why the run stopped before the end (the server out of reach), "" when it did not
    not_tried: list[Message] = field(default_factory=list)  # left for the next run when it stopped


def _claim(engine: Engine, run_id: int, message: Message) -> int | None:
    """Write and commit the message's "sending" row; None when its period is taken already
    (another run claimed it since this one looked): the unique index refuses it quietly."""
    table = ReminderSend.__table__
    with session_scope(engine) as session:
        connection = session.connection()
        insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
        stmt = (insert(table).values(run_id=run_id, user_id=message.user_id, kind=message.kind, period=message.period,
                                     address=message.address, subject=message.subject[:255], status="sending",
                                     error="", facts=message.facts, at=utcnow())
                .on_conflict_do_nothing(index_elements=["user_id", "kind", "period"],
                                        index_where=table.c.status != "failed")
                .returning(table.c.id))
        return connection.execute(stmt).scalar()


def _settle(engine: Engine, send_id: int, status: str, error: str = "") -> None:
    with session_scope(engine) as session:
        row = session.get(ReminderSend, send_id)
        row.status, row.error, row.at = status, error[:ERROR_LENGTH], utcnow()
        session.add(row)


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
            for number, message in enumerate(due.messages):
                try:
                    mail = email_of(message, settings)
                except ValueError as exc:  # a header the mail format cannot hold: nothing to claim
                    report.failed.append((message, error_text(exc, settings)))
                    continue
                send_id = _claim(engine, run_id, message)
                if send_id is None:
                    report.skipped += 1
                    continue
                try:
                    send(mail)
                except ServerUnavailable as exc:
                    _settle(engine, send_id, "failed", exc.error)
                    report.failed.append((message, exc.error))
                    report.stopped, report.not_tried = exc.error, due.messages[number + 1:]
                    break
                except MaybeSent as exc:
                    _settle(engine, send_id, "unknown", exc.error)
                    report.unknown.append((message, exc.error))
                except OSError as exc:  # the server's refusal (smtplib's errors are OSErrors)
                    error = error_text(exc, settings)
                    _settle(engine, send_id, "failed", error)
                    report.failed.append((message, error))
                except BaseException:  # stopped while the server was asked: it may have taken it
                    _settle(engine, send_id, "unknown", t("remind.interrupted"))
                    raise
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


def last_runs(session: Session, actor: Actor, limit: int = 10) -> list[tuple[ReminderRun, list[ReminderSend]]]:
    """The latest runs, newest first, each with its messages to the accounts of the actor's
    subtree (an admin of a district sees its own people's, not the province's)."""
    runs = session.exec(select(ReminderRun).order_by(ReminderRun.started_at.desc(), ReminderRun.id.desc())
                        .limit(limit)).all()
    sends = session.exec(
        select(ReminderSend).join(User, User.id == ReminderSend.user_id)
        .join(Organization, Organization.id == User.organization_id)
        .where(ReminderSend.run_id.in_([r.id for r in runs]), in_subtree(actor.root_path))
        .order_by(ReminderSend.id)).all() if runs else []
    by_run: dict[int, list[ReminderSend]] = {}
    for row in sends:
        by_run.setdefault(row.run_id, []).append(row)
    return [(run, by_run.get(run.id, [])) for run in runs]
