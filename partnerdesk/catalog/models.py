from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class Escalation(models.TextChoices):
    """How a problem with the service goes to its vendor (RULES 6, reference §6)."""

    AZURE_SUPPORT = "azure_support", _("Azure support request (API)")
    ASSISTED = "assisted", _("Service request in the vendor's portal (assisted)")
    VIANET = "21vianet", _("21Vianet service request")
    INDIRECT_PROVIDER = "indirect_provider", _("Through the indirect provider")
    PUBLISHER = "publisher", _("The product's publisher (not Microsoft)")
    NONE = "none", _("No vendor escalation")


class VendorFee(models.TextChoices):
    """Whether vendor support for the service costs the partner (reference §6.2)."""

    INCLUDED = "included", _("Included in the partner's benefits")
    FEE = "fee", _("Fee-based support plan needed")
    NONE = "none", _("No vendor support")


class Service(models.Model):
    """A service tickets can be about. The shared catalog (partner empty) is the same for every
    workspace; a workspace may add its own (partner set), seen by it alone."""

    code = models.SlugField(_("code"), max_length=60, primary_key=True)
    name = models.CharField(_("name"), max_length=120)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    position = models.PositiveSmallIntegerField(default=0)
    # The workspace that added it; empty for the shared catalog.
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name


class ServiceProfile(models.Model):
    """A workspace's own settings for one service, where they differ from the defaults
    (catalog.defaults): the portals per instance, the admin roles it needs, how it escalates,
    whether vendor support carries a fee, the names vendor health feeds give it.

    No row means the defaults apply; the owner's edit writes one, "reset" deletes it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="profiles")
    # {instance: {"admin": template, "health": template, "ticket": template}}; a template may
    # use {tenant_id} and {domain} (the customer's), e.g. https://portal.azure.com/#@{domain}
    portals = models.JSONField(_("management portals"), default=dict)
    # Entra role template ids, any one of which lets an agent administer the service.
    admin_roles = models.JSONField(_("admin roles"), default=list)
    escalation = models.CharField(_("escalation"), max_length=20, choices=Escalation.choices)
    # {instance: Escalation value} where an instance escalates differently (21Vianet).
    escalation_by_instance = models.JSONField(_("escalation per instance"), default=dict)
    vendor_fee = models.CharField(_("vendor support"), max_length=10, choices=VendorFee.choices)
    # Service names in the vendors' health feeds (Graph `service`, Partner Center `workload`).
    health_names = models.JSONField(_("names in health feeds"), default=list)
    notes = models.TextField(_("notes"), blank=True)
    updated_at = models.DateTimeField(_("updated"))
    updated_by = models.ForeignKey(
        "accounts.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partner", "service"], name="service_profile_once"),
        ]

    def __str__(self) -> str:
        return f"{self.service_id} ({self.partner_id})"
