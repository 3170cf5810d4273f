"""Forms of the people settings pages: staff, invitations and API tokens."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from partnerdesk.customers.models import Customer

from .permissions import CATALOGUE, CUSTOMER_ROLES, STAFF_ROLES, Role, permissions_for

STAFF_ROLE_CHOICES = [(role.value, role.label) for role in Role if role in STAFF_ROLES]


class CustomerLimitsField(forms.ModelMultipleChoiceField):
    """Customers ticked on a list; none ticked means every customer."""

    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)

    def clean(self, value: Any) -> Any:
        # Anything that is not an id is as unknown as another workspace's customer.
        for item in value or []:
            try:
                uuid.UUID(str(item))
            except ValueError:
                raise forms.ValidationError(_("Unknown customer."), code="invalid_choice") from None
        return super().clean(value)


def _limits_field() -> CustomerLimitsField:
    return CustomerLimitsField(
        queryset=None,  # set per request from the actor's customers
        required=False,
        label=_("Customers"),
        help_text=_(
            "Tick the customers this person works for. Tick none for every customer "
            "of the workspace."
        ),
        error_messages={
            "invalid_choice": _("Unknown customer."),
            "invalid_pk_value": _("Unknown customer."),
        },
    )


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    full_name = forms.CharField(
        label=_("Name"),
        max_length=200,
        required=False,
        help_text=_("Used in the invitation; they can change it when they accept."),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=STAFF_ROLE_CHOICES,
        error_messages={"invalid_choice": _("Choose a partner staff role.")},
    )
    limited_customers = _limits_field()

    # The action's field names -> this form's.
    ACTION_FIELDS = {"customer": "limited_customers"}

    def __init__(self, *args: Any, customers: QuerySet[Customer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["limited_customers"].queryset = customers  # type: ignore[attr-defined]


class MemberForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Role"),
        choices=STAFF_ROLE_CHOICES,
        error_messages={"invalid_choice": _("Choose a partner staff role.")},
    )
    limited_customers = _limits_field()
    is_active = forms.BooleanField(
        label=_("Active"),
        required=False,
        help_text=_("An inactive member cannot sign in or use API tokens; nothing is deleted."),
    )

    ACTION_FIELDS: dict[str, str] = {"limited_customer_ids": "limited_customers"}

    def __init__(
        self, *args: Any, customers: QuerySet[Customer], is_self: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["limited_customers"].queryset = customers  # type: ignore[attr-defined]
        if is_self:
            # Nobody lowers their own role or locks themselves out (the action refuses it
            # too); posted values for these fields are ignored.
            self.fields["role"].disabled = True
            self.fields["is_active"].disabled = True


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “RMM sync”."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


def staff_role_guide() -> dict[str, Any]:
    """What each staff role allows, as a table: the catalogue's permissions (those that mean
    something for staff) down, the roles across."""
    roles = [(value, label) for value, label in STAFF_ROLE_CHOICES]
    customer_only = set().union(*(permissions_for(r) for r in CUSTOMER_ROLES)) - set().union(
        *(permissions_for(r) for r in STAFF_ROLES if r != Role.GLOBAL_ADMIN)
    )
    rows = [
        (text, [code in permissions_for(value) for value, _label in roles])
        for code, text in CATALOGUE.items()
        if code not in customer_only
    ]
    return {"roles": [label for _value, label in roles], "rows": rows}
