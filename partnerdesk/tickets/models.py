"""Tickets, their messages, attachments, tags, watchers and history."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

from partnerdesk.core.models import PartnerOwned

if TYPE_CHECKING:
    from partnerdesk.accounts.models import Membership

from .canned_models import CannedReply as CannedReply
from .enums import Category, Channel, EventKind, Severity, Status
from .search_models import TicketSearchDocument as TicketSearchDocument
from .sla_models import NO_DUE, SlaState
from .sla_models import AgentNotice as AgentNotice
from .sla_models import TicketClock as TicketClock


class TicketCounter(models.Model):
    """The last ticket number of a workspace; locked while a number is taken."""

    partner = models.OneToOneField(
        "partners.Partner", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    last_number = models.PositiveBigIntegerField(default=1000)


class Tag(PartnerOwned):
    name = models.CharField(_("tag"), max_length=50)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["partner", "name"], name="tag_once")]

    def __str__(self) -> str:
        return self.name


class Ticket(PartnerOwned):
    """A customer's request. `is_open` and `last_activity_at` exist for the queue indexes."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Every queue index starts with the workspace; a partner-only index would only tempt a
    # planner without statistics into reading a whole workspace and sorting it.
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    number = models.PositiveBigIntegerField(_("number"))
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="tickets"
    )
    requester = models.ForeignKey(
        "customers.Contact", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    subject = models.CharField(_("subject"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    category = models.CharField(_("category"), max_length=30, choices=Category.choices)
    service = models.ForeignKey(
        "catalog.Service", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    severity = models.CharField(_("severity"), max_length=1, choices=Severity.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW
    )
    is_open = models.BooleanField(default=True)
    assignee = models.ForeignKey(
        "accounts.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    tags: models.ManyToManyField[Tag, TicketTag] = models.ManyToManyField(
        Tag, through="TicketTag", related_name="tickets"
    )
    watchers: models.ManyToManyField[Membership, TicketWatcher] = models.ManyToManyField(
        "accounts.Membership", through="TicketWatcher", related_name="+"
    )
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged"
    )
    created_by = models.ForeignKey(
        "accounts.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"))
    last_activity_at = models.DateTimeField(_("last activity"))
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # SLA (tickets.sla_models): the plan the clocks follow, the earliest due time of a running
    # clock (NO_DUE when none runs) and the worst clock's state.
    support_plan = models.ForeignKey(
        "offering.SupportPlan", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sla_due_at = models.DateTimeField(_("next due"), default=NO_DUE)
    sla_state = models.CharField(
        _("SLA"), max_length=10, choices=SlaState.choices, default=SlaState.NONE
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partner", "number"], name="ticket_number_once"),
        ]
        indexes = [
            # Each queue's filter and sort, so a page costs the same at 10k and 1M tickets.
            models.Index(fields=["partner", "is_open", "-last_activity_at", "-id"], name="q_open"),
            # The whole workspace by activity (the API's and the console's unfiltered lists):
            # without it the engine sorts every ticket of the workspace for one page.
            models.Index(fields=["partner", "-last_activity_at", "-id"], name="q_all"),
            models.Index(
                fields=["partner", "assignee", "is_open", "-last_activity_at", "-id"],
                name="q_assignee",
            ),
            models.Index(fields=["partner", "status", "-last_activity_at", "-id"], name="q_status"),
            models.Index(
                fields=["partner", "customer", "-last_activity_at", "-id"], name="q_customer"
            ),
            models.Index(
                fields=["partner", "requester", "-last_activity_at", "-id"], name="q_requester"
            ),
            # The queues' other sorts (selectors.SORT_ORDERS): by creation (the number) and by
            # severity among open tickets, and a customer's tickets open first.
            models.Index(fields=["partner", "is_open", "number"], name="q_open_number"),
            models.Index(
                fields=["partner", "-is_open", "severity", "-last_activity_at", "-id"],
                name="q_open_severity",
            ),
            models.Index(
                fields=["partner", "customer", "-is_open", "-last_activity_at", "-id"],
                name="q_customer_open",
            ),
            # Sorting by next due time, and the "breaching soon" queue (a range on sla_due_at).
            models.Index(fields=["partner", "-is_open", "sla_due_at", "id"], name="q_open_due"),
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.subject}"


class TicketTag(PartnerOwned):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ticket", "tag"], name="ticket_tag_once")]
        indexes = [models.Index(fields=["tag", "ticket"], name="tickets_by_tag")]


class TicketWatcher(PartnerOwned):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey(
        "accounts.Membership", on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ticket", "membership"], name="watcher_once")
        ]


class Message(PartnerOwned):
    """A public reply or an internal note (never shown to customer people)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(
        "accounts.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    author_contact = models.ForeignKey(
        "customers.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    body = models.TextField(_("text"))
    internal = models.BooleanField(_("internal note"), default=False)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    created_at = models.DateTimeField(_("created"))

    class Meta:
        indexes = [
            models.Index(fields=["ticket", "created_at", "id"], name="messages_in_order"),
        ]


class Attachment(PartnerOwned):
    """A file on a ticket; internal when it belongs to an internal note."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to="attachments/%Y/%m/", max_length=300)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    internal = models.BooleanField(default=False)
    uploaded_by = models.ForeignKey(
        "accounts.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["ticket", "created_at"], name="attachments_in_order")]


class TicketEvent(PartnerOwned):
    """One entry of a ticket's history: who changed what, when."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    actor = models.ForeignKey(
        "accounts.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_kind = models.CharField(max_length=16)
    data = models.JSONField(default=dict)
    internal = models.BooleanField(default=False)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["ticket", "at", "id"], name="history_in_order")]
