"""The ticket token: how mail finds its ticket again, and only within its own workspace.

A token is the ticket's reference and a short signature, `PD-1042.k3f9a2`. The signature is
an HMAC of the workspace and the ticket under the server's secret, so a token cannot be
guessed from a reference, and a token copied from another workspace's mail never matches a
ticket here (the workspace is part of what is signed, and tickets are looked up in the
receiving workspace only).

Where it travels:
- the subject of every mail we send about a ticket: "[PD-1042.k3f9a2] Printer offline";
- the reply address: the mailbox's address with a plus part, support+PD-1042.k3f9a2@…;
- our Message-IDs: <PD-1042.k3f9a2.<unique>@partnerdesk>, so In-Reply-To and References of
  a customer's answer lead back to the ticket without a lookup table.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import uuid
from dataclasses import dataclass

from django.conf import settings

SIGNATURE_LENGTH = 6
# PREFIX-NUMBER.signature; prefixes are 1 to 8 letters or digits (Partner.ticket_prefix).
TOKEN = re.compile(r"(?<![A-Za-z0-9])([A-Za-z0-9]{1,8})-(\d{1,12})\.([a-z2-7]{6})(?![a-z2-7])")
SUBJECT_TOKEN = re.compile(r"\[([A-Za-z0-9]{1,8}-\d{1,12}\.[a-z2-7]{6})\]")
MESSAGE_ID_DOMAIN = "partnerdesk"


@dataclass(frozen=True)
class TicketToken:
    prefix: str
    number: int
    signature: str

    def __str__(self) -> str:
        return f"{self.prefix}-{self.number}.{self.signature}"


def _signature(partner_id: uuid.UUID, ticket_id: uuid.UUID) -> str:
    digest = hmac.new(
        settings.SECRET_KEY.encode(),
        f"ticket-token:{partner_id}:{ticket_id}".encode(),
        hashlib.sha256,
    ).digest()
    return base64.b32encode(digest).decode().lower()[:SIGNATURE_LENGTH]


def token_for(*, partner_id: uuid.UUID, ticket_id: uuid.UUID, prefix: str, number: int) -> str:
    return str(TicketToken(prefix, number, _signature(partner_id, ticket_id)))


def matches(token: TicketToken, *, partner_id: uuid.UUID, ticket_id: uuid.UUID) -> bool:
    """Whether `token` was made for this ticket of this workspace (constant time)."""
    return hmac.compare_digest(token.signature, _signature(partner_id, ticket_id))


def parse(text: str) -> TicketToken | None:
    """The first token in `text` (a subject, an address's local part or a Message-ID)."""
    found = TOKEN.search(text or "")
    if found is None:
        return None
    return TicketToken(found.group(1).upper(), int(found.group(2)), found.group(3))


def in_subject(subject: str) -> TicketToken | None:
    found = SUBJECT_TOKEN.search(subject or "")
    return parse(found.group(1)) if found else None


def reply_address(mailbox_address: str, token: str) -> str:
    local, _at, domain = mailbox_address.partition("@")
    return f"{local.split('+', 1)[0]}+{token}@{domain}"


def message_id(token: str | None = None, *, unique: str | None = None) -> str:
    """A Message-ID of ours; with a token when the mail is about a ticket."""
    unique = unique or uuid.uuid4().hex
    local = f"{token}.{unique}" if token else unique
    return f"<{local}@{MESSAGE_ID_DOMAIN}>"
