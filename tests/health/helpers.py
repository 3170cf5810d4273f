"""Test helpers for service health: subscriptions, feed data, incidents."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from partnerdesk.core import clock
from partnerdesk.customers.enums import SubscriptionStatus
from partnerdesk.customers.models import Customer
from partnerdesk.customers.models_services import Subscription
from partnerdesk.health.actions import apply_feed
from partnerdesk.health.enums import Scope
from partnerdesk.health.feed import IncidentData, PostData
from partnerdesk.health.models import Incident
from tests.kit import Workspace

T0 = datetime(2026, 3, 2, 8, 55, tzinfo=UTC)


def subscribe(customer: Customer, service: str = "m365", **fields: Any) -> Subscription:
    now = clock.now()
    values: dict[str, Any] = {
        "partner_id": customer.partner_id,
        "customer": customer,
        "offer_name": "Microsoft 365 Business Standard",
        "service_id": service,
        "status": SubscriptionStatus.ACTIVE,
        "created_at": now,
        "updated_at": now,
    }
    values.update(fields)
    return Subscription.objects.create(**values)


def post(text: str, *, minutes: int = 0) -> PostData:
    from datetime import timedelta

    return PostData(posted_at=T0 + timedelta(minutes=minutes), body_html=text, post_type="regular")


def data(vendor_id: str = "EX226792", **fields: Any) -> IncidentData:
    values: dict[str, Any] = {
        "vendor_id": vendor_id,
        "source": "graph",
        "service_name": "Exchange Online",
        "title": "Some users can't send mail",
        "classification": "incident",
        "status": "serviceDegradation",
        "started_at": T0,
        "posts": (post("<p>We are investigating.</p>"),),
    }
    values.update(fields)
    return IncidentData(**values)


def feed_incident(ws: Workspace, vendor_id: str = "EX226792", **fields: Any) -> Incident:
    """Store one service-wide incident through apply_feed, as the connector would."""
    apply_feed(
        ws.system(),
        incidents=[data(vendor_id, **fields)],
        scope=Scope.SERVICE_WIDE,
        customer=None,
        complete=False,
    )
    return Incident.objects.get(partner=ws.partner, vendor_id=vendor_id, customer__isnull=True)


def tenant_incident(
    ws: Workspace, customer: Customer, vendor_id: str = "EX900001", **fields: Any
) -> Incident:
    apply_feed(
        ws.system(),
        incidents=[data(vendor_id, **fields)],
        scope=Scope.TENANT,
        customer=customer,
        complete=False,
    )
    return Incident.objects.get(partner=ws.partner, vendor_id=vendor_id, customer=customer)


def file(
    ws: Workspace,
    *,
    by: str = "helpdesk_agent",
    customer: str = "a",
    service: str | None = "exchange-online",
    channel: str | None = None,
    subject: str = "Mail is not going out",
) -> Any:
    """A ticket filed through tickets.actions.file_ticket (customer people need contacts)."""
    from partnerdesk.catalog.models import Service
    from partnerdesk.tickets.actions import file_ticket
    from tests.tickets.helpers import make_contacts

    actor = ws.actor(by)
    if actor.is_customer:
        make_contacts(ws)
        actor = ws.actor(by)
    return file_ticket(
        actor,
        customer=ws.customers[customer],
        subject=subject,
        description="Since this morning.",
        category="performance",
        severity="B",
        channel=channel or ("agent" if actor.is_staff else "portal"),
        service=Service.objects.get(pk=service) if service else None,
    ).ticket
