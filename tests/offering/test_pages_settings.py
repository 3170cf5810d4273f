"""The offering's settings pages (calendars and plans) and a customer's plan in the console:
who sees and changes what, what bad input and the 21Vianet rule get (422, the form kept)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import pytest
import time_machine
from django.test import Client

from partnerdesk.offering.models import BusinessCalendar, CalendarException, SupportPlan
from tests.accounts.helpers import Browser, field_errors, location, text_of
from tests.kit import CUSTOMER_PEOPLE, STAFF, Workspace, max_queries, session_client

from .conftest import ALL_DAY, make_calendar, make_plan

pytestmark = pytest.mark.django_db


def span(start: str, end: str) -> str:
    """An opening period as the pages show it: start and end joined by an en dash."""
    return f"{start}\N{EN DASH}{end}"


READ_ONLY_STAFF = [p for p in STAFF if p != "global_admin"]
LIST_PAGES = ["/settings/calendars/", "/settings/plans/"]


def admin(ws: Workspace) -> Client:
    return session_client(ws.member("global_admin"))


def admin_browser(ws: Workspace) -> Browser:
    """CSRF enforced; submits the forms the pages render."""
    browser = Browser()
    browser.client.cookies = session_client(ws.member("global_admin")).cookies
    return browser


def calendar_form(**changes: str) -> dict[str, str]:
    data = {
        "name": "Munich office",
        "time_zone": "Europe/Berlin",
        "holiday_country": "DE",
        "holiday_subdivision": "BY",
        "mon": "08:00-12:00, 13:00-17:00",
        "tue": "08:00-17:00",
        "wed": "08:00-17:00",
        "thu": "08:00-17:00",
        "fri": "08:00-15:00",
        "sat": "",
        "sun": "",
    }
    data.update(changes)
    return data


def plan_form(calendar: BusinessCalendar, **changes: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Business",
        "description": "Für Firmen mit Bürozeiten.",
        "support_kinds": ["how_to", "configuration"],
        "calendar": str(calendar.pk),
        "languages": "de, en",
        "currency": "eur",
        "monthly_fee": "1234.50",
        "per_incident_fee": "",
        "hourly_rate": "95",
        "pricing_note": "Netto",
        "warning_percent": "80",
        "is_published": "on",
        "position": "1",
        "target_A_first_response": "1:00",
        "clock_A_first_response": "calendar",
        "target_B_first_response": "4",
        "clock_B_first_response": "business",
        "target_B_resolution": "40:00",
        "clock_B_resolution": "business",
        "pause_pending_customer_first_response": "on",
        "pause_pending_customer_resolution": "on",
        "channel_0_kind": "phone",
        "channel_0_address": "+49 89 1234 5678",
        "channel_0_note": "for severity A",
        "channel_1_kind": "email",
        "channel_1_address": "support@nordwind.example",
        "channel_1_note": "",
    }
    for severity in "ABC":
        for clock in ("first_response", "next_update", "resolution"):
            data.setdefault(f"clock_{severity}_{clock}", "business")
    data.update(changes)
    return data


# --- who may open the pages --------------------------------------------------------------------


@pytest.mark.parametrize("url", [*LIST_PAGES, "/settings/calendars/new/", "/settings/plans/new/"])
def test_anonymous_visitors_are_sent_to_sign_in(url: str) -> None:
    response = Client().get(url)
    assert location(response) == "/accounts/login/?" + urlencode({"next": url})


@pytest.mark.parametrize("person", CUSTOMER_PEOPLE)
def test_customer_people_are_told_nothing_is_there(ws: Workspace, person: str) -> None:
    calendar = make_calendar(ws)
    plan = make_plan(ws, calendar)
    client = session_client(ws.member(person))
    for url in [
        *LIST_PAGES,
        f"/settings/calendars/{calendar.pk}/",
        f"/settings/plans/{plan.pk}/",
    ]:
        assert client.get(url).status_code == 404, url
    assert client.post(f"/settings/plans/{plan.pk}/", plan_form(calendar)).status_code == 404
    plan.refresh_from_db()
    assert plan.name == "Standard"


def test_the_settings_menu_links_the_offering_pages(ws: Workspace) -> None:
    body = admin(ws).get("/settings/").content.decode()
    assert 'href="/settings/plans/"' in body
    assert 'href="/settings/calendars/"' in body


@pytest.mark.parametrize("person", READ_ONLY_STAFF)
def test_other_staff_see_calendars_and_plans_read_only(ws: Workspace, person: str) -> None:
    calendar = make_calendar(ws)
    plan = make_plan(ws, calendar)
    client = session_client(ws.member(person))
    listing = client.get("/settings/plans/")
    assert listing.status_code == 200
    assert "Standard" in text_of(listing)
    assert "/settings/plans/new/" not in listing.content.decode()
    for url in (f"/settings/calendars/{calendar.pk}/", f"/settings/plans/{plan.pk}/"):
        page = client.get(url)
        assert page.status_code == 200
        body = page.content.decode()
        assert 'data-testid="read-only"' in body
        assert 'type="submit" class="primary"' not in body
        assert 'name="name" value="' in body and " disabled" in body
    assert client.post(f"/settings/plans/{plan.pk}/", plan_form(calendar)).status_code == 403
    assert client.post("/settings/plans/new/", plan_form(calendar)).status_code == 403
    assert client.post(f"/settings/calendars/{calendar.pk}/", calendar_form()).status_code == 403
    plan.refresh_from_db()
    assert plan.name == "Standard"


# --- calendars ---------------------------------------------------------------------------------


@time_machine.travel(datetime(2026, 12, 21, 9, 0, tzinfo=UTC), tick=False)
def test_the_owner_adds_a_calendar_and_sees_the_holidays_in_the_preview(ws: Workspace) -> None:
    browser = admin_browser(ws)
    page = browser.get("/settings/calendars/new/")
    assert page.status_code == 200
    saved = browser.submit(page, calendar_form())
    calendar = BusinessCalendar.objects.get(partner=ws.partner, name="Munich office")
    assert location(saved) == f"/settings/calendars/{calendar.pk}/"
    assert calendar.weekly["mon"] == [["08:00", "12:00"], ["13:00", "17:00"]]
    assert "sat" not in calendar.weekly
    shown = browser.get(f"/settings/calendars/{calendar.pk}/")
    text = text_of(shown)
    assert "The calendar Munich office is saved." in text
    body = shown.content.decode()
    # Monday 21 December: office hours; Christmas Day (Friday 25) closed, with its name.
    monday = body[body.index('data-day="2026-12-21"') :].split("</tr>")[0]
    assert span("08:00", "12:00") in monday and span("13:00", "17:00") in monday
    christmas = body[body.index('data-day="2026-12-25"') :].split("</tr>")[0]
    assert "Closed" in christmas and "Christmas Day" in christmas
    assert 'value="08:00-12:00, 13:00-17:00"' in body


def test_a_badly_written_interval_is_shown_next_to_its_day(ws: Workspace) -> None:
    response = admin(ws).post(
        "/settings/calendars/new/", calendar_form(tue="8 to 5", name="Typo office")
    )
    assert response.status_code == 422
    errors = field_errors(response)
    assert "HH:MM-HH:MM" in " ".join(errors["tue"])
    assert 'value="8 to 5"' in response.content.decode()
    assert not BusinessCalendar.objects.filter(name="Typo office").exists()


def test_overlapping_intervals_refused_by_the_action_show_next_to_the_day(ws: Workspace) -> None:
    response = admin(ws).post(
        "/settings/calendars/new/", calendar_form(wed="08:00-12:00, 11:00-17:00")
    )
    assert response.status_code == 422
    assert "overlap" in " ".join(field_errors(response)["wed"])
    body = response.content.decode()
    assert 'value="08:00-12:00, 11:00-17:00"' in body
    assert 'value="Munich office"' in body


def test_an_unknown_region_is_refused_next_to_the_region(ws: Workspace) -> None:
    response = admin(ws).post("/settings/calendars/new/", calendar_form(holiday_subdivision="ZZ"))
    assert response.status_code == 422
    assert field_errors(response)["holiday_subdivision"]


@time_machine.travel(datetime(2026, 12, 21, 9, 0, tzinfo=UTC), tick=False)
def test_exceptions_are_added_and_removed_after_confirming(ws: Workspace) -> None:
    calendar = make_calendar(ws)
    browser = admin_browser(ws)
    page = browser.get(f"/settings/calendars/{calendar.pk}/")
    action = f"/settings/calendars/{calendar.pk}/exceptions/"
    added = browser.submit(
        page,
        {"date": "2026-12-24", "kind": "closed", "hours": "", "note": "Betriebsferien"},
        action=action,
    )
    assert location(added) == f"/settings/calendars/{calendar.pk}/"
    shown = browser.get(f"/settings/calendars/{calendar.pk}/").content.decode()
    day = shown[shown.index('data-day="2026-12-24"') :].split("</tr>")[0]
    assert "Closed" in day and "Betriebsferien" in day

    extra = browser.submit(
        browser.get(f"/settings/calendars/{calendar.pk}/"),
        {"date": "2026-12-27", "kind": "open", "hours": "nine to one", "note": ""},
        action=action,
    )
    assert extra.status_code == 422
    assert "HH:MM-HH:MM" in " ".join(field_errors(extra)["hours"])

    exception = CalendarException.objects.get(calendar=calendar, date="2026-12-24")
    confirm = browser.get(f"/settings/calendars/exceptions/{exception.pk}/remove/")
    assert confirm.status_code == 200
    assert CalendarException.objects.filter(pk=exception.pk).exists()  # not before confirming
    removed = browser.submit(confirm, {})
    assert location(removed) == f"/settings/calendars/{calendar.pk}/"
    assert not CalendarException.objects.filter(pk=exception.pk).exists()


def test_a_calendar_a_plan_uses_is_not_deleted(ws: Workspace) -> None:
    calendar = make_calendar(ws)
    make_plan(ws, calendar)
    browser = admin_browser(ws)
    refused = browser.submit(browser.get(f"/settings/calendars/{calendar.pk}/delete/"), {})
    assert location(refused) == f"/settings/calendars/{calendar.pk}/"
    assert BusinessCalendar.objects.filter(pk=calendar.pk).exists()
    assert "Standard" in text_of(browser.get(f"/settings/calendars/{calendar.pk}/"))


# --- plans -------------------------------------------------------------------------------------


def test_the_owner_adds_a_plan_with_targets_channels_and_prices(ws: Workspace) -> None:
    calendar = make_calendar(ws)
    browser = admin_browser(ws)
    page = browser.get("/settings/plans/new/")
    assert page.status_code == 200
    saved = browser.submit(page, plan_form(calendar))
    plan = SupportPlan.objects.get(partner=ws.partner, name="Business")
    assert location(saved) == f"/settings/plans/{plan.pk}/"
    assert plan.support_kinds == ["how_to", "configuration"]
    assert plan.languages == ["de", "en"]
    assert plan.currency == "EUR"
    assert str(plan.monthly_fee) == "1234.50" and plan.per_incident_fee is None
    assert plan.is_published and plan.warning_percent == 80
    targets = {(t.severity, t.clock): (t.minutes, t.business_hours) for t in plan.targets.all()}
    assert targets == {
        ("A", "first_response"): (60, False),
        ("B", "first_response"): (240, True),
        ("B", "resolution"): (2400, True),
    }
    channels = [(c.kind, c.address, c.note) for c in plan.channels.order_by("position")]
    assert channels == [
        ("phone", "+49 89 1234 5678", "for severity A"),
        ("email", "support@nordwind.example", ""),
    ]
    assert plan.pauses["pending_customer"] == ["first_response", "resolution"]
    assert plan.pauses.get("pending_vendor", []) == []

    # The page shows it back as entered, with room for another channel.
    body = browser.get(f"/settings/plans/{plan.pk}/").content.decode()
    assert 'name="target_B_resolution" value="40:00"' in body
    assert 'name="channel_0_address" value="+49 89 1234 5678"' in body
    assert 'name="channel_3_kind"' in body


def test_a_bad_target_is_shown_in_its_cell_and_nothing_is_saved(ws: Workspace) -> None:
    calendar = make_calendar(ws)
    response = admin(ws).post(
        "/settings/plans/new/", plan_form(calendar, target_C_resolution="two days")
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert 'data-field="target_C_resolution"' in body
    assert 'value="two days"' in body
    assert not SupportPlan.objects.filter(name="Business").exists()


def test_an_action_refusal_keeps_the_form(ws: Workspace) -> None:
    calendar = make_calendar(ws)
    make_plan(ws, calendar, name="Business")
    response = admin(ws).post("/settings/plans/new/", plan_form(calendar, description="Neu"))
    assert response.status_code == 422
    assert "Another plan has this name." in " ".join(field_errors(response)["name"])
    assert "Neu</textarea>" in response.content.decode()


def test_21vianet_refuses_an_office_hours_plan_and_says_why(vianet: Workspace) -> None:
    office = make_calendar(
        vianet, time_zone="Asia/Shanghai", holiday_country="CN", holiday_subdivision=""
    )
    response = admin(vianet).post(
        "/settings/plans/new/", plan_form(office, name="工作日支持", description="Bürozeiten")
    )
    assert response.status_code == 422
    text = text_of(response)
    assert "21Vianet" in text and "24 hours a day, 365 days a year" in text
    assert 'data-testid="refusal"' in response.content.decode()
    assert "21Vianet" in " ".join(field_errors(response)["calendar"])
    assert 'value="工作日支持"' in response.content.decode()
    assert not SupportPlan.objects.filter(partner=vianet.partner).exists()

    always = make_calendar(
        vianet, "24x7", time_zone="Asia/Shanghai", always_open=True, holiday_country=""
    )
    saved = admin(vianet).post("/settings/plans/new/", plan_form(always, name="全天候支持"))
    assert saved.status_code == 302
    assert SupportPlan.objects.filter(partner=vianet.partner, name="全天候支持").exists()


def test_the_owner_makes_a_plan_the_default(ws: Workspace) -> None:
    calendar = make_calendar(ws)
    plan = make_plan(ws, calendar)
    browser = admin_browser(ws)
    page = browser.get(f"/settings/plans/{plan.pk}/")
    made = browser.submit(page, {}, action=f"/settings/plans/{plan.pk}/default/")
    assert location(made) == "/settings/plans/"
    plan.refresh_from_db()
    assert plan.is_default
    assert 'data-testid="default-plan"' in browser.get("/settings/plans/").content.decode()


def test_the_plan_list_costs_the_same_for_one_plan_or_many(ws: Workspace) -> None:
    calendar = make_calendar(ws)
    make_plan(ws, calendar, name="Plan 0")
    client = admin(ws)
    client.get("/settings/plans/")  # warm the session and the permission caches
    with max_queries(100) as one:
        assert client.get("/settings/plans/").status_code == 200
    for n in range(1, 6):
        make_plan(ws, make_calendar(ws, f"Cal {n}"), name=f"Plan {n}")
    with max_queries(len(one.captured_queries)):
        page = client.get("/settings/plans/")
    assert all(f"Plan {n}" in text_of(page) for n in range(6))


# --- a customer's plan in the console ----------------------------------------------------------


def test_the_customer_page_shows_the_plan_in_effect(ws: Workspace) -> None:
    calendar = make_calendar(ws, "24x7", always_open=True, weekly=ALL_DAY)
    default = make_plan(ws, calendar, name="Basic")
    client = session_client(ws.member("helpdesk_agent"))
    url = f"/desk/customers/{ws.customers['a'].pk}/"
    assert "No plan" in text_of(client.get(url))
    SupportPlan.objects.filter(pk=default.pk).update(is_default=True)
    page = client.get(url)
    assert "Basic (workspace default)" in text_of(page)
    # A helpdesk agent does not change which plan a customer bought.
    assert 'data-testid="plan-form"' not in page.content.decode()
    refused = client.post(f"{url}plan/", {"plan": str(default.pk)})
    assert refused.status_code == 403


def test_an_admin_agent_changes_a_customers_plan_with_and_without_htmx(ws: Workspace) -> None:
    calendar = make_calendar(ws)
    basic = make_plan(ws, calendar, name="Basic")
    premium = make_plan(ws, calendar, name="Premium")
    customer = ws.customers["a"]
    client = session_client(ws.member("admin_agent"))
    url = f"/desk/customers/{customer.pk}/"
    assert 'data-testid="plan-form"' in client.get(url).content.decode()

    plain = client.post(f"{url}plan/", {"plan": str(premium.pk)})
    assert location(plain) == url
    customer.refresh_from_db()
    assert customer.support_plan_id == premium.pk
    assert "The customer's plan is saved." in text_of(client.get(url))

    fragment = client.post(f"{url}plan/", {"plan": str(basic.pk)}, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    body = fragment.content.decode()
    assert body.lstrip().startswith('<section class="card customer-plan" id="customer-plan"')
    assert ">Basic</a></strong>" in body
    customer.refresh_from_db()
    assert customer.support_plan_id == basic.pk

    back = client.post(f"{url}plan/", {"plan": ""}, HTTP_HX_REQUEST="true")
    assert "No plan" in text_of(back)
    customer.refresh_from_db()
    assert customer.support_plan_id is None

    unknown = client.post(f"{url}plan/", {"plan": "not-a-plan"}, HTTP_HX_REQUEST="true")
    assert unknown.status_code == 422
    assert 'data-testid="plan-error"' in unknown.content.decode()


def test_a_plan_of_another_workspace_cannot_be_given(ws: Workspace, other_ws: Workspace) -> None:
    theirs = make_plan(other_ws, make_calendar(other_ws))
    customer = ws.customers["a"]
    client = session_client(ws.member("global_admin"))
    response = client.post(
        f"/desk/customers/{customer.pk}/plan/", {"plan": str(theirs.pk)}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 422
    customer.refresh_from_db()
    assert customer.support_plan_id is None


def test_21vianet_refuses_taking_a_plans_calendar_off_24x7_and_says_why(
    vianet: Workspace,
) -> None:
    always = make_calendar(
        vianet, "24x7", time_zone="Asia/Shanghai", always_open=True, holiday_country=""
    )
    make_plan(vianet, always, name="全天候支持")
    response = admin(vianet).post(
        f"/settings/calendars/{always.pk}/",
        calendar_form(
            name="24x7", time_zone="Asia/Shanghai", holiday_country="CN", holiday_subdivision=""
        ),
    )
    assert response.status_code == 422
    assert "21Vianet" in " ".join(field_errors(response)["__all__"])
    assert 'value="08:00-12:00, 13:00-17:00"' in response.content.decode()  # the form kept
    always.refresh_from_db()
    assert always.always_open
