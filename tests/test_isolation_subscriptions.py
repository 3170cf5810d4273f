"""Isolation of subscriptions, imports and the service catalog: another workspace's ids are
404, its customers are "unknown" in a CSV, its own services and profiles are invisible (also as
a ticket's service); customer people see their own organisation's subscriptions alone."""

from __future__ import annotations

import pytest

from partnerdesk.catalog import actions as catalog_actions
from partnerdesk.catalog import selectors as catalog_selectors
from partnerdesk.catalog.models import Service
from partnerdesk.core.errors import DomainError
from partnerdesk.customers.models import ImportJob, Subscription
from partnerdesk.customers.subscriptions import access, actions, selectors
from tests.kit import Workspace, api_client, make_workspace


def subscription_of(ws: Workspace, customer: str) -> Subscription:
    """A subscription of the workspace's customer `customer` (made once)."""
    target = ws.customers[customer]
    found = Subscription.objects.filter(customer=target).first()
    return found or actions.add_subscription(
        ws.system(),
        customer=target,
        values=actions.SubscriptionFields(offer_name=f"Isolation {customer} {ws.partner.pk}"),
    )


def service_of(ws: Workspace) -> Service:
    """The workspace's own service "Isolation ERP" (made once)."""
    found = Service.objects.filter(partner=ws.partner).first()
    return found or catalog_actions.add_service(ws.system(), name=f"Isolation ERP {ws.partner.pk}")


def import_of(ws: Workspace) -> ImportJob:
    """An import job of the workspace (made once)."""
    found = ImportJob.objects.filter(partner=ws.partner).first()
    return found or actions.start_import(
        ws.system(), kind="customers", file_name="iso.csv", raw=b"name\nIso\n", enqueue=False
    )


pytestmark = pytest.mark.django_db


@pytest.fixture
def two() -> tuple[Workspace, Workspace]:
    return make_workspace("Nordwind"), make_workspace("Alpen")


def test_foreign_subscriptions_and_imports_are_404(two: tuple[Workspace, Workspace]) -> None:
    ws, other = two
    theirs = subscription_of(other, "a")
    job = actions.start_import(
        other.system(), kind="customers", file_name="x.csv", raw=b"name\nx\n", enqueue=False
    )
    for person in ("global_admin", "admin_agent", "contact"):
        actor = ws.actor(person)
        with pytest.raises(DomainError) as caught:
            access.get_subscription_for(actor, theirs.pk)
        assert caught.value.status == 404
        with pytest.raises(DomainError) as caught:
            access.get_import_for(actor, job.pk)
        assert caught.value.status == 404
        assert theirs not in selectors.visible_subscriptions(actor)
    assert job.pk not in {j.pk for j in selectors.recent_imports(ws.actor("global_admin"))}
    with pytest.raises(DomainError) as caught:
        actions.change_subscription(
            ws.actor("global_admin"), subscription=theirs, values=actions.SubscriptionFields()
        )
    assert caught.value.status == 404


def test_customer_people_and_limited_staff_see_their_customers_only(
    two: tuple[Workspace, Workspace],
) -> None:
    ws, _other = two
    mine_a, mine_b = subscription_of(ws, "a"), subscription_of(ws, "b")
    for person in ("contact", "manager", "limited_agent"):
        visible = set(selectors.visible_subscriptions(ws.actor(person)))
        assert mine_a in visible and mine_b not in visible, person
    assert set(selectors.visible_subscriptions(ws.actor("contact_b"))) == {mine_b}


def test_another_workspaces_tenant_ids_are_unknown_in_a_csv(
    two: tuple[Workspace, Workspace],
) -> None:
    import uuid

    ws, other = two
    theirs = other.customers["a"]
    theirs.tenant_id = uuid.uuid4()
    theirs.save()
    text = f"customer_tenant_id,customer_name,offer_name\n{theirs.tenant_id},,Azure plan\n"
    text += f",{theirs.name},Azure plan\n"
    job = actions.start_import(
        ws.actor("admin_agent"),
        kind="subscriptions",
        file_name="x.csv",
        raw=text.encode(),
        enqueue=False,
    )
    job = actions.run_import(job)
    assert [e["outcome"] for e in job.report] == ["failed", "failed"]
    assert "Unknown customer tenant id" in job.report[0]["message"]
    assert "Unknown customer name" in job.report[1]["message"]
    assert not Subscription.objects.filter(customer=theirs).exists()
    assert ImportJob.objects.filter(partner=other.partner).count() == 0


def test_own_services_and_profiles_stay_in_their_workspace(
    two: tuple[Workspace, Workspace],
) -> None:
    ws, other = two
    theirs = service_of(other)
    catalog_actions.save_profile(
        other.actor("global_admin"),
        service=Service.objects.get(code="teams"),
        values=catalog_actions.ProfileValues(health_names=["Secret Teams"], vendor_fee="fee"),
    )
    actor = ws.actor("global_admin")
    assert catalog_selectors.service_by_code(actor, theirs.code) is None
    assert theirs.code not in {s.code for s in catalog_selectors.all_services(actor)}
    assert catalog_selectors.profile_for(actor, Service.objects.get(code="teams")).is_default
    assert (
        catalog_selectors.service_for_health_name(partner_id=ws.partner.pk, name="Secret Teams")
        is None
    )
    assert theirs.code not in {
        s["code"]
        for s in api_client(ws.member("admin_agent")).get("/api/v1/services").json()["items"]
    }
    with pytest.raises(DomainError) as caught:
        catalog_actions.save_profile(actor, service=theirs, values=catalog_actions.ProfileValues())
    assert caught.value.status == 404


def test_a_ticket_cannot_be_about_another_workspaces_own_service(
    two: tuple[Workspace, Workspace],
) -> None:
    ws, other = two
    theirs = service_of(other)
    client = api_client(ws.member("helpdesk_agent"))
    response = client.post(
        "/api/v1/tickets",
        {
            "customer_id": str(ws.customers["a"].pk),
            "subject": "ERP down",
            "description": "It is down.",
            "category": "break_fix",
            "severity": "B",
            "service": theirs.code,
        },
        content_type="application/json",
    )
    assert response.status_code == 422, response.content
    assert [e["field"] for e in response.json()["errors"]] == ["service"]
