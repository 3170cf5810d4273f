"""The shared test kit: actors of every kind in two workspaces, clients, query counting.

ws = make_workspace("Nordwind")          # a workspace with one member per role
ws.actor("helpdesk_agent")               # an Actor, as a request would resolve it
api = api_client(ws.member("sales_agent"))   # a Django test client with a bearer token
with max_queries(5): ...                 # fail if the block runs more than 5 queries
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from partnerdesk.accounts import actions as accounts_actions
from partnerdesk.accounts.actors import SESSION_MEMBERSHIP_KEY, actor_for_membership
from partnerdesk.accounts.models import Membership
from partnerdesk.accounts.permissions import Role
from partnerdesk.core.actor import Actor
from partnerdesk.customers.models import Customer
from partnerdesk.partners.models import Partner
from tests.factories import CustomerFactory, MembershipFactory, PartnerFactory

PASSWORD = "correct horse battery staple"

# Every kind of person the isolation tests need, by the name tests use.
PEOPLE: dict[str, tuple[str, str | None, bool]] = {
    # name: (role, customer key or None, customer-limited to customer "a")
    "global_admin": (Role.GLOBAL_ADMIN, None, False),
    "admin_agent": (Role.ADMIN_AGENT, None, False),
    "helpdesk_agent": (Role.HELPDESK_AGENT, None, False),
    "sales_agent": (Role.SALES_AGENT, None, False),
    "billing_admin": (Role.BILLING_ADMIN, None, False),
    "limited_agent": (Role.HELPDESK_AGENT, None, True),
    "contact": (Role.CONTACT, "a", False),
    "manager": (Role.CUSTOMER_MANAGER, "a", False),
    "contact_b": (Role.CONTACT, "b", False),
}
STAFF = [
    "global_admin",
    "admin_agent",
    "helpdesk_agent",
    "sales_agent",
    "billing_admin",
    "limited_agent",
]
CUSTOMER_PEOPLE = ["contact", "manager", "contact_b"]

_seq = itertools.count(1)


@dataclass
class Workspace:
    partner: Partner
    customers: dict[str, Customer]
    members: dict[str, Membership] = field(default_factory=dict)

    def member(self, name: str) -> Membership:
        return self.members[name]

    def actor(self, name: str) -> Actor:
        membership = Membership.objects.select_related("user").get(pk=self.members[name].pk)
        return actor_for_membership(membership)

    def system(self) -> Actor:
        return Actor.system(partner_id=self.partner.pk, reason="test")


def make_workspace(name: str = "Nordwind IT", **partner_fields: Any) -> Workspace:
    """A workspace with customers a, b and its own tenant, and one member per kind of person."""
    n = next(_seq)
    partner = PartnerFactory(name=f"{name} {n}", **partner_fields)
    customers = {
        "a": CustomerFactory(partner=partner, name=f"Bäckerei Huber {n}"),
        "b": CustomerFactory(partner=partner, name=f"Stadtwerke Rosenheim {n}"),
        "own": CustomerFactory(partner=partner, name=f"{name} {n}", is_partner_own=True),
    }
    ws = Workspace(partner=partner, customers=customers)
    for person, (role, customer_key, limited) in PEOPLE.items():
        membership = MembershipFactory(
            partner=partner,
            role=role,
            customer=customers[customer_key] if customer_key else None,
            is_customer_limited=limited,
            user__email=f"{person}.{n}@example.test",
            user__full_name=person.replace("_", " ").title(),
        )
        if limited:
            membership.limited_customers.set([customers["a"]])
        ws.members[person] = membership
    return ws


# --- clients -----------------------------------------------------------------------------------


def api_client(membership: Membership) -> Client:
    """A test client that authenticates with a fresh personal API token of `membership`."""
    actor = actor_for_membership(
        Membership.objects.select_related("user").get(pk=membership.pk), via="cli"
    )
    _token, secret = accounts_actions.create_api_token(actor, name=f"test {next(_seq)}")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def confirmed_device(membership: Membership) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=membership.user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=membership.user, name="test", confirmed=True)


def session_client(membership: Membership, *, verified: bool = True) -> Client:
    """A browser-like client signed in as `membership`, past the second factor if `verified`."""
    client = Client()
    client.force_login(membership.user)
    session = client.session
    session[SESSION_MEMBERSHIP_KEY] = str(membership.pk)
    if verified:
        session[DEVICE_ID_SESSION_KEY] = confirmed_device(membership).persistent_id
    session.save()
    return client


# --- query counting ----------------------------------------------------------------------------


@contextlib.contextmanager
def max_queries(limit: int) -> Iterator[CaptureQueriesContext]:
    """Fail if the block runs more than `limit` SQL queries; shows them when it does."""
    with CaptureQueriesContext(connection) as captured:
        yield captured
    if len(captured.captured_queries) > limit:
        listing = "\n".join(q["sql"][:200] for q in captured.captured_queries)
        raise AssertionError(
            f"{len(captured.captured_queries)} queries, at most {limit}:\n{listing}"
        )


def problem(response: Any) -> dict[str, Any]:
    """The problem+json body of an error response (asserting it is one)."""
    assert response["Content-Type"] == "application/problem+json", response.content
    return response.json()  # type: ignore[no-any-return]


def contacts_for(ws: Workspace) -> dict[str, Any]:
    """Contact rows for the kit's customer people, linked to their logins (made once)."""
    from partnerdesk.customers.models import Contact

    found = {}
    for person in CUSTOMER_PEOPLE:
        member = ws.member(person)
        contact, _created = Contact.objects.get_or_create(
            partner=ws.partner,
            email=member.user.email,
            defaults={
                "customer": member.customer,
                "name": member.user.full_name,
                "membership": member,
                "created_at": member.created_at,
            },
        )
        found[person] = contact
    return found
