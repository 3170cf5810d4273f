"""Reads for the console's customer pages: customers with their open-ticket counts, a
customer's contacts and tickets. Built on the customers' and tickets' visibility rules
(`visible_customers`, `visible_contacts`, `visible_tickets`), never beside them."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import IntegerField, OuterRef, QuerySet, Subquery

from partnerdesk.core import policies
from partnerdesk.core.actor import Actor
from partnerdesk.core.pagination import Page, paginate
from partnerdesk.customers.models import Contact, Customer
from partnerdesk.customers.selectors import (
    CONTACT_ORDER,
    CUSTOMER_ORDER,
    visible_contacts,
    visible_customers,
    with_domains,
)
from partnerdesk.partners.selectors import current_workspace

from .models import Ticket
from .selectors import COUNT_CAP, ticket_list, visible_tickets

# A customer's tickets: open ones first, then the rest, newest activity first within each
# (index `q_customer_open`).
CUSTOMER_TICKET_ORDER = ["-is_open", "-last_activity_at", "-id"]
MAX_NAME = 200


class CappedCount(Subquery):
    """COUNT(*) over a subquery cut at `cap + 1` rows: a per-row count that never reads more
    than cap + 1 index entries, however many rows match."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) capped)"

    def __init__(self, queryset: QuerySet[Any], *, cap: int = COUNT_CAP) -> None:
        super().__init__(queryset.order_by().values("pk")[: cap + 1], output_field=IntegerField())


def capped_label(count: int | None, cap: int = COUNT_CAP) -> str:
    """The count as a person reads it: "99+" beyond the cap."""
    found = count or 0
    return f"{cap}+" if found > cap else str(found)


def _open_counts(actor: Actor, customers: QuerySet[Customer]) -> QuerySet[Customer]:
    return customers.annotate(
        open_count=CappedCount(
            visible_tickets(actor).filter(customer_id=OuterRef("pk"), is_open__in=[True])
        )
    )


def customer_list_page(
    actor: Actor, *, name: str = "", cursor: str | None, limit: int | None
) -> Page[Customer]:
    """Customers the actor sees, by name, optionally those whose name contains `name`; each
    with its domains and `open_count` (capped), in three queries however long the page."""
    policies.require(actor, "customers.view")
    customers = visible_customers(actor)
    if name.strip():
        customers = customers.filter(name__icontains=name.strip()[:MAX_NAME])
    return paginate(
        _open_counts(actor, with_domains(customers)),
        order=CUSTOMER_ORDER,
        cursor=cursor,
        limit=limit,
    )


def customers_named(actor: Actor, *, text: str, limit: int = 10) -> list[Customer]:
    """Up to `limit` visible customers whose name contains `text` (for search), by name."""
    if not actor.has("customers.view") or not text.strip():
        return []
    return list(
        _open_counts(
            actor, visible_customers(actor).filter(name__icontains=text.strip()[:MAX_NAME])
        ).order_by(*CUSTOMER_ORDER)[:limit]
    )


def customer_choices(actor: Actor, *, limit: int = 500) -> list[tuple[uuid.UUID, str]]:
    """(id, name) of visible customers for a filter's choices, by name, at most `limit`."""
    return list(
        visible_customers(actor).order_by(*CUSTOMER_ORDER).values_list("id", "name")[:limit]
    )


def customer_facts(actor: Actor, customer: Customer) -> Customer:
    """The (already visible) customer again, with its domains and open-ticket count."""
    found = _open_counts(actor, with_domains(visible_customers(actor))).get(pk=customer.pk)
    return found


def customer_contact_page(
    actor: Actor, *, customer: Customer, cursor: str | None, limit: int | None
) -> Page[Contact]:
    """A page of the customer's contacts, by name, with their portal logins (role)."""
    policies.require(actor, "customers.view")
    contacts = visible_contacts(actor).filter(customer_id=customer.pk).select_related("membership")
    return paginate(contacts, order=CONTACT_ORDER, cursor=cursor, limit=limit)


def customer_ticket_page(
    actor: Actor, *, customer: Customer, cursor: str | None, limit: int | None
) -> Page[Ticket]:
    """The customer's tickets: open first, then the rest, newest activity first."""
    page = paginate(
        ticket_list(actor).filter(customer_id=customer.pk),
        order=CUSTOMER_TICKET_ORDER,
        cursor=cursor,
        limit=limit,
    )
    if page.items:
        workspace = current_workspace(actor)
        for ticket in page.items:
            ticket.partner = workspace
    return page
