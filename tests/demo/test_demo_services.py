"""The demo's services (RULES 5, journey 1): subscriptions, relationships, groups and health as a
sync would have left them, seen through the product's own API as each demo person sees it."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from partnerdesk.accounts.models import Membership
from partnerdesk.customers.models import Customer
from partnerdesk.demo.loader import SLUG
from tests.kit import api_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo() -> dict[str, Customer]:
    call_command("demo", stdout=io.StringIO())
    return {c.name.split()[0]: c for c in Customer.objects.filter(partner__slug=SLUG)}


def _member(email: str) -> Membership:
    return Membership.objects.get(user__email=email, partner__slug=SLUG)


def _services(email: str, customer: Customer) -> dict[str, dict]:
    response = api_client(_member(email)).get(f"/api/v1/customers/{customer.pk}/services")
    assert response.status_code == 200, response.content
    return {s["code"]: s for s in response.json()["services"]}


def test_the_admin_agent_administers_huber_exchange_and_the_incident_shows(demo: dict) -> None:
    huber = demo["Bäckerei"]
    services = _services("jonas.weber@nordwind-it.example", huber)
    exchange = services["exchange-online"]
    assert exchange["administer"]["allowed"] is True
    assert [i["vendor_id"] for i in exchange["incidents"]] == ["EX226792"]
    # The helpdesk agent's group holds no Exchange role there, and she is no admin agent.
    lena = _services("lena.fischer@nordwind-it.example", huber)["exchange-online"]
    codes = {r["code"] for r in lena["administer"]["reasons"]}
    assert lena["administer"]["allowed"] is False and "not_admin_agent" in codes


def test_an_expired_relationship_gives_no_admin_link(demo: dict) -> None:
    kanzlei = demo["Kanzlei"]
    services = _services("jonas.weber@nordwind-it.example", kanzlei)
    assert services, "Kanzlei's subscriptions give services"
    for service in services.values():
        assert service["administer"]["allowed"] is False
        assert "no_relationship" in {r["code"] for r in service["administer"]["reasons"]}


def test_relationships_show_expiry_and_legacy_dap(demo: dict) -> None:
    owner = api_client(_member("anna.berger@nordwind-it.example"))
    items = owner.get("/api/v1/relationships?limit=200").json()["items"]
    by_name = {r["name"]: r for r in items}
    assert by_name["Nordwind Seeblick Support"]["warning"]
    assert 0 < by_name["Nordwind Seeblick Support"]["days_left"] <= 30
    assert by_name["Legacy DAP Maier"]["kind"] == "dap"
    assert len(by_name["Legacy DAP Maier"]["flags"]) == 2  # legacy, and unused for 90 days
    assert by_name["Nordwind Support Huber"]["auto_extend"] == "P180D"


def test_the_contact_sees_her_organisations_health_and_subscriptions(demo: dict) -> None:
    maria = api_client(_member("maria.huber@baeckerei-huber.example"))
    incidents = {i["vendor_id"] for i in maria.get("/api/v1/incidents").json()["items"]}
    # The service-wide outage of a service Huber uses; never Stadtwerke's own tenant incident.
    assert "EX226792" in incidents and "EX226815" not in incidents
    huber = demo["Bäckerei"]
    subscriptions = maria.get(f"/api/v1/customers/{huber.pk}/subscriptions").json()["items"]
    assert {s["offer_name"] for s in subscriptions} >= {"Microsoft 365 Business Premium"}
    stadtwerke = demo["Stadtwerke"]
    assert maria.get(f"/api/v1/customers/{stadtwerke.pk}/subscriptions").status_code == 404
