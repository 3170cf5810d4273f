from django.db import models
from django.utils.translation import gettext_lazy as _


class Instance(models.TextChoices):
    """The Partner Center instance (cloud) a workspace belongs to."""

    GLOBAL = "global", _("Global (commercial)")
    US_GOVERNMENT = "us_government", _("Microsoft Cloud for US Government")
    # Closed by Microsoft in 2021; kept for workspaces that still carry its history.
    GERMANY = "germany", _("Microsoft Cloud Germany (closed)")
    CHINA_21VIANET = "china_21vianet", _("Operated by 21Vianet (China)")


CLOSED_INSTANCES = frozenset({Instance.GERMANY})


class PartnerType(models.TextChoices):
    DIRECT_BILL = "direct_bill", _("Direct-bill partner")
    INDIRECT_PROVIDER = "indirect_provider", _("Indirect provider")
    INDIRECT_RESELLER = "indirect_reseller", _("Indirect reseller")
