"""The console's mail pages: triage (who sees it, what it shows, filing, attaching,
discarding, bad input), the quarantine (the partner owner's), and the original message."""

from __future__ import annotations

from typing import Any

import pytest

from partnerdesk.customers.models import Contact
from partnerdesk.mail.actions import intake
from partnerdesk.mail.models import InboundMessage
from partnerdesk.tickets.models import Attachment, Message, Ticket
from tests.kit import Workspace, max_queries, session_client
from tests.mail.intake_kit import a_ticket, mail, receive, token_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def ann(ws: Workspace) -> Contact:
    return Contact.objects.create(
        partner=ws.partner,
        customer=ws.customers["a"],
        name="Ann Example",
        email="ann@contoso.example",
        created_at=ws.partner.created_at,
    )


def stranger_mail(ws: Workspace, n: int = 0, **kwargs: Any) -> InboundMessage:
    kwargs.setdefault("sender", f"Sam Stranger <sam{n}@nowhere.example>")
    kwargs.setdefault("subject", f"Need help {n}")
    kwargs.setdefault("body", f"Our mail server is down ({n}).\n\n> quoted history\n")
    return receive(ws, mail(**kwargs))


# --- who sees triage ------------------------------------------------------------------------------


def test_triage_lists_waiting_mail_with_sender_reason_and_snippet(
    ws: Workspace, ann: Contact
) -> None:
    stranger_mail(ws, attachments=[("diagram.png", b"\x89PNG....", "image/png")])
    ticket = a_ticket(ws, ann)
    receive(ws, mail(sender="eve@elsewhere.example", subject=f"Re: [{token_of(ticket)}] VPN"))
    receive(ws, mail(dmarc="fail", subject="Please reset my MFA"))

    page = session_client(ws.member("helpdesk_agent")).get("/desk/mail/triage/")
    text = page.content.decode()
    assert page.status_code == 200
    assert text.count('data-testid="triage-row"') == 3
    assert "sam0@nowhere.example" in text and "Need help 0" in text
    assert "Our mail server is down (0)." in text  # the snippet
    assert "Unknown sender" in text
    assert "Not a contact of the ticket&#x27;s customer" in text
    assert f"answers ticket {ticket.number}" in text
    assert "DMARC failed: the sender may be forged" in text and "unverified" in text


def test_the_triage_list_costs_the_same_for_few_and_many_messages(ws: Workspace) -> None:
    client = session_client(ws.member("helpdesk_agent"))

    def queries() -> int:
        client.get("/desk/mail/triage/")
        with max_queries(25) as captured:
            assert client.get("/desk/mail/triage/").status_code == 200
        return len(captured.captured_queries)

    stranger_mail(ws, 0)
    few = queries()
    for n in range(1, 12):
        stranger_mail(ws, n)
    assert queries() == few


@pytest.mark.parametrize("person", ["sales_agent", "billing_admin", "limited_agent"])
def test_staff_who_do_not_sort_mail_are_refused(ws: Workspace, person: str) -> None:
    inbound = stranger_mail(ws)
    client = session_client(ws.member(person))
    assert client.get("/desk/mail/triage/").status_code == 403
    assert client.get(f"/desk/mail/triage/{inbound.pk}/").status_code == 403
    assert client.post(f"/desk/mail/triage/{inbound.pk}/discard/").status_code == 403
    assert InboundMessage.objects.get(pk=inbound.pk).state == "triage"


@pytest.mark.parametrize("person", ["contact", "manager"])
def test_customer_people_never_see_the_mail_pages(ws: Workspace, person: str) -> None:
    inbound = stranger_mail(ws)
    client = session_client(ws.member(person))
    for url in ("/desk/mail/triage/", f"/desk/mail/triage/{inbound.pk}/", "/desk/mail/quarantine/"):
        assert client.get(url).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(ws: Workspace) -> None:
    from django.test import Client

    response = Client().get("/desk/mail/triage/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_sidebar_shows_the_triage_count_to_those_who_sort(ws: Workspace) -> None:
    for n in range(3):
        stranger_mail(ws, n)
    agent = session_client(ws.member("helpdesk_agent")).get("/desk/").content.decode()
    assert 'data-testid="count-triage">3<' in agent
    assert "count-quarantine" not in agent
    sales = session_client(ws.member("sales_agent")).get("/desk/").content.decode()
    assert "count-triage" not in sales
    owner = session_client(ws.member("global_admin")).get("/desk/").content.decode()
    assert 'data-testid="count-triage">3<' in owner
    assert 'href="/desk/mail/quarantine/"' in owner and 'data-testid="count-quarantine">0<' in owner


# --- one message ----------------------------------------------------------------------------------


def test_a_triage_message_shows_its_text_files_and_why(ws: Workspace) -> None:
    inbound = stranger_mail(ws, attachments=[("diagram.png", b"\x89PNG....", "image/png")])
    page = session_client(ws.member("helpdesk_agent")).get(f"/desk/mail/triage/{inbound.pk}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Our mail server is down (0)." in text and "quoted history" in text  # all of it
    assert "diagram.png" in text
    assert "not a contact" in text and "Unknown sender" in text
    assert "Not verified by the receiving server." in text


def test_html_in_mail_is_shown_as_text_never_run(ws: Workspace) -> None:
    inbound = stranger_mail(ws, body="<script>alert(1)</script> <b>bold</b>")
    text = (
        session_client(ws.member("helpdesk_agent"))
        .get(f"/desk/mail/triage/{inbound.pk}/")
        .content.decode()
    )
    assert "<script>alert(1)" not in text
    assert "&lt;script&gt;" in text


def test_filing_from_triage_makes_a_ticket_for_the_chosen_customer_and_contact(
    ws: Workspace, ann: Contact
) -> None:
    inbound = stranger_mail(ws, attachments=[("diagram.png", b"\x89PNG....", "image/png")])
    client = session_client(ws.member("helpdesk_agent"))
    chooser = client.get(f"/desk/mail/triage/{inbound.pk}/", {"customer": ann.customer_id})
    assert "Ann Example" in chooser.content.decode()

    response = client.post(
        f"/desk/mail/triage/{inbound.pk}/file/",
        {"customer_id": ann.customer_id, "requester_id": ann.pk},
    )
    inbound.refresh_from_db()
    assert inbound.state == "ticket"
    ticket = Ticket.objects.get(pk=inbound.ticket_id)
    assert response.status_code == 302 and response["Location"] == f"/desk/tickets/{ticket.pk}/"
    assert (ticket.customer_id, ticket.requester_id, ticket.channel) == (
        ann.customer_id,
        ann.pk,
        "email",
    )
    assert ticket.created_by_id == ws.member("helpdesk_agent").pk
    assert [a.filename for a in Attachment.objects.filter(ticket=ticket)] == ["diagram.png"]
    # Sorted: it is gone from triage, and a second press does nothing.
    assert client.get(f"/desk/mail/triage/{inbound.pk}/").status_code == 404
    again = client.post(f"/desk/mail/triage/{inbound.pk}/file/", {"customer_id": ann.customer_id})
    assert again.status_code == 404
    assert Ticket.objects.filter(partner=ws.partner).count() == 1


def test_filing_with_a_contact_of_another_customer_is_refused_next_to_the_field(
    ws: Workspace, other_ws: Workspace, ann: Contact
) -> None:
    inbound = stranger_mail(ws)
    client = session_client(ws.member("helpdesk_agent"))
    wrong_contact = client.post(
        f"/desk/mail/triage/{inbound.pk}/file/",
        {"customer_id": ws.customers["b"].pk, "requester_id": ann.pk},
    )
    assert wrong_contact.status_code == 422
    assert "Choose one of this customer&#x27;s contacts." in wrong_contact.content.decode()
    foreign_customer = client.post(
        f"/desk/mail/triage/{inbound.pk}/file/", {"customer_id": other_ws.customers["a"].pk}
    )
    assert foreign_customer.status_code == 422
    assert "Choose one of the customers." in foreign_customer.content.decode()
    nothing = client.post(f"/desk/mail/triage/{inbound.pk}/file/", {})
    assert nothing.status_code == 422 and "Choose the customer." in nothing.content.decode()
    assert InboundMessage.objects.get(pk=inbound.pk).state == "triage"
    assert Ticket.objects.count() == 0


def test_attaching_a_strangers_mail_adds_an_internal_note(ws: Workspace, ann: Contact) -> None:
    ticket = a_ticket(ws, ann)
    inbound = receive(ws, mail(sender="eve@elsewhere.example", subject=f"[{token_of(ticket)}] x"))
    client = session_client(ws.member("helpdesk_agent"))
    page = client.get(f"/desk/mail/triage/{inbound.pk}/").content.decode()
    assert f'value="{ticket.number}"' in page  # the ticket it answers is suggested

    response = client.post(
        f"/desk/mail/triage/{inbound.pk}/attach/", {"reference": f"PD-{ticket.number}"}
    )
    assert response.status_code == 302
    note = Message.objects.get(ticket=ticket)
    assert note.internal and "eve@elsewhere.example" in note.body
    inbound.refresh_from_db()
    assert (inbound.state, inbound.ticket_message_id) == ("reply", note.pk)


def test_attaching_a_contacts_unverified_mail_makes_it_their_reply(
    ws: Workspace, ann: Contact
) -> None:
    ticket = a_ticket(ws, ann)
    inbound = receive(ws, mail(dmarc="fail", subject=f"Re: [{token_of(ticket)}] VPN"))
    client = session_client(ws.member("helpdesk_agent"))
    client.post(f"/desk/mail/triage/{inbound.pk}/attach/", {"reference": str(ticket.number)})
    reply = Message.objects.get(ticket=ticket)
    assert (reply.internal, reply.author_contact_id, reply.channel) == (False, ann.pk, "email")


def test_attaching_to_a_ticket_that_is_not_there_says_so(
    ws: Workspace, other_ws: Workspace, ann: Contact
) -> None:
    theirs = a_ticket(
        other_ws,
        Contact.objects.create(
            partner=other_ws.partner,
            customer=other_ws.customers["a"],
            name="O",
            email="o@alpen.example",
            created_at=other_ws.partner.created_at,
        ),
    )
    inbound = stranger_mail(ws)
    client = session_client(ws.member("helpdesk_agent"))
    for reference in ("99999", "hello"):
        response = client.post(f"/desk/mail/triage/{inbound.pk}/attach/", {"reference": reference})
        assert response.status_code == 422
    # Another workspace's ticket number means nothing here (unless this desk has one too).
    client.post(f"/desk/mail/triage/{inbound.pk}/attach/", {"reference": str(theirs.number + 50)})
    assert Message.objects.filter(ticket=theirs).count() == 0
    assert InboundMessage.objects.get(pk=inbound.pk).state == "triage"


def test_discarding_keeps_the_mail_as_ignored(ws: Workspace) -> None:
    inbound = stranger_mail(ws)
    response = session_client(ws.member("helpdesk_agent")).post(
        f"/desk/mail/triage/{inbound.pk}/discard/"
    )
    assert response.status_code == 302 and response["Location"] == "/desk/mail/triage/"
    inbound.refresh_from_db()
    assert (inbound.state, inbound.reason) == ("ignored", "discarded")


def test_foreign_and_sorted_messages_do_not_exist_on_the_triage_pages(
    ws: Workspace, other_ws: Workspace, ann: Contact
) -> None:
    theirs = stranger_mail(other_ws)
    filed = receive(ws, mail())  # ann's: a ticket, never in triage
    client = session_client(ws.member("global_admin"))
    for inbound in (theirs, filed):
        for suffix in ("", "raw/"):
            assert client.get(f"/desk/mail/triage/{inbound.pk}/{suffix}").status_code == 404
        assert client.post(f"/desk/mail/triage/{inbound.pk}/discard/").status_code == 404
    assert InboundMessage.objects.get(pk=theirs.pk).state == "triage"


# --- quarantine -----------------------------------------------------------------------------------


def held(ws: Workspace, settings: Any, **kwargs: Any) -> InboundMessage:
    settings.PARTNERDESK_MAIL_MAX_BYTES = 500
    inbound = receive(ws, mail(body="x" * 2000, **kwargs))
    settings.PARTNERDESK_MAIL_MAX_BYTES = 25 * 2**20
    assert inbound.state == "quarantined"
    return inbound


def test_the_partner_owner_sees_the_quarantine_and_downloads_the_raw_message(
    ws: Workspace, settings: Any
) -> None:
    inbound = held(ws, settings)
    client = session_client(ws.member("global_admin"))
    text = client.get("/desk/mail/quarantine/").content.decode()
    assert "too_large" in text and "Printer offline" in text
    page = client.get(f"/desk/mail/quarantine/{inbound.pk}/").content.decode()
    assert "too_large" in page
    raw = client.get(f"/desk/mail/quarantine/{inbound.pk}/raw/")
    assert raw["Content-Type"] == "message/rfc822"
    assert raw["Content-Disposition"].startswith("attachment;")
    assert raw.content == intake.read_raw(inbound)


@pytest.mark.parametrize("person", ["admin_agent", "helpdesk_agent", "sales_agent"])
def test_only_the_partner_owner_looks_after_the_quarantine(
    ws: Workspace, settings: Any, person: str
) -> None:
    inbound = held(ws, settings)
    client = session_client(ws.member(person))
    assert client.get("/desk/mail/quarantine/").status_code == 403
    assert client.get(f"/desk/mail/quarantine/{inbound.pk}/raw/").status_code == 403
    assert client.post(f"/desk/mail/quarantine/{inbound.pk}/reprocess/").status_code == 403
    assert InboundMessage.objects.get(pk=inbound.pk).state == "quarantined"


def test_reprocessing_after_the_limit_was_raised_files_it(
    ws: Workspace, ann: Contact, settings: Any
) -> None:
    inbound = held(ws, settings)
    response = session_client(ws.member("global_admin")).post(
        f"/desk/mail/quarantine/{inbound.pk}/reprocess/"
    )
    assert response.status_code == 302
    inbound.refresh_from_db()
    assert inbound.state == "ticket"


def test_discarding_from_quarantine_keeps_the_bytes_and_the_reason(
    ws: Workspace, settings: Any
) -> None:
    inbound = held(ws, settings)
    session_client(ws.member("global_admin")).post(f"/desk/mail/quarantine/{inbound.pk}/discard/")
    inbound.refresh_from_db()
    assert (inbound.state, inbound.reason) == ("ignored", "discarded")
    assert "too_large" in inbound.detail
    assert intake.read_raw(inbound)


# --- the original message -------------------------------------------------------------------------


def test_the_ticket_links_to_its_original_mail_with_the_untrimmed_text(
    ws: Workspace, ann: Contact
) -> None:
    inbound = receive(ws, mail(body="New laptop please.\n\n--\nAnn\nContoso Ltd, 1 Street"))
    client = session_client(ws.member("helpdesk_agent"))
    ticket_page = client.get(f"/desk/tickets/{inbound.ticket_id}/").content.decode()
    assert f'href="/desk/mail/tickets/{inbound.ticket_id}/"' in ticket_page
    listing = client.get(f"/desk/mail/tickets/{inbound.ticket_id}/").content.decode()
    assert f"/desk/mail/messages/{inbound.pk}/" in listing
    original = client.get(f"/desk/mail/messages/{inbound.pk}/").content.decode()
    assert "New laptop please." in original and "Contoso Ltd, 1 Street" in original
    raw = client.get(f"/desk/mail/messages/{inbound.pk}/raw/")
    assert raw.content == intake.read_raw(inbound)


def test_a_mailed_reply_on_a_portal_ticket_links_to_its_original(
    ws: Workspace, ann: Contact
) -> None:
    ticket = a_ticket(ws, ann)
    reply = receive(
        ws, mail(subject=f"Re: [{token_of(ticket)}] VPN", body="Still down.\n\n--\nAnn")
    )
    assert reply.state == "reply"
    page = session_client(ws.member("helpdesk_agent")).get(f"/desk/tickets/{ticket.pk}/")
    assert 'data-testid="message-original"' in page.content.decode()
    assert f'href="/desk/mail/tickets/{ticket.pk}/"' in page.content.decode()


def test_the_original_is_hidden_from_whoever_does_not_see_the_ticket(
    ws: Workspace, other_ws: Workspace, ann: Contact
) -> None:
    inbound = receive(ws, mail())  # a ticket of customer a
    Ticket.objects.filter(pk=inbound.ticket_id).update(customer=ws.customers["b"])
    Contact.objects.filter(pk=ann.pk).update(customer=ws.customers["b"])
    url = f"/desk/mail/messages/{inbound.pk}/"
    assert session_client(ws.member("limited_agent")).get(url).status_code == 404
    assert session_client(ws.member("contact")).get(url).status_code == 404
    assert session_client(other_ws.member("global_admin")).get(url).status_code == 404
    assert session_client(ws.member("sales_agent")).get(url).status_code == 200


def test_an_auto_reply_kept_as_a_note_is_original_only_for_readers_of_notes(
    ws: Workspace, ann: Contact
) -> None:
    ticket = a_ticket(ws, ann)
    inbound = receive(
        ws,
        mail(subject=f"[{token_of(ticket)}] OOO", headers={"Auto-Submitted": "auto-replied"}),
    )
    url = f"/desk/mail/messages/{inbound.pk}/"
    assert session_client(ws.member("helpdesk_agent")).get(url).status_code == 200
    assert session_client(ws.member("sales_agent")).get(url).status_code == 404


def test_the_settings_menu_leads_the_partner_owner_to_the_quarantine(ws: Workspace) -> None:
    owner = session_client(ws.member("global_admin")).get("/settings/").content.decode()
    agent = session_client(ws.member("helpdesk_agent")).get("/settings/").content.decode()
    assert 'href="/desk/mail/quarantine/"' in owner
    assert 'href="/desk/mail/quarantine/"' not in agent
