"""Idempotency-Key: a retried API write never creates a second object."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine
from django.test import Client, RequestFactory

from partnerdesk.accounts.models import ApiToken, Invitation
from partnerdesk.core import clock
from partnerdesk.core.idempotency import request_fingerprint
from partnerdesk.core.models import IdempotencyRecord, IdempotencyState, OutboxItem
from tests.kit import Workspace, api_client, problem, session_client

pytestmark = pytest.mark.django_db


def _post(client: Client, path: str, body: dict[str, str], key: str | None):  # type: ignore[no-untyped-def]
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post(path, body, content_type="application/json", **headers)


def test_a_retried_invitation_is_sent_once(ws: Workspace) -> None:
    client = api_client(ws.member("global_admin"))
    body = {"email": "new.agent@example.test", "role": "helpdesk_agent"}
    first = _post(client, "/api/v1/invitations", body, "invite-1")
    again = _post(client, "/api/v1/invitations", body, "invite-1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Invitation.objects.filter(email="new.agent@example.test").count() == 1
    assert OutboxItem.objects.filter(kind="mail.send").count() == 1


def test_without_a_key_each_request_counts(ws: Workspace) -> None:
    client = session_client(ws.member("helpdesk_agent"))
    _post(client, "/api/v1/tokens", {"name": "a"}, None)
    _post(client, "/api/v1/tokens", {"name": "a"}, None)
    assert ApiToken.objects.filter(name="a").count() == 2


def test_a_key_reused_for_another_request_is_refused(ws: Workspace) -> None:
    client = session_client(ws.member("helpdesk_agent"))
    assert _post(client, "/api/v1/tokens", {"name": "a"}, "k").status_code == 201
    response = _post(client, "/api/v1/tokens", {"name": "b"}, "k")
    assert response.status_code == 422
    assert problem(response)["code"] == "idempotency_key_reused"
    assert not ApiToken.objects.filter(name="b").exists()


def test_keys_belong_to_their_user(ws: Workspace) -> None:
    first = session_client(ws.member("helpdesk_agent"))
    second = session_client(ws.member("admin_agent"))
    assert _post(first, "/api/v1/tokens", {"name": "a"}, "same").status_code == 201
    assert _post(second, "/api/v1/tokens", {"name": "a"}, "same").status_code == 201
    assert ApiToken.objects.filter(name="a").count() == 2


def test_a_retry_while_the_first_is_running_is_told_to_wait(ws: Workspace) -> None:
    member = ws.member("helpdesk_agent")
    IdempotencyRecord.objects.create(
        principal=f"user:{member.user_id}",
        key="busy",
        method="POST",
        path="/api/v1/tokens",
        request_hash=_fingerprint_of("/api/v1/tokens", {"name": "a"}),
        state=IdempotencyState.IN_PROGRESS,
        created_at=clock.now(),
    )
    response = _post(session_client(member), "/api/v1/tokens", {"name": "a"}, "busy")
    assert response.status_code == 409
    assert problem(response)["code"] == "idempotency_in_progress"
    assert not ApiToken.objects.filter(name="a").exists()


def _fingerprint_of(path: str, body: dict[str, str]) -> str:
    """The fingerprint the middleware computes for the same request."""
    request = RequestFactory().post(path, json.dumps(body), content_type="application/json")
    return request_fingerprint(request)


def test_an_abandoned_first_request_is_reported_not_repeated(ws: Workspace) -> None:
    member = ws.member("helpdesk_agent")
    with time_machine.travel("2026-03-02 09:00:00+00:00", tick=False) as traveller:
        IdempotencyRecord.objects.create(
            principal=f"user:{member.user_id}",
            key="lost",
            method="POST",
            path="/api/v1/tokens",
            request_hash=_fingerprint_of("/api/v1/tokens", {"name": "a"}),
            state=IdempotencyState.IN_PROGRESS,
            created_at=clock.now(),
        )
        traveller.shift(timedelta(minutes=10))
        response = _post(session_client(member), "/api/v1/tokens", {"name": "a"}, "lost")
    assert response.status_code == 409
    assert problem(response)["code"] == "idempotency_outcome_unknown"
    assert not ApiToken.objects.filter(name="a").exists()


@pytest.mark.parametrize("key", ["", "x" * 256])
def test_malformed_keys_are_refused(ws: Workspace, key: str) -> None:
    response = _post(
        session_client(ws.member("helpdesk_agent")), "/api/v1/tokens", {"name": "a"}, key
    )
    assert response.status_code == 400
    assert problem(response)["code"] == "idempotency_key_invalid"
    assert not ApiToken.objects.filter(name="a").exists()


def test_client_errors_are_replayed_too(ws: Workspace) -> None:
    client = api_client(ws.member("sales_agent"))
    first = _post(
        client, "/api/v1/invitations", {"email": "a@example.test", "role": "contact"}, "k"
    )
    again = _post(
        client, "/api/v1/invitations", {"email": "a@example.test", "role": "contact"}, "k"
    )
    assert first.status_code == again.status_code == 403
    assert again["Idempotent-Replayed"] == "true"


def test_stored_outcomes_are_pruned_after_a_day(ws: Workspace) -> None:
    from partnerdesk.core.tasks import prune_idempotency_records

    client = session_client(ws.member("helpdesk_agent"))
    with time_machine.travel("2026-03-02 09:00:00+00:00", tick=False) as traveller:
        _post(client, "/api/v1/tokens", {"name": "a"}, "old")
        traveller.shift(timedelta(hours=25))
        prune_idempotency_records.call()
    assert not IdempotencyRecord.objects.filter(key="old").exists()
