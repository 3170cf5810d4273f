"""The demo's services: what Partner Center and Graph would have told Nordwind IT by now.

The three customers of the journeys come from the sandbox vendor's morning-outage scenario, in
the vendors' wire shapes, read through the connectors' own parsers and stored by the same
actions a sync uses; so a sync against the sandbox (`make run`) finds them as they are. The
other customers get subscriptions and relationships recorded by hand, as a partner does for
what no API tells it: one relationship about to expire (the warnings), one legacy DAP grant
unused for months (the flags).
"""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta

from partnerdesk.accounts.models import Membership
from partnerdesk.catalog import entra_roles as roles
from partnerdesk.connectors import actions as connectors
from partnerdesk.connectors.graph import parse as graph_parse
from partnerdesk.connectors.partner_center import parse as pc_parse
from partnerdesk.connectors.sandbox import shapes
from partnerdesk.connectors.sandbox.scenarios import morning_outage
from partnerdesk.connectors.sandbox.state import DEFAULT_REFRESH_TOKEN, State
from partnerdesk.core import feeds
from partnerdesk.core.actor import Actor
from partnerdesk.customers.enums import AutoExtend, RelationshipKind, SubscriptionStatus
from partnerdesk.customers.models import Customer
from partnerdesk.customers.relationships.actions import create_group, sync_relationships
from partnerdesk.customers.relationships.actions.groups import add_member
from partnerdesk.customers.relationships.actions.manual import (
    RelationshipInput,
    create_relationship,
)
from partnerdesk.customers.relationships.feed import GroupData
from partnerdesk.customers.subscriptions.actions.subscriptions import (
    SubscriptionFields,
    add_subscription,
    sync_customers,
    sync_subscriptions,
)
from partnerdesk.health.actions.feed import apply_feed
from partnerdesk.health.enums import Scope

# Subscriptions recorded by hand for the customers the scenario does not cover:
# customer key -> (offer, service code, quantity, status)
MANUAL_SUBSCRIPTIONS: dict[str, list[tuple[str, str, int, str]]] = {
    "seeblick": [
        ("Microsoft 365 Business Standard", "m365", 22, SubscriptionStatus.ACTIVE),
        ("Microsoft Intune Plan 1", "intune", 22, SubscriptionStatus.ACTIVE),
    ],
    "maier": [("Microsoft 365 Business Basic", "m365", 9, SubscriptionStatus.ACTIVE)],
    "wagner": [
        ("Microsoft 365 Business Premium", "m365", 31, SubscriptionStatus.ACTIVE),
        ("Azure plan", "azure", 1, SubscriptionStatus.ACTIVE),
    ],
    "bergbahnen": [
        ("Microsoft 365 E3", "m365", 64, SubscriptionStatus.ACTIVE),
        ("Dynamics 365 Business Central Essentials", "dynamics-365", 8, SubscriptionStatus.ACTIVE),
    ],
    "mayfair": [("Microsoft 365 Business Standard", "m365", 12, SubscriptionStatus.PENDING)],
    "brenner": [
        ("Office 365 E1", "m365", 6, SubscriptionStatus.EXPIRED),
        ("Exchange Online (Plan 1)", "exchange-online", 6, SubscriptionStatus.ACTIVE),
    ],
}


def load_services(
    system: Actor,
    *,
    organisations: dict[str, Customer],
    logins: dict[str, Membership],
    now: datetime,
) -> None:
    """Customers' tenants, subscriptions, relationships, groups and health, as of `now`."""
    scenario = morning_outage.SCENARIO
    state = State(scenario=scenario)
    _synced_from_scenario(system, scenario, state, organisations)
    _recorded_by_hand(system, organisations, logins, now=now)
    sandbox_url = os.environ.get("PARTNERDESK_SANDBOX_VENDOR_URL", "")
    if sandbox_url:
        # The live sandbox (make run) brings the incidents in on the worker's first sync, with
        # its own clock: loading them here too would date the same posts twice.
        refresh = os.environ.get("PARTNERDESK_SANDBOX_REFRESH_TOKEN") or DEFAULT_REFRESH_TOKEN
        connectors.connect_sandbox(system, base_url=sandbox_url, refresh_token=refresh)
    else:
        _health(system, scenario, state, organisations)


def _synced_from_scenario(
    system: Actor, scenario: dict, state: State, organisations: dict[str, Customer]
) -> None:
    partner_id = system.workspace_id
    listed = [pc_parse.customer(shapes.customer(e, by_id=True)) for e in scenario["customers"]]
    sync_customers(system, customers=[c for c in listed if c is not None])
    feeds.succeeded(partner_id, feeds.CUSTOMERS)
    by_tenant = {str(c.tenant_id): c for c in organisations.values() if c.tenant_id}
    for entry in scenario["customers"]:
        customer = by_tenant[entry["tenant_id"]]
        customer.refresh_from_db()
        subscriptions = [pc_parse.subscription(s) for s in entry["subscriptions"]]
        sync_subscriptions(
            system,
            customer=customer,
            subscriptions=[s for s in subscriptions if s is not None],
            complete=True,
        )
        feeds.succeeded(partner_id, feeds.SUBSCRIPTIONS, customer_id=customer.pk)
        links = pc_parse.managed_services(shapes.managed_services(entry))
        feeds.succeeded(partner_id, feeds.MANAGED_SERVICES, customer_id=customer.pk, data=links)
    relationships = []
    for entry in scenario["relationships"]:
        assignments = tuple(
            a for a in (graph_parse.assignment(x) for x in shapes.assignments(entry)) if a
        )
        parsed = graph_parse.relationship(shapes.relationship(state, entry), assignments)
        if parsed is not None:
            relationships.append(parsed)
    groups = [
        GroupData(vendor_id=g["id"], name=g["displayName"], member_emails=tuple(g["members"]))
        for g in scenario["groups"]
    ]
    sync_relationships(system, relationships=relationships, groups=groups)
    feeds.succeeded(partner_id, feeds.RELATIONSHIPS)


def _recorded_by_hand(
    system: Actor,
    organisations: dict[str, Customer],
    logins: dict[str, Membership],
    *,
    now: datetime,
) -> None:
    for key, offers in MANUAL_SUBSCRIPTIONS.items():
        for offer, code, quantity, status in offers:
            add_subscription(
                system,
                customer=organisations[key],
                values=SubscriptionFields(
                    offer_name=offer,
                    service_code=code,
                    quantity=quantity,
                    status=status,
                    term_duration="P1Y",
                    billing_cycle="monthly",
                    auto_renew=status == SubscriptionStatus.ACTIVE,
                    starts_on=date(2025, 4, 1),
                ),
            )
    # A group kept by hand beside the two Entra groups the sync brought in.
    onsite = create_group(system, name="Nordwind Vor-Ort-Team")
    add_member(system, group=onsite, membership=logins["lena.fischer@nordwind-it.example"])
    # Hotel Seeblick: a relationship Nordwind recorded by hand that ends in 20 days and does
    # not extend itself (the worker's hourly check sends the 30-day warning).
    seeblick_roles = [roles.SERVICE_SUPPORT_ADMINISTRATOR, roles.INTUNE_ADMINISTRATOR]
    create_relationship(
        system,
        data=RelationshipInput(
            customer=organisations["seeblick"],
            display_name="Nordwind Seeblick Support",
            kind=RelationshipKind.GDAP,
            role_ids=seeblick_roles,
            assignments={onsite.pk: seeblick_roles},
            activated_at=now - timedelta(days=710),
            duration="P730D",
            auto_extend=AutoExtend.NONE,
        ),
    )
    # Schreinerei Maier: still on legacy DAP, never used since it was granted.
    create_relationship(
        system,
        data=RelationshipInput(
            customer=organisations["maier"],
            display_name="Legacy DAP Maier",
            kind=RelationshipKind.DAP,
            activated_at=now - timedelta(days=400),
        ),
    )


def _health(
    system: Actor, scenario: dict, state: State, organisations: dict[str, Customer]
) -> None:
    """The partner tenant's feed as the sandbox shows it at load time (the scenario's own
    clock); the live sync (`make run`) continues from there."""
    minute = state.minute()
    wide = [
        shapes.graph_issue(state, incident, minute)
        for incident in scenario["incidents"]
        if incident["tenant"] is None
    ]
    apply_feed(
        system,
        incidents=graph_parse.issues([w for w in wide if w is not None]),
        scope=Scope.SERVICE_WIDE,
        customer=None,
        complete=True,
    )
    feeds.succeeded(system.workspace_id, feeds.PARTNER_HEALTH)
    by_tenant = {str(c.tenant_id): c for c in organisations.values() if c.tenant_id}
    stadtwerke = by_tenant[morning_outage.STADTWERKE]
    own = [
        shapes.graph_issue(state, incident, minute)
        for incident in scenario["incidents"]
        if incident["tenant"] == morning_outage.STADTWERKE
    ]
    apply_feed(
        system,
        incidents=graph_parse.issues([o for o in own if o is not None]),
        scope=Scope.TENANT,
        customer=stadtwerke,
        complete=True,
    )
    feeds.succeeded(system.workspace_id, feeds.CUSTOMER_HEALTH, customer_id=stadtwerke.pk)
