"""Tables of the platform core: audit log, outbox, idempotency keys, scheduler state.

Core references tenants by id only (no foreign keys into domain apps), so core depends on
no other app and audit rows outlive whatever they describe.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class PartnerOwned(models.Model):
    """Every tenant-owned row carries its workspace."""

    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="+")

    class Meta:
        abstract = True


class AuditChainHead(models.Model):
    """The last link of a workspace's audit chain; locked while appending."""

    partner_id = models.UUIDField(primary_key=True)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="")


class AuditEntry(models.Model):
    """One append-only audit record.

    Everything but `personal` is covered by the hash chain. `personal` holds what may have to
    be erased (names, addresses, IPs) and is deliberately outside the chain.
    """

    partner_id = models.UUIDField()
    seq = models.BigIntegerField()
    at = models.DateTimeField()
    actor_kind = models.CharField(max_length=16)
    actor_id = models.CharField(max_length=64)
    action = models.CharField(max_length=100)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    customer_id = models.UUIDField(null=True, blank=True)
    data = models.JSONField(default=dict)
    personal = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partner_id", "seq"], name="audit_unique_seq"),
        ]
        indexes = [
            models.Index(fields=["partner_id", "object_type", "object_id"], name="audit_object"),
            models.Index(fields=["partner_id", "actor_id", "seq"], name="audit_actor"),
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        # An invariant, not business logic: audit rows are never rewritten through the ORM.
        if not self._state.adding:
            raise RuntimeError("Audit entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RuntimeError("Audit entries are append-only.")


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERING = "delivering", _("Delivering")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class OutboxItem(models.Model):
    """Something that must leave the process, written in the transaction that caused it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    partner_id = models.UUIDField(null=True, blank=True)
    kind = models.CharField(max_length=100)
    payload = models.JSONField(default=dict)
    status = models.CharField(
        max_length=16, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    max_attempts = models.PositiveIntegerField(default=12)
    created_at = models.DateTimeField()
    next_attempt_at = models.DateTimeField()
    locked_by = models.CharField(max_length=64, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due"),
            models.Index(fields=["status", "lease_expires_at"], name="outbox_leases"),
        ]

    @property
    def idempotency_key(self) -> str:
        """Passed to the receiver so a retried delivery is applied once."""
        return str(self.id)


class IdempotencyState(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")


class IdempotencyRecord(models.Model):
    """The stored outcome of an API write sent with an `Idempotency-Key` header."""

    principal = models.CharField(max_length=80)
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    request_hash = models.CharField(max_length=64)
    state = models.CharField(max_length=16, choices=IdempotencyState.choices)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.BinaryField(null=True, blank=True)
    response_content_type = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["principal", "key"], name="idempotency_unique_key"),
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotency_created")]


class SchedulerLease(models.Model):
    """Leadership of the scheduler: held by one worker until it expires."""

    name = models.CharField(max_length=50, primary_key=True)
    holder = models.CharField(max_length=64, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)


class PeriodicJobState(models.Model):
    """When each periodic job is next due; advanced with the enqueue, in one transaction."""

    name = models.CharField(max_length=100, primary_key=True)
    next_run_at = models.DateTimeField()
    last_enqueued_at = models.DateTimeField(null=True, blank=True)
    last_enqueued_by = models.CharField(max_length=64, blank=True)


class WorkerHeartbeat(models.Model):
    """A worker's sign of life; the scheduler's leader requeues tasks of workers gone silent."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    started_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["last_seen_at"], name="heartbeat_last_seen")]


class FeedState(models.Model):
    """When one vendor feed last succeeded and last failed, per workspace or per customer: pages
    show the last good data with its age, and what went wrong since (core.feeds)."""

    partner_id = models.UUIDField()
    feed = models.CharField(max_length=30)
    # Empty for a workspace-wide feed; the customer for one read in a customer's tenant.
    customer_id = models.UUIDField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    # Empty after a success; otherwise what went wrong, for people (no secrets).
    last_error = models.TextField(blank=True)
    error_code = models.CharField(max_length=40, blank=True)  # consent_expired, timeout, …
    # Small per-feed results with no table of their own (a customer's managed-service links).
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partner_id", "feed"],
                condition=models.Q(customer_id__isnull=True),
                name="feed_state_once",
            ),
            models.UniqueConstraint(
                fields=["partner_id", "feed", "customer_id"],
                condition=models.Q(customer_id__isnull=False),
                name="feed_state_customer_once",
            ),
        ]
