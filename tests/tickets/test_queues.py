"""Queues: named selectors with capped counts; lists cost the same for 5 rows as for 200."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from partnerdesk.tickets import actions
from partnerdesk.tickets.models import Ticket
from tests.kit import Workspace, api_client, max_queries

pytestmark = pytest.mark.django_db


def bulk_file(ws: Workspace, n: int, *, customer: str = "a") -> None:
    actor = ws.actor("helpdesk_agent")
    for i in range(n):
        actions.file_ticket(
            actor,
            customer=ws.customers[customer],
            subject=f"Ticket {i}",
            description="",
            category="how_to",
            severity="C",
            channel="agent",
            tags=["t"],
        )


def test_queues_show_capped_counts(ws: Workspace) -> None:
    bulk_file(ws, 3)
    client = api_client(ws.member("helpdesk_agent"))
    counts = {q["name"]: q["count"] for q in client.get("/api/v1/queues").json()}
    assert counts == {
        "unassigned": "3",
        "mine": "0",
        "open": "3",
        "breaching": "0",
        "pending_vendor": "0",
    }


def test_counts_stop_at_99(ws: Workspace) -> None:
    bulk_file(ws, 100)
    counts = {
        q["name"]: q["count"]
        for q in api_client(ws.member("admin_agent")).get("/api/v1/queues").json()
    }
    assert counts["open"] == "99+"


def test_queue_pages_walk_every_ticket_once(ws: Workspace) -> None:
    bulk_file(ws, 7)
    client = api_client(ws.member("helpdesk_agent"))
    seen: list[str] = []
    url = "/api/v1/queues/open?limit=3"
    while url:
        body = client.get(url).json()
        seen += [t["id"] for t in body["items"]]
        url = (
            f"/api/v1/queues/open?limit=3&cursor={body['next_cursor']}"
            if body["next_cursor"]
            else ""
        )
    assert len(seen) == len(set(seen)) == 7


def test_customer_queue_and_unknown_queue(ws: Workspace, other_ws: Workspace) -> None:
    bulk_file(ws, 2, customer="a")
    bulk_file(ws, 1, customer="b")
    client = api_client(ws.member("helpdesk_agent"))
    items = client.get(f"/api/v1/queues/customer?customer_id={ws.customers['b'].pk}").json()[
        "items"
    ]
    assert len(items) == 1
    assert client.get("/api/v1/queues/nonsense").status_code == 404
    foreign = client.get(f"/api/v1/queues/customer?customer_id={other_ws.customers['a'].pk}")
    assert foreign.status_code == 404


def test_limited_agents_queues_hold_only_their_customers(ws: Workspace) -> None:
    bulk_file(ws, 2, customer="a")
    bulk_file(ws, 3, customer="b")
    counts = {
        q["name"]: q["count"]
        for q in api_client(ws.member("limited_agent")).get("/api/v1/queues").json()
    }
    assert counts["open"] == "2"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/tickets",
        "/api/v1/queues/open",
        "/api/v1/queues/unassigned",
        "/api/v1/tickets?tag=t",
        "/api/v1/queues",
    ],
)
def test_lists_cost_the_same_for_5_and_200_rows(ws: Workspace, path: str) -> None:
    client = api_client(ws.member("helpdesk_agent"))
    bulk_file(ws, 5)
    client.get(path)
    with max_queries(20) as small:
        assert client.get(f"{path}{'&' if '?' in path else '?'}limit=200").status_code == 200
    bulk_file(ws, 195)
    with max_queries(20) as large:
        response = client.get(f"{path}{'&' if '?' in path else '?'}limit=200")
        assert response.status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


def test_the_thread_costs_the_same_for_5_and_60_messages(ws: Workspace) -> None:
    bulk_file(ws, 1)
    ticket = Ticket.objects.get(partner=ws.partner)
    actor = ws.actor("helpdesk_agent")
    client = api_client(ws.member("helpdesk_agent"))

    def count() -> int:
        client.get(f"/api/v1/tickets/{ticket.pk}/messages")
        with max_queries(20) as captured:
            client.get(f"/api/v1/tickets/{ticket.pk}/messages?limit=200")
        return len(captured.captured_queries)

    for i in range(5):
        actions.reply(actor, ticket=ticket, body=f"m{i}", internal=bool(i % 2))
    small = count()
    for i in range(55):
        actions.reply(actor, ticket=ticket, body=f"n{i}")
    assert count() == small


@pytest.mark.django_db(transaction=True)
def test_numbers_never_repeat_under_concurrency(ws: Workspace) -> None:
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            bulk_file(ws, 8)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    numbers = list(Ticket.objects.filter(partner=ws.partner).values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == 32
    assert sorted(numbers) == list(range(1001, 1033))
