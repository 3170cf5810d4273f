"""Forms of the workspace settings pages: input checks only; the rules live in the actions."""

from __future__ import annotations

import zoneinfo
from functools import cache
from typing import Any

from django import forms
from django.conf import settings
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from partnerdesk.core.errors import DomainError

from .enums import CLOSED_INSTANCES, Instance, PartnerType
from .models import Partner


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    """Every IANA zone, by name (the list only changes with the tz database)."""
    zones = sorted(z for z in zoneinfo.available_timezones() if "/" in z or z == "UTC")
    return [(z, z.replace("_", " ")) for z in zones]


class WorkspaceForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        help_text=_("Office hours, reports and dates default to this zone."),
    )
    default_language = forms.ChoiceField(
        label=_("Default language"),
        help_text=_("For people who have not chosen one, and for mail to new customers."),
    )
    instance = forms.ChoiceField(
        label=_("Partner Center instance"),
        help_text=_("Microsoft Cloud Germany closed in 2021: only workspaces on it keep it."),
    )
    partner_type = forms.ChoiceField(
        label=_("Partner type"),
        choices=PartnerType.choices,
        help_text=_("An indirect reseller names its indirect provider."),
    )
    provider = forms.ChoiceField(label=_("Provider on this server"), required=False)
    provider_name = forms.CharField(
        label=_("Or, elsewhere: provider name"), max_length=200, required=False
    )
    provider_mpn_id = forms.CharField(label=_("Provider partner ID"), max_length=20, required=False)
    mpn_id = forms.CharField(
        label=_("Partner ID"),
        max_length=20,
        required=False,
        help_text=_("Your Microsoft AI Cloud Partner Program ID (formerly MPN ID)."),
    )
    tenant_id = forms.UUIDField(
        label=_("Partner tenant ID"),
        required=False,
        help_text=_("The Microsoft Entra tenant of your own organisation."),
    )

    # The action names the provider by id; the form by a choice.
    ACTION_FIELDS = {"provider_id": "provider"}

    def __init__(
        self, *args: Any, workspace: Partner, providers: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = time_zone_choices()  # type: ignore[attr-defined]
        self.fields["default_language"].choices = [  # type: ignore[attr-defined]
            (code, name) for code, name in settings.LANGUAGES
        ]
        # A closed instance stays selectable only for the workspace that already has it.
        self.fields["instance"].choices = [  # type: ignore[attr-defined]
            (value, label)
            for value, label in Instance.choices
            if value not in CLOSED_INSTANCES or value == workspace.instance
        ]
        self.fields["provider"].choices = [  # type: ignore[attr-defined]
            ("", _("None on this server")),
            *providers,
        ]

    @classmethod
    def initial_for(cls, workspace: Partner) -> dict[str, Any]:
        return {
            "name": workspace.name,
            "time_zone": workspace.time_zone,
            "default_language": workspace.default_language,
            "instance": workspace.instance,
            "partner_type": workspace.partner_type,
            "provider": str(workspace.provider_id or ""),
            "provider_name": workspace.provider_name,
            "provider_mpn_id": workspace.provider_mpn_id,
            "mpn_id": workspace.mpn_id,
            "tenant_id": workspace.tenant_id,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        reseller = data.get("partner_type") == PartnerType.INDIRECT_RESELLER
        if reseller and data.get("provider") and data.get("provider_name", "").strip():
            self.add_error(
                "provider_name", _("Name a provider on this server or one elsewhere, not both.")
            )
        return data


class SupportProfileForm(forms.Form):
    support_email = forms.EmailField(
        label=_("Support e-mail"),
        max_length=254,
        required=False,
        help_text=_("Where customers write to you."),
    )
    support_phone = forms.CharField(
        label=_("Support phone"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        help_text=_("With the country code, e.g. +49 89 1234 5678."),
        validators=[
            RegexValidator(
                r"^\+?[0-9(][0-9 ()./-]{3,38}$",
                _("Enter a phone number: digits, spaces and + ( ) - / only."),
            )
        ],
    )
    support_website = forms.URLField(
        label=_("Support website"),
        max_length=200,
        required=False,
        assume_scheme="https",
    )

    ACTION_FIELDS: dict[str, str] = {}

    @classmethod
    def initial_for(cls, workspace: Partner) -> dict[str, Any]:
        return {
            "support_email": workspace.support_email,
            "support_phone": workspace.support_phone,
            "support_website": workspace.support_website,
        }


def show_action_errors(form: forms.Form, error: DomainError, renamed: dict[str, str]) -> None:
    """Put an action's refusal next to the field it names (or above the form)."""
    for field_error in error.errors:
        name = renamed.get(field_error.field, field_error.field)
        form.add_error(name if name in form.fields else None, field_error.message)
    if not error.errors:
        form.add_error(None, error.message)
