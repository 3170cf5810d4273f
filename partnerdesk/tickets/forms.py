"""Forms of the agent console's ticket pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .enums import Severity, Status


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Message"), widget=forms.Textarea(attrs={"rows": 5}), max_length=100_000
    )
    internal = forms.BooleanField(
        label=_("Internal note (never shown to the customer)"), required=False
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)


class SeverityForm(forms.Form):
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
