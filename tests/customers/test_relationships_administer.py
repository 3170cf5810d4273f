"""The administer decision (pure) and the administer redirect (audited on behalf of the
customer)."""

from __future__ import annotations

import uuid

import pytest

from partnerdesk.catalog.entra_roles import (
    EXCHANGE_ADMINISTRATOR,
    GLOBAL_ADMINISTRATOR,
    GLOBAL_READER,
)
from partnerdesk.core.models import AuditEntry
from partnerdesk.customers.models_services import AdminRelationship
from partnerdesk.customers.relationships import administer
from partnerdesk.customers.relationships.administer import Grant, GroupHolding, decide
from tests.customers.relationships_world import make_world
from tests.kit import session_client

TEMPLATE = "https://admin.exchange.microsoft.com/?delegatedOrg={domain}"
ROLES = (EXCHANGE_ADMINISTRATOR, GLOBAL_ADMINISTRATOR)
REL = uuid.uuid4()


def _grant(*, member: bool = True, group_roles: tuple[str, ...] = (EXCHANGE_ADMINISTRATOR,),
           roles: tuple[str, ...] = (EXCHANGE_ADMINISTRATOR,)) -> Grant:  # fmt: skip
    return Grant(
        relationship_id=REL,
        name="Huber Exchange",
        role_ids=frozenset(roles),
        groups=(
            GroupHolding(
                group_id=uuid.uuid4(),
                name="Exchange admins",
                role_ids=frozenset(group_roles),
                agent_is_member=member,
            ),
        ),
    )


def _decide(**overrides: object) -> administer.Decision:
    values: dict[str, object] = {
        "admin_roles": ROLES,
        "grants": [_grant()],
        "can_administer": True,
        "template": TEMPLATE,
        "tenant_id": str(uuid.uuid4()),
        "domain": "huber.onmicrosoft.com",
    }
    values.update(overrides)
    return decide(**values)  # type: ignore[arg-type]


def _codes(decision: administer.Decision) -> list[str]:
    return [r.code for r in decision.reasons]


def test_allowed_with_link_and_relationship() -> None:
    decision = _decide()
    assert decision.allowed
    assert (
        decision.link == "https://admin.exchange.microsoft.com/?delegatedOrg=huber.onmicrosoft.com"
    )
    assert decision.relationship_id == REL


def test_no_relationship_names_the_roles() -> None:
    decision = _decide(grants=[_grant(roles=(GLOBAL_READER,), group_roles=(GLOBAL_READER,))])
    assert _codes(decision) == [administer.NO_RELATIONSHIP]
    assert decision.messages == [
        "No active admin relationship grants Exchange Administrator or Global Administrator."
    ]


def test_not_in_group_names_relationship_and_group() -> None:
    decision = _decide(grants=[_grant(member=False)])
    assert _codes(decision) == [administer.NOT_IN_GROUP]
    assert decision.messages[0] == (
        "You are not in a security group holding Exchange Administrator in relationship "
        "Huber Exchange — ask an admin to add you to group Exchange admins."
    )


def test_no_group_holds_the_role() -> None:
    decision = _decide(grants=[_grant(group_roles=(GLOBAL_READER,))])
    assert _codes(decision) == [administer.NO_GROUP]


def test_missing_tenant_id_and_role_all_named() -> None:
    decision = _decide(
        template="https://x.example/?t={tenant_id}", tenant_id="", can_administer=False
    )
    assert _codes(decision) == [administer.NOT_ADMIN_AGENT, administer.NO_TENANT_ID]
    assert "The customer's tenant id is not recorded." in decision.messages
    assert "You need the Admin agent role." in decision.messages


def test_no_portal_for_the_instance() -> None:
    assert _codes(_decide(template="")) == [administer.NO_PORTAL]


def test_managed_link_needs_any_held_role() -> None:
    assert _decide(admin_roles=(), template="https://lighthouse.microsoft.com").allowed
    assert _codes(_decide(admin_roles=(), grants=[], template="https://x.example")) == [
        administer.NO_RELATIONSHIP
    ]


# --- the redirect ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_post_records_on_behalf_of_the_customer_and_redirects() -> None:
    world = make_world()
    c = world.customer.pk
    client = session_client(world.ws.member("admin_agent"))
    url = f"/desk/customers/{c}/services/exchange-online/administer/"
    response = client.post(url)
    assert response.status_code == 303
    location = response["Location"]
    assert location.startswith("https://admin.exchange.microsoft.com/")
    assert "delegatedOrg=huber.onmicrosoft.com" in location
    entry = AuditEntry.objects.get(partner_id=world.ws.partner.pk, action="customer.administered")
    assert entry.customer_id == c
    assert entry.data["service"] == "exchange-online"
    assert AdminRelationship.objects.get(pk=world.rel.pk).last_used_at is not None


@pytest.mark.django_db
def test_refusals() -> None:
    world = make_world()
    c = world.customer.pk
    url = f"/desk/customers/{c}/services/exchange-online/administer/"
    # Not in the group (global admin): 403 and nothing recorded; the page says why.
    admin = session_client(world.ws.member("global_admin"))
    assert admin.post(url).status_code == 403
    page = admin.get(url)
    assert page.status_code == 403
    assert "ask an admin to add you to group Exchange admins" in page.content.decode()
    # A service the customer does not use, another customer, customer people: 404.
    agent = session_client(world.ws.member("admin_agent"))
    assert agent.post(f"/desk/customers/{c}/services/azure/administer/").status_code == 404
    b = world.ws.customers["b"].pk
    assert (
        agent.post(f"/desk/customers/{b}/services/exchange-online/administer/").status_code == 404
    )
    assert session_client(world.ws.member("manager")).post(url).status_code == 404
    # In the group but without customers.administer (helpdesk agent).
    from partnerdesk.customers.relationships import actions

    actions.add_member(
        world.ws.actor("global_admin"),
        group=world.group,
        membership=world.ws.member("helpdesk_agent"),
    )
    assert session_client(world.ws.member("helpdesk_agent")).post(url).status_code == 403
    assert not AuditEntry.objects.filter(action="customer.administered").exists()


@pytest.mark.django_db
def test_get_without_csrf_does_not_redirect() -> None:
    world = make_world()
    client = session_client(world.ws.member("admin_agent"))
    client.handler.enforce_csrf_checks = True  # type: ignore[attr-defined]
    url = f"/desk/customers/{world.customer.pk}/services/exchange-online/administer/"
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 403
    assert not AuditEntry.objects.filter(action="customer.administered").exists()


@pytest.mark.django_db
def test_portal_origin_allowed_as_form_action_only_for_who_may_use_it() -> None:
    world = make_world()
    url = f"/desk/customers/{world.customer.pk}/services/"
    mine = session_client(world.ws.member("admin_agent")).get(url)
    policy = mine["Content-Security-Policy"]
    assert "form-action 'self' https://admin.exchange.microsoft.com" in policy
    theirs = session_client(world.ws.member("global_admin")).get(url)
    assert "admin.exchange.microsoft.com" not in theirs["Content-Security-Policy"]


def test_only_plain_hosts_reach_the_policy() -> None:
    """An owner's portal template can't smuggle a directive into the CSP's form-action."""
    from django.http import HttpResponse

    from partnerdesk.customers.relationships.views import _allow_portals

    response = _allow_portals(
        HttpResponse(),
        [
            "https://admin.exchange.microsoft.com/?delegatedOrg=x",
            "https://evil.example;script-src *@x/",
            "http://plain.example/",
            "https://portal.azure.cn:443/#@x",
        ],
    )
    assert response._csp_update == {  # type: ignore[attr-defined]
        "form-action": ["https://admin.exchange.microsoft.com", "https://portal.azure.cn:443"]
    }
