"""The public offering page /offering/<workspace slug>/: no sign-in, only published plans,
nothing of customers, hours in the partner's time zone, the visitor's language."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
import time_machine
from django.test import Client

from partnerdesk.offering import actions
from tests.accounts.helpers import text_of
from tests.kit import Workspace, max_queries, session_client

from .conftest import make_calendar, make_plan

pytestmark = pytest.mark.django_db


def span(start: str, end: str) -> str:
    """An opening period as the pages show it: start and end joined by an en dash."""
    return f"{start}\N{EN DASH}{end}"


@pytest.fixture
def published(ws: Workspace) -> Workspace:
    """Nordwind publishes "Business" (office hours, a fee) and keeps "Intern" to itself; one
    customer has "Intern"."""
    ws.partner.support_email = "hilfe@nordwind.example"
    ws.partner.support_phone = "+49 89 1234 5678"
    ws.partner.support_website = "https://nordwind.example/support"
    ws.partner.time_zone = "Europe/Berlin"
    ws.partner.save()
    calendar = make_calendar(ws)
    make_plan(
        ws,
        calendar,
        name="Business",
        is_published=True,
        currency="EUR",
        hourly_rate=Decimal("95"),
        description="Werktags für Ihre Microsoft-365-Umgebung.",
    )
    secret = make_plan(ws, calendar, name="Intern", description="Nur für Stammkunden")
    actions.assign_plan(ws.actor("global_admin"), customer=ws.customers["a"], plan=secret)
    return ws


@time_machine.travel(datetime(2026, 12, 21, 9, 0, tzinfo=UTC), tick=False)
def test_anyone_reads_the_published_plans(published: Workspace) -> None:
    page = Client().get(f"/offering/{published.partner.slug}/")
    assert page.status_code == 200
    text = text_of(page)
    body = page.content.decode()
    assert f"Support from {published.partner.name}" in text
    assert "hilfe@nordwind.example" in text and 'href="tel:+498912345678"' in body
    assert "nordwind.example/support" in text
    assert "Business" in text and "Werktags für Ihre Microsoft-365-Umgebung." in text
    assert "95.00 EUR per hour" in text
    # Hours in the partner's zone, and the zone named.
    assert "Europe/Berlin" in text
    monday = body[body.index('data-day="2026-12-21"') :].split("</tr>")[0]
    assert span("08:00", "17:00") in monday
    # Nothing unpublished, nothing of customers, no menu of the signed-in.
    assert "Intern" not in text and "Stammkunden" not in text
    for key in ("a", "b"):  # ("own" is the partner's own tenant, named like the partner)
        assert published.customers[key].name not in text
    assert "/settings/" not in body and "/desk/" not in body


def test_signed_in_people_read_it_too(published: Workspace) -> None:
    for person in ("helpdesk_agent", "contact"):
        page = session_client(published.member(person)).get(f"/offering/{published.partner.slug}/")
        assert page.status_code == 200
        assert "Business" in text_of(page) and "Intern" not in text_of(page)


def test_the_visitors_language_is_used(published: Workspace) -> None:
    page = Client().get(f"/offering/{published.partner.slug}/", HTTP_ACCEPT_LANGUAGE="de")
    assert page.status_code == 200
    assert '<html lang="de">' in page.content.decode()
    assert "95,00 EUR" in text_of(page)


def test_an_unknown_workspace_is_not_found(db: None) -> None:
    assert Client().get("/offering/no-such-partner/").status_code == 404


def test_a_workspace_without_published_plans_is_not_found(ws: Workspace) -> None:
    make_plan(ws, make_calendar(ws), name="Intern")
    response = Client().get(f"/offering/{ws.partner.slug}/")
    assert response.status_code == 404
    assert "Intern" not in response.content.decode()


def test_another_workspaces_page_shows_only_its_own(
    published: Workspace, other_ws: Workspace
) -> None:
    make_plan(other_ws, make_calendar(other_ws), name="Alpen Premium", is_published=True)
    mine = text_of(Client().get(f"/offering/{published.partner.slug}/"))
    theirs = text_of(Client().get(f"/offering/{other_ws.partner.slug}/"))
    assert "Alpen Premium" not in mine and "Business" in mine
    assert "Business" not in theirs and "Alpen Premium" in theirs


def test_the_page_costs_the_same_for_one_plan_or_several(published: Workspace) -> None:
    client = Client()
    url = f"/offering/{published.partner.slug}/"
    client.get(url)
    with max_queries(100) as one:
        client.get(url)
    calendar = make_calendar(published, "Late shift", weekly={"mon": [["14:00", "22:00"]]})
    for n in range(3):
        make_plan(published, calendar, name=f"Extra {n}", is_published=True)
    with max_queries(len(one.captured_queries)):
        page = client.get(url)
    assert all(f"Extra {n}" in text_of(page) for n in range(3))


def test_only_get(published: Workspace) -> None:
    assert Client().post(f"/offering/{published.partner.slug}/").status_code == 405
