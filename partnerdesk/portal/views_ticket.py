"""One request in the customer portal: the public thread, replying, closing."""

from __future__ import annotations

from itertools import chain
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import DomainError
from partnerdesk.core.http import allow
from partnerdesk.tickets import access, actions, selectors
from partnerdesk.tickets.enums import Channel, Status
from partnerdesk.tickets.models import Ticket

from .forms import ReplyForm
from .guard import customer_actor, portal_page, render_portal

THREAD_LIMIT = 500


def reference_of(ticket: Ticket) -> str:
    return f"{ticket.partner.ticket_prefix}-{ticket.number}"


def _thread(actor: Actor, ticket: Ticket) -> list[dict[str, Any]]:
    """Public messages and status changes, oldest first (internal notes never come here)."""
    replies = [
        {"kind": "message", "at": m.created_at, "message": m}
        for m in selectors.messages_of(actor, ticket).order_by("created_at", "id")[:THREAD_LIMIT]
    ]
    changes = [
        {"kind": "status", "at": e.at, "event": e}
        for e in selectors.public_status_history(actor, ticket)[:THREAD_LIMIT]
    ]
    return sorted(chain(replies, changes), key=lambda item: item["at"])


def _merged_link(actor: Actor, ticket: Ticket) -> str:
    """Where the request it was merged into is, if the actor may see that one too."""
    if ticket.merged_into_id is None:
        return ""
    try:
        access.get_ticket_for(actor, ticket.merged_into_id)
    except DomainError:
        return ""
    return reverse("portal:ticket", args=[ticket.merged_into_id])


def _ticket_page(
    request: HttpRequest, actor: Actor, ticket: Ticket, form: ReplyForm, *, status: int = 200
) -> HttpResponse:
    return render_portal(
        request,
        actor,
        "portal/ticket.html",
        {
            "ticket": ticket,
            "reference": reference_of(ticket),
            "merged_reference": f"{ticket.partner.ticket_prefix}-{ticket.merged_into.number}"
            if ticket.merged_into
            else "",
            "merged_link": _merged_link(actor, ticket),
            "thread": _thread(actor, ticket),
            "files": list(selectors.ticket_files_of(actor, ticket)),
            "form": form,
            "is_closed": ticket.status == Status.CLOSED,
            "is_resolved": ticket.status == Status.RESOLVED,
            "own_request": ticket.requester_id is not None
            and ticket.requester_id == actor.contact_id,
            "files_dropped": status != 200 and bool(request.FILES),
        },
        status=status,
    )


@portal_page
@allow("GET")
def ticket_page(request: HttpRequest, ticket_id: str) -> HttpResponse:
    actor = customer_actor(request)
    ticket = access.get_ticket_for(actor, ticket_id)
    return _ticket_page(request, actor, ticket, ReplyForm())


@portal_page
@allow("POST")
def reply(request: HttpRequest, ticket_id: str) -> HttpResponse:
    actor = customer_actor(request)
    ticket = access.get_ticket_for(actor, ticket_id)
    if ticket.status == Status.CLOSED:
        messages.error(
            request, _("This request is closed, so it takes no replies. Open a new request.")
        )
        return redirect("portal:ticket", ticket_id=ticket.pk)
    form = ReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        return _ticket_page(request, actor, ticket, form, status=422)
    was_resolved = ticket.status == Status.RESOLVED
    filed = actions.reply(
        actor,
        ticket=ticket,
        body=form.cleaned_data["body"],
        files=form.cleaned_data["attachments"],
        channel=Channel.PORTAL,
    )
    if was_resolved and filed.ticket.status != Status.RESOLVED:
        messages.success(request, _("Your reply is sent, and the request is open again."))
    else:
        messages.success(request, _("Your reply is sent."))
    for rejected in filed.rejected:
        messages.error(
            request,
            _("%(file)s was not attached: %(reason)s")
            % {"file": rejected.filename, "reason": rejected.reason},
        )
    return redirect("portal:ticket", ticket_id=ticket.pk)


@portal_page
@allow("GET", "POST")
def close(request: HttpRequest, ticket_id: str) -> HttpResponse:
    """Close my request: asks first (GET), then closes (POST)."""
    actor = customer_actor(request)
    ticket = access.get_ticket_for(actor, ticket_id)
    if ticket.status == Status.CLOSED:
        messages.info(request, _("This request is already closed."))
        return redirect("portal:ticket", ticket_id=ticket.pk)
    if request.method != "POST":
        return render_portal(
            request,
            actor,
            "portal/close.html",
            {"ticket": ticket, "reference": reference_of(ticket)},
        )
    actions.close_as_requester(actor, ticket=ticket)
    messages.success(
        request,
        _("%(ref)s is closed. Thank you for letting us know.") % {"ref": reference_of(ticket)},
    )
    return redirect("portal:ticket", ticket_id=ticket.pk)
