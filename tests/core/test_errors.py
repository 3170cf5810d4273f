"""One domain error type: problem+json in the API, a readable page for people, never a 5xx."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.kit import Workspace, api_client, problem

pytestmark = pytest.mark.django_db


def test_missing_fields_are_named(ws: Workspace) -> None:
    response = api_client(ws.member("global_admin")).post(
        "/api/v1/invitations", {}, content_type="application/json"
    )
    assert response.status_code == 422
    body = problem(response)
    assert body["code"] == "validation_failed"
    assert {e["field"] for e in body["errors"]} == {"email", "role"}
    assert body["status"] == 422 and body["title"] and body["type"].endswith("validation_failed")


@pytest.mark.parametrize(
    ("raw", "content_type"),
    [("{not json", "application/json"), ("[1, 2]", "application/json"), ("a=b", "text/plain")],
)
def test_malformed_bodies_get_a_client_error(ws: Workspace, raw: str, content_type: str) -> None:
    response = api_client(ws.member("global_admin")).post(
        "/api/v1/invitations", raw, content_type=content_type
    )
    assert 400 <= response.status_code < 500
    assert problem(response)["detail"]


def test_wrong_types_are_named(ws: Workspace) -> None:
    response = api_client(ws.member("global_admin")).patch(
        f"/api/v1/staff/{ws.member('helpdesk_agent').pk}",
        {"is_customer_limited": "sometimes"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert problem(response)["errors"][0]["field"] == "is_customer_limited"


def test_domain_rules_are_explained(ws: Workspace) -> None:
    response = api_client(ws.member("global_admin")).post(
        "/api/v1/invitations",
        {"email": "x@example.test", "role": "contact"},
        content_type="application/json",
    )
    assert response.status_code == 422
    error = problem(response)["errors"][0]
    assert error["field"] == "customer"
    assert "customer" in error["message"]


@pytest.mark.parametrize(("limit", "status"), [("0", 422), ("201", 422), ("abc", 422)])
def test_list_limits_are_checked(ws: Workspace, limit: str, status: int) -> None:
    response = api_client(ws.member("global_admin")).get(f"/api/v1/staff?limit={limit}")
    assert response.status_code == status
    assert problem(response)["errors"][0]["field"] == "limit"


def test_a_forged_cursor_is_refused(ws: Workspace) -> None:
    response = api_client(ws.member("global_admin")).get("/api/v1/staff?cursor=abc")
    assert response.status_code == 400
    assert problem(response)["code"] == "invalid_cursor"


def test_cursor_pagination_walks_the_whole_list_once(ws: Workspace) -> None:
    client = api_client(ws.member("global_admin"))
    seen: list[str] = []
    url = "/api/v1/staff?limit=2"
    while url:
        body = client.get(url).json()
        seen += [row["id"] for row in body["items"]]
        url = f"/api/v1/staff?limit=2&cursor={body['next_cursor']}" if body["next_cursor"] else ""
    assert len(seen) == len(set(seen)) == 6


def test_pages_show_a_readable_error(ws: Workspace) -> None:
    response = Client().get("/accounts/invitation/no-such-link/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "not valid any more" in html
    assert "invitation_invalid" in html
    assert "Traceback" not in html


def test_unknown_pages_are_a_readable_404() -> None:
    response = Client().get("/nothing/here")
    assert response.status_code == 404
    assert b"does not exist" in response.content


@pytest.mark.parametrize(
    "body",
    ['{"name": "Nord\\u0000wind"}', '{"support_phone": "1", "\\u0000": "x"}'],
)
def test_nul_characters_are_refused_with_a_reason(ws: Workspace, body: str) -> None:
    response = api_client(ws.member("global_admin")).patch(
        "/api/v1/workspace", body, content_type="application/json"
    )
    assert response.status_code == 422
    body_problem = problem(response)
    assert "NUL" in body_problem["detail"]
    assert body_problem["errors"][0]["field"] in ("name", "\x00")
    ws.partner.refresh_from_db()
    assert "\x00" not in ws.partner.name


def test_the_text_backslash_u0000_is_fine(ws: Workspace) -> None:
    response = api_client(ws.member("global_admin")).patch(
        "/api/v1/workspace", '{"support_phone": "\\\\u0000"}', content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["support_profile"]["phone"] == "\\u0000"


def test_nul_in_a_filter_is_refused(ws: Workspace) -> None:
    response = api_client(ws.member("global_admin")).get("/api/v1/tickets?tag=a%00b")
    assert response.status_code == 422
    assert problem(response)["errors"][0]["field"] == "tag"
