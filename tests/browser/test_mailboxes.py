"""The mailbox settings in a real browser: the global admin adds a mailbox on the test Dovecot
(TLS, its self-signed certificate trusted), tests the connection (success), then with a wrong
password (the server's refusal), sees the OAuth fields when choosing OAuth, and saves.
Screenshots under test-output/screenshots/."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from partnerdesk.mail import secrets
from partnerdesk.mail.models import Mailbox
from tests.browser.conftest import Console, Shot
from tests.browser.test_settings import sign_in_past_mfa
from tests.kit import make_workspace
from tests.support.dovecot import Dovecot, dovecot  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_admin_adds_a_mailbox_and_tests_the_connection(
    page: Page,
    live_server: LiveServer,
    shot: Shot,
    console: Console,
    dovecot: Dovecot,  # noqa: F811
    settings: Any,
) -> None:
    settings.PARTNERDESK_IMAP_CA_FILE = str(dovecot.ca_file)
    user, password = dovecot.new_user()
    dovecot.append(user, b"From: kunde@example.test\r\nSubject: Drucker\r\n\r\nHilfe\r\n")
    ws = make_workspace("Nordwind IT")
    base = live_server.url
    sign_in_past_mfa(page, base, ws.member("global_admin"))

    page.goto(base + "/settings/")
    page.get_by_role("navigation", name="Settings").get_by_role("link", name="Mailboxes").click()
    expect(page).to_have_url(base + "/settings/mailboxes/")
    expect(page.get_by_test_id("no-mailboxes")).to_be_visible()
    page.get_by_role("link", name="Add a mailbox").click()
    expect(page).to_have_url(base + "/settings/mailboxes/new/")

    page.get_by_label("Name", exact=True).fill("Support")
    page.get_by_label("Address customers write to").fill("support@nordwind.example")
    page.get_by_label("IMAP server").fill("127.0.0.1")
    page.get_by_label("Port").fill(str(dovecot.ssl_port))
    page.get_by_label("Connection security").select_option("ssl")
    page.get_by_label("User name").fill(user)
    # Only the chosen sign-in method's fields are shown.
    expect(page.get_by_role("textbox", name="Password", exact=True)).to_be_visible()
    expect(page.get_by_label("Client secret")).to_be_hidden()
    page.get_by_label("OAuth 2.0 (Microsoft 365, XOAUTH2)").check()
    expect(page.get_by_label("Client secret")).to_be_visible()
    expect(page.get_by_role("textbox", name="Password", exact=True)).to_be_hidden()
    shot("oauth-fields")
    page.get_by_role("radio", name="Password", exact=True).check()
    page.get_by_role("textbox", name="Password", exact=True).fill(password)

    page.get_by_role("button", name="Test connection").click()
    result = page.get_by_test_id("connection-check")
    expect(result).to_contain_text("Connection works")
    expect(result).to_contain_text("1 message is waiting in INBOX")
    expect(page).to_have_url(base + "/settings/mailboxes/new/")  # htmx: nothing reloaded
    shot("connection-works")

    page.get_by_role("textbox", name="Password", exact=True).fill("not-the-password")
    page.get_by_role("button", name="Test connection").click()
    expect(result).to_contain_text("Connection failed")
    expect(result).to_contain_text(f"The server refused the sign-in of {user}")
    shot("wrong-password")
    assert not Mailbox.objects.exists()  # testing saves nothing

    page.get_by_role("textbox", name="Password", exact=True).fill(password)
    page.get_by_role("button", name="Add mailbox").click()
    expect(page).to_have_url(base + "/settings/mailboxes/")
    expect(page.locator(".messages")).to_contain_text("The mailbox Support is added")
    row = page.locator('tr[data-mailbox="support@nordwind.example"]')
    expect(row).to_contain_text(f"127.0.0.1:{dovecot.ssl_port}")
    expect(row).to_contain_text("not yet")
    mailbox = Mailbox.objects.get(partner=ws.partner)
    assert secrets.decrypt(mailbox.secret_encrypted) == password

    # Tested again from the list, in place.
    row.get_by_role("button", name="Test").click()
    expect(page.get_by_test_id("connection-check")).to_contain_text("Connection works")
    shot("list")

    # The stored password is never sent back to the browser.
    page.goto(base + f"/settings/mailboxes/{mailbox.pk}/")
    expect(page.get_by_role("textbox", name="Password", exact=True)).to_have_value("")
    assert password not in page.content()
    shot("edit")

    assert console.problems() == []
