"""The console's queue pages: filters and sorting that really narrow and order, in the query
string and through htmx, pagination that keeps them, readable refusals of bad values, and the
API answering the same question the same way."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection, transaction
from django.test import Client

from partnerdesk.tickets import actions, selectors
from partnerdesk.tickets.models import Ticket
from partnerdesk.tickets.selectors_customers import CUSTOMER_TICKET_ORDER
from partnerdesk.tickets.sla_models import NO_DUE
from tests.kit import Workspace, api_client, max_queries, session_client

pytestmark = pytest.mark.django_db

START = "2026-11-20 09:00:00+00:00"


def file(
    ws: Workspace,
    subject: str,
    *,
    customer: str = "a",
    severity: str = "C",
    category: str = "how_to",
    tags: tuple[str, ...] = (),
) -> Ticket:
    return actions.file_ticket(
        ws.actor("helpdesk_agent"),
        customer=ws.customers[customer],
        subject=subject,
        description="",
        category=category,
        severity=severity,
        channel="agent",
        tags=list(tags),
    ).ticket


def assign(ws: Workspace, ticket: Ticket, person: str) -> None:
    actions.change_ticket(
        ws.actor("admin_agent"),
        ticket=ticket,
        changes=actions.TicketChanges(assignee=ws.member(person)),
    )


def subjects(html: str) -> list[str]:
    """The subjects of the queue's rows, top to bottom."""
    return re.findall(r'<a href="/desk/tickets/[^"]+/" data-open>([^<]+)</a>', html)


def page(client: Client, path: str, **params: Any) -> str:
    response = client.get(path, params)
    assert response.status_code == 200, response.content[:500]
    return response.content.decode()


@pytest.fixture
def agent(ws: Workspace) -> Client:
    return session_client(ws.member("helpdesk_agent"))


def test_each_filter_narrows_the_queue(ws: Workspace, agent: Client) -> None:
    file(ws, "Kunde A leise", customer="a", severity="C", category="how_to")
    file(ws, "Kunde B brennt", customer="b", severity="A", category="performance", tags=("vip",))
    mine = file(ws, "Meins", customer="a", severity="B", category="updates")
    assign(ws, mine, "helpdesk_agent")
    pending = file(ws, "Wartet", customer="b", severity="B")
    actions.change_ticket(
        ws.actor("helpdesk_agent"),
        ticket=pending,
        changes=actions.TicketChanges(status="pending_customer"),
    )
    queue = "/desk/queues/open/"
    assert set(subjects(page(agent, queue))) == {
        "Kunde A leise",
        "Kunde B brennt",
        "Meins",
        "Wartet",
    }
    assert subjects(page(agent, queue, severity="A")) == ["Kunde B brennt"]
    assert subjects(page(agent, queue, status="pending_customer")) == ["Wartet"]
    assert set(subjects(page(agent, queue, customer=str(ws.customers["b"].pk)))) == {
        "Kunde B brennt",
        "Wartet",
    }
    assert subjects(page(agent, queue, assignee="me")) == ["Meins"]
    assignee_id = str(ws.member("helpdesk_agent").pk)
    assert subjects(page(agent, queue, assignee=assignee_id)) == ["Meins"]
    assert "Meins" not in subjects(page(agent, queue, assignee="none"))
    assert subjects(page(agent, queue, tag="VIP")) == ["Kunde B brennt"]
    assert subjects(page(agent, queue, category="updates")) == ["Meins"]
    # Filters combine with each other and with the queue's own filter.
    assert subjects(page(agent, queue, customer=str(ws.customers["b"].pk), severity="B")) == [
        "Wartet"
    ]
    assert subjects(page(agent, "/desk/queues/mine/", severity="A")) == []
    assert subjects(page(agent, "/desk/queues/unassigned/", category="updates")) == []


def test_the_filter_bar_shows_the_chosen_values(ws: Workspace, agent: Client) -> None:
    file(ws, "Eins", severity="A")
    html = page(agent, "/desk/queues/open/", severity="A", sort="oldest")
    assert '<option value="A" selected>' in html
    assert '<option value="oldest" selected>' in html
    assert 'data-testid="clear-filters"' in html
    # The filter form updates only the results with htmx, and stays a plain form without it.
    assert 'hx-get="/desk/queues/open/"' in html and 'hx-push-url="true"' in html
    assert 'method="get" action="/desk/queues/open/"' in html


def test_sorting_orders_the_rows(ws: Workspace, agent: Client) -> None:
    with time_machine.travel(START, tick=False) as clock:
        first = file(ws, "Erstes", severity="C")
        clock.shift(timedelta(minutes=5))
        file(ws, "Zweites", severity="A")
        clock.shift(timedelta(minutes=5))
        file(ws, "Drittes", severity="B")
        clock.shift(timedelta(minutes=5))
        actions.reply(ws.actor("helpdesk_agent"), ticket=first, body="Neues vom ersten")
    queue = "/desk/queues/open/"
    assert subjects(page(agent, queue)) == ["Erstes", "Drittes", "Zweites"]
    assert subjects(page(agent, queue, sort="activity")) == ["Erstes", "Drittes", "Zweites"]
    assert subjects(page(agent, queue, sort="newest")) == ["Drittes", "Zweites", "Erstes"]
    assert subjects(page(agent, queue, sort="oldest")) == ["Erstes", "Zweites", "Drittes"]
    assert subjects(page(agent, queue, sort="severity")) == ["Zweites", "Drittes", "Erstes"]


def test_pages_keep_the_filters_and_the_sort(ws: Workspace, agent: Client) -> None:
    for i in range(53):
        file(ws, f"Hoch {i:02d}", severity="A")
    file(ws, "Niedrig", severity="C")
    html = page(agent, "/desk/queues/open/", severity="A", sort="oldest")
    first = subjects(html)
    assert len(first) == 50 and first[0] == "Hoch 00"
    link = re.search(r'href="([^"]+)" data-testid="next-page"', html)
    assert link is not None
    url = link.group(1).replace("&amp;", "&")
    assert "severity=A" in url and "sort=oldest" in url and "cursor=" in url
    rest = subjects(page(agent, url))
    assert rest == ["Hoch 50", "Hoch 51", "Hoch 52"]


def test_htmx_gets_only_the_results(ws: Workspace, agent: Client) -> None:
    file(ws, "Nur A", severity="A")
    file(ws, "Nur C", severity="C")
    response = agent.get(
        "/desk/queues/open/",
        {"severity": "A"},
        headers={"HX-Request": "true", "HX-Target": "queue-results"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and 'data-testid="queue-filters"' not in html
    assert subjects(html) == ["Nur A"]
    # The sidebar's counts come along, swapped out of band.
    assert 'id="queue-nav"' in html and 'hx-swap-oob="true"' in html


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"status": "burning"}, "status", "Select a valid choice"),
        ({"severity": "Z"}, "severity", "Select a valid choice"),
        ({"category": "nope"}, "category", "Select a valid choice"),
        ({"sort": "random"}, "sort", "Select a valid choice"),
        ({"customer": "not-an-id"}, "customer", "Unknown customer."),
        ({"assignee": "not-an-id"}, "assignee", "Unknown staff member."),
        ({"tag": "x" * 51}, "tag", "at most 50 characters"),
    ],
)
def test_bad_filter_values_get_a_readable_refusal(
    ws: Workspace, agent: Client, params: dict[str, str], field: str, message: str
) -> None:
    file(ws, "Irgendwas")
    response = agent.get("/desk/queues/open/", params)
    html = response.content.decode()
    assert response.status_code == 422
    assert message in html
    assert 'data-testid="filter-errors"' in html
    assert subjects(html) == []


def test_foreign_ids_read_like_unknown_ones(
    ws: Workspace, other_ws: Workspace, agent: Client
) -> None:
    file(ws, "Irgendwas")
    unknown = "00000000-0000-4000-8000-000000000000"

    def answer(**params: str) -> tuple[int, str]:
        response = agent.get("/desk/queues/open/", params)
        text = re.sub(r"\s+", " ", response.content.decode())
        return response.status_code, re.findall(r'class="field-errors small">([^<]+)<', text)[0]

    foreign_customer = answer(customer=str(other_ws.customers["a"].pk))
    assert foreign_customer == answer(customer=unknown) == (422, "Unknown customer.")
    foreign_staff = answer(assignee=str(other_ws.member("helpdesk_agent").pk))
    assert foreign_staff == answer(assignee=unknown) == (422, "Unknown staff member.")
    assert (
        other_ws.customers["a"].name
        not in agent.get(
            "/desk/queues/open/", {"customer": str(other_ws.customers["a"].pk)}
        ).content.decode()
    )


def test_a_limited_agent_filters_only_within_its_customers(ws: Workspace) -> None:
    file(ws, "Für A")
    file(ws, "Für B", customer="b")
    client = session_client(ws.member("limited_agent"))
    html = page(client, "/desk/queues/open/")
    assert subjects(html) == ["Für A"]
    assert ws.customers["b"].name not in html  # not even among the filter's choices
    response = client.get("/desk/queues/open/", {"customer": str(ws.customers["b"].pk)})
    assert response.status_code == 422
    assert "Unknown customer." in response.content.decode()
    assert "Für B" not in response.content.decode()


def test_rows_show_what_an_agent_triages_by(ws: Workspace, agent: Client, contacts: Any) -> None:
    ticket = actions.file_ticket(
        ws.actor("helpdesk_agent"),
        customer=ws.customers["a"],
        requester=contacts["contact"],
        subject="Drucker offline",
        description="",
        category="connectivity",
        severity="A",
        channel="phone",
        tags=["drucker", "vor-ort"],
    ).ticket
    assign(ws, ticket, "helpdesk_agent")
    html = page(agent, "/desk/queues/open/")
    row = html[html.index("Drucker offline") - 1500 : html.index("Drucker offline") + 1500]
    for shown in (
        f"{ws.partner.ticket_prefix}-{ticket.number}",
        ws.customers["a"].name,
        contacts["contact"].name,
        "status-new",
        "sev-A",
        ws.member("helpdesk_agent").user.full_name,
        "drucker",
        "vor-ort",
        "<time datetime=",
    ):
        assert shown in row, shown


def test_the_queue_costs_the_same_for_5_and_50_tickets(ws: Workspace, agent: Client) -> None:
    def queries(**params: str) -> int:
        agent.get("/desk/queues/open/", params)
        with max_queries(30) as captured:
            assert agent.get("/desk/queues/open/", params).status_code == 200
        return len(captured.captured_queries)

    for i in range(5):
        assign(ws, file(ws, f"klein {i}", tags=("t",)), "helpdesk_agent")
    small = queries()
    small_filtered = queries(tag="t", sort="severity", customer=str(ws.customers["a"].pk))
    for i in range(45):
        assign(ws, file(ws, f"groß {i}", tags=("t", f"x{i}")), "admin_agent")
    assert queries() == small
    assert queries(tag="t", sort="severity", customer=str(ws.customers["a"].pk)) == small_filtered


def test_the_sidebar_counts_stay_capped(ws: Workspace, agent: Client) -> None:
    for i in range(100):
        file(ws, f"Viel {i}")
    html = page(agent, "/desk/queues/open/")
    assert re.search(r'data-testid="count-open">99\+<', html)


# --- the API answers the same question the same way -----------------------------------------


def test_the_api_takes_the_same_filters_and_sorts(ws: Workspace) -> None:
    with time_machine.travel(START, tick=False) as clock:
        file(ws, "Alt", severity="C", category="updates")
        clock.shift(timedelta(minutes=1))
        file(ws, "Kritisch", severity="A", tags=("vip",))
        clock.shift(timedelta(minutes=1))
        file(ws, "Neu", severity="B", customer="b")
    api = api_client(ws.member("helpdesk_agent"))

    def listed(path: str, **params: str) -> list[str]:
        response = api.get(path, params)
        assert response.status_code == 200, response.content
        return [t["subject"] for t in response.json()["items"]]

    assert listed("/api/v1/tickets", sort="oldest") == ["Alt", "Kritisch", "Neu"]
    assert listed("/api/v1/tickets", sort="severity") == ["Kritisch", "Neu", "Alt"]
    assert listed("/api/v1/tickets", severity="A") == ["Kritisch"]
    assert listed("/api/v1/tickets", category="updates") == ["Alt"]
    assert listed("/api/v1/queues/open", tag="vip") == ["Kritisch"]
    assert listed("/api/v1/queues/unassigned", sort="newest") == ["Neu", "Kritisch", "Alt"]
    assert listed("/api/v1/queues/open", customer_id=str(ws.customers["b"].pk)) == ["Neu"]
    # The page lists the same tickets in the same order.
    client = session_client(ws.member("helpdesk_agent"))
    assert subjects(page(client, "/desk/queues/unassigned/", sort="newest")) == [
        "Neu",
        "Kritisch",
        "Alt",
    ]


def test_the_api_refuses_values_no_ticket_has(ws: Workspace, other_ws: Workspace) -> None:
    api = api_client(ws.member("helpdesk_agent"))
    bad_status = api.get("/api/v1/tickets", {"status": "burning"})
    assert bad_status.status_code == 422
    assert bad_status.json()["errors"][0]["field"] == "status"
    assert api.get("/api/v1/queues/open", {"severity": "Z"}).status_code == 422
    assert api.get("/api/v1/queues/open", {"sort": "random"}).status_code == 422
    foreign = api.get("/api/v1/queues/open", {"customer_id": str(other_ws.customers["a"].pk)})
    unknown = api.get(
        "/api/v1/queues/open", {"customer_id": "00000000-0000-4000-8000-0000000000aa"}
    )
    assert foreign.status_code == unknown.status_code == 404


# --- every sort of every queue is read from an index -------------------------------------------


def _plan(queryset: Any) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            return " | ".join(str(row[-1]) for row in cursor.fetchall())
        with transaction.atomic():
            # A few thousand rows are cheapest read whole; forbid that, to see which index
            # the planner reads when reading everything is not an option.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            return " | ".join(row[0].strip() for row in cursor.fetchall())


@pytest.mark.parametrize("person", ["helpdesk_agent", "limited_agent"])
def test_every_queue_sort_reads_an_index_in_order(ws: Workspace, person: str) -> None:
    now = ws.partner.created_at
    Ticket.objects.bulk_create(
        Ticket(
            partner=ws.partner,
            number=10_000 + i,
            customer=ws.customers["a" if i % 3 else "b"],
            subject="filler",
            category="how_to",
            severity="ABC"[i % 3],
            channel="agent",
            is_open=i % 10 == 0,
            status="new" if i % 10 == 0 else "closed",
            created_at=now + timedelta(minutes=i),
            last_activity_at=now + timedelta(minutes=(i * 7919) % 3000),
            # Every third open ticket runs a clock, due over some days around now (a few past
            # due); the others wait with NO_DUE, as paused and closed ones do.
            sla_due_at=(
                now + timedelta(minutes=(i * 7907) % 6000 - 600)
                if i % 10 == 0 and i % 3 == 0
                else NO_DUE
            ),
            sla_state="ok" if i % 10 == 0 and i % 3 == 0 else "none",
        )
        for i in range(3000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.vendor == "sqlite" else "ANALYZE tickets_ticket")
    actor = ws.actor(person)
    with time_machine.travel(now, tick=False):
        queues = selectors.queues_for(actor)  # the breaching queue's window starts now
    assert "breaching" in {queue.name for queue in queues}
    plans = {
        (queue.name, sort): _plan(
            selectors.filtered_tickets(actor, where=queue.where).order_by(*order)[:51]
        )
        for queue in queues
        for sort, order in selectors.SORT_ORDERS.items()
    }
    # The unfiltered list (the API's `GET /tickets` with no filter) in every order.
    for sort, order in selectors.SORT_ORDERS.items():
        plans[("all", sort)] = _plan(
            selectors.filtered_tickets(actor, where=selectors.TicketFilter()).order_by(*order)[:51]
        )
    plans[("customer page", "")] = _plan(
        selectors.ticket_list(actor)
        .filter(customer_id=ws.customers["a"].pk)
        .order_by(*CUSTOMER_TICKET_ORDER)[:51]
    )
    for key, plan in plans.items():
        if connection.vendor == "sqlite":
            assert "TEMP B-TREE" not in plan, (key, plan)
            assert "SCAN tickets_ticket" not in plan, (key, plan)
        else:
            assert "Seq Scan on tickets_ticket" not in plan, (key, plan)
            if key[0] == "breaching" and key[1] != selectors.QueueSort.DUE:
                # Another order of the breaching queue sorts its window (the tickets due
                # within two hours, read as one range of q_open_due), never the workspace.
                assert "q_open_due" in plan or "Sort Key" not in plan, (key, plan)
            elif "Sort Key" in plan:
                # PostgreSQL may sort a set it knows to be small: one person's open tickets
                # or one status's, read through their own index; never the whole workspace's.
                assert re.search(r"using (q_assignee|q_status) on tickets_ticket", plan), (
                    key,
                    plan,
                )
    for (queue_name, sort), plan in plans.items():
        if sort == selectors.QueueSort.DUE and queue_name in ("open", "breaching", "unassigned"):
            assert "q_open_due" in plan, (queue_name, plan)
