"""Contacts for the kit's customer people, linked to their logins, plus one without a login."""

from __future__ import annotations

import pytest

from partnerdesk.customers import actions
from partnerdesk.customers.models import Contact
from tests.kit import CUSTOMER_PEOPLE, Workspace


def add_contacts(ws: Workspace) -> dict[str, Contact]:
    """One contact per customer person of `ws` (linked to its login), and "colleague": a
    contact of customer a without a login."""
    system = ws.system()
    found: dict[str, Contact] = {}
    for person in CUSTOMER_PEOPLE:
        member = ws.member(person)
        assert member.customer is not None
        found[person] = actions.create_contact(
            system,
            customer=member.customer,
            name=member.user.full_name,
            email=member.user.email,
            membership=member,
        )
    found["colleague"] = actions.create_contact(
        system,
        customer=ws.customers["a"],
        name="Franz Huber",
        email=f"franz.huber.{ws.partner.pk.hex[:6]}@example.test",
        phone="+49 8031 123-45",
    )
    return found


@pytest.fixture
def contacts(ws: Workspace) -> dict[str, Contact]:
    return add_contacts(ws)


@pytest.fixture
def other_contacts(other_ws: Workspace) -> dict[str, Contact]:
    return add_contacts(other_ws)
