"""Personal API tokens: shown once, stored as a digest, scoped to their user, revocable."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
import time_machine
from django.test import Client

from partnerdesk.accounts.models import ApiToken
from tests.kit import Workspace, problem, session_client

pytestmark = pytest.mark.django_db


def _create(client: Client, name: str = "RMM sync") -> dict[str, str]:
    response = client.post("/api/v1/tokens", {"name": name}, content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()  # type: ignore[no-any-return]


def test_a_token_is_shown_once_and_stored_as_a_digest(ws: Workspace) -> None:
    client = session_client(ws.member("helpdesk_agent"))
    created = _create(client)
    secret = created["token"]
    stored = ApiToken.objects.get(pk=created["id"])
    assert stored.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {stored.digest, stored.prefix, stored.name}
    listed = client.get("/api/v1/tokens").json()
    assert [t["id"] for t in listed] == [created["id"]]
    assert "token" not in listed[0]


def test_a_token_acts_with_exactly_its_users_permissions(ws: Workspace) -> None:
    secret = _create(session_client(ws.member("sales_agent")))["token"]
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    me = api.get("/api/v1/me").json()
    assert me["role"] == "sales_agent"
    assert api.get("/api/v1/staff").status_code == 200
    response = api.patch("/api/v1/workspace", {"name": "X"}, content_type="application/json")
    assert response.status_code == 403


def test_a_token_cannot_mint_tokens(ws: Workspace) -> None:
    secret = _create(session_client(ws.member("global_admin")))["token"]
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    response = api.post("/api/v1/tokens", {"name": "more"}, content_type="application/json")
    assert response.status_code == 403
    assert problem(response)["code"] == "token_cannot_create_token"


def test_a_revoked_token_stops_working_at_once(ws: Workspace) -> None:
    session = session_client(ws.member("helpdesk_agent"))
    created = _create(session)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {created['token']}")
    assert api.get("/api/v1/me").status_code == 200
    response = session.delete(f"/api/v1/tokens/{created['id']}")
    assert response.status_code == 200
    assert response.json()["revoked_at"] is not None
    assert api.get("/api/v1/me").status_code == 401
    # Revoking again is harmless; someone else's token is not found.
    assert session.delete(f"/api/v1/tokens/{created['id']}").status_code == 200
    other = _create(session_client(ws.member("admin_agent")))
    assert session.delete(f"/api/v1/tokens/{other['id']}").status_code == 404


def test_a_token_dies_with_its_membership(ws: Workspace) -> None:
    member = ws.member("helpdesk_agent")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {_create(session_client(member))['token']}")
    member.user.is_active = False
    member.user.save()
    assert api.get("/api/v1/me").status_code == 401


def test_last_used_is_written_at_most_once_a_minute(ws: Workspace) -> None:
    with time_machine.travel("2026-03-02 09:00:00+00:00", tick=False) as clock:
        created = _create(session_client(ws.member("helpdesk_agent")))
        api = Client(HTTP_AUTHORIZATION=f"Bearer {created['token']}")
        api.get("/api/v1/me")
        first = ApiToken.objects.get(pk=created["id"]).last_used_at
        assert first is not None
        clock.shift(timedelta(seconds=30))
        api.get("/api/v1/me")
        assert ApiToken.objects.get(pk=created["id"]).last_used_at == first
        clock.shift(timedelta(seconds=31))
        api.get("/api/v1/me")
        assert ApiToken.objects.get(pk=created["id"]).last_used_at > first


@pytest.mark.parametrize(
    ("name", "code"), [("", "string_too_short"), ("x" * 101, "string_too_long")]
)
def test_bad_token_names_are_refused(ws: Workspace, name: str, code: str) -> None:
    client = session_client(ws.member("helpdesk_agent"))
    response = client.post("/api/v1/tokens", {"name": name}, content_type="application/json")
    assert response.status_code == 422
    assert problem(response)["errors"][0]["field"] == "name"


def test_the_cli_prints_a_working_token(ws: Workspace) -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command(
        "token",
        "create",
        "--email",
        ws.member("billing_admin").user.email,
        "--name",
        "ci",
        stdout=out,
    )
    secret = out.getvalue().strip()
    assert Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/me").json()["role"] == (
        "billing_admin"
    )
