"""The agent console's ticket page (thin: selectors in, actions out)."""

from __future__ import annotations

from itertools import chain
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import DomainError
from partnerdesk.core.http import allow

from . import access, actions, selectors
from .console import console_page, staff_actor
from .enums import SEVERITY_IMPACT, EventKind
from .forms import ReplyForm, SeverityForm, StatusForm
from .models import Ticket


def _timeline(actor: Actor, ticket: Ticket) -> list[dict[str, Any]]:
    """Messages and changes in one stream, oldest first (replies are shown once, as messages)."""
    messages = [
        {"kind": "message", "at": m.created_at, "message": m}
        for m in selectors.messages_of(actor, ticket).order_by("created_at", "id")[:500]
    ]
    events = [
        {"kind": "event", "at": e.at, "event": e}
        for e in selectors.history_of(actor, ticket)[:500]
        if e.kind not in (EventKind.REPLIED, EventKind.NOTED)
    ]
    return sorted(chain(messages, events), key=lambda item: item["at"])


@console_page
@allow("GET")
def ticket_page(request: HttpRequest, ticket_id: str) -> HttpResponse:
    actor = staff_actor(request)
    ticket = access.get_ticket_for(actor, ticket_id)
    return render(
        request,
        "tickets/ticket.html",
        {
            "ticket": ticket,
            "reference": f"{ticket.partner.ticket_prefix}-{ticket.number}",
            "timeline": _timeline(actor, ticket),
            "tags": selectors.tag_names(ticket),
            "can_reply": actor.has("tickets.reply"),
            "can_manage": actor.has("tickets.manage"),
            "reply_form": ReplyForm(),
            "status_form": StatusForm(initial={"status": ticket.status}),
            "severity_form": SeverityForm(initial={"severity": ticket.severity}),
            "severity_impact": SEVERITY_IMPACT,
        },
    )


def _back(ticket: Ticket) -> HttpResponse:
    return redirect(reverse("tickets:ticket", args=[ticket.pk]))


@console_page
@allow("POST")
def reply(request: HttpRequest, ticket_id: str) -> HttpResponse:
    actor = staff_actor(request)
    ticket = access.get_ticket_for(actor, ticket_id)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        raise DomainError("validation_failed", _("Write something first."), status=422)
    actions.reply(
        actor, ticket=ticket, body=form.cleaned_data["body"], internal=form.cleaned_data["internal"]
    )
    return _back(ticket)


def _change_field(request: HttpRequest, ticket_id: str, field: str) -> HttpResponse:
    """Change one field from a one-field form (status or severity)."""
    actor = staff_actor(request)
    ticket = access.get_ticket_for(actor, ticket_id)
    form = FIELD_FORMS[field](request.POST)
    if not form.is_valid():
        raise DomainError("validation_failed", _("Choose a value."), status=422)
    changes = actions.TicketChanges(**{field: form.cleaned_data[field]})
    actions.change_ticket(actor, ticket=ticket, changes=changes)
    return _back(ticket)


FIELD_FORMS: dict[str, type[StatusForm] | type[SeverityForm]] = {
    "status": StatusForm,
    "severity": SeverityForm,
}


@console_page
@allow("POST")
def change_status(request: HttpRequest, ticket_id: str) -> HttpResponse:
    return _change_field(request, ticket_id, "status")


@console_page
@allow("POST")
def change_severity(request: HttpRequest, ticket_id: str) -> HttpResponse:
    return _change_field(request, ticket_id, "severity")


@console_page
@allow("POST")
def take(request: HttpRequest, ticket_id: str) -> HttpResponse:
    """Assign the ticket to oneself."""
    actor = staff_actor(request)
    ticket = access.get_ticket_for(actor, ticket_id)
    me = access.get_assignable_staff_for(actor, actor.own_membership_id)
    actions.change_ticket(actor, ticket=ticket, changes=actions.TicketChanges(assignee=me))
    return _back(ticket)
