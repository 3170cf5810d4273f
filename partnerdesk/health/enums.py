"""Service health vocabularies: Graph's serviceHealthStatus and classification, Partner Center's
ServiceIncidentStatus, and where an incident came from. Unknown vendor values become UNKNOWN
(the raw value is kept beside it and logged by the connector)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    # From the partner tenant's feed: the service is affected for everyone who uses it.
    SERVICE_WIDE = "service_wide", _("Service-wide")
    # From one customer tenant's feed (read under its admin relationship): that tenant only.
    TENANT = "tenant", _("This customer's tenant")


class Source(models.TextChoices):
    GRAPH = "graph", _("Microsoft Graph service health")
    PARTNER_CENTER = "partner_center", _("Partner Center service incidents")
    MANUAL = "manual", _("Recorded by hand")


class Classification(models.TextChoices):
    INCIDENT = "incident", _("Incident")
    ADVISORY = "advisory", _("Advisory")
    UNKNOWN = "unknown", _("Unknown")


class HealthStatus(models.TextChoices):
    """Graph's serviceHealthStatus (reference §2.2), canonical camelCase."""

    SERVICE_OPERATIONAL = "serviceOperational", _("Service operational")
    INVESTIGATING = "investigating", _("Investigating")
    RESTORING_SERVICE = "restoringService", _("Restoring service")
    VERIFYING_SERVICE = "verifyingService", _("Verifying service")
    SERVICE_RESTORED = "serviceRestored", _("Service restored")
    POST_INCIDENT_REVIEW_PUBLISHED = (
        "postIncidentReviewPublished",
        _("Post-incident report published"),
    )
    SERVICE_DEGRADATION = "serviceDegradation", _("Service degradation")
    SERVICE_INTERRUPTION = "serviceInterruption", _("Service interruption")
    EXTENDED_RECOVERY = "extendedRecovery", _("Extended recovery")
    FALSE_POSITIVE = "falsePositive", _("False positive")
    INVESTIGATION_SUSPENDED = "investigationSuspended", _("Investigation suspended")
    RESOLVED = "resolved", _("Resolved")
    MITIGATED_EXTERNAL = "mitigatedExternal", _("Mitigated (external)")
    MITIGATED = "mitigated", _("Mitigated")
    RESOLVED_EXTERNAL = "resolvedExternal", _("Resolved (external)")
    CONFIRMED = "confirmed", _("Confirmed")
    REPORTED = "reported", _("Reported")
    # Partner Center's ServiceIncidentStatus (normal/information/warning/critical), mapped in.
    INFORMATION = "information", _("Information")
    WARNING = "warning", _("Warning")
    CRITICAL = "critical", _("Critical")
    UNKNOWN = "unknown", _("Unknown")


# An incident in one of these no longer affects anyone (isResolved is the other signal).
ENDED_STATUSES = frozenset(
    {
        HealthStatus.SERVICE_OPERATIONAL,
        HealthStatus.SERVICE_RESTORED,
        HealthStatus.POST_INCIDENT_REVIEW_PUBLISHED,
        HealthStatus.FALSE_POSITIVE,
        HealthStatus.RESOLVED,
        HealthStatus.RESOLVED_EXTERNAL,
        HealthStatus.MITIGATED,
        HealthStatus.MITIGATED_EXTERNAL,
    }
)


class LinkState(models.TextChoices):
    LINKED = "linked", _("Linked")
    # Offered to the agent (an e-mail ticket from a customer using the affected service).
    SUGGESTED = "suggested", _("Suggested")
    DISMISSED = "dismissed", _("Dismissed")
