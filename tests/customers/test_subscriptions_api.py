"""Subscriptions through the API and the connector's synchronisation actions."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import Client

from partnerdesk.customers.models import Customer, Subscription
from partnerdesk.customers.subscriptions import actions
from partnerdesk.customers.subscriptions.feed import CustomerData, SubscriptionData
from tests.kit import Workspace, api_client, problem

pytestmark = pytest.mark.django_db


def _post(client: Client, path: str, body: dict[str, Any]):  # type: ignore[no-untyped-def]
    return client.post(path, body, content_type="application/json")


def _patch(client: Client, path: str, body: dict[str, Any]):  # type: ignore[no-untyped-def]
    return client.patch(path, body, content_type="application/json")


def _codes(response: Any) -> list[tuple[str, str]]:
    return [(e["field"], e["code"]) for e in problem(response)["errors"]]


def test_admin_agent_adds_changes_and_removes_a_subscription(ws: Workspace) -> None:
    client = api_client(ws.member("admin_agent"))
    customer = ws.customers["a"]
    response = _post(
        client,
        f"/api/v1/customers/{customer.pk}/subscriptions",
        {
            "offer_name": "Microsoft 365 Business Premium",
            "quantity": 12,
            "term_duration": "p1y",
            "vendor_subscription_id": "a1b2c3",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["service_code"] == "m365"
    assert body["status"] == "active"
    assert body["term_duration"] == "P1Y"
    assert body["source"] == "manual"

    response = _patch(
        client, f"/api/v1/subscriptions/{body['id']}", {"quantity": 15, "status": "suspended"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["quantity"] == 15
    assert response.json()["status"] == "suspended"

    listing = client.get(f"/api/v1/customers/{customer.pk}/subscriptions").json()
    assert [s["id"] for s in listing["items"]] == [body["id"]]

    response = client.delete(f"/api/v1/subscriptions/{body['id']}")
    assert response.status_code == 204
    assert not Subscription.objects.filter(pk=body["id"]).exists()


def test_bad_values_are_named(ws: Workspace) -> None:
    client = api_client(ws.member("admin_agent"))
    path = f"/api/v1/customers/{ws.customers['a'].pk}/subscriptions"
    response = _post(client, path, {"offer_name": "Azure plan", "status": "actve"})
    assert response.status_code == 422
    assert _codes(response) == [("status", "choice")]
    assert "actve" in problem(response)["errors"][0]["message"]
    response = _post(client, path, {"offer_name": "Azure plan", "term_duration": "yearly"})
    assert _codes(response) == [("term_duration", "format")]
    response = _post(client, path, {"offer_name": "X", "service_code": "no-such"})
    assert _codes(response) == [("service", "invalid")]
    response = _post(
        client,
        path,
        {"offer_name": "X", "starts_on": "2026-05-01", "ends_on": "2026-04-01"},
    )
    assert _codes(response) == [("ends_on", "range")]
    _post(client, path, {"offer_name": "X", "vendor_subscription_id": "dup"})
    response = _post(client, path, {"offer_name": "Y", "vendor_subscription_id": "dup"})
    assert _codes(response) == [("vendor_id", "taken")]


def test_sales_agent_reads_but_may_not_write(ws: Workspace) -> None:
    sub = _manual(ws, ws.customers["a"])
    client = api_client(ws.member("sales_agent"))
    path = f"/api/v1/customers/{ws.customers['a'].pk}/subscriptions"
    assert client.get(path).status_code == 200
    assert _post(client, path, {"offer_name": "Azure plan"}).status_code == 403
    assert _patch(client, f"/api/v1/subscriptions/{sub.pk}", {"quantity": 2}).status_code == 403
    assert client.delete(f"/api/v1/subscriptions/{sub.pk}").status_code == 403


def test_a_contact_sees_only_its_own_organisations_subscriptions(ws: Workspace) -> None:
    own = _manual(ws, ws.customers["a"])
    other = _manual(ws, ws.customers["b"])
    client = api_client(ws.member("contact"))
    listing = client.get(f"/api/v1/customers/{ws.customers['a'].pk}/subscriptions")
    assert [s["id"] for s in listing.json()["items"]] == [str(own.pk)]
    assert client.get(f"/api/v1/customers/{ws.customers['b'].pk}/subscriptions").status_code == 404
    assert client.get(f"/api/v1/subscriptions/{other.pk}").status_code == 404
    path = f"/api/v1/customers/{ws.customers['a'].pk}/subscriptions"
    assert _post(client, path, {"offer_name": "Azure plan"}).status_code == 403


def test_another_workspaces_subscription_does_not_exist(ws: Workspace, other_ws: Workspace) -> None:
    foreign = _manual(other_ws, other_ws.customers["a"])
    client = api_client(ws.member("global_admin"))
    assert client.get(f"/api/v1/subscriptions/{foreign.pk}").status_code == 404
    assert _patch(client, f"/api/v1/subscriptions/{foreign.pk}", {"quantity": 3}).status_code == 404
    assert client.delete(f"/api/v1/subscriptions/{foreign.pk}").status_code == 404
    path = f"/api/v1/customers/{other_ws.customers['a'].pk}/subscriptions"
    assert client.get(path).status_code == 404
    assert _post(client, path, {"offer_name": "Azure plan"}).status_code == 404


def _manual(ws: Workspace, customer: Customer, **kw: Any) -> Subscription:
    return actions.add_subscription(
        ws.system(),
        customer=customer,
        values=actions.SubscriptionFields(offer_name=kw.pop("offer_name", "Azure plan"), **kw),
    )


# --- the connector's synchronisation -----------------------------------------------------------


def test_sync_customers_upserts_by_tenant_id_and_never_deletes(ws: Workspace) -> None:
    tenant = uuid.uuid4()
    existing = ws.customers["a"]
    existing.tenant_id = uuid.uuid4()
    existing.save()
    result = actions.sync_customers(
        ws.system(),
        customers=[
            CustomerData(
                tenant_id=tenant, name="Contoso", default_domain="Contoso.onmicrosoft.com"
            ),
            CustomerData(tenant_id=existing.tenant_id, name="Bäckerei Huber (neu)", country="de"),
        ],
    )
    assert (result.created, result.updated) == (1, 1)
    created = Customer.objects.get(partner=ws.partner, tenant_id=tenant)
    assert created.default_domain == "contoso.onmicrosoft.com"
    existing.refresh_from_db()
    assert existing.name == "Bäckerei Huber (neu)"
    again = actions.sync_customers(ws.system(), customers=[])
    assert again.total == 0
    assert Customer.objects.filter(pk=existing.pk).exists()


def test_sync_subscriptions_upserts_and_marks_missing_deleted(ws: Workspace) -> None:
    customer = ws.customers["a"]
    first = [
        SubscriptionData(vendor_id="s-1", offer_name="Exchange Online (Plan 1)", status="active"),
        SubscriptionData(vendor_id="s-2", offer_name="Azure plan", status="active"),
        SubscriptionData(
            vendor_id="s-3", offer_name="Something", status="unknown", raw_status="frozen"
        ),
    ]
    result = actions.sync_subscriptions(ws.system(), customer=customer, subscriptions=first)
    assert result.created == 3
    rows = {s.vendor_id: s for s in Subscription.objects.filter(customer=customer)}
    assert rows["s-1"].service_id == "exchange-online"
    assert rows["s-2"].service_id == "azure"
    assert rows["s-3"].status == "unknown" and rows["s-3"].raw_status == "frozen"
    assert all(s.synced_at is not None and s.source == "partner_center" for s in rows.values())

    second = [
        SubscriptionData(
            vendor_id="s-1", offer_name="Exchange Online (Plan 1)", status="active", quantity=4
        ),
        SubscriptionData(
            vendor_id="s-3", offer_name="Something", status="unknown", raw_status="frozen"
        ),
    ]
    result = actions.sync_subscriptions(ws.system(), customer=customer, subscriptions=second)
    assert (result.updated, result.unchanged, result.marked_deleted) == (1, 1, 1)
    gone = Subscription.objects.get(vendor_id="s-2")
    assert gone.status == "deleted"

    partial = actions.sync_subscriptions(
        ws.system(), customer=customer, subscriptions=[], complete=False
    )
    assert partial.marked_deleted == 0
    assert Subscription.objects.get(vendor_id="s-1").status == "active"


def test_sync_needs_the_permission(ws: Workspace) -> None:
    from partnerdesk.core.errors import DomainError

    with pytest.raises(DomainError):
        actions.sync_customers(ws.actor("sales_agent"), customers=[])
