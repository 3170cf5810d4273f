"""Tickets and incidents: linked at filing (check health first), suggested for e-mail tickets,
linked or dismissed by agents."""

from __future__ import annotations

import logging

from django.db import transaction

from partnerdesk.core import audit, clock, events, policies
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import forbidden
from partnerdesk.tickets.enums import Channel
from partnerdesk.tickets.models import Ticket

from .. import selectors
from ..enums import Classification, LinkState
from ..models import Incident, TicketIncidentLink

logger = logging.getLogger(__name__)

# Where a link made at filing came from, by the ticket's channel.
VIA_BY_CHANNEL: dict[str, str] = {
    Channel.PORTAL: "portal",
    Channel.API: "api",
    Channel.PHONE: "console",
    Channel.AGENT: "console",
    Channel.EMAIL: "email",
}


def _put(
    actor: Actor, ticket: Ticket, incident: Incident, *, state: str, via: str
) -> TicketIncidentLink | None:
    """Create or move the link; None when it was already in that state. Inside a transaction."""
    now = clock.now()
    link = (
        TicketIncidentLink.objects.select_for_update()
        .filter(partner_id=ticket.partner_id, ticket_id=ticket.pk, incident_id=incident.pk)
        .first()
    )
    if link is not None and link.state == state:
        return None
    if link is None:
        link = TicketIncidentLink.objects.create(
            partner_id=ticket.partner_id,
            ticket=ticket,
            incident=incident,
            customer_id=ticket.customer_id,
            state=state,
            via=via,
            linked_by_id=actor.membership_id if actor.is_staff else None,
            created_at=now,
            updated_at=now,
        )
    else:
        link.state = state
        link.via = via
        link.linked_by_id = actor.membership_id if actor.is_staff else link.linked_by_id
        link.updated_at = now
        link.save(update_fields=["state", "via", "linked_by", "updated_at"])
    audit.record(
        actor,
        f"health.ticket_{state}",
        link,
        partner_id=ticket.partner_id,
        customer_id=ticket.customer_id,
        data={
            "ticket": ticket.number,
            "incident": incident.vendor_id,
            "incident_id": str(incident.pk),
            "via": via,
        },
    )
    return link


@events.subscribe(events.TICKET_FILED)
def link_on_filing(event: events.TicketEvent) -> None:
    """Check health first: a ticket filed for a service with an active incident affecting its
    customer is linked to it (portal, API, console); an e-mail ticket, which names no service,
    gets the incidents of the services its customer uses suggested to the agent."""
    ticket: Ticket = event.ticket
    system = Actor.system(partner_id=ticket.partner_id, reason="health.check_health_first")
    customer = ticket.customer
    via = VIA_BY_CHANNEL.get(ticket.channel, str(ticket.channel))
    if ticket.channel == Channel.EMAIL and ticket.service_id is None:
        # Only outages: an advisory ("usage reports may be delayed") explains no one's e-mail.
        incidents = [
            i
            for i in selectors.active_incidents_for_customer(system, customer)
            if i.classification != Classification.ADVISORY
        ]
        state = LinkState.SUGGESTED
    else:
        incidents = selectors.incidents_for_filing(system, customer, ticket.service)
        state = LinkState.LINKED
    for incident in incidents:
        _put(event.actor, ticket, incident, state=state, via=via)


def _require_agent(actor: Actor, ticket: Ticket, incident: Incident) -> None:
    policies.require(actor, "tickets.manage")
    if not actor.is_staff and not actor.is_system:
        raise forbidden()
    if incident.partner_id != ticket.partner_id:
        raise forbidden()


def link_ticket(actor: Actor, *, ticket: Ticket, incident: Incident) -> bool:
    """An agent links the ticket to the incident (or accepts the suggestion)."""
    _require_agent(actor, ticket, incident)
    with transaction.atomic(durable=True):
        return _put(actor, ticket, incident, state=LinkState.LINKED, via="agent") is not None


def dismiss_incident(actor: Actor, *, ticket: Ticket, incident: Incident) -> bool:
    """An agent says the ticket is not about the incident (a suggestion, or a link)."""
    _require_agent(actor, ticket, incident)
    with transaction.atomic(durable=True):
        return _put(actor, ticket, incident, state=LinkState.DISMISSED, via="agent") is not None


def link_all_suggested(actor: Actor, *, incident: Incident) -> int:
    """Accept every suggestion of the incident on tickets the actor sees; how many."""
    policies.require(actor, "tickets.manage")
    if not actor.is_staff and not actor.is_system:
        raise forbidden()
    count = 0
    with transaction.atomic(durable=True):
        links = selectors.links_for_incident(actor, incident).filter(state=LinkState.SUGGESTED)
        for link in links:
            if _put(actor, link.ticket, incident, state=LinkState.LINKED, via="agent"):
                count += 1
    return count
