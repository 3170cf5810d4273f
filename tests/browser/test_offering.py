"""The support offering in a real browser: the partner owner makes a calendar and a plan in
the settings and gives the plan to a customer; the customer's contact reads it in the portal
with the hours in her time zone; an anonymous visitor reads the public page; a 21Vianet owner
is refused an office-hours plan and told why. Screenshots under test-output/screenshots/."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from partnerdesk.accounts.models import User
from partnerdesk.offering import actions
from partnerdesk.offering.models import SupportPlan
from partnerdesk.partners.models import Partner
from tests.browser.conftest import Console, Shot
from tests.browser.test_settings import sign_in_past_mfa
from tests.kit import PASSWORD, make_workspace

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

DASH = "\N{EN DASH}"


@pytest.fixture(autouse=True)
def _before_christmas() -> Iterator[None]:
    """Monday 21 December 2026, 09:00 UTC, the clock running: Christmas falls in the week."""
    with time_machine.travel(datetime(2026, 12, 21, 9, 0, tzinfo=UTC), tick=True):
        yield


def no_sideways_scroll(page: Page) -> None:
    scroll, view = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= view, f"{page.url}: {scroll} px wide in a {view} px window"


def test_the_owner_publishes_a_plan_a_contact_reads_it_and_so_does_the_world(
    page: Page, live_server: LiveServer, shot: Shot, console: Console
) -> None:
    ws = make_workspace("Nordwind IT", time_zone="Europe/Berlin")
    Partner.objects.filter(pk=ws.partner.pk).update(
        support_email="support@nordwind.example",
        support_phone="+49 89 4521 300",
        support_website="https://nordwind.example/hilfe",
    )
    User.objects.filter(pk=ws.member("contact").user_id).update(
        full_name="Maria Huber", time_zone="America/New_York"
    )
    base = live_server.url
    sign_in_past_mfa(page, base, ws.member("global_admin"))

    # A calendar: Munich office hours with Bavarian holidays.
    page.goto(base + "/settings/")
    menu = page.get_by_role("navigation", name="Settings")
    menu.get_by_role("link", name="Service hours").click()
    expect(page).to_have_url(base + "/settings/calendars/")
    page.get_by_role("link", name="Add a calendar").click()
    page.get_by_label("Name", exact=True).fill("Büro München")
    page.get_by_label("Time zone").select_option("Europe/Berlin")
    page.get_by_label("Monday").fill("08:00-12:00, 13:00-17:00")
    page.get_by_label("Friday").fill("08:00-15:00")
    page.get_by_label("Public holidays of").select_option("DE")
    page.get_by_label("Region").fill("BY")
    shot("calendar-form")
    page.get_by_role("button", name="Add calendar").click()
    expect(page.locator(".messages")).to_contain_text("The calendar Büro München is saved.")
    preview = page.get_by_test_id("calendar-preview")
    expect(preview.locator('tr[data-day="2026-12-21"]')).to_contain_text(
        f"08:00{DASH}12:00, 13:00{DASH}17:00"
    )
    expect(preview.locator('tr[data-day="2026-12-25"]')).to_contain_text("Christmas Day")
    # A closure on Christmas Eve, through the exceptions form.
    page.get_by_label("Date").fill("2026-12-24")
    page.get_by_label("Kind").select_option("closed")
    page.get_by_label("Note").fill("Betriebsferien")
    page.get_by_role("button", name="Add exception").click()
    expect(preview.locator('tr[data-day="2026-12-24"]')).to_contain_text("Betriebsferien")
    no_sideways_scroll(page)
    shot("calendar-saved")

    # A plan on it: channels, prices, targets.
    menu.get_by_role("link", name="Support plans").click()
    page.get_by_role("link", name="Add a plan").click()
    page.get_by_label("Name", exact=True).fill("Business")
    page.get_by_label("Description").fill(
        "Microsoft-365-Unterstützung für Geschäftskunden an Werktagen."
    )
    page.get_by_label("How-to questions and FAQ").check()
    page.get_by_label("Software configuration").check()
    page.get_by_label("Service hours", exact=True).select_option(
        label="Büro München · Europe/Berlin"
    )
    page.get_by_label("Languages").fill("de, en")
    page.locator('[name="channel_0_kind"]').select_option("phone")
    page.locator('[name="channel_0_address"]').fill("+49 89 4521 300")
    page.locator('[name="channel_0_note"]').fill("for severity A")
    page.locator('[name="channel_1_kind"]').select_option("email")
    page.locator('[name="channel_1_address"]').fill("support@nordwind.example")
    page.locator('[name="channel_2_kind"]').select_option("portal")
    page.get_by_label("Currency").fill("EUR")
    page.get_by_label("Monthly fee").fill("490")
    page.get_by_label("Hourly rate").fill("95.50")
    page.get_by_label("A: critical: First response", exact=True).fill("1:00")
    page.get_by_label("A: critical: First response: counted").select_option("calendar")
    page.get_by_label("B: moderate: First response", exact=True).fill("4:00")
    page.get_by_label("C: minimal: First response", exact=True).fill("8:00")
    page.get_by_label("B: moderate: Resolution", exact=True).fill("40:00")
    page.get_by_label("Show on the public offering page").check()
    no_sideways_scroll(page)
    shot("plan-form")
    page.get_by_role("button", name="Add plan").click()
    expect(page.locator(".messages")).to_contain_text("The plan Business is saved.")
    plan = SupportPlan.objects.get(partner=ws.partner, name="Business")
    assert plan.is_published and plan.hourly_rate is not None

    # Give it to the customer, from the console's customer page (htmx).
    customer = ws.customers["a"]
    page.goto(f"{base}/desk/customers/{customer.pk}/")
    box = page.get_by_test_id("customer-plan")
    expect(box.get_by_test_id("plan-in-effect")).to_contain_text("No plan")
    box.get_by_label("Change the plan").select_option(label="Business")
    box.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("plan-in-effect")).to_have_text("Business")
    no_sideways_scroll(page)
    shot("customer-plan")
    customer.refresh_from_db()
    assert customer.support_plan_id == plan.pk

    # The contact, in New York, reads her plan.
    page.context.clear_cookies()
    page.goto(base + "/")
    page.get_by_label("E-mail").fill(ws.member("contact").user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(base + "/portal/")
    page.locator("header").get_by_role("link", name="Support plan").click()
    expect(page).to_have_url(base + "/portal/plan/")
    sheet = page.get_by_test_id("plan-sheet")
    expect(sheet.get_by_role("heading", name="Business")).to_be_visible()
    expect(sheet.get_by_test_id("hours-zone")).to_contain_text("America/New_York")
    # Munich 08:00-12:00 and 13:00-17:00 are 02:00-06:00 and 07:00-11:00 in New York.
    expect(sheet.locator('tr[data-day="2026-12-21"]')).to_contain_text(
        f"02:00{DASH}06:00, 07:00{DASH}11:00"
    )
    expect(sheet.locator('tr[data-day="2026-12-24"]')).to_contain_text("Closed")
    expect(sheet.get_by_test_id("channels")).to_contain_text("for severity A")
    expect(sheet.get_by_test_id("targets")).to_contain_text("within 1 hour, around the clock")
    expect(sheet.get_by_test_id("pricing")).to_contain_text("490.00 EUR per month")
    no_sideways_scroll(page)
    shot("portal-plan")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    no_sideways_scroll(page)
    shot("portal-plan-phone")
    page.set_viewport_size({"width": 1366, "height": 768})

    # Anyone, signed out, reads the public page.
    page.context.clear_cookies()
    page.goto(f"{base}/offering/{ws.partner.slug}/")
    expect(page.get_by_role("heading", name=f"Support from {ws.partner.name}")).to_be_visible()
    expect(page.get_by_test_id("zone-note")).to_contain_text("Europe/Berlin")
    expect(page.get_by_test_id("plan-sheet")).to_contain_text("Business")
    expect(page.get_by_test_id("plan-sheet").locator('tr[data-day="2026-12-21"]')).to_contain_text(
        f"08:00{DASH}12:00"
    )
    assert customer.name not in page.content()
    no_sideways_scroll(page)
    shot("public")
    # In German, as a German visitor's browser asks.
    page.locator("header").get_by_role("button", name="DE").click()
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.get_by_test_id("pricing")).to_contain_text("490,00 EUR")
    no_sideways_scroll(page)
    shot("public-de")
    assert console.problems() == []


def test_a_21vianet_owner_is_refused_an_office_hours_plan(
    page: Page, live_server: LiveServer, shot: Shot, console: Console
) -> None:
    ws = make_workspace("Shanghai Cloud", instance="china_21vianet", time_zone="Asia/Shanghai")
    week = {day: [["09:00", "18:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}
    actions.create_calendar(
        ws.actor("global_admin"),
        changes=actions.CalendarChanges(
            name="上海办公时间", time_zone="Asia/Shanghai", weekly=week, holiday_country="CN"
        ),
    )
    base = live_server.url
    sign_in_past_mfa(page, base, ws.member("global_admin"))
    page.goto(base + "/settings/plans/new/")
    page.get_by_label("Name", exact=True).fill("工作日支持")
    page.get_by_label("Service hours", exact=True).select_option(
        label="上海办公时间 · Asia/Shanghai"
    )
    page.get_by_label("B: moderate: First response", exact=True).fill("4:00")
    page.get_by_role("button", name="Add plan").click()
    refusal = page.get_by_test_id("refusal")
    expect(refusal).to_contain_text("21Vianet")
    expect(refusal).to_contain_text("24 hours a day, 365 days a year")
    expect(page.locator('.errorlist[data-field="calendar"]')).to_contain_text("21Vianet")
    expect(page.get_by_label("Name", exact=True)).to_have_value("工作日支持")
    no_sideways_scroll(page)
    shot("refused")
    assert not SupportPlan.objects.filter(partner=ws.partner).exists()
    problems = console.problems(allow=(r"/favicon\.ico", r"422 .*/settings/plans/new/"))
    assert problems == []
