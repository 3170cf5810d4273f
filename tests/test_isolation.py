"""Tenancy is sacred: nobody sees or changes another workspace's or customer's data.

Each feature adds its endpoints here. For every endpoint that takes an id, an id from another
workspace (or, for customer people, of another customer) answers 404 exactly as an id that
does not exist, and changes nothing. Lists never contain another workspace's rows.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client

from partnerdesk.accounts.models import ApiToken, Membership
from partnerdesk.core.models import AuditEntry
from tests.kit import STAFF, Workspace, api_client, problem

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class ForeignObject:
    """An endpoint addressed with another workspace's object id."""

    name: str
    method: str
    path: Callable[[Workspace], str]
    body: dict[str, object] | None = None


FOREIGN_OBJECTS = [
    ForeignObject(
        "staff detail", "get", lambda o: f"/api/v1/staff/{o.member('helpdesk_agent').pk}"
    ),
    ForeignObject(
        "staff change",
        "patch",
        lambda o: f"/api/v1/staff/{o.member('helpdesk_agent').pk}",
        {"role": "sales_agent"},
    ),
    ForeignObject(
        "staff mfa reset",
        "post",
        lambda o: f"/api/v1/staff/{o.member('helpdesk_agent').pk}/mfa-reset",
    ),
    ForeignObject("token revoke", "delete", lambda o: f"/api/v1/tokens/{_token_of(o)}"),
    ForeignObject(
        "invite to a foreign customer",
        "post",
        lambda o: "/api/v1/invitations",
        {"email": "x@example.test", "role": "contact", "customer_id": "{customer}"},
    ),
    ForeignObject(
        "limit staff to a foreign customer",
        "patch",
        lambda o: "/api/v1/staff/{own_agent}",
        {"is_customer_limited": True, "limited_customer_ids": ["{customer}"]},
    ),
]


def _token_of(workspace: Workspace) -> uuid.UUID:
    token = ApiToken.objects.filter(membership=workspace.member("global_admin")).first()
    assert token is not None
    return token.pk


def _send(client: Client, case: ForeignObject, ws: Workspace, other: Workspace):  # type: ignore[no-untyped-def]
    path = case.path(other).replace("{own_agent}", str(ws.member("helpdesk_agent").pk))
    body = dict(case.body or {})
    for key, value in body.items():
        if value == "{customer}":
            body[key] = str(other.customers["a"].pk)
        elif isinstance(value, list):
            body[key] = [str(other.customers["a"].pk) if v == "{customer}" else v for v in value]
    return getattr(client, case.method)(path, body, content_type="application/json")


@pytest.mark.parametrize("case", FOREIGN_OBJECTS, ids=lambda c: c.name)
def test_foreign_ids_are_not_found_and_change_nothing(
    ws: Workspace, other_ws: Workspace, case: ForeignObject
) -> None:
    api_client(other_ws.member("global_admin"))  # gives the other workspace a token
    client = api_client(ws.member("global_admin"))
    memberships_before = list(
        Membership.objects.order_by("pk").values_list("pk", "role", "is_active")
    )
    tokens_before = list(ApiToken.objects.order_by("pk").values_list("pk", "revoked_at"))
    audit_before = AuditEntry.objects.filter(partner_id=other_ws.partner.pk).count()

    response = _send(client, case, ws, other_ws)

    assert response.status_code == 404, response.content
    assert problem(response)["code"] == "not_found"
    assert list(Membership.objects.order_by("pk").values_list("pk", "role", "is_active")) == (
        memberships_before
    )
    assert list(ApiToken.objects.order_by("pk").values_list("pk", "revoked_at")) == tokens_before
    assert AuditEntry.objects.filter(partner_id=other_ws.partner.pk).count() == audit_before


def test_a_foreign_id_answers_exactly_like_a_missing_one(
    ws: Workspace, other_ws: Workspace
) -> None:
    client = api_client(ws.member("global_admin"))
    foreign = client.get(f"/api/v1/staff/{other_ws.member('helpdesk_agent').pk}")
    missing = client.get(f"/api/v1/staff/{uuid.uuid4()}")
    malformed = client.get("/api/v1/staff/not-an-id")
    assert foreign.status_code == missing.status_code == malformed.status_code == 404
    strip = lambda r: {k: v for k, v in r.json().items() if k != "instance"}  # noqa: E731
    assert strip(foreign) == strip(missing) == strip(malformed)


@pytest.mark.parametrize("person", STAFF)
def test_staff_lists_hold_only_the_own_workspace(
    ws: Workspace, other_ws: Workspace, person: str
) -> None:
    response = api_client(ws.member(person)).get("/api/v1/staff?limit=200")
    assert response.status_code == 200
    ids = {row["id"] for row in response.json()["items"]}
    assert ids == {str(ws.member(p).pk) for p in STAFF}
    assert not ids & {str(m.pk) for m in other_ws.members.values()}


def test_token_lists_hold_only_own_tokens(ws: Workspace, other_ws: Workspace) -> None:
    api_client(other_ws.member("global_admin"))
    api_client(ws.member("helpdesk_agent"))
    mine = api_client(ws.member("global_admin"))
    names = [t["id"] for t in mine.get("/api/v1/tokens").json()]
    owners = set(ApiToken.objects.filter(pk__in=names).values_list("membership_id", flat=True))
    assert owners == {ws.member("global_admin").pk}


def test_a_workspace_reads_only_itself(ws: Workspace, other_ws: Workspace) -> None:
    assert api_client(ws.member("contact")).get("/api/v1/workspace").json()["id"] == str(
        ws.partner.pk
    )
    assert api_client(other_ws.member("contact")).get("/api/v1/workspace").json()["id"] == str(
        other_ws.partner.pk
    )
