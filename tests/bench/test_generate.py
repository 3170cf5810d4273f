"""The bench generator writes a desk the product itself reads correctly.

A tiny desk (400 tickets of the 10k stream: the slice around its rare ticket and its newest,
mostly open, tickets) is loaded into the test database through the loader `make bench` uses
(bench/gen_load.py, rows from bench/gen_rows.py), then checked through the product's own
selectors, pages, API, sign-in and audit verification.
"""

from __future__ import annotations

import sys
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from partnerdesk.accounts.actors import actor_for_membership
from partnerdesk.accounts.models import Membership
from partnerdesk.core import audit
from partnerdesk.tickets import search_selectors, selectors
from partnerdesk.tickets.models import (
    Attachment,
    Message,
    Ticket,
    TicketClock,
    TicketSearchDocument,
    TicketTag,
    TicketWatcher,
)
from tests.kit import session_client

BENCH = Path(__file__).resolve().parents[2] / "bench"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import content  # noqa: E402
import gen_load  # noqa: E402
import gen_rows  # noqa: E402
import generate  # noqa: E402

SIZE = 10_000
POSITIONS = [*range(4_900, 5_100), *range(9_800, 10_000)]


@pytest.fixture
def desk(db: None) -> gen_load.Loaded:
    return gen_load.load_desk(size=SIZE, positions=POSITIONS, quiet=True)


def _specs() -> list[content.TicketSpec]:
    return [content.ticket(n, SIZE) for n in POSITIONS]


def _agent00(loaded: gen_load.Loaded) -> Membership:
    return Membership.objects.select_related("user").get(pk=loaded.desk.agents[0].membership_id)


def _all_pages(fetch: Any) -> list[Any]:
    items, cursor = [], None
    while True:
        page = fetch(cursor)
        items += page.items
        cursor = page.next_cursor
        if not cursor:
            return items


def test_the_product_reads_the_generated_desk(desk: gen_load.Loaded) -> None:
    specs = _specs()
    _counts_match_the_stream(desk, specs)
    _open_queue_lists_the_open_tickets_newest_first(desk, specs)
    _ticket_page_and_api_for_agent00(desk, specs)
    _search_finds_the_rare_word_only(desk)
    _contact_signs_in_and_sees_her_customers_tickets(desk, specs)
    assert audit.verify_chain(desk.desk.partner_id) is None


def _counts_match_the_stream(loaded: gen_load.Loaded, specs: list[content.TicketSpec]) -> None:
    pid = loaded.desk.partner_id
    messages = sum(len(s.messages) for s in specs)
    expected = {
        "ticket": len(specs),
        "message": messages,
        "attachment": sum(1 for s in specs for m in s.messages if m.attachment),
        "tickettag": sum(len(s.tags) for s in specs),
        "ticketwatcher": sum(len(s.watchers) for s in specs),
        "ticketsearchdocument": len(specs),
    }
    assert {k: loaded.rows[k] for k in expected} == expected
    in_db = {
        "ticket": Ticket.objects.filter(partner_id=pid).count(),
        "message": Message.objects.filter(partner_id=pid).count(),
        "attachment": Attachment.objects.filter(partner_id=pid).count(),
        "tickettag": TicketTag.objects.filter(partner_id=pid).count(),
        "ticketwatcher": TicketWatcher.objects.filter(partner_id=pid).count(),
        "ticketsearchdocument": TicketSearchDocument.objects.filter(partner_id=pid).count(),
    }
    assert in_db == expected
    statuses = Counter(Ticket.objects.filter(partner_id=pid).values_list("status", flat=True))
    assert statuses == Counter(s.status for s in specs)
    # Every ticket has clocks; open ones run or pause, closed ones have stopped.
    assert TicketClock.objects.filter(partner_id=pid).values("ticket").distinct().count() == 400
    assert not TicketClock.objects.filter(ticket__is_open=False, state="running").exists()
    manifest = generate.manifest_of("sqlite", str(SIZE), loaded)
    assert manifest["tickets"] == len(specs)
    assert manifest["max_number"] == content.NUMBER_BASE + SIZE - 1
    assert len(manifest["ticket_ids"]) > 10
    assert Message.objects.filter(ticket_id__in=manifest["ticket_ids"]).count() >= 2 * len(
        manifest["ticket_ids"]
    )


def _open_queue_lists_the_open_tickets_newest_first(
    loaded: gen_load.Loaded, specs: list[content.TicketSpec]
) -> None:
    actor = actor_for_membership(_agent00(loaded), via="session")
    where = selectors.TicketFilter(is_open=True)
    listed = _all_pages(
        lambda cursor: selectors.ticket_page(actor, where=where, cursor=cursor, limit=50)
    )
    seed = loaded.desk.seed
    open_specs = [s for s in specs if s.is_open]
    expected = sorted(
        open_specs, key=lambda s: (s.last_activity_at, gen_rows.ticket_id(seed, s.n).hex)
    )[::-1]
    assert len(open_specs) > 100
    assert [t.pk for t in listed] == [gen_rows.ticket_id(seed, s.n) for s in expected]


def _ticket_page_and_api_for_agent00(
    loaded: gen_load.Loaded, specs: list[content.TicketSpec]
) -> None:
    agent00 = _agent00(loaded)
    spec = next(s for s in specs if len(s.messages) >= 2 and not s.messages[-1].internal)
    tid = gen_rows.ticket_id(loaded.desk.seed, spec.n)
    page = session_client(agent00).get(f"/desk/tickets/{tid}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert spec.subject.replace("'", "&#x27;") in body
    assert spec.messages[-1].body.replace("'", "&#x27;") in body

    api = Client(HTTP_AUTHORIZATION=f"Bearer {loaded.api_token}")
    response = api.get("/api/v1/tickets", {"limit": 100})
    assert response.status_code == 200, response.content
    items = response.json()["items"]
    assert len(items) == 100
    numbers = {content.NUMBER_BASE + n for n in POSITIONS}
    assert {item["number"] for item in items} <= numbers
    one = api.get(f"/api/v1/tickets/{tid}")
    assert one.status_code == 200
    assert one.json()["subject"] == spec.subject


def _search_finds_the_rare_word_only(loaded: gen_load.Loaded) -> None:
    actor = actor_for_membership(_agent00(loaded), via="session")
    seed = loaded.desk.seed
    rare = [n for n in POSITIONS if content.is_rare(n)]
    assert rare
    found = search_selectors.search_tickets(actor, query=content.RARE_WORD, cursor=None, limit=50)
    assert [t.pk for t in found.items] == [gen_rows.ticket_id(seed, n) for n in rare]
    none = search_selectors.search_tickets(actor, query=content.NO_HIT_WORD, cursor=None, limit=50)
    assert none.items == []
    common = search_selectors.search_tickets(
        actor, query=content.COMMON_WORD, cursor=None, limit=50
    )
    assert len(common.items) == 50


def _contact_signs_in_and_sees_her_customers_tickets(
    loaded: gen_load.Loaded, specs: list[content.TicketSpec]
) -> None:
    busy = loaded.desk.contacts[content.BUSY_CUSTOMER][0]
    client = Client()
    signed_in = client.post("/accounts/login/", {"email": busy.email, "password": content.PASSWORD})
    assert signed_in.status_code == 302, signed_in.content.decode()[:2000]
    assert client.get("/portal/").status_code == 200
    response = client.get("/api/v1/tickets", {"limit": 100})
    assert response.status_code == 200, response.content
    seen = {uuid.UUID(item["id"]) for item in response.json()["items"]}
    seed = loaded.desk.seed
    customers = {
        gen_rows.ticket_id(seed, s.n) for s in specs if s.customer == content.BUSY_CUSTOMER
    }
    # A contact (not a customer manager) sees the tickets she asked for, of her customer only.
    hers = {
        gen_rows.ticket_id(seed, s.n)
        for s in specs
        if s.customer == content.BUSY_CUSTOMER and s.requester == 0
    }
    assert hers
    assert seen == hers
    assert seen <= customers
