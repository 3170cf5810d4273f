"""The console's new-ticket page: filing by phone links the incident; double submit files once."""

from __future__ import annotations

import pytest

from partnerdesk.health.models import TicketIncidentLink
from partnerdesk.tickets.models import Ticket
from tests.health.helpers import feed_incident
from tests.kit import make_workspace, session_client
from tests.tickets.helpers import make_contacts

pytestmark = pytest.mark.django_db


def _form(client):
    html = client.get("/desk/new/").content.decode()
    return html, html.split('name="form_token" value="')[1].split('"')[0]


def test_files_links_and_is_idempotent():
    ws = make_workspace()
    contacts = make_contacts(ws)
    feed_incident(ws)
    client = session_client(ws.member("helpdesk_agent"))
    html, token = _form(client)
    assert 'hx-get="/desk/health/check/"' in html
    data = {
        "customer": ws.customers["a"].pk,
        "requester_email": contacts["contact"].email,
        "subject": "Caller: mail stuck",
        "description": "",
        "category": "performance",
        "severity": "B",
        "service": "exchange-online",
        "channel": "phone",
        "form_token": token,
    }
    first = client.post("/desk/new/", data)
    assert first.status_code == 302
    ticket = Ticket.objects.get(partner=ws.partner)
    assert first["Location"].endswith(f"/desk/tickets/{ticket.pk}/")
    assert ticket.requester_id == contacts["contact"].pk and ticket.channel == "phone"
    link = TicketIncidentLink.objects.get(ticket=ticket)
    assert (link.state, link.via) == ("linked", "console")
    again = client.post("/desk/new/", data)
    assert again.status_code == 302 and Ticket.objects.filter(partner=ws.partner).count() == 1


def test_unknown_requester_and_foreign_customer_refused():
    ws, other = make_workspace(), make_workspace()
    client = session_client(ws.member("helpdesk_agent"))
    _html, token = _form(client)
    data = {
        "customer": ws.customers["a"].pk,
        "requester_email": "nobody@example.test",
        "subject": "x",
        "category": "performance",
        "severity": "B",
        "channel": "phone",
        "form_token": token,
    }
    assert client.post("/desk/new/", data).status_code == 422
    data["requester_email"] = ""
    data["customer"] = other.customers["a"].pk
    assert client.post("/desk/new/", data).status_code == 422
    assert not Ticket.objects.exists()


def test_only_staff_who_file():
    ws = make_workspace()
    make_contacts(ws)
    assert session_client(ws.member("contact")).get("/desk/new/").status_code == 404


def test_a_form_back_with_errors_checks_health_again_on_load():
    """The requester's choice of service survives a failed submit, and so does the check."""
    ws = make_workspace()
    client = session_client(ws.member("helpdesk_agent"))
    _html, token = _form(client)
    fresh = client.get("/desk/new/").content.decode()
    assert 'hx-trigger="load, change"' not in fresh
    data = {
        "customer": ws.customers["a"].pk,
        "subject": "",
        "category": "performance",
        "severity": "B",
        "service": "exchange-online",
        "channel": "phone",
        "form_token": token,
    }
    again = client.post("/desk/new/", data)
    assert again.status_code == 422
    assert 'hx-trigger="load, change"' in again.content.decode()
