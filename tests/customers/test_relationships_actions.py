"""Relationship actions: the Graph sync, manual recording rules, DAP flags."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from partnerdesk.catalog.entra_roles import (
    EXCHANGE_ADMINISTRATOR,
    GLOBAL_ADMINISTRATOR,
    GLOBAL_READER,
    HELPDESK_ADMINISTRATOR,
)
from partnerdesk.core import clock
from partnerdesk.core.errors import DomainError
from partnerdesk.customers.enums import RelationshipKind, RelationshipSource
from partnerdesk.customers.models_services import (
    AccessAssignment,
    AdminRelationship,
    SecurityGroup,
    SecurityGroupMember,
)
from partnerdesk.customers.relationships import actions, selectors
from partnerdesk.customers.relationships.feed import AssignmentData, GroupData, RelationshipData
from partnerdesk.partners.enums import Instance
from tests.customers.relationships_world import TENANT, make_world
from tests.kit import make_workspace

pytestmark = pytest.mark.django_db


def _rel_data(**overrides: object) -> RelationshipData:
    now = clock.now()
    values: dict[str, object] = {
        "vendor_id": "aaaa-bbbb",
        "display_name": "Graph rel",
        "customer_tenant_id": TENANT,
        "status": "active",
        "raw_status": "active",
        "duration": "P730D",
        "auto_extend": "PT0S",
        "role_definition_ids": (HELPDESK_ADMINISTRATOR.upper(),),
        "activated_at": now - timedelta(days=1),
        "ends_at": now + timedelta(days=20),
        "assignments": (
            AssignmentData(
                vendor_id="as-1",
                group_vendor_id="grp-1",
                group_name="Helpdesk",
                role_definition_ids=(HELPDESK_ADMINISTRATOR,),
                status="active",
            ),
        ),
    }
    values.update(overrides)
    return RelationshipData(**values)  # type: ignore[arg-type]


def test_sync_upserts_by_vendor_id_and_matches_members_by_email() -> None:
    world = make_world()
    ws = world.ws
    system = ws.system()
    agent_email = ws.member("helpdesk_agent").user.email.upper()
    groups = [GroupData(vendor_id="grp-1", name="Helpdesk", member_emails=(agent_email, "x@y.z"))]
    unknown_tenant = _rel_data(vendor_id="zzz", customer_tenant_id=uuid.uuid4())
    result = actions.sync_relationships(
        system, relationships=[_rel_data(), unknown_tenant], groups=groups
    )
    assert (result.created, result.skipped_unknown_tenant) == (1, 1)
    rel = AdminRelationship.objects.get(vendor_id="aaaa-bbbb")
    assert rel.source == RelationshipSource.GRAPH
    assert list(rel.roles.values_list("role_definition_id", flat=True)) == [HELPDESK_ADMINISTRATOR]
    group = SecurityGroup.objects.get(partner=ws.partner, vendor_id="grp-1")
    assert list(
        SecurityGroupMember.objects.filter(group=group).values_list("membership_id", flat=True)
    ) == [ws.member("helpdesk_agent").pk]
    assert AccessAssignment.objects.get(relationship=rel).group == group
    # Again, renamed: updated in place.
    again = actions.sync_relationships(
        system, relationships=[_rel_data(display_name="Renamed")], groups=groups
    )
    assert (again.created, again.updated) == (0, 1)
    assert AdminRelationship.objects.get(vendor_id="aaaa-bbbb").display_name == "Renamed"


def test_sync_keeps_unknown_status_raw() -> None:
    world = make_world()
    actions.sync_relationships(
        world.ws.system(),
        relationships=[_rel_data(status="unknown", raw_status="suspendedByMars")],
        groups=[],
    )
    rel = AdminRelationship.objects.get(vendor_id="aaaa-bbbb")
    assert (rel.status, rel.raw_status) == ("unknown", "suspendedByMars")


def test_extension_clears_warnings_but_a_same_end_does_not() -> None:
    world = make_world()
    system = world.ws.system()
    end = clock.now() + timedelta(days=20)
    actions.sync_relationships(system, relationships=[_rel_data(ends_at=end)], groups=[])
    AdminRelationship.objects.filter(vendor_id="aaaa-bbbb").update(warned_days=[30])
    actions.sync_relationships(system, relationships=[_rel_data(ends_at=end)], groups=[])
    assert AdminRelationship.objects.get(vendor_id="aaaa-bbbb").warned_days == [30]
    later = end + timedelta(days=180)
    actions.sync_relationships(system, relationships=[_rel_data(ends_at=later)], groups=[])
    assert AdminRelationship.objects.get(vendor_id="aaaa-bbbb").warned_days == []


def _input(world, **overrides):  # type: ignore[no-untyped-def]
    values = {
        "customer": world.customer,
        "display_name": "Manual",
        "role_ids": [EXCHANGE_ADMINISTRATOR],
        "duration": "P365D",
    }
    values.update(overrides)
    return actions.RelationshipInput(**values)


def _refused(call, code: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as caught:
        call()
    codes = [e.code for e in caught.value.errors] or [caught.value.code]
    assert code in codes, caught.value


def test_global_admin_with_auto_extend_is_refused() -> None:
    world = make_world()
    admin = world.ws.actor("admin_agent")
    _refused(
        lambda: actions.create_relationship(
            admin,
            data=_input(world, role_ids=[GLOBAL_ADMINISTRATOR, GLOBAL_READER], auto_extend="P180D"),
        ),
        "global_admin_no_auto_extend",
    )
    ok = actions.create_relationship(
        admin, data=_input(world, role_ids=[GLOBAL_READER], auto_extend="P180D")
    )
    assert ok.auto_extend == "P180D"


@pytest.mark.parametrize(
    ("duration", "accepted"),
    [("P1D", True), ("P2Y", True), ("P730D", True), ("P731D", False), ("P0D", False), ("x", False)],
)
def test_duration_range(duration: str, accepted: bool) -> None:
    world = make_world()
    admin = world.ws.actor("admin_agent")
    call = lambda: actions.create_relationship(admin, data=_input(world, duration=duration))  # noqa: E731
    if accepted:
        assert call().ends_at is not None
    else:
        with pytest.raises(DomainError):
            call()


def test_name_unique_and_roles_validated() -> None:
    world = make_world()
    admin = world.ws.actor("admin_agent")
    _refused(
        lambda: actions.create_relationship(
            admin, data=_input(world, display_name="huber exchange")
        ),
        "taken",
    )
    _refused(
        lambda: actions.create_relationship(admin, data=_input(world, role_ids=["not-a-guid"])),
        "not_a_role",
    )
    free = str(uuid.uuid4())
    rel = actions.create_relationship(admin, data=_input(world, role_ids=[free]))
    assert list(rel.roles.values_list("role_definition_id", flat=True)) == [free]


def test_21vianet_records_by_hand_and_needs_the_permission() -> None:
    ws = make_workspace("Beijing", instance=Instance.CHINA_21VIANET)
    customer = ws.customers["a"]
    data = actions.RelationshipInput(
        customer=customer, display_name="CN", role_ids=[GLOBAL_READER], duration="P180D"
    )
    _refused(
        lambda: actions.create_relationship(ws.actor("helpdesk_agent"), data=data), "forbidden"
    )
    rel = actions.create_relationship(ws.actor("admin_agent"), data=data)
    assert rel.source == RelationshipSource.MANUAL


def test_synced_relationships_and_groups_are_not_edited_by_hand() -> None:
    world = make_world()
    system = world.ws.system()
    actions.sync_relationships(system, relationships=[_rel_data()], groups=[])
    rel = AdminRelationship.objects.get(vendor_id="aaaa-bbbb")
    admin = world.ws.actor("admin_agent")
    _refused(lambda: actions.terminate_relationship(admin, relationship=rel), "synced_relationship")
    group = SecurityGroup.objects.get(vendor_id="grp-1")
    _refused(lambda: actions.rename_group(admin, group=group, name="x"), "synced_group")


def test_only_staff_join_groups() -> None:
    world = make_world()
    admin = world.ws.actor("global_admin")
    _refused(
        lambda: actions.add_member(admin, group=world.group, membership=world.ws.member("contact")),
        "not_staff",
    )


def test_terminate_ends_it_now() -> None:
    world = make_world()
    rel = actions.terminate_relationship(world.ws.actor("admin_agent"), relationship=world.rel)
    assert rel.status == "terminated"
    assert rel.ends_at is not None and rel.ends_at <= clock.now()


@pytest.mark.parametrize(("days", "unused"), [(89, False), (91, True)])
def test_dap_flags(days: int, unused: bool) -> None:
    world = make_world()
    rel = actions.create_relationship(
        world.ws.actor("admin_agent"),
        data=actions.RelationshipInput(
            customer=world.customer,
            display_name="Old DAP",
            kind=RelationshipKind.DAP,
            activated_at=clock.now() - timedelta(days=400),
        ),
    )
    rel.last_used_at = clock.now() - timedelta(days=days)
    flags = [str(f) for f in selectors.dap_flags(rel, clock.now())]
    assert flags == (["legacy DAP", "unused for 90 days"] if unused else ["legacy DAP"])
    assert selectors.dap_flags(world.rel, clock.now()) == []


def test_expired_by_date_shows_expired_and_stops_granting() -> None:
    world = make_world()
    rel = world.rel
    rel.ends_at = clock.now() - timedelta(minutes=1)
    assert selectors.shown_status(rel, clock.now()) == "expired"
    AdminRelationship.objects.filter(pk=rel.pk).update(ends_at=rel.ends_at)
    assert selectors.grants_for(world.ws.actor("admin_agent"), world.customer) == []


def test_customers_with_health_access() -> None:
    world = make_world()
    system = world.ws.system()
    assert selectors.customers_with_health_access(system) == [world.customer]  # Global Reader
    actions.terminate_relationship(world.ws.actor("admin_agent"), relationship=world.rel)
    assert selectors.customers_with_health_access(system) == []
