"""The console's and the portal's health pages."""

from __future__ import annotations

import pytest

from partnerdesk.core import feeds
from partnerdesk.health.enums import LinkState
from partnerdesk.health.models import Incident, TicketIncidentLink
from partnerdesk.tickets.models import Message, Ticket
from tests.health.helpers import feed_incident, file, subscribe, tenant_incident
from tests.kit import make_workspace, max_queries, session_client
from tests.tickets.helpers import make_contacts

pytestmark = pytest.mark.django_db


def test_dashboard_lists_incidents_with_counts_and_feed_age():
    ws = make_workspace()
    subscribe(ws.customers["a"], "m365")
    subscribe(ws.customers["b"], "exchange-online")
    feed_incident(ws)
    tenant_incident(ws, ws.customers["b"], "EX2")
    feed_incident(ws, "EX3", status="serviceRestored")
    file(ws)
    feeds.succeeded(ws.partner.pk, feeds.PARTNER_HEALTH)
    client = session_client(ws.member("helpdesk_agent"))
    with max_queries(25):
        response = client.get("/desk/health/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "EX226792" in html and "EX2" in html and "EX3" in html
    assert "Tenant of" in html and "as of" in html
    for n in range(10):
        feed_incident(ws, f"EX1{n}")
    with max_queries(25):
        assert client.get("/desk/health/").status_code == 200


def test_incident_page_and_broadcast_form():
    ws = make_workspace()
    subscribe(ws.customers["a"], "m365")
    incident = feed_incident(ws)
    ticket = file(ws)
    client = session_client(ws.member("admin_agent"))
    page = client.get(f"/desk/health/incidents/{incident.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and "We are investigating." in html
    assert str(ticket.number) in html and ws.customers["a"].name in html
    assert 'data-testid="broadcast-form"' in html
    form = {"body": "Microsoft restored mail.", "resolve": "on", "form_token": "tok1"}
    sent = client.post(f"/desk/health/incidents/{incident.pk}/broadcast/", form, follow=True)
    assert "Sent to 1 ticket; resolved 1" in sent.content.decode()
    client.post(f"/desk/health/incidents/{incident.pk}/broadcast/", form)  # double submit
    assert Message.objects.filter(ticket=ticket, internal=False).count() == 1
    assert Ticket.objects.get(pk=ticket.pk).status == "resolved"


def test_sales_agent_sees_no_broadcast_form_and_cannot_post():
    ws = make_workspace()
    incident = feed_incident(ws)
    client = session_client(ws.member("sales_agent"))
    page = client.get(f"/desk/health/incidents/{incident.pk}/").content.decode()
    assert 'data-testid="broadcast-form"' not in page
    response = client.post(f"/desk/health/incidents/{incident.pk}/broadcast/", {"body": "x"})
    assert response.status_code == 403


def test_link_and_dismiss_from_ticket_panel():
    ws = make_workspace()
    subscribe(ws.customers["a"], "m365")
    incident = feed_incident(ws)
    ticket = file(ws, service=None, channel="email")
    client = session_client(ws.member("helpdesk_agent"))
    url = f"/desk/tickets/{ticket.pk}/incidents/{incident.pk}/"
    response = client.post(url + "link/", HTTP_HX_REQUEST="true")
    assert (
        response.status_code == 200 and 'data-testid="linked-incident"' in response.content.decode()
    )
    assert TicketIncidentLink.objects.get(ticket=ticket).state == LinkState.LINKED
    assert client.post(url + "dismiss/").status_code == 302
    assert TicketIncidentLink.objects.get(ticket=ticket).state == LinkState.DISMISSED


def test_link_all_suggested_page_action():
    ws = make_workspace()
    subscribe(ws.customers["a"], "m365")
    incident = feed_incident(ws)
    file(ws, service=None, channel="email")
    client = session_client(ws.member("helpdesk_agent"))
    client.post(f"/desk/health/incidents/{incident.pk}/link-suggested/")
    assert TicketIncidentLink.objects.get().state == LinkState.LINKED


def test_console_check_partial():
    ws = make_workspace()
    feed_incident(ws)
    client = session_client(ws.member("helpdesk_agent"))
    customer = ws.customers["a"].pk
    html = client.get(f"/desk/health/check/?customer={customer}&service=exchange-online")
    assert "EX226792" in html.content.decode()
    html = client.get(f"/desk/health/check/?customer={customer}&service=teams")
    assert "EX226792" not in html.content.decode()


def test_record_by_hand():
    ws = make_workspace()
    client = session_client(ws.member("admin_agent"))
    response = client.post(
        "/desk/health/incidents/new/",
        {
            "service": "exchange-online",
            "title": "Mail down (21Vianet)",
            "status": "investigating",
            "classification": "incident",
            "impact": "",
            "message": "Looking.",
        },
    )
    assert response.status_code == 302
    assert Incident.objects.get(partner=ws.partner).source == "manual"


def test_portal_health_and_check():
    ws = make_workspace()
    make_contacts(ws)
    subscribe(ws.customers["a"], "m365")
    feed_incident(ws)
    tenant_incident(ws, ws.customers["b"], "EX777")
    client = session_client(ws.member("contact"))
    page = client.get("/portal/health/").content.decode()
    assert "EX226792" in page and "EX777" not in page and "We are investigating." in page
    check = client.get("/portal/health/check/?service=exchange-online").content.decode()
    assert "Microsoft is aware of a problem" in check and "EX226792" in check
    assert "EX226792" not in client.get("/portal/health/check/?service=teams").content.decode()


def test_staff_cannot_open_portal_pages_and_contacts_not_console():
    ws = make_workspace()
    incident = feed_incident(ws)
    make_contacts(ws)
    assert session_client(ws.member("helpdesk_agent")).get("/portal/health/").status_code == 404
    contact = session_client(ws.member("contact"))
    assert contact.get(f"/desk/health/incidents/{incident.pk}/").status_code == 404
    assert contact.get("/desk/health/").status_code == 404


def test_portal_form_asks_for_the_check_and_ticket_page_shows_the_link():
    ws = make_workspace()
    make_contacts(ws)
    feed_incident(ws)
    client = session_client(ws.member("contact"))
    form = client.get("/portal/new/").content.decode()
    assert 'hx-get="/portal/health/check/"' in form and 'id="health-check"' in form
    token = form.split('name="form_token" value="')[1].split('"')[0]
    response = client.post(
        "/portal/new/",
        {
            "subject": "Mail stuck",
            "description": "Outbox full",
            "severity": "B",
            "category": "performance",
            "service": "exchange-online",
            "form_token": token,
        },
        follow=True,
    )
    html = response.content.decode()
    assert 'data-testid="portal-ticket-incidents"' in html and "EX226792" in html
    assert "We are investigating." in html


def test_ticket_page_panel_and_queue_banner():
    ws = make_workspace()
    subscribe(ws.customers["a"], "m365")
    feed_incident(ws)
    linked = file(ws)
    suggested = file(ws, service=None, channel="email")
    client = session_client(ws.member("helpdesk_agent"))
    page = client.get(f"/desk/tickets/{linked.pk}/").content.decode()
    assert 'data-testid="linked-incident"' in page and "EX226792" in page
    page = client.get(f"/desk/tickets/{suggested.pk}/").content.decode()
    assert 'data-testid="suggested-incident"' in page and 'data-testid="link-incident"' in page
    queue = client.get("/desk/").content.decode()
    assert 'data-testid="incident-banner"' in queue and "1 open ticket linked" in queue
