"""Service incidents and advisories, their posts, and the tickets linked to them."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from partnerdesk.core.models import PartnerOwned

from .enums import Classification, HealthStatus, LinkState, Scope, Source


class Incident(PartnerOwned):
    """One vendor incident or advisory as one workspace sees it. Service-wide incidents come from
    the partner tenant's feed (customer empty); tenant incidents from one customer's feed."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    vendor_id = models.CharField(_("incident id"), max_length=64)  # EX123456, MO226784
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    scope = models.CharField(_("scope"), max_length=20, choices=Scope.choices)
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    service = models.ForeignKey(
        "catalog.Service", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    service_name = models.CharField(_("service"), max_length=200)  # as the vendor names it
    feature = models.CharField(_("feature"), max_length=200, blank=True)
    feature_group = models.CharField(_("feature group"), max_length=200, blank=True)
    title = models.CharField(_("title"), max_length=500)
    classification = models.CharField(
        _("classification"), max_length=20, choices=Classification.choices
    )
    status = models.CharField(_("status"), max_length=40, choices=HealthStatus.choices)
    raw_status = models.CharField(max_length=60, blank=True)
    impact = models.TextField(_("impact"), blank=True)
    origin = models.CharField(_("origin"), max_length=30, blank=True)
    is_resolved = models.BooleanField(_("resolved"), default=False)
    started_at = models.DateTimeField(_("start"), null=True, blank=True)
    ended_at = models.DateTimeField(_("end"), null=True, blank=True)
    vendor_modified_at = models.DateTimeField(_("last changed"), null=True, blank=True)
    first_seen_at = models.DateTimeField(_("first seen"))
    last_seen_at = models.DateTimeField(_("last seen"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "source", "vendor_id"],
                condition=models.Q(customer__isnull=True),
                name="incident_service_wide_once",
            ),
            models.UniqueConstraint(
                fields=["partner", "source", "vendor_id", "customer"],
                condition=models.Q(customer__isnull=False),
                name="incident_tenant_once",
            ),
        ]
        indexes = [
            models.Index(fields=["partner", "is_resolved", "-started_at"], name="incident_open"),
            models.Index(fields=["partner", "service", "is_resolved"], name="incident_by_service"),
            models.Index(fields=["customer", "is_resolved"], name="incident_by_customer"),
            models.Index(fields=["partner", "-first_seen_at", "-id"], name="incident_list"),
        ]

    def __str__(self) -> str:
        return f"{self.vendor_id} {self.title}"


class IncidentPost(PartnerOwned):
    """One update the vendor posted (Graph serviceHealthIssuePost, Partner Center message)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="posts")
    posted_at = models.DateTimeField(_("posted"))
    post_type = models.CharField(_("type"), max_length=20, blank=True)
    # The vendor's HTML, cleaned with nh3 before it is stored.
    body_html = models.TextField(_("text"))
    # sha256 of (posted_at, body): a post read twice is stored once.
    digest = models.CharField(max_length=64)

    class Meta:
        ordering = ["posted_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "digest"], name="incident_post_once"),
        ]


class TicketIncidentLink(PartnerOwned):
    """A ticket about an incident: linked (by its requester, an agent, or at filing) or only
    suggested to the agent (an e-mail ticket), or a suggestion the agent dismissed."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="links")
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    state = models.CharField(_("state"), max_length=20, choices=LinkState.choices)
    # Where the link came from: portal, console, api, email (suggestion), agent.
    via = models.CharField(max_length=20)
    linked_by = models.ForeignKey(
        "accounts.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"))
    updated_at = models.DateTimeField(_("updated"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ticket", "incident"], name="ticket_incident_once"),
        ]
        indexes = [
            models.Index(fields=["incident", "state"], name="incident_links"),
            models.Index(fields=["ticket", "state"], name="ticket_incident_links"),
        ]


class IncidentBroadcast(PartnerOwned):
    """One update an agent sent from the incident page to every linked ticket."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="broadcasts")
    body = models.TextField(_("message"))
    resolve = models.BooleanField(_("resolve the tickets"), default=False)
    ticket_count = models.PositiveIntegerField(default=0)
    sent_by = models.ForeignKey(
        "accounts.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent"))
    # The sender's form token or Idempotency-Key: sending the same form again resumes this
    # broadcast (tickets already replied to are skipped) instead of starting another.
    key = models.CharField(max_length=100, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "key"], condition=~models.Q(key=""), name="broadcast_key_once"
            ),
        ]


class BroadcastDelivery(PartnerOwned):
    """One ticket a broadcast replied to (and resolved): sending it again skips this ticket."""

    broadcast = models.ForeignKey(
        IncidentBroadcast, on_delete=models.CASCADE, related_name="deliveries"
    )
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    message = models.ForeignKey(
        "tickets.Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved = models.BooleanField(default=False)
    sent_at = models.DateTimeField(_("sent"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["broadcast", "ticket"], name="broadcast_ticket_once"),
        ]
