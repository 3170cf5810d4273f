"""The console's new-ticket page: staff file a ticket for a customer (phone or agent), with the
same health check as the portal (health:console_check, htmx) before they send it.

Double submit: the form carries a one-time token (core.idempotency.reserve decides between
copies arriving at once; the session remembers which ticket a token filed, so sending the
form again leads to that ticket)."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partnerdesk.catalog.models import Service
from partnerdesk.catalog.selectors import all_services
from partnerdesk.core import idempotency, policies
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import DomainError
from partnerdesk.core.http import allow
from partnerdesk.customers.models import Customer
from partnerdesk.customers.selectors import visible_contacts, visible_customers

from . import actions
from .console import console_page, staff_actor
from .enums import Category, Channel, Severity

USED = "desk_new_ticket_tokens"
KEEP = 20


class ServiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Service) -> str:
        return f"{obj.parent.name}: {obj.name}" if obj.parent_id and obj.parent else obj.name


class NewTicketForm(forms.Form):
    customer: forms.ModelChoiceField[Customer] = forms.ModelChoiceField(
        label=gettext_lazy("Customer"), queryset=None
    )
    requester_email = forms.EmailField(
        label=gettext_lazy("Requester's e-mail (optional)"), required=False, max_length=254
    )
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=250)
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    category = forms.ChoiceField(label=gettext_lazy("Category"), choices=Category.choices)
    severity = forms.ChoiceField(
        label=gettext_lazy("Severity"), choices=Severity.choices, initial=Severity.C
    )
    service = ServiceField(
        label=gettext_lazy("Service"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("None or not known"),
    )
    channel = forms.ChoiceField(
        label=gettext_lazy("Received by"),
        choices=[(Channel.PHONE, Channel.PHONE.label), (Channel.AGENT, Channel.AGENT.label)],
        initial=Channel.PHONE,
    )
    form_token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(
        self, *args: Any, customers: QuerySet[Customer], services: QuerySet[Service], **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        self.fields["customer"].queryset = customers  # type: ignore[attr-defined]
        self.fields["service"].queryset = services.select_related("parent")  # type: ignore[attr-defined]
        check = {
            "hx-get": reverse("health:console_check"),
            "hx-trigger": "change",
            "hx-target": "#health-check",
            "hx-include": "#id_customer, #id_service",
        }
        self.fields["customer"].widget.attrs.update(check)
        again = self.is_bound and self.data.get("service") and self.data.get("customer")
        # A form back with its errors checks again for what was already chosen.
        self.fields["service"].widget.attrs.update(
            {**check, "hx-trigger": "load, change"} if again else check
        )


def _form(actor: Actor, *args: Any, **kwargs: Any) -> NewTicketForm:
    return NewTicketForm(
        *args,
        customers=visible_customers(actor).order_by("name"),
        services=all_services(actor),
        **kwargs,
    )


def _page(request: HttpRequest, form: NewTicketForm, *, status: int = 200) -> HttpResponse:
    return render(request, "tickets/new.html", {"form": form, "section": "desk"}, status=status)


def _principal(request: HttpRequest) -> str:
    return f"desk-new-ticket:{request.user.pk}"


def _retry(request: HttpRequest, form: NewTicketForm) -> HttpResponse:
    data = request.POST.copy()
    data["form_token"] = uuid.uuid4().hex
    form.data = data
    return _page(request, form, status=422)


@console_page
@allow("GET", "POST")
def new_ticket(request: HttpRequest) -> HttpResponse:
    actor = staff_actor(request)
    policies.require(actor, "tickets.create")
    if request.method != "POST":
        return _page(request, _form(actor, initial={"form_token": uuid.uuid4().hex}))
    token = request.POST.get("form_token", "")[:64]
    used: dict[str, str] = request.session.get(USED, {})
    if token and token in used:
        messages.info(request, _("This ticket was already filed; here it is."))
        return redirect("tickets:ticket", ticket_id=used[token])
    form = _form(actor, request.POST)
    if not form.is_valid():
        return _retry(request, form)
    if token and not idempotency.reserve(
        principal=_principal(request), key=token, path=request.path
    ):
        messages.info(request, _("This ticket is being filed already; it shows in the queue."))
        return redirect("tickets:desk")
    data = form.cleaned_data
    requester = None
    if data["requester_email"]:
        requester = (
            visible_contacts(actor)
            .filter(customer_id=data["customer"].pk, email__iexact=data["requester_email"])
            .first()
        )
        if requester is None:
            form.add_error("requester_email", _("No contact of this customer has this address."))
            if token:
                idempotency.unreserve(principal=_principal(request), key=token)
            return _retry(request, form)
    try:
        filed = actions.file_ticket(
            actor,
            customer=data["customer"],
            requester=requester,
            subject=data["subject"],
            description=data["description"],
            category=data["category"],
            severity=data["severity"],
            channel=data["channel"],
            service=data["service"],
        )
    except DomainError as error:
        if token:
            idempotency.unreserve(principal=_principal(request), key=token)
        if not error.errors:
            raise
        for problem in error.errors:
            form.add_error(problem.field if problem.field in form.fields else None, problem.message)
        return _retry(request, form)
    ticket = filed.ticket
    if token:
        request.session[USED] = dict(list({**used, token: str(ticket.pk)}.items())[-KEEP:])
    messages.success(
        request,
        _("Ticket %(ref)s filed.") % {"ref": f"{ticket.partner.ticket_prefix}-{ticket.number}"},
    )
    return redirect("tickets:ticket", ticket_id=ticket.pk)
