"""/api/v1/calendars, /plans, a customer's plan and /my-plan: shapes, errors, permissions,
isolation between workspaces and flat query counts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client

from partnerdesk.offering import actions
from partnerdesk.offering.models import BusinessCalendar, CalendarException, SupportPlan
from tests.kit import Workspace, api_client, max_queries, problem

from .conftest import OFFICE_WEEK, make_24x7_calendar, make_calendar, make_plan

pytestmark = pytest.mark.django_db


def post(client: Client, path: str, body: dict[str, Any], **headers: Any) -> Any:
    return client.post(f"/api/v1{path}", body, content_type="application/json", **headers)


def patch(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.patch(f"/api/v1{path}", body, content_type="application/json")


def put(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.put(f"/api/v1{path}", body, content_type="application/json")


def fields(response: Any) -> list[str]:
    assert response.status_code == 422, response.content
    return [e["field"] for e in problem(response)["errors"]]


PLAN_BODY: dict[str, Any] = {
    "name": "Business",
    "description": "Office hours support in German and English.",
    "support_kinds": ["how_to", "configuration"],
    "languages": ["de", "en"],
    "currency": "EUR",
    "monthly_fee": "149.00",
    "per_incident_fee": None,
    "hourly_rate": "95.5",
    "targets": [
        {"severity": "A", "clock": "first_response", "minutes": 60, "business_hours": False},
        {"severity": "B", "clock": "resolution", "minutes": 2400},
    ],
    "channels": [
        {"kind": "email", "address": "support@nordwind.example"},
        {"kind": "phone", "address": "+49 89 1234567", "note": "severity A"},
    ],
}


def test_a_partner_owner_publishes_calendar_and_plan(ws: Workspace) -> None:
    admin = api_client(ws.member("global_admin"))
    created = post(
        admin,
        "/calendars",
        {
            "name": "Munich",
            "time_zone": "Europe/Berlin",
            "weekly": {"mon": [["13:00", "17:00"], ["08:00", "12:00"]], "fri": [["8:00", "15:00"]]},
            "holiday_country": "de",
            "holiday_subdivision": "by",
        },
    )
    assert created.status_code == 201, created.content
    calendar = created.json()
    assert calendar["weekly"] == {
        "mon": [["08:00", "12:00"], ["13:00", "17:00"]],
        "fri": [["08:00", "15:00"]],
    }
    assert (calendar["holiday_country"], calendar["holiday_subdivision"]) == ("DE", "BY")
    assert (calendar["is_24x7"], calendar["version"]) == (False, 1)

    closed = post(
        admin,
        f"/calendars/{calendar['id']}/exceptions",
        {"date": "2026-12-24", "kind": "closed", "note": "Christmas Eve"},
    )
    assert closed.status_code == 201, closed.content
    again = admin.get(f"/api/v1/calendars/{calendar['id']}").json()
    assert again["version"] == 2
    assert again["exceptions"] == [
        {
            "id": closed.json()["id"],
            "date": "2026-12-24",
            "kind": "closed",
            "hours": [],
            "note": "Christmas Eve",
        }
    ]

    made = post(admin, "/plans", {**PLAN_BODY, "calendar_id": calendar["id"]})
    assert made.status_code == 201, made.content
    plan = made.json()
    assert plan["calendar"]["id"] == calendar["id"]
    assert plan["calendar"]["exceptions"][0]["date"] == "2026-12-24"
    assert plan["pricing"] == {
        "currency": "EUR",
        "monthly_fee": "149.00",
        "per_incident_fee": None,
        "hourly_rate": "95.50",
        "note": "",
        "is_free": False,
    }
    assert plan["targets"] == [
        {"severity": "A", "clock": "first_response", "minutes": 60, "business_hours": False},
        {"severity": "B", "clock": "resolution", "minutes": 2400, "business_hours": True},
    ]
    assert [c["kind"] for c in plan["channels"]] == ["email", "phone"]
    assert plan["pauses"] == {
        "pending_customer": ["first_response", "next_update", "resolution"],
        "pending_vendor": ["resolution"],
    }
    assert (plan["warning_percent"], plan["is_default"], plan["version"]) == (75, False, 1)

    changed = patch(admin, f"/plans/{plan['id']}", {"hourly_rate": None, "warning_percent": 90})
    assert changed.status_code == 200, changed.content
    assert changed.json()["pricing"]["hourly_rate"] is None
    assert changed.json()["pricing"]["monthly_fee"] == "149.00"
    assert (changed.json()["warning_percent"], changed.json()["version"]) == (90, 2)

    default = post(admin, f"/plans/{plan['id']}/default", {})
    assert default.status_code == 200 and default.json()["is_default"]
    assert admin.delete(f"/api/v1/plans/{plan['id']}").status_code == 409
    undone = admin.delete(f"/api/v1/plans/{plan['id']}/default")
    assert undone.status_code == 200 and not undone.json()["is_default"]
    assert admin.delete(f"/api/v1/calendars/{calendar['id']}").status_code == 409
    assert admin.delete(f"/api/v1/plans/{plan['id']}").status_code == 204
    assert admin.delete(f"/api/v1/calendars/{calendar['id']}").status_code == 204
    assert not BusinessCalendar.objects.filter(partner=ws.partner).exists()


def test_bad_input_is_a_422_naming_the_field(ws: Workspace, vianet: Workspace) -> None:
    admin = api_client(ws.member("global_admin"))
    calendar = make_calendar(ws)
    base = {"name": "X", "time_zone": "Europe/Berlin"}
    assert fields(
        post(
            admin,
            "/calendars",
            {**base, "weekly": {"mon": [["09:00", "08:00"], ["07:00", "10:00"]]}},
        )
    ) == ["weekly.mon"]
    assert fields(
        post(admin, "/calendars", {**base, "time_zone": "Europe/Atlantis", "weekly": OFFICE_WEEK})
    ) == ["time_zone"]
    assert fields(
        post(admin, "/calendars", {**base, "weekly": OFFICE_WEEK, "holiday_country": "QQ"})
    ) == ["holiday_country"]
    assert fields(
        post(admin, f"/calendars/{calendar.pk}/exceptions", {"date": "2026-05-02", "kind": "open"})
    ) == ["hours"]
    plan = {**PLAN_BODY, "calendar_id": str(calendar.pk)}
    bad_target = {"severity": "B", "clock": "resolution", "minutes": 0}
    assert fields(post(admin, "/plans", {**plan, "targets": [bad_target]})) == ["targets.0.minutes"]
    assert fields(post(admin, "/plans", {**plan, "currency": ""})) == ["currency"]
    assert fields(post(admin, "/plans", {**plan, "warning_percent": 100})) == ["warning_percent"]
    assert fields(post(admin, "/plans", {**plan, "pauses": {"closed": ["resolution"]}})) == [
        "pauses"
    ]
    assert not SupportPlan.objects.filter(partner=ws.partner).exists()

    china = api_client(vianet.member("global_admin"))
    office = make_calendar(
        vianet, time_zone="Asia/Shanghai", holiday_country="CN", holiday_subdivision=""
    )
    refused = post(china, "/plans", {**PLAN_BODY, "calendar_id": str(office.pk)})
    assert fields(refused) == ["calendar_id"]
    assert "21Vianet" in problem(refused)["errors"][0]["message"]
    around = make_24x7_calendar(vianet)
    ok = post(china, "/plans", {**PLAN_BODY, "calendar_id": str(around.pk)})
    assert ok.status_code == 201
    moved = patch(china, f"/plans/{ok.json()['id']}", {"calendar_id": str(office.pk)})
    assert fields(moved) == ["calendar_id"]
    no_sunday = patch(china, f"/calendars/{around.pk}", {"weekly": OFFICE_WEEK})
    assert fields(no_sunday) == ["calendar"]
    closure = post(
        china, f"/calendars/{around.pk}/exceptions", {"date": "2026-10-01", "kind": "closed"}
    )
    assert fields(closure) == ["calendar"]


def test_idempotent_plan_creation(ws: Workspace) -> None:
    admin = api_client(ws.member("global_admin"))
    body = {**PLAN_BODY, "calendar_id": str(make_calendar(ws).pk)}
    first = post(admin, "/plans", body, HTTP_IDEMPOTENCY_KEY="plan-1")
    second = post(admin, "/plans", body, HTTP_IDEMPOTENCY_KEY="plan-1")
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["id"] == second.json()["id"]
    assert SupportPlan.objects.filter(partner=ws.partner).count() == 1


def test_a_customers_plan(ws: Workspace) -> None:
    admin_agent = api_client(ws.member("admin_agent"))
    calendar = make_calendar(ws)
    basic, gold = make_plan(ws, calendar, "Basic"), make_plan(ws, calendar, "Gold")
    actions.set_default_plan(ws.actor("global_admin"), plan=basic)
    path = f"/customers/{ws.customers['a'].pk}/plan"
    shown = admin_agent.get(f"/api/v1{path}").json()
    assert (shown["support_plan_id"], shown["plan"]["name"]) == (None, "Basic")
    given = put(admin_agent, path, {"support_plan_id": str(gold.pk)})
    assert given.status_code == 200, given.content
    assert (given.json()["support_plan_id"], given.json()["plan"]["name"]) == (str(gold.pk), "Gold")
    back = put(admin_agent, path, {"support_plan_id": None})
    assert (back.json()["support_plan_id"], back.json()["plan"]["name"]) == (None, "Basic")
    helpdesk = api_client(ws.member("helpdesk_agent"))
    assert helpdesk.get(f"/api/v1{path}").status_code == 200
    assert put(helpdesk, path, {"support_plan_id": str(gold.pk)}).status_code == 403
    assert api_client(ws.member("manager")).get(f"/api/v1{path}").status_code == 403


@time_machine.travel(dt.datetime(2026, 12, 21, 1, 0, tzinfo=dt.UTC), tick=False)
def test_a_contact_reads_their_plan_with_service_hours_in_their_zone(ws: Workspace) -> None:
    plan = make_plan(ws, make_calendar(ws), "Basic")
    actions.set_default_plan(ws.actor("global_admin"), plan=plan)
    member = ws.member("contact")
    member.user.time_zone = "Asia/Shanghai"
    member.user.save()
    contact = api_client(member)
    mine = contact.get("/api/v1/my-plan")
    assert mine.status_code == 200, mine.content
    body = mine.json()
    assert body["plan"]["name"] == "Basic"
    assert body["time_zone"] == "Asia/Shanghai"
    # Monday 21 December in Shanghai; Munich's 08:00-17:00 is 15:00-24:00 there.
    assert body["service_hours"][0] == {"day": "2026-12-21", "periods": [["15:00", "24:00"]]}
    assert body["service_hours"][4] == {"day": "2026-12-25", "periods": []}
    assert api_client(ws.member("helpdesk_agent")).get("/api/v1/my-plan").status_code == 403


def test_a_contact_without_a_plan_reads_none(ws: Workspace) -> None:
    body = api_client(ws.member("contact")).get("/api/v1/my-plan").json()
    assert body["plan"] is None and body["service_hours"] == []


@pytest.mark.parametrize("person", ["helpdesk_agent", "sales_agent", "admin_agent"])
def test_staff_read_but_only_the_owner_writes(ws: Workspace, person: str) -> None:
    calendar = make_calendar(ws)
    plan = make_plan(ws, calendar)
    client = api_client(ws.member(person))
    assert client.get("/api/v1/calendars").status_code == 200
    assert client.get(f"/api/v1/plans/{plan.pk}").json()["name"] == "Standard"
    writes = [
        post(client, "/calendars", {"name": "Y", "time_zone": "UTC", "always_open": True}),
        patch(client, f"/calendars/{calendar.pk}", {"name": "Y"}),
        post(
            client, f"/calendars/{calendar.pk}/exceptions", {"date": "2026-05-02", "kind": "closed"}
        ),
        post(client, "/plans", {**PLAN_BODY, "calendar_id": str(calendar.pk)}),
        patch(client, f"/plans/{plan.pk}", {"name": "Y"}),
        post(client, f"/plans/{plan.pk}/default", {}),
        client.delete(f"/api/v1/plans/{plan.pk}"),
    ]
    assert [w.status_code for w in writes] == [403] * len(writes)
    plan.refresh_from_db()
    assert (plan.name, plan.version, plan.is_default) == ("Standard", 1, False)


@pytest.mark.parametrize("person", ["contact", "manager"])
def test_customer_people_reach_no_staff_endpoint(ws: Workspace, person: str) -> None:
    calendar = make_calendar(ws)
    plan = make_plan(ws, calendar)
    client = api_client(ws.member(person))
    assert client.get("/api/v1/calendars").status_code == 403
    assert client.get("/api/v1/plans").status_code == 403
    assert client.get(f"/api/v1/plans/{plan.pk}").status_code == 404
    assert client.get(f"/api/v1/calendars/{calendar.pk}").status_code == 404
    assert patch(client, f"/plans/{plan.pk}", {"name": "Mine"}).status_code == 404
    own = f"/customers/{ws.customers['a'].pk}/plan"
    assert put(client, own, {"support_plan_id": str(plan.pk)}).status_code == 404
    assert SupportPlan.objects.get(pk=plan.pk).name == "Standard"


def test_another_workspace_gets_404_and_changes_nothing(ws: Workspace, vianet: Workspace) -> None:
    calendar = make_calendar(ws)
    plan = make_plan(ws, calendar)
    closure = actions.add_calendar_exception(
        ws.actor("global_admin"), calendar=calendar, date=dt.date(2026, 5, 2), kind="closed"
    )
    theirs = make_plan(vianet, make_24x7_calendar(vianet))
    intruder = api_client(vianet.member("global_admin"))
    calls = [
        intruder.get(f"/api/v1/calendars/{calendar.pk}"),
        patch(intruder, f"/calendars/{calendar.pk}", {"name": "Taken"}),
        intruder.delete(f"/api/v1/calendars/{calendar.pk}/exceptions/{closure.pk}"),
        intruder.delete(
            f"/api/v1/calendars/{make_24x7_calendar(vianet, 'Own').pk}/exceptions/{closure.pk}"
        ),
        intruder.get(f"/api/v1/plans/{plan.pk}"),
        patch(intruder, f"/plans/{plan.pk}", {"name": "Taken"}),
        post(intruder, f"/plans/{plan.pk}/default", {}),
        intruder.delete(f"/api/v1/plans/{plan.pk}"),
        patch(intruder, f"/plans/{theirs.pk}", {"calendar_id": str(calendar.pk)}),
        put(
            intruder, f"/customers/{ws.customers['a'].pk}/plan", {"support_plan_id": str(theirs.pk)}
        ),
    ]
    assert [c.status_code for c in calls] == [404] * len(calls)
    owner = api_client(ws.member("global_admin"))
    foreign_plan = put(
        owner, f"/customers/{ws.customers['a'].pk}/plan", {"support_plan_id": str(theirs.pk)}
    )
    assert foreign_plan.status_code == 404
    assert CalendarException.objects.filter(pk=closure.pk).exists()
    assert SupportPlan.objects.filter(
        pk=plan.pk, name="Standard", version=1, is_default=False
    ).exists()
    assert BusinessCalendar.objects.get(pk=calendar.pk).version == 2
    assert SupportPlan.objects.get(pk=theirs.pk).calendar_id != calendar.pk
    assert intruder.get("/api/v1/plans").json()["items"][0]["id"] == str(theirs.pk)


def test_lists_take_the_same_queries_however_many_rows(ws: Workspace) -> None:
    admin = api_client(ws.member("global_admin"))
    calendar = make_calendar(ws, "First")
    make_plan(ws, calendar, "Plan 0")
    admin.get("/api/v1/plans")  # warm the token and session caches
    with max_queries(100) as few:
        assert admin.get("/api/v1/plans").status_code == 200
    with max_queries(100) as few_calendars:
        assert admin.get("/api/v1/calendars").status_code == 200
    for n in range(1, 6):
        other = make_calendar(ws, f"Calendar {n}")
        actions.add_calendar_exception(
            ws.actor("global_admin"), calendar=other, date=dt.date(2026, 5, n), kind="closed"
        )
        make_plan(ws, other, f"Plan {n}")
    with max_queries(len(few.captured_queries)):
        assert len(admin.get("/api/v1/plans").json()["items"]) == 6
    with max_queries(len(few_calendars.captured_queries)):
        assert len(admin.get("/api/v1/calendars").json()["items"]) == 6
