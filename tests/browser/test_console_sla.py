"""The console's SLA in a real browser: an agent sees the notices badge, opens the "breaching
soon" queue, reads the countdowns, opens a ticket and its SLA panel, changes the status (the
panel comes back with the details), and opens a notice; on a laptop screen, with no CSP
violation or script error. Screenshots land under test-output/screenshots/<test name>/."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from partnerdesk.accounts.models import User
from partnerdesk.core import clock
from partnerdesk.tickets import actions
from partnerdesk.tickets.models import AgentNotice, Ticket, TicketClock
from partnerdesk.tickets.sla_models import NO_DUE
from tests.browser.conftest import Console, Shot
from tests.browser.test_console_queues import signed_in
from tests.kit import Workspace, make_workspace

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _file(ws: Workspace, subject: str, severity: str) -> Ticket:
    return actions.file_ticket(
        ws.actor("helpdesk_agent"),
        customer=ws.customers["a"],
        subject=subject,
        description="",
        category="configuration",
        severity=severity,
        channel="phone",
    ).ticket


def _due(ticket: Ticket, state: str, due: Any, **clocks: dict[str, Any]) -> None:
    """The ticket's SLA as the clock actions leave it: the summary and its clock rows."""
    Ticket.objects.filter(pk=ticket.pk).update(sla_state=state, sla_due_at=due)
    TicketClock.objects.filter(ticket=ticket).delete()
    for kind, fields in clocks.items():
        TicketClock.objects.create(
            partner_id=ticket.partner_id,
            ticket=ticket,
            kind=kind,
            business_hours=False,
            **fields,
        )


def fill(ws: Workspace) -> dict[str, Ticket]:
    now = clock.now()
    tickets = {
        "late": _file(ws, "Exchange Online: Postfach voll, niemand kann mehr senden", "A"),
        "soon": _file(ws, "Teams ruft nicht an, seit dem Update von gestern Abend", "B"),
        "later": _file(ws, "Lizenz für neue Mitarbeiterin fehlt", "C"),
        "paused": _file(ws, "SharePoint-Seite lädt sehr langsam", "B"),
    }
    start = now - timedelta(hours=1)
    _due(
        tickets["late"],
        "breached",
        now - timedelta(minutes=35),
        first_response={
            "state": "running",
            "target": timedelta(hours=1),
            "started_at": start - timedelta(minutes=35),
            "running_since": start - timedelta(minutes=35),
            "due_at": now - timedelta(minutes=35),
            "breached_at": now - timedelta(minutes=35),
            "breaches": 1,
        },
        resolution={
            "state": "running",
            "target": timedelta(hours=8),
            "started_at": start,
            "running_since": start,
            "due_at": now + timedelta(hours=7),
        },
    )
    _due(
        tickets["soon"],
        "warning",
        now + timedelta(minutes=50),
        first_response={
            "state": "met",
            "target": timedelta(hours=4),
            "started_at": start - timedelta(hours=2),
            "elapsed": timedelta(minutes=20),
            "stopped_at": start - timedelta(hours=1, minutes=40),
        },
        next_update={
            "state": "running",
            "target": timedelta(hours=2),
            "cycle": 2,
            "started_at": start,
            "running_since": start - timedelta(minutes=10),
            "due_at": now + timedelta(minutes=50),
            "warned_at": now - timedelta(minutes=5),
        },
        resolution={
            "state": "running",
            "target": timedelta(hours=24),
            "started_at": start - timedelta(hours=2),
            "running_since": start - timedelta(hours=2),
            "due_at": now + timedelta(hours=21),
        },
    )
    _due(tickets["later"], "ok", now + timedelta(hours=5))
    _due(tickets["paused"], "paused", NO_DUE)
    AgentNotice.objects.create(
        partner=ws.partner,
        membership=ws.member("helpdesk_agent"),
        ticket=tickets["late"],
        kind="sla_breached",
        data={"clock": "first_response", "due_at": (now - timedelta(minutes=35)).isoformat()},
        created_at=now - timedelta(minutes=35),
    )
    return tickets


def no_sideways_scroll(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_an_agent_works_the_breaching_queue(
    page: Page, live_server: LiveServer, shot: Shot, console: Console
) -> None:
    ws = make_workspace("Nordwind IT")
    User.objects.filter(pk=ws.member("helpdesk_agent").user_id).update(time_zone="Europe/Berlin")
    tickets = fill(ws)
    signed_in(page, live_server.url, ws, "helpdesk_agent")

    page.goto(live_server.url + "/desk/queues/open/")
    # The badge arrives after the page.
    expect(page.get_by_test_id("notice-count")).to_have_text("1")
    expect(page.get_by_test_id("count-breaching")).to_have_text("2")
    assert no_sideways_scroll(page)
    shot("all-open")

    # g then b: the breaching-soon queue (also a link in the queue list).
    expect(page.get_by_role("link", name=re.compile(r"^Breaching soon"))).to_be_visible()
    page.wait_for_load_state("load")
    page.locator("body").click(position={"x": 5, "y": 600})
    page.keyboard.press("g")
    page.keyboard.press("b")
    expect(page).to_have_url(live_server.url + "/desk/queues/breaching/")
    expect(page.get_by_role("heading", name="Breaching soon")).to_be_visible()
    links = page.locator("[data-queue-table] tbody tr[data-row] a[data-open]")
    expect(links).to_have_count(2)
    assert links.all_inner_texts() == [tickets["late"].subject, tickets["soon"].subject]
    expect(page.get_by_label("Sort")).to_have_value("due")
    late_row = page.locator("tbody tr", has=page.get_by_role("link", name=tickets["late"].subject))
    expect(late_row.get_by_test_id("sla-due")).to_contain_text("overdue by 35 min")
    soon_row = page.locator("tbody tr", has=page.get_by_role("link", name=tickets["soon"].subject))
    expect(soon_row.get_by_test_id("sla-due")).to_contain_text(re.compile(r"in (49|50) min"))
    assert no_sideways_scroll(page)
    shot("breaching")

    # Sorting the whole list by next due: the paused ticket last.
    page.goto(live_server.url + "/desk/queues/open/?sort=due")
    expect(links).to_have_count(4)
    assert links.all_inner_texts()[-1] == tickets["paused"].subject
    expect(
        page.locator("tbody tr", has=page.get_by_role("link", name=tickets["paused"].subject))
    ).to_contain_text("paused")

    # The ticket: its SLA panel, clock by clock.
    page.goto(live_server.url + "/desk/queues/breaching/")
    page.get_by_role("link", name=tickets["soon"].subject).click()
    panel = page.get_by_test_id("sla-panel")
    expect(panel).to_be_visible()
    expect(panel.get_by_test_id("clock-first_response")).to_contain_text("Met")
    expect(panel.get_by_test_id("clock-next_update")).to_contain_text("Breaching soon")
    expect(panel.get_by_test_id("clock-next_update")).to_contain_text("update 2, 0 breaches")
    expect(panel.get_by_test_id("clock-next_update").get_by_test_id("countdown")).to_have_text(
        re.compile(r"in (49|50) min")
    )
    assert no_sideways_scroll(page)
    shot("ticket-panel")

    # A status change swaps the details aside; the panel comes back with it.
    page.locator("#status-select").select_option("open")
    page.get_by_test_id("status-form").get_by_role("button", name="Change").click()
    expect(page.get_by_test_id("status")).to_have_text("Open")
    expect(page.get_by_test_id("sla-panel")).to_be_visible()

    # The notice: opening it marks it read and leads to its ticket.
    page.get_by_test_id("notices-link").click()
    expect(page.get_by_role("heading", name="Notices")).to_be_visible()
    expect(page.get_by_test_id("notice")).to_have_count(1)
    assert no_sideways_scroll(page)
    shot("notices")
    page.get_by_test_id("open-notice").click()
    expect(page).to_have_url(live_server.url + f"/desk/tickets/{tickets['late'].pk}/")
    expect(page.get_by_test_id("sla-panel").get_by_test_id("clock-first_response")).to_contain_text(
        "Breached"
    )
    expect(page.get_by_test_id("notices-link")).to_have_text("Notices")
    shot("ticket-breached")

    assert console.problems() == [], "\n".join(console.problems())
