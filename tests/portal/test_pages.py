"""The portal's request list: who sees which requests, the guard, and what a page costs."""

from __future__ import annotations

import pytest
from django.test import Client

from partnerdesk.customers.models import Contact
from partnerdesk.partners.models import Partner
from partnerdesk.tickets import actions
from partnerdesk.tickets.actions import TicketChanges
from tests.accounts.helpers import text_of
from tests.kit import STAFF, Workspace, max_queries, session_client

from .conftest import filed_for

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_sign_in_and_come_back(ws: Workspace) -> None:
    for path in ("/portal/", "/portal/new/", "/portal/profile/"):
        response = Client().get(path)
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={path.replace('/', '%2F')}"


@pytest.mark.parametrize("person", STAFF)
def test_the_portal_does_not_exist_for_staff(
    ws: Workspace, contacts: dict[str, Contact], person: str
) -> None:
    ticket = filed_for(ws, contacts["contact"])
    client = session_client(ws.member(person))
    for path in ("/portal/", "/portal/new/", "/portal/profile/", f"/portal/tickets/{ticket.pk}/"):
        assert client.get(path).status_code == 404, path
    assert client.post(f"/portal/tickets/{ticket.pk}/reply/", {"body": "x"}).status_code == 404


def test_the_home_page_sends_each_person_to_their_place(ws: Workspace) -> None:
    assert session_client(ws.member("helpdesk_agent")).get("/")["Location"] == "/desk/"
    assert session_client(ws.member("contact")).get("/")["Location"] == "/portal/"
    assert session_client(ws.member("manager")).get("/")["Location"] == "/portal/"
    assert Client().get("/")["Location"] == "/accounts/login/"


def test_a_contact_sees_only_its_own_requests(ws: Workspace, contacts: dict[str, Contact]) -> None:
    filed_for(ws, contacts["contact"], "Mein Drucker")
    filed_for(ws, contacts["manager"], "Lizenz für die Chefin")
    filed_for(ws, contacts["contact_b"], "Stadtwerke: VPN")
    page = session_client(ws.member("contact")).get("/portal/")
    assert page.status_code == 200
    text = text_of(page)
    assert "Mein Drucker" in text
    assert "Lizenz für die Chefin" not in text and "Stadtwerke: VPN" not in text
    assert "Requested by" not in text  # a contact's list is only ever its own
    assert "Everyone's" not in text


def test_a_manager_sees_the_organisations_requests_and_can_narrow_to_its_own(
    ws: Workspace, contacts: dict[str, Contact]
) -> None:
    filed_for(ws, contacts["contact"], "Mein Drucker")
    filed_for(ws, contacts["manager"], "Lizenz für die Chefin")
    filed_for(ws, contacts["contact_b"], "Stadtwerke: VPN")
    client = session_client(ws.member("manager"))
    text = text_of(client.get("/portal/"))
    assert "Our organisation's requests" in text
    assert "Mein Drucker" in text and "Lizenz für die Chefin" in text
    assert "Stadtwerke: VPN" not in text
    assert "Requested by" in text and contacts["contact"].name in text
    mine = text_of(client.get("/portal/?who=mine"))
    assert "Lizenz für die Chefin" in mine and "Mein Drucker" not in mine


def test_open_and_closed_requests_are_on_separate_tabs(
    ws: Workspace, contacts: dict[str, Contact]
) -> None:
    filed_for(ws, contacts["contact"], "Noch offen")
    done = filed_for(ws, contacts["contact"], "Schon gelöst")
    actions.change_ticket(
        ws.actor("helpdesk_agent"), ticket=done, changes=TicketChanges(status="resolved")
    )
    client = session_client(ws.member("contact"))
    open_tab = text_of(client.get("/portal/"))
    assert "Noch offen" in open_tab and "Schon gelöst" not in open_tab
    assert "Received" in open_tab  # the customer's word for "new"
    closed_tab = text_of(client.get("/portal/?state=closed"))
    assert "Schon gelöst" in closed_tab and "Noch offen" not in closed_tab
    assert "Solved" in closed_tab


def test_the_list_pages_by_keyset(ws: Workspace, contacts: dict[str, Contact]) -> None:
    for i in range(27):
        filed_for(ws, contacts["contact"], f"Anfrage Nummer {i:02d}")
    client = session_client(ws.member("contact"))
    first = client.get("/portal/").content.decode()
    assert first.count('class="subject"') == 25
    assert "Anfrage Nummer 26" in first and "Anfrage Nummer 01" not in first
    cursor = first.split("cursor=")[1].split('"')[0].replace("&amp;", "&")
    second = text_of(client.get(f"/portal/?cursor={cursor}"))
    assert "Anfrage Nummer 01" in second and "Anfrage Nummer 00" in second
    assert "Anfrage Nummer 26" not in second
    assert client.get("/portal/?cursor=forged").status_code == 400


def test_the_support_contact_details_are_on_every_page(
    ws: Workspace, contacts: dict[str, Contact]
) -> None:
    Partner.objects.filter(pk=ws.partner.pk).update(
        support_email="hilfe@nordwind.example",
        support_phone="+49 89 123 456",
        support_website="https://nordwind.example/support",
    )
    ticket = filed_for(ws, contacts["contact"])
    client = session_client(ws.member("contact"))
    for path in ("/portal/", "/portal/new/", "/portal/profile/", f"/portal/tickets/{ticket.pk}/"):
        page = client.get(path).content.decode()
        assert f"How to reach {ws.partner.name}" in page, path
        assert 'href="tel:+4989123456"' in page
        assert 'href="mailto:hilfe@nordwind.example"' in page
        assert "the phone is the fastest way" in page


def test_without_a_phone_there_is_no_phone_advice(ws: Workspace) -> None:
    Partner.objects.filter(pk=ws.partner.pk).update(
        support_email="hilfe@nordwind.example", support_phone=""
    )
    page = text_of(session_client(ws.member("contact")).get("/portal/"))
    assert "hilfe@nordwind.example" in page
    assert "fastest way" not in page


def test_the_list_costs_the_same_for_3_and_30_requests(
    ws: Workspace, contacts: dict[str, Contact]
) -> None:
    client = session_client(ws.member("manager"))

    def queries() -> int:
        client.get("/portal/")
        with max_queries(20) as captured:
            assert client.get("/portal/").status_code == 200
        return len(captured.captured_queries)

    agent = ws.actor("helpdesk_agent")
    for i in range(3):
        ticket = filed_for(ws, contacts["contact" if i % 2 else "manager"], f"klein {i}")
        actions.change_ticket(
            agent, ticket=ticket, changes=TicketChanges(assignee=ws.member("helpdesk_agent"))
        )
    few = queries()
    for i in range(27):
        ticket = filed_for(ws, contacts["contact" if i % 2 else "manager"], f"groß {i}")
        actions.change_ticket(
            agent, ticket=ticket, changes=TicketChanges(assignee=ws.member("helpdesk_agent"))
        )
    assert queries() == few
