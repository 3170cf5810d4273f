"""The agent console's ticket page: the page, the reply box and canned-reply insertion.

Thin: selectors in, actions out. Each form works with htmx (the changed parts come back) and
without (post, redirect, get; a refusal re-renders the page with it next to the control).
The other controls are in views_ticket_changes.py, the page's context in
views_ticket_context.py.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from partnerdesk.core import policies
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import DomainError, forbidden, not_found
from partnerdesk.core.http import allow

from . import access, actions
from .canned_text import render_canned_reply
from .console import console_page, staff_actor
from .forms import ReplyForm
from .models import Ticket
from .views_ticket_canned import canned_delete, canned_edit, canned_list, canned_new
from .views_ticket_changes import (
    assign,
    change_details,
    change_severity,
    change_status,
    merge,
    remove_watcher,
    tag,
    take,
    unassign,
    untag,
    watch,
)
from .views_ticket_context import back_to, is_htmx, refusal_text, render_page, render_part

__all__ = [
    "assign",
    "canned_delete",
    "canned_edit",
    "canned_list",
    "canned_new",
    "canned_text",
    "change_details",
    "change_severity",
    "change_status",
    "merge",
    "remove_watcher",
    "reply",
    "tag",
    "take",
    "ticket_page",
    "unassign",
    "untag",
    "watch",
]

_STOPS = (401, 403, 404)  # not the agent's to fix here: the readable error page


def _compose_mode(actor: Actor, wanted: str | None) -> str:
    """ "note" only for staff who see internal notes; else "reply"."""
    return "note" if wanted == "note" and actor.has("tickets.view_internal") else "reply"


@console_page
@allow("GET")
def ticket_page(request: HttpRequest, ticket_id: str) -> HttpResponse:
    actor = staff_actor(request)
    ticket = access.get_ticket_for(actor, ticket_id)
    compose = _compose_mode(actor, request.GET.get("compose"))
    overrides: dict[str, Any] = {}
    canned_id = request.GET.get("canned")
    if canned_id and actor.has("tickets.reply"):
        # Without JavaScript the picker comes here: the text waits in the reply box.
        canned = access.get_canned_reply_for(actor, canned_id)
        text = render_canned_reply(actor, ticket=ticket, canned=canned)
        overrides["reply_form"] = ReplyForm(initial={"body": text})
    return render_page(request, actor, ticket, compose=compose, **overrides)


def _composer_refused(
    request: HttpRequest, actor: Actor, ticket: Ticket, form: ReplyForm, compose: str, status: int
) -> HttpResponse:
    if is_htmx(request):
        return render_part(
            request,
            "_ticket_composer.html",
            actor,
            ticket,
            status=status,
            reply_form=form,
            compose=compose,
        )
    return render_page(request, actor, ticket, status=status, reply_form=form, compose=compose)


@console_page
@allow("POST")
def reply(request: HttpRequest, ticket_id: str) -> HttpResponse:
    """Send a reply or add a note, with files, and optionally set the status after it."""
    actor = staff_actor(request)
    ticket = access.get_ticket_for(actor, ticket_id)
    policies.require(actor, "tickets.reply")
    form = ReplyForm(request.POST, request.FILES, current_status=ticket.status)
    compose = _compose_mode(actor, "note" if request.POST.get("internal") else "reply")
    if not form.is_valid():
        return _composer_refused(request, actor, ticket, form, compose, 422)
    then_status = form.cleaned_data["then_status"]
    if then_status and not actor.has("tickets.manage"):
        raise forbidden()
    try:
        actions.reply(
            actor,
            ticket=ticket,
            body=form.cleaned_data["body"],
            internal=form.cleaned_data["internal"],
            files=form.cleaned_data["attachments"],
        )
    except DomainError as error:
        if error.status in _STOPS:
            raise
        for line in refusal_text(error):
            form.add_error(None, line)
        return _composer_refused(request, actor, ticket, form, compose, error.status)
    notice: list[str] = []
    if then_status:
        try:
            fresh = access.get_ticket_for(actor, ticket.pk)
            actions.change_ticket(
                actor, ticket=fresh, changes=actions.TicketChanges(status=then_status)
            )
        except DomainError as error:
            if error.status in _STOPS:
                raise
            notice = [_("It was sent, but the status was not changed:"), *refusal_text(error)]
    fresh = access.get_ticket_for(actor, ticket.pk)
    if is_htmx(request):
        return render_part(
            request, "_ticket_replied.html", actor, fresh, compose=compose, notice=notice
        )
    for line in notice:
        messages.warning(request, line)
    return back_to(fresh, "ticket-composer")


@console_page
@allow("GET")
def canned_text(request: HttpRequest, ticket_id: str) -> HttpResponse:
    """A canned reply's text for this ticket (placeholders filled in), to insert in the reply
    box: plain text for htmx, else the page with the text in the box."""
    actor = staff_actor(request)
    ticket = access.get_ticket_for(actor, ticket_id)
    policies.require(actor, "tickets.reply")
    canned_id = request.GET.get("canned") or ""
    if not canned_id:
        raise not_found()
    canned = access.get_canned_reply_for(actor, canned_id)
    if not is_htmx(request):
        query = urlencode({"canned": str(canned.pk), "compose": request.GET.get("compose", "")})
        return redirect(f"{reverse('tickets:ticket', args=[ticket.pk])}?{query}#ticket-composer")
    text = render_canned_reply(actor, ticket=ticket, canned=canned)
    return HttpResponse(text, content_type="text/plain; charset=utf-8")
