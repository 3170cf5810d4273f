"""Reads of the mail app, scoped to the actor."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db.models import Count, Q, QuerySet

from partnerdesk.core import policies
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import forbidden
from partnerdesk.customers.models import Contact, Customer, CustomerDomain
from partnerdesk.tickets.models import Ticket

from .models import InboundMessage, InboundState, Mailbox

# --- mailboxes ---------------------------------------------------------------------------------

MAILBOX_MANAGE_PERMISSION = "workspace.manage"


def mailboxes_for_settings(actor: Actor) -> QuerySet[Mailbox]:
    """The workspace's mailboxes with how many messages each brought in, for the settings
    list: one query however many mailboxes."""
    policies.require(actor, MAILBOX_MANAGE_PERMISSION)
    return (
        Mailbox.objects.filter(partner_id=actor.workspace_id)
        .annotate(
            imported_count=Count("messages"),
            triage_count=Count("messages", filter=Q(messages__state=InboundState.TRIAGE)),
            quarantined_count=Count("messages", filter=Q(messages__state=InboundState.QUARANTINED)),
        )
        .order_by("name", "address", "id")
    )


def mailboxes_to_poll(actor: Actor) -> list[uuid.UUID]:
    """Ids of the active mailboxes the scheduler polls: every workspace's for the system
    actor without a workspace, else the actor's workspace's."""
    if not actor.is_system:
        raise forbidden()
    mailboxes = Mailbox.objects.filter(is_active=True)
    if actor.partner_id is not None:
        mailboxes = mailboxes.filter(partner_id=actor.partner_id)
    return list(mailboxes.order_by("last_polled_at", "id").values_list("id", flat=True))


# --- inbound messages (intake) -----------------------------------------------------------------
# Restored after an accidental overwrite of this file (see the commit message): the intake's
# reads, as mail/actions/intake.py calls them.


def inbound_by_bytes(*, workspace_id: uuid.UUID, sha256: str) -> InboundMessage | None:
    """The message already stored with exactly these bytes in the workspace, if any."""
    return InboundMessage.objects.filter(partner_id=workspace_id, sha256=sha256).first()


def inbound_by_message_id(*, workspace_id: uuid.UUID, message_id: str) -> InboundMessage | None:
    """The message already stored with this Message-ID in the workspace, if any."""
    if not message_id:
        return None
    return InboundMessage.objects.filter(partner_id=workspace_id, message_id=message_id).first()


def left_behind(*, received_before: datetime, limit: int) -> list[InboundMessage]:
    """Messages of every workspace still RECEIVED since before `received_before` (a crash
    between storing and processing): for the system job that processes them."""
    return list(
        InboundMessage.objects.filter(
            state=InboundState.RECEIVED, received_at__lt=received_before
        ).order_by("received_at")[:limit]
    )


# --- intake: who a sender is, which ticket a token names (system actor of one workspace) ------


def contact_by_email(actor: Actor, *, email: str) -> Contact | None:
    """The workspace's active contact with this address (addresses are unique per workspace)."""
    if not email:
        return None
    return (
        Contact.objects.select_related("customer", "membership")
        .filter(partner_id=actor.workspace_id, email__iexact=email, is_active=True)
        .first()
    )


def contacts_with_emails(actor: Actor, *, emails: list[str]) -> list[Contact]:
    """Contacts (active or not) of the workspace with any of these addresses (a bounce's
    recipients: a handful)."""
    wanted = sorted({e.lower() for e in emails if e})[:50]
    if not wanted:
        return []
    match = Q()
    for email in wanted:
        match |= Q(email__iexact=email)
    return list(Contact.objects.filter(match, partner_id=actor.workspace_id))


def customer_by_domain(actor: Actor, *, domain: str) -> Customer | None:
    if not domain:
        return None
    found = (
        CustomerDomain.objects.select_related("customer")
        .filter(partner_id=actor.workspace_id, domain__iexact=domain)
        .first()
    )
    return found.customer if found else None


def ticket_by_number(actor: Actor, *, number: int) -> Ticket | None:
    """The workspace's ticket with this number (the one a token was made for)."""
    return (
        Ticket.objects.select_related("customer")
        .filter(partner_id=actor.workspace_id, number=number)
        .first()
    )


def surviving_ticket(actor: Actor, *, ticket: Ticket) -> Ticket:
    """The ticket a merged ticket lives on in (itself when it was not merged)."""
    hops = 0
    while ticket.merged_into_id is not None and hops < 10:
        into = (
            Ticket.objects.select_related("customer")
            .filter(partner_id=actor.workspace_id, pk=ticket.merged_into_id)
            .first()
        )
        if into is None:
            break
        ticket, hops = into, hops + 1
    return ticket


def mail_from_sender_since(
    *, workspace_id: uuid.UUID, sender: str, since: datetime, excluding: uuid.UUID
) -> int:
    """How many messages this sender sent the workspace since `since` (the flood check)."""
    return (
        InboundMessage.objects.filter(
            partner_id=workspace_id, sender=sender, received_at__gte=since
        )
        .exclude(pk=excluding)
        .count()
    )


# --- triage, quarantine and a ticket's mail (staff pages) -------------------------------------

COUNT_CAP = 99
# Mail a ticket came with: the message that opened it and the replies that came by mail.
FILED_STATES = (InboundState.TICKET, InboundState.REPLY)


def sees_triage(actor: Actor) -> bool:
    """Triage holds mail of unknown senders, so of any customer: staff limited to some
    customers do not sort it."""
    return actor.is_staff and actor.has("mail.triage") and actor.limited_customer_ids is None


def sees_quarantine(actor: Actor) -> bool:
    """The partner owner's (global admin's) page; the system actor for the command line."""
    if actor.is_system:
        return True
    return actor.is_staff and actor.has("mail.quarantine") and actor.limited_customer_ids is None


def _in_state(actor: Actor, state: str) -> QuerySet[InboundMessage]:
    return InboundMessage.objects.filter(partner_id=actor.workspace_id, state=state)


def triage_messages(actor: Actor) -> QuerySet[InboundMessage]:
    """Mail waiting in triage, oldest first (the one waiting longest is sorted first)."""
    if not sees_triage(actor):
        return InboundMessage.objects.none()
    return (
        _in_state(actor, InboundState.TRIAGE)
        .select_related("answers_ticket")
        .order_by("received_at", "id")
    )


def triage_count(actor: Actor) -> str:
    """The sidebar's count, capped ("99+"); "" for those who do not sort triage."""
    if not sees_triage(actor):
        return ""
    count = _in_state(actor, InboundState.TRIAGE).values("id")[: COUNT_CAP + 1].count()
    return f"{COUNT_CAP}+" if count > COUNT_CAP else str(count)


def quarantine_count(actor: Actor) -> str:
    """The sidebar's count of held mail, capped; "" for those who do not see the quarantine."""
    if not (actor.is_staff and sees_quarantine(actor)):
        return ""
    count = _in_state(actor, InboundState.QUARANTINED).values("id")[: COUNT_CAP + 1].count()
    return f"{COUNT_CAP}+" if count > COUNT_CAP else str(count)


def quarantined_messages(actor: Actor) -> QuerySet[InboundMessage]:
    """Quarantined mail, newest first, for the partner owner."""
    if not sees_quarantine(actor):
        return InboundMessage.objects.none()
    return (
        _in_state(actor, InboundState.QUARANTINED)
        .select_related("mailbox")
        .order_by("-received_at", "-id")
    )


def mail_of_ticket(actor: Actor, *, ticket: Ticket) -> QuerySet[InboundMessage]:
    """The mail a ticket came with, oldest first; an auto-reply filed as an internal note only
    for those who read internal notes. `ticket` was fetched through tickets.access."""
    if not actor.is_staff:
        return InboundMessage.objects.none()
    mail = InboundMessage.objects.filter(
        partner_id=actor.workspace_id, ticket_id=ticket.pk, state__in=FILED_STATES
    ).select_related("ticket_message")
    if not actor.has("tickets.view_internal"):
        mail = mail.exclude(ticket_message__internal=True)
    return mail.order_by("received_at", "id")


def customers_for_filing(actor: Actor) -> QuerySet[Customer]:
    return Customer.objects.filter(partner_id=actor.workspace_id).order_by("name", "id")


def contacts_of_customer(actor: Actor, *, customer_id: uuid.UUID) -> QuerySet[Contact]:
    return Contact.objects.filter(
        partner_id=actor.workspace_id, customer_id=customer_id, is_active=True
    ).order_by("name", "id")


# --- the command line (system work) ------------------------------------------------------------


def workspace_by_slug(slug: str) -> uuid.UUID | None:
    """The workspace a mail server's pipe names by its slug."""
    from partnerdesk.partners.models import Partner

    return Partner.objects.filter(slug=slug).values_list("id", flat=True).first()


def mailbox_by_address(*, workspace_id: uuid.UUID, address: str) -> Mailbox | None:
    return Mailbox.objects.filter(partner_id=workspace_id, address__iexact=address).first()


def quarantined_for_reprocessing(
    actor: Actor, *, reason: str = "", ids: list[uuid.UUID] | None = None
) -> list[InboundMessage]:
    """Quarantined messages of the actor's workspace, all or those held for `reason` or named."""
    if not (actor.is_system or sees_quarantine(actor)):
        return []
    held = _in_state(actor, InboundState.QUARANTINED)
    if reason:
        held = held.filter(reason=reason)
    if ids:
        held = held.filter(pk__in=ids)
    return list(held.order_by("received_at", "id"))
