"""Vocabularies of the published support offering (RULES.md section 3)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ClockKind(models.TextChoices):
    """The clocks every ticket runs (a plan sets a target for each per severity)."""

    FIRST_RESPONSE = "first_response", _("First response")
    NEXT_UPDATE = "next_update", _("Next update")
    RESOLUTION = "resolution", _("Resolution")


class ChannelKind(models.TextChoices):
    PORTAL = "portal", _("Portal")
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone")
    CHAT = "chat", _("Chat")


class ExceptionKind(models.TextChoices):
    CLOSED = "closed", _("Closed")
    OPEN = "open", _("Extra working day")


# Which statuses pause which clocks when a plan says nothing else (RULES.md section 3 and the
# issue: pending customer pauses all; pending vendor pauses resolution).
DEFAULT_PAUSES: dict[str, list[str]] = {
    "pending_customer": [ClockKind.FIRST_RESPONSE, ClockKind.NEXT_UPDATE, ClockKind.RESOLUTION],
    "pending_vendor": [ClockKind.RESOLUTION],
}

DEFAULT_WARNING_PERCENT = 75
