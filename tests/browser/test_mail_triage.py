"""Triage in a real browser: a helpdesk agent sees an unknown sender's mail and a forged one,
opens the unknown one, picks the customer and contact, and files it as a ticket; then the
global admin releases a held message from the quarantine. Screenshots under
test-output/screenshots/."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from partnerdesk.customers.models import Contact
from partnerdesk.mail.models import InboundMessage
from tests.browser.conftest import Console, Shot
from tests.browser.test_settings import sign_in_past_mfa
from tests.kit import make_workspace
from tests.mail.intake_kit import mail, receive

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_an_agent_files_a_strangers_mail_as_a_ticket(
    page: Page, live_server: LiveServer, shot: Shot, console: Console, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    ws = make_workspace("Nordwind IT")
    customer = ws.customers["a"]
    Contact.objects.create(
        partner=ws.partner,
        customer=customer,
        name="Anna Müller",
        email="anna@baeckerei.example",
        created_at=ws.partner.created_at,
    )
    stranger = receive(
        ws,
        mail(
            sender="Franz Neu <franz.neu@gmail.example>",
            subject="Kein Zugriff auf das Postfach",
            body="Hallo, ich bin neu bei der Bäckerei und komme nicht in mein Postfach.\n\nFranz",
            attachments=[("fehler.png", b"\x89PNG fake", "image/png")],
        ),
    )
    receive(ws, mail(sender="anna@baeckerei.example", dmarc="fail", subject="Bitte Admin anlegen"))
    base = live_server.url
    sign_in_past_mfa(page, base, ws.member("helpdesk_agent"))

    page.goto(base + "/desk/")
    expect(page.get_by_test_id("count-triage")).to_have_text("2")
    shot("queues-with-triage")
    page.get_by_test_id("triage-link").click()
    expect(page).to_have_url(base + "/desk/mail/triage/")
    expect(page.get_by_test_id("triage-row")).to_have_count(2)
    expect(page.get_by_test_id("triage-list")).to_contain_text("DMARC failed")
    shot("triage-list")

    page.get_by_role("link", name="Kein Zugriff auf das Postfach").click()
    expect(page.get_by_test_id("mail-text")).to_contain_text("komme nicht in mein Postfach")
    expect(page.get_by_test_id("mail-parts")).to_contain_text("fehler.png")
    page.get_by_label("Customer").select_option(str(customer.pk))
    page.get_by_role("button", name="Show its contacts").click()
    page.get_by_label("Requester").select_option(label="Anna Müller <anna@baeckerei.example>")
    shot("triage-message")
    page.get_by_role("button", name="File ticket").click()
    expect(page.locator(".messages")).to_contain_text("filed from the message")
    stranger.refresh_from_db()
    assert stranger.state == "ticket"
    expect(page.get_by_test_id("original-mail")).to_be_visible()
    shot("filed-ticket")
    assert console.problems() == [], "\n".join(console.problems())


def test_the_owner_releases_a_held_message(
    page: Page, live_server: LiveServer, shot: Shot, console: Console, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    ws = make_workspace("Nordwind IT")
    settings.PARTNERDESK_MAIL_MAX_BYTES = 300
    held = receive(ws, mail(sender="x@unknown.example", body="lang " * 200))
    settings.PARTNERDESK_MAIL_MAX_BYTES = 25 * 2**20
    assert held.state == "quarantined"
    base = live_server.url
    sign_in_past_mfa(page, base, ws.member("global_admin"))

    page.goto(base + "/desk/mail/quarantine/")
    expect(page.get_by_test_id("quarantine-row")).to_have_count(1)
    shot("quarantine-list")
    page.get_by_role("link", name="Printer offline").click()
    expect(page.get_by_test_id("reason")).to_contain_text("too_large")
    shot("quarantine-message")
    page.get_by_role("button", name="Process again").click()
    expect(page.locator(".messages")).to_contain_text("Processed again")
    assert InboundMessage.objects.get(pk=held.pk).state == "triage"
    assert console.problems() == [], "\n".join(console.problems())
