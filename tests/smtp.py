"""A real SMTP server on the loopback (aiosmtpd), for the `inbox` fixture (tests/conftest.py):
what it accepted, as the recipients' mail programs would read it, and a switch to refuse
messages from the n-th on."""
from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


@dataclass
class Inbox:
    """The messages the server accepted (parsed), and from which one it refuses (None: never)."""

    messages: list[EmailMessage] = field(default_factory=list)
    refuse_from: int | None = None
    port: int = 0
    answer_after: float = 0.0  # seconds it keeps a message before saying it took it

    async def handle_DATA(self, _server, _session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        if self.refuse_from is not None and len(self.messages) >= self.refuse_from:
            return "451 4.3.0 Mailbox temporarily unavailable"
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        if self.answer_after:
            await asyncio.sleep(self.answer_after)
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in m["To"]]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running_inbox(login: tuple[str, str] | None = None) -> Iterator[Inbox]:
    """A server on a free loopback port, stopped at the end; with `login` (user, password) it
    takes mail only from a client that signed in with them (AUTH, over the plain loopback)."""
    found = Inbox(port=_free_port())
    options = {}
    if login is not None:
        def authenticate(_server, _session, _envelope, _mechanism, auth_data):
            ok = (auth_data.login.decode(), auth_data.password.decode()) == login
            return AuthResult(success=ok, handled=False)
        options = dict(authenticator=authenticate, auth_required=True, auth_require_tls=False)
    controller = Controller(found, hostname="127.0.0.1", port=found.port, **options)
    controller.start()
    try:
        yield found
    finally:
        controller.stop()
