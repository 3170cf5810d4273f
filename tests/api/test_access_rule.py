"""The 404/403 rule: outside visibility is 404, visible but not allowed is 403, and 401 first."""

from __future__ import annotations

import pytest
from django.test import Client

from partnerdesk.accounts.models import Membership
from tests.kit import CUSTOMER_PEOPLE, STAFF, Workspace, api_client, problem, session_client

pytestmark = pytest.mark.django_db


def test_anonymous_gets_401_with_a_hint(ws: Workspace) -> None:
    response = Client().get("/api/v1/workspace")
    assert response.status_code == 401
    assert problem(response)["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_wrong_token_gets_401(ws: Workspace) -> None:
    response = Client(HTTP_AUTHORIZATION="Bearer pd_nonsense").get("/api/v1/me")
    assert response.status_code == 401
    assert problem(response)["code"] == "invalid_token"


@pytest.mark.parametrize("person", [p for p in STAFF if p != "global_admin"])
def test_staff_without_the_permission_get_403(ws: Workspace, person: str) -> None:
    target = ws.member("helpdesk_agent") if person != "helpdesk_agent" else ws.member("sales_agent")
    response = api_client(ws.member(person)).patch(
        f"/api/v1/staff/{target.pk}", {"role": "billing_admin"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert problem(response)["code"] == "forbidden"
    target.refresh_from_db()
    assert target.role != "billing_admin"


@pytest.mark.parametrize("person", CUSTOMER_PEOPLE)
def test_customer_people_cannot_see_staff(ws: Workspace, person: str) -> None:
    client = api_client(ws.member(person))
    # A contact is told the team list is not theirs; a staff member's id does not exist to them.
    assert client.get("/api/v1/staff").status_code == 403
    assert client.get(f"/api/v1/staff/{ws.member('helpdesk_agent').pk}").status_code == 404


def test_a_global_admin_changes_roles_and_customer_limits(ws: Workspace) -> None:
    agent = ws.member("helpdesk_agent")
    response = api_client(ws.member("global_admin")).patch(
        f"/api/v1/staff/{agent.pk}",
        {
            "role": "admin_agent",
            "is_customer_limited": True,
            "limited_customer_ids": [str(ws.customers["b"].pk)],
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["role"] == "admin_agent"
    assert body["limited_customer_ids"] == [str(ws.customers["b"].pk)]
    actor = ws.actor("helpdesk_agent")
    assert actor.has("escalations.create_azure")
    assert actor.sees_customer(ws.customers["b"].pk)
    assert not actor.sees_customer(ws.customers["a"].pk)


def test_staff_cannot_be_given_a_customer_role(ws: Workspace) -> None:
    response = api_client(ws.member("global_admin")).patch(
        f"/api/v1/staff/{ws.member('helpdesk_agent').pk}",
        {"role": "contact"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert problem(response)["errors"][0]["field"] == "role"


def test_an_admin_cannot_demote_themselves(ws: Workspace) -> None:
    admin = ws.member("global_admin")
    response = api_client(admin).patch(
        f"/api/v1/staff/{admin.pk}", {"role": "sales_agent"}, content_type="application/json"
    )
    assert response.status_code == 409
    assert problem(response)["code"] == "cannot_demote_self"


def test_a_deactivated_member_loses_api_access(ws: Workspace) -> None:
    agent = ws.member("helpdesk_agent")
    agent_api = api_client(agent)
    assert agent_api.get("/api/v1/me").status_code == 200
    response = api_client(ws.member("global_admin")).patch(
        f"/api/v1/staff/{agent.pk}", {"is_active": False}, content_type="application/json"
    )
    assert response.status_code == 200
    assert agent_api.get("/api/v1/me").status_code == 401


def test_session_writes_need_the_csrf_token(ws: Workspace) -> None:
    client = session_client(ws.member("global_admin"))
    client.handler.enforce_csrf_checks = True
    response = client.patch("/api/v1/workspace", {"name": "X"}, content_type="application/json")
    assert response.status_code == 403
    assert problem(response)["code"] == "csrf_failed"
    # Reads need no token; a session is a valid way in.
    assert client.get("/api/v1/workspace").status_code == 200


def test_an_unverified_staff_session_is_not_signed_in_for_the_api(ws: Workspace) -> None:
    client = session_client(ws.member("helpdesk_agent"), verified=False)
    assert client.get("/api/v1/me").status_code == 401


def test_limited_agents_see_only_their_customers(ws: Workspace) -> None:
    actor = ws.actor("limited_agent")
    assert actor.sees_customer(ws.customers["a"].pk)
    assert not actor.sees_customer(ws.customers["b"].pk)
    contact = ws.actor("contact")
    assert contact.sees_customer(ws.customers["a"].pk)
    assert not contact.sees_customer(ws.customers["b"].pk)


def test_me_describes_the_caller(ws: Workspace) -> None:
    member: Membership = ws.member("manager")
    body = api_client(member).get("/api/v1/me").json()
    assert body["role"] == "customer_manager"
    assert body["customer_id"] == str(ws.customers["a"].pk)
    assert "tickets.view_organisation" in body["permissions"]
    assert "tickets.view_internal" not in body["permissions"]
