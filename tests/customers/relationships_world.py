"""A workspace whose customer "a" subscribes to Exchange Online through a relationship whose
Exchange Administrator role is held by the group "Exchange admins" (the admin agent is in it)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from partnerdesk.catalog.entra_roles import EXCHANGE_ADMINISTRATOR, GLOBAL_READER
from partnerdesk.core import clock
from partnerdesk.customers.enums import SubscriptionStatus
from partnerdesk.customers.models_services import AdminRelationship, SecurityGroup, Subscription
from partnerdesk.customers.relationships import actions
from tests.kit import Workspace, make_workspace

TENANT = uuid.UUID("4f3c1e2a-1111-4222-8333-944455556666")


@dataclass
class RelWorld:
    ws: Workspace
    group: SecurityGroup
    rel: AdminRelationship

    @property
    def customer(self) -> Any:
        return self.ws.customers["a"]


def subscribe(ws: Workspace, key: str, service: str = "exchange-online") -> Subscription:
    now = clock.now()
    return Subscription.objects.create(
        partner=ws.partner,
        customer=ws.customers[key],
        offer_name="Exchange Online (Plan 1)",
        service_id=service,
        status=SubscriptionStatus.ACTIVE,
        created_at=now,
        updated_at=now,
    )


def make_world(*, name: str = "Nordwind", members: tuple[str, ...] = ("admin_agent",)) -> RelWorld:
    ws = make_workspace(name)
    customer = ws.customers["a"]
    customer.tenant_id = TENANT
    customer.default_domain = "huber.onmicrosoft.com"
    customer.save(update_fields=["tenant_id", "default_domain"])
    subscribe(ws, "a")
    admin = ws.actor("global_admin")
    group = actions.create_group(admin, name="Exchange admins")
    for person in members:
        actions.add_member(admin, group=group, membership=ws.member(person))
    rel = actions.create_relationship(
        admin,
        data=actions.RelationshipInput(
            customer=customer,
            display_name="Huber Exchange",
            role_ids=[EXCHANGE_ADMINISTRATOR, GLOBAL_READER],
            assignments={group.pk: [EXCHANGE_ADMINISTRATOR]},
            activated_at=clock.now() - timedelta(days=10),
            duration="P730D",
        ),
    )
    return RelWorld(ws=ws, group=group, rel=rel)
