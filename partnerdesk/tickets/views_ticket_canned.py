"""The library of canned replies at /desk/canned/: the team's and one's own, with the
placeholders they may use. Thin: selectors and access in, actions out."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from partnerdesk.core import policies
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import DomainError
from partnerdesk.core.http import allow

from . import access, actions, selectors
from .canned_models import CannedReply
from .canned_text import PLACEHOLDERS
from .console import console_page, staff_actor
from .forms import CannedReplyForm

_STOPS = (401, 403, 404)


def _writer(request: HttpRequest) -> Actor:
    actor = staff_actor(request)
    policies.require(actor, "tickets.reply")
    return actor


def may_edit(actor: Actor, canned: CannedReply) -> bool:
    """The owner edits a personal one; tickets.manage edits the team's."""
    return (
        actor.has("tickets.manage") if canned.is_shared else canned.owner_id == actor.membership_id
    )


@console_page
@allow("GET")
def canned_list(request: HttpRequest) -> HttpResponse:
    actor = _writer(request)
    replies = list(selectors.canned_replies_for(actor).order_by("title", "id")[:500])
    return render(
        request,
        "tickets/canned_list.html",
        {
            "shared": [c for c in replies if c.is_shared],
            "mine": [c for c in replies if not c.is_shared],
            "can_share": actor.has("tickets.manage"),
            "can_edit_shared": actor.has("tickets.manage"),
        },
    )


def _form_page(
    request: HttpRequest,
    actor: Actor,
    form: CannedReplyForm,
    *,
    canned: CannedReply | None,
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {
        "form": form,
        "canned": canned,
        "can_share": actor.has("tickets.manage"),
        "editable": canned is None or may_edit(actor, canned),
        "placeholders": [("{" + name + "}", text) for name, text in PLACEHOLDERS.items()],
    }
    return render(request, "tickets/canned_form.html", context, status=status)


def _refused(
    request: HttpRequest,
    actor: Actor,
    form: CannedReplyForm,
    error: DomainError,
    canned: CannedReply | None,
) -> HttpResponse:
    if error.status in _STOPS:
        raise error
    for field_error in error.errors:
        field = field_error.field if field_error.field in form.fields else None
        form.add_error(field, str(field_error.message))
    if not error.errors:
        form.add_error(None, str(error.message))
    return _form_page(request, actor, form, canned=canned, status=error.status)


@console_page
@allow("GET", "POST")
def canned_new(request: HttpRequest) -> HttpResponse:
    actor = _writer(request)
    if request.method == "GET":
        return _form_page(request, actor, CannedReplyForm(), canned=None)
    form = CannedReplyForm(request.POST)
    if not form.is_valid():
        return _form_page(request, actor, form, canned=None, status=422)
    try:
        canned = actions.create_canned_reply(
            actor,
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
            shared=form.cleaned_data["shared"],
        )
    except DomainError as error:
        return _refused(request, actor, form, error, None)
    messages.success(request, _("Saved “%(title)s”.") % {"title": canned.title})
    return redirect("tickets:canned")


@console_page
@allow("GET", "POST")
def canned_edit(request: HttpRequest, canned_id: str) -> HttpResponse:
    actor = _writer(request)
    canned = access.get_canned_reply_for(actor, canned_id)
    if request.method == "GET":
        initial = {"title": canned.title, "body": canned.body, "shared": canned.is_shared}
        return _form_page(request, actor, CannedReplyForm(initial=initial), canned=canned)
    form = CannedReplyForm(request.POST)
    if not form.is_valid():
        return _form_page(request, actor, form, canned=canned, status=422)
    try:
        actions.update_canned_reply(
            actor,
            canned=canned,
            changes=actions.CannedChanges(
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                # Only those who may share see the box; for the others nothing moves.
                shared=form.cleaned_data["shared"] if actor.has("tickets.manage") else None,
            ),
        )
    except DomainError as error:
        return _refused(request, actor, form, error, canned)
    messages.success(request, _("Saved “%(title)s”.") % {"title": canned.title})
    return redirect("tickets:canned")


@console_page
@allow("GET", "POST")
def canned_delete(request: HttpRequest, canned_id: str) -> HttpResponse:
    actor = _writer(request)
    canned = access.get_canned_reply_for(actor, canned_id)
    if request.method == "GET":
        return render(
            request,
            "tickets/canned_delete.html",
            {"canned": canned, "editable": may_edit(actor, canned)},
        )
    title = canned.title
    actions.delete_canned_reply(actor, canned=canned)
    messages.success(request, _("Deleted “%(title)s”.") % {"title": title})
    return redirect("tickets:canned")
