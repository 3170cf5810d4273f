"""The health API: incidents, one incident, broadcasts, the filing check, a ticket's incidents."""

from __future__ import annotations

import pytest

from partnerdesk.health.enums import LinkState
from partnerdesk.health.models import TicketIncidentLink
from tests.health.helpers import feed_incident, file, subscribe, tenant_incident
from tests.kit import api_client, make_workspace, max_queries, problem
from tests.tickets.helpers import make_contacts

pytestmark = pytest.mark.django_db


def test_staff_list_and_one():
    ws = make_workspace()
    incident = feed_incident(ws)
    for n in range(5):
        feed_incident(ws, f"EX{n}")
    api = api_client(ws.member("helpdesk_agent"))
    with max_queries(12):
        body = api.get("/api/v1/incidents?limit=3").json()
    assert len(body["items"]) == 3 and body["next_cursor"]
    rest = api.get(f"/api/v1/incidents?limit=3&cursor={body['next_cursor']}").json()
    assert len(rest["items"]) == 3 and rest["next_cursor"] is None
    one = api.get(f"/api/v1/incidents/{incident.pk}").json()
    assert one["vendor_id"] == "EX226792" and one["service_code"] == "exchange-online"
    assert one["posts"][0]["body_html"] == "<p>We are investigating.</p>"


def test_contact_sees_only_incidents_of_services_used_and_own_tenant():
    ws = make_workspace()
    make_contacts(ws)
    service_wide = feed_incident(ws)
    own = tenant_incident(ws, ws.customers["a"], "EX1")
    foreign = tenant_incident(ws, ws.customers["b"], "EX2")
    api = api_client(ws.member("contact"))
    ids = {i["id"] for i in api.get("/api/v1/incidents").json()["items"]}
    assert ids == {str(own.pk)}
    subscribe(ws.customers["a"], "m365")
    ids = {i["id"] for i in api.get("/api/v1/incidents").json()["items"]}
    assert ids == {str(own.pk), str(service_wide.pk)}
    assert api.get(f"/api/v1/incidents/{foreign.pk}").status_code == 404


def test_manual_incident_and_broadcast():
    ws = make_workspace()
    api = api_client(ws.member("admin_agent"))
    response = api.post(
        "/api/v1/incidents",
        {"service": "exchange-online", "title": "Mail delayed (21Vianet)", "message": "<b>x</b>"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    incident_id = response.json()["id"]
    assert response.json()["source"] == "manual"
    assert "&lt;b&gt;" in response.json()["posts"][0]["body_html"]
    ticket = file(ws)
    assert TicketIncidentLink.objects.get(ticket=ticket).state == LinkState.LINKED
    sent = api.post(
        f"/api/v1/incidents/{incident_id}/broadcasts",
        {"body": "Restored.", "resolve": True},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="abc",
    )
    assert sent.status_code == 201 and sent.json()["sent"] == 1 and sent.json()["resolved"] == 1
    helpdesk = api_client(ws.member("sales_agent"))
    denied = helpdesk.post(
        f"/api/v1/incidents/{incident_id}/broadcasts",
        {"body": "x"},
        content_type="application/json",
    )
    assert denied.status_code in (403, 404)
    problem(denied)


def test_filing_through_api_links_and_lists():
    ws = make_workspace()
    make_contacts(ws)
    incident = feed_incident(ws)
    api = api_client(ws.member("contact"))
    customer_id = str(ws.customers["a"].pk)
    check = api.get(f"/api/v1/health/check?customer_id={customer_id}&service=exchange-online")
    assert [i["id"] for i in check.json()["items"]] == [str(incident.pk)]
    filed = api.post(
        "/api/v1/tickets",
        {
            "customer_id": customer_id,
            "subject": "No mail",
            "description": "",
            "category": "performance",
            "severity": "B",
            "service": "exchange-online",
            "channel": "api",
        },
        content_type="application/json",
    )
    assert filed.status_code == 201, filed.content
    ticket_id = filed.json()["id"]
    links = api.get(f"/api/v1/tickets/{ticket_id}/incidents").json()["items"]
    assert [(x["state"], x["via"], x["incident"]["id"]) for x in links] == [
        ("linked", "api", str(incident.pk))
    ]


def test_other_workspace_gets_404():
    ws, other = make_workspace(), make_workspace()
    incident = feed_incident(ws)
    ticket = file(ws)
    api = api_client(other.member("admin_agent"))
    assert api.get(f"/api/v1/incidents/{incident.pk}").status_code == 404
    assert api.get(f"/api/v1/tickets/{ticket.pk}/incidents").status_code == 404
    sent = api.post(
        f"/api/v1/incidents/{incident.pk}/broadcasts",
        {"body": "x"},
        content_type="application/json",
    )
    assert sent.status_code == 404
    check = api.get(
        f"/api/v1/health/check?customer_id={ws.customers['a'].pk}&service=exchange-online"
    )
    assert check.status_code == 404


def test_filing_through_the_api_answers_with_the_linked_incident():
    """Check health first, for an integration: the filing's answer names the outage."""
    ws = make_workspace()
    make_contacts(ws)  # the contact's login is linked to its contact record
    feed_incident(ws)
    contact = api_client(ws.member("contact"))
    response = contact.post(
        "/api/v1/tickets",
        {
            "customer_id": str(ws.customers["a"].pk),
            "subject": "Mail stuck in the outbox",
            "category": "performance",
            "severity": "B",
            "service": "exchange-online",
            "channel": "api",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    related = response.json()["related"]
    assert [(r["kind"], r["reference"], r["state"]) for r in related] == [
        ("incident", "EX226792", "linked")
    ]
    listed = contact.get("/api/v1/tickets").json()["items"]
    assert listed[0]["related"] is None  # lists leave it out, as they leave out the clocks
