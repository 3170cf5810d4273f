"""The settings pages in a real browser: a global admin (past the second factor) invites an
agent limited to one customer, changes the support phone, makes a token and revokes it; a
helpdesk agent sees the workspace read-only. Screenshots under test-output/screenshots/."""

from __future__ import annotations

import re

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from partnerdesk.accounts.models import ApiToken, Invitation, Membership
from tests.browser.conftest import Console, Shot
from tests.kit import PASSWORD, confirmed_device, make_workspace

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def sign_in_past_mfa(page: Page, base: str, membership: Membership) -> None:
    """Password, then a code from the member's (already enrolled) authenticator."""
    device = confirmed_device(membership)
    page.goto(base + "/accounts/login/")
    page.get_by_label("E-mail").fill(membership.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(base + "/accounts/mfa/")
    page.get_by_role("textbox", name=re.compile("code", re.I)).fill(
        f"{TOTP(device.bin_key).token():06d}"
    )
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("header .who")).to_have_text(membership.user.full_name)


def test_a_global_admin_invites_changes_the_phone_and_handles_a_token(
    page: Page, live_server: LiveServer, shot: Shot, console: Console
) -> None:
    ws = make_workspace("Nordwind IT")
    admin = ws.member("global_admin")
    base = live_server.url
    sign_in_past_mfa(page, base, admin)

    page.locator("header").get_by_role("link", name="Settings").click()
    expect(page).to_have_url(base + "/settings/")
    expect(page.get_by_role("heading", name="Workspace", exact=True).first).to_be_visible()
    expect(page.get_by_label("Name", exact=True)).to_have_value(ws.partner.name)
    # The indirect provider only matters to indirect resellers.
    expect(page.get_by_test_id("provider-fields")).to_be_hidden()
    page.get_by_label("Partner type").select_option(label="Indirect reseller")
    expect(page.get_by_test_id("provider-fields")).to_be_visible()
    shot("workspace")
    page.get_by_label("Partner type").select_option(label="Direct-bill partner")

    # Invite an agent for one customer only.
    menu = page.get_by_role("navigation", name="Settings")
    menu.get_by_role("link", name="Staff").click()
    expect(page).to_have_url(base + "/settings/staff/")
    shot("staff")
    page.get_by_role("link", name="Invite someone").click()
    page.get_by_label("E-mail address").fill("nina.neu@nordwind.example")
    page.get_by_label("Name", exact=True).fill("Nina Neu")
    page.get_by_label("Role").select_option(label="Helpdesk agent")
    page.get_by_label(ws.customers["a"].name).check()
    shot("invite")
    page.get_by_role("button", name="Send invitation").click()
    expect(page).to_have_url(base + "/settings/staff/")
    expect(page.locator(".messages")).to_contain_text(
        "Invitation sent to nina.neu@nordwind.example"
    )
    row = page.locator('tr[data-invitation="nina.neu@nordwind.example"]')
    expect(row).to_contain_text(ws.customers["a"].name)
    expect(row).to_contain_text("Helpdesk agent")
    shot("invited")
    invitation = Invitation.objects.get(email="nina.neu@nordwind.example")
    assert [c.pk for c in invitation.limited_customers.all()] == [ws.customers["a"].pk]

    # The support phone customers see.
    menu.get_by_role("link", name="Support profile").click()
    page.get_by_label("Support phone").fill("+49 89 1234 5678")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(base + "/settings/support/")
    expect(page.locator(".messages")).to_contain_text("The support profile is saved")
    expect(page.get_by_test_id("support-preview")).to_contain_text("+49 89 1234 5678")
    shot("support-profile")
    ws.partner.refresh_from_db()
    assert ws.partner.support_phone == "+49 89 1234 5678"

    # A token: shown once, then revoked after a confirmation.
    menu.get_by_role("link", name="API tokens").click()
    page.get_by_label("Name").fill("RMM sync")
    page.get_by_role("button", name="Create token").click()
    expect(page).to_have_url(base + "/settings/tokens/")
    secret = page.get_by_test_id("token-secret").inner_text().strip()
    assert secret.startswith(ApiToken.objects.get(name="RMM sync").prefix)
    shot("token-created")
    page.reload()
    expect(page.get_by_test_id("token-secret")).to_have_count(0)
    page.locator('tr[data-token="RMM sync"]').get_by_role("link", name="Revoke…").click()
    shot("token-revoke-confirm")
    page.get_by_role("button", name="Revoke token").click()
    expect(page).to_have_url(base + "/settings/tokens/")
    expect(page.locator('tr[data-token="RMM sync"]')).to_contain_text("revoked")
    shot("token-revoked")
    assert ApiToken.objects.get(name="RMM sync").revoked_at is not None

    assert console.problems() == []


def test_a_helpdesk_agent_sees_the_workspace_read_only(
    page: Page, live_server: LiveServer, shot: Shot, console: Console
) -> None:
    ws = make_workspace("Nordwind IT")
    agent = ws.member("helpdesk_agent")
    sign_in_past_mfa(page, live_server.url, agent)
    page.goto(live_server.url + "/settings/")
    expect(page.get_by_test_id("workspace-facts")).to_contain_text(ws.partner.name)
    expect(page.get_by_role("button", name="Save")).to_have_count(0)
    menu = page.get_by_role("navigation", name="Settings")
    expect(menu.get_by_role("link", name="Staff")).to_have_count(0)
    shot("workspace-read-only")
    assert console.problems() == []


def test_refusals_show_next_to_the_fields(
    page: Page, live_server: LiveServer, shot: Shot, console: Console
) -> None:
    ws = make_workspace("Nordwind IT")
    admin = ws.member("global_admin")
    base = live_server.url
    sign_in_past_mfa(page, base, admin)

    page.goto(base + "/settings/")
    page.get_by_label("Name", exact=True).fill("")
    page.get_by_label("Partner type").select_option(label="Indirect reseller")
    page.get_by_role("button", name="Save").click()
    expect(page.locator('[data-field="name"]')).to_contain_text("This field is required.")
    shot("workspace-errors")
    page.get_by_label("Name", exact=True).fill("Nordwind IT GmbH")
    page.get_by_role("button", name="Save").click()
    expect(page.locator('[data-field="provider"]')).to_contain_text("names its provider")
    expect(page.get_by_test_id("provider-fields")).to_be_visible()
    shot("provider-required")

    # The admin's own page: their role and activity are not theirs to change.
    page.goto(base + f"/settings/staff/{admin.pk}/")
    expect(page.get_by_label("Role")).to_be_disabled()
    expect(page.get_by_label("Active")).to_be_disabled()
    shot("own-page")

    # An invitation to someone already in the team is refused next to the address.
    page.goto(base + "/settings/staff/invite/")
    page.get_by_label("E-mail address").fill(ws.member("sales_agent").user.email)
    page.get_by_label("Role").select_option(label="Helpdesk agent")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.locator('[data-field="email"]')).to_contain_text("already a member")
    shot("already-a-member")

    # Another member: limits and the second factor.
    page.goto(base + f"/settings/staff/{ws.member('limited_agent').pk}/")
    expect(page.get_by_label(ws.customers["a"].name)).to_be_checked()
    page.get_by_text("What each role may do").click()
    shot("member")

    # The refusals themselves are 422 and 409 pages (logged by the browser too); nothing else.
    assert console.problems(allow=(r"/favicon\.ico", r"\b(422|409)\b.*/settings/")) == []
