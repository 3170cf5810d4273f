"""Every write to the offering: calendars, plans, targets, channels, a customer's plan.

CONTRACT (to be implemented): signatures are fixed; bodies raise until built.
Each action: policies.require(actor, "plans.manage"), one durable transaction, audit row,
version bump on change, 422 naming the field on bad input (DomainError via core.errors.invalid),
the 21Vianet rule (RULES.md section 2) on every plan and calendar write.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from partnerdesk.core.actor import Actor
from partnerdesk.customers.models import Customer

from .models import BusinessCalendar, CalendarException, SupportPlan


@dataclass
class CalendarChanges:
    """None means unchanged (all required on create, bar the holiday fields)."""

    name: str | None = None
    time_zone: str | None = None
    always_open: bool | None = None
    weekly: dict[str, list[list[str]]] | None = None  # {"mon": [["08:00", "17:00"]]}
    holiday_country: str | None = None  # "" for none
    holiday_subdivision: str | None = None


def create_calendar(actor: Actor, *, changes: CalendarChanges) -> BusinessCalendar:
    raise NotImplementedError


def update_calendar(
    actor: Actor, *, calendar: BusinessCalendar, changes: CalendarChanges
) -> BusinessCalendar:
    """Refused on a 21Vianet workspace when a plan uses it and it stops being 24x7."""
    raise NotImplementedError


def delete_calendar(actor: Actor, *, calendar: BusinessCalendar) -> None:
    """Refused (409) while a plan uses it."""
    raise NotImplementedError


def add_calendar_exception(
    actor: Actor,
    *,
    calendar: BusinessCalendar,
    date: dt.date,
    kind: str,  # ExceptionKind
    hours: list[list[str]] | None = None,  # for an extra working day
    note: str = "",
) -> CalendarException:
    raise NotImplementedError


def remove_calendar_exception(actor: Actor, *, exception: CalendarException) -> None:
    raise NotImplementedError


@dataclass
class TargetInput:
    severity: str  # tickets.enums.Severity value
    clock: str  # ClockKind value
    minutes: int
    business_hours: bool = True


@dataclass
class ChannelInput:
    kind: str  # ChannelKind value
    address: str = ""
    note: str = ""


@dataclass
class PlanChanges:
    """None means unchanged. `targets`/`channels`, when given, replace all the plan's rows."""

    name: str | None = None
    description: str | None = None
    support_kinds: list[str] | None = None
    calendar: BusinessCalendar | None = None
    languages: list[str] | None = None
    currency: str | None = None
    monthly_fee: Decimal | None = None
    per_incident_fee: Decimal | None = None
    hourly_rate: Decimal | None = None
    clear_fees: list[str] = field(default_factory=list)  # names of fee fields to empty
    pricing_note: str | None = None
    pauses: dict[str, list[str]] | None = None
    warning_percent: int | None = None
    is_published: bool | None = None
    position: int | None = None
    targets: list[TargetInput] | None = None
    channels: list[ChannelInput] | None = None


def create_plan(actor: Actor, *, changes: PlanChanges) -> SupportPlan:
    raise NotImplementedError


def update_plan(actor: Actor, *, plan: SupportPlan, changes: PlanChanges) -> SupportPlan:
    """Bumps the version; open tickets on the plan get their clocks recalculated."""
    raise NotImplementedError


def delete_plan(actor: Actor, *, plan: SupportPlan) -> None:
    """Refused (409) while customers have it or it is the default."""
    raise NotImplementedError


def set_default_plan(actor: Actor, *, plan: SupportPlan | None) -> None:
    raise NotImplementedError


def assign_plan(actor: Actor, *, customer: Customer, plan: SupportPlan | None) -> Customer:
    """Give a customer a plan (None: the workspace default); its open tickets are recalculated."""
    raise NotImplementedError
