"""The customer portal's request list and the new-request form (thin: selectors in, actions
out). The thread lives in views_ticket.py, the profile in views_profile.py."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import DomainError
from partnerdesk.core.http import allow
from partnerdesk.customers.access import get_customer_for
from partnerdesk.tickets import access, actions, selectors
from partnerdesk.tickets.enums import SEVERITY_IMPACT, Channel

from . import form_tokens
from .forms import NewRequestForm
from .guard import customer_actor, portal_page, render_portal

PAGE_SIZE = 25


def _list_url(state: str, who: str) -> str:
    query = {k: v for k, v in (("state", state), ("who", who)) if v}
    return "?" + urlencode(query) if query else "?"


@portal_page
@allow("GET")
def home(request: HttpRequest) -> HttpResponse:
    """My requests: a contact's own; a manager's whole organisation's, or only their own."""
    actor = customer_actor(request)
    state = "closed" if request.GET.get("state") == "closed" else "open"
    sees_organisation = actor.has("tickets.view_organisation")
    who = "mine" if sees_organisation and request.GET.get("who") == "mine" else ""
    page = selectors.portal_ticket_page(
        actor,
        is_open=state == "open",
        mine_only=who == "mine",
        cursor=request.GET.get("cursor"),
        limit=PAGE_SIZE,
    )
    more = None
    if page.next_cursor:
        more = _list_url(state, who) + "&" + urlencode({"cursor": page.next_cursor})
    return render_portal(
        request,
        actor,
        "portal/home.html",
        {
            "page": page,
            "state": state,
            "who": who,
            "sees_organisation": sees_organisation,
            "tabs": [
                ("open", _("Open"), _list_url("", who)),
                ("closed", _("Solved and closed"), _list_url("closed", who)),
            ],
            "switch": [
                ("", _("Everyone's"), _list_url("closed" if state == "closed" else "", "")),
                ("mine", _("Mine"), _list_url("closed" if state == "closed" else "", "mine")),
            ],
            "more_url": more,
            "paged": bool(request.GET.get("cursor")),
        },
    )


def _new_form_page(
    request: HttpRequest, actor: Actor, form: NewRequestForm, *, status: int = 200
) -> HttpResponse:
    return render_portal(
        request,
        actor,
        "portal/new.html",
        {
            "form": form,
            "severity_impact": SEVERITY_IMPACT,
            "files_dropped": status != 200 and bool(request.FILES),
        },
        status=status,
    )


def _follow_up_initial(actor: Actor, about: str | None) -> dict[str, Any]:
    """A new request about an earlier one (offered on a closed request)."""
    if not about:
        return {}
    earlier = access.get_ticket_for(actor, about)
    reference = f"{earlier.partner.ticket_prefix}-{earlier.number}"
    return {
        "subject": _("Follow-up to %(ref)s: %(subject)s")
        % {"ref": reference, "subject": earlier.subject},
        "description": _("This is about %(ref)s.") % {"ref": reference} + "\n\n",
        "category": earlier.category,
        "service": earlier.service_id,
    }


def _being_sent(request: HttpRequest) -> HttpResponse:
    messages.info(
        request, _("This request is being sent already; it shows in your list in a moment.")
    )
    return redirect("portal:home")


@portal_page
@allow("GET", "POST")
def new_request(request: HttpRequest) -> HttpResponse:
    actor = customer_actor(request)
    if request.method != "POST":
        initial = {"form_token": form_tokens.issue(request)}
        initial.update(_follow_up_initial(actor, request.GET.get("about")))
        return _new_form_page(request, actor, NewRequestForm(initial=initial, actor=actor))

    token = request.POST.get("form_token", "")
    earlier = form_tokens.filed_with(request, token)
    if earlier is not None:
        messages.info(request, _("This request was already sent; here it is."))
        return redirect("portal:ticket", ticket_id=earlier)
    if form_tokens.is_pending(request, token):
        return _being_sent(request)
    form = NewRequestForm(request.POST, request.FILES, actor=actor)
    if not form.is_valid():
        return _retry(request, actor, form, token)
    claimed = form_tokens.claim(request, token)
    if claimed is None:
        return _being_sent(request)
    if not claimed:
        form.add_error(
            None,
            _(
                "This form was open for a long time or in another window. Check it and "
                "send it again."
            ),
        )
        return _retry(request, actor, form, token)
    try:
        filed = _file(actor, form.cleaned_data)
    except DomainError as error:
        form_tokens.release(request, token)
        if not error.errors:
            raise
        for problem in error.errors:
            field = problem.field if problem.field in form.fields else None
            form.add_error(field, str(problem.message))
        return _retry(request, actor, form, token)
    except BaseException:
        form_tokens.release(request, token)
        raise
    ticket = filed.ticket
    form_tokens.consume(request, token, ticket_id=str(ticket.pk))
    reference = f"{ticket.partner.ticket_prefix}-{ticket.number}"
    messages.success(
        request,
        _("Thank you. Your request %(ref)s is filed; we reply here and by e-mail.")
        % {"ref": reference},
    )
    for rejected in filed.rejected:
        messages.error(
            request,
            _("%(file)s was not attached: %(reason)s")
            % {"file": rejected.filename, "reason": rejected.reason},
        )
    return redirect("portal:ticket", ticket_id=ticket.pk)


def _file(actor: Actor, data: dict[str, Any]) -> actions.Filed:
    """File the request for the person's own organisation, from the portal, with its files."""
    return actions.file_ticket(
        actor,
        customer=get_customer_for(actor, actor.customer_id or ""),
        subject=data["subject"],
        description=data["description"],
        category=data["category"],
        severity=data["severity"],
        channel=Channel.PORTAL,
        service=data["service"],
        files=data["attachments"],
    )


def _retry(request: HttpRequest, actor: Actor, form: NewRequestForm, token: str) -> HttpResponse:
    """The form again, with what was typed and the errors beside the fields (422)."""
    fresh = token if form_tokens.is_outstanding(request, token) else form_tokens.issue(request)
    data = request.POST.copy()
    data["form_token"] = fresh
    form.data = data
    return _new_form_page(request, actor, form, status=422)
