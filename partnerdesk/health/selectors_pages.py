"""What the health pages show: the dashboard's rows, one incident's page, the portal's view.

Built on health.selectors (no direct model queries here, bar through those selectors)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from partnerdesk.core import clock, feeds
from partnerdesk.core.actor import Actor
from partnerdesk.customers.models import Customer
from partnerdesk.customers.subscriptions.selectors import (
    SERVING_STATUSES,
    customers_using,
    visible_subscriptions,
)

from . import selectors
from .enums import LinkState, Scope
from .models import Incident, IncidentPost, TicketIncidentLink

RECENT = timedelta(days=7)
RESOLVED_SHOWN = 20
ACTIVE_SHOWN = 200


@dataclass
class Row:
    incident: Incident
    linked: int = 0
    affected: int = 0
    latest: IncidentPost | None = None
    posts: list[IncidentPost] = field(default_factory=list)


@dataclass
class Dashboard:
    active: list[Row]
    resolved: list[Row]
    feeds: list[feeds.Feed | None] = field(default_factory=list)


def _affected_counts(actor: Actor, incidents: list[Incident]) -> dict[uuid.UUID, int]:
    """Customers each incident affects: its tenant's, or those using its service (or family),
    from one read of the serving subscriptions."""
    by_service: dict[str, set[uuid.UUID]] = {}
    if any(i.scope == Scope.SERVICE_WIDE and i.service_id for i in incidents):
        rows = (
            visible_subscriptions(actor)
            .filter(status__in=SERVING_STATUSES, service__isnull=False)
            .values_list("service_id", "customer_id")
        )
        for service_id, customer_id in rows:
            by_service.setdefault(str(service_id), set()).add(customer_id)
    counts: dict[uuid.UUID, int] = {}
    for incident in incidents:
        if incident.customer_id:
            counts[incident.pk] = 1
        elif incident.service_id:
            family = {incident.service_id}
            if incident.service and incident.service.parent_id:
                family.add(str(incident.service.parent_id))
            ids: set[uuid.UUID] = set()
            for code in family:
                ids |= by_service.get(code, set())
            counts[incident.pk] = len(ids)
        else:
            counts[incident.pk] = 0
    return counts


def _rows(actor: Actor, incidents: list[Incident]) -> list[Row]:
    ids = [i.pk for i in incidents]
    linked = selectors.open_linked_counts(actor, ids)
    affected = _affected_counts(actor, incidents)
    latest = selectors.latest_posts(incidents)
    return [Row(i, linked.get(i.pk, 0), affected.get(i.pk, 0), latest.get(i.pk)) for i in incidents]


def dashboard(actor: Actor) -> Dashboard:
    base = selectors.visible_incidents(actor).select_related("service", "customer")
    active = list(
        base.filter(is_resolved=False).order_by("service__position", "-started_at")[:ACTIVE_SHOWN]
    )
    resolved = list(
        base.filter(is_resolved=True, last_seen_at__gte=clock.now() - RECENT).order_by(
            "-last_seen_at"
        )[:RESOLVED_SHOWN]
    )
    return Dashboard(
        active=_rows(actor, active),
        resolved=_rows(actor, resolved),
        feeds=[
            feeds.state_for(actor, feeds.PARTNER_HEALTH),
            feeds.state_for(actor, feeds.PARTNER_CENTER_INCIDENTS),
        ],
    )


@dataclass
class IncidentPage:
    incident: Incident
    posts: list[IncidentPost]
    linked: list[TicketIncidentLink]
    suggested: list[TicketIncidentLink]
    customers: list[Customer]
    customers_more: bool


CUSTOMERS_SHOWN = 100


def incident_page(actor: Actor, incident: Incident) -> IncidentPage:
    posts = list(incident.posts.order_by("-posted_at", "-id"))
    links = list(selectors.links_for_incident(actor, incident))
    if incident.customer_id is not None:
        customers = [incident.customer] if incident.customer else []
        more = False
    elif incident.service is not None:
        found = list(customers_using(actor, incident.service)[: CUSTOMERS_SHOWN + 1])
        customers, more = found[:CUSTOMERS_SHOWN], len(found) > CUSTOMERS_SHOWN
    else:
        customers, more = [], False
    return IncidentPage(
        incident=incident,
        posts=posts,
        linked=[link for link in links if link.state == LinkState.LINKED],
        suggested=[link for link in links if link.state == LinkState.SUGGESTED],
        customers=customers,
        customers_more=more,
    )


@dataclass
class PortalView:
    rows: list[Row]
    feed: feeds.Feed | None


def portal_view(actor: Actor) -> PortalView:
    """The organisation's view: the service-wide incidents of services it uses, and its own."""
    incidents = list(
        selectors.with_posts(
            selectors.visible_incidents(actor).filter(is_resolved=False).select_related("service")
        ).order_by("-started_at", "vendor_id")[:ACTIVE_SHOWN]
    )
    rows = []
    for i in incidents:
        posts = list(i.posts.all())
        rows.append(Row(i, latest=posts[0] if posts else None, posts=posts))
    return PortalView(rows=rows, feed=feeds.state_for(actor, feeds.PARTNER_HEALTH))
