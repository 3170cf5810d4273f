"""The vendor-target settings form: one table (a language and a kind), three severities."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from . import vendor

CLOCK_CHOICES = [
    ("clock", _("around the clock")),
    ("business", _("business hours")),
]


def minutes_field(severity: str) -> str:
    return f"minutes_{severity}"


def clock_field(severity: str) -> str:
    return f"clock_{severity}"


class VendorTableForm(forms.Form):
    """Minutes and clock for severities A, B and C of one language and kind."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for severity in vendor.SEVERITIES:
            self.fields[minutes_field(severity)] = forms.IntegerField(
                label=_("Severity %(severity)s: minutes") % {"severity": severity},
                min_value=1,
                max_value=vendor.MAX_MINUTES,
                error_messages={
                    "min_value": _("Give the target as a positive number of minutes."),
                    "required": _("Give the target in minutes."),
                },
            )
            self.fields[clock_field(severity)] = forms.ChoiceField(
                label=_("Severity %(severity)s: counted") % {"severity": severity},
                choices=CLOCK_CHOICES,
            )

    @staticmethod
    def initial_for(targets: list[vendor.VendorTarget]) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        for target in targets:
            initial[minutes_field(target.severity)] = target.minutes
            initial[clock_field(target.severity)] = "business" if target.business_hours else "clock"
        return initial
