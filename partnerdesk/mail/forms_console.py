"""Forms of the triage page: file as a ticket, attach to a ticket."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

REFERENCE = re.compile(r"^\s*(?:\[?[A-Za-z0-9]{1,8}-)?#?(\d{1,12})(?:\.[a-z2-7]{6}\]?)?\s*$")


class FileForm(forms.Form):
    customer_id = forms.UUIDField(
        label=_("Customer"),
        error_messages={"required": _("Choose the customer.")},
    )
    requester_id = forms.UUIDField(label=_("Requester"), required=False)


class AttachForm(forms.Form):
    reference = forms.CharField(
        label=_("Ticket"),
        max_length=40,
        help_text=_("Its number, like 1042 or PD-1042."),
        error_messages={"required": _("Give the ticket's number.")},
    )

    def clean_reference(self) -> int:
        found = REFERENCE.match(self.cleaned_data["reference"])
        if found is None:
            raise forms.ValidationError(_("Give a ticket number, like 1042 or PD-1042."))
        return int(found.group(1))
