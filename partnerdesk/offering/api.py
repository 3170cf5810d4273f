"""/api/v1/calendars, /api/v1/plans, a customer's plan, and /api/v1/my-plan.

Staff read (workspace.view); the partner owner writes (plans.manage); a customer's plan is set
by those who manage customers (customers.manage); customer people read their own plan at
/my-plan. A workspace has a handful of calendars and plans, so the lists come whole.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from partnerdesk.core.api import actor_of
from partnerdesk.core.errors import DomainError, not_found

from . import access, actions, selectors, validation
from .models import BusinessCalendar, CalendarException, SupportPlan

router = Router(tags=["offering"])

Hours = list[list[str]]
WEEKLY_HELP = (
    'Per weekday ("mon"…"sun") a list of ["HH:MM", "HH:MM"] intervals; "24:00" ends a day.'
)


@contextmanager
def _api_field_names() -> Iterator[None]:
    """The actions name the plan's calendar "calendar"; the API's clients send calendar_id."""
    try:
        yield
    except DomainError as error:
        for item in error.errors:
            if item.field == "calendar":
                item.field = "calendar_id"
        raise


# --- calendars ---------------------------------------------------------------------------------


class CalendarExceptionOut(Schema):
    id: str
    date: dt.date
    kind: str = Field(..., description="closed, or open (an extra working day)")
    hours: Hours
    note: str

    @staticmethod
    def build(exception: CalendarException) -> CalendarExceptionOut:
        return CalendarExceptionOut(
            id=str(exception.pk),
            date=exception.date,
            kind=exception.kind,
            hours=exception.hours,
            note=exception.note,
        )


class CalendarOut(Schema):
    id: str
    name: str
    time_zone: str
    always_open: bool
    is_24x7: bool = Field(..., description="Open every minute: no holidays or closures.")
    weekly: dict[str, Hours] = Field(..., description=WEEKLY_HELP)
    holiday_country: str
    holiday_subdivision: str
    exceptions: list[CalendarExceptionOut]
    version: int
    updated_at: dt.datetime

    @staticmethod
    def build(calendar: BusinessCalendar) -> CalendarOut:
        exceptions = sorted(calendar.exceptions.all(), key=lambda e: e.date)
        spec = selectors.calendar_spec_of(calendar, exceptions)
        return CalendarOut(
            id=str(calendar.pk),
            name=calendar.name,
            time_zone=calendar.time_zone,
            always_open=calendar.always_open,
            is_24x7=validation.round_the_clock(spec),
            weekly=calendar.weekly,
            holiday_country=calendar.holiday_country,
            holiday_subdivision=calendar.holiday_subdivision,
            exceptions=[CalendarExceptionOut.build(e) for e in exceptions],
            version=calendar.version,
            updated_at=calendar.updated_at,
        )


class CalendarList(Schema):
    items: list[CalendarOut]


class CalendarIn(Schema):
    name: str = Field(..., max_length=100)
    time_zone: str = Field(..., max_length=64, description="IANA, such as Europe/Berlin")
    always_open: bool = False
    weekly: dict[str, Hours] = Field(default_factory=dict, description=WEEKLY_HELP)
    holiday_country: str = Field("", max_length=2, description="ISO 3166 code, or empty")
    holiday_subdivision: str = Field("", max_length=10, description="Such as BY for Bavaria")


class CalendarPatch(Schema):
    name: str | None = Field(None, max_length=100)
    time_zone: str | None = Field(None, max_length=64)
    always_open: bool | None = None
    weekly: dict[str, Hours] | None = Field(None, description=WEEKLY_HELP)
    holiday_country: str | None = Field(None, max_length=2)
    holiday_subdivision: str | None = Field(None, max_length=10)


class CalendarExceptionIn(Schema):
    date: dt.date
    kind: str = Field(..., description="closed, or open (an extra working day)")
    hours: Hours | None = Field(None, description="For an extra working day.")
    note: str = Field("", max_length=200)


def _calendar_changes(given: dict[str, Any]) -> actions.CalendarChanges:
    return actions.CalendarChanges(**{k: v for k, v in given.items() if v is not None})


@router.get("/calendars", response=CalendarList, summary="The business calendars (staff)")
def list_calendars(request: HttpRequest) -> CalendarList:
    return CalendarList(
        items=[CalendarOut.build(c) for c in selectors.calendars(actor_of(request))]
    )


@router.post("/calendars", response={201: CalendarOut}, summary="Add a business calendar")
def create_calendar(request: HttpRequest, payload: CalendarIn) -> Status:
    actor = actor_of(request)
    calendar = actions.create_calendar(actor, changes=_calendar_changes(payload.dict()))
    return Status(201, CalendarOut.build(access.get_calendar_for(actor, calendar.pk)))


@router.get("/calendars/{calendar_id}", response=CalendarOut, summary="One business calendar")
def get_calendar(request: HttpRequest, calendar_id: str) -> CalendarOut:
    return CalendarOut.build(access.get_calendar_for(actor_of(request), calendar_id))


@router.patch(
    "/calendars/{calendar_id}",
    response=CalendarOut,
    summary="Change a calendar (the open tickets it times are recalculated)",
)
def patch_calendar(request: HttpRequest, calendar_id: str, payload: CalendarPatch) -> CalendarOut:
    actor = actor_of(request)
    calendar = actions.update_calendar(
        actor,
        calendar=access.get_calendar_for(actor, calendar_id),
        changes=_calendar_changes(payload.dict(exclude_unset=True)),
    )
    return CalendarOut.build(access.get_calendar_for(actor, calendar.pk))


@router.delete(
    "/calendars/{calendar_id}", response={204: None}, summary="Delete a calendar no plan uses"
)
def delete_calendar(request: HttpRequest, calendar_id: str) -> Status:
    actor = actor_of(request)
    actions.delete_calendar(actor, calendar=access.get_calendar_for(actor, calendar_id))
    return Status(204, None)


@router.post(
    "/calendars/{calendar_id}/exceptions",
    response={201: CalendarExceptionOut},
    summary="Close a calendar on a date, or add an extra working day",
)
def add_exception(request: HttpRequest, calendar_id: str, payload: CalendarExceptionIn) -> Status:
    actor = actor_of(request)
    exception = actions.add_calendar_exception(
        actor,
        calendar=access.get_calendar_for(actor, calendar_id),
        date=payload.date,
        kind=payload.kind,
        hours=payload.hours,
        note=payload.note,
    )
    return Status(201, CalendarExceptionOut.build(exception))


@router.delete(
    "/calendars/{calendar_id}/exceptions/{exception_id}",
    response={204: None},
    summary="Remove a closure or extra working day",
)
def remove_exception(request: HttpRequest, calendar_id: str, exception_id: str) -> Status:
    actor = actor_of(request)
    calendar = access.get_calendar_for(actor, calendar_id)
    exception = access.get_calendar_exception_for(actor, exception_id)
    if exception.calendar_id != calendar.pk:
        raise not_found()
    actions.remove_calendar_exception(actor, exception=exception)
    return Status(204, None)


# --- plans -------------------------------------------------------------------------------------


class TargetIO(Schema):
    severity: str = Field(..., description="A, B or C")
    clock: str = Field(..., description="first_response, next_update or resolution")
    minutes: int
    business_hours: bool = Field(True, description="Counted in service hours, else 24x7.")


class ChannelIO(Schema):
    kind: str = Field(..., description="portal, email, phone or chat")
    address: str = Field("", max_length=300)
    note: str = Field("", max_length=200)


class PricingOut(Schema):
    currency: str
    monthly_fee: str | None = Field(..., description="A decimal as a string, such as 49.00")
    per_incident_fee: str | None
    hourly_rate: str | None
    note: str
    is_free: bool


def _amount(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


class PlanOut(Schema):
    id: str
    name: str
    description: str
    support_kinds: list[str] = Field(..., description="Ticket categories the plan covers.")
    calendar: CalendarOut
    languages: list[str]
    channels: list[ChannelIO]
    pricing: PricingOut
    targets: list[TargetIO]
    pauses: dict[str, list[str]] = Field(..., description="Status -> the clocks it pauses.")
    warning_percent: int
    is_default: bool
    is_published: bool
    position: int
    version: int
    updated_at: dt.datetime

    @staticmethod
    def build(plan: SupportPlan) -> PlanOut:
        return PlanOut(
            id=str(plan.pk),
            name=plan.name,
            description=plan.description,
            support_kinds=plan.support_kinds,
            calendar=CalendarOut.build(plan.calendar),
            languages=plan.languages,
            channels=[
                ChannelIO(kind=c.kind, address=c.address, note=c.note) for c in plan.channels.all()
            ],
            pricing=PricingOut(
                currency=plan.currency,
                monthly_fee=_amount(plan.monthly_fee),
                per_incident_fee=_amount(plan.per_incident_fee),
                hourly_rate=_amount(plan.hourly_rate),
                note=plan.pricing_note,
                is_free=plan.is_free,
            ),
            targets=[
                TargetIO(
                    severity=t.severity,
                    clock=t.clock,
                    minutes=t.minutes,
                    business_hours=t.business_hours,
                )
                for t in plan.targets.all()
            ],
            pauses=plan.pauses,
            warning_percent=plan.warning_percent,
            is_default=plan.is_default,
            is_published=plan.is_published,
            position=plan.position,
            version=plan.version,
            updated_at=plan.updated_at,
        )


class PlanList(Schema):
    items: list[PlanOut]


class PlanIn(Schema):
    name: str = Field(..., max_length=100)
    description: str = Field("", max_length=20_000)
    support_kinds: list[str] = Field(default_factory=list, max_length=50)
    calendar_id: str
    languages: list[str] = Field(default_factory=list, max_length=50)
    currency: str = Field("", max_length=3)
    monthly_fee: Decimal | None = None
    per_incident_fee: Decimal | None = None
    hourly_rate: Decimal | None = None
    pricing_note: str = Field("", max_length=300)
    pauses: dict[str, list[str]] | None = Field(
        None,
        description="Status -> clocks it pauses; omitted: pending customer pauses all, "
        "pending vendor pauses resolution.",
    )
    warning_percent: int | None = Field(None, description="Warn at this share of a target.")
    is_published: bool = False
    position: int = 0
    targets: list[TargetIO] = Field(default_factory=list, max_length=100)
    channels: list[ChannelIO] = Field(default_factory=list, max_length=50)


class PlanPatch(Schema):
    """Fields left out stay; `targets` and `channels` replace all; a fee set to null is removed."""

    name: str | None = Field(None, max_length=100)
    description: str | None = Field(None, max_length=20_000)
    support_kinds: list[str] | None = Field(None, max_length=50)
    calendar_id: str | None = None
    languages: list[str] | None = Field(None, max_length=50)
    currency: str | None = Field(None, max_length=3)
    monthly_fee: Decimal | None = None
    per_incident_fee: Decimal | None = None
    hourly_rate: Decimal | None = None
    pricing_note: str | None = Field(None, max_length=300)
    pauses: dict[str, list[str]] | None = None
    warning_percent: int | None = None
    is_published: bool | None = None
    position: int | None = None
    targets: list[TargetIO] | None = Field(None, max_length=100)
    channels: list[ChannelIO] | None = Field(None, max_length=50)


def _plan_changes(request: HttpRequest, given: dict[str, Any]) -> actions.PlanChanges:
    actor = actor_of(request)
    calendar_id = given.pop("calendar_id", None)
    targets, channels = given.pop("targets", None), given.pop("channels", None)
    clear_fees = [f for f in validation.FEE_FIELDS if f in given and given[f] is None]
    return actions.PlanChanges(
        **{k: v for k, v in given.items() if v is not None},
        calendar=access.get_calendar_for(actor, calendar_id) if calendar_id else None,
        clear_fees=clear_fees,
        targets=None if targets is None else [actions.TargetInput(**t) for t in targets],
        channels=None if channels is None else [actions.ChannelInput(**c) for c in channels],
    )


@router.get("/plans", response=PlanList, summary="The support plans (staff)")
def list_plans(request: HttpRequest) -> PlanList:
    return PlanList(items=[PlanOut.build(p) for p in selectors.plans(actor_of(request))])


@router.post("/plans", response={201: PlanOut}, summary="Add a support plan")
def create_plan(request: HttpRequest, payload: PlanIn) -> Status:
    actor = actor_of(request)
    with _api_field_names():
        plan = actions.create_plan(actor, changes=_plan_changes(request, payload.dict()))
    return Status(201, PlanOut.build(access.get_plan_for(actor, plan.pk)))


@router.get("/plans/{plan_id}", response=PlanOut, summary="One support plan")
def get_plan(request: HttpRequest, plan_id: str) -> PlanOut:
    return PlanOut.build(access.get_plan_for(actor_of(request), plan_id))


@router.patch(
    "/plans/{plan_id}",
    response=PlanOut,
    summary="Change a support plan (its open tickets are recalculated)",
)
def patch_plan(request: HttpRequest, plan_id: str, payload: PlanPatch) -> PlanOut:
    actor = actor_of(request)
    plan = access.get_plan_for(actor, plan_id)
    with _api_field_names():
        actions.update_plan(
            actor, plan=plan, changes=_plan_changes(request, payload.dict(exclude_unset=True))
        )
    return PlanOut.build(access.get_plan_for(actor, plan.pk))


@router.delete(
    "/plans/{plan_id}",
    response={204: None},
    summary="Delete a plan no customer has and that is not the default",
)
def delete_plan(request: HttpRequest, plan_id: str) -> Status:
    actor = actor_of(request)
    actions.delete_plan(actor, plan=access.get_plan_for(actor, plan_id))
    return Status(204, None)


@router.post(
    "/plans/{plan_id}/default",
    response=PlanOut,
    summary="Make a plan the workspace default (customers without a plan of their own)",
)
def make_default(request: HttpRequest, plan_id: str) -> PlanOut:
    actor = actor_of(request)
    plan = access.get_plan_for(actor, plan_id)
    actions.set_default_plan(actor, plan=plan)
    return PlanOut.build(access.get_plan_for(actor, plan.pk))


@router.delete(
    "/plans/{plan_id}/default",
    response=PlanOut,
    summary="Stop a plan being the default (the workspace then has none)",
)
def unset_default(request: HttpRequest, plan_id: str) -> PlanOut:
    actor = actor_of(request)
    plan = access.get_plan_for(actor, plan_id)
    if plan.is_default:
        actions.set_default_plan(actor, plan=None)
    return PlanOut.build(access.get_plan_for(actor, plan.pk))
