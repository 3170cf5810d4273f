"""Ticket vocabularies. Severity and category follow RULES.md sections 4 and 7."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise


class Status(models.TextChoices):
    NEW = "new", _("New")
    OPEN = "open", _("Open")
    PENDING_CUSTOMER = "pending_customer", _("Pending customer")
    PENDING_VENDOR = "pending_vendor", _("Pending vendor")
    ON_HOLD = "on_hold", _("On hold")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = frozenset(
    {Status.NEW, Status.OPEN, Status.PENDING_CUSTOMER, Status.PENDING_VENDOR, Status.ON_HOLD}
)


class Severity(models.TextChoices):
    A = "A", _("A: critical")
    B = "B", _("B: moderate")
    C = "C", _("C: minimal")


SEVERITY_IMPACT: dict[str, StrOrPromise] = {
    Severity.A: _(
        "Significant loss or degradation of services; production down. Needs attention "
        "around the clock."
    ),
    Severity.B: _("Moderate loss or degradation of services; production partly affected."),
    Severity.C: _(
        "Minimal loss or degradation; services still usable, or only non-production affected."
    ),
}


class Category(models.TextChoices):
    ACCOUNT_SETUP = "account_setup", _("Account set-up and registration")
    ACCOUNTS_BILLING = "accounts_billing", _("Accounts and billing")
    HOW_TO = "how_to", _("How-to questions and FAQ")
    UPDATES = "updates", _("Service and software updates")
    CONFIGURATION = "configuration", _("Software configuration")
    CONNECTIVITY = "connectivity", _("Client connectivity and the client desktop")
    PERFORMANCE = "performance", _("Performance and availability")
    SUBSCRIPTION = "subscription", _("Subscription management")
    BILLING_DISPUTE = "billing_dispute", _("Billing dispute")
    SUSPECTED_FRAUD = "suspected_fraud", _("Suspected fraud")


class Channel(models.TextChoices):
    PORTAL = "portal", _("Portal")
    EMAIL = "email", _("E-mail")
    API = "api", _("API")
    PHONE = "phone", _("Phone")
    AGENT = "agent", _("Agent")


class EventKind(models.TextChoices):
    CREATED = "created", _("Created")
    REPLIED = "replied", _("Replied")
    NOTED = "noted", _("Internal note")
    STATUS = "status", _("Status changed")
    SEVERITY = "severity", _("Severity changed")
    ASSIGNED = "assigned", _("Assignee changed")
    CHANGED = "changed", _("Details changed")
    TAGGED = "tagged", _("Tag added")
    UNTAGGED = "untagged", _("Tag removed")
    WATCHING = "watching", _("Watcher added")
    UNWATCHING = "unwatching", _("Watcher removed")
    ATTACHED = "attached", _("Attachment added")
    MERGED_INTO = "merged_into", _("Merged into another ticket")
    MERGED_FROM = "merged_from", _("Another ticket merged into this one")
    REOPENED = "reopened", _("Reopened by the customer")
    # SLA clocks (tickets.actions.sla): staff-only history, never shown to customer people.
    SLA_WARNING = "sla_warning", _("SLA target about to be missed")
    SLA_BREACHED = "sla_breached", _("SLA target missed")


# History entries customer people never see, whatever their `internal` flag.
STAFF_ONLY_EVENTS = frozenset({EventKind.SLA_WARNING, EventKind.SLA_BREACHED})
