"""The customer and contact lists cost the same number of queries for 5 rows and for 50."""

from __future__ import annotations

import pytest
from django.test import Client

from partnerdesk.customers import actions
from partnerdesk.customers.models import Customer
from tests.kit import Workspace, api_client, max_queries

pytestmark = pytest.mark.django_db


def _queries(client: Client, path: str, rows: int) -> int:
    client.get(path)  # the token's last-used write happens once a minute, not here
    with max_queries(10) as captured:
        response = client.get(path)
    assert response.status_code == 200
    assert len(response.json()["items"]) == rows
    return len(captured.captured_queries)


def _add_customers(ws: Workspace, start: int, stop: int) -> None:
    for n in range(start, stop):
        actions.create_customer(
            ws.system(), name=f"Kunde {n:03}", domains=[f"kunde{n}.example", f"k{n}.example"]
        )


def _add_contacts(ws: Workspace, customer: Customer, start: int, stop: int) -> None:
    for n in range(start, stop):
        actions.create_contact(
            ws.system(), customer=customer, name=f"Person {n:03}", email=f"p{n}@kunde.example"
        )


def test_the_customer_list_does_not_grow_with_its_rows(ws: Workspace) -> None:
    client = api_client(ws.member("helpdesk_agent"))
    _add_customers(ws, 0, 2)  # with the kit's three: 5
    small = _queries(client, "/api/v1/customers?limit=200", 5)
    _add_customers(ws, 2, 47)
    assert _queries(client, "/api/v1/customers?limit=200", 50) == small
    assert small <= 3  # token, customers, domains


def test_the_contact_list_does_not_grow_with_its_rows(ws: Workspace) -> None:
    client = api_client(ws.member("helpdesk_agent"))
    customer = ws.customers["a"]
    path = f"/api/v1/customers/{customer.pk}/contacts?limit=200"
    _add_contacts(ws, customer, 0, 5)
    small = _queries(client, path, 5)
    _add_contacts(ws, customer, 5, 50)
    assert _queries(client, path, 50) == small
    assert small <= 3  # token, customer, contacts
