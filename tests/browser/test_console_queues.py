"""The console's queue in a real browser: filter with htmx, move with j/k, select with x, bulk
assign, the shortcuts' help, g-then-m to a queue and / to search; on a laptop screen, with no
CSP violation or script error. Screenshots land under test-output/screenshots/<test name>/."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from partnerdesk.tickets import actions
from partnerdesk.tickets.models import Ticket
from tests.browser.conftest import Console, Shot
from tests.kit import Workspace, make_workspace, session_client

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SUBJECTS = [
    ("Exchange Online: Postfach voll", "A", "a"),
    ("Teams ruft nicht an, seit dem Update von gestern Abend", "B", "a"),
    ("Lizenz für neue Mitarbeiterin fehlt", "C", "b"),
    ("SharePoint-Seite lädt sehr langsam", "A", "b"),
    ("Drucker im 2. OG offline", "C", "a"),
    ("MFA-Reset für den Geschäftsführer", "B", "b"),
]


def signed_in(page: Page, base: str, ws: Workspace, person: str) -> None:
    """The browser carries the session a signed-in person (past the second factor) has."""
    client = session_client(ws.member(person))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": base}]
    )


def fill_queue(ws: Workspace) -> list[Ticket]:
    actor = ws.actor("helpdesk_agent")
    return [
        actions.file_ticket(
            actor,
            customer=ws.customers[customer],
            subject=subject,
            description="",
            category="configuration",
            severity=severity,
            channel="phone",
            tags=["m365"] if severity == "A" else [],
        ).ticket
        for subject, severity, customer in SUBJECTS
    ]


def rows(page: Page) -> list[str]:
    return page.locator("[data-queue-table] tbody tr[data-row] a[data-open]").all_inner_texts()


def test_an_agent_filters_selects_with_the_keyboard_and_assigns_in_bulk(
    page: Page, live_server: LiveServer, shot: Shot, console: Console
) -> None:
    ws = make_workspace("Nordwind IT")
    tickets = fill_queue(ws)
    signed_in(page, live_server.url, ws, "helpdesk_agent")

    page.goto(live_server.url + "/desk/queues/open/")
    expect(page.get_by_role("heading", name="All open")).to_be_visible()
    assert len(rows(page)) == 6
    # A laptop screen: nothing sticks out sideways.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot("queue")

    # Filtering swaps the table with htmx and puts the filter in the address bar.
    page.get_by_label("Severity").select_option("A")
    expect(page.locator("[data-queue-table] tbody tr[data-row]")).to_have_count(2)
    expect(page).to_have_url(re.compile(r"/desk/queues/open/\?severity=A$"))
    assert set(rows(page)) == {SUBJECTS[0][0], SUBJECTS[3][0]}
    shot("filtered")
    page.go_back()
    expect(page.locator("[data-queue-table] tbody tr[data-row]")).to_have_count(6)

    # j/k move the highlight, x selects the highlighted row.
    page.locator("body").click(position={"x": 5, "y": 300})
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    current = page.locator("tr.is-current")
    expect(current).to_have_count(1)
    first = rows(page)[0]
    expect(current.locator("a[data-open]")).to_have_text(first)
    page.keyboard.press("x")
    page.keyboard.press("j")
    page.keyboard.press("x")
    expect(page.locator('tbody input[type="checkbox"]:checked')).to_have_count(2)
    expect(page.locator("[data-selected-count]")).to_have_text("Selected: 2")
    chosen = rows(page)[:2]
    shot("selected")

    page.locator("#bulk-form select[name=assignee]").select_option("me")
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_test_id("bulk-summary")).to_contain_text("2 tickets changed.")
    expect(page.get_by_test_id("count-mine")).to_have_text("2")
    agent_name = ws.member("helpdesk_agent").user.full_name
    for subject in chosen:
        row = page.locator("tbody tr", has=page.get_by_role("link", name=subject, exact=True))
        expect(row).to_contain_text(agent_name)
    shot("assigned")
    assert {t.subject for t in Ticket.objects.filter(assignee=ws.member("helpdesk_agent"))} == set(
        chosen
    )

    # ? shows the shortcuts, Escape hides them.
    page.keyboard.press("?")
    help_box = page.get_by_test_id("shortcuts-help")
    expect(help_box).to_be_visible()
    expect(help_box).to_contain_text("Assign to me")
    shot("shortcuts-help", full_page=False)
    page.keyboard.press("Escape")
    expect(help_box).to_be_hidden()

    # g then m: my queue, with the two tickets just taken.
    page.keyboard.press("g")
    page.keyboard.press("m")
    expect(page).to_have_url(live_server.url + "/desk/queues/mine/")
    assert sorted(rows(page)) == sorted(chosen)

    # j then o opens the highlighted ticket.
    page.keyboard.press("j")
    opened = rows(page)[0]
    page.keyboard.press("o")
    expect(page).to_have_url(re.compile(r"/desk/tickets/[0-9a-f-]+/$"))
    expect(page.get_by_role("heading", name=re.compile(re.escape(opened)))).to_be_visible()

    # / jumps to the search box (once the page's script has loaded); a reference opens its ticket.
    page.wait_for_load_state("load")
    page.keyboard.press("/")
    search = page.get_by_role("searchbox", name="Search tickets")
    expect(search).to_be_focused()
    reference = f"{ws.partner.ticket_prefix}-{tickets[2].number}"
    search.fill(reference.lower())
    search.press("Enter")
    expect(page).to_have_url(live_server.url + f"/desk/tickets/{tickets[2].pk}/")
    shot("ticket-from-search")

    assert console.problems() == [], "\n".join(console.problems())


def test_a_sales_agent_browses_customers_without_bulk_controls(
    page: Page, live_server: LiveServer, shot: Shot, console: Console
) -> None:
    ws = make_workspace("Nordwind IT")
    fill_queue(ws)
    signed_in(page, live_server.url, ws, "sales_agent")

    page.goto(live_server.url + "/desk/queues/open/")
    expect(page.locator("[data-queue-table] tbody tr[data-row]")).to_have_count(6)
    expect(page.get_by_test_id("bulk-bar")).to_have_count(0)
    shot("queue-read-only")

    page.get_by_role("link", name="Customers", exact=True).click()
    expect(page.get_by_role("heading", name="Customers")).to_be_visible()
    shot("customers")
    page.get_by_role("link", name=ws.customers["b"].name).click()
    expect(page.get_by_role("heading", name=ws.customers["b"].name)).to_be_visible()
    expect(page.get_by_test_id("customer-tickets").locator("tbody tr")).to_have_count(3)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot("customer")

    # One box finds the customer and its tickets.
    page.wait_for_load_state("load")
    page.keyboard.press("/")
    page.get_by_role("searchbox", name="Search tickets").fill("stadtwerke")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("customer-hits")).to_contain_text(ws.customers["b"].name)
    expect(page.get_by_test_id("ticket-hits").locator("tbody tr")).to_have_count(3)
    shot("search")

    assert console.problems() == [], "\n".join(console.problems())


def test_a_refusal_or_an_expired_session_is_not_swapped_into_the_table(
    page: Page, live_server: LiveServer, shot: Shot, console: Console
) -> None:
    ws = make_workspace("Nordwind IT")
    fill_queue(ws)
    signed_in(page, live_server.url, ws, "helpdesk_agent")
    page.goto(live_server.url + "/desk/queues/open/")

    # A refusal's readable message takes the place of the results.
    page.route(
        "**/desk/queues/open/?severity=B",
        lambda route: route.fulfill(
            status=403,
            content_type="text/html",
            body="<html><body><main><h1>Forbidden</h1><p>Not yours.</p></main></body></html>",
        ),
    )
    page.get_by_label("Severity").select_option("B")
    expect(page.locator("#queue-results")).to_contain_text("Not yours.")
    page.unroute("**/desk/queues/open/?severity=B")

    # Signed out meanwhile: the next filter goes to the sign-in page, not into the table.
    page.context.clear_cookies()
    page.get_by_label("Severity").select_option("C")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=%2Fdesk%2Fqueues%2Fopen%2F$"))
    shot("signed-out")
    # The simulated refusal itself (and htmx's note of it) is all the console may show.
    allowed = (r"/favicon\.ico", r"403 .*severity=B", r"Response Status Error Code 403")
    assert console.problems(allow=allowed) == []
