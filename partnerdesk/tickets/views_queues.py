"""The agent console's queues: filters, sorting and bulk changes (thin: selectors in,
actions out). With htmx, filtering and bulk changes swap only the results; without it, the
forms submit and the page reloads."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from partnerdesk.core import clock, policies
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import not_found
from partnerdesk.core.http import allow

from . import actions, selectors
from .actions.bulk import BulkResult
from .console import console_page, staff_actor
from .forms_queues import BulkForm, QueueFilterForm
from .selectors_customers import customer_choices

RESULTS = "queue-results"
PAGE_SIZE = 50


def _filters_query(data: QueryDict) -> str:
    """The filters and sort of a query string, without the cursor and empty values."""
    return urlencode(
        [
            (key, value)
            for key in data
            if key in QueueFilterForm.base_fields
            for value in data.getlist(key)
            if value
        ]
    )


def _queue_context(
    request: HttpRequest,
    actor: Actor,
    queue: selectors.Queue,
    *,
    bulk_form: BulkForm | None = None,
    result: BulkResult | None = None,
) -> dict[str, Any]:
    staff = selectors.assignable_staff(actor)
    form = QueueFilterForm(
        request.GET,
        actor=actor,
        customers=customer_choices(actor),
        staff=staff,
        default_sort=queue.sort,
    )
    page = None
    if form.is_valid():
        page = selectors.ticket_page(
            actor,
            where=queue.where,
            also=form.narrowing(),
            sort=form.chosen_sort,
            cursor=request.GET.get("cursor") or None,
            limit=PAGE_SIZE,
        )
    filters = _filters_query(request.GET)
    base = reverse("tickets:queue", args=[queue.name])
    can_bulk = actor.has("tickets.manage")
    return {
        "queue": queue,
        "queues": selectors.queue_counts(actor),
        "filter_form": form,
        "page": page,
        "filters": filters,
        "queue_url": base,
        "clear_url": base,
        "first_url": f"{base}?{filters}" if filters else base,
        "next_url": (
            f"{base}?{filters + '&' if filters else ''}{urlencode({'cursor': page.next_cursor})}"
            if page and page.next_cursor
            else None
        ),
        "is_later_page": bool(request.GET.get("cursor")),
        "can_bulk": can_bulk,
        "bulk_form": bulk_form or (BulkForm(None, actor=actor, staff=staff) if can_bulk else None),
        "bulk_url": reverse("tickets:bulk", args=[queue.name]) + (f"?{filters}" if filters else ""),
        "result": result,
        "tags": selectors.workspace_tags(actor),
        "results_id": RESULTS,
        "sla_now": clock.now(),  # one clock reading for every row's countdown
    }


def _wants_results(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False)) and request.htmx.target == RESULTS  # type: ignore[attr-defined]


def _queue_found(actor: Actor, name: str) -> selectors.Queue:
    found = selectors.queue_named(actor, name)
    if found is None:
        raise not_found()
    return found


@console_page
@allow("GET")
def queue(request: HttpRequest, name: str = "open") -> HttpResponse:
    actor = staff_actor(request)
    context = _queue_context(request, actor, _queue_found(actor, name))
    if _wants_results(request):
        # htmx swaps only 2xx answers: a filter error is shown inside the results.
        return render(request, "tickets/_queue_results.html", context)
    status = 422 if context["filter_form"].errors else 200
    return render(request, "tickets/queue.html", context, status=status)


@console_page
@allow("POST")
def bulk(request: HttpRequest, name: str) -> HttpResponse:
    """One change for the checked tickets of a queue page; reports per ticket."""
    actor = staff_actor(request)
    found = _queue_found(actor, name)
    policies.require(actor, "tickets.manage")
    form = BulkForm(request.POST, actor=actor, staff=selectors.assignable_staff(actor))
    if not form.is_valid():
        context = _queue_context(request, actor, found, bulk_form=form)
        if _wants_results(request):
            return render(request, "tickets/_queue_results.html", context)
        return render(request, "tickets/queue.html", context, status=422)
    result = actions.bulk_change(actor, ticket_ids=form.cleaned_data["ticket"], **form.change())
    if _wants_results(request):
        return render(
            request,
            "tickets/_queue_results.html",
            _queue_context(request, actor, found, result=result),
        )
    messages.success(request, result.summary())
    for refused in result.refused:
        messages.warning(
            request, f"{refused.reference or _('A selected ticket')}: {refused.reason}"
        )
    filters = _filters_query(request.GET)
    target = reverse("tickets:queue", args=[found.name])
    return redirect(f"{target}?{filters}" if filters else target)
