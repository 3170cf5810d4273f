"""Reads of customers and contacts, scoped to the actor.

Who sees what:
- staff: every customer of their workspace, or only their customers when customer-limited,
  with their contacts;
- a customer manager: its own organisation and that organisation's contacts;
- a customer contact: its own organisation and its own contact record, no other contact.
"""

from __future__ import annotations

import uuid

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from partnerdesk.core import policies
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import forbidden
from partnerdesk.core.pagination import Page, paginate

from .models import Contact, Customer, CustomerDomain

# The keys the lists are sorted by; each matches an index (customer_by_name, contact_by_customer).
CUSTOMER_ORDER = ["name", "id"]
CONTACT_ORDER = ["name", "id"]

# A customer manager sees all of its organisation: the role's grant for tickets says the same
# for contacts. (A dedicated permission belongs in the catalogue once one is needed elsewhere.)
ORGANISATION_PERMISSION = "tickets.view_organisation"


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


def own_tenant(actor: Actor) -> Customer | None:
    """The workspace's own organisation (made with the workspace), if the actor sees it."""
    return visible_customers(actor).filter(is_partner_own=True).first()


def with_domains(customers: QuerySet[Customer]) -> QuerySet[Customer]:
    """Customers with their mail domains loaded in one more query, however many rows."""
    return customers.prefetch_related(
        Prefetch("domains", queryset=CustomerDomain.objects.only("id", "customer_id", "domain"))
    )


def customer_page(actor: Actor, *, cursor: str | None, limit: int | None) -> Page[Customer]:
    """A page of the customer list, by name; staff only (customer people read their own)."""
    policies.require(actor, "customers.view")
    return paginate(
        with_domains(visible_customers(actor)), order=CUSTOMER_ORDER, cursor=cursor, limit=limit
    )


def sees_customer_notes(actor: Actor) -> bool:
    """Notes about a customer are the partner's, never shown to the customer's people."""
    return actor.is_system or (actor.is_staff and actor.has("customers.view"))


def sees_organisation_contacts(actor: Actor) -> bool:
    """Whether the actor may see every contact of a customer it sees."""
    if actor.is_staff or actor.is_system:
        return actor.has("customers.view")
    return actor.is_customer and actor.has(ORGANISATION_PERMISSION)


def visible_contacts(actor: Actor) -> QuerySet[Contact]:
    """Contacts the actor may see: those of its customers, or (a contact) only itself."""
    if actor.partner_id is None or not actor.is_authenticated:
        return Contact.objects.none()
    contacts = Contact.objects.filter(partner_id=actor.partner_id)
    if actor.limited_customer_ids is not None and not actor.is_system:
        contacts = contacts.filter(customer_id__in=actor.limited_customer_ids)
    if sees_organisation_contacts(actor):
        return contacts
    if actor.is_customer and actor.contact_id is not None:
        return contacts.filter(pk=actor.contact_id)
    return Contact.objects.none()


def contact_page(
    actor: Actor, *, customer: Customer, cursor: str | None, limit: int | None
) -> Page[Contact]:
    """A page of one (visible) customer's contacts, by name: staff and that customer's managers."""
    if not sees_organisation_contacts(actor):
        raise forbidden(_("Only partner staff and your organisation's managers see its contacts."))
    contacts = visible_contacts(actor).filter(customer_id=customer.pk)
    return paginate(contacts, order=CONTACT_ORDER, cursor=cursor, limit=limit)
