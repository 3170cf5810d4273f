"""The portal's health pages: the organisation's service health, and the check shown on the
new-request form when the contact picks a service (htmx)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from partnerdesk.catalog.selectors import service_by_code
from partnerdesk.core.http import allow
from partnerdesk.customers.access import get_customer_for
from partnerdesk.portal.guard import customer_actor, portal_page, render_portal

from . import selectors, selectors_pages


@portal_page
@allow("GET")
def portal(request: HttpRequest) -> HttpResponse:
    actor = customer_actor(request)
    view = selectors_pages.portal_view(actor)
    return render_portal(request, actor, "health/portal.html", {"view": view, "section": "health"})


@portal_page
@allow("GET")
def portal_check(request: HttpRequest) -> HttpResponse:
    actor = customer_actor(request)
    code = request.GET.get("service", "").strip()[:60]
    incidents = []
    service = service_by_code(actor, code) if code else None
    if service is not None and actor.customer_id is not None:
        customer = get_customer_for(actor, actor.customer_id)
        incidents = selectors.incidents_for_filing(actor, customer, service)
    latest = selectors.latest_posts(incidents)
    return render_portal(
        request,
        actor,
        "health/_check.html",
        {"rows": [(i, latest.get(i.pk)) for i in incidents], "for_staff": False},
    )
