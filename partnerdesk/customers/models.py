from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from partnerdesk.core.models import PartnerOwned


class Customer(PartnerOwned):
    """A customer organisation of a workspace (the desk core adds its details)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("company name"), max_length=200)
    tenant_id = models.UUIDField(_("tenant id"), null=True, blank=True)
    # The workspace's own organisation, so the partner can file tickets about itself.
    is_partner_own = models.BooleanField(_("partner's own tenant"), default=False)
    created_at = models.DateTimeField(_("created"))

    class Meta:
        indexes = [models.Index(fields=["partner", "name"], name="customer_by_name")]
        constraints = [
            models.UniqueConstraint(
                fields=["partner"],
                condition=models.Q(is_partner_own=True),
                name="customer_one_own_tenant",
            ),
        ]

    def __str__(self) -> str:
        return self.name
