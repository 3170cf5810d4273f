"""Ticket search: each engine's full-text index, the visibility rule, safe queries, flat cost."""

from __future__ import annotations

import threading
import time
from datetime import datetime
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from partnerdesk.core.errors import DomainError
from partnerdesk.customers.models import Contact
from partnerdesk.tickets import actions, search, search_selectors
from partnerdesk.tickets.models import Message, Ticket, TicketSearchDocument
from partnerdesk.tickets.search_selectors import matching_tickets, search_count, search_tickets
from partnerdesk.tickets.search_sql import FTS, SQLITE_TRIGGER_NAMES
from tests.kit import Workspace, api_client, problem
from tests.tickets.helpers import found, make_contacts, new_ticket

pytestmark = pytest.mark.django_db

HOSTILE = [
    '"',
    '""',
    'foo"bar',
    "'",
    "it's",
    "((",
    "a AND (b OR",
    ")",
    "NEAR(a b)",
    "NEAR(a b, 2",
    "printer*",
    "*",
    "^printer",
    "-printer",
    "printer:*",
    "!printer & toner | x",
    "<-> <2>",
    "\\",
    "\\'",
    "%_%",
    "public_text : printer",
    "{public_text internal_text} : zebrafish",
    "internal_text:zebrafish",
    "rowid = 1",
    "'; DROP TABLE tickets_ticket; --",
    "printer\x00toner",
    "😀 printer",
    "½",
    "_",
    "pd-",
    "#",
    "#-1",
    "99999999999999999999999",
]


@pytest.fixture
def people(ws: Workspace) -> dict[str, Contact]:
    return make_contacts(ws)


def test_finds_a_ticket_by_number_and_reference(ws: Workspace) -> None:
    ticket = new_ticket(ws, subject="Outlook crashes on start")
    other = new_ticket(ws, subject="Teams will not load")
    agent = ws.actor("helpdesk_agent")
    n = ticket.number
    for query in [str(n), f"PD-{n}", f"pd-{n}", f"#{n}", f" # {n} ", f"XY-{n}"]:
        assert found(agent, query) == {n}, query
    assert found(agent, str(other.number)) == {other.number}
    assert found(agent, "77777") == set()


def test_a_number_also_finds_tickets_that_mention_it(ws: Workspace) -> None:
    first = new_ticket(ws, subject="Licence missing")
    second = new_ticket(ws, subject="Follow-up", description=f"Same as {first.number}.")
    assert found(ws.actor("helpdesk_agent"), f"#{first.number}") == {
        first.number,
        second.number,
    }


def test_finds_by_subject_description_reply_customer_requester_and_tag(
    ws: Workspace, people: dict[str, Contact]
) -> None:
    ticket = new_ticket(
        ws,
        subject="Printer jammed in accounting",
        description="The toner cartridge leaks.",
        requester=people["contact"],
        tags=["Hardware"],
    )
    new_ticket(ws, subject="Unrelated", customer="b")
    actions.reply(ws.actor("helpdesk_agent"), ticket=ticket, body="Firmware 2.4 fixes this.")
    agent = ws.actor("helpdesk_agent")
    customer_a = ws.customers["a"].name  # "Bäckerei Huber <n>"
    email = people["contact"].email  # "contact.<n>@example.test"
    for query in [
        "printer",
        "PRINTER accounting",
        "jam",  # the last word matches as a prefix
        "toner cartridge",
        "firmware",
        "firm",
        customer_a,
        "Bäckerei",
        people["contact"].name,
        email,
        email.split("@")[0],
        "hardware",
    ]:
        assert ticket.number in found(agent, query), query
    assert found(agent, "printer unrelated") == set()  # every word must match
    assert found(agent, "ammed") == set()  # a prefix, not a substring


def test_diacritics_and_case_do_not_matter(ws: Workspace) -> None:
    ticket = new_ticket(ws, subject="Café Übersee: Kassensystem", customer="a")
    agent = ws.actor("helpdesk_agent")
    for query in ["backerei", "BACKEREI", "Bäckerei", "bäck", "cafe ubersee", "CAFÉ", "übers"]:
        assert ticket.number in found(agent, query), query


def test_internal_notes_are_searched_for_staff_only(
    ws: Workspace, people: dict[str, Contact]
) -> None:
    ticket = new_ticket(ws, subject="VPN drops", requester=people["contact"])
    actions.reply(
        ws.actor("helpdesk_agent"), ticket=ticket, body="Zebrafish firewall rule", internal=True
    )
    for staff in ["helpdesk_agent", "admin_agent", "global_admin", "limited_agent"]:
        assert found(ws.actor(staff), "zebrafish") == {ticket.number}, staff
        assert found(ws.actor(staff), "vpn zebrafish") == {ticket.number}, staff
    for person in ["contact", "manager"]:
        actor = ws.actor(person)
        assert found(actor, "vpn") == {ticket.number}, person
        assert found(actor, "zebrafish") == set(), person
        assert found(actor, "vpn zebrafish") == set(), person
        assert found(actor, "zebra") == set(), person
        assert search_count(actor, query="zebrafish") == "0", person
        # Column syntax is text, not a way to reach the internal column.
        assert found(actor, "internal_text:zebrafish") == set(), person
        assert found(actor, "{public_text internal_text} : zebrafish") == set(), person
    assert search_count(ws.actor("helpdesk_agent"), query="zebrafish") == "1"


def test_internal_notes_stay_hidden_through_the_api(
    ws: Workspace, people: dict[str, Contact]
) -> None:
    ticket = new_ticket(ws, subject="VPN drops", requester=people["contact"])
    actions.reply(ws.actor("helpdesk_agent"), ticket=ticket, body="Zebrafish", internal=True)
    contact = api_client(ws.member("contact")).get("/api/v1/search", {"q": "zebrafish"})
    agent = api_client(ws.member("helpdesk_agent")).get("/api/v1/search", {"q": "zebrafish"})
    assert contact.status_code == 200
    assert contact.json() == {"items": [], "next_cursor": None}
    assert [hit["id"] for hit in agent.json()["items"]] == [str(ticket.pk)]


def test_each_person_finds_only_what_they_may_see(
    ws: Workspace, other_ws: Workspace, people: dict[str, Contact]
) -> None:
    mine = new_ticket(ws, subject="Mailbox full", requester=people["contact"])
    colleague = new_ticket(ws, subject="Mailbox quota", requester=people["manager"])
    unrequested = new_ticket(ws, subject="Mailbox migration")
    other_customer = new_ticket(
        ws, subject="Mailbox archive", customer="b", requester=people["contact_b"]
    )
    own = new_ticket(ws, subject="Mailbox for the desk", customer="own")
    make_contacts(other_ws)
    foreign = new_ticket(other_ws, subject="Mailbox full")
    expected = {
        "contact": {mine.number},
        "manager": {mine.number, colleague.number, unrequested.number},
        "contact_b": {other_customer.number},
        "limited_agent": {mine.number, colleague.number, unrequested.number},
        "helpdesk_agent": {
            mine.number,
            colleague.number,
            unrequested.number,
            other_customer.number,
            own.number,
        },
        "sales_agent": {
            mine.number,
            colleague.number,
            unrequested.number,
            other_customer.number,
            own.number,
        },
    }
    for person, numbers in expected.items():
        assert found(ws.actor(person), "mailbox") == numbers, person
    # The other workspace's ticket has the same number as one of ours, and is never found.
    assert foreign.number == mine.number
    hits = search_tickets(ws.actor("helpdesk_agent"), query="mailbox", cursor=None, limit=200)
    assert foreign.pk not in {t.pk for t in hits.items}
    assert {t.pk for t in hits.items} == {
        t.pk for t in [mine, colleague, unrequested, other_customer, own]
    }
    assert found(other_ws.actor("helpdesk_agent"), "mailbox") == {foreign.number}
    assert found(ws.actor("contact"), f"#{colleague.number}") == set()
    assert found(ws.actor("limited_agent"), f"#{other_customer.number}") == set()


@pytest.mark.parametrize("query", HOSTILE)
def test_engine_syntax_in_a_query_never_errors(ws: Workspace, query: str) -> None:
    new_ticket(ws, subject="Printer toner", description="it's a NEAR miss")
    for person in ["helpdesk_agent", "contact"]:
        response = api_client(ws.member(person)).get("/api/v1/search", {"q": query})
        assert response.status_code in (200, 422), (query, response.content)
        if response.status_code == 422:
            assert problem(response)["errors"][0]["field"] == "q"
        else:
            assert set(response.json()) == {"items", "next_cursor"}


def test_operators_are_searched_as_words(ws: Workspace) -> None:
    ticket = new_ticket(ws, subject="Printer toner", description="it's a NEAR miss")
    agent = ws.actor("helpdesk_agent")
    assert found(agent, '"printer" OR nothing') == set()  # OR is a word, not an operator
    assert found(agent, "printer -toner") == {ticket.number}  # '-' is not NOT
    assert found(agent, "NEAR(printer toner)") == {ticket.number}
    assert found(agent, "(printer") == {ticket.number}


@pytest.mark.parametrize("query", ["", "   ", "!!!", "()", '" "', "-", "#", "\x00"])
def test_a_query_without_words_is_refused_naming_q(ws: Workspace, query: str) -> None:
    response = api_client(ws.member("helpdesk_agent")).get("/api/v1/search", {"q": query})
    assert response.status_code == 422
    body = problem(response)
    assert body["code"] == "validation_failed"
    assert body["errors"][0]["field"] == "q"


def test_a_missing_query_is_refused_and_a_long_one_too(ws: Workspace) -> None:
    client = api_client(ws.member("helpdesk_agent"))
    assert problem(client.get("/api/v1/search"))["errors"][0]["field"] == "q"
    long = client.get("/api/v1/search", {"q": "word " * 100})
    assert problem(long)["errors"][0] == {
        "field": "q",
        "message": "Search for at most 300 characters.",
        "code": "too_long",
    }
    with pytest.raises(DomainError):
        search.parse_query("?!")


def test_search_needs_a_signed_in_caller(ws: Workspace) -> None:
    from django.test import Client

    assert Client().get("/api/v1/search", {"q": "printer"}).status_code == 401


def test_the_api_returns_ticket_summaries(ws: Workspace, frozen_clock: Any) -> None:
    ticket = new_ticket(ws, subject="Printer jammed")
    response = api_client(ws.member("helpdesk_agent")).get("/api/v1/search", {"q": "printer"})
    assert response.status_code == 200
    ticket.refresh_from_db()
    body = response.json()
    when = body["items"][0].pop("last_activity_at")
    assert (
        datetime.fromisoformat(when)
        == ticket.last_activity_at
        == datetime.fromisoformat("2026-03-02T09:00:00+00:00")
    )
    assert body == {
        "items": [
            {
                "id": str(ticket.pk),
                "reference": f"PD-{ticket.number}",
                "number": ticket.number,
                "subject": "Printer jammed",
                "status": "new",
                "severity": "C",
                "customer": {"id": str(ws.customers["a"].pk), "name": ws.customers["a"].name},
            }
        ],
        "next_cursor": None,
    }


def test_pages_walk_every_match_once_newest_activity_first(
    ws: Workspace, frozen_clock: Any
) -> None:
    tickets = []
    for i in range(7):
        frozen_clock.shift(60)
        tickets.append(new_ticket(ws, subject=f"Backup failed {i}"))
    new_ticket(ws, subject="Something else")
    frozen_clock.shift(60)
    actions.reply(ws.actor("helpdesk_agent"), ticket=tickets[2], body="Looking into it")
    client = api_client(ws.member("helpdesk_agent"))
    seen: list[str] = []
    url_params: dict[str, Any] = {"q": "backup", "limit": 3}
    while True:
        body = client.get("/api/v1/search", url_params).json()
        seen += [hit["id"] for hit in body["items"]]
        if not body["next_cursor"]:
            break
        url_params["cursor"] = body["next_cursor"]
    newest_first = [tickets[2]] + [t for t in reversed(tickets) if t is not tickets[2]]
    assert seen == [str(t.pk) for t in newest_first]
    bad = client.get("/api/v1/search", {"q": "backup", "cursor": "forged"})
    assert bad.status_code == 400
    assert problem(bad)["code"] == "invalid_cursor"
    assert client.get("/api/v1/search", {"q": "backup", "limit": 500}).status_code == 422


def test_a_reply_and_a_tag_are_found_at_once(ws: Workspace, people: dict[str, Contact]) -> None:
    ticket = new_ticket(ws, subject="Sync broken", requester=people["contact"])
    agent = ws.actor("helpdesk_agent")
    assert found(agent, "onedrive") == set()
    actions.reply(ws.actor("contact"), ticket=ticket, body="OneDrive shows a red cross.")
    assert found(agent, "onedrive") == {ticket.number}
    assert found(ws.actor("contact"), "onedrive") == {ticket.number}
    actions.tag_ticket(agent, ticket=ticket, names=["Escalated"])
    assert found(agent, "escalated") == {ticket.number}
    actions.untag_ticket(agent, ticket=ticket, name="escalated")
    assert found(agent, "escalated") == set()
    actions.change_ticket(agent, ticket=ticket, changes=actions.TicketChanges(subject="Sync fixed"))
    assert found(agent, "broken") == set()
    assert found(agent, "fixed") == {ticket.number}


def test_a_merge_moves_the_words_to_the_original(ws: Workspace) -> None:
    agent = ws.actor("helpdesk_agent")
    original = new_ticket(ws, subject="Mail delayed")
    duplicate = new_ticket(ws, subject="Mail slow too", description="Since Monday")
    actions.reply(agent, ticket=duplicate, body="Walrus header missing", internal=False)
    actions.reply(agent, ticket=duplicate, body="Narwhal relay", internal=True)
    actions.tag_ticket(agent, ticket=duplicate, names=["Exchange"])
    assert found(agent, "walrus") == {duplicate.number}
    actions.merge_tickets(agent, duplicate=duplicate, original=original)
    assert found(agent, "walrus") == {original.number}
    assert found(agent, "narwhal") == {original.number}
    assert found(agent, "monday") == {original.number, duplicate.number}  # copied, and its own
    assert found(agent, "exchange") == {original.number, duplicate.number}
    assert found(agent, "slow") == {duplicate.number}


def test_the_document_follows_the_ticket(ws: Workspace, frozen_clock: Any) -> None:
    ticket = new_ticket(ws, subject="Quota")
    agent = ws.actor("helpdesk_agent")
    frozen_clock.shift(3600)
    actions.reply(agent, ticket=ticket, body="Raised the quota")
    frozen_clock.shift(3600)
    actions.reply(agent, ticket=ticket, body="Noted", internal=True)
    ticket.refresh_from_db()
    document = TicketSearchDocument.objects.get(ticket=ticket)
    assert document.last_activity_at == ticket.last_activity_at
    assert (document.partner_id, document.customer_id) == (ticket.partner_id, ticket.customer_id)
    assert "Raised the quota" in document.public_text
    assert "Noted" not in document.public_text
    assert document.internal_text == "Noted"


def test_bulk_reindex_rebuilds_missing_documents(ws: Workspace) -> None:
    tickets = [new_ticket(ws, subject=f"Imported {i}") for i in range(3)]
    TicketSearchDocument.objects.filter(ticket__in=tickets).delete()
    agent = ws.actor("helpdesk_agent")
    assert found(agent, "imported") == set()
    with transaction.atomic():
        search.reindex_tickets([t.pk for t in tickets])
    assert found(agent, "imported") == {t.number for t in tickets}


def test_long_threads_keep_their_newest_words(ws: Workspace) -> None:
    ticket = new_ticket(ws, subject="Long thread")
    agent = ws.actor("helpdesk_agent")
    actions.reply(agent, ticket=ticket, body="oldestword " + "filler " * 20_000)
    actions.reply(agent, ticket=ticket, body="newestword " + "padding " * 20_000)
    document = TicketSearchDocument.objects.get(ticket=ticket)
    assert len(document.public_text) <= search.MAX_TEXT + 20
    assert found(agent, "newestword") == {ticket.number}
    assert found(agent, "long thread") == {ticket.number}


def _search_queries(client: Any, query: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/api/v1/search", {"q": query, "limit": 200})
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_query_count_is_the_same_for_5_and_50_matches(
    ws: Workspace, people: dict[str, Contact]
) -> None:
    for i in range(5):
        new_ticket(ws, subject=f"Licence {i}", requester=people["contact"], tags=["m365"])
    staff = api_client(ws.member("helpdesk_agent"))
    contact = api_client(ws.member("contact"))
    _search_queries(staff, "licence"), _search_queries(contact, "licence")  # tokens marked used
    few = (_search_queries(staff, "licence"), _search_queries(contact, "licence"))
    for i in range(45):
        new_ticket(ws, subject=f"Licence {i}", requester=people["contact"], tags=["m365"])
    many = (_search_queries(staff, "licence"), _search_queries(contact, "licence"))
    assert len(staff.get("/api/v1/search", {"q": "licence", "limit": 200}).json()["items"]) == 50
    assert few == many


def _explain(actor: Any, query: str) -> str:
    queryset = matching_tickets(actor, search.parse_query(query)).order_by(
        "-search_activity_at", "-id"
    )[:51]
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            return "\n".join(str(row[-1]) for row in cursor.fetchall())
        # New entries wait in GIN's pending list until (auto)vacuum merges them; merge now.
        cursor.execute("SELECT gin_clean_pending_list('tickets_search_public'::regclass)")
        cursor.execute("SELECT gin_clean_pending_list('tickets_search_all'::regclass)")
        cursor.execute("ANALYZE tickets_ticketsearchdocument")
        cursor.execute("ANALYZE tickets_ticket")
        with transaction.atomic():
            # A few thousand rows still fit in memory and are cheapest read whole; forbid that,
            # to see which index the planner picks when reading everything is not an option.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            return "\n".join(row[0] for row in cursor.fetchall())


def _bulk_tickets(ws: Workspace, n: int, *, requester: Contact) -> None:
    """Many plain tickets, fast: rows written directly, then indexed the way loaders must."""
    base = 900_000
    now = ws.partner.created_at
    tickets = Ticket.objects.bulk_create(
        Ticket(
            partner=ws.partner,
            number=base + i,
            customer=ws.customers["a"],
            requester=requester,
            subject=f"Filler {i} paper jam",
            description="Nothing to see here",
            category="how_to",
            severity="C",
            channel="agent",
            created_at=now,
            last_activity_at=now,
        )
        for i in range(n)
    )
    with transaction.atomic():
        for start in range(0, n, 500):
            search.reindex_tickets([t.pk for t in tickets[start : start + 500]])


def test_search_uses_the_full_text_index_not_a_scan_of_messages(
    ws: Workspace, people: dict[str, Contact]
) -> None:
    agent = ws.actor("helpdesk_agent")
    for i in range(3):
        ticket = new_ticket(ws, subject=f"Router {i}", requester=people["contact"])
        actions.reply(agent, ticket=ticket, body=f"Reply {i}")
    # Enough rows that reading every document of the workspace is not the cheap way.
    _bulk_tickets(
        ws, 3000 if connection.vendor == "postgresql" else 50, requester=people["contact"]
    )
    plans = {"staff": _explain(agent, "router"), "contact": _explain(ws.actor("contact"), "router")}
    for who, plan in plans.items():
        assert "tickets_message" not in plan, (who, plan)
        assert "~~" not in plan and "LIKE" not in plan.upper(), (who, plan)
        if connection.vendor == "sqlite":
            assert f"{FTS} VIRTUAL TABLE INDEX" in plan, (who, plan)
        else:
            assert "Seq Scan on tickets_ticketsearchdocument" not in plan, (who, plan)
            assert "Seq Scan on tickets_ticket " not in plan, (who, plan)
    if connection.vendor == "postgresql":
        assert "Bitmap Index Scan on tickets_search_all" in plans["staff"], plans["staff"]
        assert "Bitmap Index Scan on tickets_search_public" in plans["contact"], plans["contact"]


def test_the_engine_index_is_in_place(ws: Workspace) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            triggers = {row[0] for row in cursor.fetchall()}
            assert set(SQLITE_TRIGGER_NAMES) <= triggers
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [FTS])
            assert "remove_diacritics" in cursor.fetchone()[0]
        else:
            cursor.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_name = 'tickets_ticketsearchdocument' AND is_generated = 'ALWAYS'"
            )
            assert {row[0] for row in cursor.fetchall()} == {"public_tsv", "all_tsv"}
            cursor.execute("SELECT partnerdesk_unaccent('Bäckerei')")
            assert cursor.fetchone()[0] == "Backerei"


def test_every_ticket_has_one_document(ws: Workspace) -> None:
    tickets = [new_ticket(ws, subject=f"T{i}") for i in range(3)]
    actions.reply(ws.actor("helpdesk_agent"), ticket=tickets[0], body="x")
    assert TicketSearchDocument.objects.filter(partner=ws.partner).count() == 3
    assert Ticket.objects.filter(partner=ws.partner, search_document__isnull=True).count() == 0


@pytest.mark.django_db(transaction=True)
def test_two_writes_at_once_lose_no_words(ws: Workspace) -> None:
    """A tag added while a reply is still uncommitted rebuilds the document after the reply,
    not over it from a stale read."""
    ticket = new_ticket(ws, subject="Concurrent")
    replied, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def reply_slowly() -> None:
        try:
            with transaction.atomic():
                Message.objects.create(
                    partner=ws.partner,
                    ticket=ticket,
                    customer=ticket.customer,
                    body="Walrus",
                    channel="agent",
                    created_at=ticket.created_at,
                )
                search.reindex_ticket(ticket.pk)
                replied.set()
                release.wait(10)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    def tag() -> None:
        try:
            actions.tag_ticket(ws.actor("helpdesk_agent"), ticket=ticket, names=["narwhal"])
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    first = threading.Thread(target=reply_slowly)
    first.start()
    assert replied.wait(10)
    second = threading.Thread(target=tag)
    second.start()
    time.sleep(0.5)  # the tag waits for the reply's transaction
    release.set()
    first.join()
    second.join()
    assert errors == []
    agent = ws.actor("helpdesk_agent")
    assert found(agent, "walrus") == found(agent, "narwhal") == {ticket.number}


def test_a_common_word_gives_the_same_pages_either_way(
    ws: Workspace, people: dict[str, Contact], frozen_clock: Any, monkeypatch: Any
) -> None:
    """SQLite reads common words in activity order instead of sorting every match, and
    PostgreSQL cuts the page from the few matches it read first (FEW_MATCHES) unless there are
    more: the pages are the same either way."""
    for i in range(6):
        frozen_clock.shift(60)
        new_ticket(ws, subject=f"Backup {i}", requester=people["contact"] if i % 2 else None)
    frozen_clock.shift(60)
    new_ticket(ws, subject="Backup elsewhere", customer="b")

    def pages(actor: Any) -> list[list[int]]:
        walked: list[list[int]] = []
        cursor = None
        while True:
            page = search_tickets(actor, query="backup", cursor=cursor, limit=2)
            walked.append([t.number for t in page.items])
            if not page.next_cursor:
                return walked
            cursor = page.next_cursor

    people_ = ["helpdesk_agent", "limited_agent", "manager", "contact"]
    sorted_first = {who: pages(ws.actor(who)) for who in people_}
    monkeypatch.setattr(search, "SQLITE_MANY", 1)
    assert search.matches_many(search.parse_query("backup"), internal=True) == (
        connection.vendor == "sqlite"
    )
    assert {who: pages(ws.actor(who)) for who in people_} == sorted_first
    monkeypatch.setattr(search_selectors, "FEW_MATCHES", 1)  # PostgreSQL: never "few"
    assert {who: pages(ws.actor(who)) for who in people_} == sorted_first
    assert sum(len(page) for page in sorted_first["helpdesk_agent"]) == 7
    assert sum(len(page) for page in sorted_first["contact"]) == 3
