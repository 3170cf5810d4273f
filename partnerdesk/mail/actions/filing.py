"""Mail made into tickets, replies and notes, always through the tickets actions, with the
inbound row marked inside their transaction (intake.py explains why)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.utils.translation import gettext as _

from partnerdesk.accounts.permissions import Role, permissions_for
from partnerdesk.core.actor import Actor, ActorKind
from partnerdesk.customers.models import Contact, Customer
from partnerdesk.tickets import actions as tickets
from partnerdesk.tickets.actions import Filed
from partnerdesk.tickets.attachments import Rejected
from partnerdesk.tickets.enums import Category, Channel, Severity
from partnerdesk.tickets.models import Ticket

from .. import tokens
from ..models import InboundMessage, InboundState
from ..parsed import ParsedMessage
from .intake import mark, system_actor

# What a ticket from mail starts as; the agent changes it while triaging the queue.
MAIL_SEVERITY = Severity.B
MAIL_CATEGORY = Category.HOW_TO
OCTETS = "application/octet-stream"


def contact_actor(contact: Contact) -> Actor:
    """The contact, writing by mail: the author of the ticket or reply, as in the portal."""
    membership = contact.membership
    role = membership.role if membership is not None else Role.CONTACT
    kind = ActorKind.MANAGER if role == Role.CUSTOMER_MANAGER else ActorKind.CONTACT
    return Actor(
        kind=kind,
        partner_id=contact.partner_id,
        user_id=membership.user_id if membership is not None else None,
        membership_id=membership.pk if membership is not None else None,
        role=role,
        customer_id=contact.customer_id,
        contact_id=contact.pk,
        permissions=permissions_for(role) | {"tickets.create", "tickets.reply"},
        via="email",
        display_name=contact.name,
        email=contact.email,
    )


def files_of(parsed: ParsedMessage) -> list[UploadedFile]:
    """Attachments and inline images, as uploads the tickets actions check like any other."""
    return [
        SimpleUploadedFile(part.filename, part.content, part.content_type or OCTETS)
        for part in parsed.parts
    ]


def body_of(parsed: ParsedMessage) -> str:
    """What the agent reads: the answer without quoted history and signature; the whole text
    when trimming left nothing."""
    return (
        parsed.reply_text.strip()
        or parsed.text.strip()
        or _("(The message had no text; see the original message.)")
    )


def subject_of(parsed: ParsedMessage) -> str:
    # Ticket tokens are dropped (ours or another desk's: a subject with two would thread
    # by whichever comes first); our own mail puts the ticket's token back in front.
    subject = " ".join(tokens.SUBJECT_TOKEN.sub("", parsed.subject or "").split())
    return subject[:250] or _("(no subject)")


def _rejected_text(rejected: Sequence[Rejected]) -> str:
    lines = [f"- {r.filename}: {r.reason}" for r in rejected]
    return "\n".join(lines)


def _marker(inbound: InboundMessage, state: str, facts: dict[str, Any]) -> Any:
    def inside(filed: Filed) -> None:
        detail = ""
        if filed.rejected:
            detail = _("Files not accepted:") + "\n" + _rejected_text(filed.rejected)
        mark(
            inbound,
            state=state,
            reason="",
            detail=detail,
            ticket=filed.ticket,
            ticket_message=filed.message,
            **facts,
        )

    return inside


def _note(ticket: Ticket, inbound: InboundMessage, text: str) -> None:
    """An internal note by the system, written after the filing (see intake.py)."""
    tickets.reply(system_actor(inbound), ticket=ticket, body=text, internal=True, channel="email")


def _rejected_note(inbound: InboundMessage, filed: Filed) -> None:
    if filed.rejected:
        _note(
            filed.ticket,
            inbound,
            _("Files of the mail that were not attached:") + "\n" + _rejected_text(filed.rejected),
        )


def new_ticket(
    inbound: InboundMessage,
    parsed: ParsedMessage,
    facts: dict[str, Any],
    *,
    customer: Customer,
    contact: Contact | None,
    follows: Ticket | None = None,
) -> InboundMessage:
    """A ticket for the customer: by the contact when the sender is one, else by the system
    with no requester (the customer was recognised by its mail domain)."""
    actor = contact_actor(contact) if contact is not None else system_actor(inbound)
    description = body_of(parsed)
    if follows is not None:
        description = (
            _("(Follow-up to the closed ticket %(number)s.)") % {"number": follows.number}
            + "\n\n"
            + description
        )
    filed = tickets.file_ticket(
        actor,
        customer=customer,
        requester=contact,
        subject=subject_of(parsed),
        description=description,
        category=MAIL_CATEGORY,
        severity=MAIL_SEVERITY,
        channel=Channel.EMAIL,
        files=files_of(parsed),
        same_transaction=_marker(inbound, InboundState.TICKET, facts),
    )
    if contact is None:
        _note(
            filed.ticket,
            inbound,
            _(
                "Filed from mail by %(sender)s, who is not a contact of %(customer)s: the "
                "customer was recognised by its mail domain, so the ticket has no requester. "
                "Add the person as a contact if they should be one."
            )
            % {"sender": parsed.sender.email, "customer": customer.name},
        )
    _rejected_note(inbound, filed)
    return inbound


def contact_reply(
    inbound: InboundMessage,
    parsed: ParsedMessage,
    ticket: Ticket,
    contact: Contact,
    facts: dict[str, Any],
) -> InboundMessage:
    """The contact's answer on the ticket (reopens a resolved one, like a portal reply)."""
    filed = tickets.reply(
        contact_actor(contact),
        ticket=ticket,
        body=body_of(parsed),
        files=files_of(parsed),
        channel=Channel.EMAIL,
        same_transaction=_marker(inbound, InboundState.REPLY, facts),
    )
    _rejected_note(inbound, filed)
    return inbound


def auto_reply_note(
    system: Actor,
    inbound: InboundMessage,
    parsed: ParsedMessage,
    ticket: Ticket,
    facts: dict[str, Any],
) -> InboundMessage:
    """An automatic answer (out of office…) on a ticket: kept as an internal note, so nothing
    is lost, without reopening the ticket or restarting a clock."""
    body = (
        _("Automatic reply from %(sender)s:") % {"sender": parsed.sender.email or "?"}
        + "\n\n"
        + body_of(parsed)
    )
    filed = tickets.reply(
        system,
        ticket=ticket,
        body=body,
        internal=True,
        files=files_of(parsed),
        channel=Channel.EMAIL,
        same_transaction=_marker(inbound, InboundState.REPLY, facts),
    )
    _rejected_note(inbound, filed)
    return inbound
