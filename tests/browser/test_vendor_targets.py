"""The vendor response targets page in a real browser: the partner owner changes a target
and puts it back; a helpdesk agent sees the table read-only. Screenshots under
test-output/screenshots/."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from partnerdesk.sla.models import VendorResponseTarget
from tests.browser.conftest import Console, Shot
from tests.browser.test_settings import sign_in_past_mfa
from tests.kit import make_workspace

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_owner_changes_a_vendor_target_and_an_agent_reads_it(
    page: Page, live_server: LiveServer, shot: Shot, console: Console
) -> None:
    ws = make_workspace("Nordwind IT")
    base = live_server.url
    sign_in_past_mfa(page, base, ws.member("global_admin"))
    page.goto(base + "/settings/")
    page.get_by_role("navigation", name="Settings").get_by_role(
        "link", name="Vendor response targets"
    ).click()
    expect(page).to_have_url(base + "/settings/vendor-targets/")
    shot("defaults")

    table = page.get_by_test_id("vendor-table-local-break-fix")
    table.get_by_label("Severity B: minutes").fill("180")
    table.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The vendor response targets are saved.")).to_be_visible()
    row = page.get_by_test_id("vendor-table-local-break-fix").locator('tr[data-severity="B"]')
    expect(row).to_have_attribute("data-default", "no")
    shot("changed")
    row_saved = VendorResponseTarget.objects.get(partner=ws.partner)
    assert (row_saved.language, row_saved.minutes, row_saved.business_hours) == ("local", 180, True)

    row.get_by_role("button", name="Reset to default").click()
    expect(
        page.get_by_test_id("vendor-table-local-break-fix").locator('tr[data-severity="B"]')
    ).to_have_attribute("data-default", "yes")
    assert not VendorResponseTarget.objects.exists()
    assert console.errors == []

    page.context.clear_cookies()
    sign_in_past_mfa(page, base, ws.member("helpdesk_agent"))
    page.goto(base + "/settings/vendor-targets/")
    expect(page.get_by_test_id("read-only-note")).to_be_visible()
    expect(page.get_by_role("button", name="Save")).to_have_count(0)
    shot("read-only")
    assert console.errors == []
