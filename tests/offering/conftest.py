"""Offering test helpers: calendars and plans made through the actions, as a partner owner."""

from __future__ import annotations

from typing import Any

import pytest

from partnerdesk.offering import actions
from partnerdesk.offering.models import BusinessCalendar, SupportPlan
from tests.kit import Workspace, make_workspace

OFFICE_WEEK = {day: [["08:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}
ALL_DAY = {day: [["00:00", "24:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


def make_calendar(ws: Workspace, name: str = "Munich office", **fields: Any) -> BusinessCalendar:
    given: dict[str, Any] = {
        "time_zone": "Europe/Berlin",
        "weekly": OFFICE_WEEK,
        "holiday_country": "DE",
        "holiday_subdivision": "BY",
    }
    given.update(fields)
    return actions.create_calendar(
        ws.actor("global_admin"), changes=actions.CalendarChanges(name=name, **given)
    )


def make_24x7_calendar(
    ws: Workspace, name: str = "Around the clock", **fields: Any
) -> BusinessCalendar:
    """Every day 00:00-24:00 without holidays: 24x7 by its weekly hours (not `always_open`)."""
    given: dict[str, Any] = {
        "time_zone": "Asia/Shanghai",
        "weekly": ALL_DAY,
        "holiday_country": "",
        "holiday_subdivision": "",
    }
    given.update(fields)
    return make_calendar(ws, name, **given)


def make_plan(
    ws: Workspace, calendar: BusinessCalendar, name: str = "Standard", **fields: Any
) -> SupportPlan:
    given: dict[str, Any] = {
        "targets": [
            actions.TargetInput("A", "first_response", 60, business_hours=False),
            actions.TargetInput("B", "first_response", 240),
            actions.TargetInput("B", "resolution", 2400),
        ],
        "channels": [
            actions.ChannelInput("portal"),
            actions.ChannelInput("email", "support@nordwind.example"),
        ],
        "support_kinds": ["how_to", "configuration"],
        "languages": ["de", "en"],
    }
    given.update(fields)
    return actions.create_plan(
        ws.actor("global_admin"),
        changes=actions.PlanChanges(name=name, calendar=calendar, **given),
    )


@pytest.fixture
def vianet(db: None) -> Workspace:
    """A workspace of the 21Vianet (China) instance."""
    return make_workspace("Shanghai Cloud", instance="china_21vianet", time_zone="Asia/Shanghai")
