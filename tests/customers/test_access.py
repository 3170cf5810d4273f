"""Who reads and writes customers and contacts, and that nothing crosses a workspace.

The rule for customer people: a contact reads its own organisation and its own contact record;
a customer manager also that organisation's other contacts. Neither lists customers (403) nor
changes anything (403); another customer's rows do not exist for them (404).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from partnerdesk.accounts.permissions import Role
from partnerdesk.core.models import AuditEntry
from partnerdesk.customers.models import Contact, Customer, CustomerDomain
from tests.factories import MembershipFactory
from tests.kit import STAFF, Workspace, api_client, problem

pytestmark = pytest.mark.django_db


def _send(client: Client, method: str, path: str, body: dict[str, Any] | None = None):  # type: ignore[no-untyped-def]
    return getattr(client, method)(path, body or {}, content_type="application/json")


def _snapshot() -> list[Any]:
    """Every customer, domain and contact row as it stands."""
    return [
        list(Customer.objects.order_by("pk").values_list()),
        list(CustomerDomain.objects.order_by("pk").values_list()),
        list(Contact.objects.order_by("pk").values_list()),
    ]


# --- staff ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("person", ["helpdesk_agent", "sales_agent", "billing_admin"])
def test_staff_without_customers_manage_read_but_do_not_write(
    ws: Workspace, contacts: dict[str, Contact], person: str
) -> None:
    client = api_client(ws.member(person))
    customer = ws.customers["a"]
    assert client.get("/api/v1/customers").status_code == 200
    assert client.get(f"/api/v1/customers/{customer.pk}").json()["notes"] == ""
    assert client.get(f"/api/v1/customers/{customer.pk}/contacts").status_code == 200
    assert client.get(f"/api/v1/contacts/{contacts['colleague'].pk}").status_code == 200
    before = _snapshot()

    writes = [
        _send(client, "post", "/api/v1/customers", {"name": "Neu GmbH"}),
        _send(client, "patch", f"/api/v1/customers/{customer.pk}", {"name": "Umbenannt"}),
        _send(
            client,
            "post",
            f"/api/v1/customers/{customer.pk}/contacts",
            {"name": "Neu", "email": "neu@example.test"},
        ),
        _send(client, "patch", f"/api/v1/contacts/{contacts['colleague'].pk}", {"name": "X"}),
    ]

    assert [w.status_code for w in writes] == [403, 403, 403, 403]
    assert {problem(w)["code"] for w in writes} == {"forbidden"}
    assert _snapshot() == before


@pytest.mark.parametrize("person", ["global_admin", "admin_agent"])
def test_admins_manage_customers(ws: Workspace, contacts: dict[str, Contact], person: str) -> None:
    client = api_client(ws.member(person))
    customer = ws.customers["b"]
    assert _send(client, "post", "/api/v1/customers", {"name": "Neu GmbH"}).status_code == 201
    assert (
        _send(client, "patch", f"/api/v1/customers/{customer.pk}", {"notes": "VIP"}).status_code
        == 200
    )
    created = _send(
        client,
        "post",
        f"/api/v1/customers/{customer.pk}/contacts",
        {"name": "Neu", "email": f"neu.{person}@example.test"},
    )
    assert created.status_code == 201
    changed = _send(
        client, "patch", f"/api/v1/contacts/{created.json()['id']}", {"phone": "+49 8031 1234"}
    )
    assert changed.status_code == 200
    assert changed.json()["phone"] == "+49 8031 1234"


def test_customer_limited_staff_see_only_their_customers(
    ws: Workspace, contacts: dict[str, Contact]
) -> None:
    client = api_client(ws.member("limited_agent"))
    a, b = ws.customers["a"], ws.customers["b"]

    listed = client.get("/api/v1/customers").json()["items"]

    assert [row["id"] for row in listed] == [str(a.pk)]
    assert client.get(f"/api/v1/customers/{a.pk}").status_code == 200
    assert client.get(f"/api/v1/customers/{b.pk}").status_code == 404
    assert client.get(f"/api/v1/customers/{b.pk}/contacts").status_code == 404
    assert client.get(f"/api/v1/contacts/{contacts['contact_b'].pk}").status_code == 404
    assert client.get(f"/api/v1/contacts/{contacts['colleague'].pk}").status_code == 200


def test_a_customer_limited_admin_changes_only_its_customers_and_adds_none(
    ws: Workspace, contacts: dict[str, Contact]
) -> None:
    admin = MembershipFactory(partner=ws.partner, role=Role.ADMIN_AGENT, is_customer_limited=True)
    admin.limited_customers.set([ws.customers["a"]])
    client = api_client(admin)
    before = _snapshot()

    added = _send(client, "post", "/api/v1/customers", {"name": "Neu GmbH"})
    foreign = _send(client, "patch", f"/api/v1/customers/{ws.customers['b'].pk}", {"notes": "x"})
    foreign_contact = _send(
        client, "patch", f"/api/v1/contacts/{contacts['contact_b'].pk}", {"name": "x"}
    )

    assert (added.status_code, foreign.status_code, foreign_contact.status_code) == (403, 404, 404)
    assert _snapshot() == before
    own = _send(client, "patch", f"/api/v1/customers/{ws.customers['a'].pk}", {"notes": "ok"})
    assert own.status_code == 200


# --- customer people -----------------------------------------------------------------------------


@pytest.mark.parametrize("person", ["contact", "manager"])
def test_customer_people_read_their_own_organisation_only(
    ws: Workspace, contacts: dict[str, Contact], person: str
) -> None:
    Customer.objects.filter(pk=ws.customers["a"].pk).update(notes="Zahlt spät.")
    client = api_client(ws.member(person))

    assert client.get("/api/v1/customers").status_code == 403
    own = client.get(f"/api/v1/customers/{ws.customers['a'].pk}")
    assert own.status_code == 200
    assert own.json()["notes"] is None  # the partner's notes are not the customer's to read
    assert client.get(f"/api/v1/customers/{ws.customers['b'].pk}").status_code == 404
    assert client.get(f"/api/v1/customers/{ws.customers['own'].pk}").status_code == 404
    assert client.get(f"/api/v1/customers/{ws.customers['b'].pk}/contacts").status_code == 404
    assert client.get(f"/api/v1/contacts/{contacts['contact_b'].pk}").status_code == 404
    assert client.get(f"/api/v1/contacts/{contacts[person].pk}").status_code == 200


def test_a_contact_sees_itself_but_not_its_colleagues(
    ws: Workspace, contacts: dict[str, Contact]
) -> None:
    client = api_client(ws.member("contact"))
    assert client.get(f"/api/v1/customers/{ws.customers['a'].pk}/contacts").status_code == 403
    assert client.get(f"/api/v1/contacts/{contacts['colleague'].pk}").status_code == 404
    assert client.get(f"/api/v1/contacts/{contacts['manager'].pk}").status_code == 404
    me = client.get(f"/api/v1/contacts/{contacts['contact'].pk}").json()
    assert me["email"] == ws.member("contact").user.email
    assert me["has_portal_login"] is True


def test_a_manager_sees_the_organisation_s_contacts(
    ws: Workspace, contacts: dict[str, Contact]
) -> None:
    client = api_client(ws.member("manager"))
    listed = client.get(f"/api/v1/customers/{ws.customers['a'].pk}/contacts").json()["items"]
    assert {row["id"] for row in listed} == {
        str(contacts[name].pk) for name in ("contact", "manager", "colleague")
    }
    assert client.get(f"/api/v1/contacts/{contacts['colleague'].pk}").status_code == 200


@pytest.mark.parametrize("person", ["contact", "manager"])
def test_customer_people_change_nothing(
    ws: Workspace, contacts: dict[str, Contact], person: str
) -> None:
    client = api_client(ws.member(person))
    own = ws.customers["a"]
    before = _snapshot()

    answers = [
        _send(client, "post", "/api/v1/customers", {"name": "Neu GmbH"}),
        _send(client, "patch", f"/api/v1/customers/{own.pk}", {"name": "Umbenannt"}),
        _send(
            client,
            "post",
            f"/api/v1/customers/{own.pk}/contacts",
            {"name": "Neu", "email": "neu@example.test"},
        ),
        _send(client, "patch", f"/api/v1/contacts/{contacts[person].pk}", {"name": "X"}),
    ]

    assert [a.status_code for a in answers] == [403, 403, 403, 403]
    assert _snapshot() == before


# --- other workspaces ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Foreign:
    name: str
    method: str
    path: Callable[[Workspace, dict[str, Contact]], str]
    body: dict[str, Any] | None = None


FOREIGN = [
    Foreign("customer", "get", lambda o, c: f"/api/v1/customers/{o.customers['a'].pk}"),
    Foreign(
        "customer change",
        "patch",
        lambda o, c: f"/api/v1/customers/{o.customers['a'].pk}",
        {"name": "Gekapert", "domains": ["gekapert.example"]},
    ),
    Foreign("own tenant", "get", lambda o, c: f"/api/v1/customers/{o.customers['own'].pk}"),
    Foreign("contacts", "get", lambda o, c: f"/api/v1/customers/{o.customers['a'].pk}/contacts"),
    Foreign(
        "contact added to a foreign customer",
        "post",
        lambda o, c: f"/api/v1/customers/{o.customers['a'].pk}/contacts",
        {"name": "Eindringling", "email": "eindringling@example.test"},
    ),
    Foreign("contact", "get", lambda o, c: f"/api/v1/contacts/{c['colleague'].pk}"),
    Foreign(
        "contact change",
        "patch",
        lambda o, c: f"/api/v1/contacts/{c['colleague'].pk}",
        {"name": "Gekapert", "is_active": False},
    ),
]


@pytest.mark.parametrize("person", ["global_admin", "manager"])
@pytest.mark.parametrize("case", FOREIGN, ids=lambda c: c.name)
def test_foreign_ids_are_not_found_and_change_nothing(
    ws: Workspace,
    other_ws: Workspace,
    other_contacts: dict[str, Contact],
    case: Foreign,
    person: str,
) -> None:
    client = api_client(ws.member(person))
    before = _snapshot()
    audit_before = AuditEntry.objects.filter(partner_id=other_ws.partner.pk).count()

    response = _send(client, case.method, case.path(other_ws, other_contacts), case.body)

    assert response.status_code == 404, response.content
    assert problem(response)["code"] == "not_found"
    assert _snapshot() == before
    assert AuditEntry.objects.filter(partner_id=other_ws.partner.pk).count() == audit_before


def test_a_foreign_id_answers_exactly_like_a_missing_one(
    ws: Workspace, other_ws: Workspace, other_contacts: dict[str, Contact]
) -> None:
    client = api_client(ws.member("global_admin"))
    strip = lambda r: (r.status_code, {k: v for k, v in r.json().items() if k != "instance"})  # noqa: E731
    for kind, foreign in [
        ("customers", other_ws.customers["a"].pk),
        ("contacts", other_contacts["colleague"].pk),
    ]:
        answers = [
            strip(client.get(f"/api/v1/{kind}/{ident}"))
            for ident in (foreign, uuid.uuid4(), "not-an-id")
        ]
        assert answers[0] == answers[1] == answers[2]
        assert answers[0][0] == 404


def test_another_workspace_s_domains_and_tenants_are_not_in_the_way(
    ws: Workspace, other_ws: Workspace
) -> None:
    """Uniqueness is per workspace: a customer may have several CSP partners."""
    body = {
        "name": "Geteilt GmbH",
        "domains": ["geteilt.example"],
        "tenant_id": "0b9c2a37-2f5e-4f0e-8a8e-0d6f0a4b5c21",
    }
    assert (
        _send(
            api_client(other_ws.member("admin_agent")), "post", "/api/v1/customers", body
        ).status_code
        == 201
    )
    response = _send(api_client(ws.member("admin_agent")), "post", "/api/v1/customers", body)
    assert response.status_code == 201, response.content


@pytest.mark.parametrize("person", STAFF)
def test_lists_hold_only_the_own_workspace(
    ws: Workspace,
    other_ws: Workspace,
    contacts: dict[str, Contact],
    other_contacts: dict[str, Contact],
    person: str,
) -> None:
    client = api_client(ws.member(person))
    customers = {row["id"] for row in client.get("/api/v1/customers?limit=200").json()["items"]}
    visible = ["a"] if person == "limited_agent" else ["a", "b", "own"]
    assert customers == {str(ws.customers[key].pk) for key in visible}
    listed = client.get(f"/api/v1/customers/{ws.customers['a'].pk}/contacts").json()["items"]
    assert {row["customer_id"] for row in listed} == {str(ws.customers["a"].pk)}
    assert not {row["id"] for row in listed} & {str(c.pk) for c in other_contacts.values()}
