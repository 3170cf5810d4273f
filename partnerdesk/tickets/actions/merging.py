"""Merging a duplicate into its original."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from partnerdesk.core import audit, clock, policies
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import DomainError, invalid

from .. import search
from ..enums import EventKind, Status
from ..models import (
    Attachment,
    Message,
    Ticket,
    TicketTag,
)
from . import sla
from ._common import record_event


def merge_tickets(actor: Actor, *, duplicate: Ticket, original: Ticket) -> Ticket:
    """Merge a duplicate into its original: its messages and files move, it is closed."""
    policies.require(actor, "tickets.manage")
    if duplicate.pk == original.pk:
        raise invalid("into_ticket_id", _("A ticket cannot be merged into itself."))
    if duplicate.customer_id != original.customer_id:
        raise invalid("into_ticket_id", _("Only tickets of the same customer can be merged."))
    if original.status == Status.CLOSED or original.merged_into_id is not None:
        raise invalid("into_ticket_id", _("Merge into an open ticket that was not merged itself."))
    if duplicate.merged_into_id is not None:
        raise DomainError("already_merged", _("This ticket was already merged."), status=409)
    with transaction.atomic(durable=True):
        first, second = sorted([duplicate.pk, original.pk])
        locked = {
            t.pk: t for t in Ticket.objects.select_for_update().filter(pk__in=[first, second])
        }
        dup, orig = locked[duplicate.pk], locked[original.pk]
        moved = Message.objects.filter(ticket=dup).update(ticket=orig)
        Attachment.objects.filter(ticket=dup).update(ticket=orig)
        for tag_id in TicketTag.objects.filter(ticket=dup).values_list("tag_id", flat=True):
            TicketTag.objects.bulk_create(
                [TicketTag(partner_id=orig.partner_id, ticket=orig, tag_id=tag_id)],
                ignore_conflicts=True,
            )
        if dup.description:
            Message.objects.create(
                partner_id=orig.partner_id,
                ticket=orig,
                customer_id=orig.customer_id,
                author_contact_id=dup.requester_id,
                body=dup.description,
                internal=False,
                channel=dup.channel,
                created_at=dup.created_at,
            )
        if dup.status != Status.CLOSED:
            dup.status = Status.CLOSED
            dup.is_open = False
            dup.closed_at = clock.now()
        dup.merged_into = orig
        sla.clocks_after_merge(actor, dup, now=clock.now())
        dup.save()
        orig.last_activity_at = clock.now()
        orig.save()
        record_event(
            actor, dup, EventKind.MERGED_INTO, {"ticket_id": str(orig.pk), "number": orig.number}
        )
        record_event(
            actor,
            orig,
            EventKind.MERGED_FROM,
            {"ticket_id": str(dup.pk), "number": dup.number, "messages": moved},
        )
        search.reindex_ticket(dup.pk)
        search.reindex_ticket(orig.pk)
        audit.record(
            actor, "ticket.merged", dup, customer_id=dup.customer_id, data={"into": str(orig.pk)}
        )
    return orig
