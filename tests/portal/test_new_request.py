"""Filing a request from the portal: the form, attachments, bad input, and double submits."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from partnerdesk.customers.models import Contact
from partnerdesk.tickets.models import Attachment, Ticket
from tests.accounts.helpers import Browser, text_of
from tests.kit import Workspace, session_client

from .conftest import filed_for, text_file

pytestmark = pytest.mark.django_db

GOOD = {
    "subject": "Teams-Anrufe brechen ab",
    "description": "Seit Montag brechen alle Anrufe nach 30 Sekunden ab.",
    "severity": "B",
    "category": "connectivity",
    "service": "teams",
}


def token_of(page: Any) -> str:
    match = re.search(r'name="form_token" value="([0-9a-f]+)"', page.content.decode())
    assert match, "the form carries no one-time token"
    return match.group(1)


def open_form(client: Client) -> str:
    page = client.get("/portal/new/")
    assert page.status_code == 200
    return token_of(page)


def test_the_form_explains_the_severities_and_offers_topics_and_services(
    ws: Workspace, contacts: dict[str, Contact]
) -> None:
    page = session_client(ws.member("contact")).get("/portal/new/")
    text = text_of(page)
    assert "A: critical" in text and "production down" in text
    assert "Moderate loss or degradation of services" in text
    assert "Minimal loss or degradation" in text
    assert re.search(r'value="C"[^>]*checked', page.content.decode())  # C unless chosen
    assert "How-to questions and FAQ" in text and "Billing dispute" in text
    assert "Microsoft 365: Exchange Online" in text and "Not sure, or none" in text
    assert 'enctype="multipart/form-data"' in page.content.decode()


def test_a_contact_files_a_request_with_files(ws: Workspace, contacts: dict[str, Contact]) -> None:
    browser = Browser()
    browser.client = session_client(ws.member("contact"))
    browser.client.handler.enforce_csrf_checks = True
    page = browser.get("/portal/new/")
    response = browser.client.post(
        "/portal/new/",
        {
            **GOOD,
            "form_token": token_of(page),
            "csrfmiddlewaretoken": browser.client.cookies["partnerdesk_csrftoken"].value,
            "attachments": [text_file("fehler.txt"), text_file("log.csv", b"a,b\n1,2\n")],
        },
    )
    assert response.status_code == 302
    ticket = Ticket.objects.get(subject=GOOD["subject"])
    assert response["Location"] == f"/portal/tickets/{ticket.pk}/"
    assert ticket.requester == contacts["contact"]
    assert ticket.customer_id == ws.customers["a"].pk
    assert (ticket.channel, ticket.severity, ticket.category) == ("portal", "B", "connectivity")
    assert ticket.service_id == "teams"
    files = Attachment.objects.filter(ticket=ticket)
    assert sorted(files.values_list("filename", flat=True)) == ["fehler.txt", "log.csv"]
    assert not files.filter(internal=True).exists()
    shown = browser.client.get(response["Location"])
    reference = f"{ws.partner.ticket_prefix}-{ticket.number}"
    assert f"Your request {reference} is filed" in text_of(shown)
    assert "fehler.txt" in text_of(shown) and "log.csv" in text_of(shown)
    download = browser.client.get(f"/api/v1/attachments/{files.first().pk}/download")  # type: ignore[union-attr]
    assert download.status_code == 200


def test_severity_c_is_the_default_when_none_is_chosen_in_the_form(
    ws: Workspace, contacts: dict[str, Contact]
) -> None:
    client = session_client(ws.member("contact"))
    data = {**GOOD, "form_token": open_form(client), "service": ""}
    del data["severity"]
    response = client.post("/portal/new/", data)
    # The radio is pre-checked on C, so a browser always sends one; without it the form asks.
    assert response.status_code == 422
    assert "This field is required." in text_of(response)
    data["severity"] = "C"
    assert client.post("/portal/new/", data).status_code == 302
    ticket = Ticket.objects.get(subject=GOOD["subject"])
    assert ticket.severity == "C" and ticket.service is None


def test_bad_input_keeps_what_was_typed_and_names_the_fields(
    ws: Workspace, contacts: dict[str, Contact]
) -> None:
    client = session_client(ws.member("contact"))
    token = open_form(client)
    response = client.post(
        "/portal/new/",
        {**GOOD, "subject": "", "category": "", "severity": "Z", "form_token": token},
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "Seit Montag brechen alle Anrufe nach 30 Sekunden ab." in page
    assert "Please check the fields marked below." in page
    assert page.count("This field is required.") == 2  # subject and topic
    assert "Select a valid choice." in page  # the severity
    assert token_of(response) == token  # the same form may still be sent once
    assert not Ticket.objects.exists()


def test_a_refused_file_files_nothing_and_says_why(
    ws: Workspace, contacts: dict[str, Contact]
) -> None:
    client = session_client(ws.member("contact"))
    response = client.post(
        "/portal/new/",
        {
            **GOOD,
            "form_token": open_form(client),
            "attachments": [text_file("ok.txt"), text_file("setup.exe", b"MZ")],
        },
    )
    assert response.status_code == 422
    text = text_of(response)
    assert "setup.exe: Files of this type are not accepted." in text
    assert "Please choose them again" in text
    assert GOOD["description"] in text
    assert not Ticket.objects.exists() and not Attachment.objects.exists()


def test_an_empty_file_is_refused(ws: Workspace, contacts: dict[str, Contact]) -> None:
    client = session_client(ws.member("contact"))
    response = client.post(
        "/portal/new/",
        {**GOOD, "form_token": open_form(client), "attachments": [text_file("leer.txt", b"")]},
    )
    assert response.status_code == 422
    assert not Ticket.objects.exists()


def test_sending_the_same_form_twice_files_once(
    ws: Workspace, contacts: dict[str, Contact]
) -> None:
    client = session_client(ws.member("contact"))
    data = {**GOOD, "form_token": open_form(client)}
    first = client.post("/portal/new/", data)
    second = client.post("/portal/new/", data)
    assert Ticket.objects.count() == 1
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert "This request was already sent; here it is." in text_of(client.get(second["Location"]))


def test_a_form_without_a_known_token_is_shown_again_not_filed(
    ws: Workspace, contacts: dict[str, Contact]
) -> None:
    client = session_client(ws.member("contact"))
    response = client.post("/portal/new/", {**GOOD, "form_token": "made-up"})
    assert response.status_code == 422
    assert "Check it and send it again." in text_of(response)
    assert GOOD["description"] in text_of(response)
    assert not Ticket.objects.exists()
    assert (
        client.post("/portal/new/", {**GOOD, "form_token": token_of(response)}).status_code == 302
    )
    assert Ticket.objects.count() == 1


def test_a_manager_files_for_itself(ws: Workspace, contacts: dict[str, Contact]) -> None:
    client = session_client(ws.member("manager"))
    client.post("/portal/new/", {**GOOD, "form_token": open_form(client)})
    assert Ticket.objects.get().requester == contacts["manager"]


def test_a_follow_up_to_a_closed_request_starts_from_it(
    ws: Workspace, contacts: dict[str, Contact], other_ws: Workspace
) -> None:
    earlier = filed_for(ws, contacts["contact"], "Drucker druckt nicht")
    client = session_client(ws.member("contact"))
    page = client.get(f"/portal/new/?about={earlier.pk}").content.decode()
    reference = f"{ws.partner.ticket_prefix}-{earlier.number}"
    assert f'value="Follow-up to {reference}: Drucker druckt nicht"' in page
    assert f"This is about {reference}." in page
    colleague = filed_for(ws, contacts["manager"], "Nicht deins")
    assert client.get(f"/portal/new/?about={colleague.pk}").status_code == 404
    foreign = filed_for(other_ws, contacts_of(other_ws)["contact"])
    assert client.get(f"/portal/new/?about={foreign.pk}").status_code == 404


def contacts_of(ws: Workspace) -> dict[str, Contact]:
    from tests.kit import contacts_for

    return contacts_for(ws)


def test_a_copy_sent_while_the_first_is_being_filed_files_nothing(
    ws: Workspace, contacts: dict[str, Contact]
) -> None:
    client = session_client(ws.member("contact"))
    token = open_form(client)
    # The first copy claimed the token and is being filed (as two quick clicks would do).
    session = client.session
    session["portal_form_tokens"] = []
    session["portal_form_tokens_pending"] = [token]
    session.save()
    response = client.post("/portal/new/", {**GOOD, "form_token": token})
    assert response.status_code == 302 and response["Location"] == "/portal/"
    assert not Ticket.objects.exists()
    assert "being sent already" in text_of(client.get("/portal/"))


def test_two_copies_arriving_at_the_same_moment_file_once(
    ws: Workspace, contacts: dict[str, Contact]
) -> None:
    """Each request reads its own copy of the session, so both see the token outstanding;
    the database lets one of them through."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import RequestFactory

    from partnerdesk.portal import form_tokens

    client = session_client(ws.member("contact"))
    token = open_form(client)
    session_key = client.session.session_key
    copies = []
    for _copy in range(2):
        request = RequestFactory().post("/portal/new/")
        request.session = SessionStore(session_key=session_key)
        request.user = ws.member("contact").user
        copies.append(request)
    assert all(form_tokens.is_outstanding(r, token) for r in copies)
    assert form_tokens.claim(copies[0], token) is True
    assert form_tokens.claim(copies[1], token) is None
    # A copy whose session still shows the token outstanding loses the race in the page too:
    # it is sent to the list, where the filed request will show.
    session = client.session
    session["portal_form_tokens"] = [token]
    session["portal_form_tokens_pending"] = []
    session.save()
    response = client.post("/portal/new/", {**GOOD, "form_token": token})
    assert response.status_code == 302 and response["Location"] == "/portal/"
    assert not Ticket.objects.exists()


def test_a_refusal_while_filing_gives_the_token_back(
    ws: Workspace, contacts: dict[str, Contact], monkeypatch: pytest.MonkeyPatch
) -> None:
    from partnerdesk.core.errors import invalid
    from partnerdesk.portal import views

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise invalid("subject", "Too similar to an open request.")

    client = session_client(ws.member("contact"))
    token = open_form(client)
    monkeypatch.setattr(views.actions, "file_ticket", refuse)
    response = client.post("/portal/new/", {**GOOD, "form_token": token})
    assert response.status_code == 422
    assert "Too similar to an open request." in text_of(response)
    assert token_of(response) == token
    monkeypatch.undo()
    assert client.post("/portal/new/", {**GOOD, "form_token": token}).status_code == 302
    assert Ticket.objects.count() == 1


def test_a_login_without_a_contact_is_told_instead_of_given_a_form(ws: Workspace) -> None:
    client = session_client(ws.member("contact"))  # no Contact row links this login
    page = client.get("/portal/new/")
    assert page.status_code == 200
    assert 'data-testid="no-contact"' in page.content.decode()
    assert 'data-testid="new-request-form"' not in page.content.decode()
    refused = client.post("/portal/new/", {**GOOD, "form_token": "x"})
    assert refused.status_code in (403, 422)
    assert not Ticket.objects.exists()
