"""Forms of the console's queues: the filter bar (GET) and the bulk change (POST)."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from partnerdesk.accounts.models import Membership
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import DomainError
from partnerdesk.core.widgets import FastSelect
from partnerdesk.customers.access import get_customer_for
from partnerdesk.customers.models import Customer

from . import access
from .actions.bulk import MAX_BULK
from .enums import Category, Severity, Status
from .selectors import QueueSort, TicketFilter
from .sla_models import SlaState

UNASSIGNED = "none"
ME = "me"


def _any(label: Any, choices: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [("", label), *choices]


class QueueFilterForm(forms.Form):
    """What narrows a queue and how it is sorted; every field is in the query string."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=_any(_("Any status"), Status.choices),
        widget=FastSelect(attrs={"data-shortcut": "f"}),  # f: to the filters
    )
    severity = forms.ChoiceField(
        label=_("Severity"),
        required=False,
        choices=_any(_("Any severity"), Severity.choices),
        widget=FastSelect,
    )
    customer = forms.CharField(label=_("Customer"), required=False, widget=FastSelect)
    assignee = forms.CharField(label=_("Assignee"), required=False, widget=FastSelect)
    tag = forms.CharField(label=_("Tag"), required=False, max_length=50)
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
        choices=_any(_("Any category"), Category.choices),
        widget=FastSelect,
    )
    sla_state = forms.ChoiceField(
        label=_("SLA"),
        required=False,
        choices=_any(_("Any SLA state"), SlaState.choices),
        widget=FastSelect,
    )
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=QueueSort.choices,
        # console.js leaves the default out of the address it pushes
        widget=FastSelect(attrs={"data-default": QueueSort.ACTIVITY.value}),
    )

    def __init__(
        self,
        data: Any,
        *,
        actor: Actor,
        customers: list[tuple[uuid.UUID, str]],
        staff: list[Membership],
        default_sort: str = QueueSort.ACTIVITY,
    ) -> None:
        if data is not None and not data.get("sort"):
            # The queue's own order shows as chosen (the breaching queue sorts by due time).
            data = data.copy()
            data["sort"] = default_sort
        super().__init__(data)
        self.default_sort = default_sort
        self.fields["sort"].widget.attrs["data-default"] = str(default_sort)
        self.actor = actor
        customer_choices = [(str(pk), name) for pk, name in customers]
        chosen = (data or {}).get("customer") or ""
        if chosen and chosen not in {pk for pk, _name in customer_choices}:
            # A customer beyond the first choices (linked from its page) stays selectable.
            found = self._customer(chosen)
            if found is not None:
                customer_choices.append((str(found.pk), found.name))
        self.fields["customer"].widget.choices = _any(_("Any customer"), customer_choices)
        self.fields["assignee"].widget.choices = _any(
            _("Anyone"),
            [(UNASSIGNED, _("Unassigned")), (ME, _("Me"))]
            + [(str(m.pk), m.user.full_name or m.user.email) for m in staff],
        )
        self.fields["tag"].widget.attrs.update({"list": "queue-tags", "autocomplete": "off"})

    def _customer(self, value: str) -> Customer | None:
        try:
            return get_customer_for(self.actor, value)
        except DomainError:
            return None

    def clean_customer(self) -> Customer | None:
        value = (self.cleaned_data.get("customer") or "").strip()
        if not value:
            return None
        customer = self._customer(value)
        if customer is None:
            # Another workspace's customer, one the agent does not support and a made-up id
            # all read the same.
            raise forms.ValidationError(_("Unknown customer."), code="unknown")
        return customer

    def clean_assignee(self) -> str | Membership | None:
        value = (self.cleaned_data.get("assignee") or "").strip()
        if value in ("", UNASSIGNED, ME):
            return value or None
        try:
            return access.get_assignable_staff_for(self.actor, value)
        except DomainError:
            raise forms.ValidationError(_("Unknown staff member."), code="unknown") from None

    def clean_tag(self) -> str:
        return " ".join((self.cleaned_data.get("tag") or "").strip().lower().split())

    def narrowing(self) -> TicketFilter:
        """The person's narrowing of the queue (valid forms only)."""
        data = self.cleaned_data
        assignee = data.get("assignee")
        customer = data.get("customer")
        return TicketFilter(
            status=data.get("status") or None,
            severity=data.get("severity") or None,
            category=data.get("category") or None,
            customer_id=customer.pk if customer else None,
            unassigned=assignee == UNASSIGNED,
            assignee_id=(
                self.actor.membership_id
                if assignee == ME
                else assignee.pk
                if isinstance(assignee, Membership)
                else None
            ),
            tag=data.get("tag") or None,
            sla_state=data.get("sla_state") or None,
        )

    @property
    def chosen_sort(self) -> str:
        return str(self.cleaned_data.get("sort") or self.default_sort)

    @property
    def is_narrowed(self) -> bool:
        return self.is_bound and any(self.data.get(name) for name in self.fields if name != "sort")


class TicketIdsField(forms.Field):
    """The checked rows: many values of one name; ids that are not ids are dropped here and
    reported by the action as not found, like any id the person cannot see."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[str]:
        if not value:
            return []
        return [str(v) for v in value][: MAX_BULK + 1]


class BulkForm(forms.Form):
    """One change for the checked tickets; the pressed button says which."""

    ACTIONS = (("assign", _("Assign")), ("status", _("Set status")), ("tag", _("Add tag")))

    ticket = TicketIdsField(label=_("Tickets"), required=False)
    action = forms.ChoiceField(label=_("Change"), choices=ACTIONS)
    assignee = forms.CharField(label=_("Assign to"), required=False, widget=FastSelect)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=_any(_("Status…"), Status.choices),
        widget=FastSelect,
    )
    tag = forms.CharField(label=_("Tag"), required=False, max_length=50)

    def __init__(self, data: Any, *, actor: Actor, staff: list[Membership]) -> None:
        super().__init__(data)
        self.actor = actor
        self.fields["assignee"].widget.choices = _any(
            _("Assign to…"),
            [(ME, _("Me")), (UNASSIGNED, _("Nobody (unassign)"))]
            + [(str(m.pk), m.user.full_name or m.user.email) for m in staff],
        )
        self.fields["tag"].widget.attrs.update(
            {"list": "queue-tags", "autocomplete": "off", "placeholder": _("tag")}
        )

    def clean_ticket(self) -> list[str]:
        ids: list[str] = self.cleaned_data.get("ticket") or []
        if not ids:
            raise forms.ValidationError(_("Select at least one ticket."), code="required")
        if len(ids) > MAX_BULK:
            raise forms.ValidationError(
                _("At most %(n)s tickets at once; select fewer.") % {"n": MAX_BULK},
                code="too_many",
            )
        return ids

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        action = data.get("action")
        if action == "assign":
            value = (data.get("assignee") or "").strip()
            if not value:
                self.add_error("assignee", _("Choose whom to assign to."))
            elif value == ME:
                data["membership"] = self._staff(str(self.actor.membership_id))
            elif value != UNASSIGNED:
                data["membership"] = self._staff(value)
        elif action == "status" and not data.get("status"):
            self.add_error("status", _("Choose a status."))
        elif action == "tag" and not (data.get("tag") or "").strip():
            self.add_error("tag", _("Name a tag."))
        return data

    def _staff(self, value: str) -> Membership | None:
        try:
            return access.get_assignable_staff_for(self.actor, value)
        except DomainError:
            self.add_error("assignee", _("Unknown staff member."))
            return None

    def change(self) -> dict[str, Any]:
        """The keyword arguments of `bulk_change` for a valid form."""
        data = self.cleaned_data
        action = data["action"]
        if action == "assign":
            if data.get("assignee") == UNASSIGNED:
                return {"unassign": True}
            return {"assignee": data["membership"]}
        if action == "status":
            return {"status": data["status"]}
        return {"tag": data["tag"]}
