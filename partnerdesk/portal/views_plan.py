"""The customer's support plan in the portal: what it covers, the service hours in the
viewer's time zone, how to reach the partner, how fast it answers and what it costs."""

from __future__ import annotations

import zoneinfo

from django.http import HttpRequest, HttpResponse

from partnerdesk.core.actor import Actor
from partnerdesk.core.http import allow
from partnerdesk.customers.access import get_customer_for
from partnerdesk.offering import selectors
from partnerdesk.offering.views_public import plan_sheet

from .guard import customer_actor, portal_page, render_portal


def viewer_zone(actor: Actor, customer_zone: str) -> str:
    """The person's own zone, else their organisation's, else the workspace's."""
    for candidate in (actor.time_zone, customer_zone, actor.workspace_time_zone):
        try:
            if candidate:
                zoneinfo.ZoneInfo(candidate)
                return candidate
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            continue
    return "UTC"


@portal_page
@allow("GET")
def plan(request: HttpRequest) -> HttpResponse:
    actor = customer_actor(request)
    customer = get_customer_for(actor, actor.customer_id or "")
    found = selectors.my_plan(actor)
    sheet = None
    if found is not None:
        sheet = plan_sheet(found, time_zone=viewer_zone(actor, customer.time_zone))
    return render_portal(request, actor, "portal/plan.html", {"sheet": sheet, "section": "plan"})
