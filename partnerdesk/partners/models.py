from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from .enums import Instance, PartnerType


class Partner(models.Model):
    """A partner workspace: the tenant every other row belongs to."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    mpn_id = models.CharField(_("partner id"), max_length=20, blank=True)
    tenant_id = models.UUIDField(_("partner tenant id"), null=True, blank=True)
    instance = models.CharField(
        _("Partner Center instance"),
        max_length=20,
        choices=Instance.choices,
        default=Instance.GLOBAL,
    )
    partner_type = models.CharField(
        _("partner type"),
        max_length=20,
        choices=PartnerType.choices,
        default=PartnerType.DIRECT_BILL,
    )
    # An indirect reseller's provider: a workspace on this server, or one outside it.
    provider = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resellers",
        verbose_name=_("indirect provider"),
    )
    provider_name = models.CharField(_("provider name"), max_length=200, blank=True)
    provider_mpn_id = models.CharField(_("provider partner id"), max_length=20, blank=True)
    ticket_prefix = models.CharField(_("ticket prefix"), max_length=8, default="PD")
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    default_language = models.CharField(_("default language"), max_length=10, default="en")
    support_email = models.EmailField(_("support e-mail"), blank=True)
    support_phone = models.CharField(_("support phone"), max_length=40, blank=True)
    support_website = models.URLField(_("support website"), blank=True)
    created_at = models.DateTimeField(_("created"))

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(partner_type=PartnerType.INDIRECT_RESELLER)
                | (models.Q(provider__isnull=True) & models.Q(provider_name="")),
                name="partner_provider_only_for_resellers",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_provider_inside(self) -> bool:
        return self.provider_id is not None
