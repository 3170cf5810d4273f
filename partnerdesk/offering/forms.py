"""Forms of the offering's settings pages: input shapes only; the rules live in the actions.

Weekly hours are typed as text, one input per weekday ("08:00-12:00, 13:00-17:00"), so the
editor works without JavaScript; targets as hours and minutes ("4:00", "0:30").
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from partnerdesk.core.errors import DomainError
from partnerdesk.partners.forms import time_zone_choices
from partnerdesk.sla.engine import WEEKDAYS
from partnerdesk.tickets.enums import Category, Severity, Status

from .enums import ChannelKind, ClockKind, ExceptionKind
from .models import BusinessCalendar, SupportPlan

WEEKDAY_LABELS = {
    "mon": _("Monday"),
    "tue": _("Tuesday"),
    "wed": _("Wednesday"),
    "thu": _("Thursday"),
    "fri": _("Friday"),
    "sat": _("Saturday"),
    "sun": _("Sunday"),
}
# Statuses in which a clock may sensibly stand still (the others run or end the clocks).
PAUSABLE_STATUSES = (Status.PENDING_CUSTOMER, Status.PENDING_VENDOR, Status.ON_HOLD)
CHANNEL_ROWS_FREE = 2  # empty channel rows offered below the plan's own
CHANNEL_ROWS_MIN = 4

_INTERVAL = re.compile(r"^\s*(\d{1,2}:\d{2})\s*[-\u2013\u2014]\s*(\d{1,2}:\d{2})\s*$")
_DURATION = re.compile(r"^\s*(\d{1,4})(?::([0-5]\d))?\s*$")


@cache
def holiday_countries() -> list[tuple[str, str]]:
    """Countries the `holidays` package has public holidays for, by name."""
    from holidays.registry import COUNTRIES

    rows = {entry[1]: key.replace("_", " ").title() for key, entry in COUNTRIES.items()}
    return sorted(((code, f"{name} ({code})") for code, name in rows.items()), key=lambda r: r[1])


@cache
def holiday_subdivisions(country: str) -> list[tuple[str, str]]:
    """(code, name) of a country's subdivisions with their own holidays; [] if none."""
    import holidays

    try:
        regional = holidays.country_holidays(country)
    except NotImplementedError:
        return []
    aliases = regional.get_subdivision_aliases()
    return [(code, ", ".join(names) or code) for code, names in aliases.items()]


def parse_intervals(text: str) -> list[list[str]]:
    """ "08:00-12:00, 13:00-17:00" as [["08:00", "12:00"], ["13:00", "17:00"]]."""
    pairs = []
    for part in (p for p in text.replace(";", ",").split(",") if p.strip()):
        found = _INTERVAL.match(part)
        if not found:
            raise forms.ValidationError(
                _("Write each interval as HH:MM-HH:MM, for example 08:00-12:00: %(part)s"),
                params={"part": part.strip()},
            )
        start, end = found.groups()
        pairs.append([start.zfill(5), end.zfill(5)])
    return pairs


def intervals_text(pairs: list[list[str]] | list[tuple[str, str]]) -> str:
    return ", ".join(f"{start}-{end}" for start, end in pairs)


def parse_duration(text: str) -> int | None:
    """ "4:30" (hours:minutes) or "4" (hours) as minutes; empty as None."""
    if not text.strip():
        return None
    found = _DURATION.match(text)
    if not found:
        raise forms.ValidationError(
            _("Write hours:minutes, for example 4:00 or 0:30."), code="duration"
        )
    return int(found.group(1)) * 60 + int(found.group(2) or 0)


def duration_text(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}"


class HoursField(forms.CharField):
    """One weekday's hours, as text."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, max_length=400, **kwargs)

    def clean(self, value: Any) -> list[list[str]]:
        text = super().clean(value)
        return parse_intervals(text or "")


class CalendarForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    time_zone = forms.ChoiceField(
        label=_("Time zone"), help_text=_("The hours below are wall-clock times in this zone.")
    )
    always_open = forms.BooleanField(
        label=_("Open around the clock (24x7)"),
        required=False,
        help_text=_("Every hour of every day counts; weekly hours and holidays are ignored."),
    )
    # Carries errors about the week as a whole (an action names the field "weekly").
    weekly = forms.CharField(required=False, widget=forms.HiddenInput)
    holiday_country = forms.ChoiceField(
        label=_("Public holidays of"),
        required=False,
        help_text=_("Closed on that country's public holidays, e.g. Germany (DE), China (CN)."),
    )
    holiday_subdivision = forms.CharField(
        label=_("Region"),
        max_length=10,
        required=False,
        help_text=_(
            "The state or province code for regional holidays, e.g. BY for Bavaria; "
            "empty for the whole country."
        ),
    )

    # Action field names that are not form field names.
    ACTION_FIELDS = {f"weekly.{day}": day for day in WEEKDAYS}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = time_zone_choices()  # type: ignore[attr-defined]
        self.fields["holiday_country"].choices = [  # type: ignore[attr-defined]
            ("", _("No public holidays")),
            *holiday_countries(),
        ]
        for day in WEEKDAYS:
            self.fields[day] = HoursField(label=WEEKDAY_LABELS[day])

    @property
    def day_fields(self) -> list[forms.BoundField]:
        return [self[day] for day in WEEKDAYS]

    @classmethod
    def initial_for(cls, calendar: BusinessCalendar) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "name": calendar.name,
            "time_zone": calendar.time_zone,
            "always_open": calendar.always_open,
            "holiday_country": calendar.holiday_country,
            "holiday_subdivision": calendar.holiday_subdivision,
        }
        for day in WEEKDAYS:
            initial[day] = intervals_text(calendar.weekly.get(day, []))
        return initial

    @classmethod
    def initial_new(cls, time_zone: str) -> dict[str, Any]:
        office = "08:00-17:00"
        return {
            "time_zone": time_zone,
            **{day: office for day in WEEKDAYS[:5]},
        }

    def weekly_hours(self) -> dict[str, list[list[str]]]:
        return {day: self.cleaned_data[day] for day in WEEKDAYS if self.cleaned_data[day]}


class ExceptionForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("Kind"), choices=ExceptionKind.choices)
    hours = HoursField(
        label=_("Hours"),
        help_text=_("Only for an extra working day, e.g. 09:00-13:00."),
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class PlanForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the plan is for, in a sentence or two. Customers read it."),
    )
    support_kinds = forms.MultipleChoiceField(
        label=_("Kinds of support"),
        choices=Category.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    calendar = forms.ChoiceField(label=_("Service hours"))
    languages = forms.CharField(
        label=_("Languages"),
        max_length=100,
        required=False,
        help_text=_("Language codes, separated by commas, e.g. de, en or zh, en."),
    )
    currency = forms.CharField(
        label=_("Currency"),
        max_length=3,
        required=False,
        help_text=_("ISO code, e.g. EUR, USD, CNY."),
    )
    monthly_fee = forms.DecimalField(
        label=_("Monthly fee"), required=False, min_value=0, max_digits=10, decimal_places=2
    )
    per_incident_fee = forms.DecimalField(
        label=_("Fee per incident"), required=False, min_value=0, max_digits=10, decimal_places=2
    )
    hourly_rate = forms.DecimalField(
        label=_("Hourly rate"), required=False, min_value=0, max_digits=10, decimal_places=2
    )
    pricing_note = forms.CharField(label=_("Pricing note"), max_length=300, required=False)
    warning_percent = forms.IntegerField(
        label=_("Warn at (% of the target)"),
        min_value=1,
        max_value=99,
        help_text=_("The assignee is warned when this share of a target has passed."),
    )
    is_published = forms.BooleanField(label=_("Show on the public offering page"), required=False)
    position = forms.IntegerField(
        label=_("Position"),
        min_value=0,
        max_value=999,
        required=False,
        help_text=_("Plans are listed by position, then name."),
    )

    FEES = ("monthly_fee", "per_incident_fee", "hourly_rate")
    ACTION_FIELDS: dict[str, str] = {"targets": "targets", "channels": "channels"}

    def __init__(
        self,
        *args: Any,
        calendars: list[BusinessCalendar],
        channel_rows: int = CHANNEL_ROWS_MIN,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["calendar"].choices = [  # type: ignore[attr-defined]
            ("", _("Choose a calendar")),
            *[
                (str(c.pk), f"{c.name} · {_('24x7') if c.always_open else c.time_zone}")
                for c in calendars
            ],
        ]
        # Errors about the targets or channels as a whole.
        self.fields["targets"] = forms.CharField(required=False, widget=forms.HiddenInput)
        self.fields["channels"] = forms.CharField(required=False, widget=forms.HiddenInput)
        for severity in Severity.values:
            for clock in ClockKind.values:
                key = f"{severity}_{clock}"
                self.fields[f"target_{key}"] = forms.CharField(
                    label=_("Target"),
                    required=False,
                    max_length=10,
                    widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 5}),
                )
                self.fields[f"clock_{key}"] = forms.ChoiceField(
                    label=_("Counted"),
                    choices=[
                        ("business", _("in service hours")),
                        ("calendar", _("around the clock")),
                    ],
                )
        for status in PAUSABLE_STATUSES:
            for clock in ClockKind.values:
                self.fields[f"pause_{status}_{clock}"] = forms.BooleanField(required=False)
        self.channel_rows = channel_rows
        for row in range(channel_rows):
            self.fields[f"channel_{row}_kind"] = forms.ChoiceField(
                label=_("Channel"),
                required=False,
                choices=[("", "—"), *ChannelKind.choices],
            )
            self.fields[f"channel_{row}_address"] = forms.CharField(
                label=_("Address or number"), required=False, max_length=300
            )
            self.fields[f"channel_{row}_note"] = forms.CharField(
                label=_("Note"), required=False, max_length=200
            )
            # The table's column heads label the cells for the eye; these for screen readers.
            for part in ("kind", "address", "note"):
                field = self.fields[f"channel_{row}_{part}"]
                field.widget.attrs["aria-label"] = f"{field.label} {row + 1}"

    # --- layout helpers for the template ------------------------------------------------

    @property
    def target_rows(self) -> list[dict[str, Any]]:
        rows = []
        for value, label in Severity.choices:
            cells = [
                {
                    "target": self[f"target_{value}_{c}"],
                    "clock": self[f"clock_{value}_{c}"],
                    "label": f"{label}: {ClockKind(c).label}",
                }
                for c in ClockKind.values
            ]
            rows.append({"severity": value, "label": label, "cells": cells})
        return rows

    @property
    def clock_labels(self) -> list[str]:
        return [str(label) for label in ClockKind.labels]

    @property
    def pause_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "label": Status(status).label,
                "boxes": [
                    {"box": self[f"pause_{status}_{c}"], "label": ClockKind(c).label}
                    for c in ClockKind.values
                ],
            }
            for status in PAUSABLE_STATUSES
        ]

    @property
    def channel_fields(self) -> list[dict[str, forms.BoundField]]:
        return [
            {
                "kind": self[f"channel_{row}_kind"],
                "address": self[f"channel_{row}_address"],
                "note": self[f"channel_{row}_note"],
            }
            for row in range(self.channel_rows)
        ]

    # --- values ---------------------------------------------------------------------------

    def clean_currency(self) -> str:
        return str(self.cleaned_data.get("currency") or "").strip().upper()

    def clean_languages(self) -> list[str]:
        text = str(self.cleaned_data.get("languages") or "")
        codes = [c.strip().lower() for c in text.replace(";", ",").split(",") if c.strip()]
        return list(dict.fromkeys(codes))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        targets = []
        for severity in Severity.values:
            for clock in ClockKind.values:
                key = f"{severity}_{clock}"
                try:
                    minutes = parse_duration(str(data.get(f"target_{key}") or ""))
                except forms.ValidationError as error:
                    self.add_error(f"target_{key}", error)
                    continue
                if minutes is None:
                    continue
                if minutes <= 0:
                    self.add_error(f"target_{key}", _("A target must be longer than 0:00."))
                    continue
                targets.append(
                    {
                        "severity": severity,
                        "clock": clock,
                        "minutes": minutes,
                        "business_hours": data.get(f"clock_{key}") != "calendar",
                    }
                )
        data["target_list"] = targets
        data["pause_map"] = {
            status: [c for c in ClockKind.values if data.get(f"pause_{status}_{c}")]
            for status in PAUSABLE_STATUSES
        }
        channels = []
        for row in range(self.channel_rows):
            kind = data.get(f"channel_{row}_kind") or ""
            address = str(data.get(f"channel_{row}_address") or "").strip()
            note = str(data.get(f"channel_{row}_note") or "").strip()
            if not kind:
                if address or note:
                    self.add_error(f"channel_{row}_kind", _("Choose the kind of channel."))
                continue
            channels.append({"kind": kind, "address": address, "note": note})
        data["channel_list"] = channels
        return data

    @classmethod
    def initial_for(cls, plan: SupportPlan, targets: list[Any], channels: list[Any]) -> dict:
        initial: dict[str, Any] = {
            "name": plan.name,
            "description": plan.description,
            "support_kinds": list(plan.support_kinds),
            "calendar": str(plan.calendar_id),
            "languages": ", ".join(plan.languages),
            "currency": plan.currency,
            "monthly_fee": plan.monthly_fee,
            "per_incident_fee": plan.per_incident_fee,
            "hourly_rate": plan.hourly_rate,
            "pricing_note": plan.pricing_note,
            "warning_percent": plan.warning_percent,
            "is_published": plan.is_published,
            "position": plan.position,
        }
        initial.update(cls._clock_initial(plan.pauses))
        for target in targets:
            key = f"{target.severity}_{target.clock}"
            initial[f"target_{key}"] = duration_text(target.minutes)
            initial[f"clock_{key}"] = "business" if target.business_hours else "calendar"
        for row, channel in enumerate(channels):
            initial[f"channel_{row}_kind"] = channel.kind
            initial[f"channel_{row}_address"] = channel.address
            initial[f"channel_{row}_note"] = channel.note
        return initial

    @classmethod
    def initial_new(cls, pauses: dict[str, list[str]], warning_percent: int) -> dict:
        initial: dict[str, Any] = {"warning_percent": warning_percent, "position": 0}
        initial.update(cls._clock_initial(pauses))
        return initial

    @staticmethod
    def _clock_initial(pauses: dict[str, list[str]]) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        for status in PAUSABLE_STATUSES:
            for clock in ClockKind.values:
                initial[f"pause_{status}_{clock}"] = clock in pauses.get(status, [])
        return initial

    def fee(self, name: str) -> Decimal | None:
        value = self.cleaned_data.get(name)
        return value if isinstance(value, Decimal) else None


class AssignPlanForm(forms.Form):
    plan = forms.ChoiceField(label=_("Support plan"), required=False)

    def __init__(self, *args: Any, plans: list[SupportPlan], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan"].choices = [  # type: ignore[attr-defined]
            ("", _("The workspace default")),
            *[(str(p.pk), p.name) for p in plans],
        ]


def show_action_errors(form: forms.Form, error: DomainError, renamed: dict[str, str]) -> None:
    """Put an action's refusal next to the field it names (or above the form)."""
    for field_error in error.errors:
        name = renamed.get(field_error.field, field_error.field)
        if name not in form.fields:
            # "targets[0].minutes", "channels.1.address": the group the field belongs to.
            head = re.split(r"[.\[]", name, maxsplit=1)[0]
            name = renamed.get(head, head)
        form.add_error(name if name in form.fields else None, field_error.message)
    if not error.errors:
        form.add_error(None, error.message)
