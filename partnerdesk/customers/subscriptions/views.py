"""Console pages: a customer's subscriptions (list, add, change, remove) and CSV imports
(upload, progress, per-row report, sample files). Thin: access, selectors and actions do it."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from partnerdesk.catalog.selectors import all_services
from partnerdesk.core import clock, idempotency, policies
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import DomainError, not_found
from partnerdesk.core.http import allow
from partnerdesk.tickets.console import console_page, staff_actor

from ..access import get_customer_for
from ..models import Customer, Subscription
from . import access, actions, csvfile, selectors
from .forms import ImportForm, SubscriptionForm

MANAGE = "customers.manage"
PAGE_SIZE = 100
# Form tokens already used in this session: token -> what the submission made (a job id).
USED = "console_import_tokens"


def _token() -> str:
    return uuid.uuid4().hex


def _reserve(request: HttpRequest, token: str) -> bool:
    """Take the form's one-time token (a double click sends the form twice): True for the
    first copy; a form without a token (no page ever showed it) always passes."""
    if not token:
        return True
    return idempotency.reserve(
        principal=f"console-form:{request.user.pk}", key=token, path=request.path
    )


def _release(request: HttpRequest, token: str) -> None:
    if token:
        idempotency.unreserve(principal=f"console-form:{request.user.pk}", key=token)


def _show_errors(form: Any, error: DomainError) -> None:
    for field_error in error.errors:
        name = field_error.field
        form.add_error(name if name in form.fields else None, field_error.message)
    if not error.errors:
        form.add_error(None, error.message)


def _services(actor: Actor) -> list[tuple[str, str]]:
    return [(s.code, s.name) for s in all_services(actor)]


def _values(form: SubscriptionForm) -> actions.SubscriptionFields:
    data = form.cleaned_data
    return actions.SubscriptionFields(
        offer_name=data["offer_name"],
        service_code=data["service"],
        quantity=data["quantity"],
        status=data["status"],
        term_duration=data["term_duration"],
        vendor_id=data["vendor_id"],
        offer_id=data["offer_id"],
        starts_on=data["starts_on"],
        ends_on=data["ends_on"],
    )


def _list_page(
    request: HttpRequest,
    actor: Actor,
    customer: Customer,
    form: SubscriptionForm | None,
    status: int = 200,
) -> HttpResponse:
    page = selectors.subscription_page(
        actor, customer=customer, cursor=request.GET.get("cursor") or None, limit=PAGE_SIZE
    )
    now = clock.now()
    return render(
        request,
        "customers/subscriptions/list.html",
        {
            "customer": customer,
            "rows": [(s, (now - s.synced_at) if s.synced_at else None) for s in page.items],
            "next_url": f"?cursor={page.next_cursor}" if page.next_cursor else None,
            "can_manage": actor.has(MANAGE),
            "form": form,
        },
        status=status,
    )


@console_page
@allow("GET", "POST")
def subscription_list(request: HttpRequest, customer_id: str) -> HttpResponse:
    actor = staff_actor(request)
    customer = get_customer_for(actor, customer_id)
    if request.method == "GET":
        form = (
            SubscriptionForm(services=_services(actor), initial={"form_token": _token()})
            if actor.has(MANAGE)
            else None
        )
        return _list_page(request, actor, customer, form)
    policies.require(actor, MANAGE)
    form = SubscriptionForm(request.POST, services=_services(actor))
    if form.is_valid():
        token = form.cleaned_data["form_token"]
        if not _reserve(request, token):
            messages.info(request, _("This subscription was added already."))
            return redirect("subscriptions:list", customer_id=customer.pk)
        try:
            actions.add_subscription(actor, customer=customer, values=_values(form))
        except DomainError as error:
            _release(request, token)
            if error.status != 422:
                raise
            _show_errors(form, error)
        else:
            messages.success(request, _("Subscription added."))
            return redirect("subscriptions:list", customer_id=customer.pk)
    return _list_page(request, actor, customer, form, status=422)


def _initial(subscription: Subscription) -> dict[str, Any]:
    return {
        "offer_name": subscription.offer_name,
        "service": subscription.service_id or "",
        "quantity": subscription.quantity,
        "status": subscription.status,
        "term_duration": subscription.term_duration,
        "vendor_id": subscription.vendor_id,
        "offer_id": subscription.offer_id,
        "starts_on": subscription.starts_on,
        "ends_on": subscription.ends_on,
    }


@console_page
@allow("GET", "POST")
def subscription_edit(request: HttpRequest, subscription_id: str) -> HttpResponse:
    actor = staff_actor(request)
    subscription = access.get_subscription_for(actor, subscription_id)
    policies.require(actor, MANAGE)
    if request.method == "POST":
        form = SubscriptionForm(request.POST, services=_services(actor))
        if form.is_valid():
            try:
                actions.change_subscription(actor, subscription=subscription, values=_values(form))
            except DomainError as error:
                if error.status != 422:
                    raise
                _show_errors(form, error)
            else:
                messages.success(request, _("Subscription saved."))
                return redirect("subscriptions:list", customer_id=subscription.customer_id)
        status = 422
    else:
        form = SubscriptionForm(initial=_initial(subscription), services=_services(actor))
        status = 200
    return render(
        request,
        "customers/subscriptions/edit.html",
        {"subscription": subscription, "customer": subscription.customer, "form": form},
        status=status,
    )


@console_page
@allow("POST")
def subscription_remove(request: HttpRequest, subscription_id: str) -> HttpResponse:
    actor = staff_actor(request)
    subscription = access.get_subscription_for(actor, subscription_id)
    customer_id = subscription.customer_id
    actions.remove_subscription(actor, subscription=subscription)
    messages.success(request, _("Subscription removed."))
    return redirect("subscriptions:list", customer_id=customer_id)


# --- imports -----------------------------------------------------------------------------------


def _importer(request: HttpRequest) -> Actor:
    actor = staff_actor(request)
    policies.require(actor, MANAGE)
    return actor


def _imports_page(request: HttpRequest, actor: Actor, form: ImportForm, status: int = 200) -> Any:
    return render(
        request,
        "customers/imports/list.html",
        {
            "form": form,
            "jobs": selectors.recent_imports(actor),
            "columns": csvfile.COLUMNS,
            "max_rows": csvfile.MAX_ROWS,
        },
        status=status,
    )


@console_page
@allow("GET", "POST")
def import_list(request: HttpRequest) -> HttpResponse:
    actor = _importer(request)
    if request.method == "GET":
        return _imports_page(request, actor, ImportForm(initial={"form_token": _token()}))
    form = ImportForm(request.POST, request.FILES)
    token = request.POST.get("form_token", "")[:64]
    made: dict[str, str] = request.session.get(USED, {})
    if token and token in made:
        return redirect("subscriptions:import", job_id=made[token])
    if form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > csvfile.MAX_BYTES:
            form.add_error(
                "file",
                _("The file is larger than %(size)s MB.")
                % {"size": csvfile.MAX_BYTES // (1024 * 1024)},
            )
        else:
            if not _reserve(request, token):
                messages.info(request, _("This file is being imported already."))
                return redirect("subscriptions:imports")
            try:
                job = actions.start_import(
                    actor,
                    kind=form.cleaned_data["kind"],
                    file_name=upload.name or "",
                    raw=upload.read(),
                )
            except DomainError as error:
                _release(request, token)
                if error.status not in (413, 422):
                    raise
                form.add_error("file", error.errors[0].message if error.errors else error.message)
            else:
                if token:
                    request.session[USED] = {**dict(list(made.items())[-19:]), token: str(job.pk)}
                return redirect("subscriptions:import", job_id=job.pk)
    return _imports_page(request, actor, form, status=422)


def _job_context(actor: Actor, job_id: str) -> dict[str, Any]:
    job = access.get_import_for(actor, job_id)
    return {
        "job": job,
        "failures": [e for e in job.report if e.get("outcome") == "failed"],
        "progress_url": reverse("subscriptions:import_progress", args=[job.pk]),
    }


@console_page
@allow("GET")
def import_page(request: HttpRequest, job_id: str) -> HttpResponse:
    actor = _importer(request)
    return render(request, "customers/imports/job.html", _job_context(actor, job_id))


@console_page
@allow("GET")
def import_progress(request: HttpRequest, job_id: str) -> HttpResponse:
    """The job's progress and report; polled by htmx every second while the job runs."""
    actor = _importer(request)
    return render(request, "customers/imports/_job.html", _job_context(actor, job_id))


@console_page
@allow("GET")
def import_sample(request: HttpRequest, kind: str) -> HttpResponse:
    _importer(request)
    if kind not in csvfile.SAMPLES:
        raise not_found()
    response = HttpResponse(
        "\ufeff" + csvfile.SAMPLES[kind], content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="partnerdesk-{kind}.csv"'
    return response
