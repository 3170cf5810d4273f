"""Reads of subscriptions, scoped to the actor."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from partnerdesk.catalog.models import Service
from partnerdesk.core.actor import Actor
from partnerdesk.core.pagination import Page, paginate

from ..enums import SubscriptionStatus
from ..models import Customer, ImportJob, Subscription
from ..selectors import visible_customers

# A subscription in these states gives its service (a suspended one still has data and users
# who call when it breaks, so it counts for health).
SERVING_STATUSES = frozenset(
    {SubscriptionStatus.ACTIVE, SubscriptionStatus.PENDING, SubscriptionStatus.SUSPENDED}
)


def visible_subscriptions(actor: Actor) -> QuerySet[Subscription]:
    """Subscriptions of the customers the actor sees."""
    if actor.partner_id is None or not actor.is_authenticated:
        return Subscription.objects.none()
    subscriptions = Subscription.objects.filter(partner_id=actor.partner_id)
    if actor.is_customer:
        if actor.customer_id is None:
            return Subscription.objects.none()
        return subscriptions.filter(customer_id=actor.customer_id)
    if actor.limited_customer_ids is not None and not actor.is_system:
        subscriptions = subscriptions.filter(customer_id__in=actor.limited_customer_ids)
    return subscriptions


def subscribed_service_codes(actor: Actor, customer: Customer) -> frozenset[str]:
    """The catalog services the customer uses: those of its serving subscriptions, and their
    children (a Microsoft 365 plan gives Exchange Online, Teams, …)."""
    codes = set(
        visible_subscriptions(actor)
        .filter(customer_id=customer.pk, status__in=SERVING_STATUSES, service__isnull=False)
        .values_list("service_id", flat=True)
    )
    if codes:
        codes |= set(Service.objects.filter(parent_id__in=codes).values_list("code", flat=True))
    return frozenset(str(c) for c in codes)


def customers_using(actor: Actor, service: Service) -> QuerySet[Customer]:
    """Customers the actor sees whose serving subscriptions give `service` (or its family)."""
    family = Q(subscriptions__service_id=service.code)
    if service.parent_id:
        family |= Q(subscriptions__service_id=service.parent_id)
    return (
        visible_customers(actor)
        .filter(family, subscriptions__status__in=SERVING_STATUSES)
        .distinct()
        .order_by("name", "id")
    )


def subscription_page(
    actor: Actor, *, customer: Customer, cursor: str | None, limit: int | None
) -> Page[Subscription]:
    """A customer's subscriptions by offer name (staff, and the customer's own people)."""
    return paginate(
        visible_subscriptions(actor).filter(customer_id=customer.pk).select_related("service"),
        order=["offer_name", "id"],
        cursor=cursor,
        limit=limit,
    )


def recent_imports(actor: Actor, *, limit: int = 20) -> list[ImportJob]:
    """The workspace's latest imports (for those who may import)."""
    if actor.partner_id is None or not actor.has("customers.manage"):
        return []
    return list(
        ImportJob.objects.filter(partner_id=actor.partner_id)
        .defer("content", "report")
        .order_by("-created_at")[:limit]
    )
