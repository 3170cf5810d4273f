"""The health pages' forms: an incident recorded by hand, and the update to linked tickets."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from partnerdesk.catalog.models import Service

from .enums import Classification, HealthStatus


class IncidentForm(forms.Form):
    service: forms.ModelChoiceField[Service] = forms.ModelChoiceField(
        label=_("Service"), queryset=None
    )
    title = forms.CharField(label=_("Title"), max_length=500)
    status = forms.ChoiceField(
        label=_("Status"), choices=HealthStatus.choices, initial=HealthStatus.INVESTIGATING
    )
    classification = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            (Classification.INCIDENT, _("Incident")),
            (Classification.ADVISORY, _("Advisory")),
        ],
    )
    impact = forms.CharField(
        label=_("Impact"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    message = forms.CharField(
        label=_("First update"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, services: QuerySet[Service], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services  # type: ignore[attr-defined]


class BroadcastForm(forms.Form):
    body = forms.CharField(
        label=_("Update to send to every linked open ticket"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    resolve = forms.BooleanField(label=_("Also resolve the tickets"), required=False)
    # Sending the same form twice resumes one broadcast (tickets done are skipped).
    form_token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)
