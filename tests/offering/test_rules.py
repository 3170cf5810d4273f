"""RULES.md section 2: a workspace on the 21Vianet instance supports customers 24x7, so every
support plan it has runs on a calendar open around the clock, whichever write would break it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from partnerdesk.core.errors import DomainError
from partnerdesk.offering import actions
from partnerdesk.offering.models import BusinessCalendar, CalendarException, SupportPlan
from partnerdesk.partners import actions as partner_actions
from partnerdesk.partners.models import Partner
from tests.kit import Workspace, api_client, problem

from .conftest import ALL_DAY, OFFICE_WEEK, make_24x7_calendar, make_calendar, make_plan

pytestmark = pytest.mark.django_db


def refused_for_21vianet(call: Callable[[], Any], field: str = "calendar") -> None:
    with pytest.raises(DomainError) as caught:
        call()
    error = caught.value
    assert error.status == 422
    assert [(e.field, e.code) for e in error.errors] == [(field, "not_24x7")]
    assert "24 hours a day, 365 days a year" in str(error.errors[0].message)


def test_a_plan_on_office_hours_is_refused(vianet: Workspace) -> None:
    office = make_calendar(
        vianet, time_zone="Asia/Shanghai", holiday_country="CN", holiday_subdivision=""
    )
    refused_for_21vianet(lambda: make_plan(vianet, office))
    assert not SupportPlan.objects.filter(partner=vianet.partner).exists()


@pytest.mark.parametrize(
    "calendar_fields",
    [
        {"always_open": True, "weekly": {}},
        {"weekly": ALL_DAY},
    ],
    ids=["always_open", "every_day_all_day"],
)
def test_a_plan_on_a_24x7_calendar_is_accepted(
    vianet: Workspace, calendar_fields: dict[str, Any]
) -> None:
    calendar = make_24x7_calendar(vianet, **calendar_fields)
    plan = make_plan(vianet, calendar)
    assert plan.calendar_id == calendar.pk


def test_moving_a_plan_to_office_hours_is_refused(vianet: Workspace) -> None:
    plan = make_plan(vianet, make_24x7_calendar(vianet))
    around_the_clock = plan.calendar_id
    office = make_calendar(
        vianet, time_zone="Asia/Shanghai", holiday_country="CN", holiday_subdivision=""
    )
    refused_for_21vianet(
        lambda: actions.update_plan(
            vianet.actor("global_admin"), plan=plan, changes=actions.PlanChanges(calendar=office)
        )
    )
    stored = SupportPlan.objects.get(pk=plan.pk)
    assert (stored.calendar_id, stored.version) == (around_the_clock, 1)


@pytest.mark.parametrize(
    "changes",
    [
        actions.CalendarChanges(weekly={d: h for d, h in ALL_DAY.items() if d != "sun"}),
        actions.CalendarChanges(weekly=OFFICE_WEEK),
        actions.CalendarChanges(holiday_country="CN"),
    ],
    ids=["without_sunday", "office_hours", "public_holidays"],
)
def test_the_calendar_of_a_plan_may_not_stop_being_24x7(
    vianet: Workspace, changes: actions.CalendarChanges
) -> None:
    calendar = make_24x7_calendar(vianet)
    make_plan(vianet, calendar)
    refused_for_21vianet(
        lambda: actions.update_calendar(
            vianet.actor("global_admin"), calendar=calendar, changes=changes
        )
    )
    stored = BusinessCalendar.objects.get(pk=calendar.pk)
    assert (stored.weekly, stored.holiday_country, stored.version) == (ALL_DAY, "", 1)


def test_switching_always_open_off_is_refused(vianet: Workspace) -> None:
    calendar = make_24x7_calendar(vianet, always_open=True, weekly=OFFICE_WEEK)
    make_plan(vianet, calendar)
    refused_for_21vianet(
        lambda: actions.update_calendar(
            vianet.actor("global_admin"),
            calendar=calendar,
            changes=actions.CalendarChanges(always_open=False),
        )
    )
    assert BusinessCalendar.objects.get(pk=calendar.pk).always_open


@pytest.mark.parametrize("always_open", [False, True])
def test_closing_a_plan_calendar_for_a_day_is_refused(vianet: Workspace, always_open: bool) -> None:
    calendar = make_24x7_calendar(vianet, always_open=always_open)
    make_plan(vianet, calendar)
    refused_for_21vianet(
        lambda: actions.add_calendar_exception(
            vianet.actor("global_admin"),
            calendar=calendar,
            date=dt.date(2026, 10, 1),
            kind="closed",
            note="National Day",
        )
    )
    assert not CalendarException.objects.filter(calendar=calendar).exists()


def test_a_short_extra_day_on_a_plan_calendar_is_refused(vianet: Workspace) -> None:
    calendar = make_24x7_calendar(vianet)
    make_plan(vianet, calendar)
    refused_for_21vianet(
        lambda: actions.add_calendar_exception(
            vianet.actor("global_admin"),
            calendar=calendar,
            date=dt.date(2026, 10, 1),
            kind="open",
            hours=[["09:00", "17:00"]],
        )
    )


def test_a_calendar_no_plan_uses_may_keep_office_hours(vianet: Workspace) -> None:
    calendar = make_calendar(
        vianet, time_zone="Asia/Shanghai", holiday_country="CN", holiday_subdivision=""
    )
    actions.update_calendar(
        vianet.actor("global_admin"),
        calendar=calendar,
        changes=actions.CalendarChanges(weekly={"mon": [["09:00", "12:00"]]}),
    )
    assert BusinessCalendar.objects.get(pk=calendar.pk).version == 2


def test_other_instances_may_publish_office_hours(ws: Workspace) -> None:
    plan = make_plan(ws, make_calendar(ws))
    assert plan.pk is not None


def _switch_to_21vianet(ws: Workspace) -> Callable[[], Any]:
    return lambda: partner_actions.update_workspace(
        ws.actor("global_admin"),
        workspace=Partner.objects.get(pk=ws.partner.pk),
        changes=partner_actions.WorkspaceChanges(instance="china_21vianet"),
    )


def test_a_workspace_with_office_hours_plans_cannot_move_to_21vianet(ws: Workspace) -> None:
    make_plan(ws, make_24x7_calendar(ws), "Premier")
    make_plan(ws, make_calendar(ws), "Standard")
    with pytest.raises(DomainError) as caught:
        _switch_to_21vianet(ws)()
    error = caught.value.errors[0]
    assert (error.field, error.code) == ("instance", "not_24x7")
    assert "Standard" in str(error.message)
    assert "Premier" not in str(error.message)
    assert Partner.objects.get(pk=ws.partner.pk).instance == "global"


def test_a_workspace_with_24x7_plans_only_moves_to_21vianet(ws: Workspace) -> None:
    make_plan(ws, make_24x7_calendar(ws), "Premier")
    make_calendar(ws)  # office hours no plan uses
    _switch_to_21vianet(ws)()
    assert Partner.objects.get(pk=ws.partner.pk).instance == "china_21vianet"


def test_the_workspace_api_refuses_the_move_with_the_reason(ws: Workspace) -> None:
    make_plan(ws, make_calendar(ws), "Standard")
    response = api_client(ws.member("global_admin")).patch(
        "/api/v1/workspace", {"instance": "china_21vianet"}, content_type="application/json"
    )
    assert response.status_code == 422
    error = problem(response)["errors"][0]
    assert (error["field"], error["code"]) == ("instance", "not_24x7")
    assert "24 hours a day, 365 days a year" in error["message"]
    assert Partner.objects.get(pk=ws.partner.pk).instance == "global"
