"""/api/v1/customers/{id}/plan (a customer's plan, staff) and /api/v1/my-plan (customer people)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from partnerdesk.core.api import actor_of
from partnerdesk.core.clock import now
from partnerdesk.customers import access as customer_access

from . import access, actions, selectors
from .api import PlanOut

router = Router(tags=["offering"])


# --- a customer's plan and the customer's own view ---------------------------------------------


class CustomerPlanOut(Schema):
    customer_id: str
    support_plan_id: str | None = Field(..., description="The plan bought; null: the default.")
    plan: PlanOut | None = Field(..., description="The plan in effect (bought, else default).")


class CustomerPlanIn(Schema):
    support_plan_id: str | None = Field(..., description="null: the workspace default.")


def _customer_plan(request: HttpRequest, customer_id: str) -> CustomerPlanOut:
    actor = actor_of(request)
    customer = customer_access.get_customer_for(actor, customer_id)
    plan = selectors.customer_plan(actor, customer=customer)
    return CustomerPlanOut(
        customer_id=str(customer.pk),
        support_plan_id=str(customer.support_plan_id) if customer.support_plan_id else None,
        plan=PlanOut.build(plan) if plan else None,
    )


@router.get(
    "/customers/{customer_id}/plan",
    response=CustomerPlanOut,
    summary="A customer's support plan (staff)",
)
def get_customer_plan(request: HttpRequest, customer_id: str) -> CustomerPlanOut:
    return _customer_plan(request, customer_id)


@router.put(
    "/customers/{customer_id}/plan",
    response=CustomerPlanOut,
    summary="Give a customer a plan, or null for the default (its open tickets are recalculated)",
)
def put_customer_plan(
    request: HttpRequest, customer_id: str, payload: CustomerPlanIn
) -> CustomerPlanOut:
    actor = actor_of(request)
    customer = customer_access.get_customer_for(actor, customer_id)
    plan = access.get_plan_for(actor, payload.support_plan_id) if payload.support_plan_id else None
    actions.assign_plan(actor, customer=customer, plan=plan)
    return _customer_plan(request, customer_id)


class ServiceDay(Schema):
    day: dt.date
    periods: list[list[str]] = Field(..., description='["HH:MM", "HH:MM"] in your time zone')


class MyPlanOut(Schema):
    plan: PlanOut | None = Field(..., description="null: the partner has set no plan for you.")
    time_zone: str = Field(..., description="The zone of service_hours: yours.")
    service_hours: list[ServiceDay] = Field(..., description="The next seven days.")


@router.get(
    "/my-plan",
    response=MyPlanOut,
    summary="Your organisation's support plan and service hours (customer people)",
)
def my_plan(request: HttpRequest) -> MyPlanOut:
    actor = actor_of(request)
    plan = selectors.my_plan(actor)
    zone = actor.time_zone or actor.workspace_time_zone or "UTC"
    days = []
    if plan is not None:
        today = now().astimezone(selectors.zone_or_utc(zone)).date()
        days = [
            ServiceDay(day=d.day, periods=[list(p) for p in d.periods])
            for d in selectors.service_hours(plan, time_zone=zone, start=today)
        ]
    return MyPlanOut(plan=PlanOut.build(plan) if plan else None, time_zone=zone, service_hours=days)
