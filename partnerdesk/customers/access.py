"""Fetching one customer by id within the actor's visibility."""

from __future__ import annotations

import uuid

from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import not_found

from .models import Customer
from .selectors import visible_customers


def get_customer_for(actor: Actor, customer_id: str | uuid.UUID) -> Customer:
    try:
        pk = uuid.UUID(str(customer_id))
    except ValueError:
        raise not_found() from None
    customer = visible_customers(actor).filter(pk=pk).first()
    if customer is None:
        raise not_found()
    return customer
