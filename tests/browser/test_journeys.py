"""The journeys of the console and the portal, end to end in a real browser, as the people who
use them walk them: an agent with an authenticator works a ticket from new to resolved, and
the contact who asked sees the answer but never the note; a German-speaking agent and contact
see their pages in German, with times in their own time zone. Screenshots of every step land
under test-output/screenshots/<test name>/."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import time_machine
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from partnerdesk.accounts.models import User
from partnerdesk.tickets import actions
from partnerdesk.tickets.models import Ticket
from tests.browser.conftest import Console, Shot
from tests.browser.test_console_ticket import sign_in_with_code
from tests.browser.test_sign_in import sign_in
from tests.kit import PASSWORD, Workspace, contacts_for, make_workspace

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _filed_by_contact(ws: Workspace, subject: str, description: str) -> Ticket:
    contacts_for(ws)  # the kit's contact logins get their contact rows
    return actions.file_ticket(
        ws.actor("contact"),
        customer=ws.customers["a"],
        requester=None,
        subject=subject,
        description=description,
        category="connectivity",
        severity="B",
        channel="portal",
    ).ticket


def test_an_agent_works_a_new_ticket_to_resolved_and_the_contact_sees_only_the_answer(
    page: Page, live_server: LiveServer, shot: Shot, console: Console
) -> None:
    ws = make_workspace("Nordwind IT")
    ticket = _filed_by_contact(
        ws,
        "Outlook keeps asking for the password",
        "Since this morning Outlook asks for my password every few minutes.",
    )
    _filed_by_contact(ws, "New printer for the office", "We need a printer set up.")
    assert ticket.status == "new"
    reference = f"{ws.partner.ticket_prefix}-{ticket.number}"

    # Signs in with password and authenticator code, and lands in the console.
    sign_in_with_code(page, live_server.url, ws.member("helpdesk_agent"))
    expect(page).to_have_url(re.compile(r"/desk/"))
    expect(page.get_by_role("link", name=ticket.subject)).to_be_visible()
    shot("console")

    # Finds the ticket from the search box (reached with "/"), not from the queue.
    page.wait_for_load_state("load")  # the shortcuts' script
    page.keyboard.press("/")
    search = page.get_by_role("searchbox", name="Search tickets")
    expect(search).to_be_focused()
    search.fill("Outlook password")
    search.press("Enter")
    hits = page.get_by_test_id("ticket-hits")
    expect(hits.get_by_role("link", name=ticket.subject)).to_be_visible()
    expect(hits.get_by_role("link", name="New printer for the office")).to_have_count(0)
    shot("search")
    hits.get_by_role("link", name=ticket.subject).click()
    expect(page.get_by_role("heading", name=ticket.subject)).to_be_visible()
    expect(page.get_by_test_id("status")).to_have_text("New")
    shot("ticket")

    # Replies to the customer, then writes an internal note.
    answer = "Please remove the stored password in the Credential Manager and sign in again."
    page.get_by_role("textbox", name="Reply to the customer").fill(answer)
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_test_id("message").filter(has_text=answer)).to_be_visible()
    shot("replied")

    note = "Internal: the customer's conditional access policy was changed yesterday."
    page.wait_for_load_state("load")
    page.keyboard.press("n")
    page.get_by_role("textbox", name="Internal note: only staff see it").fill(note)
    page.get_by_role("button", name="Add note").click()
    expect(page.get_by_test_id("message").filter(has_text=note)).to_be_visible()
    shot("noted")

    # Resolves it from the details beside the thread.
    page.get_by_test_id("status-form").locator("select").select_option("resolved")
    page.get_by_test_id("status-form").get_by_role("button", name="Change").click()
    expect(page.get_by_test_id("status")).to_have_text("Resolved")
    shot("resolved")
    ticket.refresh_from_db()
    assert ticket.status == "resolved"
    assert ticket.resolved_at is not None
    assert console.problems() == []

    # The contact who asked sees the answer, never the note, and the request as solved.
    page.locator("header").get_by_role("button", name="Sign out").click()
    sign_in(page, live_server.url, ws.member("contact").user.email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/portal/"))
    expect(page.get_by_role("link", name="New printer for the office")).to_be_visible()
    page.get_by_role("link", name="Solved and closed").click()
    page.get_by_role("link", name=ticket.subject).click()
    expect(page.get_by_text(answer)).to_be_visible()
    expect(page.get_by_text(reference).first).to_be_visible()
    assert note not in page.content()
    shot("contact-sees-the-answer")
    assert console.problems() == []


@pytest.mark.parametrize("locale", ["en-US"])  # the browser asks for English: the person wins
def test_german_speaking_people_see_german_in_their_own_time_zone(
    page: Page, live_server: LiveServer, shot: Shot, console: Console
) -> None:
    ws = make_workspace("Nordwind IT")
    with time_machine.travel(datetime(2026, 11, 20, 13, 5, tzinfo=UTC), tick=False):
        ticket = _filed_by_contact(ws, "Drucker druckt nicht", "Der Drucker im Büro druckt nicht.")
    agent = ws.member("helpdesk_agent")
    User.objects.filter(pk=agent.user_id).update(language="de", time_zone="Europe/Berlin")
    contact = ws.member("contact")
    User.objects.filter(pk=contact.user_id).update(language="de", time_zone="Asia/Shanghai")

    # The agent: the console in German, 13:05 UTC shown as 14:05 Berlin time.
    sign_in_with_code(page, live_server.url, agent)
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.get_by_role("link", name="Warteschlangen")).to_be_visible()
    expect(page.get_by_role("button", name="Abmelden")).to_be_visible()
    page.get_by_role("link", name=ticket.subject).click()
    expect(page.get_by_role("button", name="Antwort senden")).to_be_visible()
    expect(page.locator("time").filter(has_text="14:05").first).to_be_visible()
    # Longer German labels still fit a laptop screen: nothing scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot("agent-ticket-de")

    # The contact: the portal in German, the same moment as 21:05 in Shanghai.
    page.locator("header").get_by_role("button", name="Abmelden").click()
    sign_in(page, live_server.url, contact.user.email, PASSWORD)
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.get_by_role("link", name="Neue Anfrage").first).to_be_visible()
    shot("contact-requests-de")
    page.get_by_role("link", name=ticket.subject).click()
    expect(page.locator("time").filter(has_text="21:05").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot("contact-ticket-de")
    assert console.problems() == []
