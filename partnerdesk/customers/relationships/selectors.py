"""Reads of admin relationships and security groups, scoped to the actor (staff only: customer
people are told none of this exists)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from partnerdesk.accounts.models import Membership
from partnerdesk.accounts.permissions import STAFF_ROLES
from partnerdesk.catalog.entra_roles import HEALTH_READING_ROLES
from partnerdesk.core import clock, policies
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import forbidden, not_found
from partnerdesk.core.pagination import Page, paginate

from ..enums import GRANTING_STATUSES, AutoExtend, RelationshipKind, RelationshipStatus
from ..models import Customer
from ..models_services import (
    AccessAssignment,
    AdminRelationship,
    RelationshipRole,
    SecurityGroup,
    SecurityGroupMember,
)
from ..selectors import visible_customers
from .administer import Grant, GroupHolding

EXPIRING_DAYS = 30
DAP_UNUSED_DAYS = 90
OVERVIEW_LIMIT = 500


def require_staff(actor: Actor, *, listing: bool = False) -> None:
    """Relationships are the partner's business: customer people get 404 (403 on the
    workspace-wide lists, like every staff-only list), staff need customers.view."""
    if not (actor.is_staff or actor.is_system) or not actor.has("customers.view"):
        if listing:
            policies.require(actor, "customers.view")
            raise forbidden()
        raise not_found()


def visible_relationships(actor: Actor) -> QuerySet[AdminRelationship]:
    if actor.partner_id is None or not (actor.is_staff or actor.is_system):
        return AdminRelationship.objects.none()
    rels = AdminRelationship.objects.filter(partner_id=actor.partner_id)
    if actor.limited_customer_ids is not None and not actor.is_system:
        rels = rels.filter(customer_id__in=actor.limited_customer_ids)
    return rels


def visible_groups(actor: Actor) -> QuerySet[SecurityGroup]:
    if actor.partner_id is None or not (actor.is_staff or actor.is_system):
        return SecurityGroup.objects.none()
    return SecurityGroup.objects.filter(partner_id=actor.partner_id)


def _member_rows() -> QuerySet[SecurityGroupMember]:
    return SecurityGroupMember.objects.select_related("membership__user").order_by(
        "membership__user__full_name", "membership__user__email"
    )


def _members() -> Prefetch[Any]:
    return Prefetch("memberships", queryset=_member_rows())


def with_details(rels: QuerySet[AdminRelationship]) -> QuerySet[AdminRelationship]:
    """Relationships with their roles and assignments (groups and the groups' members)."""
    return rels.select_related("customer").prefetch_related(
        Prefetch("roles", queryset=RelationshipRole.objects.order_by("role_definition_id")),
        Prefetch(
            "assignments",
            queryset=AccessAssignment.objects.select_related("group")
            .prefetch_related(Prefetch("group__memberships", queryset=_member_rows()))
            .order_by("group__name"),
        ),
    )


def relationships_of(actor: Actor, customer: Customer) -> list[AdminRelationship]:
    require_staff(actor)
    return list(
        with_details(visible_relationships(actor).filter(customer_id=customer.pk)).order_by(
            "display_name", "id"
        )
    )


def overview(
    actor: Actor, *, only: str = "", now: datetime | None = None
) -> list[AdminRelationship]:
    """Every relationship the actor sees (a bounded list), optionally only those expiring
    within 30 days or the legacy DAP ones."""
    require_staff(actor)
    now = now or clock.now()
    rels = visible_relationships(actor).select_related("customer")
    if only == "expiring":
        rels = rels.filter(
            status__in=GRANTING_STATUSES, ends_at__gt=now, ends_at__lte=now + timedelta(days=30)
        )
    elif only == "dap":
        rels = rels.filter(kind=RelationshipKind.DAP)
    return list(rels.order_by("customer__name", "display_name", "id")[:OVERVIEW_LIMIT])


def relationship_page(
    actor: Actor, *, cursor: str | None, limit: int | None, customer: Customer | None = None
) -> Page[AdminRelationship]:
    """A page of relationships (all the actor sees, or one customer's), by id, with details."""
    require_staff(actor, listing=customer is None)
    rels = visible_relationships(actor)
    if customer is not None:
        rels = rels.filter(customer_id=customer.pk)
    return paginate(with_details(rels), order=["id"], cursor=cursor, limit=limit)


def group_page(actor: Actor, *, cursor: str | None, limit: int | None) -> Page[SecurityGroup]:
    require_staff(actor, listing=True)
    return paginate(
        visible_groups(actor).prefetch_related(_members()),
        order=["name", "id"],
        cursor=cursor,
        limit=limit,
    )


def groups(actor: Actor) -> list[SecurityGroup]:
    require_staff(actor)
    return list(visible_groups(actor).prefetch_related(_members()).order_by("name", "id"))


def staff_choices(actor: Actor) -> list[Membership]:
    """Active staff of the workspace (who may be put into a security group)."""
    require_staff(actor)
    return list(
        Membership.objects.filter(
            partner_id=actor.workspace_id,
            role__in=sorted(str(r) for r in STAFF_ROLES),
            is_active=True,
            user__is_active=True,
        )
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )


# --- status and flags ----------------------------------------------------------------------


def is_expired_by_date(rel: AdminRelationship, now: datetime) -> bool:
    return rel.ends_at is not None and rel.ends_at <= now


def shown_status(rel: AdminRelationship, now: datetime) -> str:
    """The status to show: a granting relationship past its end is expired, whatever the last
    sync said."""
    if rel.status in GRANTING_STATUSES and is_expired_by_date(rel, now):
        return RelationshipStatus.EXPIRED
    return rel.status


def is_granting(rel: AdminRelationship, now: datetime) -> bool:
    return rel.status in GRANTING_STATUSES and not is_expired_by_date(rel, now)


def days_left(rel: AdminRelationship, now: datetime) -> int | None:
    if rel.ends_at is None or rel.ends_at <= now:
        return None
    return (rel.ends_at - now).days


def expiry_warning(rel: AdminRelationship, now: datetime) -> str:
    """A sentence when the relationship ends within 30 days and will not extend itself."""
    if not is_granting(rel, now) or rel.auto_extend != AutoExtend.NONE or rel.ends_at is None:
        return ""
    if rel.ends_at - now > timedelta(days=EXPIRING_DAYS):
        return ""
    left = (rel.ends_at - now).days
    if left < 1:
        return _("Ends within a day; ask the customer to approve a new relationship.")
    return _(
        "Ends in %(days)s days and does not extend itself; ask the customer to approve a new "
        "relationship."
    ) % {"days": left}


def dap_flags(rel: AdminRelationship, now: datetime) -> list[str]:
    """Legacy DAP is always flagged, and again when unused for 90 days."""
    if rel.kind != RelationshipKind.DAP:
        return []
    flags = [_("legacy DAP")]
    since = rel.last_used_at or rel.activated_at or rel.created_at
    if now - since > timedelta(days=DAP_UNUSED_DAYS):
        flags.append(_("unused for 90 days"))
    return flags


# --- the administer decision's inputs ------------------------------------------------------


def grants_for(actor: Actor, customer: Customer, *, now: datetime | None = None) -> list[Grant]:
    """The customer's granting relationships as the agent sees them (which groups hold which
    roles, and whether the agent is in each)."""
    now = now or clock.now()
    rels = list(
        visible_relationships(actor)
        .filter(customer_id=customer.pk, status__in=GRANTING_STATUSES)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .prefetch_related(
            "roles",
            Prefetch("assignments", queryset=AccessAssignment.objects.select_related("group")),
        )
        .order_by("display_name", "id")
    )
    mine: set[uuid.UUID] = set()
    if actor.membership_id is not None and rels:
        mine = set(
            SecurityGroupMember.objects.filter(
                partner_id=actor.workspace_id, membership_id=actor.membership_id
            ).values_list("group_id", flat=True)
        )
    return [
        Grant(
            relationship_id=rel.pk,
            name=rel.display_name,
            role_ids=frozenset(r.role_definition_id.lower() for r in rel.roles.all()),
            groups=tuple(
                GroupHolding(
                    group_id=a.group_id,
                    name=a.group.name,
                    role_ids=frozenset(str(r).lower() for r in a.role_definition_ids),
                    agent_is_member=a.group_id in mine,
                )
                for a in rel.assignments.all()
                if a.status not in ("deleted", "deleting", "error")
            ),
        )
        for rel in rels
    ]


def customers_with_health_access(actor: Actor) -> list[Customer]:
    """Customers with a granting relationship holding a role that reads service health (the
    connector reads their tenant's own health feed)."""
    now = clock.now()
    granting = visible_relationships(actor).filter(
        Q(ends_at__isnull=True) | Q(ends_at__gt=now),
        status__in=GRANTING_STATUSES,
        roles__role_definition_id__in=sorted(HEALTH_READING_ROLES),
    )
    return list(
        visible_customers(actor)
        .filter(id__in=granting.values("customer_id"))
        .order_by("name", "id")
    )
