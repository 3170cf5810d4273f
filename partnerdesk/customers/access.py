"""Fetching one customer or contact by id within the actor's visibility; otherwise 404."""

from __future__ import annotations

import uuid

from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import not_found

from .models import Contact, Customer
from .selectors import visible_contacts, visible_customers


def _uuid(value: str | uuid.UUID) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise not_found() from None


def get_customer_for(actor: Actor, customer_id: str | uuid.UUID) -> Customer:
    """A customer the actor sees: staff their workspace's (or their customers'), customer
    people their own organisation."""
    customer = visible_customers(actor).filter(pk=_uuid(customer_id)).first()
    if customer is None:
        raise not_found()
    return customer


def get_contact_for(actor: Actor, contact_id: str | uuid.UUID) -> Contact:
    """A contact the actor sees: staff and managers those of their customers, a contact itself."""
    contact = visible_contacts(actor).filter(pk=_uuid(contact_id)).first()
    if contact is None:
        raise not_found()
    return contact
