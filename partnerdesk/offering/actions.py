"""Every write to the offering: calendars, plans, targets, channels, a customer's plan.

Each action: `policies.require(actor, "plans.manage")` (a customer's plan: "customers.manage",
see `assign_plan`), one durable transaction, an audit row, a version bump on change, a 422
naming the field on bad input (checks in `validation`, calendars through the engine's
`check_spec`), and the 21Vianet rule (RULES.md section 2) on every plan and calendar write: on a
workspace of the 21Vianet instance every plan's calendar is open around the clock.

A change that moves due times (a plan, a calendar or its exceptions, a customer's plan, the
default plan) asks the tickets app, after commit, to recalculate the clocks of the open tickets
concerned (`recalculate_ticket_clocks`); the offering does not import tickets' code for that.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal
from importlib import import_module
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from partnerdesk.core import audit, clock, policies
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import conflict, invalid, not_found
from partnerdesk.customers import checks
from partnerdesk.customers.models import Customer
from partnerdesk.partners.enums import Instance
from partnerdesk.partners.models import Partner
from partnerdesk.sla.engine import TWENTY_FOUR_SEVEN, CalendarSpec

from . import selectors, validation
from .enums import DEFAULT_PAUSES, DEFAULT_WARNING_PERCENT
from .models import BusinessCalendar, CalendarException, PlanChannel, PlanTarget, SupportPlan

logger = logging.getLogger(__name__)

# The tickets app's task (written there); resolved when needed, so neither app imports the other.
RECALCULATE_SLA_TASK = "partnerdesk.tickets.tasks.recalculate_sla"

VIANET_RULE = _(
    "Resellers on the 21Vianet instance must support customers 24 hours a day, 365 days a "
    "year, so every support plan needs a calendar that is open around the clock, without public "
    "holidays or closures."
)


# --- shared ------------------------------------------------------------------------------------


def recalculate_ticket_clocks(
    *,
    partner_id: uuid.UUID,
    plan_id: uuid.UUID | None = None,
    calendar_id: uuid.UUID | None = None,
    customer_id: uuid.UUID | None = None,
) -> None:
    """After the current transaction commits, enqueue the tickets app's recalculation of the
    open tickets following a plan, a calendar or a customer (exactly one is given). A task that
    cannot be found or enqueued is logged, never fails the change already committed."""
    which = {"plan_id": plan_id, "calendar_id": calendar_id, "customer_id": customer_id}
    kwargs = {"partner_id": str(partner_id)}
    kwargs.update({name: str(value) for name, value in which.items() if value is not None})

    def enqueue() -> None:
        module, _dot, attribute = RECALCULATE_SLA_TASK.rpartition(".")
        try:
            task = getattr(import_module(module), attribute)
        except (ImportError, AttributeError):
            logger.warning("%s is not available; ticket clocks not recalculated", module)
            return
        try:
            task.enqueue(**kwargs)
        except Exception:
            logger.exception("could not enqueue the SLA recalculation %s", kwargs)

    transaction.on_commit(enqueue)


def _require_own(actor: Actor, partner_id: uuid.UUID, permission: str = "plans.manage") -> None:
    policies.require(actor, permission)
    if partner_id != actor.workspace_id:
        raise not_found()


def _is_21vianet(partner_id: uuid.UUID) -> bool:
    instance = Partner.objects.filter(pk=partner_id).values_list("instance", flat=True).first()
    return instance == Instance.CHINA_21VIANET


@contextmanager
def _name_taken_on_race() -> Iterator[None]:
    """Two writers saved the same name at once: the loser gets the same 422 as a late one."""
    try:
        yield
    except IntegrityError as exc:
        raise invalid("name", _("This name is taken."), "taken") from exc


def _given(changes: Any) -> list[str]:
    return sorted(
        f.name
        for f in fields(changes)
        if getattr(changes, f.name) is not None and getattr(changes, f.name) != []
    )


# --- calendars ---------------------------------------------------------------------------------


@dataclass
class CalendarChanges:
    """None means unchanged (all required on create, bar the holiday fields)."""

    name: str | None = None
    time_zone: str | None = None
    always_open: bool | None = None
    weekly: dict[str, list[list[str]]] | None = None  # {"mon": [["08:00", "17:00"]]}
    holiday_country: str | None = None  # "" for none
    holiday_subdivision: str | None = None


def _apply_calendar_changes(calendar: BusinessCalendar, changes: CalendarChanges) -> None:
    if changes.name is not None:
        calendar.name = validation.clean_name(changes.name)
    if changes.time_zone is not None:
        calendar.time_zone = changes.time_zone.strip()
    if changes.always_open is not None:
        calendar.always_open = bool(changes.always_open)
    if changes.weekly is not None:
        calendar.weekly = validation.clean_weekly(changes.weekly)
    if changes.holiday_country is not None or changes.holiday_subdivision is not None:
        calendar.holiday_country, calendar.holiday_subdivision = validation.clean_holiday_region(
            calendar.holiday_country
            if changes.holiday_country is None
            else changes.holiday_country,
            calendar.holiday_subdivision
            if changes.holiday_subdivision is None
            else changes.holiday_subdivision,
        )


def _check_calendar_name_free(calendar: BusinessCalendar) -> None:
    if (
        BusinessCalendar.objects.filter(partner_id=calendar.partner_id, name=calendar.name)
        .exclude(pk=calendar.pk)
        .exists()
    ):
        raise invalid("name", _("Another calendar has this name."), "taken")


def _check_calendar_for_21vianet(calendar: BusinessCalendar, spec: CalendarSpec) -> None:
    """A calendar a plan of a 21Vianet workspace uses stays open around the clock."""
    if validation.round_the_clock(spec) or not _is_21vianet(calendar.partner_id):
        return
    names = selectors.calendar_plan_names(calendar)
    if names:
        raise invalid(
            "calendar",
            _("%(rule)s This calendar is the service hours of %(plans)s.")
            % {"rule": VIANET_RULE, "plans": ", ".join(names)},
            "not_24x7",
        )


def _lock_calendar(calendar: BusinessCalendar) -> list[CalendarException]:
    """Lock the calendar's row, move its version on, and return its exceptions."""
    version = (
        BusinessCalendar.objects.select_for_update()
        .filter(pk=calendar.pk)
        .values_list("version", flat=True)
        .get()
    )
    calendar.version = version + 1
    calendar.updated_at = clock.now()
    return list(CalendarException.objects.filter(calendar_id=calendar.pk).order_by("date"))


def create_calendar(actor: Actor, *, changes: CalendarChanges) -> BusinessCalendar:
    """Add a calendar: weekly hours (or 24x7) in a time zone, with a country's holidays."""
    policies.require(actor, "plans.manage")
    if changes.name is None:
        raise invalid("name", _("This field is required."), "required")
    if changes.time_zone is None:
        raise invalid("time_zone", _("This field is required."), "required")
    now = clock.now()
    calendar = BusinessCalendar(partner_id=actor.workspace_id, created_at=now, updated_at=now)
    _apply_calendar_changes(calendar, changes)
    validation.check_calendar(selectors.calendar_spec_of(calendar, []))
    with _name_taken_on_race(), transaction.atomic(durable=True):
        _check_calendar_name_free(calendar)
        calendar.save(force_insert=True)
        audit.record(actor, "calendar.created", calendar, data={"fields": _given(changes)})
    return calendar


def update_calendar(
    actor: Actor, *, calendar: BusinessCalendar, changes: CalendarChanges
) -> BusinessCalendar:
    """Change a calendar; its version moves on and the tickets it times are recalculated.
    Refused on a 21Vianet workspace when a plan uses it and it stops being 24x7."""
    _require_own(actor, calendar.partner_id)
    _apply_calendar_changes(calendar, changes)
    with _name_taken_on_race(), transaction.atomic(durable=True):
        exceptions = _lock_calendar(calendar)
        spec = selectors.calendar_spec_of(calendar, exceptions)
        validation.check_calendar(spec)
        _check_calendar_for_21vianet(calendar, spec)
        _check_calendar_name_free(calendar)
        calendar.save()
        audit.record(
            actor,
            "calendar.updated",
            calendar,
            data={"fields": _given(changes), "version": calendar.version},
        )
        recalculate_ticket_clocks(partner_id=calendar.partner_id, calendar_id=calendar.pk)
    return calendar


def delete_calendar(actor: Actor, *, calendar: BusinessCalendar) -> None:
    """Remove a calendar and its exceptions. Refused (409) while a plan uses it."""
    _require_own(actor, calendar.partner_id)
    with transaction.atomic(durable=True):
        names = selectors.calendar_plan_names(calendar)
        if names:
            raise conflict(
                "calendar_in_use",
                _("The plans %(plans)s use this calendar; give them another one first.")
                % {"plans": ", ".join(names)},
            )
        audit.record(actor, "calendar.deleted", calendar, data={"name": calendar.name})
        calendar.delete()


def add_calendar_exception(
    actor: Actor,
    *,
    calendar: BusinessCalendar,
    date: dt.date,
    kind: str,  # ExceptionKind
    hours: list[list[str]] | None = None,  # for an extra working day
    note: str = "",
) -> CalendarException:
    """Close the calendar on one date, or open it on one date with the hours given (this
    replaces the weekday's hours and wins over a public holiday)."""
    _require_own(actor, calendar.partner_id)
    if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
        raise invalid("date", _("Give a date such as 2026-12-24."))
    exception = CalendarException(
        partner_id=calendar.partner_id,
        calendar=calendar,
        date=date,
        kind=kind,
        hours=validation.clean_exception_hours(kind, hours),
        note=checks.clean_line("note", note, max_length=validation.NOTE_MAX),
    )
    with transaction.atomic(durable=True):
        existing = _lock_calendar(calendar)
        if any(e.date == date for e in existing):
            raise invalid("date", _("This date already has an exception."), "taken")
        spec = selectors.calendar_spec_of(calendar, [*existing, exception])
        validation.check_calendar(spec)
        # On a 24x7 calendar a closure would be ignored; for the 21Vianet rule it is the wish
        # to close, refused with the rule's reason.
        as_weekly = replace(spec, always_open=False, weekly=TWENTY_FOUR_SEVEN.weekly)
        _check_calendar_for_21vianet(calendar, as_weekly if calendar.always_open else spec)
        if calendar.always_open:
            raise invalid(
                "kind",
                _(
                    "A calendar open 24 hours a day, 7 days a week has no closures or extra "
                    "days; give it weekly hours of 00:00-24:00 to close single days."
                ),
            )
        exception.save(force_insert=True)
        calendar.save(update_fields=["version", "updated_at"])
        audit.record(
            actor,
            "calendar.exception_added",
            calendar,
            data={"date": date.isoformat(), "kind": kind, "version": calendar.version},
        )
        recalculate_ticket_clocks(partner_id=calendar.partner_id, calendar_id=calendar.pk)
    return exception


def remove_calendar_exception(actor: Actor, *, exception: CalendarException) -> None:
    """Remove a closure or extra working day; the calendar's version moves on."""
    _require_own(actor, exception.partner_id)
    calendar = exception.calendar
    with transaction.atomic(durable=True):
        remaining = [e for e in _lock_calendar(calendar) if e.pk != exception.pk]
        _check_calendar_for_21vianet(calendar, selectors.calendar_spec_of(calendar, remaining))
        audit.record(
            actor,
            "calendar.exception_removed",
            calendar,
            data={"date": exception.date.isoformat(), "kind": exception.kind},
        )
        exception.delete()
        calendar.save(update_fields=["version", "updated_at"])
        recalculate_ticket_clocks(partner_id=calendar.partner_id, calendar_id=calendar.pk)


# --- plans -------------------------------------------------------------------------------------


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


@dataclass
class _Rows:
    targets: list[PlanTarget] | None
    channels: list[PlanChannel] | None


def _apply_plan_changes(plan: SupportPlan, changes: PlanChanges) -> _Rows:
    """Check every given field and set it on the plan; the targets and channels to write."""
    if changes.name is not None:
        plan.name = validation.clean_name(changes.name)
    if changes.description is not None:
        plan.description = validation.clean_description(changes.description)
    if changes.support_kinds is not None:
        plan.support_kinds = validation.clean_support_kinds(changes.support_kinds)
    if changes.calendar is not None:
        if changes.calendar.partner_id != plan.partner_id:
            raise invalid("calendar", _("Choose a calendar of this workspace."))
        plan.calendar = changes.calendar
    if changes.languages is not None:
        plan.languages = validation.clean_languages(changes.languages)
    if changes.currency is not None:
        plan.currency = validation.clean_currency(changes.currency)
    unknown = set(changes.clear_fees) - set(validation.FEE_FIELDS)
    if unknown:
        raise invalid("clear_fees", _("Only fees can be emptied: %(fees)s.") % {"fees": unknown})
    for name in validation.FEE_FIELDS:
        value = getattr(changes, name)
        if name in changes.clear_fees:
            setattr(plan, name, None)
        elif value is not None:
            setattr(plan, name, validation.clean_fee(name, value))
    validation.check_priced_in_currency(
        plan.currency, {name: getattr(plan, name) for name in validation.FEE_FIELDS}
    )
    if changes.pricing_note is not None:
        plan.pricing_note = validation.clean_pricing_note(changes.pricing_note)
    if changes.pauses is not None:
        plan.pauses = validation.clean_pauses(changes.pauses)
    if changes.warning_percent is not None:
        plan.warning_percent = validation.clean_warning_percent(changes.warning_percent)
    if changes.is_published is not None:
        plan.is_published = bool(changes.is_published)
    if changes.position is not None:
        plan.position = validation.clean_position(changes.position)
    return _Rows(
        targets=_targets(plan, changes.targets), channels=_channels(plan, changes.channels)
    )


def _targets(plan: SupportPlan, given: list[TargetInput] | None) -> list[PlanTarget] | None:
    if given is None:
        return None
    seen = set()
    rows = []
    for index, target in enumerate(given):
        validation.clean_target(index, target.severity, target.clock, target.minutes)
        if (target.severity, target.clock) in seen:
            raise invalid(
                f"targets.{index}", _("This severity and clock already have a target."), "twice"
            )
        seen.add((target.severity, target.clock))
        rows.append(
            PlanTarget(
                partner_id=plan.partner_id,
                severity=target.severity,
                clock=target.clock,
                minutes=target.minutes,
                business_hours=bool(target.business_hours),
            )
        )
    return rows


def _channels(plan: SupportPlan, given: list[ChannelInput] | None) -> list[PlanChannel] | None:
    if given is None:
        return None
    rows = []
    for index, channel in enumerate(given):
        address, note = validation.clean_channel(index, channel.kind, channel.address, channel.note)
        rows.append(
            PlanChannel(
                partner_id=plan.partner_id,
                kind=channel.kind,
                address=address,
                note=note,
                position=index,
            )
        )
    return rows


def _check_plan_name_free(plan: SupportPlan) -> None:
    if (
        SupportPlan.objects.filter(partner_id=plan.partner_id, name=plan.name)
        .exclude(pk=plan.pk)
        .exists()
    ):
        raise invalid("name", _("Another plan has this name."), "taken")


def _check_plan_for_21vianet(plan: SupportPlan) -> None:
    """On a 21Vianet workspace a plan's calendar is open around the clock."""
    if not _is_21vianet(plan.partner_id):
        return
    if not validation.round_the_clock(selectors.calendar_spec_of(plan.calendar)):
        raise invalid(
            "calendar",
            _("%(rule)s The calendar %(calendar)s is not.")
            % {"rule": VIANET_RULE, "calendar": plan.calendar.name},
            "not_24x7",
        )


def _write_rows(plan: SupportPlan, rows: _Rows) -> None:
    if rows.targets is not None:
        PlanTarget.objects.filter(plan_id=plan.pk).delete()
        for target in rows.targets:
            target.plan = plan
        PlanTarget.objects.bulk_create(rows.targets)
    if rows.channels is not None:
        PlanChannel.objects.filter(plan_id=plan.pk).delete()
        for channel in rows.channels:
            channel.plan = plan
        PlanChannel.objects.bulk_create(rows.channels)


def create_plan(actor: Actor, *, changes: PlanChanges) -> SupportPlan:
    """Add a support plan. New plans pause clocks as `DEFAULT_PAUSES` says unless told."""
    policies.require(actor, "plans.manage")
    if changes.name is None:
        raise invalid("name", _("This field is required."), "required")
    if changes.calendar is None:
        raise invalid("calendar", _("Choose the plan's service hours."), "required")
    now = clock.now()
    plan = SupportPlan(
        partner_id=actor.workspace_id,
        pauses={status: [str(c) for c in clocks] for status, clocks in DEFAULT_PAUSES.items()},
        warning_percent=DEFAULT_WARNING_PERCENT,
        created_at=now,
        updated_at=now,
    )
    rows = _apply_plan_changes(plan, changes)
    with _name_taken_on_race(), transaction.atomic(durable=True):
        _check_plan_for_21vianet(plan)
        _check_plan_name_free(plan)
        plan.save(force_insert=True)
        _write_rows(plan, rows)
        audit.record(actor, "plan.created", plan, data={"fields": _given(changes)})
    return plan


def update_plan(actor: Actor, *, plan: SupportPlan, changes: PlanChanges) -> SupportPlan:
    """Bumps the version; open tickets on the plan get their clocks recalculated."""
    _require_own(actor, plan.partner_id)
    rows = _apply_plan_changes(plan, changes)
    with _name_taken_on_race(), transaction.atomic(durable=True):
        plan.version = (
            SupportPlan.objects.select_for_update()
            .filter(pk=plan.pk)
            .values_list("version", flat=True)
            .get()
            + 1
        )
        plan.updated_at = clock.now()
        _check_plan_for_21vianet(plan)
        _check_plan_name_free(plan)
        plan.save()
        _write_rows(plan, rows)
        audit.record(
            actor,
            "plan.updated",
            plan,
            data={"fields": _given(changes), "version": plan.version},
        )
        recalculate_ticket_clocks(partner_id=plan.partner_id, plan_id=plan.pk)
    return plan


def delete_plan(actor: Actor, *, plan: SupportPlan) -> None:
    """Refused (409) while customers have it or it is the default."""
    _require_own(actor, plan.partner_id)
    with transaction.atomic(durable=True):
        is_default = (
            SupportPlan.objects.select_for_update()
            .filter(pk=plan.pk)
            .values_list("is_default", flat=True)
            .get()
        )
        if is_default:
            raise conflict(
                "plan_is_default",
                _("This is the workspace's default plan; make another plan the default first."),
            )
        if selectors.customers_on_plan(plan):
            raise conflict(
                "plan_in_use",
                _("Customers have this plan; give them another plan first."),
            )
        audit.record(actor, "plan.deleted", plan, data={"name": plan.name})
        plan.delete()


def set_default_plan(actor: Actor, *, plan: SupportPlan | None) -> None:
    """Make `plan` the plan of every customer without one of its own (None: no default).
    The clocks of the tickets of the old and the new default are recalculated."""
    policies.require(actor, "plans.manage")
    workspace_id = actor.workspace_id
    if plan is not None and plan.partner_id != workspace_id:
        raise not_found()
    now = clock.now()
    with transaction.atomic(durable=True):
        # Lock the workspace's plans in one order so two switches cannot interleave.
        current = list(
            SupportPlan.objects.select_for_update()
            .filter(partner_id=workspace_id)
            .order_by("pk")
            .only("id", "is_default", "version")
        )
        previous = [p for p in current if p.is_default and (plan is None or p.pk != plan.pk)]
        # The old default first: the constraint allows one default per workspace at any moment.
        for old in previous:
            old.is_default, old.version, old.updated_at = False, old.version + 1, now
            old.save(update_fields=["is_default", "version", "updated_at"])
            recalculate_ticket_clocks(partner_id=workspace_id, plan_id=old.pk)
        if plan is not None:
            locked = next(p for p in current if p.pk == plan.pk)
            if not locked.is_default:
                plan.is_default, plan.version, plan.updated_at = True, locked.version + 1, now
                plan.save(update_fields=["is_default", "version", "updated_at"])
                recalculate_ticket_clocks(partner_id=workspace_id, plan_id=plan.pk)
        audit.record(
            actor,
            "plan.default_set",
            plan,
            partner_id=workspace_id,
            data={
                "plan": str(plan.pk) if plan else None,
                "previous": [str(p.pk) for p in previous],
            },
        )


def assign_plan(actor: Actor, *, customer: Customer, plan: SupportPlan | None) -> Customer:
    """Give a customer a plan (None: the workspace default); its open tickets are recalculated.

    Needs "customers.manage": which plan a customer bought is part of the customer's record,
    kept by those who create and change customers (admin agents, global admins), while what the
    plans are ("plans.manage") stays with the partner owner. Customer-limited staff reach only
    their customers.
    """
    _require_own(actor, customer.partner_id, "customers.manage")
    if not actor.sees_customer(customer.pk):
        raise not_found()
    if plan is not None and plan.partner_id != customer.partner_id:
        raise invalid("support_plan_id", _("Choose a plan of this workspace."))
    previous = customer.support_plan_id
    with transaction.atomic(durable=True):
        Customer.objects.filter(pk=customer.pk).update(support_plan=plan)
        customer.support_plan = plan
        audit.record(
            actor,
            "customer.plan_assigned",
            customer,
            customer_id=customer.pk,
            data={
                "plan": str(plan.pk) if plan else None,
                "previous": str(previous) if previous else None,
            },
        )
        recalculate_ticket_clocks(partner_id=customer.partner_id, customer_id=customer.pk)
    return customer


# --- the workspace's instance ------------------------------------------------------------------


def refuse_21vianet_without_24x7_plans(workspace: Partner, *, previous_instance: str) -> None:
    """Registered with partners.checks: a workspace moves to the 21Vianet instance only when
    every plan it has is open around the clock (run inside the workspace's update)."""
    if workspace.instance != Instance.CHINA_21VIANET or previous_instance == workspace.instance:
        return
    names = selectors.plans_not_round_the_clock(workspace_id=workspace.pk)
    if names:
        raise invalid(
            "instance",
            _("%(rule)s These plans are not: %(plans)s.")
            % {"rule": VIANET_RULE, "plans": ", ".join(names)},
            "not_24x7",
        )
