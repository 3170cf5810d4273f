"""Tickets through the API: filing, the thread, changes, history, tags, watchers, merge."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from partnerdesk.tickets.models import Ticket, TicketEvent
from tests.kit import Workspace, api_client, problem

pytestmark = pytest.mark.django_db


def file(client: Client, ws: Workspace, **fields: Any) -> dict[str, Any]:
    body = {
        "customer_id": str(ws.customers["a"].pk),
        "subject": "E-Mails bleiben im Postausgang",
        "description": "Seit heute früh gehen keine Mails raus.",
        "category": "performance",
        "severity": "B",
        "service": "exchange-online",
        **fields,
    }
    response = client.post("/api/v1/tickets", body, content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()  # type: ignore[no-any-return]


def test_staff_file_a_ticket_with_a_workspace_number(ws: Workspace, contacts: dict) -> None:
    client = api_client(ws.member("helpdesk_agent"))
    first = file(client, ws, requester_id=str(contacts["contact"].pk), tags=["Exchange", "mail"])
    second = file(client, ws)
    assert first["status"] == "new"
    assert first["reference"] == f"PD-{first['number']}"
    assert second["number"] == first["number"] + 1
    assert first["requester"]["email"] == contacts["contact"].email
    assert first["tags"] == ["exchange", "mail"]
    assert first["service"] == "exchange-online"
    assert first["channel"] == "api"


def test_numbers_are_per_workspace(ws: Workspace, other_ws: Workspace) -> None:
    mine = file(api_client(ws.member("helpdesk_agent")), ws)
    theirs = file(api_client(other_ws.member("helpdesk_agent")), other_ws)
    assert mine["number"] == theirs["number"] == 1001


def test_a_contact_files_for_themselves_only(ws: Workspace, contacts: dict) -> None:
    client = api_client(ws.member("contact"))
    ticket = file(client, ws, requester_id=str(contacts["manager"].pk))
    assert ticket["requester"]["id"] == str(contacts["contact"].pk)
    response = client.post(
        "/api/v1/tickets",
        {
            "customer_id": str(ws.customers["b"].pk),
            "subject": "x",
            "category": "how_to",
            "severity": "C",
        },
        content_type="application/json",
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("severity", "D", "invalid"),
        ("category", "gossip", "invalid"),
        ("service", "nope", "invalid"),
        ("channel", "pigeon", "invalid"),
        ("subject", "", "string_too_short"),
    ],
)
def test_bad_ticket_input_names_the_field(ws: Workspace, field: str, value: str, code: str) -> None:
    response = api_client(ws.member("helpdesk_agent")).post(
        "/api/v1/tickets",
        {
            "customer_id": str(ws.customers["a"].pk),
            "subject": "s",
            "category": "how_to",
            "severity": "C",
            field: value,
        },
        content_type="application/json",
    )
    assert response.status_code == 422, response.content
    assert problem(response)["errors"][0]["field"] == field
    assert not Ticket.objects.filter(partner=ws.partner).exists()


def test_severity_definitions_are_published(ws: Workspace) -> None:
    rows = api_client(ws.member("contact")).get("/api/v1/severities").json()
    assert [r["code"] for r in rows] == ["A", "B", "C"]
    assert "production down" in rows[0]["impact"]
    document = Client().get("/api/v1/openapi.json").json()
    text = str(document["components"]["schemas"]["TicketIn"])
    assert "production down" in text


def test_a_double_submit_with_one_key_files_one_ticket(ws: Workspace) -> None:
    client = api_client(ws.member("helpdesk_agent"))
    body = {
        "customer_id": str(ws.customers["a"].pk),
        "subject": "s",
        "category": "how_to",
        "severity": "C",
    }
    first = client.post(
        "/api/v1/tickets", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="once"
    )
    again = client.post(
        "/api/v1/tickets", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="once"
    )
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert Ticket.objects.filter(partner=ws.partner).count() == 1


# --- the thread --------------------------------------------------------------------------------


def test_contacts_never_see_internal_notes(ws: Workspace, contacts: dict) -> None:
    agent = api_client(ws.member("helpdesk_agent"))
    ticket = file(agent, ws, requester_id=str(contacts["contact"].pk))
    path = f"/api/v1/tickets/{ticket['id']}"
    agent.post(
        f"{path}/messages", {"body": "Wir schauen uns das an."}, content_type="application/json"
    )
    agent.post(
        f"{path}/messages",
        {"body": "Kunde hat kein MFA, intern", "internal": True},
        content_type="application/json",
    )
    for person in ("contact", "manager"):
        client = api_client(ws.member(person))
        thread = client.get(f"{path}/messages").json()["items"]
        assert [m["body"] for m in thread] == ["Wir schauen uns das an."]
        history = client.get(f"{path}/history").json()["items"]
        assert "noted" not in {e["kind"] for e in history}
        assert "intern" not in str(history)
    staff_thread = agent.get(f"{path}/messages").json()["items"]
    assert [m["internal"] for m in staff_thread] == [False, True]


def test_contacts_cannot_write_internal_notes(ws: Workspace, contacts: dict) -> None:
    ticket = file(api_client(ws.member("contact")), ws)
    response = api_client(ws.member("contact")).post(
        f"/api/v1/tickets/{ticket['id']}/messages",
        {"body": "x", "internal": True},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_a_customer_reply_reopens_a_resolved_ticket(ws: Workspace, contacts: dict) -> None:
    agent = api_client(ws.member("helpdesk_agent"))
    ticket = file(agent, ws, requester_id=str(contacts["contact"].pk))
    path = f"/api/v1/tickets/{ticket['id']}"
    assert (
        agent.patch(path, {"status": "resolved"}, content_type="application/json").json()["status"]
        == "resolved"
    )
    reply = api_client(ws.member("contact")).post(
        f"{path}/messages", {"body": "Geht leider wieder nicht."}, content_type="application/json"
    )
    assert reply.json()["ticket_status"] == "open"
    kinds = [e["kind"] for e in agent.get(f"{path}/history").json()["items"]]
    assert kinds[-2:] == ["replied", "reopened"]


def test_staffs_first_public_reply_opens_a_new_ticket(ws: Workspace) -> None:
    agent = api_client(ws.member("helpdesk_agent"))
    ticket = file(agent, ws)
    path = f"/api/v1/tickets/{ticket['id']}/messages"
    note = agent.post(path, {"body": "intern", "internal": True}, content_type="application/json")
    assert note.json()["ticket_status"] == "new"
    answer = agent.post(path, {"body": "Hallo"}, content_type="application/json")
    assert answer.json()["ticket_status"] == "open"


def test_closed_tickets_take_no_replies(ws: Workspace) -> None:
    agent = api_client(ws.member("helpdesk_agent"))
    ticket = file(agent, ws)
    agent.patch(
        f"/api/v1/tickets/{ticket['id']}", {"status": "closed"}, content_type="application/json"
    )
    response = agent.post(
        f"/api/v1/tickets/{ticket['id']}/messages", {"body": "x"}, content_type="application/json"
    )
    assert response.status_code == 409
    assert problem(response)["code"] == "ticket_closed"


# --- changes and the state machine ---------------------------------------------------------


def test_transitions_follow_the_state_machine(ws: Workspace) -> None:
    agent = api_client(ws.member("helpdesk_agent"))
    path = f"/api/v1/tickets/{file(agent, ws)['id']}"
    for status in (
        "open",
        "pending_customer",
        "pending_vendor",
        "on_hold",
        "resolved",
        "open",
        "resolved",
        "closed",
    ):
        response = agent.patch(path, {"status": status}, content_type="application/json")
        assert response.status_code == 200, (status, response.content)
        assert response.json()["status"] == status
    refused = agent.patch(path, {"status": "open"}, content_type="application/json")
    assert refused.status_code == 409
    assert problem(refused)["code"] == "invalid_transition"
    unknown = agent.patch(path, {"status": "exploded"}, content_type="application/json")
    assert unknown.status_code == 422


def test_resolved_cannot_go_back_to_pending(ws: Workspace) -> None:
    agent = api_client(ws.member("helpdesk_agent"))
    path = f"/api/v1/tickets/{file(agent, ws)['id']}"
    agent.patch(path, {"status": "resolved"}, content_type="application/json")
    response = agent.patch(path, {"status": "pending_vendor"}, content_type="application/json")
    assert response.status_code == 409
    assert sorted(problem(response)["allowed"]) == ["closed", "open"]


def test_assign_change_severity_and_see_the_history(ws: Workspace) -> None:
    agent = api_client(ws.member("helpdesk_agent"))
    ticket = file(agent, ws)
    path = f"/api/v1/tickets/{ticket['id']}"
    assignee = ws.member("admin_agent")
    body = {
        "assignee_id": str(assignee.pk),
        "severity": "A",
        "category": "configuration",
        "service": "teams",
    }
    changed = agent.patch(path, body, content_type="application/json").json()
    assert changed["assignee"]["id"] == str(assignee.pk)
    assert (changed["severity"], changed["category"], changed["service"]) == (
        "A",
        "configuration",
        "teams",
    )
    unassigned = agent.patch(path, {"assignee_id": None}, content_type="application/json")
    assert unassigned.json()["assignee"] is None
    history = agent.get(f"{path}/history").json()["items"]
    kinds = [e["kind"] for e in history]
    assert kinds[0] == "created" and "severity" in kinds and kinds.count("assigned") == 2
    assert history[1]["actor"] == ws.member("helpdesk_agent").user.full_name


def test_assignees_must_be_staff_of_the_workspace_who_work_tickets(
    ws: Workspace, other_ws: Workspace
) -> None:
    agent = api_client(ws.member("helpdesk_agent"))
    path = f"/api/v1/tickets/{file(agent, ws, customer_id=str(ws.customers['b'].pk))['id']}"
    for member, status in (
        (other_ws.member("helpdesk_agent"), 404),
        (ws.member("contact"), 404),
        (ws.member("sales_agent"), 422),
        (ws.member("limited_agent"), 422),  # limited to customer a; this is b's ticket
    ):
        response = agent.patch(
            path, {"assignee_id": str(member.pk)}, content_type="application/json"
        )
        assert response.status_code == status, (member, response.content)


def test_sales_agents_read_but_do_not_write(ws: Workspace) -> None:
    ticket = file(api_client(ws.member("helpdesk_agent")), ws)
    sales = api_client(ws.member("sales_agent"))
    path = f"/api/v1/tickets/{ticket['id']}"
    assert sales.get(path).status_code == 200
    assert sales.patch(path, {"status": "open"}, content_type="application/json").status_code == 403
    assert (
        sales.post(f"{path}/messages", {"body": "x"}, content_type="application/json").status_code
        == 403
    )
    assert (
        sales.post(f"{path}/tags", {"tags": ["x"]}, content_type="application/json").status_code
        == 403
    )
    body = {
        "customer_id": str(ws.customers["a"].pk),
        "subject": "s",
        "category": "how_to",
        "severity": "C",
    }
    assert sales.post("/api/v1/tickets", body, content_type="application/json").status_code == 403


def test_a_contact_may_close_but_not_change_their_ticket(ws: Workspace, contacts: dict) -> None:
    client = api_client(ws.member("contact"))
    path = f"/api/v1/tickets/{file(client, ws)['id']}"
    assert client.patch(path, {"severity": "A"}, content_type="application/json").status_code == 403
    closed = client.patch(path, {"status": "closed"}, content_type="application/json")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"


# --- tags, watchers, merge -------------------------------------------------------------------


def test_tags_are_added_once_and_removed(ws: Workspace) -> None:
    agent = api_client(ws.member("helpdesk_agent"))
    path = f"/api/v1/tickets/{file(agent, ws)['id']}"
    assert agent.post(
        f"{path}/tags", {"tags": ["VIP", "vip", " mail "]}, content_type="application/json"
    ).json()["tags"] == ["mail", "vip"]
    assert agent.post(f"{path}/tags", {"tags": ["vip"]}, content_type="application/json").json()[
        "tags"
    ] == ["mail", "vip"]
    assert agent.delete(f"{path}/tags/vip").json()["tags"] == ["mail"]
    listed = agent.get("/api/v1/tickets?tag=mail").json()["items"]
    assert [t["id"] for t in listed] == [path.rsplit("/", 1)[1]]
    too_long = agent.post(f"{path}/tags", {"tags": ["x" * 51]}, content_type="application/json")
    assert too_long.status_code == 422


def test_watchers(ws: Workspace) -> None:
    agent = api_client(ws.member("helpdesk_agent"))
    path = f"/api/v1/tickets/{file(agent, ws)['id']}"
    me = str(ws.member("helpdesk_agent").pk)
    assert agent.post(
        f"{path}/watchers", {"membership_id": me}, content_type="application/json"
    ).json()["membership_ids"] == [me]
    assert agent.delete(f"{path}/watchers/{me}").json()["membership_ids"] == []
    # A contact does not learn who watches.
    assert api_client(ws.member("manager")).get(f"{path}/watchers").status_code == 404


def test_merging_a_duplicate_moves_its_thread(ws: Workspace, contacts: dict) -> None:
    agent = api_client(ws.member("helpdesk_agent"))
    original = file(agent, ws, subject="Outlook sendet nicht")
    duplicate = file(agent, ws, subject="Mails hängen", description="Auch bei uns", tags=["dup"])
    agent.post(
        f"/api/v1/tickets/{duplicate['id']}/messages",
        {"body": "Noch was"},
        content_type="application/json",
    )
    merged = agent.post(
        f"/api/v1/tickets/{duplicate['id']}/merge",
        {"into_ticket_id": original["id"]},
        content_type="application/json",
    )
    assert merged.status_code == 200, merged.content
    assert "dup" in merged.json()["tags"]
    dup = agent.get(f"/api/v1/tickets/{duplicate['id']}").json()
    assert dup["status"] == "closed" and dup["merged_into_id"] == original["id"]
    bodies = [
        m["body"] for m in agent.get(f"/api/v1/tickets/{original['id']}/messages").json()["items"]
    ]
    assert "Noch was" in bodies and "Auch bei uns" in bodies
    again = agent.post(
        f"/api/v1/tickets/{duplicate['id']}/merge",
        {"into_ticket_id": original["id"]},
        content_type="application/json",
    )
    assert again.status_code == 409
    assert TicketEvent.objects.filter(kind="merged_from").count() == 1


def test_merge_refuses_other_customers_and_itself(ws: Workspace) -> None:
    agent = api_client(ws.member("helpdesk_agent"))
    a = file(agent, ws)
    b = file(agent, ws, customer_id=str(ws.customers["b"].pk))
    for target in (b["id"], a["id"]):
        response = agent.post(
            f"/api/v1/tickets/{a['id']}/merge",
            {"into_ticket_id": target},
            content_type="application/json",
        )
        assert response.status_code == 422
        assert problem(response)["errors"][0]["field"] == "into_ticket_id"
