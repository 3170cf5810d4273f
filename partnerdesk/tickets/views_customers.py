"""The console's customer pages: the list and one customer's facts, contacts and tickets
(thin: access and selectors in)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from partnerdesk.core.http import allow
from partnerdesk.customers.access import get_customer_for
from partnerdesk.customers.selectors import sees_customer_notes
from partnerdesk.offering.views_customer import customer_plan_context

from .console import console_page, staff_actor
from .selectors_customers import (
    MAX_NAME,
    capped_label,
    customer_contact_page,
    customer_facts,
    customer_list_page,
    customer_ticket_page,
)

PAGE_SIZE = 50
TICKETS_PAGE_SIZE = 25


@console_page
@allow("GET")
def customer_list(request: HttpRequest) -> HttpResponse:
    actor = staff_actor(request)
    name = request.GET.get("name", "").strip()[:MAX_NAME]
    page = customer_list_page(
        actor, name=name, cursor=request.GET.get("cursor") or None, limit=PAGE_SIZE
    )
    base = reverse("tickets:customers")
    keep = {"name": name} if name else {}
    return render(
        request,
        "tickets/customers.html",
        {
            "name": name,
            "page": page,
            "rows": [(c, capped_label(c.open_count)) for c in page.items],  # type: ignore[attr-defined]
            "is_later_page": bool(request.GET.get("cursor")),
            "first_url": f"{base}?{urlencode(keep)}" if keep else base,
            "next_url": (
                f"{base}?{urlencode({**keep, 'cursor': page.next_cursor})}"
                if page.next_cursor
                else None
            ),
        },
    )


@console_page
@allow("GET")
def customer_page(request: HttpRequest, customer_id: str) -> HttpResponse:
    actor = staff_actor(request)
    customer = customer_facts(actor, get_customer_for(actor, customer_id))
    contacts_cursor = request.GET.get("contacts") or None
    tickets_cursor = request.GET.get("tickets") or None
    contacts = customer_contact_page(
        actor, customer=customer, cursor=contacts_cursor, limit=PAGE_SIZE
    )
    tickets = customer_ticket_page(
        actor, customer=customer, cursor=tickets_cursor, limit=TICKETS_PAGE_SIZE
    )
    base = reverse("tickets:customer", args=[customer.pk])
    return render(
        request,
        "tickets/customer.html",
        {
            "customer": customer,
            "open_count": capped_label(customer.open_count),  # type: ignore[attr-defined]
            "shows_notes": sees_customer_notes(actor) and bool(customer.notes),
            **customer_plan_context(actor, customer),
            "contacts": contacts,
            "tickets": tickets,
            "queue_url": reverse("tickets:queue", args=["open"])
            + "?"
            + urlencode({"customer": customer.pk}),
            "first_url": base,
            "next_contacts_url": (
                f"{base}?{urlencode({'contacts': contacts.next_cursor})}"
                if contacts.next_cursor
                else None
            ),
            "next_tickets_url": (
                f"{base}?{urlencode({'tickets': tickets.next_cursor})}"
                if tickets.next_cursor
                else None
            ),
        },
    )
