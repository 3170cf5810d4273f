"""Mail in: the mailboxes a workspace polls and every message that came in, with its raw bytes
and what became of it. Nothing is dropped: a message is a ticket, a reply, waiting in triage,
quarantined with its reason, or ignored with its reason (auto-replies, duplicates)."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from partnerdesk.core.models import PartnerOwned

from .models_outbound import Audience as Audience
from .models_outbound import MailTemplate as MailTemplate
from .models_outbound import OutboundMail as OutboundMail
from .models_outbound import TemplateKey as TemplateKey


class Security(models.TextChoices):
    SSL = "ssl", _("TLS (IMAPS, port 993)")
    STARTTLS = "starttls", _("STARTTLS (port 143)")
    NONE = "none", _("None (only for a server on this machine)")


class AuthMethod(models.TextChoices):
    PASSWORD = "password", _("Password")
    XOAUTH2 = "xoauth2", _("OAuth 2.0 (Microsoft 365, XOAUTH2)")


class AfterImport(models.TextChoices):
    FLAG = "flag", _("Mark as read and flag it")
    DELETE = "delete", _("Delete it from the server")


class Mailbox(PartnerOwned):
    """A mailbox polled over IMAP. Its address is where customers write; replies go out with
    a plus address on it that carries the ticket's token (support+PD-1042.k3f9a2@…)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=100)
    address = models.EmailField(_("address customers write to"))
    host = models.CharField(_("IMAP server"), max_length=255)
    port = models.PositiveIntegerField(_("port"), default=993)
    security = models.CharField(
        _("connection security"), max_length=10, choices=Security.choices, default=Security.SSL
    )
    username = models.CharField(_("user name"), max_length=255)
    auth_method = models.CharField(
        _("sign-in method"), max_length=10, choices=AuthMethod.choices, default=AuthMethod.PASSWORD
    )
    # The password, or for XOAUTH2 the client secret; encrypted (mail.secrets), never shown.
    secret_encrypted = models.TextField(blank=True)
    oauth_token_url = models.URLField(_("OAuth token endpoint"), blank=True)
    oauth_client_id = models.CharField(_("OAuth client id"), max_length=255, blank=True)
    oauth_scope = models.CharField(_("OAuth scope"), max_length=255, blank=True)
    folder = models.CharField(_("folder"), max_length=255, default="INBOX")
    after_import = models.CharField(
        _("after import"), max_length=10, choices=AfterImport.choices, default=AfterImport.FLAG
    )
    is_active = models.BooleanField(_("active"), default=True)
    uid_validity = models.BigIntegerField(null=True, blank=True)
    last_uid = models.BigIntegerField(default=0)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(_("created"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partner", "address"], name="mailbox_address_once"),
        ]


class Source(models.TextChoices):
    IMAP = "imap", _("IMAP mailbox")
    PIPE = "pipe", _("Mail server pipe")


class InboundState(models.TextChoices):
    RECEIVED = "received", _("Received, not yet processed")
    TICKET = "ticket", _("New ticket")
    REPLY = "reply", _("Reply on a ticket")
    TRIAGE = "triage", _("Waiting in triage")
    QUARANTINED = "quarantined", _("Quarantined")
    IGNORED = "ignored", _("Ignored")


class InboundMessage(PartnerOwned):
    """One message as it arrived. The raw bytes are kept (`raw`), so a quarantined message
    can be looked at and processed again, and every ticket shows its original mail."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    mailbox = models.ForeignKey(
        Mailbox, on_delete=models.SET_NULL, null=True, blank=True, related_name="messages"
    )
    source = models.CharField(max_length=10, choices=Source.choices)
    message_id = models.CharField(max_length=998, blank=True)
    sha256 = models.CharField(max_length=64)
    raw = models.FileField(upload_to="mail/raw/%Y/%m/", max_length=200)
    size = models.PositiveIntegerField()
    received_at = models.DateTimeField(_("received"))
    sender = models.CharField(_("sender"), max_length=320, blank=True)
    subject = models.TextField(_("subject"), blank=True)
    # The first words of the text, for the triage and quarantine lists (set when processed).
    snippet = models.CharField(_("snippet"), max_length=300, blank=True)
    state = models.CharField(
        max_length=12, choices=InboundState.choices, default=InboundState.RECEIVED
    )
    # A stable code (dmarc_failed, unknown_sender, too_large, parse_timeout, rate_limited,
    # auto_generated, bounce, duplicate, internal_error…) and the words an agent reads.
    reason = models.CharField(max_length=40, blank=True)
    detail = models.TextField(blank=True)
    # The receiving server's verdict on the sender (Authentication-Results): True when DMARC
    # passed for the From domain, False when it failed, None when no verdict was given.
    sender_verified = models.BooleanField(null=True)
    authentication = models.JSONField(default=dict, blank=True)
    auto_generated = models.BooleanField(default=False)
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # For a message in triage that answers a ticket (its token matched) but was not attached
    # (a sender who is not a contact, or DMARC failed): that ticket, shown to the agent.
    # Only `ticket` says what the mail became; this never does.
    answers_ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The reply or the ticket's first message this mail became.
    ticket_message = models.ForeignKey(
        "tickets.Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partner", "sha256"], name="inbound_bytes_once"),
            models.UniqueConstraint(
                fields=["partner", "message_id"],
                condition=~models.Q(message_id=""),
                name="inbound_message_id_once",
            ),
        ]
        indexes = [
            models.Index(fields=["partner", "state", "-received_at"], name="inbound_by_state"),
            models.Index(fields=["partner", "sender", "-received_at"], name="inbound_by_sender"),
        ]
