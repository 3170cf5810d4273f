"""Isolation of admin relationships, security groups and service management: another
workspace's ids are 404, customer people see none of it, a customer-limited agent sees only
its customers' relationships."""

from __future__ import annotations

from typing import Any

import pytest

from partnerdesk.catalog.entra_roles import EXCHANGE_ADMINISTRATOR
from partnerdesk.core.errors import DomainError
from partnerdesk.customers.models_services import AdminRelationship, SecurityGroup
from partnerdesk.customers.relationships import access, actions, selectors
from tests.kit import Workspace, api_client, make_workspace, session_client


def group_of(ws: Workspace) -> SecurityGroup:
    """The workspace's security group "Isolation" (made once)."""
    found = SecurityGroup.objects.filter(partner=ws.partner, name="Isolation").first()
    return found or actions.create_group(ws.system(), name="Isolation")


def relationship_of(ws: Workspace, customer: str) -> AdminRelationship:
    """A relationship of the workspace's customer `customer` (made once)."""
    target = ws.customers[customer]
    found = AdminRelationship.objects.filter(customer=target).first()
    if found is not None:
        return found
    group = group_of(ws)
    return actions.create_relationship(
        ws.system(),
        data=actions.RelationshipInput(
            customer=target,
            display_name=f"Isolation {customer} {ws.partner.pk}"[:50],
            role_ids=[EXCHANGE_ADMINISTRATOR],
            assignments={group.pk: [EXCHANGE_ADMINISTRATOR]},
            duration="P90D",
        ),
    )


pytestmark = pytest.mark.django_db


@pytest.fixture
def two() -> tuple[Workspace, Workspace]:
    return make_workspace("Nordwind"), make_workspace("Alpen")


def _404(call: Any) -> None:
    with pytest.raises(DomainError) as caught:
        call()
    assert caught.value.status == 404


def test_foreign_ids_are_404_in_access(two: tuple[Workspace, Workspace]) -> None:
    ws, other = two
    theirs = relationship_of(other, "a")
    their_group = group_of(other)
    admin = ws.actor("global_admin")
    _404(lambda: access.get_relationship_for(admin, theirs.pk))
    _404(lambda: access.get_group_for(admin, their_group.pk))
    _404(lambda: access.get_staff_member_for(admin, other.member("helpdesk_agent").pk))
    _404(lambda: access.get_relationship_for(admin, "not-a-uuid"))


def test_actions_refuse_foreign_objects(two: tuple[Workspace, Workspace]) -> None:
    ws, other = two
    admin = ws.actor("global_admin")
    theirs = relationship_of(other, "a")
    _404(lambda: actions.terminate_relationship(admin, relationship=theirs))
    _404(lambda: actions.rename_group(admin, group=group_of(other), name="x"))
    with pytest.raises(DomainError):
        actions.add_member(admin, group=group_of(ws), membership=other.member("helpdesk_agent"))
    # A relationship here cannot assign a group of another workspace.
    with pytest.raises(DomainError):
        actions.create_relationship(
            admin,
            data=actions.RelationshipInput(
                customer=ws.customers["a"],
                display_name="Cross",
                role_ids=[EXCHANGE_ADMINISTRATOR],
                assignments={group_of(other).pk: [EXCHANGE_ADMINISTRATOR]},
                duration="P30D",
            ),
        )
    # Nor record one for another workspace's customer.
    _404(
        lambda: actions.create_relationship(
            admin,
            data=actions.RelationshipInput(
                customer=other.customers["a"],
                display_name="Cross",
                role_ids=[EXCHANGE_ADMINISTRATOR],
                duration="P30D",
            ),
        )
    )


def test_lists_hold_only_the_workspace(two: tuple[Workspace, Workspace]) -> None:
    ws, other = two
    mine, theirs = relationship_of(ws, "a"), relationship_of(other, "a")
    relationship_of(ws, "b")
    admin = ws.actor("global_admin")
    ids = {r.pk for r in selectors.overview(admin)}
    assert mine.pk in ids and theirs.pk not in ids
    assert [g.name for g in selectors.groups(admin)] == ["Isolation"]
    assert selectors.groups(admin)[0].pk == group_of(ws).pk
    body = api_client(ws.member("global_admin")).get("/api/v1/relationships").content.decode()
    assert str(theirs.pk) not in body and str(mine.pk) in body


def test_limited_agent_sees_only_its_customers(two: tuple[Workspace, Workspace]) -> None:
    ws, _other = two
    relationship_of(ws, "a")
    b = relationship_of(ws, "b")
    limited = ws.actor("limited_agent")
    assert {r.customer_id for r in selectors.overview(limited)} == {ws.customers["a"].pk}
    _404(lambda: access.get_relationship_for(limited, b.pk))
    client = session_client(ws.member("limited_agent"))
    assert client.get(f"/desk/customers/{ws.customers['b'].pk}/relationships/").status_code == 404
    assert client.get(f"/desk/customers/{ws.customers['b'].pk}/services/").status_code == 404
    assert "Isolation b" not in client.get("/desk/relationships/").content.decode()


def test_customer_people_see_nothing(two: tuple[Workspace, Workspace]) -> None:
    ws, _other = two
    rel = relationship_of(ws, "a")
    for person in ("contact", "manager"):
        actor = ws.actor(person)
        _404(lambda: access.get_relationship_for(actor, rel.pk))  # noqa: B023
        _404(lambda: selectors.relationships_of(actor, ws.customers["a"]))  # noqa: B023
        api = api_client(ws.member(person))
        assert api.get(f"/api/v1/relationships/{rel.pk}").status_code == 404
        assert api.get(f"/api/v1/customers/{ws.customers['a'].pk}/services").status_code == 404
