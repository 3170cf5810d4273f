"""Reads of the offering, scoped to the actor; and the plan in effect for a customer.

CONTRACT (to be implemented): signatures are fixed; bodies raise until built.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from partnerdesk.core.actor import Actor
from partnerdesk.customers.models import Customer
from partnerdesk.partners.models import Partner
from partnerdesk.sla.engine import CompiledCalendar

from .models import BusinessCalendar, PlanTarget, SupportPlan


def calendars(actor: Actor) -> list[BusinessCalendar]:
    """The workspace's calendars by name, with their exceptions prefetched (staff only)."""
    raise NotImplementedError


def plans(actor: Actor) -> list[SupportPlan]:
    """The workspace's plans by position and name, with calendar, targets and channels (staff)."""
    raise NotImplementedError


def plan_in_effect(*, customer: Customer) -> SupportPlan | None:
    """The customer's plan, else the workspace default, else None. No actor: used by actions
    (ticket clocks) that already hold a visible customer."""
    raise NotImplementedError


def my_plan(actor: Actor) -> SupportPlan | None:
    """For customer people: their organisation's plan in effect (portal)."""
    raise NotImplementedError


def published_offering(*, slug: str) -> tuple[Partner, list[SupportPlan]] | None:
    """The public page's workspace and its published plans; None for an unknown slug."""
    raise NotImplementedError


def compiled_calendar(calendar: BusinessCalendar) -> CompiledCalendar:
    """The calendar (with its exceptions) compiled, cached by (id, version)."""
    raise NotImplementedError


def plan_targets(plan: SupportPlan) -> dict[tuple[str, str], PlanTarget]:
    """{(severity, clock): target} of a plan."""
    raise NotImplementedError


@dataclass(frozen=True)
class OpenPeriod:
    """Service hours on one local day of the viewer's zone: ("08:00", "17:00") pairs."""

    day: dt.date
    periods: list[tuple[str, str]]


def service_hours(
    plan: SupportPlan, *, time_zone: str, start: dt.date, days: int = 7
) -> list[OpenPeriod]:
    """The plan's service hours over `days` days from `start`, in `time_zone` (the customer's)."""
    raise NotImplementedError
