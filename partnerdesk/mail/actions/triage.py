"""An agent sorts a message out of triage: files it as a ticket, attaches it to a ticket, or
discards it. Each moves the row out of TRIAGE once (a conditional UPDATE inside the ticket's
transaction, as intake does), so two agents pressing at the same moment file it once."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from partnerdesk.core import audit, clock, policies
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import DomainError, forbidden
from partnerdesk.customers.models import Contact, Customer
from partnerdesk.tickets import actions as tickets
from partnerdesk.tickets.actions import Filed
from partnerdesk.tickets.enums import Channel, Status
from partnerdesk.tickets.models import Ticket

from .. import selectors
from ..models import InboundMessage, InboundState
from ..parsed import ParsedMessage
from .filing import MAIL_CATEGORY, MAIL_SEVERITY, body_of, contact_actor, files_of, subject_of


def _gone() -> DomainError:
    return DomainError(
        "already_sorted",
        _("Someone sorted this message a moment ago; it is no longer in triage."),
        status=409,
    )


def _require(actor: Actor) -> None:
    policies.require(actor, "mail.triage")
    if not selectors.sees_triage(actor):
        raise forbidden()


def _leave_triage(inbound: InboundMessage, **fields: Any) -> None:
    fields = {"processed_at": clock.now(), **fields}
    updated = InboundMessage.objects.filter(pk=inbound.pk, state=InboundState.TRIAGE).update(
        **fields
    )
    if not updated:
        raise _gone()
    for name, value in fields.items():
        setattr(inbound, name, value)


def _sorted_by(actor: Actor, inbound: InboundMessage, how: str) -> Any:
    def inside(filed: Filed) -> None:
        state = InboundState.TICKET if how == "filed" else InboundState.REPLY
        _leave_triage(
            inbound,
            state=state,
            ticket=filed.ticket,
            ticket_message=filed.message,
            detail=inbound.detail,
        )
        audit.record(
            actor,
            f"mail.triage_{how}",
            inbound,
            data={"ticket": filed.ticket.number, "reason": inbound.reason},
            personal={"sender": inbound.sender},
        )

    return inside


def file_from_triage(
    actor: Actor,
    *,
    inbound: InboundMessage,
    parsed: ParsedMessage,
    customer: Customer,
    requester: Contact | None,
) -> Filed:
    """File the message as a new ticket for `customer` (requester optional, one of its
    contacts), authored by the agent, with the mail's text and files."""
    _require(actor)
    if requester is not None and requester.customer_id != customer.pk:
        raise DomainError(
            "validation_failed", _("The requester is not a contact of this customer."), 422
        )
    filed = tickets.file_ticket(
        actor,
        customer=customer,
        requester=requester,
        subject=subject_of(parsed),
        description=body_of(parsed),
        category=MAIL_CATEGORY,
        severity=MAIL_SEVERITY,
        channel=Channel.EMAIL,
        files=files_of(parsed),
        same_transaction=_sorted_by(actor, inbound, "filed"),
    )
    return filed


def attach_from_triage(
    actor: Actor, *, inbound: InboundMessage, parsed: ParsedMessage, ticket: Ticket
) -> Filed:
    """Add the message to an existing ticket: as the contact's reply when the sender is a
    contact of the ticket's customer, else as an internal note naming the sender (someone the
    partner does not know does not speak on the customer's ticket)."""
    _require(actor)
    if ticket.status == Status.CLOSED:
        raise DomainError(
            "ticket_closed",
            _("Ticket %(number)s is closed; file the message as a new ticket.")
            % {"number": ticket.number},
            status=409,
        )
    contact = selectors.contact_by_email(actor, email=inbound.sender)
    hook = _sorted_by(actor, inbound, "attached")
    if contact is not None and contact.customer_id == ticket.customer_id:
        return tickets.reply(
            contact_actor(contact),
            ticket=ticket,
            body=body_of(parsed),
            files=files_of(parsed),
            channel=Channel.EMAIL,
            same_transaction=hook,
        )
    body = (
        _("Mail from %(sender)s, attached from triage:") % {"sender": inbound.sender or "?"}
        + "\n\n"
        + body_of(parsed)
    )
    return tickets.reply(
        actor,
        ticket=ticket,
        body=body,
        internal=True,
        files=files_of(parsed),
        channel=Channel.EMAIL,
        same_transaction=hook,
    )


def discard_from_triage(actor: Actor, *, inbound: InboundMessage) -> InboundMessage:
    """Nothing to do with it: ignored (discarded). The raw message stays."""
    _require(actor)
    with transaction.atomic(durable=True):
        _leave_triage(inbound, state=InboundState.IGNORED, reason="discarded")
        audit.record(
            actor,
            "mail.triage_discarded",
            inbound,
            data={"reason": "discarded"},
            personal={"sender": inbound.sender},
        )
    return inbound
