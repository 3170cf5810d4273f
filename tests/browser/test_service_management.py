"""The service management page in a real browser: an admin agent in the group holding
Exchange Administrator opens Exchange's admin centre through Administer (the portal is
answered by the test itself, the use audited on behalf of the customer); the global admin,
who is in no such group, is told what is missing. Screenshots under test-output/screenshots/."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, Route, expect
from pytest_django.live_server_helper import LiveServer

from partnerdesk.core.models import AuditEntry
from tests.browser.conftest import Console, Shot
from tests.browser.test_settings import sign_in_past_mfa
from tests.customers.relationships_world import make_world

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_administer_opens_the_portal_or_says_what_is_missing(
    page: Page, live_server: LiveServer, shot: Shot, console: Console
) -> None:
    world = make_world()
    base = live_server.url
    opened: list[str] = []

    def portal(route: Route) -> None:
        opened.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<h1>Exchange admin center</h1>")

    page.route("https://admin.exchange.microsoft.com/**", portal)

    sign_in_past_mfa(page, base, world.ws.member("admin_agent"))
    page.goto(f"{base}/desk/customers/{world.customer.pk}/services/")
    row = page.locator('tr[data-service="exchange-online"]')
    expect(row).to_contain_text("Exchange Online")
    expect(row.get_by_test_id("health")).to_contain_text("No active incident")
    shot("service-management-agent")
    row.get_by_role("button", name="Administer").click()
    expect(page.get_by_role("heading", name="Exchange admin center")).to_be_visible()
    assert opened and "delegatedOrg=huber.onmicrosoft.com" in opened[0]
    entry = AuditEntry.objects.get(action="customer.administered")
    assert entry.customer_id == world.customer.pk

    page.context.clear_cookies()
    sign_in_past_mfa(page, base, world.ws.member("global_admin"))
    page.goto(f"{base}/desk/customers/{world.customer.pk}/services/")
    row = page.locator('tr[data-service="exchange-online"]')
    expect(row.get_by_role("button", name="Administer")).to_have_count(0)
    expect(row.get_by_test_id("reasons")).to_contain_text(
        "ask an admin to add you to group Exchange admins"
    )
    shot("service-management-not-in-group")
    assert console.problems(allow=(r"/favicon\.ico", r"admin\.exchange\.microsoft\.com")) == []
