"""An agent works a ticket in a real browser, without a page reload: reply, internal note,
a canned reply inserted and sent, tags, assign to me (keyboard), resolved. Screenshots of
every step land under test-output/screenshots/<test name>/."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from partnerdesk.accounts.models import Membership
from partnerdesk.tickets import actions
from tests.browser.conftest import Console, Shot
from tests.browser.test_sign_in import sign_in
from tests.kit import PASSWORD, confirmed_device, contacts_for, make_workspace

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def sign_in_with_code(page: Page, base: str, membership: Membership) -> None:
    """Password, then the code of an authenticator the agent already has."""
    device = confirmed_device(membership)
    sign_in(page, base, membership.user.email, PASSWORD)
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    code = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits).token()
    page.get_by_role("textbox", name=re.compile("code", re.I)).fill(f"{code:0{device.digits}d}")
    page.get_by_role("button", name="Continue").click()
    expect(page).not_to_have_url(re.compile("/accounts/"))


def test_an_agent_works_a_ticket_without_a_page_reload(
    page: Page,
    live_server: LiveServer,
    shot: Shot,
    console: Console,
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.MEDIA_ROOT = tmp_path  # the attachment's file
    ws = make_workspace("Nordwind IT")
    agent = ws.member("helpdesk_agent")
    contacts = contacts_for(ws)
    ticket = actions.file_ticket(
        ws.actor("helpdesk_agent"),
        customer=ws.customers["a"],
        requester=contacts["contact"],
        subject="Teams klingelt nicht",
        description="Seit dem Update klingelt Teams bei eingehenden Anrufen nicht mehr.",
        category="configuration",
        severity="B",
        channel="portal",
    ).ticket
    actions.create_canned_reply(
        ws.actor("admin_agent"),
        title="Rückfrage Fehlermeldung",
        body="Hallo {requester.first_name}, zu {ticket.reference}: welche Fehlermeldung sehen "
        "Sie genau?\n{agent.name}",
        shared=True,
    )
    reference = f"{ws.partner.ticket_prefix}-{ticket.number}"

    sign_in_with_code(page, live_server.url, agent)
    page.goto(f"{live_server.url}/desk/tickets/{ticket.pk}/")
    expect(page.get_by_role("heading", name="Teams klingelt nicht")).to_be_visible()
    page.evaluate("window.__samePage = true")  # gone if anything reloads the page
    shot("ticket")

    # Reply: "r" focuses the reply box.
    page.locator("h1").click()
    page.keyboard.press("r")
    body = page.locator("#reply-body")
    expect(body).to_be_focused()
    body.fill("Wir prüfen das und melden uns heute noch.")
    page.get_by_label("Attach files").set_input_files(
        [{"name": "anleitung.txt", "mimeType": "text/plain", "buffer": b"Schritt 1: neu starten"}]
    )
    page.get_by_role("button", name="Send reply").click()
    timeline = page.locator("#ticket-timeline")
    expect(timeline.get_by_text("Wir prüfen das und melden uns heute noch.")).to_be_visible()
    expect(timeline.get_by_role("link", name="anleitung.txt")).to_be_visible()
    expect(page.locator("#reply-body")).to_have_value("")
    expect(page.get_by_test_id("status-section").get_by_test_id("status")).to_have_text("Open")
    shot("replied")

    # Internal note: "n" switches the box to note mode.
    page.keyboard.press("Escape")
    page.keyboard.press("n")
    expect(page.locator("#ticket-composer")).to_have_class(re.compile("mode-note"))
    expect(page.locator("#reply-body")).to_be_focused()
    page.locator("#reply-body").fill("Lizenz fehlt vermutlich: Teams Phone Standard prüfen.")
    shot("writing-a-note")
    page.get_by_role("button", name="Add note").click()
    note = timeline.locator(".message.internal")
    expect(note).to_contain_text("Lizenz fehlt vermutlich")
    expect(note.get_by_text("Internal note")).to_be_visible()
    expect(page.locator("#reply-body")).to_have_value("")
    shot("noted")

    # A canned reply is inserted with its placeholders filled in, for the agent to edit.
    page.keyboard.press("Escape")
    page.keyboard.press("r")
    expect(page.locator("#ticket-composer")).to_have_class(re.compile("mode-reply"))
    page.get_by_label("Canned reply").select_option(label="Rückfrage Fehlermeldung")
    page.get_by_role("button", name="Insert").click()
    expected = (
        f"Hallo Contact, zu {reference}: welche Fehlermeldung sehen Sie genau?\nHelpdesk Agent"
    )
    expect(page.locator("#reply-body")).to_have_value(expected)
    shot("canned-inserted")
    page.locator("#reply-body").press("End")
    page.locator("#reply-body").type(" (Ihr Support)")
    page.get_by_label("Then set status").select_option("pending_customer")
    page.get_by_role("button", name="Send reply").click()
    expect(timeline.get_by_text("welche Fehlermeldung sehen Sie genau?")).to_be_visible()
    expect(page.get_by_test_id("status-section").get_by_test_id("status")).to_have_text(
        "Pending customer"
    )

    # Tags: several at once, one removed.
    page.get_by_label("Add tags").fill("teams, telefonie, lizenz")
    page.get_by_role("button", name="Add", exact=True).click()
    tags = page.get_by_test_id("tags-section").get_by_test_id("tags")
    expect(tags).to_contain_text("lizenz")
    expect(tags).to_contain_text("telefonie")
    page.get_by_role("button", name="Remove tag telefonie").click()
    expect(tags).not_to_contain_text("telefonie")
    expect(timeline.get_by_text("Tag removed: telefonie")).to_be_visible()
    shot("tagged")

    # Assign to me with "a".
    page.locator("h1").click()
    page.keyboard.press("a")
    assignee = page.get_by_test_id("assign-section").get_by_test_id("assignee")
    expect(assignee).to_have_text("Helpdesk Agent")
    expect(timeline.get_by_text("Assignee changed: nobody → Helpdesk Agent")).to_be_visible()
    shot("assigned")

    # Resolved.
    page.get_by_label("New status").select_option("resolved")
    page.get_by_test_id("status-form").get_by_role("button", name="Change").click()
    expect(page.get_by_test_id("status-section").get_by_test_id("status")).to_have_text("Resolved")
    expect(timeline.get_by_text("Status changed: Pending customer → Resolved")).to_be_visible()
    shot("resolved")

    assert page.evaluate("window.__samePage === true"), "the page reloaded"
    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee_id) == ("resolved", agent.pk)
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["lizenz", "teams"]
    assert [m.internal for m in ticket.messages.order_by("created_at")] == [False, True, False]
    assert console.problems() == []


def test_a_refusal_shows_beside_the_control(
    page: Page, live_server: LiveServer, shot: Shot, console: Console
) -> None:
    ws = make_workspace("Nordwind IT")
    duplicate = actions.file_ticket(
        ws.actor("helpdesk_agent"),
        customer=ws.customers["a"],
        subject="Drucker offline",
        description="",
        category="connectivity",
        severity="C",
        channel="phone",
    ).ticket
    sign_in_with_code(page, live_server.url, ws.member("helpdesk_agent"))
    page.goto(f"{live_server.url}/desk/tickets/{duplicate.pk}/")
    page.get_by_label("Merge into ticket").fill(str(duplicate.number))
    page.get_by_role("button", name="Merge into…").click()
    expect(page.get_by_test_id("merge-confirm")).to_be_visible()
    shot("merge-confirm")
    page.get_by_test_id("merge-confirm").get_by_role("button", name="Merge").click()
    expect(page.get_by_test_id("merge-section").get_by_role("alert")).to_have_text(
        "A ticket cannot be merged into itself."
    )
    shot("merge-refused")
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id is None
    # The refusal is a 422 answer on purpose; nothing else may fail.
    assert console.problems(allow=(r"/favicon\.ico", r"422.*/merge/")) == []


def test_an_agent_writes_a_canned_reply_and_fixes_a_wrong_placeholder(
    page: Page, live_server: LiveServer, shot: Shot, console: Console
) -> None:
    ws = make_workspace("Nordwind IT")
    sign_in_with_code(page, live_server.url, ws.member("helpdesk_agent"))
    page.goto(f"{live_server.url}/desk/canned/")
    expect(page.get_by_role("heading", name="Canned replies")).to_be_visible()
    shot("library-empty")
    page.get_by_test_id("canned-new").click()
    page.get_by_label("Title").fill("Rückruf vereinbaren")
    page.get_by_label("Text").fill("Hallo {requester.vorname}, wann dürfen wir Sie anrufen?")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("Unknown placeholder {requester.vorname}")
    expect(page.get_by_label("Text")).to_have_value(
        "Hallo {requester.vorname}, wann dürfen wir Sie anrufen?"
    )
    shot("unknown-placeholder")
    page.get_by_label("Text").fill("Hallo {requester.first_name}, wann dürfen wir Sie anrufen?")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(f"{live_server.url}/desk/canned/")
    expect(page.get_by_test_id("canned-row")).to_contain_text("Rückruf vereinbaren")
    shot("library")
    assert console.problems(allow=(r"/favicon\.ico", r"422.*/desk/canned/new/")) == []


def test_a_sales_agent_reads_the_ticket_without_controls_or_notes(
    page: Page, live_server: LiveServer, shot: Shot, console: Console
) -> None:
    ws = make_workspace("Nordwind IT")
    agent = ws.actor("helpdesk_agent")
    ticket = actions.file_ticket(
        agent,
        customer=ws.customers["a"],
        subject="Lizenzen für neue Mitarbeiter",
        description="Wir brauchen drei weitere Business-Premium-Lizenzen.",
        category="subscription",
        severity="C",
        channel="email",
        tags=["lizenzen"],
    ).ticket
    actions.reply(agent, ticket=ticket, body="Wir bereiten das Angebot vor.")
    actions.reply(agent, ticket=ticket, body="Rabatt mit dem Vertrieb klären.", internal=True)
    sign_in_with_code(page, live_server.url, ws.member("sales_agent"))
    page.goto(f"{live_server.url}/desk/tickets/{ticket.pk}/")
    expect(page.get_by_text("Wir bereiten das Angebot vor.")).to_be_visible()
    expect(page.get_by_text("Rabatt mit dem Vertrieb klären.")).to_have_count(0)
    expect(page.get_by_test_id("reply-form")).to_have_count(0)
    expect(page.locator("#ticket-details form")).to_have_count(0)
    expect(page.get_by_test_id("tags")).to_contain_text("lizenzen")
    expect(page.get_by_test_id("read-only")).to_be_visible()
    shot("sales-agent")
    assert console.problems() == []
