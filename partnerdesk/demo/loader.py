"""The demo workspace of JOURNEYS.md, loaded once by `make run`."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from partnerdesk.accounts import actions as accounts
from partnerdesk.accounts.permissions import Role
from partnerdesk.core import clock
from partnerdesk.core.actor import Actor
from partnerdesk.customers.models import Customer
from partnerdesk.partners import actions as partners
from partnerdesk.partners.enums import Instance, PartnerType
from partnerdesk.partners.selectors import workspace_exists

SLUG = "nordwind-it"
PASSWORD = "nordwind-demo-2026"  # noqa: S105 - published demo login


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str
    note: str


LOGINS = [
    DemoLogin("anna.berger@nordwind-it.example", Role.GLOBAL_ADMIN, "partner owner"),
    DemoLogin("jonas.weber@nordwind-it.example", Role.ADMIN_AGENT, "admin agent"),
    DemoLogin("lena.fischer@nordwind-it.example", Role.HELPDESK_AGENT, "helpdesk agent"),
    DemoLogin("tim.schulz@nordwind-it.example", Role.SALES_AGENT, "sales agent"),
    DemoLogin("maria.huber@baeckerei-huber.example", Role.CONTACT, "contact, Bäckerei Huber"),
]
NAMES = {
    "anna.berger@nordwind-it.example": "Anna Berger",
    "jonas.weber@nordwind-it.example": "Jonas Weber",
    "lena.fischer@nordwind-it.example": "Lena Fischer",
    "tim.schulz@nordwind-it.example": "Tim Schulz",
    "maria.huber@baeckerei-huber.example": "Maria Huber",
}


def load_demo() -> bool:
    """Create the demo workspace unless it exists. Returns True if it was created now."""
    if workspace_exists(slug=SLUG):
        return False
    workspace = partners.create_workspace(
        name="Nordwind IT GmbH",
        slug=SLUG,
        instance=Instance.GLOBAL,
        partner_type=PartnerType.DIRECT_BILL,
        time_zone="Europe/Berlin",
        default_language="de",
        mpn_id="4711001",
        support_email="support@nordwind-it.example",
        support_phone="+49 89 1234567",
        support_website="https://nordwind-it.example/support",
    )
    system = Actor.system(partner_id=workspace.pk, reason="demo data")
    with transaction.atomic(durable=True):
        huber = Customer.objects.create(
            partner=workspace, name="Bäckerei Huber", created_at=clock.now()
        )
        Customer.objects.create(
            partner=workspace, name="Nordwind IT GmbH", is_partner_own=True, created_at=clock.now()
        )
    for login in LOGINS:
        accounts.create_member(
            system,
            email=login.email,
            full_name=NAMES[login.email],
            role=login.role,
            password=PASSWORD,
            customer=huber if login.role == Role.CONTACT else None,
            language="de",
        )
    return True
