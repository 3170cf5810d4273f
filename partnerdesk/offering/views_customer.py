"""A customer's plan on the console's customer page: the plan in effect (or the workspace
default it inherits) and, for those who may change it, a small form (htmx, or a plain POST
that comes back to the customer page)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import DomainError, forbidden
from partnerdesk.core.http import allow
from partnerdesk.customers.access import get_customer_for
from partnerdesk.tickets.console import console_page, staff_actor

from . import actions, selectors
from .forms import AssignPlanForm

ASSIGN = "customers.manage"


def may_assign_plan(actor: Actor) -> bool:
    """Whether the actor may change a customer's plan: the permission `actions.assign_plan`
    requires (a customer's plan is part of the customer's record)."""
    return actor.has(ASSIGN)


def customer_plan_context(actor: Actor, customer: Any) -> dict[str, Any]:
    """What the customer page shows of the plan: the plan in effect, whether it is the
    workspace default, and a form for those who may change it."""
    in_effect = selectors.plan_in_effect(customer=customer)
    form = None
    if may_assign_plan(actor):
        form = AssignPlanForm(
            initial={"plan": str(customer.support_plan_id or "")}, plans=selectors.plans(actor)
        )
    return {
        "plan_in_effect": in_effect,
        "plan_inherited": customer.support_plan_id is None,
        "plan_form": form,
    }


@console_page
@allow("POST")
def assign_customer_plan(request: HttpRequest, customer_id: str) -> HttpResponse:
    actor = staff_actor(request)
    customer = get_customer_for(actor, customer_id)
    if not may_assign_plan(actor):
        raise forbidden()
    plans = selectors.plans(actor)
    form = AssignPlanForm(request.POST, plans=plans)
    error_text = ""
    if form.is_valid():
        chosen = form.cleaned_data["plan"]
        plan = next((p for p in plans if str(p.pk) == chosen), None)
        try:
            customer = actions.assign_plan(actor, customer=customer, plan=plan)
        except DomainError as error:
            if error.status not in (409, 422):
                raise
            error_text = "; ".join(str(e.message) for e in error.errors) or str(error.message)
    else:
        error_text = _("Choose one of the plans.")
    if request.htmx:  # type: ignore[attr-defined]
        context = customer_plan_context(actor, customer)
        context.update(
            {"customer": customer, "plan_error": error_text, "plan_saved": not error_text}
        )
        return render(
            request,
            "offering/_customer_plan.html",
            context,
            status=422 if error_text else 200,
        )
    if error_text:
        messages.error(request, error_text)
    else:
        messages.success(request, _("The customer's plan is saved."))
    return redirect("tickets:customer", customer_id=customer.pk)
