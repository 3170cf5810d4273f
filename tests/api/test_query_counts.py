"""List endpoints cost the same number of queries however many rows they show."""

from __future__ import annotations

import pytest

from partnerdesk.accounts.permissions import Role
from tests.factories import MembershipFactory
from tests.kit import Workspace, api_client, max_queries

pytestmark = pytest.mark.django_db


def _staff_list_queries(ws: Workspace) -> int:
    client = api_client(ws.member("global_admin"))
    client.get("/api/v1/staff")  # warm the token's last-used write
    with max_queries(50) as captured:
        assert client.get("/api/v1/staff?limit=200").status_code == 200
    return len(captured.captured_queries)


def test_the_staff_list_does_not_grow_with_the_team(ws: Workspace) -> None:
    small = _staff_list_queries(ws)
    for _ in range(15):
        member = MembershipFactory(
            partner=ws.partner, role=Role.HELPDESK_AGENT, is_customer_limited=True
        )
        member.limited_customers.set([ws.customers["a"], ws.customers["b"]])
    assert _staff_list_queries(ws) == small
    assert small <= 4  # token, staff page, limited customers prefetch


def test_a_token_request_costs_one_query(ws: Workspace) -> None:
    client = api_client(ws.member("helpdesk_agent"))
    client.get("/api/v1/me")
    with max_queries(1):
        assert client.get("/api/v1/me").status_code == 200
