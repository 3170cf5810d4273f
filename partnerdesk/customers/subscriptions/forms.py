"""Forms of the subscriptions and import pages (checks are the actions'; these only shape)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ..enums import SubscriptionStatus
from ..models_imports import ImportKind
from . import csvfile

STATUS_CHOICES = [(s.value, s.label) for s in SubscriptionStatus if s != SubscriptionStatus.UNKNOWN]


class SubscriptionForm(forms.Form):
    form_token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    offer_name = forms.CharField(label=_("Offer"), max_length=200)
    service = forms.ChoiceField(label=_("Service"), required=False)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=0, initial=1)
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, initial="active")
    term_duration = forms.CharField(
        label=_("Term"), max_length=10, required=False, help_text=_("P1M, P1Y or P3Y")
    )
    vendor_id = forms.CharField(label=_("Vendor subscription id"), max_length=100, required=False)
    offer_id = forms.CharField(label=_("Offer id"), max_length=100, required=False)
    starts_on = forms.DateField(
        label=_("Start"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("Commitment end"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, services: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [  # type: ignore[attr-defined]
            ("", _("Guess from the offer")),
            *services,
        ]


class ImportForm(forms.Form):
    form_token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    kind = forms.ChoiceField(label=_("What the file holds"), choices=ImportKind.choices)
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8, with ; or , between columns, at most %(size)s MB.")
        % {"size": csvfile.MAX_BYTES // (1024 * 1024)},
    )
