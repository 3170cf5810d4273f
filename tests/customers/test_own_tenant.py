"""Every workspace has its own organisation as a customer, made with the workspace."""

from __future__ import annotations

import uuid

import pytest
from django.db import IntegrityError, transaction

from partnerdesk.accounts.permissions import Role
from partnerdesk.core.actor import Actor
from partnerdesk.core.audit import verify_chain
from partnerdesk.core.errors import DomainError
from partnerdesk.core.models import AuditEntry
from partnerdesk.customers import actions
from partnerdesk.customers.models import Customer
from partnerdesk.partners import actions as partners
from partnerdesk.partners.models import Partner
from tests.factories import MembershipFactory
from tests.kit import api_client

pytestmark = pytest.mark.django_db

TENANT = uuid.UUID("3d7f6c2a-9b1e-4e55-8c0d-5a2b7e9f1c44")


def test_a_new_workspace_has_its_own_tenant_as_a_customer() -> None:
    workspace = partners.create_workspace(
        name="Nordwind IT GmbH",
        time_zone="Europe/Berlin",
        default_language="de",
        tenant_id=TENANT,
    )

    own = Customer.objects.get(partner=workspace)
    assert own.is_partner_own
    assert (own.name, own.tenant_id, own.language, own.time_zone) == (
        "Nordwind IT GmbH",
        TENANT,
        "de",
        "Europe/Berlin",
    )
    actions_done = list(
        AuditEntry.objects.filter(partner_id=workspace.pk)
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions_done == ["workspace.created", "customer.created"]
    assert verify_chain(workspace.pk) is None

    admin = MembershipFactory(partner=workspace, role=Role.GLOBAL_ADMIN)
    listed = api_client(admin).get("/api/v1/customers").json()["items"]
    assert [(row["name"], row["is_partner_own"]) for row in listed] == [("Nordwind IT GmbH", True)]


def test_a_refused_workspace_leaves_no_customer_behind() -> None:
    partners.create_workspace(name="Alpen Cloud", slug="alpen")
    with pytest.raises(DomainError):
        partners.create_workspace(name="Alpen Cloud", slug="alpen")
    assert Partner.objects.count() == Customer.objects.count() == 1


def test_a_workspace_has_one_own_tenant() -> None:
    workspace = partners.create_workspace(name="Nordwind IT GmbH")
    system = Actor.system(partner_id=workspace.pk, reason="test")
    with pytest.raises(IntegrityError), transaction.atomic():
        actions.create_own_tenant(system, name="Second", tenant_id=None)
    assert Customer.objects.filter(partner=workspace, is_partner_own=True).count() == 1
