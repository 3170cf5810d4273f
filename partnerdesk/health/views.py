"""The console's health pages: the dashboard, one incident (with its update form), recording an
incident by hand, the filing check, and linking or dismissing an incident on a ticket."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from partnerdesk.catalog.selectors import all_services, service_by_code
from partnerdesk.core import policies
from partnerdesk.core.errors import DomainError
from partnerdesk.core.http import allow
from partnerdesk.customers.access import get_customer_for
from partnerdesk.tickets.access import get_ticket_for
from partnerdesk.tickets.console import console_page, staff_actor

from . import access, actions, selectors, selectors_pages
from .forms import BroadcastForm, IncidentForm
from .text import post_text


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


@console_page
@allow("GET")
def dashboard(request: HttpRequest) -> HttpResponse:
    actor = staff_actor(request)
    policies.require(actor, "customers.view")
    board = selectors_pages.dashboard(actor)
    form = None
    if actor.has("health.broadcast"):
        form = IncidentForm(services=all_services(actor))
    return render(
        request,
        "health/dashboard.html",
        {"board": board, "form": form, "section": "health"},
    )


@console_page
@allow("POST")
def record(request: HttpRequest) -> HttpResponse:
    actor = staff_actor(request)
    policies.require(actor, "health.broadcast")
    form = IncidentForm(request.POST, services=all_services(actor))
    if not form.is_valid():
        board = selectors_pages.dashboard(actor)
        return render(request, "health/dashboard.html", {"board": board, "form": form}, status=422)
    data = form.cleaned_data
    try:
        incident = actions.record_incident(
            actor,
            service=data["service"],
            title=data["title"],
            status=data["status"],
            classification=data["classification"],
            impact=data["impact"],
            message=data["message"],
        )
    except DomainError as error:
        for problem in error.errors:
            form.add_error(problem.field if problem.field in form.fields else None, problem.message)
        board = selectors_pages.dashboard(actor)
        return render(request, "health/dashboard.html", {"board": board, "form": form}, status=422)
    messages.success(request, _("Incident %(id)s recorded.") % {"id": incident.vendor_id})
    return redirect("health:incident", incident_id=incident.pk)


def _prefill(page: selectors_pages.IncidentPage) -> str:
    """The update form's text, from the incident's latest post."""
    incident = page.incident
    text = _("Update from Microsoft on %(id)s (%(title)s): %(status)s.") % {
        "id": incident.vendor_id,
        "title": incident.title,
        "status": incident.get_status_display(),
    }
    if page.posts:
        latest = post_text(max(page.posts, key=lambda p: p.posted_at).body_html)
        if latest:
            text += "\n\n" + latest
    return text


def _incident_page(
    request: HttpRequest, incident_id: str, form: BroadcastForm | None = None, status: int = 200
) -> HttpResponse:
    actor = staff_actor(request)
    policies.require(actor, "customers.view")
    incident = access.get_incident_for(actor, incident_id)
    page = selectors_pages.incident_page(actor, incident)
    can_broadcast = actor.has("health.broadcast")
    if can_broadcast and form is None:
        form = BroadcastForm(initial={"body": _prefill(page), "form_token": uuid.uuid4().hex})
    context: dict[str, Any] = {
        "page": page,
        "incident": incident,
        "form": form if can_broadcast else None,
        "broadcasts": list(selectors.broadcasts_for(incident)[:10]),
        "can_link": actor.has("tickets.manage"),
        "section": "health",
    }
    return render(request, "health/incident.html", context, status=status)


@console_page
@allow("GET")
def incident(request: HttpRequest, incident_id: str) -> HttpResponse:
    return _incident_page(request, incident_id)


@console_page
@allow("POST")
def broadcast(request: HttpRequest, incident_id: str) -> HttpResponse:
    actor = staff_actor(request)
    policies.require(actor, "health.broadcast")
    incident = access.get_incident_for(actor, incident_id)
    form = BroadcastForm(request.POST)
    if not form.is_valid():
        return _incident_page(request, incident_id, form, status=422)
    try:
        result = actions.broadcast_update(
            actor,
            incident=incident,
            body=form.cleaned_data["body"],
            resolve=form.cleaned_data["resolve"],
            key=form.cleaned_data["form_token"] or uuid.uuid4().hex,
        )
    except DomainError as error:
        for problem in error.errors:
            form.add_error(problem.field if problem.field in form.fields else None, problem.message)
        if not error.errors:
            raise
        return _incident_page(request, incident_id, form, status=422)
    text = ngettext("Sent to %(n)s ticket", "Sent to %(n)s tickets", result.sent) % {
        "n": result.sent
    }
    if result.broadcast.resolve:
        text += "; " + _("resolved %(n)s") % {"n": result.resolved}
    if result.skipped:
        text += "; " + _("%(n)s already had this update") % {"n": result.skipped}
    if result.failed:
        text += "; " + _("%(n)s could not be updated") % {"n": result.failed}
    messages.success(request, text + ".")
    return redirect("health:incident", incident_id=incident.pk)


@console_page
@allow("POST")
def link_suggested(request: HttpRequest, incident_id: str) -> HttpResponse:
    actor = staff_actor(request)
    incident = access.get_incident_for(actor, incident_id)
    count = actions.link_all_suggested(actor, incident=incident)
    messages.success(
        request,
        ngettext("Linked %(n)s ticket.", "Linked %(n)s tickets.", count) % {"n": count},
    )
    return redirect("health:incident", incident_id=incident.pk)


def _ticket_change(
    request: HttpRequest, ticket_id: str, incident_id: str, *, link: bool
) -> HttpResponse:
    actor = staff_actor(request)
    ticket = get_ticket_for(actor, ticket_id)
    incident = access.get_incident_for(actor, incident_id)
    if link:
        actions.link_ticket(actor, ticket=ticket, incident=incident)
    else:
        actions.dismiss_incident(actor, ticket=ticket, incident=incident)
    if _is_htmx(request):
        from .templatetags.health import ticket_incidents

        return render(
            request, "health/_ticket_incidents.html", ticket_incidents({"actor": actor}, ticket)
        )
    return redirect("tickets:ticket", ticket_id=ticket.pk)


@console_page
@allow("POST")
def link(request: HttpRequest, ticket_id: str, incident_id: str) -> HttpResponse:
    return _ticket_change(request, ticket_id, incident_id, link=True)


@console_page
@allow("POST")
def dismiss(request: HttpRequest, ticket_id: str, incident_id: str) -> HttpResponse:
    return _ticket_change(request, ticket_id, incident_id, link=False)


@console_page
@allow("GET")
def console_check(request: HttpRequest) -> HttpResponse:
    """The incidents a ticket for (customer, service) would be linked to (htmx partial)."""
    actor = staff_actor(request)
    customer_id = request.GET.get("customer", "").strip()
    code = request.GET.get("service", "").strip()[:60]
    incidents: list[Any] = []
    if customer_id and code:
        customer = get_customer_for(actor, customer_id)
        service = service_by_code(actor, code)
        if service is not None:
            incidents = selectors.incidents_for_filing(actor, customer, service)
    latest = selectors.latest_posts(incidents)
    return render(
        request,
        "health/_check.html",
        {"rows": [(i, latest.get(i.pk)) for i in incidents], "for_staff": True},
    )
