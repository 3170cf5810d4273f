"""A real SMTP server for the tests: aiosmtpd on 127.0.0.1 and a free port, collecting what
arrives. `smtp_server` points Django's SMTP backend at it; `refuse_next(n)` makes the next n
transactions end with "451 try again later" or another reply (the server takes the DATA,
then refuses it).

    def test_x(smtp_server):
        ... queue mail ...
        outbox.deliver_due("test")
        [message] = smtp_server.messages      # email.message.EmailMessage, policy=default
"""

from __future__ import annotations

import email
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default
from typing import Any

import pytest
from aiosmtpd.controller import Controller


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


@dataclass
class CollectingHandler:
    received: list[Received] = field(default_factory=list)
    refused: int = 0
    _refuse: int = 0
    _refusal: str = "451 4.3.0 Temporary failure, try again later"
    _lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self._lock:
            if self._refuse > 0:
                self._refuse -= 1
                self.refused += 1
                return self._refusal
            parsed = email.message_from_bytes(envelope.original_content, policy=default)
            assert isinstance(parsed, EmailMessage)
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 2.0.0 OK"


class SmtpServer:
    def __init__(self, handler: CollectingHandler, port: int) -> None:
        self.handler = handler
        self.host = "127.0.0.1"
        self.port = port

    @property
    def received(self) -> list[Received]:
        return list(self.handler.received)

    @property
    def messages(self) -> list[EmailMessage]:
        return [r.message for r in self.handler.received]

    def to(self, address: str) -> list[EmailMessage]:
        return [r.message for r in self.handler.received if address in r.rcpt_tos]

    def refuse_next(
        self, count: int = 1, reply: str = "451 4.3.0 Temporary failure, try again later"
    ) -> None:
        """End the next `count` transactions with `reply` (a 4xx by default; 5xx for good)."""
        with self.handler._lock:
            self.handler._refuse = count
            self.handler._refusal = reply

    def clear(self) -> None:
        with self.handler._lock:
            self.handler.received.clear()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[SmtpServer]:
    handler = CollectingHandler()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    try:
        yield SmtpServer(handler, port)
    finally:
        controller.stop()
