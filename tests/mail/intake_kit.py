"""Making mail for the intake tests: raw messages as a customer's mail client would send them,
and a ticket with the token our outgoing mail carries."""

from __future__ import annotations

import uuid
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

from django.utils import timezone

from partnerdesk.mail import tokens
from partnerdesk.mail.actions import intake
from partnerdesk.mail.models import InboundMessage
from partnerdesk.tickets import actions as ticket_actions
from partnerdesk.tickets.models import Ticket
from tests.kit import Workspace


def mail(
    *,
    sender: str = "ann@contoso.example",
    to: str = "support@nordwind.example",
    subject: str = "Printer offline",
    body: str = "The printer on floor 2 is offline.",
    message_id: str | None = None,
    headers: dict[str, str] | None = None,
    attachments: list[tuple[str, bytes, str]] = (),  # type: ignore[assignment]
    dmarc: str | None = None,
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(timezone.now())
    message["Message-ID"] = message_id or f"<{uuid.uuid4().hex}@mail.contoso.example>"
    if dmarc is not None:
        domain = sender.rpartition("@")[2].strip(">")
        message["Authentication-Results"] = (
            f"mx.nordwind.example; spf=pass smtp.mailfrom={domain}; "
            f"dkim={dmarc} header.d={domain}; dmarc={dmarc} header.from={domain}"
        )
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    for filename, content, content_type in attachments:
        maintype, _slash, subtype = content_type.partition("/")
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return message.as_bytes()


def token_of(ticket: Ticket) -> str:
    return tokens.token_for(
        partner_id=ticket.partner_id,
        ticket_id=ticket.pk,
        prefix=ticket.partner.ticket_prefix,
        number=ticket.number,
    )


def our_message_id(ticket: Ticket) -> str:
    return tokens.message_id(token_of(ticket))


def receive(ws: Workspace, raw: bytes, **kwargs: Any) -> InboundMessage:
    return intake.receive(workspace_id=ws.partner.pk, raw=raw, source="pipe", **kwargs)


def a_ticket(ws: Workspace, contact: Any, *, status: str | None = None) -> Ticket:
    filed = ticket_actions.file_ticket(
        ws.actor("helpdesk_agent"),
        customer=contact.customer,
        requester=contact,
        subject="VPN drops every hour",
        description="Since Monday.",
        category="connectivity",
        severity="B",
        channel="phone",
    )
    ticket = filed.ticket
    if status is not None:
        ticket = ticket_actions.change_ticket(
            ws.actor("helpdesk_agent"),
            ticket=ticket,
            changes=ticket_actions.TicketChanges(status=status),
        )
    return Ticket.objects.select_related("partner").get(pk=ticket.pk)
