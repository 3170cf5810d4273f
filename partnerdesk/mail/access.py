"""Fetching one mail object by id within the actor's visibility (else 404)."""

from __future__ import annotations

import uuid

from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import not_found
from partnerdesk.tickets.access import get_ticket_for
from partnerdesk.tickets.selectors import sees_internal

from . import selectors
from .models import InboundMessage, InboundState, Mailbox
from .selectors import MAILBOX_MANAGE_PERMISSION


def _uuid(value: str | uuid.UUID) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise not_found() from None


def get_mailbox_for(actor: Actor, mailbox_id: str | uuid.UUID) -> Mailbox:
    """A mailbox of the actor's workspace, for those who manage mailboxes and for the system
    actor (the poller); anyone else is told it does not exist."""
    if not (actor.is_system or (actor.is_staff and actor.has(MAILBOX_MANAGE_PERMISSION))):
        raise not_found()
    mailbox = Mailbox.objects.filter(pk=_uuid(mailbox_id), partner_id=actor.workspace_id).first()
    if mailbox is None:
        raise not_found()
    return mailbox


def get_mailbox_for_poll(actor: Actor, mailbox_id: str | uuid.UUID) -> Mailbox | None:
    """The mailbox a poll task names, for the system actor without a workspace; None when it
    was deleted meanwhile."""
    if not actor.is_system:
        raise not_found()
    found = Mailbox.objects.filter(pk=_uuid(mailbox_id))
    if actor.partner_id is not None:
        found = found.filter(partner_id=actor.partner_id)
    return found.first()


# --- inbound messages (the console's triage, quarantine and original-message pages) ------------


def _inbound(actor: Actor, inbound_id: str | uuid.UUID, state: str) -> InboundMessage:
    found = InboundMessage.objects.filter(
        pk=_uuid(inbound_id), partner_id=actor.workspace_id, state=state
    ).first()
    if found is None:
        raise not_found()
    return found


def get_triage_message_for(actor: Actor, inbound_id: str | uuid.UUID) -> InboundMessage:
    """A message waiting in triage, for staff who sort triage (404 for anyone else, and once
    it has been sorted)."""
    if not selectors.sees_triage(actor):
        raise not_found()
    return _inbound(actor, inbound_id, InboundState.TRIAGE)


def get_quarantined_message_for(actor: Actor, inbound_id: str | uuid.UUID) -> InboundMessage:
    """A quarantined message, for the partner owner (mail.quarantine)."""
    if not (actor.is_staff and selectors.sees_quarantine(actor)):
        raise not_found()
    return _inbound(actor, inbound_id, InboundState.QUARANTINED)


def get_original_for(actor: Actor, inbound_id: str | uuid.UUID) -> InboundMessage:
    """Mail that became a ticket or a reply, for staff who see that ticket (an auto-reply kept
    as an internal note only for those who read internal notes)."""
    if not actor.is_staff:
        raise not_found()
    found = (
        InboundMessage.objects.select_related("ticket_message")
        .filter(
            pk=_uuid(inbound_id),
            partner_id=actor.workspace_id,
            state__in=selectors.FILED_STATES,
            ticket__isnull=False,
        )
        .first()
    )
    if found is None or found.ticket_id is None:
        raise not_found()
    ticket = get_ticket_for(actor, found.ticket_id)  # 404 unless the actor sees the ticket
    message = found.ticket_message
    if message is not None and message.internal and not sees_internal(actor):
        raise not_found()
    found.ticket = ticket
    return found
