"""The console's notices: the page listing one's SLA warnings and breaches, marking them read
(opening one marks it read and goes to its ticket), and the top bar's badge, which every
console page loads on its own (htmx, after the page) so that no page pays for it."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from partnerdesk.core.http import allow

from . import access, actions, selectors_notices
from .console import console_page, staff_actor
from .views_ticket_context import is_htmx


def _context(request: HttpRequest) -> dict[str, object]:
    actor = staff_actor(request)
    return {
        "unread": selectors_notices.unread_notices(actor),
        "read": selectors_notices.recently_read_notices(actor),
        "limit": selectors_notices.NOTICE_LIMIT,
    }


@console_page
@allow("GET")
def notice_list(request: HttpRequest) -> HttpResponse:
    return render(request, "tickets/notices.html", _context(request))


@console_page
@allow("GET")
def notice_badge(request: HttpRequest) -> HttpResponse:
    """The top bar's link to the notices with the unread count (capped)."""
    actor = staff_actor(request)
    count = selectors_notices.unread_notice_count(actor)
    return render(request, "tickets/_notice_badge.html", {"count": count})


@console_page
@allow("POST")
def notice_read(request: HttpRequest, notice_id: str) -> HttpResponse:
    """Mark one's notice read; with `open`, go on to its ticket."""
    actor = staff_actor(request)
    notice = access.get_notice_for(actor, notice_id)
    actions.mark_notice_read(actor, notice=notice)
    if request.POST.get("open"):
        return redirect(reverse("tickets:ticket", args=[notice.ticket_id]))
    if is_htmx(request):
        return render(request, "tickets/_notices.html", _context(request))
    return redirect(reverse("tickets:notices"))


@console_page
@allow("POST")
def notices_read_all(request: HttpRequest) -> HttpResponse:
    actor = staff_actor(request)
    actions.mark_all_notices_read(actor)
    if is_htmx(request):
        return render(request, "tickets/_notices.html", _context(request))
    return redirect(reverse("tickets:notices"))
