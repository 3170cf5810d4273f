"""A workspace's connection to the vendor (Microsoft's secure application model). The state of each
feed it reads is core.feeds.FeedState (pages of every app show it; core imports no app)."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from partnerdesk.core.models import PartnerOwned


class ConnectionStatus(models.TextChoices):
    NOT_CONNECTED = "not_connected", _("Not connected")
    CONNECTED = "connected", _("Connected")
    # The refresh token from the partner admin's consent was refused (expired or revoked):
    # the owner must consent again; nothing else stops working.
    CONSENT_EXPIRED = "consent_expired", _("Consent expired")


class VendorConnection(PartnerOwned):
    """The app registration and the partner admin's consent (an app+user refresh token) that
    the partner_center and graph connectors use. One per workspace."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Entra's login endpoint (https://login.microsoftonline.com, or .chinacloudapi.cn, or the
    # sandbox), Partner Center's and Graph's base URLs for the workspace's instance.
    login_url = models.URLField(_("sign-in endpoint"))
    partner_center_url = models.URLField(_("Partner Center API"))
    graph_url = models.URLField(_("Microsoft Graph API"))
    client_id = models.CharField(_("application (client) id"), max_length=64)
    # Encrypted at rest (core.secrets), never shown again.
    client_secret = models.TextField(blank=True)
    refresh_token = models.TextField(blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ConnectionStatus.choices,
        default=ConnectionStatus.NOT_CONNECTED,
    )
    consented_by = models.ForeignKey(
        "accounts.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    consented_at = models.DateTimeField(_("consented"), null=True, blank=True)
    # What the vendor said when it last refused the consent (for the owner's message).
    status_detail = models.TextField(blank=True)
    updated_at = models.DateTimeField(_("updated"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["partner"], name="vendor_connection_once")]
