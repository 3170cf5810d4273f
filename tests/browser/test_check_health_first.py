"""Check health first, in a real browser: a contact picks Exchange Online on the new-request
form, sees Microsoft's incident before sending, files anyway, and finds her request linked to
the incident with its latest update. Screenshots under test-output/screenshots/<test name>/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from partnerdesk.health.models import TicketIncidentLink
from partnerdesk.tickets.models import Ticket
from tests.browser.conftest import Console, Shot
from tests.browser.test_portal import sign_in, workspace
from tests.health.helpers import feed_incident, post, subscribe

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def test_a_contact_sees_the_incident_before_filing_and_the_link_after(
    page: Page, live_server: LiveServer, shot: Shot, console: Console
) -> None:
    ws = workspace()
    subscribe(ws.customers["a"], "m365")
    incident = feed_incident(
        ws,
        posts=(
            post("<p>We are investigating.</p>"),
            post("<p>A fix is being deployed to the affected servers.</p>", minutes=40),
        ),
    )
    base = live_server.url
    sign_in(page, base, ws.member("contact").user.email)
    page.locator("main").get_by_role("link", name="New request").click()
    page.get_by_label("Subject").fill("Mails bleiben im Postausgang")
    page.get_by_label("Description").fill("Seit 9 Uhr gehen keine Mails raus.")
    page.get_by_label("B: moderate").check()
    page.get_by_label("What is it about?").select_option("performance")
    page.get_by_label("Which service does it concern?").select_option("exchange-online")

    notice = page.get_by_test_id("health-check")
    expect(notice).to_contain_text("Microsoft is aware of a problem")
    expect(notice).to_contain_text("EX226792")
    expect(notice).to_contain_text("A fix is being deployed")
    expect(notice).to_contain_text("we will link it")
    shot("incident-shown-before-filing")

    page.get_by_label("Which service does it concern?").select_option("teams")
    expect(page.get_by_test_id("health-check")).to_have_count(0)
    page.get_by_label("Which service does it concern?").select_option("exchange-online")
    expect(page.get_by_test_id("health-check")).to_be_visible()

    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_role("heading", name="Mails bleiben im Postausgang")).to_be_visible()
    panel = page.get_by_test_id("portal-ticket-incidents")
    expect(panel).to_contain_text("EX226792")
    expect(panel).to_contain_text("A fix is being deployed")
    shot("request-linked-to-incident")

    ticket = Ticket.objects.get(subject="Mails bleiben im Postausgang")
    link = TicketIncidentLink.objects.get(ticket=ticket)
    assert link.incident_id == incident.pk and (link.state, link.via) == ("linked", "portal")

    page.locator("nav.sections").get_by_role("link", name="Service health").click()
    expect(page.get_by_test_id("portal-incident")).to_contain_text("EX226792")
    shot("portal-service-health")
    assert console.problems() == []
