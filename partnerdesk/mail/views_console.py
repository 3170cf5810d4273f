"""The console's mail pages: triage (sort mail from unknown or unverified senders), the
quarantine (the partner owner's: held mail, its reason, reprocess or discard), and the original
of any mail that became a ticket or a reply. Thin: access, selectors and actions do the work."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import DomainError
from partnerdesk.core.http import allow
from partnerdesk.customers.access import get_customer_for
from partnerdesk.tickets.access import get_requester_for, get_ticket_by_number_for, get_ticket_for
from partnerdesk.tickets.console import console_page, staff_actor

from . import access, selectors
from .actions import intake, quarantine, triage
from .forms_console import AttachForm, FileForm
from .models import InboundMessage
from .parsed import ParsedMessage, Refused

LIST_LIMIT = 100
REASONS = {
    "unknown_sender": gettext_lazy("Unknown sender"),
    "not_a_contact": gettext_lazy("Not a contact of the ticket's customer"),
    "dmarc_failed": gettext_lazy("DMARC failed: the sender may be forged"),
}


def _read(inbound: InboundMessage) -> ParsedMessage | Refused:
    """The message as the parser reads it (in its own process), or why it cannot."""
    from .parsing import parse_isolated

    try:
        return parse_isolated(intake.read_raw(inbound))
    except Refused as refused:
        return refused
    except OSError:
        return Refused("raw_missing", _("The stored message could not be read."))


def _raw_response(inbound: InboundMessage) -> HttpResponse:
    response = HttpResponse(intake.read_raw(inbound), content_type="message/rfc822")
    response["Content-Disposition"] = f'attachment; filename="message-{inbound.pk}.eml"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _message_context(inbound: InboundMessage) -> dict[str, Any]:
    read = _read(inbound)
    parsed = read if isinstance(read, ParsedMessage) else None
    return {
        "inbound": inbound,
        "parsed": parsed,
        "unreadable": read if isinstance(read, Refused) else None,
        "reason_label": REASONS.get(inbound.reason, inbound.reason),
    }


# --- triage -------------------------------------------------------------------------------------


def _triage_actor(request: HttpRequest) -> Actor:
    actor = staff_actor(request)
    if not selectors.sees_triage(actor):
        raise DomainError("forbidden", _("Your role does not sort incoming mail."), status=403)
    return actor


@console_page
@allow("GET")
def triage_list(request: HttpRequest) -> HttpResponse:
    actor = _triage_actor(request)
    rows = list(selectors.triage_messages(actor)[: LIST_LIMIT + 1])
    return render(
        request,
        "mail/console/triage_list.html",
        {
            "rows": [(m, REASONS.get(m.reason, m.reason)) for m in rows[:LIST_LIMIT]],
            "more": len(rows) > LIST_LIMIT,
            "limit": LIST_LIMIT,
        },
    )


def _suggested_customer(actor: Actor, inbound: InboundMessage) -> Any:
    contact = selectors.contact_by_email(actor, email=inbound.sender)
    if contact is not None:
        return contact.customer_id, contact.pk
    if inbound.answers_ticket is not None:
        return inbound.answers_ticket.customer_id, None
    domain = inbound.sender.rpartition("@")[2]
    customer = selectors.customer_by_domain(actor, domain=domain)
    return (customer.pk if customer else None), None


def _answered_number(inbound: InboundMessage) -> str:
    return str(inbound.answers_ticket.number) if inbound.answers_ticket else ""


def _triage_page(
    request: HttpRequest,
    actor: Actor,
    inbound: InboundMessage,
    *,
    file_form: FileForm | None = None,
    attach_form: AttachForm | None = None,
    status: int = 200,
) -> HttpResponse:
    suggested_customer, suggested_contact = _suggested_customer(actor, inbound)
    chosen = request.GET.get("customer") or (file_form and file_form.data.get("customer_id"))
    customer = None
    if chosen:
        try:
            customer = get_customer_for(actor, str(chosen))
        except DomainError:
            customer = None
    elif suggested_customer:
        customer = get_customer_for(actor, suggested_customer)
    context = _message_context(inbound)
    context.update(
        {
            "customers": selectors.customers_for_filing(actor),
            "customer": customer,
            "contacts": (
                selectors.contacts_of_customer(actor, customer_id=customer.pk) if customer else []
            ),
            "suggested_contact": suggested_contact,
            "file_form": file_form or FileForm(),
            "attach_form": attach_form
            or AttachForm(initial={"reference": _answered_number(inbound)}),
        }
    )
    return render(request, "mail/console/triage_message.html", context, status=status)


@console_page
@allow("GET")
def triage_message(request: HttpRequest, inbound_id: str) -> HttpResponse:
    actor = _triage_actor(request)
    inbound = access.get_triage_message_for(actor, inbound_id)
    return _triage_page(request, actor, inbound)


@console_page
@allow("POST")
def triage_file(request: HttpRequest, inbound_id: str) -> HttpResponse:
    actor = _triage_actor(request)
    inbound = access.get_triage_message_for(actor, inbound_id)
    form = FileForm(request.POST)
    if not form.is_valid():
        return _triage_page(request, actor, inbound, file_form=form, status=422)
    try:
        customer = get_customer_for(actor, form.cleaned_data["customer_id"])
    except DomainError:
        form.add_error("customer_id", _("Choose one of the customers."))
        return _triage_page(request, actor, inbound, file_form=form, status=422)
    requester = None
    if form.cleaned_data["requester_id"]:
        try:
            requester = get_requester_for(
                actor, form.cleaned_data["requester_id"], customer_id=customer.pk
            )
        except DomainError:
            form.add_error("requester_id", _("Choose one of this customer's contacts."))
            return _triage_page(request, actor, inbound, file_form=form, status=422)
    read = _read(inbound)
    if isinstance(read, Refused):
        raise DomainError("unreadable", _("The message cannot be read: %s") % read.detail, 409)
    filed = triage.file_from_triage(
        actor, inbound=inbound, parsed=read, customer=customer, requester=requester
    )
    messages.success(
        request, _("Ticket %(number)s filed from the message.") % {"number": filed.ticket.number}
    )
    return redirect("tickets:ticket", filed.ticket.pk)


@console_page
@allow("POST")
def triage_attach(request: HttpRequest, inbound_id: str) -> HttpResponse:
    actor = _triage_actor(request)
    inbound = access.get_triage_message_for(actor, inbound_id)
    form = AttachForm(request.POST)
    if not form.is_valid():
        return _triage_page(request, actor, inbound, attach_form=form, status=422)
    try:
        ticket = get_ticket_by_number_for(actor, form.cleaned_data["reference"])
    except DomainError:
        form.add_error("reference", _("No ticket of yours has this number."))
        return _triage_page(request, actor, inbound, attach_form=form, status=422)
    read = _read(inbound)
    if isinstance(read, Refused):
        raise DomainError("unreadable", _("The message cannot be read: %s") % read.detail, 409)
    triage.attach_from_triage(actor, inbound=inbound, parsed=read, ticket=ticket)
    messages.success(
        request, _("The message was added to ticket %(number)s.") % {"number": ticket.number}
    )
    return redirect("tickets:ticket", ticket.pk)


@console_page
@allow("POST")
def triage_discard(request: HttpRequest, inbound_id: str) -> HttpResponse:
    actor = _triage_actor(request)
    inbound = access.get_triage_message_for(actor, inbound_id)
    triage.discard_from_triage(actor, inbound=inbound)
    messages.success(request, _("The message was discarded."))
    return redirect("mail:triage")


@console_page
@allow("GET")
def triage_raw(request: HttpRequest, inbound_id: str) -> HttpResponse:
    actor = _triage_actor(request)
    return _raw_response(access.get_triage_message_for(actor, inbound_id))


# --- quarantine -----------------------------------------------------------------------------------


def _quarantine_actor(request: HttpRequest) -> Actor:
    actor = staff_actor(request)
    if not selectors.sees_quarantine(actor):
        raise DomainError(
            "forbidden", _("Only the partner owner looks after quarantined mail."), status=403
        )
    return actor


@console_page
@allow("GET")
def quarantine_list(request: HttpRequest) -> HttpResponse:
    actor = _quarantine_actor(request)
    rows = list(selectors.quarantined_messages(actor)[: LIST_LIMIT + 1])
    return render(
        request,
        "mail/console/quarantine_list.html",
        {"rows": rows[:LIST_LIMIT], "more": len(rows) > LIST_LIMIT, "limit": LIST_LIMIT},
    )


@console_page
@allow("GET")
def quarantine_message(request: HttpRequest, inbound_id: str) -> HttpResponse:
    actor = _quarantine_actor(request)
    inbound = access.get_quarantined_message_for(actor, inbound_id)
    # Held mail is not parsed for display: it is held because parsing it is not safe or failed.
    return render(request, "mail/console/quarantine_message.html", {"inbound": inbound})


@console_page
@allow("GET")
def quarantine_raw(request: HttpRequest, inbound_id: str) -> HttpResponse:
    actor = _quarantine_actor(request)
    return _raw_response(access.get_quarantined_message_for(actor, inbound_id))


@console_page
@allow("POST")
def quarantine_reprocess(request: HttpRequest, inbound_id: str) -> HttpResponse:
    actor = _quarantine_actor(request)
    inbound = access.get_quarantined_message_for(actor, inbound_id)
    after = quarantine.reprocess_quarantined(actor, inbound=inbound)
    label = after.get_state_display()
    if after.reason:
        label = f"{label} ({after.reason})"
    messages.success(request, _("Processed again: %(outcome)s.") % {"outcome": label})
    return redirect("mail:quarantine")


@console_page
@allow("POST")
def quarantine_discard(request: HttpRequest, inbound_id: str) -> HttpResponse:
    actor = _quarantine_actor(request)
    inbound = access.get_quarantined_message_for(actor, inbound_id)
    quarantine.discard_quarantined(actor, inbound=inbound)
    messages.success(request, _("The message was discarded; its raw bytes are kept."))
    return redirect("mail:quarantine")


# --- the original of mail that became a ticket or a reply -----------------------------------------


@console_page
@allow("GET")
def ticket_mail(request: HttpRequest, ticket_id: str) -> HttpResponse:
    actor = staff_actor(request)
    ticket = get_ticket_for(actor, ticket_id)
    mail = list(selectors.mail_of_ticket(actor, ticket=ticket))
    return render(request, "mail/console/ticket_mail.html", {"ticket": ticket, "mail": mail})


@console_page
@allow("GET")
def original(request: HttpRequest, inbound_id: str) -> HttpResponse:
    actor = staff_actor(request)
    inbound = access.get_original_for(actor, inbound_id)
    return render(request, "mail/console/original.html", _message_context(inbound))


@console_page
@allow("GET")
def original_raw(request: HttpRequest, inbound_id: str) -> HttpResponse:
    actor = staff_actor(request)
    return _raw_response(access.get_original_for(actor, inbound_id))
