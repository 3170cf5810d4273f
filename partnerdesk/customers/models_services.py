"""A customer's subscriptions and its admin relationships (GDAP, legacy DAP) with the partner's
security groups that hold the granted roles. Imported by models.py."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

from partnerdesk.core.models import PartnerOwned

if TYPE_CHECKING:
    from partnerdesk.accounts.models import Membership

from .enums import (
    AssignmentStatus,
    AutoExtend,
    RelationshipKind,
    RelationshipSource,
    RelationshipStatus,
    SubscriptionSource,
    SubscriptionStatus,
)


class Subscription(PartnerOwned):
    """One subscription of a customer (Partner Center's Subscription resource, §4.2)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="subscriptions"
    )
    # Partner Center's subscription id; blank for one entered by hand without it.
    vendor_id = models.CharField(_("vendor subscription id"), max_length=100, blank=True)
    offer_id = models.CharField(_("offer id"), max_length=100, blank=True)
    offer_name = models.CharField(_("offer"), max_length=200)
    friendly_name = models.CharField(_("name"), max_length=200, blank=True)
    # The catalog service it gives (a Microsoft 365 plan gives "m365" and so its workloads).
    service = models.ForeignKey(
        "catalog.Service",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("service"),
    )
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    status = models.CharField(_("status"), max_length=20, choices=SubscriptionStatus.choices)
    # The vendor's value when it was not one we know (status is then "unknown").
    raw_status = models.CharField(max_length=60, blank=True)
    term_duration = models.CharField(_("term"), max_length=10, blank=True)  # ISO 8601: P1M, P1Y
    billing_cycle = models.CharField(_("billing cycle"), max_length=30, blank=True)
    auto_renew = models.BooleanField(_("auto-renew"), default=False)
    starts_on = models.DateField(_("start"), null=True, blank=True)
    ends_on = models.DateField(_("commitment end"), null=True, blank=True)
    source = models.CharField(
        _("source"),
        max_length=20,
        choices=SubscriptionSource.choices,
        default=SubscriptionSource.MANUAL,
    )
    created_at = models.DateTimeField(_("created"))
    updated_at = models.DateTimeField(_("updated"))
    # When the vendor last confirmed it (None when never read from the vendor).
    synced_at = models.DateTimeField(_("last synchronised"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "vendor_id"],
                condition=~models.Q(vendor_id=""),
                name="subscription_vendor_id_once",
            ),
        ]
        indexes = [
            models.Index(
                fields=["customer", "status", "offer_name"], name="subscription_by_customer"
            ),
            models.Index(fields=["partner", "service", "status"], name="subscription_by_service"),
        ]

    def __str__(self) -> str:
        return self.friendly_name or self.offer_name


class SecurityGroup(PartnerOwned):
    """A security group in the partner's own tenant; GDAP assigns roles to groups, not people.
    `members` are the partner's staff in it (as Entra says, or as recorded here)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # The group's Entra object id; blank for a group recorded by hand without it.
    vendor_id = models.CharField(_("group object id"), max_length=64, blank=True)
    name = models.CharField(_("name"), max_length=200)
    members: models.ManyToManyField[Membership, SecurityGroupMember] = models.ManyToManyField(
        "accounts.Membership", through="SecurityGroupMember", related_name="+"
    )
    created_at = models.DateTimeField(_("created"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partner", "name"], name="security_group_name_once"),
            models.UniqueConstraint(
                fields=["partner", "vendor_id"],
                condition=~models.Q(vendor_id=""),
                name="security_group_vendor_id_once",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SecurityGroupMember(PartnerOwned):
    group = models.ForeignKey(SecurityGroup, on_delete=models.CASCADE, related_name="memberships")
    membership = models.ForeignKey(
        "accounts.Membership", on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "membership"], name="group_member_once"),
        ]
        indexes = [models.Index(fields=["membership"], name="group_member_by_membership")]


class AdminRelationship(PartnerOwned):
    """A time-bound, role-scoped admin relationship the customer granted (Graph's
    delegatedAdminRelationship, §4.4), or a legacy DAP grant (no roles listed, no end)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="admin_relationships"
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=RelationshipKind.choices, default=RelationshipKind.GDAP
    )
    # Graph's relationship id (`<guid>-<guid>`); blank for one recorded by hand.
    vendor_id = models.CharField(_("relationship id"), max_length=100, blank=True)
    display_name = models.CharField(_("name"), max_length=50)
    status = models.CharField(_("status"), max_length=30, choices=RelationshipStatus.choices)
    raw_status = models.CharField(max_length=60, blank=True)
    duration = models.CharField(_("duration"), max_length=20, blank=True)  # ISO 8601, P730D
    auto_extend = models.CharField(
        _("auto-extend"), max_length=10, choices=AutoExtend.choices, default=AutoExtend.NONE
    )
    created_at = models.DateTimeField(_("created"))
    activated_at = models.DateTimeField(_("activated"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    source = models.CharField(
        _("source"),
        max_length=10,
        choices=RelationshipSource.choices,
        default=RelationshipSource.MANUAL,
    )
    # The last administer link used through it (legacy DAP is flagged after 90 days unused).
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    # Expiry warnings already sent for the current end (days before: 30, 7, 1); cleared when
    # the end moves (an extension).
    warned_days = models.JSONField(default=list, blank=True)
    synced_at = models.DateTimeField(_("last synchronised"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "vendor_id"],
                condition=~models.Q(vendor_id=""),
                name="relationship_vendor_id_once",
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "status"], name="relationship_by_customer"),
            models.Index(fields=["partner", "status", "ends_at"], name="relationship_by_end"),
        ]

    def __str__(self) -> str:
        return self.display_name


class RelationshipRole(PartnerOwned):
    """An Entra role (template id) the relationship grants (accessDetails.unifiedRoles)."""

    relationship = models.ForeignKey(
        AdminRelationship, on_delete=models.CASCADE, related_name="roles"
    )
    role_definition_id = models.CharField(_("role template id"), max_length=36)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["relationship", "role_definition_id"], name="relationship_role_once"
            ),
        ]


class AccessAssignment(PartnerOwned):
    """Roles of a relationship assigned to one of the partner's security groups
    (delegatedAdminAccessAssignment: accessContainer + accessDetails)."""

    relationship = models.ForeignKey(
        AdminRelationship, on_delete=models.CASCADE, related_name="assignments"
    )
    group = models.ForeignKey(SecurityGroup, on_delete=models.CASCADE, related_name="assignments")
    vendor_id = models.CharField(max_length=100, blank=True)
    # Role template ids (a subset of the relationship's roles).
    role_definition_ids = models.JSONField(_("roles"), default=list)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=AssignmentStatus.choices,
        default=AssignmentStatus.ACTIVE,
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["relationship", "group"], name="assignment_once"),
        ]
