"""Reads of customers, scoped to the actor."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from partnerdesk.core.actor import Actor

from .models import Customer


def visible_customers(actor: Actor) -> QuerySet[Customer]:
    """Customers of the actor's workspace the actor may see (all, some, or its own)."""
    if actor.partner_id is None or not actor.is_authenticated:
        return Customer.objects.none()
    customers = Customer.objects.filter(partner_id=actor.partner_id)
    if actor.limited_customer_ids is not None and not actor.is_system:
        customers = customers.filter(id__in=actor.limited_customer_ids)
    return customers


def customers_by_ids(actor: Actor, *, ids: list[uuid.UUID]) -> list[Customer]:
    """The visible customers among `ids`; callers compare lengths to catch unknown ones."""
    return list(visible_customers(actor).filter(id__in=set(ids)))
