"""Mail out: the workspace's own wording of the notifications, and the log of what was sent
about each ticket (how later mails find the thread, and which addresses were skipped)."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from partnerdesk.core.models import PartnerOwned


class TemplateKey(models.TextChoices):
    """The notifications a workspace can word itself; the first five go to contacts."""

    ACKNOWLEDGED = "ticket_acknowledged", _("Request received (to the contact)")
    AGENT_REPLIED = "agent_replied", _("Reply from an agent (to the contact)")
    PENDING_CUSTOMER = "status_pending_customer", _("Waiting for the customer (to the contact)")
    RESOLVED = "status_resolved", _("Request resolved (to the contact)")
    CLOSED = "status_closed", _("Request closed (to the contact)")
    NEW_TICKET = "agent_new_ticket", _("New ticket (to agents)")
    CUSTOMER_REPLIED = "agent_customer_replied", _("Reply from the customer (to agents)")
    ASSIGNED = "agent_assigned", _("Ticket assigned (to the agent)")
    SLA_WARNING = "agent_sla_warning", _("SLA target about to be missed (to the assignee)")
    SLA_BREACHED = "agent_sla_breached", _("SLA target missed (to the assignee)")


CONTACT_KEYS = frozenset(
    {
        TemplateKey.ACKNOWLEDGED,
        TemplateKey.AGENT_REPLIED,
        TemplateKey.PENDING_CUSTOMER,
        TemplateKey.RESOLVED,
        TemplateKey.CLOSED,
    }
)


class MailTemplate(PartnerOwned):
    """A workspace's wording of one notification in one language. An empty subject or text
    means the built-in default for that part. The text is plain text with placeholders
    ({ticket.reference}), replaced by plain substitution, never by a template engine."""

    key = models.CharField(_("notification"), max_length=40, choices=TemplateKey.choices)
    language = models.CharField(_("language"), max_length=10)
    subject = models.CharField(_("subject"), max_length=250, blank=True)
    text = models.TextField(_("text"), blank=True)
    updated_at = models.DateTimeField(_("changed"))
    updated_by = models.ForeignKey(
        "accounts.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "key", "language"], name="mail_template_once"
            ),
        ]


class Audience(models.TextChoices):
    CONTACT = "contact", _("Contact")
    AGENT = "agent", _("Agent")


class OutboundMail(PartnerOwned):
    """One mail queued (or deliberately not sent) about a ticket to one recipient. Later mails
    to the same person chain to these Message-IDs (In-Reply-To/References)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=40, choices=TemplateKey.choices)
    audience = models.CharField(max_length=10, choices=Audience.choices)
    recipient = models.EmailField()
    contact = models.ForeignKey(
        "customers.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    membership = models.ForeignKey(
        "accounts.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    language = models.CharField(max_length=10)
    message_id = models.CharField(max_length=250, blank=True)
    outbox_item_id = models.UUIDField(null=True, blank=True)
    # Why nothing was sent ("address_failing"); empty when the mail was queued.
    skipped = models.CharField(max_length=30, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["ticket", "recipient", "created_at"], name="outbound_thread"),
        ]
