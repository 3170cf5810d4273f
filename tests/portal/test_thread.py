"""One request in the portal: the public thread (never a note), replying, closing, and who
may see it."""

from __future__ import annotations

import pytest

from partnerdesk.accounts.models import User
from partnerdesk.customers.models import Contact
from partnerdesk.tickets import actions
from partnerdesk.tickets.actions import TicketChanges
from partnerdesk.tickets.models import Attachment, Message, Ticket
from tests.accounts.helpers import text_of
from tests.kit import Workspace, contacts_for, max_queries, session_client

from .conftest import filed_for, text_file

pytestmark = pytest.mark.django_db


def worked(ws: Workspace, ticket: Ticket) -> Ticket:
    """An agent named Alexandra Berger takes the ticket, replies and writes a note with a file."""
    User.objects.filter(pk=ws.member("helpdesk_agent").user_id).update(full_name="Alexandra Berger")
    agent = ws.actor("helpdesk_agent")
    actions.change_ticket(
        agent, ticket=ticket, changes=TicketChanges(assignee=ws.member("helpdesk_agent"))
    )
    actions.reply(
        agent, ticket=ticket, body="Bitte starten Sie Outlook neu.", files=[text_file("howto.txt")]
    )
    actions.reply(
        agent,
        ticket=ticket,
        body="Kunde hat keine MFA, Lizenz prüfen",
        internal=True,
        files=[text_file("intern-notiz.txt", b"internal")],
    )
    actions.attach_files(agent, ticket=ticket, files=[text_file("intern-datei.txt")], internal=True)
    ticket.refresh_from_db()
    return ticket


def test_the_thread_shows_replies_and_public_files_never_notes(
    ws: Workspace, contacts: dict[str, Contact]
) -> None:
    ticket = worked(ws, filed_for(ws, contacts["contact"], files=[text_file("screenshot.txt")]))
    page = session_client(ws.member("contact")).get(f"/portal/tickets/{ticket.pk}/")
    assert page.status_code == 200
    text = text_of(page)
    assert "Seit heute Morgen." in text  # the description
    assert "Bitte starten Sie Outlook neu." in text
    assert "screenshot.txt" in text and "howto.txt" in text
    assert "Kunde hat keine MFA" not in text
    assert "intern-notiz.txt" not in text and "intern-datei.txt" not in text
    for hidden in Attachment.objects.filter(ticket=ticket, internal=True):
        assert str(hidden.pk) not in page.content.decode()
    assert "Internal" not in text


def test_only_the_first_name_of_the_agent_is_shown(
    ws: Workspace, contacts: dict[str, Contact]
) -> None:
    ticket = worked(ws, filed_for(ws, contacts["contact"]))
    page = session_client(ws.member("contact")).get(f"/portal/tickets/{ticket.pk}/")
    text = text_of(page)
    assert "Handled by Alexandra" in text
    assert "Berger" not in text


def test_status_in_the_customers_words(ws: Workspace, contacts: dict[str, Contact]) -> None:
    ticket = filed_for(ws, contacts["contact"])
    actions.change_ticket(
        ws.actor("helpdesk_agent"), ticket=ticket, changes=TicketChanges(status="pending_customer")
    )
    text = text_of(session_client(ws.member("contact")).get(f"/portal/tickets/{ticket.pk}/"))
    assert "Waiting for your reply" in text
    assert "Pending customer" not in text


def test_a_reply_with_a_file_is_added_to_the_thread(
    ws: Workspace, contacts: dict[str, Contact]
) -> None:
    ticket = filed_for(ws, contacts["contact"])
    client = session_client(ws.member("contact"))
    response = client.post(
        f"/portal/tickets/{ticket.pk}/reply/",
        {"body": "Neustart hat nicht geholfen.", "attachments": [text_file("neu.log")]},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/portal/tickets/{ticket.pk}/"
    message = Message.objects.get(ticket=ticket)
    assert message.author_contact == contacts["contact"] and not message.internal
    assert message.channel == "portal"
    assert list(message.attachments.values_list("filename", flat=True)) == ["neu.log"]
    text = text_of(client.get(response["Location"]))
    assert "Your reply is sent." in text and "Neustart hat nicht geholfen." in text


def test_an_empty_reply_or_a_bad_file_keeps_the_text_and_adds_nothing(
    ws: Workspace, contacts: dict[str, Contact]
) -> None:
    ticket = filed_for(ws, contacts["contact"])
    client = session_client(ws.member("contact"))
    empty = client.post(f"/portal/tickets/{ticket.pk}/reply/", {"body": ""})
    assert empty.status_code == 422
    assert "This field is required." in text_of(empty)
    bad = client.post(
        f"/portal/tickets/{ticket.pk}/reply/",
        {"body": "Hier das Programm", "attachments": [text_file("tool.exe", b"MZ")]},
    )
    assert bad.status_code == 422
    assert "Hier das Programm" in bad.content.decode()
    assert "tool.exe: Files of this type are not accepted." in text_of(bad)
    assert not Message.objects.filter(ticket=ticket).exists()
    assert not Attachment.objects.filter(ticket=ticket).exists()


def test_a_reply_reopens_a_solved_request(ws: Workspace, contacts: dict[str, Contact]) -> None:
    ticket = filed_for(ws, contacts["contact"])
    actions.change_ticket(
        ws.actor("helpdesk_agent"), ticket=ticket, changes=TicketChanges(status="resolved")
    )
    client = session_client(ws.member("contact"))
    page = text_of(client.get(f"/portal/tickets/{ticket.pk}/"))
    assert "Solved" in page and "Is everything working again?" in page
    response = client.post(f"/portal/tickets/{ticket.pk}/reply/", {"body": "Geht wieder nicht."})
    ticket.refresh_from_db()
    assert ticket.status == "open" and ticket.is_open
    text = text_of(client.get(response["Location"]))
    assert "the request is open again" in text
    assert "Opened again" in text


def test_a_closed_request_takes_no_reply_and_offers_a_new_one(
    ws: Workspace, contacts: dict[str, Contact]
) -> None:
    ticket = filed_for(ws, contacts["contact"])
    actions.close_as_requester(ws.actor("contact"), ticket=ticket)
    client = session_client(ws.member("contact"))
    page = client.get(f"/portal/tickets/{ticket.pk}/").content.decode()
    assert 'data-testid="reply-form"' not in page
    assert f"/portal/new/?about={ticket.pk}" in page
    response = client.post(f"/portal/tickets/{ticket.pk}/reply/", {"body": "Noch was"})
    assert response.status_code == 302
    assert "takes no replies" in text_of(client.get(response["Location"]))
    assert not Message.objects.filter(ticket=ticket).exists()


def test_closing_my_request_asks_first(ws: Workspace, contacts: dict[str, Contact]) -> None:
    ticket = filed_for(ws, contacts["contact"])
    client = session_client(ws.member("contact"))
    confirm = client.get(f"/portal/tickets/{ticket.pk}/close/")
    assert confirm.status_code == 200
    reference = f"{ws.partner.ticket_prefix}-{ticket.number}"
    assert f"Close {reference}?" in text_of(confirm)
    ticket.refresh_from_db()
    assert ticket.status == "new"
    response = client.post(f"/portal/tickets/{ticket.pk}/close/")
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == "closed" and not ticket.is_open
    assert f"{reference} is closed." in text_of(client.get(response["Location"]))
    again = client.post(f"/portal/tickets/{ticket.pk}/close/")
    assert "already closed" in text_of(client.get(again["Location"]))


def test_a_manager_reads_and_answers_a_colleagues_request(
    ws: Workspace, contacts: dict[str, Contact]
) -> None:
    ticket = worked(ws, filed_for(ws, contacts["contact"], "Drucker im 2. Stock"))
    client = session_client(ws.member("manager"))
    page = text_of(client.get(f"/portal/tickets/{ticket.pk}/"))
    assert "Requested by Contact" in page
    assert "Bitte starten Sie Outlook neu." in page and "Kunde hat keine MFA" not in page
    client.post(f"/portal/tickets/{ticket.pk}/reply/", {"body": "Ich übernehme das."})
    assert Message.objects.filter(
        ticket=ticket, author_contact=contacts["manager"], internal=False
    ).exists()


def test_a_contact_cannot_reach_a_colleagues_or_another_customers_request(
    ws: Workspace, contacts: dict[str, Contact]
) -> None:
    colleague = filed_for(ws, contacts["manager"], "Chefsache")
    other_customer = filed_for(ws, contacts["contact_b"], "Stadtwerke")
    client = session_client(ws.member("contact"))
    for ticket in (colleague, other_customer):
        assert client.get(f"/portal/tickets/{ticket.pk}/").status_code == 404
        assert client.get(f"/portal/tickets/{ticket.pk}/close/").status_code == 404
        reply = client.post(f"/portal/tickets/{ticket.pk}/reply/", {"body": "x"})
        assert reply.status_code == 404
        assert client.post(f"/portal/tickets/{ticket.pk}/close/").status_code == 404
        ticket.refresh_from_db()
        assert ticket.status == "new"
    assert not Message.objects.exists()
    manager = session_client(ws.member("manager"))
    assert manager.get(f"/portal/tickets/{other_customer.pk}/").status_code == 404


@pytest.mark.parametrize("person", ["contact", "manager"])
def test_another_workspaces_request_does_not_exist(
    ws: Workspace, other_ws: Workspace, person: str
) -> None:
    contacts_for(ws)
    foreign = filed_for(other_ws, contacts_for(other_ws)["contact"])
    client = session_client(ws.member(person))
    assert client.get(f"/portal/tickets/{foreign.pk}/").status_code == 404
    assert client.post(f"/portal/tickets/{foreign.pk}/reply/", {"body": "x"}).status_code == 404
    assert client.post(f"/portal/tickets/{foreign.pk}/close/").status_code == 404
    assert client.get("/portal/tickets/not-a-uuid/").status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == "new"
    assert not Message.objects.filter(ticket=foreign).exists()


def test_the_thread_costs_the_same_for_3_and_30_messages(
    ws: Workspace, contacts: dict[str, Contact]
) -> None:
    ticket = worked(ws, filed_for(ws, contacts["contact"], files=[text_file()]))
    client = session_client(ws.member("contact"))
    path = f"/portal/tickets/{ticket.pk}/"

    def queries() -> int:
        client.get(path)
        with max_queries(25) as captured:
            assert client.get(path).status_code == 200
        return len(captured.captured_queries)

    contact, agent = ws.actor("contact"), ws.actor("helpdesk_agent")
    actions.reply(contact, ticket=ticket, body="one", files=[text_file()])
    few = queries()
    for i in range(27):
        actor = contact if i % 2 else agent
        actions.reply(actor, ticket=ticket, body=f"reply {i}", files=[text_file()])
    actions.change_ticket(agent, ticket=ticket, changes=TicketChanges(status="pending_customer"))
    assert queries() == few


def test_internal_files_cannot_be_downloaded_by_customer_people(
    ws: Workspace, contacts: dict[str, Contact]
) -> None:
    ticket = worked(ws, filed_for(ws, contacts["contact"]))
    for person in ("contact", "manager"):
        client = session_client(ws.member(person))
        for attachment in Attachment.objects.filter(ticket=ticket):
            response = client.get(f"/api/v1/attachments/{attachment.pk}/download")
            assert response.status_code == (404 if attachment.internal else 200)


def test_a_merged_request_points_to_the_one_it_was_merged_into(
    ws: Workspace, contacts: dict[str, Contact]
) -> None:
    agent = ws.actor("helpdesk_agent")
    original = filed_for(ws, contacts["contact"], "Original")
    duplicate = filed_for(ws, contacts["contact"], "Doppelt")
    actions.merge_tickets(agent, duplicate=duplicate, original=original)
    client = session_client(ws.member("contact"))
    page = client.get(f"/portal/tickets/{duplicate.pk}/").content.decode()
    reference = f"{ws.partner.ticket_prefix}-{original.number}"
    assert f"This request was combined with {reference}" in page
    assert f'href="/portal/tickets/{original.pk}/"' in page
    # Merged into a colleague's request the contact cannot open: named, not linked.
    colleagues = filed_for(ws, contacts["manager"], "Chefsache")
    other = filed_for(ws, contacts["contact"], "Auch doppelt")
    actions.merge_tickets(agent, duplicate=other, original=colleagues)
    page = client.get(f"/portal/tickets/{other.pk}/").content.decode()
    assert f"combined with {ws.partner.ticket_prefix}-{colleagues.number}" in page
    assert f"/portal/tickets/{colleagues.pk}/" not in page


def test_a_request_without_a_requester_shows_the_organisation(ws: Workspace) -> None:
    ticket = actions.file_ticket(
        ws.actor("helpdesk_agent"),
        customer=ws.customers["a"],
        subject="Anruf der Zentrale",
        description="Telefonanlage",
        category="how_to",
        severity="C",
        channel="phone",
    ).ticket
    text = text_of(session_client(ws.member("manager")).get(f"/portal/tickets/{ticket.pk}/"))
    assert f"{ws.customers['a'].name} ·" in text
