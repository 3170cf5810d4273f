"""The service management view of one customer: its subscribed services with their health and
whether the signed-in agent may administer each (and if not, why), plus Partner Center's
managed-service links. Composes selectors of customers, catalog, health and core.feeds."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from partnerdesk.catalog.profiles import render_link
from partnerdesk.catalog.selectors import all_services, profiles_for
from partnerdesk.core import clock, feeds
from partnerdesk.core.actor import Actor
from partnerdesk.health.selectors import active_incidents_for_customer
from partnerdesk.partners.selectors import current_workspace

from ..models import Customer
from ..subscriptions.selectors import subscribed_service_codes
from . import selectors
from .administer import Decision, Grant, decide

MANAGED_PREFIX = "pc:"


@dataclass(frozen=True)
class ServiceRow:
    code: str
    name: str
    is_child: bool
    incidents: list[Any]
    decision: Decision
    health_link: str = ""


@dataclass(frozen=True)
class ManagedLink:
    key: str  # "pc:<Partner Center's service id>"
    name: str
    group: str
    decision: Decision
    health_link: str = ""
    ticket_link: str = ""


@dataclass(frozen=True)
class ServicesView:
    customer: Customer
    rows: list[ServiceRow]
    managed: list[ManagedLink] = field(default_factory=list)
    managed_feed: feeds.Feed | None = None
    relationships_feed: feeds.Feed | None = None
    grants: list[Grant] = field(default_factory=list)


def _domain(customer: Customer) -> str:
    return str(getattr(customer, "default_domain", "") or "")


def _decide(
    actor: Actor, customer: Customer, grants: list[Grant], roles: tuple[str, ...], template: str
) -> Decision:
    return decide(
        admin_roles=roles,
        grants=grants,
        can_administer=actor.has("customers.administer"),
        template=template,
        tenant_id=str(customer.tenant_id) if customer.tenant_id else "",
        domain=_domain(customer),
    )


def _managed(
    actor: Actor, customer: Customer, grants: list[Grant], feed: feeds.Feed | None
) -> list[ManagedLink]:
    if feed is None:
        return []
    links = []
    for service_id, item in sorted(feed.data.items(), key=lambda kv: str(kv[1].get("name", ""))):
        if not isinstance(item, dict):
            continue
        links.append(
            ManagedLink(
                key=f"{MANAGED_PREFIX}{service_id}",
                name=str(item.get("name") or service_id),
                group=str(item.get("group") or ""),
                decision=_decide(actor, customer, grants, (), str(item.get("admin") or "")),
                health_link=str(item.get("health") or ""),
                ticket_link=str(item.get("ticket") or ""),
            )
        )
    return links


def services_view(actor: Actor, customer: Customer) -> ServicesView:
    """Everything the service management page (and its API) shows, for a customer the actor
    reached through access."""
    selectors.require_staff(actor)
    instance = current_workspace(actor).instance
    codes = subscribed_service_codes(actor, customer)
    services = [s for s in all_services(actor) if s.code in codes]
    profiles = profiles_for(actor, services)
    grants = selectors.grants_for(actor, customer, now=clock.now())
    incidents = active_incidents_for_customer(actor, customer)
    tenant = str(customer.tenant_id) if customer.tenant_id else ""
    rows = []
    for service in services:
        profile = profiles[service.code]
        portal = profile.portal(instance)
        rows.append(
            ServiceRow(
                code=service.code,
                name=service.name,
                is_child=bool(service.parent_id),
                incidents=[i for i in incidents if i.service_id == service.code],
                decision=_decide(actor, customer, grants, profile.admin_roles, portal.admin),
                health_link=render_link(portal.health, tenant_id=tenant, domain=_domain(customer)),
            )
        )
    managed_feed = feeds.state_for(actor, feeds.MANAGED_SERVICES, customer_id=customer.pk)
    return ServicesView(
        customer=customer,
        rows=rows,
        managed=_managed(actor, customer, grants, managed_feed),
        managed_feed=managed_feed,
        relationships_feed=feeds.state_for(actor, feeds.RELATIONSHIPS),
        grants=grants,
    )


def decision_for(actor: Actor, customer: Customer, code: str) -> tuple[str, Decision] | None:
    """The service's name and the decision, checked again for the administer redirect; None
    when the customer does not use such a service."""
    view = services_view(actor, customer)
    for row in view.rows:
        if row.code == code:
            return row.name, row.decision
    for link in view.managed:
        if link.key == code:
            return link.name, link.decision
    return None
