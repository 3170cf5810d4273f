"""The graph connector's write: relationships, their roles and assignments, and the partner's
security groups, upserted by the vendor's ids (reference §4.4)."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from django.db import transaction

from partnerdesk.accounts.models import Membership
from partnerdesk.accounts.permissions import STAFF_ROLES
from partnerdesk.core import audit, clock, policies
from partnerdesk.core.actor import Actor

from ...enums import AssignmentStatus, AutoExtend, RelationshipSource, RelationshipStatus
from ...models import Customer
from ...models_services import (
    AccessAssignment,
    AdminRelationship,
    RelationshipRole,
    SecurityGroup,
    SecurityGroupMember,
)
from ..feed import GroupData, RelationshipData

logger = logging.getLogger(__name__)


@dataclass
class SyncResult:
    created: int = 0
    updated: int = 0
    skipped_unknown_tenant: int = 0
    unknown_statuses: int = 0
    groups_created: int = 0
    groups_updated: int = 0


def _status(value: str) -> str:
    return value if value in RelationshipStatus.values else RelationshipStatus.UNKNOWN


def _auto_extend(value: str) -> str:
    value = (value or "").upper()
    return AutoExtend.DAYS_180 if value == "P180D" else AutoExtend.NONE


def _free_name(partner_id: uuid.UUID, name: str, vendor_id: str, taken: set[str]) -> str:
    """A group name not used by another group (names are unique per workspace)."""
    name = (name or vendor_id)[:200]
    if name not in taken:
        return name
    return f"{name[:160]} ({vendor_id[:36]})"


class _Groups:
    def __init__(self, partner_id: uuid.UUID, result: SyncResult) -> None:
        self.partner_id = partner_id
        self.result = result
        rows = list(SecurityGroup.objects.select_for_update().filter(partner_id=partner_id))
        self.by_vendor = {g.vendor_id: g for g in rows if g.vendor_id}
        self.names = {g.name: g for g in rows}

    def upsert(self, vendor_id: str, name: str) -> SecurityGroup:
        group = self.by_vendor.get(vendor_id)
        if group is None:
            group = SecurityGroup(
                partner_id=self.partner_id,
                vendor_id=vendor_id,
                name=_free_name(self.partner_id, name, vendor_id, set(self.names)),
                created_at=clock.now(),
            )
            group.save(force_insert=True)
            self.by_vendor[vendor_id] = group
            self.names[group.name] = group
            self.result.groups_created += 1
        elif name and group.name != name and self.names.get(name) in (None, group):
            self.names.pop(group.name, None)
            group.name = name[:200]
            group.save(update_fields=["name"])
            self.names[group.name] = group
            self.result.groups_updated += 1
        return group


def _staff_by_email(partner_id: uuid.UUID) -> dict[str, uuid.UUID]:
    return {
        email.lower(): pk
        for pk, email in Membership.objects.filter(
            partner_id=partner_id, role__in=sorted(str(r) for r in STAFF_ROLES), is_active=True
        ).values_list("pk", "user__email")
    }


def _sync_members(group: SecurityGroup, member_ids: set[uuid.UUID]) -> None:
    have = set(
        SecurityGroupMember.objects.filter(group=group).values_list("membership_id", flat=True)
    )
    if have - member_ids:
        SecurityGroupMember.objects.filter(
            group=group, membership_id__in=have - member_ids
        ).delete()
    SecurityGroupMember.objects.bulk_create(
        [
            SecurityGroupMember(partner_id=group.partner_id, group=group, membership_id=m)
            for m in member_ids - have
        ]
    )


def _upsert_relationship(
    rel: AdminRelationship | None, data: RelationshipData, customer: Customer, now: object
) -> tuple[AdminRelationship, bool]:
    created = rel is None
    if rel is None:
        rel = AdminRelationship(
            partner_id=customer.partner_id,
            vendor_id=data.vendor_id,
            created_at=data.created_at or clock.now(),
        )
    elif rel.ends_at is not None and data.ends_at is not None and data.ends_at > rel.ends_at:
        rel.warned_days = []  # extended: the warnings start over for the new end
    rel.customer = customer
    rel.display_name = data.display_name[:50]
    rel.status = _status(data.status)
    rel.raw_status = data.raw_status[:60] if rel.status == RelationshipStatus.UNKNOWN else ""
    rel.duration = data.duration[:20]
    rel.auto_extend = _auto_extend(data.auto_extend)
    rel.activated_at = data.activated_at
    rel.ends_at = data.ends_at
    rel.source = RelationshipSource.GRAPH
    rel.synced_at = clock.now()
    rel.updated_at = clock.now()
    rel.save()
    return rel, created


def _sync_roles(rel: AdminRelationship, role_ids: tuple[str, ...]) -> None:
    wanted = {r.lower() for r in role_ids if r}
    have = set(
        RelationshipRole.objects.filter(relationship=rel).values_list(
            "role_definition_id", flat=True
        )
    )
    if have - wanted:
        RelationshipRole.objects.filter(
            relationship=rel, role_definition_id__in=have - wanted
        ).delete()
    RelationshipRole.objects.bulk_create(
        [
            RelationshipRole(partner_id=rel.partner_id, relationship=rel, role_definition_id=r)
            for r in sorted(wanted - have)
        ]
    )


def _sync_assignments(rel: AdminRelationship, data: RelationshipData, groups: _Groups) -> None:
    existing = {a.group_id: a for a in AccessAssignment.objects.filter(relationship=rel)}
    seen: set[uuid.UUID] = set()
    for item in data.assignments:
        group = groups.upsert(item.group_vendor_id, item.group_name)
        status = item.status if item.status in AssignmentStatus.values else "unknown"
        roles = sorted({r.lower() for r in item.role_definition_ids if r})
        row = existing.get(group.pk)
        if row is None:
            row = AccessAssignment(partner_id=rel.partner_id, relationship=rel, group=group)
        row.vendor_id = item.vendor_id[:100]
        row.role_definition_ids = roles
        row.status = status
        row.save()
        seen.add(group.pk)
    gone = set(existing) - seen
    if gone:
        AccessAssignment.objects.filter(relationship=rel, group_id__in=gone).delete()


def sync_relationships(
    actor: Actor, *, relationships: list[RelationshipData], groups: list[GroupData]
) -> SyncResult:
    """Upsert what Graph listed. A relationship for a tenant that is no customer here is
    skipped and counted; an unknown status is kept as "unknown" with the raw value."""
    policies.require(actor, "relationships.manage")
    partner_id = actor.workspace_id
    result = SyncResult()
    now = clock.now()
    with transaction.atomic(durable=True):
        known = _Groups(partner_id, result)
        staff = _staff_by_email(partner_id)
        for g in groups:
            group = known.upsert(g.vendor_id, g.name)
            _sync_members(group, {staff[e.lower()] for e in g.member_emails if e.lower() in staff})
        customers = {
            c.tenant_id: c
            for c in Customer.objects.filter(
                partner_id=partner_id,
                tenant_id__in=[r.customer_tenant_id for r in relationships],
            )
        }
        existing = {
            r.vendor_id: r
            for r in AdminRelationship.objects.select_for_update().filter(
                partner_id=partner_id, vendor_id__in=[r.vendor_id for r in relationships]
            )
        }
        for data in relationships:
            customer = customers.get(data.customer_tenant_id)
            if customer is None:
                result.skipped_unknown_tenant += 1
                continue
            if data.status not in RelationshipStatus.values or data.status == "unknown":
                result.unknown_statuses += 1
                logger.warning(
                    "relationship %s: unknown status %r", data.vendor_id, data.raw_status
                )
            rel, created = _upsert_relationship(existing.get(data.vendor_id), data, customer, now)
            _sync_roles(rel, data.role_definition_ids)
            _sync_assignments(rel, data, known)
            if created:
                result.created += 1
            else:
                result.updated += 1
        audit.record(
            actor,
            "relationships.synced",
            data={
                "created": result.created,
                "updated": result.updated,
                "skipped_unknown_tenant": result.skipped_unknown_tenant,
                "groups_created": result.groups_created,
            },
        )
    return result
