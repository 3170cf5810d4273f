"""Customers and contacts through the API: create, read, change, list, and what is refused."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import Client

from partnerdesk.accounts.models import Membership
from partnerdesk.core.audit import verify_chain
from partnerdesk.core.models import AuditEntry
from partnerdesk.customers.models import Contact, Customer, CustomerDomain
from tests.kit import Workspace, api_client, problem

pytestmark = pytest.mark.django_db

HUBER = {
    "name": "Bäckerei Huber GmbH & Co. KG",
    "tenant_id": "6f1c1b0e-3a52-4c47-9a0b-1f0a8e5c2d11",
    "domains": ["Baeckerei-Huber.example", "huber-backstube.example"],
    "country": "de",
    "language": "de",
    "time_zone": "Europe/Berlin",
    "notes": "Filialen in Rosenheim und Kolbermoor.",
}


def _post(client: Client, path: str, body: dict[str, Any]):  # type: ignore[no-untyped-def]
    return client.post(path, body, content_type="application/json")


def _patch(client: Client, path: str, body: dict[str, Any]):  # type: ignore[no-untyped-def]
    return client.patch(path, body, content_type="application/json")


def _field_errors(response: Any) -> list[tuple[str, str]]:
    body = problem(response)
    return [(e["field"], e["code"]) for e in body["errors"]]


@pytest.fixture
def admin(ws: Workspace) -> Client:
    return api_client(ws.member("admin_agent"))


# --- customers -----------------------------------------------------------------------------------


def test_an_admin_agent_adds_a_customer(ws: Workspace, admin: Client) -> None:
    response = _post(admin, "/api/v1/customers", HUBER)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body == {
        "id": body["id"],
        "name": "Bäckerei Huber GmbH & Co. KG",
        "tenant_id": "6f1c1b0e-3a52-4c47-9a0b-1f0a8e5c2d11",
        "domains": ["baeckerei-huber.example", "huber-backstube.example"],
        "country": "DE",
        "language": "de",
        "time_zone": "Europe/Berlin",
        "notes": "Filialen in Rosenheim und Kolbermoor.",
        "is_partner_own": False,
        "created_at": body["created_at"],
    }
    customer = Customer.objects.get(pk=body["id"])
    assert customer.partner_id == ws.partner.pk
    assert AuditEntry.objects.filter(
        partner_id=ws.partner.pk, action="customer.created", object_id=body["id"]
    ).exists()
    assert verify_chain(ws.partner.pk) is None
    assert admin.get(f"/api/v1/customers/{body['id']}").json() == body


def test_only_a_name_is_needed(admin: Client) -> None:
    response = _post(admin, "/api/v1/customers", {"name": "Schreinerei Maier"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["tenant_id"], body["domains"], body["country"], body["time_zone"]) == (
        None,
        [],
        "",
        "",
    )


def test_the_own_tenant_mark_cannot_be_set_through_the_api(ws: Workspace, admin: Client) -> None:
    created = _post(admin, "/api/v1/customers", {"name": "Fake Own", "is_partner_own": True})
    assert created.status_code == 201
    assert created.json()["is_partner_own"] is False
    own = ws.customers["own"]
    changed = _patch(admin, f"/api/v1/customers/{own.pk}", {"is_partner_own": False})
    assert changed.status_code == 200
    assert changed.json()["is_partner_own"] is True
    own.refresh_from_db()
    assert own.is_partner_own


def test_a_change_touches_only_the_given_fields(ws: Workspace, admin: Client) -> None:
    customer_id = _post(admin, "/api/v1/customers", HUBER).json()["id"]

    response = _patch(
        admin,
        f"/api/v1/customers/{customer_id}",
        {"domains": ["huber-backstube.example", "huber.example"], "notes": ""},
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["domains"] == ["huber-backstube.example", "huber.example"]
    assert body["notes"] == ""
    assert body["name"] == HUBER["name"]
    assert body["tenant_id"] == HUBER["tenant_id"]
    assert set(
        CustomerDomain.objects.filter(customer_id=customer_id).values_list("domain", flat=True)
    ) == {
        "huber-backstube.example",
        "huber.example",
    }
    entry = AuditEntry.objects.filter(action="customer.updated", object_id=customer_id).get()
    assert entry.data == {"fields": ["domains", "notes"]}


def test_a_null_tenant_id_removes_it_and_a_missing_one_keeps_it(admin: Client) -> None:
    customer_id = _post(admin, "/api/v1/customers", HUBER).json()["id"]
    kept = _patch(admin, f"/api/v1/customers/{customer_id}", {"country": "AT"})
    assert kept.json()["tenant_id"] == HUBER["tenant_id"]
    assert kept.json()["country"] == "AT"
    cleared = _patch(admin, f"/api/v1/customers/{customer_id}", {"tenant_id": None})
    assert cleared.json()["tenant_id"] is None


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"name": ""}, "name", "required"),
        ({"name": "   "}, "name", "required"),
        ({"name": "x" * 201}, "name", "string_too_long"),
        ({"name": "Null\x00Byte"}, "name", "invalid_characters"),
        ({"country": "XX"}, "country", "invalid_country"),
        ({"country": "Deutschland"}, "country", "string_too_long"),
        ({"language": "fr"}, "language", "invalid_language"),
        ({"time_zone": "Mars/Olympus_Mons"}, "time_zone", "invalid_time_zone"),
        ({"time_zone": "europe/berlin"}, "time_zone", "invalid_time_zone"),
        ({"domains": ["not a domain"]}, "domains", "invalid_domain"),
        ({"domains": ["huber"]}, "domains", "invalid_domain"),
        ({"domains": ["-huber.example"]}, "domains", "invalid_domain"),
        ({"domains": ["gmail.com"]}, "domains", "public_domain"),
        ({"tenant_id": "not-a-uuid"}, "tenant_id", "uuid_parsing"),
    ],
)
def test_invalid_customer_fields_are_named(
    ws: Workspace, admin: Client, change: dict[str, Any], field: str, code: str
) -> None:
    before = Customer.objects.count()
    created = _post(admin, "/api/v1/customers", {**HUBER, **change})
    assert created.status_code == 422, created.content
    assert problem(created)["code"] == "validation_failed"
    assert _field_errors(created) == [(field, code)]
    assert Customer.objects.count() == before

    customer = ws.customers["a"]
    changed = _patch(admin, f"/api/v1/customers/{customer.pk}", change)
    assert changed.status_code == 422
    assert _field_errors(changed) == [(field, code)]
    assert Customer.objects.get(pk=customer.pk).name == customer.name


def test_umlaut_domains_are_stored_in_their_ascii_form(admin: Client) -> None:
    response = _post(admin, "/api/v1/customers", {"name": "Bäckerei", "domains": ["Bäckerei.de"]})
    assert response.json()["domains"] == ["xn--bckerei-5wa.de"]


def test_a_domain_of_another_customer_is_refused(ws: Workspace, admin: Client) -> None:
    first = _post(admin, "/api/v1/customers", HUBER).json()

    response = _post(
        admin,
        "/api/v1/customers",
        {"name": "Nachahmer", "domains": ["new.example", "BAECKEREI-HUBER.example"]},
    )
    assert response.status_code == 422
    assert _field_errors(response) == [("domains", "taken")]
    assert "baeckerei-huber.example" in problem(response)["errors"][0]["message"]
    assert not Customer.objects.filter(name="Nachahmer").exists()

    other = ws.customers["b"]
    changed = _patch(
        admin,
        f"/api/v1/customers/{other.pk}",
        {"domains": ["huber.example.", "huber-backstube.example"]},
    )
    assert changed.status_code == 422
    assert _field_errors(changed) == [("domains", "taken")]
    assert not CustomerDomain.objects.filter(customer=other).exists()
    assert admin.get(f"/api/v1/customers/{first['id']}").json()["domains"] == first["domains"]


def test_a_customer_keeps_its_own_domains_when_changing_them(admin: Client) -> None:
    customer_id = _post(admin, "/api/v1/customers", HUBER).json()["id"]
    response = _patch(admin, f"/api/v1/customers/{customer_id}", {"domains": HUBER["domains"]})
    assert response.status_code == 200, response.content


def test_a_tenant_of_another_customer_is_refused(ws: Workspace, admin: Client) -> None:
    _post(admin, "/api/v1/customers", HUBER)
    response = _patch(
        admin, f"/api/v1/customers/{ws.customers['b'].pk}", {"tenant_id": HUBER["tenant_id"]}
    )
    assert response.status_code == 422
    assert _field_errors(response) == [("tenant_id", "taken")]
    assert Customer.objects.get(pk=ws.customers["b"].pk).tenant_id is None


def test_the_customer_list_pages_by_name(ws: Workspace, admin: Client) -> None:
    for name in ["Zahnarztpraxis Dr. Wagner", "Hotel Seeblick", "Kanzlei Brandl", "Alpen Bau"]:
        assert _post(admin, "/api/v1/customers", {"name": name}).status_code == 201
    expected = sorted(Customer.objects.filter(partner=ws.partner).values_list("name", flat=True))

    seen: list[str] = []
    cursor = ""
    for _ in range(10):
        page = admin.get(f"/api/v1/customers?limit=3{cursor}")
        assert page.status_code == 200
        body = page.json()
        assert len(body["items"]) <= 3
        seen += [row["name"] for row in body["items"]]
        if body["next_cursor"] is None:
            break
        cursor = f"&cursor={body['next_cursor']}"
    assert seen == expected
    assert len(seen) == 7


def test_a_forged_cursor_is_refused(admin: Client) -> None:
    response = admin.get("/api/v1/customers?cursor=bm9wZQ")
    assert response.status_code == 400
    assert problem(response)["code"] == "invalid_cursor"


@pytest.mark.parametrize("limit", [0, 201])
def test_the_page_size_is_bounded(admin: Client, limit: int) -> None:
    response = admin.get(f"/api/v1/customers?limit={limit}")
    assert response.status_code == 422
    assert _field_errors(response)[0][0] == "limit"


# --- contacts ------------------------------------------------------------------------------------

MARIA = {
    "name": "Maria Huber",
    "email": "Maria.Huber@Baeckerei-Huber.example",
    "phone": "+49 8031 4711-0",
    "may_request_admin_changes": True,
}


def test_an_admin_agent_adds_a_contact(ws: Workspace, admin: Client) -> None:
    customer = ws.customers["a"]
    response = _post(admin, f"/api/v1/customers/{customer.pk}/contacts", MARIA)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body == {
        "id": body["id"],
        "customer_id": str(customer.pk),
        "name": "Maria Huber",
        "email": "maria.huber@baeckerei-huber.example",
        "phone": "+49 8031 4711-0",
        "may_request_admin_changes": True,
        "is_active": True,
        "has_portal_login": False,
        "created_at": body["created_at"],
    }
    assert admin.get(f"/api/v1/contacts/{body['id']}").json() == body
    entry = AuditEntry.objects.get(action="contact.created", object_id=body["id"])
    assert entry.customer_id == customer.pk
    assert "maria" not in str(entry.data).lower()  # personal data stays outside the chain


def test_a_contact_e_mail_is_unique_in_the_workspace(
    ws: Workspace, other_ws: Workspace, admin: Client
) -> None:
    assert (
        _post(admin, f"/api/v1/customers/{ws.customers['a'].pk}/contacts", MARIA).status_code == 201
    )
    again = {**MARIA, "email": "MARIA.HUBER@baeckerei-huber.example"}

    same_customer = _post(admin, f"/api/v1/customers/{ws.customers['a'].pk}/contacts", again)
    other_customer = _post(admin, f"/api/v1/customers/{ws.customers['b'].pk}/contacts", again)

    assert same_customer.status_code == other_customer.status_code == 422
    assert _field_errors(same_customer) == _field_errors(other_customer) == [("email", "taken")]
    assert Contact.objects.filter(email="maria.huber@baeckerei-huber.example").count() == 1
    # Another workspace may know the same person.
    elsewhere = api_client(other_ws.member("admin_agent"))
    assert (
        _post(
            elsewhere, f"/api/v1/customers/{other_ws.customers['a'].pk}/contacts", MARIA
        ).status_code
        == 201
    )


def test_changing_to_a_taken_e_mail_is_refused(ws: Workspace, admin: Client) -> None:
    path = f"/api/v1/customers/{ws.customers['a'].pk}/contacts"
    _post(admin, path, MARIA)
    second = _post(admin, path, {"name": "Franz Huber", "email": "franz@baeckerei-huber.example"})
    response = _patch(admin, f"/api/v1/contacts/{second.json()['id']}", {"email": MARIA["email"]})
    assert response.status_code == 422
    assert _field_errors(response) == [("email", "taken")]
    assert Contact.objects.get(pk=second.json()["id"]).email == "franz@baeckerei-huber.example"


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"name": ""}, "name", "required"),
        ({"email": "maria.huber"}, "email", "invalid_email"),
        ({"email": ""}, "email", "required"),
        ({"phone": "call me"}, "phone", "invalid_phone"),
        ({"phone": "+49 " + "1" * 40}, "phone", "string_too_long"),
        ({"is_active": "sometimes"}, "is_active", "bool_parsing"),
    ],
)
def test_invalid_contact_fields_are_named(
    ws: Workspace,
    admin: Client,
    contacts: dict[str, Contact],
    change: dict[str, Any],
    field: str,
    code: str,
) -> None:
    before = Contact.objects.count()
    created = _post(
        admin, f"/api/v1/customers/{ws.customers['a'].pk}/contacts", {**MARIA, **change}
    )
    assert created.status_code == 422, created.content
    assert _field_errors(created) == [(field, code)]
    assert Contact.objects.count() == before

    colleague = contacts["colleague"]
    changed = _patch(admin, f"/api/v1/contacts/{colleague.pk}", change)
    assert changed.status_code == 422
    assert _field_errors(changed) == [(field, code)]
    assert Contact.objects.get(pk=colleague.pk).email == colleague.email


def test_a_contact_change_touches_only_the_given_fields(
    admin: Client, contacts: dict[str, Contact]
) -> None:
    colleague = contacts["colleague"]
    response = _patch(
        admin, f"/api/v1/contacts/{colleague.pk}", {"may_request_admin_changes": True}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["may_request_admin_changes"] is True
    assert (body["name"], body["email"], body["phone"]) == (
        colleague.name,
        colleague.email,
        colleague.phone,
    )


def test_deactivating_a_contact_stops_its_portal_login(
    ws: Workspace, admin: Client, contacts: dict[str, Contact]
) -> None:
    contact_api = api_client(ws.member("contact"))
    assert contact_api.get("/api/v1/me").status_code == 200
    path = f"/api/v1/contacts/{contacts['contact'].pk}"

    response = _patch(admin, path, {"is_active": False})

    assert response.status_code == 200
    assert response.json()["is_active"] is False
    assert response.json()["has_portal_login"] is True
    assert not Membership.objects.get(pk=ws.member("contact").pk).is_active
    assert contact_api.get("/api/v1/me").status_code == 401
    _patch(admin, path, {"is_active": True})
    assert contact_api.get("/api/v1/me").status_code == 200


def test_the_contact_list_pages_by_name(ws: Workspace, admin: Client) -> None:
    customer = ws.customers["b"]
    names = ["Xaver Gruber", "Anja Berg", "Thomas Gruber", "Lisa Maier", "Bernd Ott"]
    for number, name in enumerate(names):
        body = {"name": name, "email": f"person{number}@stadtwerke.example"}
        assert _post(admin, f"/api/v1/customers/{customer.pk}/contacts", body).status_code == 201

    first = admin.get(f"/api/v1/customers/{customer.pk}/contacts?limit=2").json()
    rest = admin.get(
        f"/api/v1/customers/{customer.pk}/contacts?limit=200&cursor={first['next_cursor']}"
    ).json()

    assert [c["name"] for c in first["items"] + rest["items"]] == sorted(names)
    assert rest["next_cursor"] is None
    assert {c["customer_id"] for c in rest["items"]} == {str(customer.pk)}


def test_contacts_of_an_unknown_customer_are_not_found(admin: Client) -> None:
    for path in [f"/api/v1/customers/{uuid.uuid4()}/contacts", "/api/v1/customers/nope/contacts"]:
        assert admin.get(path).status_code == 404
        assert _post(admin, path, MARIA).status_code == 404
    assert not Contact.objects.exists()


# --- the catalog ---------------------------------------------------------------------------------


@pytest.mark.parametrize("person", ["helpdesk_agent", "sales_agent", "contact", "manager"])
def test_everyone_reads_the_service_catalog(ws: Workspace, person: str) -> None:
    response = api_client(ws.member(person)).get("/api/v1/services")
    assert response.status_code == 200
    services = {s["code"]: s for s in response.json()["items"]}
    # The original shape stays; staff also get the service's profile (tests/catalog).
    assert {k: services["exchange-online"][k] for k in ("code", "name", "parent_code")} == {
        "code": "exchange-online",
        "name": "Exchange Online",
        "parent_code": "m365",
    }
    assert services["azure"]["parent_code"] is None


def test_the_catalog_pages_and_needs_a_login(ws: Workspace) -> None:
    client = api_client(ws.member("contact"))
    first = client.get("/api/v1/services?limit=2").json()
    rest = client.get(f"/api/v1/services?limit=200&cursor={first['next_cursor']}").json()
    codes = [s["code"] for s in first["items"] + rest["items"]]
    assert codes[:2] == ["azure", "m365"]
    assert len(codes) == len(set(codes)) >= 13
    assert Client().get("/api/v1/services").status_code == 401
    # Adding a service is the owner's (catalog.manage).
    assert client.post("/api/v1/services", {}, content_type="application/json").status_code == 403
