"""Fetching one ticket, message or attachment by id within the actor's visibility (else 404)."""

from __future__ import annotations

import uuid

from partnerdesk.accounts.models import Membership
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import not_found
from partnerdesk.customers.access import get_contact_for
from partnerdesk.customers.models import Contact

from .models import AgentNotice, Attachment, CannedReply, Ticket
from .selectors import canned_replies_for, own_notices, sees_internal, visible_tickets


def _uuid(value: str | uuid.UUID) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise not_found() from None


def get_ticket_for(actor: Actor, ticket_id: str | uuid.UUID) -> Ticket:
    ticket = (
        visible_tickets(actor)
        .select_related(
            "partner", "customer", "requester", "assignee__user", "service", "merged_into"
        )
        .filter(pk=_uuid(ticket_id))
        .first()
    )
    if ticket is None:
        raise not_found()
    return ticket


def get_ticket_for_update(actor: Actor, ticket_id: str | uuid.UUID) -> Ticket:
    """The ticket, locked for the rest of the caller's transaction."""
    ticket = visible_tickets(actor).select_for_update().filter(pk=_uuid(ticket_id)).first()
    if ticket is None:
        raise not_found()
    return ticket


def get_attachment_for(actor: Actor, attachment_id: str | uuid.UUID) -> Attachment:
    attachment = (
        Attachment.objects.filter(pk=_uuid(attachment_id), partner_id=actor.workspace_id)
        .filter(ticket__in=visible_tickets(actor))
        .first()
    )
    if attachment is None or (attachment.internal and not sees_internal(actor)):
        raise not_found()
    return attachment


def get_requester_for(
    actor: Actor, contact_id: str | uuid.UUID, *, customer_id: uuid.UUID
) -> Contact:
    """An active contact of the given customer, as a ticket's requester (404 otherwise)."""
    contact = get_contact_for(actor, contact_id)
    if contact.customer_id != customer_id or not contact.is_active:
        raise not_found()
    return contact


def get_assignable_staff_for(actor: Actor, membership_id: str | uuid.UUID) -> Membership:
    """A staff member of the actor's workspace (404 otherwise); staff only."""
    membership = (
        Membership.objects.select_related("user")
        .filter(pk=_uuid(membership_id), partner_id=actor.workspace_id, customer__isnull=True)
        .first()
    )
    if membership is None or not actor.is_staff:
        raise not_found()
    return membership


def get_ticket_by_number_for(actor: Actor, number: int) -> Ticket:
    """The visible ticket with this number in the actor's workspace (404 otherwise)."""
    ticket = visible_tickets(actor).filter(number=number).only("id").first()
    if ticket is None:
        raise not_found()
    return get_ticket_for(actor, ticket.pk)


def get_canned_reply_for(actor: Actor, canned_id: str | uuid.UUID) -> CannedReply:
    """One of the team's canned replies or one of the actor's own (404 otherwise, and always
    for another person's own)."""
    canned = canned_replies_for(actor).filter(pk=_uuid(canned_id)).first()
    if canned is None:
        raise not_found()
    return canned


def get_notice_for(actor: Actor, notice_id: str | int) -> AgentNotice:
    """One of the actor's own console notices (404 for anyone else's, as for a made-up id)."""
    try:
        pk = int(notice_id)
    except (TypeError, ValueError):
        raise not_found() from None
    notice = own_notices(actor).filter(pk=pk).first()
    if notice is None:
        raise not_found()
    return notice
