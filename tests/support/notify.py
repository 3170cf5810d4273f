"""Helpers for the mail-out tests: tickets through the actions, the outbox delivered for real."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from partnerdesk.core import clock, outbox
from partnerdesk.core.models import OutboxItem, OutboxStatus
from partnerdesk.mail.models import Mailbox
from partnerdesk.tickets import actions
from partnerdesk.tickets.models import Ticket
from tests.kit import Workspace


def file_as(
    ws: Workspace,
    who: str,
    *,
    customer: str = "a",
    requester: Any = None,
    subject: str = "Printer offline",
    description: str = "It stopped printing.",
    channel: str | None = None,
) -> Ticket:
    actor = ws.actor(who)
    return actions.file_ticket(
        actor,
        customer=ws.customers[customer],
        subject=subject,
        description=description,
        category="how_to",
        severity="C",
        channel=channel or ("agent" if actor.is_staff else "portal"),
        requester=requester,
    ).ticket


def deliver_all() -> int:
    """Deliver every due outbox item (retries made due at once); returns attempts made."""
    OutboxItem.objects.filter(status=OutboxStatus.PENDING).update(
        next_attempt_at=clock.now() - timedelta(seconds=1)
    )
    return outbox.deliver_due("test-mail", limit=200)


def add_mailbox(ws: Workspace, address: str = "support@nordwind.example") -> Mailbox:
    return Mailbox.objects.create(
        partner=ws.partner,
        name="Support",
        address=address,
        host="127.0.0.1",
        username="support",
        created_at=clock.now(),
    )
