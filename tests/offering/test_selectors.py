"""Reads of the offering: the plan in effect, service hours in the viewer's zone, the compiled
calendar cache, the public offering, and the request to recalculate ticket clocks."""

from __future__ import annotations

import datetime as dt
import importlib
import logging
from typing import Any

import pytest

from partnerdesk.core.errors import DomainError
from partnerdesk.offering import access, actions, selectors
from partnerdesk.offering.actions import common
from partnerdesk.sla.engine import spec_to_data
from tests.kit import Workspace

from .conftest import make_24x7_calendar, make_calendar, make_plan

pytestmark = pytest.mark.django_db

BERLIN = dt.timezone(dt.timedelta(hours=1))  # CET, in November


def test_the_plan_in_effect_is_the_customers_else_the_default(ws: Workspace) -> None:
    admin = ws.actor("global_admin")
    customer = ws.customers["a"]
    calendar = make_calendar(ws)
    basic, gold = make_plan(ws, calendar, "Basic"), make_plan(ws, calendar, "Gold")
    assert selectors.plan_in_effect(customer=customer) is None
    actions.set_default_plan(admin, plan=basic)
    assert selectors.plan_in_effect(customer=customer) == basic
    actions.assign_plan(admin, customer=customer, plan=gold)
    assert selectors.plan_in_effect(customer=customer) == gold
    assert selectors.plan_in_effect(customer=ws.customers["b"]) == basic


def test_customer_people_see_their_organisations_plan_only(ws: Workspace) -> None:
    admin = ws.actor("global_admin")
    calendar = make_calendar(ws)
    basic, gold = make_plan(ws, calendar, "Basic"), make_plan(ws, calendar, "Gold")
    actions.set_default_plan(admin, plan=basic)
    actions.assign_plan(admin, customer=ws.customers["b"], plan=gold)
    mine = selectors.my_plan(ws.actor("contact"))
    assert mine is not None and mine.name == "Basic"
    theirs = selectors.my_plan(ws.actor("contact_b"))
    assert theirs is not None and theirs.name == "Gold"
    for person in ("contact", "manager"):
        with pytest.raises(DomainError) as caught:
            selectors.plans(ws.actor(person))
        assert caught.value.status == 403
        with pytest.raises(DomainError) as caught:
            access.get_plan_for(ws.actor(person), basic.pk)
        assert caught.value.status == 404
    with pytest.raises(DomainError):
        selectors.my_plan(ws.actor("helpdesk_agent"))


def test_staff_read_every_calendar_and_plan(ws: Workspace, vianet: Workspace) -> None:
    calendar = make_calendar(ws)
    make_plan(ws, calendar)
    make_plan(vianet, make_24x7_calendar(vianet), "Theirs")
    for person in ("helpdesk_agent", "sales_agent", "billing_admin", "limited_agent"):
        actor = ws.actor(person)
        assert [c.name for c in selectors.calendars(actor)] == ["Munich office"]
        assert [p.name for p in selectors.plans(actor)] == ["Standard"]
        assert access.get_calendar_for(actor, calendar.pk) == calendar


def test_the_public_offering_holds_published_plans_only(ws: Workspace) -> None:
    calendar = make_calendar(ws)
    make_plan(ws, calendar, "Internal")
    make_plan(ws, calendar, "Gold", is_published=True, position=2)
    make_plan(ws, calendar, "Basic", is_published=True, position=1)
    found = selectors.published_offering(slug=ws.partner.slug)
    assert found is not None
    workspace, plans = found
    assert workspace == ws.partner
    assert [p.name for p in plans] == ["Basic", "Gold"]
    assert selectors.published_offering(slug="nobody-here") is None


def test_service_hours_of_a_berlin_calendar_seen_from_shanghai(ws: Workspace) -> None:
    """Mon-Fri 08:00-17:00 in Munich is 15:00-24:00 in Shanghai in winter (CET = UTC+1,
    China = UTC+8): the Berlin day ends at Shanghai midnight. 2026-12-24 is a working Thursday
    but the 25th and 26th are Bavarian public holidays (Christmas)."""
    plan = make_plan(ws, make_calendar(ws))
    week = selectors.service_hours(plan, time_zone="Asia/Shanghai", start=dt.date(2026, 12, 21))
    assert [(d.day.isoformat(), d.periods) for d in week] == [
        ("2026-12-21", [("15:00", "24:00")]),
        ("2026-12-22", [("15:00", "24:00")]),
        ("2026-12-23", [("15:00", "24:00")]),
        ("2026-12-24", [("15:00", "24:00")]),
        ("2026-12-25", []),
        ("2026-12-26", []),
        ("2026-12-27", []),
    ]


def test_service_hours_follow_summer_time_and_cross_the_local_midnight(ws: Workspace) -> None:
    """In summer (CEST = UTC+2) 08:00-17:00 is 14:00-23:00 in Shanghai; 22:00-02:00 Berlin time
    is 04:00-08:00 the next Shanghai day."""
    plan = make_plan(
        ws, make_calendar(ws, weekly={"mon": [["08:00", "17:00"], ["22:00", "02:00"]]})
    )
    days = selectors.service_hours(
        plan, time_zone="Asia/Shanghai", start=dt.date(2026, 7, 6), days=2
    )
    assert [d.periods for d in days] == [[("14:00", "23:00")], [("04:00", "08:00")]]


def test_service_hours_of_a_24x7_plan(ws: Workspace) -> None:
    plan = make_plan(ws, make_24x7_calendar(ws, always_open=True))
    days = selectors.service_hours(plan, time_zone="America/New_York", start=dt.date(2026, 3, 8))
    assert all(d.periods == [("00:00", "24:00")] for d in days)


def test_the_compiled_calendar_is_cached_per_version(ws: Workspace) -> None:
    admin = ws.actor("global_admin")
    calendar = make_calendar(ws)
    christmas_eve = dt.datetime(2026, 12, 24, 10, tzinfo=BERLIN)
    first = selectors.compiled_calendar(calendar)
    assert first.is_working(christmas_eve)
    assert selectors.compiled_calendar(access.get_calendar_for(admin, calendar.pk)) is first

    actions.add_calendar_exception(
        admin, calendar=calendar, date=dt.date(2026, 12, 24), kind="closed"
    )
    closed = selectors.compiled_calendar(access.get_calendar_for(admin, calendar.pk))
    assert closed is not first
    assert not closed.is_working(christmas_eve)

    saturday = dt.datetime(2026, 12, 19, 10, tzinfo=BERLIN)
    assert not closed.is_working(saturday)
    actions.update_calendar(
        admin,
        calendar=access.get_calendar_for(admin, calendar.pk),
        changes=actions.CalendarChanges(weekly={"sat": [["09:00", "13:00"]]}),
    )
    reopened = selectors.compiled_calendar(access.get_calendar_for(admin, calendar.pk))
    assert reopened.is_working(saturday)
    assert not reopened.is_working(dt.datetime(2026, 12, 21, 10, tzinfo=BERLIN))


def test_plan_targets_by_severity_and_clock(ws: Workspace) -> None:
    plan = make_plan(ws, make_calendar(ws))
    targets = selectors.plan_targets(plan)
    assert targets[("A", "first_response")].minutes == 60
    assert not targets[("A", "first_response")].business_hours
    assert ("A", "resolution") not in targets


class RecordingTask:
    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def enqueue(self, **kwargs: Any) -> None:
        self.calls.append(kwargs)


recalculate_sla = RecordingTask()


def test_changes_ask_the_tickets_app_to_recalculate_after_commit(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    monkeypatch.setattr(common, "RECALCULATE_SLA_TASK", f"{__name__}.recalculate_sla")
    recalculate_sla.calls.clear()
    admin = ws.actor("global_admin")
    calendar = make_calendar(ws)
    basic, gold = make_plan(ws, calendar, "Basic"), make_plan(ws, calendar, "Gold")
    with django_capture_on_commit_callbacks(execute=True):
        actions.update_plan(admin, plan=gold, changes=actions.PlanChanges(warning_percent=50))
        actions.update_calendar(admin, calendar=calendar, changes=actions.CalendarChanges())
        actions.assign_plan(admin, customer=ws.customers["a"], plan=gold)
        actions.set_default_plan(admin, plan=basic)
        actions.set_default_plan(admin, plan=gold)
    partner = str(ws.partner.pk)
    assert recalculate_sla.calls == [
        {"partner_id": partner, "plan_id": str(gold.pk)},
        {
            "partner_id": partner,
            "calendar_id": str(calendar.pk),
            # The hours as they were, to measure the time already run on them.
            "previous_calendar": spec_to_data(selectors.calendar_spec_of(calendar)),
        },
        {"partner_id": partner, "customer_id": str(ws.customers["a"].pk)},
        {"partner_id": partner, "plan_id": str(basic.pk)},
        {"partner_id": partner, "plan_id": str(basic.pk)},
        {"partner_id": partner, "plan_id": str(gold.pk)},
    ]


def test_a_missing_recalculation_task_is_logged_not_fatal(
    ws: Workspace,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(common, "RECALCULATE_SLA_TASK", "tests.offering.nowhere.recalculate_sla")
    plan = make_plan(ws, make_calendar(ws))
    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        actions.update_plan(
            ws.actor("global_admin"), plan=plan, changes=actions.PlanChanges(position=3)
        )
    assert "not recalculated" in caplog.text
    plan.refresh_from_db()
    assert plan.position == 3


def test_the_tickets_apps_recalculation_task_is_found() -> None:
    module, _dot, name = common.RECALCULATE_SLA_TASK.rpartition(".")
    task = getattr(importlib.import_module(module), name)
    assert callable(task.enqueue)
