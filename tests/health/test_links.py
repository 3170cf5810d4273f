"""Check health first: linking at filing, suggestions for e-mail, agents' link and dismiss,
and the internal note a linked ticket gets when its incident changes."""

from __future__ import annotations

import pytest

from partnerdesk.core.errors import DomainError
from partnerdesk.core.models import AuditEntry
from partnerdesk.health import actions
from partnerdesk.health.enums import LinkState
from partnerdesk.health.models import TicketIncidentLink
from partnerdesk.tickets.models import Message
from tests.health.helpers import data, feed_incident, file, post, subscribe, tenant_incident
from tests.kit import make_workspace

pytestmark = pytest.mark.django_db


def _links(ticket):
    return list(TicketIncidentLink.objects.filter(ticket=ticket).values_list("state", "via"))


@pytest.mark.parametrize(
    ("by", "channel", "via"),
    [
        ("contact", "portal", "portal"),
        ("contact", "api", "api"),
        ("helpdesk_agent", "phone", "console"),
        ("helpdesk_agent", "agent", "console"),
    ],
)
def test_filing_for_affected_service_links(by, channel, via):
    ws = make_workspace()
    feed_incident(ws)
    ticket = file(ws, by=by, channel=channel)
    assert _links(ticket) == [(LinkState.LINKED, via)]
    assert AuditEntry.objects.filter(action="health.ticket_linked").exists()


def test_parent_service_incident_links_a_workload_ticket():
    ws = make_workspace()
    feed_incident(ws, service_name="Microsoft 365")
    ticket = file(ws, service="exchange-online")
    assert _links(ticket) == [(LinkState.LINKED, "console")]


def test_other_service_or_resolved_incident_does_not_link():
    ws = make_workspace()
    feed_incident(ws, service_name="SharePoint Online")
    feed_incident(ws, "EX2", status="serviceRestored")
    assert _links(file(ws)) == []


def test_tenant_incident_links_only_its_customer():
    ws = make_workspace()
    tenant_incident(ws, ws.customers["b"])
    assert _links(file(ws, customer="a")) == []
    assert len(_links(file(ws, customer="b"))) == 1


def test_email_ticket_gets_suggestions_for_subscribed_services():
    ws = make_workspace()
    feed_incident(ws)
    assert _links(file(ws, service=None, channel="email")) == []  # no subscription: nothing
    subscribe(ws.customers["a"], "m365")
    # An advisory of a service the customer uses is no outage to suggest for a mail.
    feed_incident(ws, "TM226801", service_name="Microsoft Teams", classification="advisory")
    ticket = file(ws, service=None, channel="email")
    assert _links(ticket) == [(LinkState.SUGGESTED, "email")]


def test_agent_links_and_dismisses():
    ws = make_workspace()
    incident = feed_incident(ws)
    subscribe(ws.customers["a"], "m365")
    ticket = file(ws, service=None, channel="email")
    agent = ws.actor("helpdesk_agent")
    assert actions.link_ticket(agent, ticket=ticket, incident=incident)
    assert not actions.link_ticket(agent, ticket=ticket, incident=incident)
    assert _links(ticket) == [(LinkState.LINKED, "agent")]
    assert actions.dismiss_incident(agent, ticket=ticket, incident=incident)
    assert _links(ticket) == [(LinkState.DISMISSED, "agent")]
    with pytest.raises(DomainError):
        actions.link_ticket(ws.actor("contact"), ticket=ticket, incident=incident)


def test_link_all_suggested():
    ws = make_workspace()
    incident = feed_incident(ws)
    subscribe(ws.customers["a"], "m365")
    subscribe(ws.customers["b"], "m365")
    file(ws, service=None, channel="email")
    file(ws, customer="b", service=None, channel="email")
    assert actions.link_all_suggested(ws.actor("helpdesk_agent"), incident=incident) == 2
    assert set(TicketIncidentLink.objects.values_list("state", flat=True)) == {LinkState.LINKED}


def test_new_post_and_resolution_note_linked_tickets_once():
    ws = make_workspace()
    feed_incident(ws)
    ticket = file(ws)
    notes = Message.objects.filter(ticket=ticket, internal=True)
    posts = (post("<p>We are investigating.</p>"), post("<p>Restored.</p>", minutes=60))
    resolved = data(status="serviceRestored", is_resolved=True, posts=posts)
    for _ in range(2):
        actions.apply_feed(
            ws.system(), incidents=[resolved], scope="service_wide", customer=None, complete=True
        )
    assert notes.count() == 1
    assert "EX226792 changed" in notes.get().body and "Restored." in notes.get().body
