"""Mail-out settings in a real browser: an agent turns a notification off; a global admin
rewords the acknowledgement in German, previews it, is told about an unknown placeholder,
saves, and goes back to the built-in wording. Screenshots under test-output/screenshots/."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from partnerdesk.accounts.models import Membership
from partnerdesk.mail.models import MailTemplate
from tests.browser.conftest import Console, Shot
from tests.browser.test_settings import sign_in_past_mfa
from tests.kit import make_workspace

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_an_agent_turns_off_new_ticket_mail(
    page: Page, live_server: LiveServer, shot: Shot, console: Console
) -> None:
    ws = make_workspace("Nordwind IT")
    agent = ws.member("helpdesk_agent")
    sign_in_past_mfa(page, live_server.url, agent)
    page.goto(live_server.url + "/settings/")
    page.get_by_role("navigation", name="Settings").get_by_role(
        "link", name="Notifications"
    ).click()
    expect(page).to_have_url(live_server.url + "/settings/notifications/")
    page.get_by_label("New tickets in my queues").uncheck()
    shot("choices")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your notification choices are saved.")).to_be_visible()
    expect(page.get_by_label("New tickets in my queues")).not_to_be_checked()
    expect(page.get_by_label("A ticket is assigned to me")).to_be_checked()
    assert Membership.objects.get(pk=agent.pk).notifications["new_ticket"] is False
    assert console.problems() == []


def test_a_global_admin_rewords_the_german_acknowledgement(
    page: Page, live_server: LiveServer, shot: Shot, console: Console
) -> None:
    ws = make_workspace("Nordwind IT")
    sign_in_past_mfa(page, live_server.url, ws.member("global_admin"))
    page.goto(live_server.url + "/settings/")
    page.get_by_role("navigation", name="Settings").get_by_role(
        "link", name="Notification templates"
    ).click()
    shot("list")
    row = page.locator('tr[data-key="ticket_acknowledged"]')
    row.get_by_role("link").nth(1).click()
    expect(page).to_have_url(live_server.url + "/settings/templates/ticket_acknowledged/de/")
    page.get_by_label("Subject").fill("Eingang: {ticket.subject} ({ticket.nummer})")
    page.get_by_label("Text").fill("Hallo {recipient.first_name},\n\ndanke für Ihre Nachricht.")
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_text("Unknown placeholder: {ticket.nummer}")).to_be_visible()
    shot("unknown-placeholder")
    page.get_by_label("Subject").fill("Eingang: {ticket.subject} ({ticket.reference})")
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_test_id("preview")).to_contain_text("Hallo Anna,")
    shot("preview")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The wording is saved.")).to_be_visible()
    assert MailTemplate.objects.get(partner=ws.partner, language="de").text.startswith("Hallo")
    page.get_by_role("button", name="Back to the built-in wording").click()
    expect(page.get_by_test_id("template-state")).to_contain_text("The built-in wording.")
    assert not MailTemplate.objects.exists()
    # the refused preview answered 422, as a form with bad input does
    allowed = (r"/favicon\.ico", r"status of 422", r"^422 .*/settings/templates/")
    assert console.problems(allow=allowed) == []
