"""Isolation of service health: another workspace's incidents are 404 everywhere; a contact
never sees another customer's tenant incident (nor the console's incident page); a broadcast
never touches another workspace's tickets or tickets not linked to the incident."""

from __future__ import annotations

import pytest

from partnerdesk.core.errors import DomainError
from partnerdesk.health import access, actions, selectors
from partnerdesk.health.enums import Scope
from partnerdesk.health.feed import IncidentData
from partnerdesk.health.models import Incident
from partnerdesk.tickets.models import Message
from tests.kit import Workspace, api_client, make_workspace, session_client


def incident_of(ws: Workspace, customer: str) -> Incident:
    """A tenant incident of the workspace's customer `customer` (made once)."""
    target = ws.customers[customer]
    found = Incident.objects.filter(customer=target).first()
    if found is not None:
        return found
    actions.apply_feed(
        ws.system(),
        incidents=[
            IncidentData(
                vendor_id=f"EX9{customer}",
                source="graph",
                service_name="Exchange Online",
                title=f"Isolation incident {customer} {ws.partner.pk}",
                classification="incident",
                status="serviceDegradation",
            )
        ],
        scope=Scope.TENANT,
        customer=target,
        complete=False,
    )
    return Incident.objects.get(customer=target)


pytestmark = pytest.mark.django_db


@pytest.fixture
def two() -> tuple[Workspace, Workspace]:
    return make_workspace("Nordwind"), make_workspace("Alpen")


def test_foreign_incidents_are_404(two: tuple[Workspace, Workspace]) -> None:
    ws, other = two
    theirs = incident_of(other, "a")
    for person in ("global_admin", "admin_agent", "helpdesk_agent", "contact", "manager"):
        actor = ws.actor(person)
        with pytest.raises(DomainError) as caught:
            access.get_incident_for(actor, theirs.pk)
        assert caught.value.status == 404
        assert theirs not in selectors.visible_incidents(actor)
    api = api_client(ws.member("global_admin"))
    assert api.get(f"/api/v1/incidents/{theirs.pk}").status_code == 404
    assert str(theirs.pk) not in api.get("/api/v1/incidents").content.decode()
    page = session_client(ws.member("global_admin")).get(f"/desk/health/incidents/{theirs.pk}/")
    assert page.status_code == 404


def test_contact_never_sees_another_customers_tenant_incident(
    two: tuple[Workspace, Workspace],
) -> None:
    ws, _other = two
    b_incident = incident_of(ws, "b")
    a_incident = incident_of(ws, "a")
    contact = ws.actor("contact")
    assert list(selectors.visible_incidents(contact)) == [a_incident]
    with pytest.raises(DomainError):
        access.get_incident_for(contact, b_incident.pk)
    assert selectors.active_incidents_for_customer(contact, ws.customers["b"]) == []
    portal = session_client(ws.member("contact")).get("/portal/health/").content.decode()
    assert b_incident.title not in portal and a_incident.title in portal
    # The console's incident page does not exist for customer people, even for their own.
    console = session_client(ws.member("contact"))
    assert console.get(f"/desk/health/incidents/{a_incident.pk}/").status_code == 404
    limited = ws.actor("limited_agent")  # limited to customer a
    assert b_incident not in selectors.visible_incidents(limited)


def test_broadcast_touches_only_linked_tickets_of_its_workspace(
    two: tuple[Workspace, Workspace],
) -> None:
    from tests.health.helpers import feed_incident, file

    ws, other = two
    incident = feed_incident(ws)
    linked = file(ws)
    not_linked = file(ws, service="teams")
    foreign = file(other)
    with pytest.raises(DomainError):
        actions.broadcast_update(other.actor("global_admin"), incident=incident, body="x")
    result = actions.broadcast_update(ws.actor("global_admin"), incident=incident, body="x")
    assert result.sent == 1
    assert Message.objects.filter(ticket=linked, internal=False).count() == 1
    assert not Message.objects.filter(ticket__in=[not_linked, foreign], internal=False).exists()


def test_links_across_workspaces_refused(two: tuple[Workspace, Workspace]) -> None:
    from tests.health.helpers import file

    ws, other = two
    theirs = incident_of(other, "a")
    ticket = file(ws)
    with pytest.raises(DomainError):
        actions.link_ticket(ws.actor("global_admin"), ticket=ticket, incident=theirs)
    client = session_client(ws.member("global_admin"))
    url = f"/desk/tickets/{ticket.pk}/incidents/{theirs.pk}/link/"
    assert client.post(url).status_code == 404
