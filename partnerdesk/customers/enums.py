"""The vendor's enumerations for subscriptions and admin relationships, plus "unknown".

A value the vendor sends that is not listed here is stored as UNKNOWN and logged by the
connector that read it (connectors.wire), never a crash.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SubscriptionStatus(models.TextChoices):
    """Partner Center's SubscriptionStatus (the SDK's seven values: reference §4.2)."""

    NONE = "none", _("None")
    ACTIVE = "active", _("Active")
    PENDING = "pending", _("Pending")
    SUSPENDED = "suspended", _("Suspended")
    DELETED = "deleted", _("Deleted")
    EXPIRED = "expired", _("Expired")
    DISABLED = "disabled", _("Disabled")
    UNKNOWN = "unknown", _("Unknown")


# The SDK's integer values (0 none … 6 disabled).
SUBSCRIPTION_STATUS_BY_INT = {
    0: SubscriptionStatus.NONE,
    1: SubscriptionStatus.ACTIVE,
    2: SubscriptionStatus.SUSPENDED,
    3: SubscriptionStatus.DELETED,
    4: SubscriptionStatus.EXPIRED,
    5: SubscriptionStatus.PENDING,
    6: SubscriptionStatus.DISABLED,
}


class SubscriptionSource(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    IMPORT = "import", _("CSV import")
    PARTNER_CENTER = "partner_center", _("Partner Center")


class RelationshipKind(models.TextChoices):
    GDAP = "gdap", _("Granular delegated admin (GDAP)")
    # Legacy delegated admin privileges: all-or-nothing, no end date; Microsoft retired them.
    DAP = "dap", _("Legacy delegated admin (DAP)")


class RelationshipStatus(models.TextChoices):
    """Graph's delegatedAdminRelationshipStatus (reference §4.4), plus "unknown"."""

    CREATED = "created", _("Created")
    APPROVAL_PENDING = "approvalPending", _("Approval pending")
    APPROVED = "approved", _("Approved")
    ACTIVATING = "activating", _("Activating")
    ACTIVE = "active", _("Active")
    EXPIRING = "expiring", _("Expiring")
    EXPIRED = "expired", _("Expired")
    TERMINATION_REQUESTED = "terminationRequested", _("Termination requested")
    TERMINATING = "terminating", _("Terminating")
    TERMINATED = "terminated", _("Terminated")
    UNKNOWN = "unknown", _("Unknown")


# A relationship in these states still grants its roles (expiring: the end has not come yet).
GRANTING_STATUSES = frozenset({RelationshipStatus.ACTIVE, RelationshipStatus.EXPIRING})


class AutoExtend(models.TextChoices):
    """Graph's autoExtendDuration: PT0S/P0D (never) or P180D (six months at a time)."""

    NONE = "PT0S", _("No auto-extension")
    DAYS_180 = "P180D", _("Extend by 180 days")


class RelationshipSource(models.TextChoices):
    GRAPH = "graph", _("Microsoft Graph")
    # 21Vianet has no relationship API (reference §4.4: global only): recorded by hand.
    MANUAL = "manual", _("Entered by hand")


class AssignmentStatus(models.TextChoices):
    """Graph's delegatedAdminAccessAssignment status, plus "unknown"."""

    PENDING = "pending", _("Pending")
    ACTIVE = "active", _("Active")
    DELETING = "deleting", _("Deleting")
    DELETED = "deleted", _("Deleted")
    ERROR = "error", _("Error")
    UNKNOWN = "unknown", _("Unknown")
