"""The ticket page's controls: assignee, status, severity, category and service, tags,
watchers, merge. Each posts one form, calls one action and answers with the details aside
(and the timeline, out of band) for htmx, or a redirect back to the page without it; a
refusal shows next to its control (422 for bad input, the action's status otherwise)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from partnerdesk.accounts.models import Membership
from partnerdesk.catalog.selectors import all_services, service_by_code
from partnerdesk.core import policies
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import DomainError
from partnerdesk.core.http import allow

from . import access, actions
from .console import console_page, staff_actor
from .forms import (
    AssignForm,
    DetailsForm,
    MergeForm,
    SeverityForm,
    StatusForm,
    TagsForm,
    UntagForm,
    WatcherForm,
)
from .models import Ticket
from .views_ticket_context import (
    back_to,
    is_htmx,
    reference_of,
    refusal_text,
    render_page,
    render_part,
)

_STOPS = (401, 403, 404)  # not the agent's to fix here: the readable error page


class _Invalid(Exception):
    """A control's form did not validate; `bound` holds the bound forms to show again."""

    def __init__(self, **bound: forms.Form) -> None:
        super().__init__()
        self.bound = bound


Run = Callable[[Actor, Ticket, HttpRequest], None]


def _answer(
    request: HttpRequest, actor: Actor, ticket: Ticket, *, status: int = 200, **overrides: Any
) -> HttpResponse:
    if is_htmx(request):
        return render_part(
            request, "_ticket_changed.html", actor, ticket, status=status, **overrides
        )
    return render_page(request, actor, ticket, status=status, **overrides)


def _control(
    request: HttpRequest, ticket_id: str, *, control: str, permission: str, run: Run
) -> HttpResponse:
    """Run one control's change; answer with the changed parts, or the refusal beside it."""
    actor = staff_actor(request)
    ticket = access.get_ticket_for(actor, ticket_id)
    policies.require(actor, permission)
    try:
        run(actor, ticket, request)
    except _Invalid as invalid:
        return _answer(request, actor, ticket, status=422, **invalid.bound)
    except DomainError as error:
        if error.status in _STOPS:
            raise
        fresh = access.get_ticket_for(actor, ticket.pk)
        return _answer(
            request, actor, fresh, status=error.status, errors={control: refusal_text(error)}
        )
    fresh = access.get_ticket_for(actor, ticket.pk)
    if is_htmx(request):
        return render_part(request, "_ticket_changed.html", actor, fresh)
    return back_to(fresh, "ticket-details")


def _change(actor: Actor, ticket: Ticket, **changes: Any) -> None:
    actions.change_ticket(actor, ticket=ticket, changes=actions.TicketChanges(**changes))


# --- assignee ---------------------------------------------------------------------------------


def _take(actor: Actor, ticket: Ticket, request: HttpRequest) -> None:
    _change(actor, ticket, assignee=access.get_assignable_staff_for(actor, actor.own_membership_id))


def _assign(actor: Actor, ticket: Ticket, request: HttpRequest) -> None:
    form = AssignForm(request.POST)
    if not form.is_valid():
        raise _Invalid(assign_form=form)
    _change(
        actor,
        ticket,
        assignee=access.get_assignable_staff_for(actor, form.cleaned_data["assignee_id"]),
    )


def _unassign(actor: Actor, ticket: Ticket, request: HttpRequest) -> None:
    _change(actor, ticket, unassign=True)


@console_page
@allow("POST")
def take(request: HttpRequest, ticket_id: str) -> HttpResponse:
    """Assign the ticket to oneself."""
    return _control(request, ticket_id, control="assign", permission="tickets.manage", run=_take)


@console_page
@allow("POST")
def assign(request: HttpRequest, ticket_id: str) -> HttpResponse:
    return _control(request, ticket_id, control="assign", permission="tickets.manage", run=_assign)


@console_page
@allow("POST")
def unassign(request: HttpRequest, ticket_id: str) -> HttpResponse:
    return _control(
        request, ticket_id, control="assign", permission="tickets.manage", run=_unassign
    )


# --- status, severity, category and service ---------------------------------------------------


def _status(actor: Actor, ticket: Ticket, request: HttpRequest) -> None:
    form = StatusForm(request.POST)
    if not form.is_valid():
        raise _Invalid(status_form=form)
    _change(actor, ticket, status=form.cleaned_data["status"])


def _severity(actor: Actor, ticket: Ticket, request: HttpRequest) -> None:
    form = SeverityForm(request.POST)
    if not form.is_valid():
        raise _Invalid(severity_form=form)
    _change(actor, ticket, severity=form.cleaned_data["severity"])


def _details(actor: Actor, ticket: Ticket, request: HttpRequest) -> None:
    services = [(s.code, s.name) for s in all_services(actor)]
    form = DetailsForm(request.POST, services=services)
    if not form.is_valid():
        raise _Invalid(details_form=form)
    code = form.cleaned_data["service"]
    _change(
        actor,
        ticket,
        category=form.cleaned_data["category"],
        service=service_by_code(actor, code) if code else None,
        clear_service=not code,
    )


@console_page
@allow("POST")
def change_status(request: HttpRequest, ticket_id: str) -> HttpResponse:
    return _control(request, ticket_id, control="status", permission="tickets.manage", run=_status)


@console_page
@allow("POST")
def change_severity(request: HttpRequest, ticket_id: str) -> HttpResponse:
    return _control(
        request, ticket_id, control="severity", permission="tickets.manage", run=_severity
    )


@console_page
@allow("POST")
def change_details(request: HttpRequest, ticket_id: str) -> HttpResponse:
    return _control(
        request, ticket_id, control="details", permission="tickets.manage", run=_details
    )


# --- tags -------------------------------------------------------------------------------------


def _tag(actor: Actor, ticket: Ticket, request: HttpRequest) -> None:
    form = TagsForm(request.POST)
    if not form.is_valid():
        raise _Invalid(tags_form=form)
    actions.tag_ticket(actor, ticket=ticket, names=form.cleaned_data["tags"])


def _untag(actor: Actor, ticket: Ticket, request: HttpRequest) -> None:
    form = UntagForm(request.POST)
    if not form.is_valid():
        raise DomainError("validation_failed", _("Name the tag to remove."), status=422)
    actions.untag_ticket(actor, ticket=ticket, name=form.cleaned_data["tag"])


@console_page
@allow("POST")
def tag(request: HttpRequest, ticket_id: str) -> HttpResponse:
    return _control(request, ticket_id, control="tags", permission="tickets.manage", run=_tag)


@console_page
@allow("POST")
def untag(request: HttpRequest, ticket_id: str) -> HttpResponse:
    return _control(request, ticket_id, control="tags", permission="tickets.manage", run=_untag)


# --- watchers ---------------------------------------------------------------------------------


def _member(actor: Actor, request: HttpRequest) -> Membership:
    """The staff member named by the form, or the actor when none is named."""
    form = WatcherForm(request.POST)
    if not request.POST.get("membership_id"):
        return access.get_assignable_staff_for(actor, actor.own_membership_id)
    if not form.is_valid():
        raise _Invalid(watcher_form=form)
    return access.get_assignable_staff_for(actor, form.cleaned_data["membership_id"])


def _watch(actor: Actor, ticket: Ticket, request: HttpRequest) -> None:
    actions.watch_ticket(actor, ticket=ticket, membership=_member(actor, request))


def _unwatch(actor: Actor, ticket: Ticket, request: HttpRequest) -> None:
    actions.unwatch_ticket(actor, ticket=ticket, membership=_member(actor, request))


@console_page
@allow("POST")
def watch(request: HttpRequest, ticket_id: str) -> HttpResponse:
    """Watch the ticket oneself, or (tickets.manage) add a staff member as watcher."""
    return _control(request, ticket_id, control="watchers", permission="tickets.reply", run=_watch)


@console_page
@allow("POST")
def remove_watcher(request: HttpRequest, ticket_id: str) -> HttpResponse:
    """Stop watching, or (tickets.manage) remove another watcher."""
    return _control(
        request, ticket_id, control="watchers", permission="tickets.reply", run=_unwatch
    )


# --- merge ------------------------------------------------------------------------------------


def _merge_answer(
    request: HttpRequest, actor: Actor, ticket: Ticket, *, status: int = 200, **overrides: Any
) -> HttpResponse:
    if is_htmx(request):
        return render_part(request, "_ticket_merge.html", actor, ticket, status=status, **overrides)
    return render_page(request, actor, ticket, status=status, **overrides)


@console_page
@allow("GET", "POST")
def merge(request: HttpRequest, ticket_id: str) -> HttpResponse:
    """Merge this ticket into another: name it, see both subjects, confirm. The action says
    what may not be merged (itself, another customer's, a closed or merged target)."""
    actor = staff_actor(request)
    ticket = access.get_ticket_for(actor, ticket_id)
    if request.method == "GET":  # "cancel": the empty form again
        return _merge_answer(request, actor, ticket) if is_htmx(request) else back_to(ticket)
    policies.require(actor, "tickets.manage")
    form = MergeForm(request.POST, ticket_prefix=ticket.partner.ticket_prefix)
    if not form.is_valid():
        return _merge_answer(request, actor, ticket, status=422, merge_form=form)
    try:
        target = access.get_ticket_by_number_for(actor, form.cleaned_data["into"])
    except DomainError:
        form.add_error("into", _("There is no such ticket that you can see."))
        return _merge_answer(request, actor, ticket, status=422, merge_form=form)
    if not form.cleaned_data["confirm"]:
        return _merge_answer(request, actor, ticket, merge_form=form, merge_target=target)
    try:
        actions.merge_tickets(actor, duplicate=ticket, original=target)
    except DomainError as error:
        if error.status in _STOPS:
            raise
        return _merge_answer(
            request,
            actor,
            ticket,
            status=error.status,
            merge_form=form,
            errors={"merge": refusal_text(error)},
        )
    messages.success(
        request,
        _("%(duplicate)s was merged into %(original)s.")
        % {"duplicate": reference_of(ticket), "original": reference_of(target)},
    )
    url = reverse("tickets:ticket", args=[target.pk])
    if is_htmx(request):
        return HttpResponseClientRedirect(url)
    return back_to(target)
