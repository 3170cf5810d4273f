"""The agent console's queues (thin: selectors in, actions out)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from partnerdesk.core.errors import not_found
from partnerdesk.core.http import allow

from . import selectors
from .console import console_page, staff_actor


@console_page
@allow("GET")
def queue(request: HttpRequest, name: str = "open") -> HttpResponse:
    actor = staff_actor(request)
    found = selectors.queue_named(actor, name)
    if found is None:
        raise not_found()
    page = selectors.ticket_page(
        actor, where=found.where, cursor=request.GET.get("cursor"), limit=50
    )
    return render(
        request,
        "tickets/queue.html",
        {"queue": found, "queues": selectors.queue_counts(actor), "page": page},
    )
