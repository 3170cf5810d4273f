"""Reads of the offering, scoped to the actor; and the plan in effect for a customer.

Who reads what: partner staff (`workspace.view`) read every calendar and plan of their
workspace; customer people read only their organisation's plan in effect (`my_plan`); anyone,
signed in or not, reads a workspace's published plans (`published_offering`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from partnerdesk.core import policies
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import forbidden
from partnerdesk.customers.models import Customer
from partnerdesk.partners.models import Partner
from partnerdesk.sla.engine import (
    CalendarError,
    CalendarSpec,
    CompiledCalendar,
    cached_calendar,
    check_time_zone,
)

from . import validation
from .models import BusinessCalendar, CalendarException, PlanChannel, PlanTarget, SupportPlan

TARGET_ORDER = ("severity", "clock")


def _staff_workspace(actor: Actor) -> uuid.UUID:
    """The workspace whose offering the actor may read: staff (and the system) only."""
    policies.require(actor, "workspace.view")
    if not (actor.is_staff or actor.is_system):
        raise forbidden(_("Only the partner's staff see the offering's settings."))
    return actor.workspace_id


def with_details(plans: QuerySet[SupportPlan]) -> QuerySet[SupportPlan]:
    """Plans with calendar, exceptions, targets and channels: a fixed number of queries."""
    return plans.select_related("calendar").prefetch_related(
        Prefetch("calendar__exceptions", queryset=CalendarException.objects.order_by("date")),
        Prefetch("targets", queryset=PlanTarget.objects.order_by(*TARGET_ORDER)),
        Prefetch("channels", queryset=PlanChannel.objects.order_by("position", "id")),
    )


def calendars(actor: Actor) -> list[BusinessCalendar]:
    """The workspace's calendars by name, with their exceptions prefetched (staff only)."""
    workspace_id = _staff_workspace(actor)
    return list(
        BusinessCalendar.objects.filter(partner_id=workspace_id)
        .prefetch_related(
            Prefetch("exceptions", queryset=CalendarException.objects.order_by("date"))
        )
        .order_by("name", "id")
    )


def calendar_plan_names(calendar: BusinessCalendar) -> list[str]:
    """The names of the plans that keep the calendar (a calendar in use cannot be deleted)."""
    return list(
        SupportPlan.objects.filter(partner_id=calendar.partner_id, calendar=calendar)
        .order_by("name")
        .values_list("name", flat=True)
    )


def plans_not_round_the_clock(*, workspace_id: uuid.UUID) -> list[str]:
    """Names of the workspace's plans whose calendar is not open around the clock (no actor:
    the check a change of the workspace's instance runs)."""
    found = (
        SupportPlan.objects.filter(partner_id=workspace_id)
        .select_related("calendar")
        .prefetch_related(
            Prefetch("calendar__exceptions", queryset=CalendarException.objects.order_by("date"))
        )
        .order_by("name")
    )
    return [p.name for p in found if not validation.round_the_clock(calendar_spec_of(p.calendar))]


def plans(actor: Actor) -> list[SupportPlan]:
    """The workspace's plans by position and name, with calendar, targets and channels (staff)."""
    workspace_id = _staff_workspace(actor)
    return list(
        with_details(SupportPlan.objects.filter(partner_id=workspace_id)).order_by(
            "position", "name", "id"
        )
    )


def plan_in_effect(*, customer: Customer) -> SupportPlan | None:
    """The customer's plan, else the workspace default, else None. No actor: used by actions
    (ticket clocks) that already hold a visible customer."""
    found = SupportPlan.objects.select_related("calendar").filter(partner_id=customer.partner_id)
    if customer.support_plan_id is not None:
        return found.filter(pk=customer.support_plan_id).first()
    return found.filter(is_default=True).first()


def customer_plan(actor: Actor, *, customer: Customer) -> SupportPlan | None:
    """Staff: the plan in effect for a customer they see, with its details."""
    _staff_workspace(actor)
    found = with_details(SupportPlan.objects.filter(partner_id=customer.partner_id))
    if customer.support_plan_id is not None:
        return found.filter(pk=customer.support_plan_id).first()
    return found.filter(is_default=True).first()


def customers_on_plan(plan: SupportPlan) -> bool:
    """Whether any customer has bought the plan (a plan in use cannot be deleted)."""
    return Customer.objects.filter(partner_id=plan.partner_id, support_plan=plan).exists()


def my_plan(actor: Actor) -> SupportPlan | None:
    """For customer people: their organisation's plan in effect (portal), with its details."""
    if not actor.is_customer or actor.customer_id is None:
        raise forbidden(_("Only a customer's people have a plan page."))
    customer = (
        Customer.objects.filter(partner_id=actor.workspace_id, pk=actor.customer_id)
        .only("id", "partner_id", "support_plan_id")
        .first()
    )
    if customer is None:
        return None
    found = with_details(SupportPlan.objects.filter(partner_id=customer.partner_id))
    if customer.support_plan_id is not None:
        return found.filter(pk=customer.support_plan_id).first()
    return found.filter(is_default=True).first()


def published_offering(*, slug: str) -> tuple[Partner, list[SupportPlan]] | None:
    """The public page's workspace and its published plans; None for an unknown slug."""
    workspace = Partner.objects.filter(slug=slug).first()
    if workspace is None:
        return None
    published = with_details(
        SupportPlan.objects.filter(partner_id=workspace.pk, is_published=True)
    ).order_by("position", "name", "id")
    return workspace, list(published)


def calendar_spec_of(
    calendar: BusinessCalendar, exceptions: list[CalendarException] | None = None
) -> CalendarSpec:
    """The row and its exceptions (prefetched ones are used) as the engine's spec."""
    rows = calendar.exceptions.all() if exceptions is None else exceptions
    return validation.calendar_spec(
        time_zone=calendar.time_zone,
        always_open=calendar.always_open,
        weekly=calendar.weekly,
        holiday_country=calendar.holiday_country,
        holiday_subdivision=calendar.holiday_subdivision,
        exceptions=[(e.date, e.kind, e.hours) for e in rows],
    )


def compiled_calendar(calendar: BusinessCalendar) -> CompiledCalendar:
    """The calendar (with its exceptions) compiled, cached by (id, version). Every change to
    the calendar or its exceptions bumps the version, so a cached calendar is never stale; the
    exceptions are read only when the version is not in the cache yet."""
    return cached_calendar((calendar.pk, calendar.version), lambda: calendar_spec_of(calendar))


def plan_targets(plan: SupportPlan) -> dict[tuple[str, str], PlanTarget]:
    """{(severity, clock): target} of a plan (prefetched targets are used)."""
    return {(t.severity, t.clock): t for t in plan.targets.all()}


@dataclass(frozen=True)
class OpenPeriod:
    """Service hours on one local day of the viewer's zone: ("08:00", "17:00") pairs."""

    day: dt.date
    periods: list[tuple[str, str]]


def zone_or_utc(name: str) -> ZoneInfo:
    """The named zone, or UTC when the name is not an IANA zone."""
    try:
        return check_time_zone(name)
    except CalendarError:
        return ZoneInfo("UTC")


def service_hours(
    plan: SupportPlan, *, time_zone: str, start: dt.date, days: int = 7
) -> list[OpenPeriod]:
    """The plan's service hours over `days` days from `start`, in `time_zone` (the customer's;
    an unknown zone falls back to the calendar's own). Holidays and exceptions are applied;
    a period that runs to the next local midnight ends at "24:00"."""
    compiled = compiled_calendar(plan.calendar)
    try:
        zone = check_time_zone(time_zone)
    except CalendarError:
        zone = ZoneInfo(plan.calendar.time_zone)
    found = []
    for offset in range(days):
        day = start + dt.timedelta(days=offset)
        begin = dt.datetime.combine(day, dt.time(), tzinfo=zone)
        end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=zone)
        periods = [
            (
                low.astimezone(zone).strftime("%H:%M"),
                "24:00" if high >= end else high.astimezone(zone).strftime("%H:%M"),
            )
            for low, high in compiled.periods(begin, end)
        ]
        found.append(OpenPeriod(day=day, periods=periods))
    return found
