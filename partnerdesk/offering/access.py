"""Fetching one offering object by id: missing and foreign both give 404.

CONTRACT (to be implemented).
"""

from __future__ import annotations

from partnerdesk.core.actor import Actor

from .models import BusinessCalendar, CalendarException, SupportPlan


def get_calendar_for(actor: Actor, calendar_id: object) -> BusinessCalendar:
    raise NotImplementedError


def get_calendar_exception_for(actor: Actor, exception_id: object) -> CalendarException:
    raise NotImplementedError


def get_plan_for(actor: Actor, plan_id: object) -> SupportPlan:
    raise NotImplementedError
