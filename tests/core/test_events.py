"""The ticket event registry: subscribers run inside the action's transaction; one that fails
is undone and logged, and the change itself still commits."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from partnerdesk.core import events
from partnerdesk.tickets.models import Message, Ticket
from tests.kit import Workspace
from tests.support.notify import file_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def seen() -> Iterator[list[events.TicketEvent]]:
    found: list[events.TicketEvent] = []

    def record(event: events.TicketEvent) -> None:
        found.append(event)

    events.subscribe(*events.KINDS)(record)
    yield found
    events.unsubscribe(record)


def test_filing_replying_and_changing_emit_what_happened(
    ws: Workspace, seen: list[events.TicketEvent]
) -> None:
    from partnerdesk.tickets import actions

    ticket = file_as(ws, "helpdesk_agent")
    actions.reply(ws.actor("helpdesk_agent"), ticket=ticket, body="On it.")
    actions.change_ticket(
        ws.actor("admin_agent"),
        ticket=ticket,
        changes=actions.TicketChanges(assignee=ws.member("helpdesk_agent"), status="on_hold"),
    )
    kinds = [(e.kind, e.previous, e.current) for e in seen]
    assert kinds == [
        (events.TICKET_FILED, "", ""),
        (events.TICKET_REPLIED, "", ""),
        (events.TICKET_STATUS_CHANGED, "new", "open"),
        (events.TICKET_STATUS_CHANGED, "open", "on_hold"),
        (events.TICKET_ASSIGNED, "", str(ws.member("helpdesk_agent").pk)),
    ]
    assert seen[1].message.body == "On it."


def test_a_failing_subscriber_is_undone_and_the_change_commits(
    ws: Workspace, caplog: pytest.LogCaptureFixture, settings: Any
) -> None:
    settings.PARTNERDESK_EVENTS_STRICT = False  # as in production (the tests run strict)

    def broken(event: events.TicketEvent) -> None:
        Message.objects.create(
            partner_id=event.ticket.partner_id,
            ticket=event.ticket,
            customer_id=event.ticket.customer_id,
            body="half-written",
            internal=True,
            channel="agent",
            created_at=event.ticket.created_at,
        )
        raise RuntimeError("boom")

    events.subscribe(events.TICKET_FILED)(broken)
    try:
        ticket = file_as(ws, "helpdesk_agent", subject="Still filed")
    finally:
        events.unsubscribe(broken)
    assert Ticket.objects.filter(pk=ticket.pk, subject="Still filed").exists()
    assert not Message.objects.filter(body="half-written").exists()
    assert "subscriber" in caplog.text and "boom" in caplog.text
