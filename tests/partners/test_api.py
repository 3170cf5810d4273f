"""The workspace through the API: read by everyone in it, changed by global admins only."""

from __future__ import annotations

import pytest

from tests.kit import CUSTOMER_PEOPLE, STAFF, Workspace, api_client, problem

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("person", STAFF + CUSTOMER_PEOPLE)
def test_everyone_reads_their_own_workspace(
    ws: Workspace, other_ws: Workspace, person: str
) -> None:
    response = api_client(ws.member(person)).get("/api/v1/workspace")
    assert response.status_code == 200
    assert response.json()["id"] == str(ws.partner.pk)
    assert response.json()["name"] == ws.partner.name


def test_global_admin_changes_the_support_profile(ws: Workspace) -> None:
    client = api_client(ws.member("global_admin"))
    response = client.patch(
        "/api/v1/workspace",
        {"support_email": "help@nordwind.example", "support_phone": "+49 89 1"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["support_profile"]["email"] == "help@nordwind.example"
    ws.partner.refresh_from_db()
    assert ws.partner.support_phone == "+49 89 1"


@pytest.mark.parametrize("person", [p for p in STAFF if p != "global_admin"] + CUSTOMER_PEOPLE)
def test_others_may_not_change_the_workspace(ws: Workspace, person: str) -> None:
    response = api_client(ws.member(person)).patch(
        "/api/v1/workspace", {"name": "Hijacked"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert problem(response)["code"] == "forbidden"
    ws.partner.refresh_from_db()
    assert ws.partner.name != "Hijacked"


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"time_zone": "Mars/Olympus"}, "time_zone", "invalid"),
        ({"default_language": "xx"}, "default_language", "invalid"),
        ({"support_email": "not-an-address"}, "support_email", "invalid"),
        ({"instance": "germany"}, "instance", "instance_closed"),
        ({"instance": "moon"}, "instance", "invalid"),
        ({"partner_type": "indirect_reseller"}, "provider_id", "required"),
        ({"name": ""}, "name", "string_too_short"),
        ({"tenant_id": "not-a-uuid"}, "tenant_id", "uuid_parsing"),
    ],
)
def test_bad_workspace_input_names_the_field(
    ws: Workspace, body: dict[str, str], field: str, code: str
) -> None:
    response = api_client(ws.member("global_admin")).patch(
        "/api/v1/workspace", body, content_type="application/json"
    )
    assert response.status_code == 422, response.content
    errors = problem(response)["errors"]
    assert errors[0]["field"] == field
    assert errors[0]["code"] == code


def test_reseller_with_provider_on_this_server(ws: Workspace, other_ws: Workspace) -> None:
    other_ws.partner.partner_type = "indirect_provider"
    other_ws.partner.save()
    response = api_client(ws.member("global_admin")).patch(
        "/api/v1/workspace",
        {"partner_type": "indirect_reseller", "provider_id": str(other_ws.partner.pk)},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["provider_id"] == str(other_ws.partner.pk)
    assert body["provider_name"] == other_ws.partner.name


def test_a_provider_must_be_an_indirect_provider(ws: Workspace, other_ws: Workspace) -> None:
    response = api_client(ws.member("global_admin")).patch(
        "/api/v1/workspace",
        {"partner_type": "indirect_reseller", "provider_id": str(other_ws.partner.pk)},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert problem(response)["errors"][0]["field"] == "provider_id"


def test_a_germany_workspace_keeps_its_instance(ws: Workspace) -> None:
    ws.partner.instance = "germany"
    ws.partner.save()
    response = api_client(ws.member("global_admin")).patch(
        "/api/v1/workspace", {"support_phone": "+49 1"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["instance"] == "germany"


def test_an_explicit_null_empties_the_tenant_id_and_an_absent_one_keeps_it(
    ws: Workspace,
) -> None:
    client = api_client(ws.member("global_admin"))
    tenant = "3f2b7c1e-8d4a-4b6e-9f0a-1c2d3e4f5a6b"
    patch = client.patch(
        "/api/v1/workspace", {"tenant_id": tenant}, content_type="application/json"
    )
    assert patch.json()["tenant_id"] == tenant
    kept = client.patch("/api/v1/workspace", {"name": "Renamed"}, content_type="application/json")
    assert kept.json()["tenant_id"] == tenant
    emptied = client.patch(
        "/api/v1/workspace", {"tenant_id": None}, content_type="application/json"
    )
    assert emptied.status_code == 200
    assert emptied.json()["tenant_id"] is None
