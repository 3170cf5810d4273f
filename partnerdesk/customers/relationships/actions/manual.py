"""Admin relationships recorded by hand (21Vianet has no relationship API; elsewhere for the
ones the connector does not see), and the use of one to administer a customer's service."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from partnerdesk.catalog.entra_roles import GLOBAL_ADMINISTRATOR, ROLE_NAMES
from partnerdesk.core import audit, clock, policies
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import conflict, invalid, not_found

from ...checks import clean_line
from ...enums import (
    GRANTING_STATUSES,
    AutoExtend,
    RelationshipKind,
    RelationshipSource,
    RelationshipStatus,
)
from ...models import Customer
from ...models_services import (
    AccessAssignment,
    AdminRelationship,
    RelationshipRole,
    SecurityGroup,
)

MANAGE = "relationships.manage"
NAME_MAX = 50
MAX_DAYS = 730  # P2Y
_GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_DURATION = re.compile(r"^P(?:(\d{1,4})Y)?(?:(\d{1,4})M)?(?:(\d{1,4})W)?(?:(\d{1,5})D)?$")


def duration_days(value: str) -> int | None:
    """Days of an ISO 8601 duration in GDAP's terms (P1D..P2Y; a month counts 30 days, a year
    365); None when it is not one."""
    match = _DURATION.match(value.strip().upper())
    if not match or value.strip().upper() == "P":
        return None
    years, months, weeks, days = (int(g or 0) for g in match.groups())
    return years * 365 + months * 30 + weeks * 7 + days


@dataclass(frozen=True)
class RelationshipInput:
    customer: Customer
    display_name: str
    kind: str = RelationshipKind.GDAP
    status: str = RelationshipStatus.ACTIVE
    role_ids: Sequence[str] = ()
    # security group id -> the roles assigned to it (a subset of role_ids)
    assignments: Mapping[uuid.UUID, Sequence[str]] = field(default_factory=dict)
    activated_at: datetime | None = None
    duration: str = ""
    ends_at: datetime | None = None
    auto_extend: str = AutoExtend.NONE


@dataclass(frozen=True)
class _Clean:
    name: str
    kind: str
    status: str
    roles: list[str]
    assignments: dict[uuid.UUID, list[str]]
    activated_at: datetime | None
    duration: str
    ends_at: datetime | None
    auto_extend: str


def clean_role_ids(values: Sequence[str]) -> list[str]:
    roles: list[str] = []
    for value in values:
        role = str(value).strip().lower()
        if not role:
            continue
        if role not in ROLE_NAMES and not _GUID.match(role):
            raise invalid(
                "role_ids",
                _("%(value)s is not a role template id (a GUID).") % {"value": value},
                "not_a_role",
            )
        if role not in roles:
            roles.append(role)
    return roles


def _clean(data: RelationshipInput) -> _Clean:
    name = clean_line("display_name", data.display_name, max_length=NAME_MAX, required=True)
    if data.kind not in RelationshipKind.values:
        raise invalid("kind", _("Choose GDAP or legacy DAP."), "invalid_choice")
    if data.status not in RelationshipStatus.values:
        raise invalid("status", _("Choose one of the statuses."), "invalid_choice")
    if data.auto_extend not in AutoExtend.values:
        raise invalid("auto_extend", _("Auto-extension is none or 180 days."), "invalid_choice")
    roles = clean_role_ids(data.role_ids)
    activated = data.activated_at
    if activated is None and data.status in GRANTING_STATUSES:
        activated = clock.now()
    if data.kind == RelationshipKind.DAP:
        if data.auto_extend != AutoExtend.NONE:
            raise invalid(
                "auto_extend", _("Legacy DAP has no end and does not extend."), "dap_no_extend"
            )
        return _Clean(name, data.kind, data.status, roles, {}, activated, "", data.ends_at, "PT0S")
    if not roles:
        raise invalid("role_ids", _("A GDAP relationship grants at least one role."), "required")
    if data.auto_extend == AutoExtend.DAYS_180 and GLOBAL_ADMINISTRATOR in roles:
        raise invalid(
            "auto_extend",
            _(
                "A relationship that grants Global Administrator cannot extend itself: choose "
                "no auto-extension, or remove the role."
            ),
            "global_admin_no_auto_extend",
        )
    duration = data.duration.strip().upper()
    ends_at = data.ends_at
    if duration:
        days = duration_days(duration)
        if days is None:
            raise invalid("duration", _("Write the duration like P730D or P2Y."), "invalid")
    elif ends_at is not None:
        start = activated or clock.now()
        days = (ends_at - start).days
        duration = f"P{days}D"
    else:
        raise invalid("duration", _("Give a duration or an end."), "required")
    if not 1 <= days <= MAX_DAYS:
        raise invalid(
            "duration", _("The duration is between 1 day and 2 years (P730D)."), "out_of_range"
        )
    if ends_at is None and activated is not None:
        ends_at = activated + timedelta(days=days)
    assignments: dict[uuid.UUID, list[str]] = {}
    for group_id, group_roles in data.assignments.items():
        cleaned = clean_role_ids(group_roles)
        extra = [r for r in cleaned if r not in roles]
        if extra:
            raise invalid(
                "assignments",
                _("A group can hold only roles the relationship grants."),
                "role_not_granted",
            )
        if cleaned:
            assignments[group_id] = cleaned
    return _Clean(
        name, data.kind, data.status, roles, assignments, activated, duration, ends_at,
        data.auto_extend,
    )  # fmt: skip


def _check_customer(actor: Actor, customer: Customer) -> None:
    if customer.partner_id != actor.workspace_id or not actor.sees_customer(customer.pk):
        raise not_found()


def _check_name_free(partner_id: uuid.UUID, name: str, rel_id: uuid.UUID | None) -> None:
    taken = AdminRelationship.objects.filter(partner_id=partner_id, display_name__iexact=name)
    if rel_id is not None:
        taken = taken.exclude(pk=rel_id)
    if taken.exists():
        raise invalid("display_name", _("Another relationship already has this name."), "taken")


def _write_roles(rel: AdminRelationship, clean: _Clean) -> None:
    groups = {
        g.pk: g
        for g in SecurityGroup.objects.filter(
            partner_id=rel.partner_id, pk__in=list(clean.assignments)
        )
    }
    if len(groups) != len(clean.assignments):
        raise invalid("assignments", _("Choose groups of this workspace."), "unknown_group")
    RelationshipRole.objects.filter(relationship=rel).exclude(
        role_definition_id__in=clean.roles
    ).delete()
    have = set(
        RelationshipRole.objects.filter(relationship=rel).values_list(
            "role_definition_id", flat=True
        )
    )
    RelationshipRole.objects.bulk_create(
        [
            RelationshipRole(partner_id=rel.partner_id, relationship=rel, role_definition_id=r)
            for r in clean.roles
            if r not in have
        ]
    )
    AccessAssignment.objects.filter(relationship=rel).delete()
    AccessAssignment.objects.bulk_create(
        [
            AccessAssignment(
                partner_id=rel.partner_id,
                relationship=rel,
                group=groups[group_id],
                role_definition_ids=roles,
            )
            for group_id, roles in clean.assignments.items()
        ]
    )


def _apply(rel: AdminRelationship, clean: _Clean) -> None:
    if rel.ends_at is not None and clean.ends_at is not None and clean.ends_at > rel.ends_at:
        rel.warned_days = []
    if clean.ends_at is None:
        rel.warned_days = []
    rel.display_name = clean.name
    rel.kind = clean.kind
    rel.status = clean.status
    rel.raw_status = ""
    rel.duration = clean.duration
    rel.auto_extend = clean.auto_extend
    rel.activated_at = clean.activated_at
    rel.ends_at = clean.ends_at
    rel.updated_at = clock.now()


def create_relationship(actor: Actor, *, data: RelationshipInput) -> AdminRelationship:
    """Record a relationship by hand (permission relationships.manage)."""
    policies.require(actor, MANAGE)
    _check_customer(actor, data.customer)
    clean = _clean(data)
    now = clock.now()
    rel = AdminRelationship(
        partner_id=actor.workspace_id,
        customer=data.customer,
        source=RelationshipSource.MANUAL,
        created_at=now,
        updated_at=now,
    )
    _apply(rel, clean)
    with transaction.atomic(durable=True):
        _check_name_free(rel.partner_id, clean.name, None)
        rel.save(force_insert=True)
        _write_roles(rel, clean)
        audit.record(
            actor,
            "relationship.recorded",
            rel,
            customer_id=rel.customer_id,
            data={"kind": rel.kind, "status": rel.status, "roles": clean.roles},
        )
    return rel


def _check_manual(rel: AdminRelationship) -> None:
    if rel.source != RelationshipSource.MANUAL:
        raise conflict(
            "synced_relationship",
            _("This relationship comes from Microsoft; change it there, the next sync shows it."),
        )


def update_relationship(
    actor: Actor, *, relationship: AdminRelationship, data: RelationshipInput
) -> AdminRelationship:
    """Change a relationship recorded by hand; an end moved later clears the warnings sent."""
    policies.require(actor, MANAGE)
    _check_customer(actor, relationship.customer)
    _check_customer(actor, data.customer)
    _check_manual(relationship)
    clean = _clean(data)
    with transaction.atomic(durable=True):
        rel = AdminRelationship.objects.select_for_update().get(pk=relationship.pk)
        _check_name_free(rel.partner_id, clean.name, rel.pk)
        rel.customer = data.customer
        _apply(rel, clean)
        rel.save()
        _write_roles(rel, clean)
        audit.record(
            actor,
            "relationship.changed",
            rel,
            customer_id=rel.customer_id,
            data={"kind": rel.kind, "status": rel.status, "roles": clean.roles},
        )
    return rel


def terminate_relationship(actor: Actor, *, relationship: AdminRelationship) -> AdminRelationship:
    """Mark a relationship recorded by hand as terminated (its end: now, if later)."""
    policies.require(actor, MANAGE)
    _check_customer(actor, relationship.customer)
    _check_manual(relationship)
    now = clock.now()
    with transaction.atomic(durable=True):
        rel = AdminRelationship.objects.select_for_update().get(pk=relationship.pk)
        rel.status = RelationshipStatus.TERMINATED
        if rel.ends_at is None or rel.ends_at > now:
            rel.ends_at = now
        rel.updated_at = now
        rel.save(update_fields=["status", "ends_at", "updated_at"])
        audit.record(actor, "relationship.terminated", rel, customer_id=rel.customer_id)
    return rel


def record_use(
    actor: Actor,
    *,
    relationship: AdminRelationship,
    customer: Customer,
    service_code: str,
    link: str,
) -> None:
    """An agent opened a service's admin portal through the relationship: recorded as done on
    behalf of the customer."""
    policies.require(actor, "customers.administer")
    _check_customer(actor, customer)
    if relationship.customer_id != customer.pk:
        raise not_found()
    now = clock.now()
    with transaction.atomic(durable=True):
        AdminRelationship.objects.filter(pk=relationship.pk).update(last_used_at=now)
        audit.record(
            actor,
            "customer.administered",
            relationship,
            customer_id=customer.pk,
            data={"service": service_code[:100], "relationship_id": str(relationship.pk)},
            personal={"link": link[:2000]},
        )
