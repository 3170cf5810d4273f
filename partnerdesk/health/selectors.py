"""Reads of incidents, scoped to the actor.

Staff see their workspace's incidents (customer-limited staff: service-wide ones and their
customers' tenant ones); customer people see the service-wide incidents for services their
organisation uses and their own tenant's.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from partnerdesk.catalog.models import Service
from partnerdesk.core.actor import Actor
from partnerdesk.customers.models import Customer
from partnerdesk.customers.subscriptions.selectors import subscribed_service_codes
from partnerdesk.tickets.related import Related

from .enums import LinkState, Scope
from .models import Incident, IncidentBroadcast, IncidentPost, TicketIncidentLink


def _services_with_family(codes: Iterable[str]) -> frozenset[str]:
    """The codes plus their parents (an incident on "m365" touches its workloads' users)."""
    codes = {c for c in codes if c}
    if not codes:
        return frozenset()
    parents = Service.objects.filter(code__in=codes, parent__isnull=False).values_list(
        "parent_id", flat=True
    )
    return frozenset(codes | {str(p) for p in parents})


def visible_incidents(actor: Actor) -> QuerySet[Incident]:
    """Incidents the actor may see."""
    if actor.partner_id is None or not actor.is_authenticated:
        return Incident.objects.none()
    incidents = Incident.objects.filter(partner_id=actor.partner_id)
    if actor.is_system:
        return incidents
    if actor.is_customer:
        if actor.customer_id is None:
            return Incident.objects.none()
        customer = Customer.objects.filter(
            pk=actor.customer_id, partner_id=actor.partner_id
        ).first()
        if customer is None:
            return Incident.objects.none()
        codes = _services_with_family(subscribed_service_codes(actor, customer))
        return incidents.filter(
            Q(scope=Scope.SERVICE_WIDE, service_id__in=codes) | Q(customer_id=customer.pk)
        )
    if not actor.is_staff or not actor.has("customers.view"):
        return Incident.objects.none()
    if actor.limited_customer_ids is not None:
        incidents = incidents.filter(
            Q(customer__isnull=True) | Q(customer_id__in=actor.limited_customer_ids)
        )
    return incidents


def affecting(
    actor: Actor, customer: Customer, *, service_codes: Iterable[str] = ()
) -> QuerySet[Incident]:
    """Unresolved incidents affecting `customer`: service-wide ones for a service it uses (or
    one of `service_codes`, e.g. the service a ticket names, with its parent), and its own
    tenant's. Scoped to what the actor sees."""
    if customer.partner_id != actor.partner_id or not actor.sees_customer(customer.pk):
        return Incident.objects.none()
    codes = _services_with_family(
        set(subscribed_service_codes(actor, customer)) | set(service_codes)
    )
    # Not visible_incidents: a service-wide incident of the service a ticket names affects the
    # customer even when it does not subscribe to it (the customer was checked above).
    return (
        Incident.objects.filter(partner_id=customer.partner_id, is_resolved=False)
        .filter(Q(scope=Scope.SERVICE_WIDE, service_id__in=codes) | Q(customer_id=customer.pk))
        .select_related("service")
        .order_by("-started_at", "vendor_id")
    )


def active_incidents_for_customer(actor: Actor, customer: Customer) -> list[Incident]:
    """Unresolved service-wide incidents for services the customer uses, and its tenant's own."""
    return list(affecting(actor, customer))


def incidents_for_filing(
    actor: Actor, customer: Customer, service: Service | None
) -> list[Incident]:
    """The incidents a ticket filed for (customer, service) would be linked to: those of the
    service (or its parent) affecting the customer, service-wide or in its tenant."""
    if service is None:
        return []
    family = {service.code}
    if service.parent_id:
        family.add(str(service.parent_id))
    return [
        i
        for i in affecting(actor, customer, service_codes=family)
        if i.service_id in family
        or (i.customer_id == customer.pk and (i.service_id is None or i.service_id in family))
    ]


def latest_posts(incidents: Iterable[Incident]) -> dict[uuid.UUID, IncidentPost]:
    """The newest post of each incident, in one query."""
    ids = [i.pk for i in incidents]
    if not ids:
        return {}
    latest: dict[uuid.UUID, IncidentPost] = {}
    for post in IncidentPost.objects.filter(incident_id__in=ids).order_by("posted_at", "id"):
        latest[post.incident_id] = post
    return latest


def incident_list(actor: Actor) -> QuerySet[Incident]:
    """Visible incidents with what a list row shows (linked ticket counts), newest first."""
    return (
        visible_incidents(actor)
        .select_related("service", "customer")
        .annotate(
            linked_count=Count(
                "links",
                filter=Q(links__state=LinkState.LINKED, links__ticket__is_open=True),
                distinct=True,
            )
        )
        .order_by("is_resolved", "-started_at", "vendor_id")
    )


def with_posts(incidents: QuerySet[Incident]) -> QuerySet[Incident]:
    return incidents.prefetch_related(
        Prefetch("posts", queryset=IncidentPost.objects.order_by("-posted_at", "-id"))
    )


def links_for_incident(actor: Actor, incident: Incident) -> QuerySet[TicketIncidentLink]:
    """The incident's links to tickets the actor sees (staff only)."""
    links = TicketIncidentLink.objects.filter(
        partner_id=incident.partner_id, incident_id=incident.pk
    ).select_related("ticket__customer", "ticket__assignee__user")
    if not actor.is_staff and not actor.is_system:
        return links.none()
    if actor.limited_customer_ids is not None and not actor.is_system:
        links = links.filter(customer_id__in=actor.limited_customer_ids)
    return links.order_by("ticket__number")


def links_for_ticket(actor: Actor, ticket_id: uuid.UUID) -> QuerySet[TicketIncidentLink]:
    """Links of one ticket (the caller fetched the ticket through tickets.access)."""
    links = TicketIncidentLink.objects.filter(
        partner_id=actor.workspace_id, ticket_id=ticket_id
    ).select_related("incident__service")
    if actor.is_customer:
        links = links.filter(state=LinkState.LINKED)
    return links.exclude(state=LinkState.DISMISSED).order_by("-incident__started_at")


def open_linked_counts(actor: Actor, incident_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    rows = (
        TicketIncidentLink.objects.filter(
            partner_id=actor.workspace_id,
            incident_id__in=incident_ids,
            state=LinkState.LINKED,
            ticket__is_open=True,
        )
        .values("incident_id")
        .annotate(n=Count("ticket_id"))
    )
    return {r["incident_id"]: r["n"] for r in rows}


def broadcasts_for(incident: Incident) -> QuerySet[IncidentBroadcast]:
    return IncidentBroadcast.objects.filter(
        partner_id=incident.partner_id, incident_id=incident.pk
    ).order_by("-sent_at")


def related_incidents(actor: Actor, ticket: Any) -> list[Related]:
    """The incidents a ticket is linked to (and, for staff, suggested), for the ticket's API
    answer (tickets.related). The caller fetched the ticket through tickets.access."""
    return [
        Related(
            kind="incident",
            id=str(link.incident_id),
            reference=link.incident.vendor_id,
            title=link.incident.title,
            status=link.incident.status,
            state=link.state,
        )
        for link in links_for_ticket(actor, ticket.pk)
    ]
