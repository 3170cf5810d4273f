"""The customer portal in a real browser: a contact files a request with a file, sees the
agent's reply but never the internal note, and replies; a manager follows a colleague's
request. Screenshots of every step land under test-output/screenshots/<test name>/."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from partnerdesk.accounts.models import User
from partnerdesk.catalog.defaults import DEFAULT_SERVICES
from partnerdesk.catalog.models import Service
from partnerdesk.partners.models import Partner
from partnerdesk.tickets import actions
from partnerdesk.tickets.actions import TicketChanges
from partnerdesk.tickets.models import Attachment, Ticket
from tests.browser.conftest import Console, Shot
from tests.kit import PASSWORD, Workspace, contacts_for, make_workspace

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def default_services() -> None:
    """The catalog's services, as the migrations load them: a transactional test run before
    this one (without a serialized rollback) may have emptied the table."""
    for position, (code, name, parent) in enumerate(DEFAULT_SERVICES):
        Service.objects.update_or_create(
            code=code, defaults={"name": name, "parent_id": parent, "position": position}
        )


def workspace() -> Workspace:
    default_services()
    ws = make_workspace("Nordwind IT")
    Partner.objects.filter(pk=ws.partner.pk).update(
        support_email="support@nordwind.example",
        support_phone="+49 89 4521 300",
        support_website="https://nordwind.example/hilfe",
    )
    User.objects.filter(pk=ws.member("helpdesk_agent").user_id).update(full_name="Jonas Weber")
    User.objects.filter(pk=ws.member("contact").user_id).update(full_name="Maria Huber")
    User.objects.filter(pk=ws.member("manager").user_id).update(full_name="Stefan Huber")
    for person, name in (("contact", "Maria Huber"), ("manager", "Stefan Huber")):
        contact = contacts_for(ws)[person]
        contact.name = name
        contact.save(update_fields=["name"])
    return ws


def sign_in(page: Page, base: str, email: str) -> None:
    page.goto(base + "/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(base + "/portal/")


def test_a_contact_files_a_request_sees_the_reply_never_the_note_and_replies(
    page: Page, live_server: LiveServer, shot: Shot, console: Console
) -> None:
    ws = workspace()
    base = live_server.url
    sign_in(page, base, ws.member("contact").user.email)
    expect(page.get_by_role("heading", name="My requests")).to_be_visible()
    expect(page.get_by_test_id("support-box")).to_contain_text("+49 89 4521 300")
    expect(page.get_by_test_id("support-box")).to_contain_text("the phone is the fastest way")
    shot("my-requests-empty")

    page.locator("main").get_by_role("link", name="New request").click()
    expect(page.get_by_role("heading", name="New request")).to_be_visible()
    expect(page.get_by_label("C: minimal")).to_be_checked()
    expect(page.get_by_text("production down", exact=False)).to_be_visible()
    # A subject of blanks passes the browser's own check, not the server's: the form comes
    # back with the error beside the field and the text kept.
    page.get_by_label("Subject").fill("   ")
    page.get_by_label("Description").fill("Outlook fragt nach dem Passwort.")
    page.get_by_label("What is it about?").select_option("configuration")
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_text("Please check the fields marked below.")).to_be_visible()
    expect(page.get_by_label("Description")).to_have_value("Outlook fragt nach dem Passwort.")
    expect(page.get_by_label("What is it about?")).to_have_value("configuration")
    shot("new-request-with-errors")
    assert not Ticket.objects.exists()

    page.get_by_label("Subject").fill("Outlook fragt ständig nach dem Passwort")
    page.get_by_label("Description").fill(
        "Seit dem Update heute Morgen fragt Outlook alle paar Minuten nach dem Passwort.\n"
        "Betrifft die ganze Buchhaltung (4 Personen)."
    )
    page.get_by_label("B: moderate").check()
    page.get_by_label("What is it about?").select_option("configuration")
    page.get_by_label("Which service does it concern?").select_option("exchange-online")
    page.get_by_label("Attachments (optional)").set_input_files(
        files=[
            {
                "name": "fehlermeldung.txt",
                "mimeType": "text/plain",
                "buffer": b"Outlook: Anmeldung erforderlich (0x80070005)\n",
            }
        ]
    )
    shot("new-request-filled")
    page.get_by_role("button", name="Send request").click()

    expect(
        page.get_by_role("heading", name="Outlook fragt ständig nach dem Passwort")
    ).to_be_visible()
    ticket = Ticket.objects.get(subject="Outlook fragt ständig nach dem Passwort")
    reference = f"{ws.partner.ticket_prefix}-{ticket.number}"
    expect(page.locator(".messages")).to_contain_text(f"Your request {reference} is filed")
    expect(page.get_by_test_id("thread")).to_contain_text("fehlermeldung.txt")
    assert ticket.channel == "portal" and ticket.severity == "B"
    assert Attachment.objects.get(ticket=ticket).filename == "fehlermeldung.txt"
    shot("filed")

    agent = ws.actor("helpdesk_agent")
    actions.change_ticket(
        agent, ticket=ticket, changes=TicketChanges(assignee=ws.member("helpdesk_agent"))
    )
    actions.reply(
        agent,
        ticket=ticket,
        body="Guten Tag Frau Huber, bitte melden Sie sich einmal ab und wieder an. "
        "Klappt es danach?",
    )
    actions.reply(
        agent,
        ticket=ticket,
        body="INTERN: Conditional Access prüfen, Token-Lebensdauer",
        internal=True,
    )
    actions.change_ticket(agent, ticket=ticket, changes=TicketChanges(status="pending_customer"))

    page.reload()
    thread = page.get_by_test_id("thread")
    expect(thread).to_contain_text("bitte melden Sie sich einmal ab")
    expect(thread).not_to_contain_text("INTERN")
    expect(page.locator("body")).not_to_contain_text("Conditional Access")
    expect(page.get_by_test_id("status")).to_have_text("Waiting for your reply")
    expect(page.get_by_test_id("handled-by")).to_have_text("Jonas")
    shot("agent-replied")

    page.get_by_label("Your reply").fill(
        "Abmelden hat geholfen, danke! Ich melde mich, falls es wieder auftritt."
    )
    page.get_by_role("button", name="Send reply").click()
    expect(page.locator(".messages")).to_contain_text("Your reply is sent.")
    expect(page.get_by_test_id("message").last).to_contain_text("Abmelden hat geholfen")
    ticket.refresh_from_db()
    assert ticket.status == "open"
    shot("replied")

    page.set_viewport_size(PHONE)  # type: ignore[arg-type]
    shot("replied-on-a-phone")
    page.goto(base + "/portal/")
    expect(page.get_by_role("link", name="Outlook fragt ständig nach dem Passwort")).to_be_visible()
    shot("my-requests-on-a-phone")
    page.set_viewport_size(LAPTOP)  # type: ignore[arg-type]
    page.reload()
    shot("my-requests")

    # The one refusal was the form sent back with its errors (422); nothing else failed.
    assert [p for p in console.problems() if "/portal/new/" not in p] == []
    assert f"422 {base}/portal/new/" in console.problems()


def test_a_manager_follows_a_colleagues_request(
    page: Page, live_server: LiveServer, shot: Shot, console: Console
) -> None:
    ws = workspace()
    contacts = contacts_for(ws)
    agent = ws.actor("helpdesk_agent")
    filed = actions.file_ticket(
        ws.actor("contact"),
        customer=ws.customers["a"],
        subject="Neuer Mitarbeiter braucht eine Lizenz",
        description="Ab 1. Dezember fängt Herr Maier an; er braucht Business Standard.",
        category="subscription",
        severity="C",
        channel="portal",
    )
    actions.reply(agent, ticket=filed.ticket, body="Gerne. Soll die Lizenz monatlich laufen?")
    actions.reply(agent, ticket=filed.ticket, body="Preisliste intern prüfen", internal=True)
    actions.file_ticket(
        ws.actor("manager"),
        customer=ws.customers["a"],
        subject="Rechnung Oktober unklar",
        description="Position 3 verstehen wir nicht.",
        category="accounts_billing",
        severity="C",
        channel="portal",
    )
    assert contacts["contact"].name == "Maria Huber"

    sign_in(page, live_server.url, ws.member("manager").user.email)
    expect(page.get_by_role("heading", name="Our organisation's requests")).to_be_visible()
    rows = page.get_by_test_id("requests")
    expect(rows).to_contain_text("Neuer Mitarbeiter braucht eine Lizenz")
    expect(rows).to_contain_text("Maria Huber")
    expect(rows).to_contain_text("Rechnung Oktober unklar")
    shot("organisation-requests")

    page.get_by_role("link", name="Mine").click()
    expect(rows).not_to_contain_text("Neuer Mitarbeiter")
    expect(rows).to_contain_text("Rechnung Oktober unklar")
    shot("mine-only")

    page.get_by_role("link", name="Everyone's").click()
    page.get_by_role("link", name="Neuer Mitarbeiter braucht eine Lizenz").click()
    expect(page).to_have_url(re.compile(r"/portal/tickets/"))
    expect(page.locator("main")).to_contain_text("Requested by")
    expect(page.locator("main")).to_contain_text("Maria Huber")
    expect(page.get_by_test_id("thread")).to_contain_text("Soll die Lizenz monatlich laufen?")
    expect(page.locator("body")).not_to_contain_text("Preisliste intern")
    shot("colleagues-request")

    assert console.problems() == []


def test_a_contact_closes_a_solved_request_and_changes_language_and_time_zone(
    page: Page, live_server: LiveServer, shot: Shot, console: Console
) -> None:
    ws = workspace()
    ticket = actions.file_ticket(
        ws.actor("contact"),
        customer=ws.customers["a"],
        subject="VPN verbindet nicht",
        description="Seit gestern Abend kommt keine VPN-Verbindung zustande.",
        category="connectivity",
        severity="A",
        channel="portal",
    ).ticket
    agent = ws.actor("helpdesk_agent")
    actions.reply(agent, ticket=ticket, body="Das Zertifikat war abgelaufen; es ist erneuert.")
    actions.change_ticket(agent, ticket=ticket, changes=TicketChanges(status="resolved"))

    sign_in(page, live_server.url, ws.member("contact").user.email)
    page.get_by_role("link", name="Solved and closed").click()
    page.get_by_role("link", name="VPN verbindet nicht").click()
    expect(page.get_by_test_id("status")).to_have_text("Solved")
    expect(page.get_by_test_id("solved-box")).to_be_visible()
    shot("solved")

    page.get_by_test_id("solved-box").get_by_role("link", name="Yes, close my request").click()
    expect(page.get_by_role("heading", name=re.compile(r"Close .*\?"))).to_be_visible()
    shot("close-confirmation")
    page.get_by_role("button", name="Yes, close my request").click()
    expect(page.get_by_test_id("status")).to_have_text("Closed")
    expect(page.get_by_test_id("closed-box")).to_be_visible()
    expect(page.get_by_test_id("reply-form")).to_have_count(0)
    shot("closed")

    page.get_by_role("link", name="Your settings: language and time zone").click()
    expect(page.get_by_role("heading", name="Your settings")).to_be_visible()
    page.get_by_label("Time zone").select_option("America/New_York")
    page.get_by_label("Language").select_option("de")
    shot("settings")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.locator("header")).to_contain_text("Abmelden")
    expect(page.get_by_label("Zeitzone")).to_have_value("America/New_York")
    shot("settings-saved-in-german")
    user = User.objects.get(pk=ws.member("contact").user_id)
    assert (user.language, user.time_zone) == ("de", "America/New_York")

    assert console.problems() == []
