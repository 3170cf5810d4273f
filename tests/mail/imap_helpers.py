"""Shared by the IMAP tests: mailboxes pointing at the test Dovecot, messages, and an intake
that records what it was handed (and can refuse, or look at the server meanwhile)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from partnerdesk.mail.actions.mailboxes import MailboxSettings, create_mailbox
from partnerdesk.mail.models import Mailbox
from tests.kit import Workspace
from tests.support.dovecot import Dovecot


def message(n: int, *, subject: str = "", sender: str = "kunde@example.test") -> bytes:
    """A small, distinct message with CRLF line ends, as a server keeps it."""
    return (
        f"From: Kunde <{sender}>\r\n"
        f"To: support@nordwind.example\r\n"
        f"Subject: {subject or f'Test message {n}'}\r\n"
        f"Message-ID: <{uuid.uuid4().hex}.{n}@example.test>\r\n"
        f"Date: Mon, 02 Mar 2026 09:00:00 +0000\r\n"
        f"\r\n"
        f"Body of message {n}.\r\n"
    ).encode()


def imap_mailbox(
    ws: Workspace,
    dovecot: Dovecot,
    user: str,
    *,
    password: str | None = None,
    security: str = "none",
    **overrides: Any,
) -> Mailbox:
    port = dovecot.ssl_port if security == "ssl" else dovecot.port
    config = MailboxSettings(
        name=overrides.pop("name", f"Support {user}"),
        address=overrides.pop("address", f"{user}@nordwind.example"),
        host=overrides.pop("host", dovecot.host),
        port=overrides.pop("port", port),
        security=security,
        username=user,
        auth_method=overrides.pop("auth_method", "password"),
        secret=password if password is not None else dovecot.passwords[user],
        **overrides,
    )
    return create_mailbox(ws.actor("global_admin"), config=config)


@dataclass
class Recorder:
    """An intake that keeps what it was handed. `before` runs first with the call's uid
    order number (0-based); raising there refuses the message."""

    calls: list[dict[str, Any]] = field(default_factory=list)
    before: Callable[[int, dict[str, Any]], None] | None = None

    def __call__(self, **kwargs: Any) -> object:
        if self.before is not None:
            self.before(len(self.calls), kwargs)
        self.calls.append(kwargs)
        return object()

    @property
    def raws(self) -> list[bytes]:
        return [c["raw"] for c in self.calls]
