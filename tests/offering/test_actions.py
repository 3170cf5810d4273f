"""The offering's writes: validation naming the field, versions, defaults, deletes, audit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from partnerdesk.core.errors import DomainError
from partnerdesk.core.models import AuditEntry
from partnerdesk.customers.models import Customer
from partnerdesk.offering import actions
from partnerdesk.offering.enums import DEFAULT_PAUSES
from partnerdesk.offering.models import BusinessCalendar, PlanTarget, SupportPlan
from tests.kit import Workspace

from .conftest import make_24x7_calendar, make_calendar, make_plan

pytestmark = pytest.mark.django_db


def refused(call: Callable[[], Any]) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call()
    return caught.value


def field_of(call: Callable[[], Any]) -> str:
    error = refused(call)
    assert error.status == 422, error
    assert len(error.errors) == 1
    return error.errors[0].field


# --- calendars ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"weekly": {"mon": [["08:00", "12:00"], ["11:00", "17:00"]]}}, "weekly.mon"),
        ({"weekly": {"tue": [["08:00", "25:00"]]}}, "weekly.tue"),
        ({"weekly": {"wed": [["8 am", "17:00"]]}}, "weekly.wed"),
        ({"weekly": {"mon": [["09:00", "09:00"]]}}, "weekly.mon"),
        ({"weekly": {"funday": [["09:00", "17:00"]]}}, "weekly"),
        ({"weekly": {}}, "weekly"),
        # Sunday's overnight shift runs into Monday's hours.
        ({"weekly": {"sun": [["22:00", "06:00"]], "mon": [["05:00", "12:00"]]}}, "weekly"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"holiday_country": "XX", "holiday_subdivision": ""}, "holiday_country"),
        ({"holiday_country": "DE", "holiday_subdivision": "ZZ"}, "holiday_subdivision"),
        ({"holiday_country": "", "holiday_subdivision": "BY"}, "holiday_country"),
        ({"name": "  "}, "name"),
    ],
)
def test_a_bad_calendar_is_refused_naming_the_field(
    ws: Workspace, given: dict[str, Any], field: str
) -> None:
    assert field_of(lambda: make_calendar(ws, **given)) == field
    assert not BusinessCalendar.objects.filter(partner=ws.partner).exists()


def test_calendar_names_are_unique_per_workspace(ws: Workspace, vianet: Workspace) -> None:
    make_calendar(ws, "Office")
    assert field_of(lambda: make_calendar(ws, "Office")) == "name"
    make_24x7_calendar(vianet, "Office")
    calendar = make_calendar(ws, "Other")
    update = actions.CalendarChanges(name="Office")
    assert (
        field_of(
            lambda: actions.update_calendar(
                ws.actor("global_admin"), calendar=calendar, changes=update
            )
        )
        == "name"
    )


def test_weekly_hours_are_stored_sorted_and_overnight_hours_allowed(ws: Workspace) -> None:
    calendar = make_calendar(
        ws,
        weekly={"fri": [["22:00", "06:00"], ["08:00", "12:00"]], "sat": [["10:00", "24:00"]]},
        holiday_country="",
        holiday_subdivision="",
    )
    calendar.refresh_from_db()
    assert calendar.weekly == {
        "fri": [["08:00", "12:00"], ["22:00", "06:00"]],
        "sat": [["10:00", "24:00"]],
    }


def test_a_24x7_calendar_needs_no_weekly_hours(ws: Workspace) -> None:
    calendar = make_calendar(ws, "Always", always_open=True, weekly={}, holiday_country="")
    assert calendar.always_open


def test_every_calendar_change_bumps_the_version_and_is_audited(ws: Workspace) -> None:
    admin = ws.actor("global_admin")
    calendar = make_calendar(ws)
    assert calendar.version == 1
    actions.update_calendar(admin, calendar=calendar, changes=actions.CalendarChanges(name="HQ"))
    exception = actions.add_calendar_exception(
        admin, calendar=calendar, date=dt.date(2026, 12, 24), kind="closed", note="Christmas Eve"
    )
    actions.remove_calendar_exception(admin, exception=exception)
    calendar.refresh_from_db()
    assert calendar.version == 4
    assert list(
        AuditEntry.objects.filter(partner_id=ws.partner.pk, object_id=str(calendar.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    ) == [
        "calendar.created",
        "calendar.updated",
        "calendar.exception_added",
        "calendar.exception_removed",
    ]


@pytest.mark.parametrize(
    ("kind", "hours", "field"),
    [
        ("open", None, "hours"),
        ("open", [["09:00", "13:00"], ["12:00", "14:00"]], "hours"),
        ("open", [["9", "13:00"]], "hours"),
        ("closed", [["09:00", "13:00"]], "hours"),
        ("holiday", None, "kind"),
    ],
)
def test_a_bad_exception_is_refused_naming_the_field(
    ws: Workspace, kind: str, hours: Any, field: str
) -> None:
    calendar = make_calendar(ws)
    assert (
        field_of(
            lambda: actions.add_calendar_exception(
                ws.actor("global_admin"),
                calendar=calendar,
                date=dt.date(2026, 12, 26),
                kind=kind,
                hours=hours,
            )
        )
        == field
    )
    calendar.refresh_from_db()
    assert calendar.version == 1


def test_one_exception_per_date(ws: Workspace) -> None:
    admin = ws.actor("global_admin")
    calendar = make_calendar(ws)
    day = dt.date(2026, 12, 24)
    actions.add_calendar_exception(admin, calendar=calendar, date=day, kind="closed")
    again = lambda: actions.add_calendar_exception(  # noqa: E731
        admin, calendar=calendar, date=day, kind="open", hours=[["09:00", "12:00"]]
    )
    assert field_of(again) == "date"


def test_a_24x7_calendar_takes_no_exceptions(ws: Workspace) -> None:
    calendar = make_calendar(ws, "Always", always_open=True, weekly={}, holiday_country="")
    closing = lambda: actions.add_calendar_exception(  # noqa: E731
        ws.actor("global_admin"), calendar=calendar, date=dt.date(2026, 12, 25), kind="closed"
    )
    assert field_of(closing) == "kind"


def test_a_calendar_in_use_cannot_be_deleted(ws: Workspace) -> None:
    admin = ws.actor("global_admin")
    calendar = make_calendar(ws)
    plan = make_plan(ws, calendar)
    error = refused(lambda: actions.delete_calendar(admin, calendar=calendar))
    assert (error.status, error.code) == (409, "calendar_in_use")
    actions.delete_plan(admin, plan=plan)
    actions.delete_calendar(admin, calendar=calendar)
    assert not BusinessCalendar.objects.filter(pk=calendar.pk).exists()


# --- plans -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"targets": [actions.TargetInput("A", "first_response", 0)]}, "targets.0.minutes"),
        ({"targets": [actions.TargetInput("A", "first_response", -30)]}, "targets.0.minutes"),
        ({"targets": [actions.TargetInput("D", "first_response", 30)]}, "targets.0.severity"),
        ({"targets": [actions.TargetInput("A", "lunch", 30)]}, "targets.0.clock"),
        (
            {
                "targets": [
                    actions.TargetInput("A", "resolution", 30),
                    actions.TargetInput("A", "resolution", 60),
                ]
            },
            "targets.1",
        ),
        ({"channels": [actions.ChannelInput("pigeon")]}, "channels.0.kind"),
        ({"channels": [actions.ChannelInput("email", "not an address")]}, "channels.0.address"),
        ({"channels": [actions.ChannelInput("phone", "call us")]}, "channels.0.address"),
        ({"support_kinds": ["how_to", "knitting"]}, "support_kinds"),
        ({"pauses": {"resolved": ["resolution"]}}, "pauses"),
        ({"pauses": {"sleeping": ["resolution"]}}, "pauses"),
        ({"pauses": {"pending_vendor": ["lunch"]}}, "pauses.pending_vendor"),
        ({"warning_percent": 0}, "warning_percent"),
        ({"warning_percent": 100}, "warning_percent"),
        ({"currency": "EUR", "monthly_fee": Decimal("-1")}, "monthly_fee"),
        ({"currency": "EUR", "hourly_rate": Decimal("9.999")}, "hourly_rate"),
        ({"per_incident_fee": Decimal("50")}, "currency"),
        ({"currency": "EURO"}, "currency"),
        ({"currency": "E1R"}, "currency"),
        ({"languages": ["de", "xx"]}, "languages"),
        ({"languages": ["klingon"]}, "languages"),
        ({"clear_fees": ["name"]}, "clear_fees"),
        ({"position": -1}, "position"),
    ],
)
def test_a_bad_plan_is_refused_naming_the_field(
    ws: Workspace, given: dict[str, Any], field: str
) -> None:
    calendar = make_calendar(ws)
    assert field_of(lambda: make_plan(ws, calendar, **given)) == field
    assert not SupportPlan.objects.filter(partner=ws.partner).exists()


def test_plan_names_are_unique_per_workspace(ws: Workspace) -> None:
    calendar = make_calendar(ws)
    make_plan(ws, calendar, "Gold")
    assert field_of(lambda: make_plan(ws, calendar, "Gold")) == "name"


def test_a_plan_needs_a_calendar_of_its_own_workspace(ws: Workspace, vianet: Workspace) -> None:
    foreign = make_24x7_calendar(vianet)
    assert field_of(lambda: make_plan(ws, foreign)) == "calendar"
    no_calendar = lambda: actions.create_plan(  # noqa: E731
        ws.actor("global_admin"), changes=actions.PlanChanges(name="Loose")
    )
    assert field_of(no_calendar) == "calendar"


def test_a_new_plan_pauses_as_the_rules_say_and_keeps_its_details(ws: Workspace) -> None:
    plan = make_plan(
        ws,
        make_calendar(ws),
        languages=["EN", "de", "fr", "en"],
        support_kinds=["configuration", "how_to", "how_to"],
        currency="eur",
        monthly_fee=Decimal("49.5"),
    )
    plan.refresh_from_db()
    assert plan.pauses == DEFAULT_PAUSES
    assert plan.warning_percent == 75
    assert plan.languages == ["en", "de", "fr"]
    assert plan.support_kinds == ["how_to", "configuration"]
    assert (plan.currency, plan.monthly_fee, plan.is_free) == ("EUR", Decimal("49.50"), False)
    assert {(t.severity, t.clock, t.minutes) for t in plan.targets.all()} == {
        ("A", "first_response", 60),
        ("B", "first_response", 240),
        ("B", "resolution", 2400),
    }
    assert [c.kind for c in plan.channels.order_by("position")] == ["portal", "email"]


def test_updating_a_plan_replaces_targets_bumps_the_version_and_clears_fees(
    ws: Workspace,
) -> None:
    plan = make_plan(ws, make_calendar(ws), currency="EUR", hourly_rate=Decimal("90"))
    actions.update_plan(
        ws.actor("global_admin"),
        plan=plan,
        changes=actions.PlanChanges(
            targets=[actions.TargetInput("C", "next_update", 480)],
            pauses={"pending_customer": ["resolution"], "on_hold": []},
            warning_percent=80,
            clear_fees=["hourly_rate"],
        ),
    )
    plan.refresh_from_db()
    assert plan.version == 2
    assert list(PlanTarget.objects.filter(plan=plan).values_list("severity", "clock")) == [
        ("C", "next_update")
    ]
    assert plan.pauses == {"pending_customer": ["resolution"]}
    assert (plan.warning_percent, plan.hourly_rate, plan.is_free) == (80, None, True)


def test_switching_the_default_plan(ws: Workspace) -> None:
    admin = ws.actor("global_admin")
    calendar = make_calendar(ws)
    basic, gold = make_plan(ws, calendar, "Basic"), make_plan(ws, calendar, "Gold")
    actions.set_default_plan(admin, plan=basic)
    actions.set_default_plan(admin, plan=gold)
    assert list(
        SupportPlan.objects.filter(partner=ws.partner, is_default=True).values_list(
            "name", flat=True
        )
    ) == ["Gold"]
    basic.refresh_from_db()
    gold.refresh_from_db()
    assert (basic.version, gold.version) == (3, 2)
    actions.set_default_plan(admin, plan=gold)  # already the default: nothing moves
    gold.refresh_from_db()
    assert gold.version == 2
    actions.set_default_plan(admin, plan=None)
    assert not SupportPlan.objects.filter(partner=ws.partner, is_default=True).exists()


def test_a_plan_in_use_or_the_default_cannot_be_deleted(ws: Workspace) -> None:
    admin = ws.actor("global_admin")
    calendar = make_calendar(ws)
    default, bought = make_plan(ws, calendar, "Basic"), make_plan(ws, calendar, "Gold")
    actions.set_default_plan(admin, plan=default)
    actions.assign_plan(admin, customer=ws.customers["a"], plan=bought)
    assert refused(lambda: actions.delete_plan(admin, plan=default)).code == "plan_is_default"
    assert refused(lambda: actions.delete_plan(admin, plan=bought)).code == "plan_in_use"
    actions.assign_plan(admin, customer=ws.customers["a"], plan=None)
    actions.delete_plan(admin, plan=bought)
    assert not SupportPlan.objects.filter(pk=bought.pk).exists()


def test_assigning_a_plan_is_audited_for_the_customer(ws: Workspace, vianet: Workspace) -> None:
    customer = ws.customers["a"]
    plan = make_plan(ws, make_calendar(ws))
    actions.assign_plan(ws.actor("admin_agent"), customer=customer, plan=plan)
    customer.refresh_from_db()
    assert customer.support_plan_id == plan.pk
    entry = AuditEntry.objects.get(action="customer.plan_assigned")
    assert entry.customer_id == customer.pk
    assert entry.data["plan"] == str(plan.pk)
    foreign = make_plan(vianet, make_24x7_calendar(vianet))
    assign_foreign = lambda: actions.assign_plan(  # noqa: E731
        ws.actor("global_admin"), customer=customer, plan=foreign
    )
    assert field_of(assign_foreign) == "support_plan_id"
    customer.refresh_from_db()
    assert customer.support_plan_id == plan.pk


# --- permissions -------------------------------------------------------------------------------


@pytest.mark.parametrize("person", ["admin_agent", "helpdesk_agent", "sales_agent", "contact"])
def test_only_plan_managers_write_the_offering(ws: Workspace, person: str) -> None:
    calendar = make_calendar(ws)
    plan = make_plan(ws, calendar)
    actor = ws.actor(person)
    writes: list[Callable[[], Any]] = [
        lambda: actions.create_calendar(
            actor, changes=actions.CalendarChanges(name="X", time_zone="UTC", always_open=True)
        ),
        lambda: actions.update_calendar(
            actor, calendar=calendar, changes=actions.CalendarChanges(name="Y")
        ),
        lambda: actions.add_calendar_exception(
            actor, calendar=calendar, date=dt.date(2026, 5, 2), kind="closed"
        ),
        lambda: actions.create_plan(actor, changes=actions.PlanChanges(name="Z")),
        lambda: actions.update_plan(actor, plan=plan, changes=actions.PlanChanges(name="Z")),
        lambda: actions.set_default_plan(actor, plan=plan),
        lambda: actions.delete_plan(actor, plan=plan),
        lambda: actions.delete_calendar(actor, calendar=calendar),
    ]
    for write in writes:
        assert refused(write).status == 403
    plan.refresh_from_db()
    assert (plan.name, plan.version, plan.is_default) == ("Standard", 1, False)


@pytest.mark.parametrize(("person", "status"), [("helpdesk_agent", 403), ("manager", 403)])
def test_assigning_a_plan_needs_customers_manage(ws: Workspace, person: str, status: int) -> None:
    plan = make_plan(ws, make_calendar(ws))
    error = refused(
        lambda: actions.assign_plan(ws.actor(person), customer=ws.customers["a"], plan=plan)
    )
    assert error.status == status
    assert Customer.objects.get(pk=ws.customers["a"].pk).support_plan_id is None


def test_another_workspace_cannot_touch_the_offering(ws: Workspace, vianet: Workspace) -> None:
    calendar = make_calendar(ws)
    plan = make_plan(ws, calendar)
    intruder = vianet.actor("global_admin")
    assert refused(lambda: actions.delete_plan(intruder, plan=plan)).status == 404
    assert refused(lambda: actions.set_default_plan(intruder, plan=plan)).status == 404
    assert (
        refused(
            lambda: actions.update_calendar(
                intruder, calendar=calendar, changes=actions.CalendarChanges(name="Mine")
            )
        ).status
        == 404
    )
    assert (
        refused(lambda: actions.assign_plan(intruder, customer=ws.customers["a"], plan=None)).status
        == 404
    )
    assert SupportPlan.objects.filter(pk=plan.pk, is_default=False, version=1).exists()


def test_clearing_something_that_is_not_a_fee_names_it_plainly(ws: Workspace) -> None:
    calendar = make_calendar(ws)
    with pytest.raises(DomainError) as refused:
        make_plan(ws, calendar, clear_fees=["name"])
    message = str(refused.value.errors[0].message)
    assert "cannot be cleared: name." in message
    assert "{" not in message
