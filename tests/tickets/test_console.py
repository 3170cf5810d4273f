"""The agent console's queue and ticket pages: who sees what, and what they cost."""

from __future__ import annotations

import pytest
from django.test import Client

from partnerdesk.tickets import actions
from partnerdesk.tickets.models import Message, Ticket
from tests.kit import Workspace, max_queries, session_client

pytestmark = pytest.mark.django_db


def filed(ws: Workspace, customer: str = "a", subject: str = "Teams ruft nicht an") -> Ticket:
    return actions.file_ticket(
        ws.actor("helpdesk_agent"),
        customer=ws.customers[customer],
        subject=subject,
        description="Seit dem Update klingelt nichts.",
        category="configuration",
        severity="B",
        channel="phone",
    ).ticket


def test_anonymous_visitors_are_sent_to_sign_in(ws: Workspace) -> None:
    response = Client().get("/desk/queues/open/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("person", ["contact", "manager"])
def test_the_console_does_not_exist_for_customers(ws: Workspace, person: str) -> None:
    ticket = filed(ws)
    client = session_client(ws.member(person))
    assert client.get("/desk/queues/open/").status_code == 404
    assert client.get(f"/desk/tickets/{ticket.pk}/").status_code == 404


def test_an_agent_works_a_ticket_from_the_pages(ws: Workspace) -> None:
    ticket = filed(ws)
    client = session_client(ws.member("helpdesk_agent"))
    queue = client.get("/desk/queues/unassigned/")
    assert queue.status_code == 200
    assert "Teams ruft nicht an" in queue.content.decode()
    page = client.get(f"/desk/tickets/{ticket.pk}/").content.decode()
    assert 'data-testid="reply-form"' in page
    client.post(f"/desk/tickets/{ticket.pk}/take/")
    client.post(f"/desk/tickets/{ticket.pk}/reply/", {"body": "Wir prüfen das."})
    client.post(f"/desk/tickets/{ticket.pk}/reply/", {"body": "Lizenz fehlt", "internal": "on"})
    client.post(f"/desk/tickets/{ticket.pk}/status/", {"status": "resolved"})
    ticket.refresh_from_db()
    assert ticket.status == "resolved"
    assert ticket.assignee_id == ws.member("helpdesk_agent").pk
    assert list(Message.objects.filter(ticket=ticket).values_list("internal", flat=True)) == [
        False,
        True,
    ]
    page = client.get(f"/desk/tickets/{ticket.pk}/").content.decode()
    assert "Lizenz fehlt" in page and "Internal note" in page


def test_a_bad_transition_shows_a_readable_error(ws: Workspace) -> None:
    ticket = filed(ws)
    client = session_client(ws.member("helpdesk_agent"))
    client.post(f"/desk/tickets/{ticket.pk}/status/", {"status": "closed"})
    response = client.post(f"/desk/tickets/{ticket.pk}/status/", {"status": "open"})
    assert response.status_code == 409
    assert "cannot become" in response.content.decode()


def test_a_sales_agent_sees_no_reply_box_and_cannot_post(ws: Workspace) -> None:
    ticket = filed(ws)
    client = session_client(ws.member("sales_agent"))
    page = client.get(f"/desk/tickets/{ticket.pk}/").content.decode()
    assert 'data-testid="reply-form"' not in page
    assert 'data-testid="status-form"' not in page
    assert client.post(f"/desk/tickets/{ticket.pk}/reply/", {"body": "x"}).status_code == 403
    assert not Message.objects.filter(ticket=ticket).exists()


def test_a_limited_agent_sees_only_its_customers(ws: Workspace) -> None:
    mine, theirs = filed(ws, "a", "Für Kunde A"), filed(ws, "b", "Für Kunde B")
    client = session_client(ws.member("limited_agent"))
    queue = client.get("/desk/queues/open/").content.decode()
    assert "Für Kunde A" in queue and "Für Kunde B" not in queue
    assert client.get(f"/desk/tickets/{mine.pk}/").status_code == 200
    assert client.get(f"/desk/tickets/{theirs.pk}/").status_code == 404


def test_another_workspaces_ticket_does_not_exist(ws: Workspace, other_ws: Workspace) -> None:
    foreign = filed(other_ws)
    client = session_client(ws.member("global_admin"))
    assert client.get(f"/desk/tickets/{foreign.pk}/").status_code == 404
    assert client.post(f"/desk/tickets/{foreign.pk}/reply/", {"body": "x"}).status_code == 404
    assert not Message.objects.filter(ticket=foreign).exists()


def test_pages_cost_the_same_for_few_and_many_rows(ws: Workspace) -> None:
    client = session_client(ws.member("helpdesk_agent"))
    ticket = filed(ws)
    actor = ws.actor("helpdesk_agent")

    def queries(path: str) -> int:
        client.get(path)
        with max_queries(40) as captured:
            assert client.get(path).status_code == 200
        return len(captured.captured_queries)

    actions.reply(actor, ticket=ticket, body="first")  # so both sizes load messages
    small_queue = queries("/desk/queues/open/")
    small_ticket = queries(f"/desk/tickets/{ticket.pk}/")
    for i in range(30):
        filed(ws, subject=f"more {i}")
        actions.reply(actor, ticket=ticket, body=f"reply {i}", internal=bool(i % 2))
    assert queries("/desk/queues/open/") == small_queue
    assert queries(f"/desk/tickets/{ticket.pk}/") == small_ticket
