"""A ticket's SLA clocks and the console notices they raise.

One `TicketClock` row per clock kind (offering.enums.ClockKind) per ticket. The state is kept so
that the due time can be recomputed at any moment from the plan's current target and calendar:

    due_at = calendar.add(running_since, target - elapsed)      while running

`elapsed` is the working time already consumed before `running_since`; pausing adds the working
time since `running_since` to it, resuming sets `running_since` again. The pure rules live in
partnerdesk.sla.policy; tickets.actions.sla applies them to these rows (and
tickets.actions.sla_jobs for the background jobs).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _

from partnerdesk.core.models import PartnerOwned
from partnerdesk.offering.enums import ClockKind

# Ticket.sla_due_at of a ticket with no running clock: sorts after every real due time, so the
# "next due" order is one index range on both engines (NULLs sort differently on each).
NO_DUE = datetime(9000, 1, 1, tzinfo=UTC)


class SlaState(models.TextChoices):
    """A ticket's SLA summary (the worst of its clocks), for queues and filters."""

    NONE = "none", _("No SLA")
    OK = "ok", _("On time")
    WARNING = "warning", _("Breaching soon")
    BREACHED = "breached", _("Breached")
    PAUSED = "paused", _("Paused")
    MET = "met", _("Met")


class ClockState(models.TextChoices):
    RUNNING = "running", _("Running")
    PAUSED = "paused", _("Paused")
    MET = "met", _("Met")
    MISSED = "missed", _("Missed")  # stopped after its due time
    CANCELLED = "cancelled", _("Not needed")  # e.g. closed without a response


class TicketClock(PartnerOwned):
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="clocks")
    kind = models.CharField(max_length=20, choices=ClockKind.choices)
    state = models.CharField(max_length=10, choices=ClockState.choices)
    target = models.DurationField()
    business_hours = models.BooleanField(default=True)
    cycle = models.PositiveIntegerField(default=1)  # the next-update clock restarts
    started_at = models.DateTimeField()
    elapsed = models.DurationField(default=timedelta(0))
    running_since = models.DateTimeField(null=True, blank=True)
    paused_since = models.DateTimeField(null=True, blank=True)
    paused_total = models.DurationField(default=timedelta(0))  # wall-clock time spent paused
    due_at = models.DateTimeField(null=True, blank=True)  # while running
    warn_at = models.DateTimeField(null=True, blank=True)  # while running and not yet warned
    warned_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    breached_by = models.DurationField(null=True, blank=True)  # working time past the target
    breaches = models.PositiveIntegerField(default=0)  # over all cycles

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ticket", "kind"], name="ticket_clock_once"),
        ]
        indexes = [
            # The sweep: running clocks whose warning or due time has come.
            models.Index(
                fields=["warn_at"],
                name="clock_warn_due",
                condition=models.Q(warn_at__isnull=False, warned_at__isnull=True),
            ),
            models.Index(
                fields=["due_at"],
                name="clock_breach_due",
                condition=models.Q(due_at__isnull=False, breached_at__isnull=True),
            ),
        ]


class NoticeKind(models.TextChoices):
    SLA_WARNING = "sla_warning", _("SLA target about to be missed")
    SLA_BREACHED = "sla_breached", _("SLA target missed")


class AgentNotice(PartnerOwned):
    """A console notification for one staff member (shown until read)."""

    membership = models.ForeignKey(
        "accounts.Membership", on_delete=models.CASCADE, related_name="+"
    )
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=NoticeKind.choices)
    data = models.JSONField(default=dict)  # {"clock": "first_response", "due_at": "…"}
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["membership", "read_at", "-created_at"], name="notices_unread"),
        ]
