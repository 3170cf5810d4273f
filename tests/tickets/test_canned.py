"""Canned replies: placeholders by plain substitution, unknown ones refused when saving, the
team's and one's own, the pages at /desk/canned/, the API, and isolation."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from partnerdesk.core.errors import DomainError
from partnerdesk.demo.canned import DEMO_CANNED_REPLIES, load_canned_replies
from partnerdesk.tickets import actions
from partnerdesk.tickets.canned_text import PlaceholderValues, substitute, unknown_placeholders
from partnerdesk.tickets.models import CannedReply, Ticket
from tests.kit import (
    CUSTOMER_PEOPLE,
    Workspace,
    api_client,
    contacts_for,
    max_queries,
    problem,
    session_client,
)

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}
EVERY_PLACEHOLDER = (
    "Hallo {requester.first_name} ({requester.name}) von {customer.name},\n"
    "zu {ticket.reference} „{ticket.subject}“: …\n"
    "{agent.name}, {workspace.name}, {workspace.support_email}, {workspace.support_phone}"
)


def canned(
    ws: Workspace, person: str = "helpdesk_agent", *, shared: bool = False, **fields: Any
) -> CannedReply:
    return actions.create_canned_reply(
        ws.actor(person),
        title=fields.get("title", "Begrüßung"),
        body=fields.get("body", EVERY_PLACEHOLDER),
        shared=shared,
    )


def ticket_for(ws: Workspace, customer: str = "a") -> Ticket:
    contacts = contacts_for(ws)
    return actions.file_ticket(
        ws.actor("helpdesk_agent"),
        customer=ws.customers[customer],
        requester=contacts["contact" if customer == "a" else "contact_b"],
        subject="Teams ruft nicht an",
        description="",
        category="configuration",
        severity="B",
        channel="phone",
    ).ticket


@pytest.fixture
def workspace_contact(ws: Workspace) -> Workspace:
    ws.partner.support_email = "support@nordwind.example"
    ws.partner.support_phone = "+49 89 1234567"
    ws.partner.ticket_prefix = "NW"
    ws.partner.save()
    return ws


# --- substitution -----------------------------------------------------------------------------


def test_every_placeholder_is_filled_in_for_the_ticket(workspace_contact: Workspace) -> None:
    ws = workspace_contact
    ticket = ticket_for(ws)
    reply = canned(ws)
    response = api_client(ws.member("helpdesk_agent")).get(
        f"/api/v1/tickets/{ticket.pk}/canned-replies/{reply.pk}/render"
    )
    assert response.status_code == 200
    assert response.json()["text"] == (
        f"Hallo Contact (Contact) von {ws.customers['a'].name},\n"
        f"zu NW-{ticket.number} „Teams ruft nicht an“: …\n"
        f"Helpdesk Agent, {ws.partner.name}, support@nordwind.example, +49 89 1234567"
    )


def test_substitution_is_plain_text_never_a_template() -> None:
    values = PlaceholderValues(customer_name="{ticket.subject}", ticket_subject="<b>&</b>")
    body = "{{ 7|add:1 }} {% now 'Y' %} {customer.name} {ticket.subject} {unknown} {} { x }"
    assert substitute(body, values) == (
        "{{ 7|add:1 }} {% now 'Y' %} {ticket.subject} <b>&</b> {unknown} {} { x }"
    )


def test_unknown_placeholders_are_found_once_each() -> None:
    body = 'Hi {customer.nam}, {agent.name} {ticket.id} {customer.nam} {"json": 1}'
    assert unknown_placeholders(body) == ["customer.nam", "ticket.id"]


def test_a_ticket_without_requester_leaves_the_names_empty(ws: Workspace) -> None:
    ticket = actions.file_ticket(
        ws.actor("helpdesk_agent"),
        customer=ws.customers["a"],
        subject="Ohne Ansprechpartner",
        description="",
        category="how_to",
        severity="C",
        channel="phone",
    ).ticket
    reply = canned(ws, body="Hallo {requester.first_name}!")
    response = api_client(ws.member("helpdesk_agent")).get(
        f"/api/v1/tickets/{ticket.pk}/canned-replies/{reply.pk}/render"
    )
    assert response.json()["text"] == "Hallo !"


# --- saving -----------------------------------------------------------------------------------


def test_an_unknown_placeholder_is_refused_naming_it(ws: Workspace) -> None:
    client = api_client(ws.member("helpdesk_agent"))
    response = client.post(
        "/api/v1/canned-replies",
        {"title": "Falsch", "body": "Hallo {customer.nam} und {kunde}"},
        content_type="application/json",
    )
    assert response.status_code == 422
    error = problem(response)["errors"][0]
    assert error["field"] == "body" and error["code"] == "unknown_placeholder"
    assert "{customer.nam}, {kunde}" in error["message"]
    assert "{customer.name}" in error["message"]  # and says what is allowed
    assert not CannedReply.objects.exists()


def test_an_unknown_placeholder_is_refused_on_the_page_beside_the_text(ws: Workspace) -> None:
    client = session_client(ws.member("helpdesk_agent"))
    response = client.post("/desk/canned/new/", {"title": "Falsch", "body": "Hallo {kunde.name}"})
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="body-errors"' in html and "Unknown placeholder {kunde.name}" in html
    assert "Hallo {kunde.name}" in html  # what was typed is kept
    assert not CannedReply.objects.exists()
    reply = canned(ws)  # and the API's PATCH the same way
    response = api_client(ws.member("helpdesk_agent")).patch(
        f"/api/v1/canned-replies/{reply.pk}",
        {"body": "{oops}"},
        content_type="application/json",
    )
    assert response.status_code == 422
    reply.refresh_from_db()
    assert reply.body == EVERY_PLACEHOLDER


def test_titles_are_unique_per_owner(ws: Workspace) -> None:
    canned(ws, title="Begrüßung")
    with pytest.raises(DomainError) as refused:
        canned(ws, title="begrüßung")
    assert refused.value.errors[0].field == "title"
    canned(ws, "admin_agent", title="Begrüßung")  # someone else's own: fine
    canned(ws, "admin_agent", title="Begrüßung", shared=True)  # the team's: fine once
    with pytest.raises(DomainError):
        canned(ws, "global_admin", title="Begrüßung", shared=True)
    assert CannedReply.objects.count() == 3


def test_sharing_needs_tickets_manage(ws: Workspace) -> None:
    actor = ws.actor("helpdesk_agent")
    replier = dataclasses.replace(actor, permissions=actor.permissions - {"tickets.manage"})
    with pytest.raises(DomainError) as refused:
        actions.create_canned_reply(replier, title="Team", body="Hallo", shared=True)
    assert refused.value.status == 403
    own = actions.create_canned_reply(replier, title="Meins", body="Hallo", shared=False)
    with pytest.raises(DomainError):
        actions.update_canned_reply(replier, canned=own, changes=actions.CannedChanges(shared=True))
    team = canned(ws, "admin_agent", shared=True)
    with pytest.raises(DomainError):
        actions.update_canned_reply(replier, canned=team, changes=actions.CannedChanges(body="x"))
    with pytest.raises(DomainError):
        actions.delete_canned_reply(replier, canned=team)
    assert CannedReply.objects.count() == 2


# --- the team's and one's own -----------------------------------------------------------------


def test_another_persons_own_canned_reply_is_404(ws: Workspace) -> None:
    theirs = canned(ws, "admin_agent", title="Admins Vorlage")
    team = canned(ws, "admin_agent", title="Team-Vorlage", shared=True)
    client = api_client(ws.member("helpdesk_agent"))
    titles = [c["title"] for c in client.get("/api/v1/canned-replies").json()["items"]]
    assert titles == ["Team-Vorlage"]
    path = f"/api/v1/canned-replies/{theirs.pk}"
    assert client.get(path).status_code == 404
    patch = client.patch(path, {"title": "Meins"}, content_type="application/json")
    assert patch.status_code == 404
    assert client.delete(path).status_code == 404
    ticket = ticket_for(ws)
    rendered = f"/api/v1/tickets/{ticket.pk}/canned-replies/{theirs.pk}/render"
    assert client.get(rendered).status_code == 404
    pages = session_client(ws.member("helpdesk_agent"))
    assert pages.get(f"/desk/canned/{theirs.pk}/").status_code == 404
    assert pages.post(f"/desk/canned/{theirs.pk}/delete/").status_code == 404
    assert pages.get(f"/desk/canned/{team.pk}/").status_code == 200
    theirs.refresh_from_db()
    assert theirs.title == "Admins Vorlage"


def test_the_api_lists_creates_changes_and_deletes(ws: Workspace) -> None:
    client = api_client(ws.member("helpdesk_agent"))
    created = client.post(
        "/api/v1/canned-replies",
        {"title": "Rückruf", "body": "Wir rufen Sie an, {requester.first_name}.", "shared": True},
        content_type="application/json",
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["shared"], body["mine"]) == (True, False)
    path = f"/api/v1/canned-replies/{body['id']}"
    changed = client.patch(path, {"shared": False}, content_type="application/json")
    assert (changed.json()["shared"], changed.json()["mine"]) == (False, True)
    assert [c["id"] for c in client.get("/api/v1/canned-replies").json()["items"]] == [body["id"]]
    assert client.delete(path).status_code == 204
    assert not CannedReply.objects.exists()


@pytest.mark.parametrize("person", [*CUSTOMER_PEOPLE, "sales_agent", "billing_admin"])
def test_people_who_do_not_reply_have_no_canned_replies(ws: Workspace, person: str) -> None:
    team = canned(ws, "admin_agent", shared=True)
    client = api_client(ws.member(person))
    assert client.get("/api/v1/canned-replies").status_code == 403
    assert client.get(f"/api/v1/canned-replies/{team.pk}").status_code == 404
    created = client.post(
        "/api/v1/canned-replies", {"title": "x", "body": "x"}, content_type="application/json"
    )
    assert created.status_code == 403
    pages = session_client(ws.member(person))
    expected = 404 if person in CUSTOMER_PEOPLE else 403  # the console does not exist for them
    assert pages.get("/desk/canned/").status_code == expected
    assert pages.post("/desk/canned/new/", {"title": "x", "body": "x"}).status_code == expected
    assert CannedReply.objects.count() == 1


def test_another_workspaces_canned_replies_do_not_exist(ws: Workspace, other_ws: Workspace) -> None:
    foreign = canned(other_ws, "admin_agent", shared=True, title="Fremd")
    ticket = ticket_for(ws)
    client = api_client(ws.member("global_admin"))
    assert "Fremd" not in client.get("/api/v1/canned-replies").content.decode()
    for call in (
        lambda: client.get(f"/api/v1/canned-replies/{foreign.pk}"),
        lambda: client.patch(
            f"/api/v1/canned-replies/{foreign.pk}", {"title": "x"}, content_type="application/json"
        ),
        lambda: client.delete(f"/api/v1/canned-replies/{foreign.pk}"),
        lambda: client.get(f"/api/v1/tickets/{ticket.pk}/canned-replies/{foreign.pk}/render"),
    ):
        assert call().status_code == 404
    pages = session_client(ws.member("global_admin"))
    assert pages.get(f"/desk/canned/{foreign.pk}/").status_code == 404
    assert pages.post(f"/desk/canned/{foreign.pk}/", {"title": "x", "body": "x"}).status_code == 404
    assert pages.post(f"/desk/canned/{foreign.pk}/delete/").status_code == 404
    assert (
        pages.get(f"/desk/tickets/{ticket.pk}/canned-text/", {"canned": foreign.pk}, **HX)
    ).status_code == 404
    assert "Fremd" not in pages.get("/desk/canned/").content.decode()
    foreign.refresh_from_db()
    assert foreign.title == "Fremd"


# --- on the ticket page -----------------------------------------------------------------------


def test_the_picker_lists_the_team_and_mine_and_inserts_the_filled_in_text(
    ws: Workspace,
) -> None:
    ticket = ticket_for(ws)
    mine = canned(ws, title="Meine", body="Hallo {requester.first_name}, {agent.name}")
    canned(ws, "admin_agent", title="Team", shared=True, body="Team")
    canned(ws, "admin_agent", title="Nur Admin", body="Admin")
    client = session_client(ws.member("helpdesk_agent"))
    page = client.get(f"/desk/tickets/{ticket.pk}/").content.decode()
    assert 'data-testid="canned-picker"' in page
    assert "Meine (mine)" in page and ">Team</option>" in page and "Nur Admin" not in page
    response = client.get(f"/desk/tickets/{ticket.pk}/canned-text/", {"canned": mine.pk}, **HX)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode() == "Hallo Contact, Helpdesk Agent"
    # Inserted, not sent.
    assert not ticket.messages.exists()


def test_without_javascript_the_text_waits_in_the_reply_box(ws: Workspace) -> None:
    ticket = ticket_for(ws)
    mine = canned(ws, body="Hallo {requester.first_name} & <Team>")
    client = session_client(ws.member("helpdesk_agent"))
    response = client.get(f"/desk/tickets/{ticket.pk}/canned-text/", {"canned": mine.pk})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert ">Hallo Contact &amp; &lt;Team&gt;</textarea>" in page  # escaped once, as text


# --- the library pages ------------------------------------------------------------------------


def test_the_library_pages_create_change_and_delete(ws: Workspace) -> None:
    client = session_client(ws.member("helpdesk_agent"))
    new = client.get("/desk/canned/new/").content.decode()
    assert "{workspace.support_phone}" in new  # the placeholders are explained
    response = client.post(
        "/desk/canned/new/", {"title": "Rückruf", "body": "Hallo {requester.name}", "shared": "on"}
    )
    assert response.status_code == 302 and response["Location"] == "/desk/canned/"
    reply = CannedReply.objects.get()
    assert reply.owner_id is None  # a helpdesk agent has tickets.manage: shared
    listing = client.get("/desk/canned/").content.decode()
    assert "Rückruf" in listing and f"/desk/canned/{reply.pk}/delete/" in listing
    response = client.post(f"/desk/canned/{reply.pk}/", {"title": "Rückruf!", "body": "Neu"})
    assert response.status_code == 302
    reply.refresh_from_db()
    assert (reply.title, reply.body, reply.owner_id) == (
        "Rückruf!",
        "Neu",
        ws.member("helpdesk_agent").pk,  # the box unticked: it became mine
    )
    assert "Delete “Rückruf!”?" in client.get(f"/desk/canned/{reply.pk}/delete/").content.decode()
    assert client.post(f"/desk/canned/{reply.pk}/delete/").status_code == 302
    assert not CannedReply.objects.exists()


def test_a_duplicate_title_is_shown_beside_the_title(ws: Workspace) -> None:
    canned(ws, title="Rückruf")
    client = session_client(ws.member("helpdesk_agent"))
    response = client.post("/desk/canned/new/", {"title": "Rückruf", "body": "Noch einmal"})
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="title-errors"' in html and "You already have a canned reply" in html


def test_the_demo_gets_shared_canned_replies_through_the_actions(ws: Workspace) -> None:
    load_canned_replies(ws.system())
    team = CannedReply.objects.filter(partner=ws.partner, owner__isnull=True)
    assert sorted(team.values_list("title", flat=True)) == sorted(
        title for title, _body in DEMO_CANNED_REPLIES
    )
    client = api_client(ws.member("helpdesk_agent"))
    assert len(client.get("/api/v1/canned-replies").json()["items"]) == len(DEMO_CANNED_REPLIES)


def test_api_problem_names_the_field_on_a_missing_title(ws: Workspace) -> None:
    response = api_client(ws.member("helpdesk_agent")).post(
        "/api/v1/canned-replies",
        json.dumps({"title": "  ", "body": "x"}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert problem(response)["errors"][0]["field"] == "title"


def test_the_lists_cost_the_same_for_few_and_many_canned_replies(ws: Workspace) -> None:
    api = api_client(ws.member("helpdesk_agent"))
    pages = session_client(ws.member("helpdesk_agent"))
    ticket = ticket_for(ws)

    def queries(client: Any, path: str) -> int:
        client.get(path)
        with max_queries(30) as captured:
            assert client.get(path).status_code == 200
        return len(captured.captured_queries)

    paths = [
        (api, "/api/v1/canned-replies?limit=200"),
        (pages, "/desk/canned/"),
        (pages, f"/desk/tickets/{ticket.pk}/"),
    ]
    canned(ws, title="Eins")
    canned(ws, "admin_agent", title="Zwei", shared=True)
    few = [queries(client, path) for client, path in paths]
    for i in range(20):
        canned(ws, title=f"Meine {i}")
        canned(ws, "admin_agent", title=f"Team {i}", shared=True)
    assert [queries(client, path) for client, path in paths] == few
