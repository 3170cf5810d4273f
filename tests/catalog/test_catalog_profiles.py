"""The catalog's defaults, the owner's edits (pages and API), reset, workspace-own services."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from partnerdesk.catalog import actions, selectors
from partnerdesk.catalog.defaults import DEFAULT_PROFILES, DEFAULT_SERVICES
from partnerdesk.catalog.entra_roles import ROLE_NAMES
from partnerdesk.catalog.models import Service, ServiceProfile
from partnerdesk.catalog.profiles import check_template, render_link
from partnerdesk.partners.enums import Instance
from tests.kit import Workspace, api_client, problem, session_client

pytestmark = pytest.mark.django_db


def _patch(client: Client, path: str, body: dict[str, Any]):  # type: ignore[no-untyped-def]
    return client.patch(path, body, content_type="application/json")


def test_every_default_service_has_a_profile_with_a_source() -> None:
    for code, _name, _parent in DEFAULT_SERVICES:
        profile = DEFAULT_PROFILES[code]
        assert profile["source"], code
        for instance, portals in profile["portals"].items():
            assert instance in Instance.values
            for template in portals.values():
                assert check_template(template) is None, (code, template)
        assert all(role in ROLE_NAMES for role in profile["admin_roles"]), code
    assert Service.objects.filter(code="office-365", parent_id="m365").exists()


def test_defaults_escalate_to_21vianet_and_name_health_feeds(ws: Workspace) -> None:
    actor = ws.actor("admin_agent")
    exchange = selectors.profile_for(actor, Service.objects.get(code="exchange-online"))
    assert exchange.escalation_for("global") == "assisted"
    assert exchange.escalation_for("china_21vianet") == "21vianet"
    azure = selectors.profile_for(actor, Service.objects.get(code="azure"))
    assert azure.escalation == "azure_support"
    assert (
        selectors.profile_for(actor, Service.objects.get(code="dynamics-365")).vendor_fee == "fee"
    )
    for name, code in (
        ("Exchange", "exchange-online"),
        ("MicrosoftCommunicationsOnline", "teams"),
        ("Lync", "teams"),
        ("CRM Online", "dynamics-365"),
        ("microsoft 365 suite", "m365"),
        ("OneDrive for Business", "onedrive"),
    ):
        found = selectors.service_for_health_name(partner_id=ws.partner.pk, name=name)
        assert found is not None and found.code == code, name
    link = render_link(
        exchange.portal("global").admin, tenant_id="t-1", domain="contoso.onmicrosoft.com"
    )
    assert link.endswith("delegatedOrg=contoso.onmicrosoft.com")


@pytest.mark.parametrize(
    ("template", "problem_code"),
    [
        ("http://admin.example/{domain}", "https"),
        ("https://admin.example/{customer}", "placeholder"),
        ("https://admin.example/{domain", "malformed"),
        ("https://admin example", "spaces"),
        ("https://admin.example/?org={domain}&t={tenant_id}", None),
        ("", None),
    ],
)
def test_link_templates_are_checked(template: str, problem_code: str | None) -> None:
    assert check_template(template) == problem_code


def test_owner_edits_resets_and_others_read(ws: Workspace) -> None:
    owner = api_client(ws.member("global_admin"))
    response = _patch(
        owner,
        "/api/v1/services/exchange-online/profile",
        {
            "vendor_fee": "fee",
            "health_names": ["Exchange Online", "EXO"],
            "portals": {"global": {"admin": "https://admin.exchange.example/?org={domain}"}},
        },
    )
    assert response.status_code == 200, response.content
    profile = response.json()["profile"]
    assert profile["is_default"] is False and profile["vendor_fee"] == "fee"
    assert profile["portals"]["global"]["admin"] == "https://admin.exchange.example/?org={domain}"
    assert profile["escalation_by_instance"] == {"china_21vianet": "21vianet"}
    row = ServiceProfile.objects.get(partner=ws.partner, service_id="exchange-online")
    assert row.updated_by_id == ws.member("global_admin").pk

    bad = _patch(
        owner,
        "/api/v1/services/exchange-online/profile",
        {"portals": {"global": {"admin": "http://x/{who}"}}, "admin_roles": ["nope"]},
    )
    assert bad.status_code == 422
    fields = {e["field"] for e in problem(bad)["errors"]}
    assert fields == {"portals.global.admin", "admin_roles"}

    agent = api_client(ws.member("admin_agent"))
    assert _patch(agent, "/api/v1/services/azure/profile", {"vendor_fee": "fee"}).status_code == 403
    assert agent.delete("/api/v1/services/exchange-online/profile").status_code == 403
    listing = agent.get("/api/v1/services").json()["items"]
    exchange = next(s for s in listing if s["code"] == "exchange-online")
    assert exchange["profile"]["vendor_fee"] == "fee"

    contact = api_client(ws.member("contact")).get("/api/v1/services").json()["items"]
    assert all(s["profile"] is None for s in contact)

    assert owner.delete("/api/v1/services/exchange-online/profile").status_code == 204
    assert not ServiceProfile.objects.filter(partner=ws.partner).exists()


def test_own_services_are_invisible_to_other_workspaces(ws: Workspace, other_ws: Workspace) -> None:
    owner = api_client(ws.member("global_admin"))
    response = owner.post(
        "/api/v1/services",
        {"name": "Contoso ERP", "parent_code": "on-premises", "profile": {"vendor_fee": "fee"}},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    code = response.json()["code"]
    assert code.startswith("ws-") and code.endswith("-contoso-erp")
    assert response.json()["is_own"] is True

    other = api_client(other_ws.member("global_admin"))
    assert code not in {s["code"] for s in other.get("/api/v1/services").json()["items"]}
    assert _patch(other, f"/api/v1/services/{code}/profile", {"notes": "x"}).status_code == 404
    assert other.delete(f"/api/v1/services/{code}/profile").status_code == 404
    assert selectors.service_by_code(other_ws.actor("admin_agent"), code) is None
    # another workspace's edits of a shared service never show here
    actions.save_profile(
        other_ws.actor("global_admin"),
        service=Service.objects.get(code="azure"),
        values=actions.ProfileValues(escalation="none", vendor_fee="none"),
    )
    mine = selectors.profile_for(ws.actor("admin_agent"), Service.objects.get(code="azure"))
    assert mine.is_default and mine.escalation == "azure_support"


def test_settings_pages(ws: Workspace) -> None:
    agent = session_client(ws.member("admin_agent"))
    page = agent.get("/settings/services/")
    assert page.status_code == 200
    assert b'data-service="office-365"' in page.content
    edit = agent.get("/settings/services/exchange-online/")
    assert edit.status_code == 200 and b'data-testid="read-only"' in edit.content
    assert agent.post("/settings/services/exchange-online/", {}).status_code == 403

    owner = session_client(ws.member("global_admin"))
    form = {
        "escalation": "assisted",
        "vendor_fee": "included",
        "admin_roles": ["29232cdf-9323-42fd-ade2-1d097af3e4de"],
        "extra_roles": "",
        "health_names": "Exchange Online\nExchange",
        "portal_global_admin": "ftp://bad/{x}",
        "escalation_china_21vianet": "21vianet",
    }
    bad = owner.post("/settings/services/exchange-online/", form)
    assert bad.status_code == 422
    assert b'data-field="portal_global_admin"' in bad.content
    form["portal_global_admin"] = "https://admin.exchange.microsoft.com/?delegatedOrg={domain}"
    good = owner.post("/settings/services/exchange-online/", form)
    assert good.status_code == 302
    after = owner.get("/settings/services/").content.decode()
    assert "changed by Global Admin" in after
    assert owner.post("/settings/services/exchange-online/reset/").status_code == 302
    assert not ServiceProfile.objects.filter(partner=ws.partner).exists()

    added = owner.post("/settings/services/new/", {"name": "Line-of-business app", "parent": ""})
    assert added.status_code == 302
    assert Service.objects.filter(partner=ws.partner, name="Line-of-business app").exists()
    assert session_client(ws.member("contact")).get("/settings/services/").status_code == 404
