"""Forms of the relationship pages: a relationship recorded by hand, a security group."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, time
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from partnerdesk.catalog.entra_roles import ROLE_NAMES

from ..enums import AutoExtend, RelationshipKind, RelationshipStatus
from ..models_services import AdminRelationship, SecurityGroup
from .actions import RelationshipInput

ROLE_CHOICES = [(k, str(v)) for k, v in sorted(ROLE_NAMES.items(), key=lambda kv: str(kv[1]))]


class RelationshipForm(forms.Form):
    display_name = forms.CharField(label=_("Name"), max_length=50)
    kind = forms.ChoiceField(label=_("Kind"), choices=RelationshipKind.choices)
    status = forms.ChoiceField(
        label=_("Status"), choices=RelationshipStatus.choices, initial=RelationshipStatus.ACTIVE
    )
    roles = forms.MultipleChoiceField(
        label=_("Roles granted"),
        choices=ROLE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_roles = forms.CharField(
        label=_("Other role template ids"),
        required=False,
        max_length=2000,
        help_text=_("Role template ids (GUIDs) not listed above, separated by spaces or commas."),
    )
    activated_on = forms.DateField(
        label=_("Start"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    duration = forms.CharField(
        label=_("Duration"),
        max_length=20,
        required=False,
        initial="P730D",
        help_text=_("ISO 8601, between P1D and P2Y (P730D); or give the end instead."),
    )
    ends_on = forms.DateField(
        label=_("End"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    auto_extend = forms.ChoiceField(
        label=_("Auto-extension"), choices=AutoExtend.choices, initial=AutoExtend.NONE
    )

    ACTION_FIELDS = {
        "role_ids": "roles",
        "assignments": "__all__",
        "customer": "__all__",
    }

    def __init__(self, *args: Any, groups: list[SecurityGroup], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.groups = [g for g in groups]
        for group in self.groups:
            self.fields[f"group_{group.pk}"] = forms.MultipleChoiceField(
                label=group.name,
                choices=ROLE_CHOICES,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )

    def group_fields(self) -> list[Any]:
        return [self[f"group_{g.pk}"] for g in self.groups]

    @staticmethod
    def initial_for(rel: AdminRelationship) -> dict[str, Any]:
        roles = [r.role_definition_id for r in rel.roles.all()]
        initial: dict[str, Any] = {
            "display_name": rel.display_name,
            "kind": rel.kind,
            "status": rel.status,
            "roles": [r for r in roles if r in ROLE_NAMES],
            "other_roles": " ".join(r for r in roles if r not in ROLE_NAMES),
            "activated_on": rel.activated_at.date() if rel.activated_at else None,
            "duration": rel.duration,
            "ends_on": None,
            "auto_extend": rel.auto_extend,
        }
        for a in rel.assignments.all():
            initial[f"group_{a.group_id}"] = list(a.role_definition_ids)
        return initial

    def to_input(self, customer: Any) -> RelationshipInput:
        data = self.cleaned_data
        roles = list(data["roles"]) + [
            r for r in re.split(r"[\s,;]+", data["other_roles"] or "") if r
        ]
        assignments: dict[uuid.UUID, list[str]] = {}
        for group in self.groups:
            chosen = list(data.get(f"group_{group.pk}") or [])
            if chosen:
                assignments[group.pk] = chosen

        def at(day: Any) -> datetime | None:
            return datetime.combine(day, time(), tzinfo=UTC) if day else None

        return RelationshipInput(
            customer=customer,
            display_name=data["display_name"],
            kind=data["kind"],
            status=data["status"],
            role_ids=roles,
            assignments=assignments,
            activated_at=at(data["activated_on"]),
            duration=data["duration"] or "",
            ends_at=at(data["ends_on"]) if not data["duration"] else None,
            auto_extend=data["auto_extend"],
        )


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)


class MemberForm(forms.Form):
    membership = forms.ChoiceField(label=_("Staff member"))

    def __init__(self, *args: Any, staff: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["membership"].choices = [  # type: ignore[attr-defined]
            (str(m.pk), m.user.full_name or m.user.email) for m in staff
        ]
