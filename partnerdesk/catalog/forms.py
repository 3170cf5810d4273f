"""The service profile form: portals per instance and kind, roles, escalation, fee, names."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from partnerdesk.catalog.entra_roles import ROLE_NAMES
from partnerdesk.partners.enums import Instance

from .actions import ProfileValues
from .models import Escalation, VendorFee
from .profiles import PORTAL_KINDS

KIND_LABELS = {
    "admin": _("Admin portal"),
    "health": _("Service health page"),
    "ticket": _("New service request page"),
}


def role_choices() -> list[tuple[str, Any]]:
    return sorted(ROLE_NAMES.items(), key=lambda item: str(item[1]))


def portal_field(instance: str, kind: str) -> str:
    return f"portal_{instance}_{kind}"


class ProfileForm(forms.Form):
    admin_roles = forms.MultipleChoiceField(
        label=_("Admin roles (any one lets an agent administer it)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    extra_roles = forms.CharField(
        label=_("Other role template ids"),
        required=False,
        help_text=_("Entra role template ids (GUIDs), separated by spaces or commas."),
    )
    escalation = forms.ChoiceField(label=_("Escalation"), choices=Escalation.choices)
    vendor_fee = forms.ChoiceField(label=_("Vendor support"), choices=VendorFee.choices)
    health_names = forms.CharField(
        label=_("Names in health feeds"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line, as Microsoft Graph or Partner Center name the service."),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = role_choices()
        self.fields["admin_roles"].choices = choices  # type: ignore[attr-defined]
        self.known_roles = {role for role, _name in choices}
        for instance in Instance:
            for kind in PORTAL_KINDS:
                self.fields[portal_field(instance.value, kind)] = forms.CharField(
                    label=f"{instance.label}: {KIND_LABELS[kind]}",
                    required=False,
                    max_length=500,
                    widget=forms.URLInput(attrs={"placeholder": "https://…"}),
                )
            self.fields[f"escalation_{instance.value}"] = forms.ChoiceField(
                label=instance.label,
                required=False,
                choices=[("", _("As above")), *Escalation.choices],
            )

    def portal_rows(self) -> list[tuple[Any, list[Any], Any]]:
        """(instance label, its three link fields, its escalation field) for the template."""
        return [
            (
                instance.label,
                [self[portal_field(instance.value, kind)] for kind in PORTAL_KINDS],
                self[f"escalation_{instance.value}"],
            )
            for instance in Instance
        ]

    @staticmethod
    def initial_from(values: ProfileValues, known_roles: set[str]) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "admin_roles": [r for r in values.admin_roles if r in known_roles],
            "extra_roles": " ".join(r for r in values.admin_roles if r not in known_roles),
            "escalation": values.escalation,
            "vendor_fee": values.vendor_fee,
            "health_names": "\n".join(values.health_names),
            "notes": values.notes,
        }
        for instance in Instance:
            initial[f"escalation_{instance.value}"] = values.escalation_by_instance.get(
                instance.value, ""
            )
            for kind in PORTAL_KINDS:
                initial[portal_field(instance.value, kind)] = values.portals.get(
                    instance.value, {}
                ).get(kind, "")
        return initial

    def values(self) -> ProfileValues:
        data = self.cleaned_data
        extra = [r for r in re.split(r"[\s,;]+", data["extra_roles"]) if r]
        return ProfileValues(
            portals={
                instance.value: {
                    kind: data[portal_field(instance.value, kind)] for kind in PORTAL_KINDS
                }
                for instance in Instance
            },
            admin_roles=[*data["admin_roles"], *extra],
            escalation=data["escalation"],
            escalation_by_instance={
                instance.value: data[f"escalation_{instance.value}"]
                for instance in Instance
                if data[f"escalation_{instance.value}"]
            },
            vendor_fee=data["vendor_fee"],
            health_names=[n for n in data["health_names"].splitlines() if n.strip()],
            notes=data["notes"],
        )

    def show_errors(self, errors: list[Any]) -> None:
        """An action's refusal beside the field it names."""
        for error in errors:
            parts = error.field.split(".")
            if parts[0] == "portals" and len(parts) == 3:
                name = portal_field(parts[1], parts[2])
            elif parts[0] == "escalation_by_instance" and len(parts) == 2:
                name = f"escalation_{parts[1]}"
            elif parts[0] == "admin_roles":
                name = "extra_roles"
            else:
                name = parts[0]
            self.add_error(name if name in self.fields else None, error.message)


class NewServiceForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    parent = forms.ChoiceField(label=_("Part of"), required=False)

    def __init__(self, *args: Any, parents: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = [("", _("Nothing (a service of its own)")), *parents]  # type: ignore[attr-defined]
