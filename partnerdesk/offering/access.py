"""Fetching one offering object by id: missing and foreign both give 404.

Calendars and plans are addressed by id only by partner staff (and the system); customer people
reach their plan through `selectors.my_plan`, so for them every id is unknown (404).
"""

from __future__ import annotations

import uuid

from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import not_found

from .models import BusinessCalendar, CalendarException, SupportPlan
from .selectors import with_details


def _workspace(actor: Actor) -> uuid.UUID:
    if not (actor.is_staff or actor.is_system) or actor.partner_id is None:
        raise not_found()
    return actor.partner_id


def _uuid(value: object) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise not_found() from None


def get_calendar_for(actor: Actor, calendar_id: object) -> BusinessCalendar:
    """A calendar of the actor's workspace, with its exceptions (staff)."""
    calendar = (
        BusinessCalendar.objects.filter(partner_id=_workspace(actor), pk=_uuid(calendar_id))
        .prefetch_related("exceptions")
        .first()
    )
    if calendar is None:
        raise not_found()
    return calendar


def get_calendar_exception_for(actor: Actor, exception_id: object) -> CalendarException:
    """A closure or extra working day of one of the workspace's calendars (staff)."""
    try:
        pk = int(str(exception_id))
    except ValueError:
        raise not_found() from None
    if not 0 < pk < 2**63:
        raise not_found()
    exception = (
        CalendarException.objects.select_related("calendar")
        .filter(partner_id=_workspace(actor), pk=pk)
        .first()
    )
    if exception is None:
        raise not_found()
    return exception


def get_plan_for(actor: Actor, plan_id: object) -> SupportPlan:
    """A plan of the actor's workspace with calendar, targets and channels (staff)."""
    plan = with_details(
        SupportPlan.objects.filter(partner_id=_workspace(actor), pk=_uuid(plan_id))
    ).first()
    if plan is None:
        raise not_found()
    return plan
