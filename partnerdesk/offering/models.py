"""The published support offering: business calendars and support plans.

Both carry a `version` that every change increments: compiled calendars are cached by
(calendar id, version), and a ticket's clocks are recalculated when the plan they follow moves on.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from partnerdesk.core.models import PartnerOwned

from .enums import DEFAULT_WARNING_PERCENT, ChannelKind, ClockKind, ExceptionKind


class BusinessCalendar(PartnerOwned):
    """Service hours: weekly intervals in a time zone, public holidays, closures, extra days.

    `weekly` is {"mon": [["08:00", "17:00"]], …} (sla.engine.weekly_from_mapping); a missing day
    is closed. `always_open` is the 24x7 calendar (weekly and holidays are then ignored).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=100)
    time_zone = models.CharField(_("time zone"), max_length=64)
    always_open = models.BooleanField(_("24 hours a day, 7 days a week"), default=False)
    weekly = models.JSONField(_("weekly hours"), default=dict, blank=True)
    holiday_country = models.CharField(_("public holidays of"), max_length=2, blank=True)
    holiday_subdivision = models.CharField(_("subdivision"), max_length=10, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("created"))
    updated_at = models.DateTimeField(_("updated"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partner", "name"], name="calendar_name_once"),
        ]

    def __str__(self) -> str:
        return self.name


class CalendarException(PartnerOwned):
    """A one-off closure or extra working day of a calendar."""

    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="exceptions"
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=ExceptionKind.choices)
    # For an extra working day: [["09:00", "13:00"], …]
    hours = models.JSONField(_("hours"), default=list, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="calendar_exception_once"),
        ]
        indexes = [models.Index(fields=["calendar", "date"], name="calendar_exceptions_by_date")]


class SupportPlan(PartnerOwned):
    """A support plan the partner offers: hours, channels, languages, pricing and targets."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    # Which kinds of support the plan covers, as ticket categories (tickets.enums.Category).
    support_kinds = models.JSONField(_("kinds of support"), default=list, blank=True)
    calendar = models.ForeignKey(
        BusinessCalendar,
        on_delete=models.PROTECT,
        related_name="plans",
        verbose_name=_("service hours"),
    )
    languages = models.JSONField(_("languages"), default=list, blank=True)  # ["de", "en"]
    # Pricing: all empty means free of charge.
    currency = models.CharField(_("currency"), max_length=3, blank=True)  # ISO 4217
    monthly_fee = models.DecimalField(
        _("monthly fee"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    per_incident_fee = models.DecimalField(
        _("fee per incident"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    hourly_rate = models.DecimalField(
        _("hourly rate"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    pricing_note = models.CharField(_("pricing note"), max_length=300, blank=True)
    # {"pending_customer": ["first_response", …], …}; offering.enums.DEFAULT_PAUSES when new.
    pauses = models.JSONField(_("paused clocks by status"), default=dict, blank=True)
    warning_percent = models.PositiveSmallIntegerField(
        _("warn at share of target (%)"), default=DEFAULT_WARNING_PERCENT
    )
    is_default = models.BooleanField(_("workspace default"), default=False)
    is_published = models.BooleanField(_("published on the public page"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("created"))
    updated_at = models.DateTimeField(_("updated"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partner", "name"], name="plan_name_once"),
            models.UniqueConstraint(
                fields=["partner"], condition=models.Q(is_default=True), name="plan_one_default"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_free(self) -> bool:
        return (
            self.monthly_fee is None
            and self.per_incident_fee is None
            and (self.hourly_rate is None)
        )


class PlanTarget(PartnerOwned):
    """How fast the partner answers: one clock of one severity. No row: no such clock."""

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="targets")
    severity = models.CharField(_("severity"), max_length=1)  # tickets.enums.Severity
    clock = models.CharField(_("clock"), max_length=20, choices=ClockKind.choices)
    minutes = models.PositiveIntegerField(_("target (minutes)"))
    # True: counted in the plan calendar's hours; False: around the clock.
    business_hours = models.BooleanField(_("in service hours"), default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "severity", "clock"], name="plan_target_once"),
            models.CheckConstraint(condition=models.Q(minutes__gt=0), name="plan_target_positive"),
        ]


class PlanChannel(PartnerOwned):
    """A way to reach the partner under a plan: portal, e-mail, phone or chat."""

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="channels")
    kind = models.CharField(_("channel"), max_length=10, choices=ChannelKind.choices)
    address = models.CharField(_("address or number"), max_length=300, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)  # "for severity A"
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["plan", "position"], name="plan_channels_in_order")]
