"""Search from the one box: tickets and customers within the agent's visibility, a reference
or number that opens its ticket, an empty state that explains, flat query counts."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from partnerdesk.tickets import actions
from partnerdesk.tickets.models import Ticket
from tests.kit import Workspace, max_queries, session_client

pytestmark = pytest.mark.django_db


def file(ws: Workspace, subject: str, *, customer: str = "a", description: str = "") -> Ticket:
    return actions.file_ticket(
        ws.actor("helpdesk_agent"),
        customer=ws.customers[customer],
        subject=subject,
        description=description,
        category="how_to",
        severity="C",
        channel="agent",
    ).ticket


@pytest.fixture
def agent(ws: Workspace) -> Client:
    return session_client(ws.member("helpdesk_agent"))


def test_the_topbar_box_searches_from_every_console_page(ws: Workspace, agent: Client) -> None:
    html = agent.get("/desk/queues/open/").content.decode()
    assert 'action="/desk/search/"' in html and 'name="q"' in html and 'data-shortcut="/"' in html


def test_words_find_tickets_and_customers(ws: Workspace, agent: Client) -> None:
    file(ws, "Outlook startet nicht", description="Profil beschädigt")
    file(ws, "Drucker", description="Toner leer")
    found = agent.get("/desk/search/", {"q": "profil"})
    html = found.content.decode()
    assert found.status_code == 200
    assert "Outlook startet nicht" in html and "Drucker" not in html
    customers = agent.get("/desk/search/", {"q": "Bäckerei"}).content.decode()
    assert 'data-testid="customer-hits"' in customers
    assert ws.customers["a"].name in customers
    assert f"/desk/customers/{ws.customers['a'].pk}/" in customers


def test_a_reference_or_number_opens_the_ticket(ws: Workspace, agent: Client) -> None:
    ticket = file(ws, "Gesucht")
    prefix = ws.partner.ticket_prefix
    for q in (
        f"{prefix}-{ticket.number}",
        f"{prefix.lower()}-{ticket.number}",
        str(ticket.number),
        f"#{ticket.number}",
        f" {prefix}-{ticket.number} ",
    ):
        response = agent.get("/desk/search/", {"q": q})
        assert response.status_code == 302, q
        assert response["Location"] == f"/desk/tickets/{ticket.pk}/"


def test_a_reference_the_agent_cannot_see_opens_nothing(ws: Workspace, other_ws: Workspace) -> None:
    theirs = file(ws, "Kunde B geheim", customer="b")
    foreign = file(other_ws, "Anderer Arbeitsbereich")
    client = session_client(ws.member("limited_agent"))
    response = client.get("/desk/search/", {"q": f"{ws.partner.ticket_prefix}-{theirs.number}"})
    assert response.status_code == 200
    assert "Kunde B geheim" not in response.content.decode()
    response = client.get("/desk/search/", {"q": f"XY-{foreign.number}"})
    assert response.status_code == 200
    assert "Anderer Arbeitsbereich" not in response.content.decode()


def test_a_limited_agent_finds_only_its_customers(ws: Workspace) -> None:
    file(ws, "Netzwerk A")
    file(ws, "Netzwerk B", customer="b")
    client = session_client(ws.member("limited_agent"))
    html = client.get("/desk/search/", {"q": "netzwerk"}).content.decode()
    assert "Netzwerk A" in html and "Netzwerk B" not in html
    customers = client.get("/desk/search/", {"q": "Stadtwerke"}).content.decode()
    assert ws.customers["b"].name not in customers


def test_an_empty_query_explains_and_a_wordless_one_is_refused(agent: Client) -> None:
    empty = agent.get("/desk/search/", {"q": "  "})
    assert empty.status_code == 200
    assert 'data-testid="search-empty"' in empty.content.decode()
    assert 'data-testid="search-empty"' in agent.get("/desk/search/").content.decode()
    wordless = agent.get("/desk/search/", {"q": "!!!"})
    assert wordless.status_code == 422
    assert "Type a word or a ticket number" in wordless.content.decode()


def test_results_are_paginated_and_keep_the_query(ws: Workspace, agent: Client) -> None:
    for i in range(27):
        file(ws, f"Lizenz {i}")
    html = agent.get("/desk/search/", {"q": "lizenz"}).content.decode()
    assert html.count("data-open>") == 25
    start = html.index('data-testid="next-page"')
    href = html[html.rindex('href="', 0, start) + 6 : start - 2].replace("&amp;", "&")
    assert "q=lizenz" in href
    rest = agent.get(href).content.decode()
    assert rest.count("data-open>") == 2


def test_search_costs_the_same_for_few_and_many_hits(ws: Workspace, agent: Client) -> None:
    def queries() -> int:
        agent.get("/desk/search/", {"q": "server"})
        with max_queries(25) as captured:
            assert agent.get("/desk/search/", {"q": "server"}).status_code == 200
        return len(captured.captured_queries)

    for i in range(3):
        file(ws, f"Server {i}")
    small = queries()
    for i in range(30):
        file(ws, f"Server mehr {i}", customer="b")
    assert queries() == small


def _snippets(html: str) -> list[str]:
    found = re.findall(r'data-testid="snippet">(.*?)</p>', html, re.S)
    return [re.sub(r"\s+", " ", s) for s in found]


def test_a_hit_shows_where_the_words_were_found(ws: Workspace, agent: Client) -> None:
    ticket = file(ws, "Outlook", description="Seit Montag meldet Outlook: Profil beschädigt.")
    actions.reply(ws.actor("helpdesk_agent"), ticket=ticket, body="Bitte den Cache leeren.")
    html = agent.get("/desk/search/", {"q": "beschadigt"}).content.decode()
    assert _snippets(html) == ["Seit Montag meldet Outlook: Profil <mark>beschädigt</mark>."]
    html = agent.get("/desk/search/", {"q": "cache"}).content.decode()
    assert _snippets(html) == ["Bitte den <mark>Cache</mark> leeren."]
    # A hit in the subject needs no passage: the row shows the subject.
    assert _snippets(agent.get("/desk/search/", {"q": "outlook"}).content.decode()) == [
        "Seit Montag meldet <mark>Outlook</mark>: Profil beschädigt."
    ]


def test_an_internal_note_is_quoted_only_to_who_may_read_it(ws: Workspace) -> None:
    ticket = file(ws, "Firewall", description="Kein VPN.")
    actions.reply(
        ws.actor("helpdesk_agent"), ticket=ticket, body="Kennwort steht im Tresor", internal=True
    )
    agent = session_client(ws.member("helpdesk_agent"))
    assert _snippets(agent.get("/desk/search/", {"q": "tresor"}).content.decode()) == [
        "Kennwort steht im <mark>Tresor</mark>"
    ]
    sales = session_client(ws.member("sales_agent")).get("/desk/search/", {"q": "tresor"})
    assert "Tresor" not in sales.content.decode() and "Firewall" not in sales.content.decode()
    sales = session_client(ws.member("sales_agent")).get("/desk/search/", {"q": "vpn"})
    assert "Tresor" not in sales.content.decode()


def test_snippets_are_escaped(ws: Workspace, agent: Client) -> None:
    file(ws, "HTML", description="<script>alert('x')</script> im Formular")
    html = agent.get("/desk/search/", {"q": "formular"}).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert" in html
