"""Search everywhere from one box: a ticket reference or number opens the ticket, anything
else lists matching customers and tickets (thin: selectors in)."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from partnerdesk.core.errors import DomainError
from partnerdesk.core.http import allow
from partnerdesk.partners.selectors import current_workspace

from . import search as ticket_search
from . import selectors
from .console import console_page, staff_actor
from .search_selectors import search_count, search_tickets
from .selectors_customers import capped_label, customers_named

PAGE_SIZE = 25
# "PD-1042", "pd 1042", "#1042" or "1042": a reference or a bare ticket number.
REFERENCE = re.compile(r"^\s*(?:#\s*)?(?:([^\W\d_][^\W_]{0,7})\s*[-\s]\s*)?(\d{1,18})\s*$")


def _referenced_ticket(request: HttpRequest, q: str) -> HttpResponse | None:
    """The ticket `q` names exactly, if the actor sees it."""
    match = REFERENCE.match(q)
    if match is None:
        return None
    actor = staff_actor(request)
    prefix = match.group(1)
    if prefix is not None and prefix.lower() != current_workspace(actor).ticket_prefix.lower():
        return None
    ticket = selectors.ticket_by_number(actor, number=int(match.group(2)))
    if ticket is None:
        return None
    return redirect(reverse("tickets:ticket", args=[ticket.pk]))


@console_page
@allow("GET")
def search(request: HttpRequest) -> HttpResponse:
    actor = staff_actor(request)
    q = request.GET.get("q", "").strip()
    context: dict[str, object] = {"q": q}
    if not q:
        return render(request, "tickets/search.html", context)
    jump = _referenced_ticket(request, q)
    if jump is not None:
        return jump
    cursor = request.GET.get("cursor") or None
    try:
        parsed = ticket_search.parse_query(q)
    except DomainError as error:
        context["error"] = error.errors[0].message if error.errors else error.message
        return render(request, "tickets/search.html", context, status=422)
    page = search_tickets(actor, query=q, cursor=cursor, limit=PAGE_SIZE)
    snippets = (
        selectors.hit_snippets(actor, tickets=page.items, terms=parsed.terms)
        if parsed.number is None
        else {}
    )
    context.update(
        {
            "page": page,
            "hits": [(ticket, snippets.get(ticket.pk)) for ticket in page.items],
            "count": search_count(actor, query=q) if not cursor else None,
            "customers": [
                (customer, capped_label(customer.open_count))  # type: ignore[attr-defined]
                for customer in (customers_named(actor, text=q) if not cursor else [])
            ],
            "is_later_page": bool(cursor),
            "first_url": f"{reverse('tickets:search')}?{urlencode({'q': q})}",
            "next_url": (
                f"{reverse('tickets:search')}?{urlencode({'q': q, 'cursor': page.next_cursor})}"
                if page.next_cursor
                else None
            ),
        }
    )
    return render(request, "tickets/search.html", context)


@console_page
@allow("GET")
def shortcuts(request: HttpRequest) -> HttpResponse:
    """The keyboard shortcuts' help, fetched by console.js the first time `?` is pressed."""
    staff_actor(request)
    return render(request, "tickets/_shortcuts.html")
