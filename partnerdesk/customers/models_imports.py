"""CSV imports of customers and subscriptions: the uploaded file, its progress and the per-row
report. Imported by models.py."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from partnerdesk.core.models import PartnerOwned


class ImportKind(models.TextChoices):
    CUSTOMERS = "customers", _("Customers")
    SUBSCRIPTIONS = "subscriptions", _("Subscriptions")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ImportJob(PartnerOwned):
    """One uploaded CSV file. Rows are processed in batches by a task (or the CLI); each row
    is its own transaction, so a bad row never stops the rest. `report` holds one entry per
    row: {"line": n, "outcome": "created"|"updated"|"failed", "message": text, "key": …}."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=ImportKind.choices)
    file_name = models.CharField(_("file"), max_length=200)
    content = models.TextField()  # the decoded CSV text (BOM stripped)
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("processed"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    failed_count = models.PositiveIntegerField(_("failed"), default=0)
    report = models.JSONField(default=list)
    error = models.TextField(blank=True)  # why the whole job failed, if it did
    created_by = models.ForeignKey(
        "accounts.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"))
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["partner", "-created_at"], name="import_by_created")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.file_name}"

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 100 if self.status == ImportStatus.DONE else 0
        return min(100, self.processed_rows * 100 // self.total_rows)

    @property
    def is_running(self) -> bool:
        return self.status in (ImportStatus.QUEUED, ImportStatus.RUNNING)
