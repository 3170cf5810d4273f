"""A workspace's vendor response targets: the rows that override the programme's figures.

The defaults (sla.vendor.default_target) hold for every instance and need no rows; a row
exists only where the partner changed a target, and deleting it restores the default.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from partnerdesk.core.models import PartnerOwned
from partnerdesk.partners.enums import Instance


class VendorLanguage(models.TextChoices):
    ENGLISH = "english", _("English")
    LOCAL = "local", _("Local language")


class VendorSeverity(models.TextChoices):
    A = "A", _("A: critical")
    B = "B", _("B: moderate")
    C = "C", _("C: minimal")


class VendorResponseTarget(PartnerOwned):
    """The vendor's initial-response target for one instance, language, severity and kind,
    as the partner changed it (RULES.md section 7)."""

    instance = models.CharField(_("instance"), max_length=20, choices=Instance.choices)
    language = models.CharField(_("language"), max_length=10, choices=VendorLanguage.choices)
    severity = models.CharField(_("severity"), max_length=1, choices=VendorSeverity.choices)
    break_fix = models.BooleanField(_("break-fix"))
    minutes = models.PositiveIntegerField(_("minutes"))
    # False: around the clock; True: business hours on the calendar of the customer's country.
    business_hours = models.BooleanField(_("business hours"))
    updated_at = models.DateTimeField(_("updated"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "instance", "language", "severity", "break_fix"],
                name="vendor_target_once",
            ),
            models.CheckConstraint(
                condition=models.Q(minutes__gt=0), name="vendor_target_minutes_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instance}/{self.language}/{self.severity}/{self.break_fix}"
