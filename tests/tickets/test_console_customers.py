"""The console's customer pages: the list (name filter, capped open counts), one customer's
facts, contacts and tickets; who sees which customers; flat query counts."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from partnerdesk.customers.models import Contact, CustomerDomain
from partnerdesk.tickets import actions
from partnerdesk.tickets.models import Ticket
from tests.factories import CustomerFactory
from tests.kit import Workspace, max_queries, session_client

pytestmark = pytest.mark.django_db


def file(ws: Workspace, subject: str, *, customer: str = "a") -> Ticket:
    return actions.file_ticket(
        ws.actor("helpdesk_agent"),
        customer=ws.customers[customer],
        subject=subject,
        description="",
        category="how_to",
        severity="C",
        channel="agent",
    ).ticket


def close(ws: Workspace, ticket: Ticket) -> None:
    actions.change_ticket(
        ws.actor("helpdesk_agent"), ticket=ticket, changes=actions.TicketChanges(status="closed")
    )


@pytest.fixture
def agent(ws: Workspace) -> Client:
    return session_client(ws.member("helpdesk_agent"))


def test_the_list_shows_customers_with_capped_open_counts(ws: Workspace, agent: Client) -> None:
    for i in range(100):
        file(ws, f"Viel {i}", customer="b")
    file(ws, "Einer")
    close(ws, file(ws, "Erledigt"))
    html = agent.get("/desk/customers/").content.decode()
    rows = dict(re.findall(r'data-open>([^<]+)</a>.*?<td class="num"><[^>]*>([^<]+)<', html, re.S))
    assert rows[ws.customers["a"].name] == "1"
    assert rows[ws.customers["b"].name] == "99+"
    assert rows[ws.customers["own"].name] == "0"


def test_the_name_filter_narrows_the_list(ws: Workspace, agent: Client) -> None:
    html = agent.get("/desk/customers/", {"name": "stadtwerke"}).content.decode()
    assert ws.customers["b"].name in html and ws.customers["a"].name not in html
    none = agent.get("/desk/customers/", {"name": "gibt es nicht"}).content.decode()
    assert "has “gibt es nicht” in its name" in none


def test_the_list_is_paginated_and_keeps_the_filter(ws: Workspace, agent: Client) -> None:
    for i in range(52):
        CustomerFactory(partner=ws.partner, name=f"Zahnarzt {i:02d}")
    html = agent.get("/desk/customers/", {"name": "zahnarzt"}).content.decode()
    assert html.count("data-open>Zahnarzt") == 50
    href = re.search(r'href="([^"]+)" data-testid="next-page"', html)
    assert href is not None and "name=zahnarzt" in href.group(1)
    rest = agent.get(href.group(1).replace("&amp;", "&")).content.decode()
    assert re.findall(r"data-open>(Zahnarzt \d+)<", rest) == ["Zahnarzt 50", "Zahnarzt 51"]


def test_a_customer_page_shows_facts_contacts_and_tickets(
    ws: Workspace, agent: Client, contacts: Any
) -> None:
    customer = ws.customers["a"]
    CustomerDomain.objects.create(partner=ws.partner, customer=customer, domain="huber.example")
    closed = file(ws, "Alt und erledigt")
    close(ws, closed)
    file(ws, "Offen und aktuell")
    file(ws, "Anderer Kunde", customer="b")
    html = agent.get(f"/desk/customers/{customer.pk}/").content.decode()
    assert customer.name in html and "huber.example" in html
    assert contacts["contact"].email in html and contacts["manager"].email in html
    assert "Customer manager" in html  # the manager's portal role
    assert contacts["contact_b"].email not in html
    assert html.index("Offen und aktuell") < html.index("Alt und erledigt")  # open first
    assert "Anderer Kunde" not in html
    assert f"/desk/queues/open/?customer={customer.pk}" in html


def test_a_limited_agent_sees_only_its_customers(ws: Workspace) -> None:
    client = session_client(ws.member("limited_agent"))
    listing = client.get("/desk/customers/").content.decode()
    assert ws.customers["a"].name in listing and ws.customers["b"].name not in listing
    assert client.get(f"/desk/customers/{ws.customers['a'].pk}/").status_code == 200
    assert client.get(f"/desk/customers/{ws.customers['b'].pk}/").status_code == 404


def test_another_workspaces_customer_does_not_exist(ws: Workspace, other_ws: Workspace) -> None:
    client = session_client(ws.member("global_admin"))
    assert client.get(f"/desk/customers/{other_ws.customers['a'].pk}/").status_code == 404
    assert client.get("/desk/customers/not-an-id/").status_code == 404


def test_a_sales_agent_may_look(ws: Workspace) -> None:
    file(ws, "Für den Vertrieb")
    client = session_client(ws.member("sales_agent"))
    assert client.get("/desk/customers/").status_code == 200
    page = client.get(f"/desk/customers/{ws.customers['a'].pk}/")
    assert page.status_code == 200 and "Für den Vertrieb" in page.content.decode()


@pytest.mark.parametrize("person", ["contact", "manager"])
def test_customer_people_never_see_the_console_pages(ws: Workspace, person: str) -> None:
    client = session_client(ws.member(person))
    assert client.get("/desk/customers/").status_code == 404
    assert client.get(f"/desk/customers/{ws.customers['a'].pk}/").status_code == 404


def test_customer_pages_cost_the_same_for_few_and_many_rows(ws: Workspace, agent: Client) -> None:
    customer = ws.customers["a"]

    def queries(path: str) -> int:
        agent.get(path)
        with max_queries(30) as captured:
            assert agent.get(path).status_code == 200
        return len(captured.captured_queries)

    file(ws, "eins")
    small_page = queries(f"/desk/customers/{customer.pk}/")
    small_list = queries("/desk/customers/")
    for i in range(30):
        file(ws, f"mehr {i}")
        Contact.objects.create(
            partner=ws.partner,
            customer=customer,
            name=f"Kontakt {i}",
            email=f"kontakt{i}@example.test",
            created_at=customer.created_at,
        )
        CustomerFactory(partner=ws.partner, name=f"Kunde {i}")
    assert queries(f"/desk/customers/{customer.pk}/") == small_page
    assert queries("/desk/customers/") == small_list
