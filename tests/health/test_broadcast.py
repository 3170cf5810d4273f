"""The incident page's update to every linked ticket."""

from __future__ import annotations

import pytest

from partnerdesk.core.errors import DomainError
from partnerdesk.health.actions import broadcast_update
from partnerdesk.health.models import BroadcastDelivery, IncidentBroadcast
from partnerdesk.tickets.models import Message, Ticket
from tests.health.helpers import feed_incident, file
from tests.kit import make_workspace

pytestmark = pytest.mark.django_db


def test_replies_resolves_and_skips_already_sent():
    ws = make_workspace()
    incident = feed_incident(ws)
    linked = [file(ws), file(ws, customer="b"), file(ws, by="contact")]
    unlinked = file(ws, service="teams")
    agent = ws.actor("admin_agent")
    result = broadcast_update(
        agent, incident=incident, body="Microsoft restored mail.", resolve=True, key="k1"
    )
    assert (result.sent, result.resolved, result.skipped) == (3, 3, 0)
    for ticket in linked:
        ticket = Ticket.objects.get(pk=ticket.pk)
        assert ticket.status == "resolved"
        assert Message.objects.filter(ticket=ticket, internal=False).count() == 1
    assert not Message.objects.filter(ticket=unlinked).exists()
    again = broadcast_update(agent, incident=incident, body="Microsoft restored mail.", key="k1")
    assert again.sent == 0 and IncidentBroadcast.objects.count() == 1
    assert BroadcastDelivery.objects.count() == 3


def test_resending_a_key_skips_tickets_done():
    ws = make_workspace()
    incident = feed_incident(ws)
    file(ws)
    agent = ws.actor("admin_agent")
    broadcast_update(agent, incident=incident, body="Update 1", key="k")
    file(ws, customer="b")
    again = broadcast_update(agent, incident=incident, body="Update 1", key="k")
    assert (again.sent, again.skipped) == (1, 1)


@pytest.mark.parametrize("who", ["sales_agent", "contact", "billing_admin"])
def test_needs_health_broadcast(who):
    ws = make_workspace()
    incident = feed_incident(ws)
    with pytest.raises(DomainError):
        broadcast_update(ws.actor(who), incident=incident, body="x")


def test_never_touches_another_workspace():
    ws, other = make_workspace(), make_workspace()
    incident = feed_incident(ws)
    foreign = file(other)
    feed_incident(other)
    with pytest.raises(DomainError):
        broadcast_update(other.actor("admin_agent"), incident=incident, body="x")
    broadcast_update(ws.actor("admin_agent"), incident=incident, body="x")
    assert not Message.objects.filter(ticket=foreign, internal=False).exists()
