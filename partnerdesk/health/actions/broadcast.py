"""One update from the incident page to every linked open ticket."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from partnerdesk.core import audit, clock, policies
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import DomainError, forbidden, invalid
from partnerdesk.tickets.enums import Status

from ..enums import LinkState
from ..models import BroadcastDelivery, Incident, IncidentBroadcast, TicketIncidentLink

logger = logging.getLogger(__name__)

BODY_MAX = 20_000


@dataclass(frozen=True)
class BroadcastResult:
    broadcast: IncidentBroadcast
    sent: int
    resolved: int
    skipped: int  # already replied to by this broadcast
    failed: int


def _broadcast_for(
    actor: Actor, incident: Incident, *, body: str, resolve: bool, key: str
) -> IncidentBroadcast:
    """The broadcast of this key (sent before: resume it) or a new one."""
    with transaction.atomic(durable=True):
        if key:
            found = IncidentBroadcast.objects.filter(
                partner_id=incident.partner_id, incident_id=incident.pk, key=key
            ).first()
            if found is not None:
                return found
        broadcast = IncidentBroadcast.objects.create(
            partner_id=incident.partner_id,
            incident=incident,
            body=body,
            resolve=resolve,
            sent_by_id=actor.membership_id,
            sent_at=clock.now(),
            key=key[:100],
        )
        audit.record(
            actor,
            "health.broadcast_sent",
            broadcast,
            partner_id=incident.partner_id,
            data={"incident": incident.vendor_id, "resolve": resolve},
        )
        return broadcast


def broadcast_update(
    actor: Actor, *, incident: Incident, body: str, resolve: bool = False, key: str = ""
) -> BroadcastResult:
    """Reply `body` publicly on every open ticket linked to the incident (the customer's SLA
    first response counts) and, if `resolve`, set each resolved. Each ticket is its own
    transaction, recorded as a delivery: sending the same key again skips tickets done."""
    from partnerdesk.tickets.actions import TicketChanges, change_ticket, reply

    policies.require(actor, "health.broadcast")
    policies.require(actor, "tickets.reply")
    if resolve:
        policies.require(actor, "tickets.manage")
    if not actor.is_staff or incident.partner_id != actor.partner_id:
        raise forbidden()
    body = body.strip()
    if not body:
        raise invalid("body", _("Write the update to send."), "required")
    if len(body) > BODY_MAX:
        raise invalid("body", _("At most %(n)s characters.") % {"n": BODY_MAX}, "too_long")
    try:
        broadcast = _broadcast_for(actor, incident, body=body, resolve=resolve, key=key)
    except IntegrityError:  # the same key, sent twice at once: the other one sends
        broadcast = IncidentBroadcast.objects.get(
            partner_id=incident.partner_id, incident_id=incident.pk, key=key
        )
    done = set(
        BroadcastDelivery.objects.filter(broadcast=broadcast).values_list("ticket_id", flat=True)
    )
    links = TicketIncidentLink.objects.filter(
        partner_id=incident.partner_id,
        incident_id=incident.pk,
        state=LinkState.LINKED,
        ticket__is_open=True,
    ).select_related("ticket")
    if actor.limited_customer_ids is not None:
        links = links.filter(customer_id__in=actor.limited_customer_ids)
    sent = resolved = skipped = failed = 0
    for link in links.order_by("ticket__number"):
        ticket = link.ticket
        if ticket.pk in done:
            skipped += 1
            continue

        def deliver(filed: object, ticket_id: uuid.UUID = ticket.pk) -> None:
            BroadcastDelivery.objects.create(
                partner_id=incident.partner_id,
                broadcast=broadcast,
                ticket_id=ticket_id,
                message=getattr(filed, "message", None),
                resolved=False,
                sent_at=clock.now(),
            )

        try:
            filed = reply(actor, ticket=ticket, body=broadcast.body, same_transaction=deliver)
            sent += 1
            if broadcast.resolve and filed.ticket.status != Status.RESOLVED:
                change_ticket(
                    actor, ticket=filed.ticket, changes=TicketChanges(status=Status.RESOLVED)
                )
                BroadcastDelivery.objects.filter(broadcast=broadcast, ticket_id=ticket.pk).update(
                    resolved=True
                )
                resolved += 1
        except (DomainError, IntegrityError):
            logger.warning("health: broadcast %s skipped ticket %s", broadcast.pk, ticket.pk)
            failed += 1
    IncidentBroadcast.objects.filter(pk=broadcast.pk).update(
        ticket_count=BroadcastDelivery.objects.filter(broadcast=broadcast).count()
    )
    return BroadcastResult(
        broadcast=broadcast, sent=sent, resolved=resolved, skipped=skipped, failed=failed
    )
