"""Writes of business calendars and their exceptions (closures, extra working days)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from partnerdesk.core import audit, clock, policies
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import conflict, invalid
from partnerdesk.customers import checks
from partnerdesk.sla.engine import TWENTY_FOUR_SEVEN, CalendarSpec

from .. import selectors, validation
from ..models import BusinessCalendar, CalendarException
from .common import (
    VIANET_RULE,
    given_fields,
    is_21vianet,
    name_taken_on_race,
    recalculate_ticket_clocks,
    require_own,
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
    if validation.round_the_clock(spec) or not is_21vianet(calendar.partner_id):
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
    with name_taken_on_race(), transaction.atomic(durable=True):
        _check_calendar_name_free(calendar)
        calendar.save(force_insert=True)
        audit.record(actor, "calendar.created", calendar, data={"fields": given_fields(changes)})
    return calendar


def update_calendar(
    actor: Actor, *, calendar: BusinessCalendar, changes: CalendarChanges
) -> BusinessCalendar:
    """Change a calendar; its version moves on and the tickets it times are recalculated.
    Refused on a 21Vianet workspace when a plan uses it and it stops being 24x7."""
    require_own(actor, calendar.partner_id)
    before = selectors.calendar_spec_of(calendar)
    _apply_calendar_changes(calendar, changes)
    with name_taken_on_race(), transaction.atomic(durable=True):
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
            data={"fields": given_fields(changes), "version": calendar.version},
        )
        recalculate_ticket_clocks(
            partner_id=calendar.partner_id, calendar_id=calendar.pk, previous_calendar=before
        )
    return calendar


def delete_calendar(actor: Actor, *, calendar: BusinessCalendar) -> None:
    """Remove a calendar and its exceptions. Refused (409) while a plan uses it."""
    require_own(actor, calendar.partner_id)
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
    require_own(actor, calendar.partner_id)
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
        before = selectors.calendar_spec_of(calendar, existing)
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
        recalculate_ticket_clocks(
            partner_id=calendar.partner_id, calendar_id=calendar.pk, previous_calendar=before
        )
    return exception


def remove_calendar_exception(actor: Actor, *, exception: CalendarException) -> None:
    """Remove a closure or extra working day; the calendar's version moves on."""
    require_own(actor, exception.partner_id)
    calendar = exception.calendar
    with transaction.atomic(durable=True):
        existing = _lock_calendar(calendar)
        before = selectors.calendar_spec_of(calendar, existing)
        remaining = [e for e in existing if e.pk != exception.pk]
        _check_calendar_for_21vianet(calendar, selectors.calendar_spec_of(calendar, remaining))
        audit.record(
            actor,
            "calendar.exception_removed",
            calendar,
            data={"date": exception.date.isoformat(), "kind": exception.kind},
        )
        exception.delete()
        calendar.save(update_fields=["version", "updated_at"])
        recalculate_ticket_clocks(
            partner_id=calendar.partner_id, calendar_id=calendar.pk, previous_calendar=before
        )
