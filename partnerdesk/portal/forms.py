"""Forms of the customer portal: a new request, a reply, the profile."""

from __future__ import annotations

import zoneinfo
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from partnerdesk.catalog.models import Service
from partnerdesk.catalog.selectors import all_services
from partnerdesk.core.actor import Actor
from partnerdesk.tickets.attachments import ALLOWED_TYPES, Rejected, check_upload, max_bytes
from partnerdesk.tickets.enums import Category, Severity

MAX_FILES = 10


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Any number of files (up to MAX_FILES), each checked against the desk's upload rules,
    so a request or reply is either filed with all its files or not at all."""

    widget = MultipleFileInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True}))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        uploads = [u for u in (data if isinstance(data, (list, tuple)) else [data]) if u]
        if len(uploads) > MAX_FILES:
            raise forms.ValidationError(
                _("Attach at most %(max)s files at a time.") % {"max": MAX_FILES}
            )
        problems = []
        for upload in uploads:
            checked = check_upload(upload)
            if isinstance(checked, Rejected):
                problems.append(f"{checked.filename}: {checked.reason}")
        if problems:
            raise forms.ValidationError(problems)
        return uploads


def files_help() -> str:
    return str(
        _("Up to %(count)s files, %(size)s MB each: %(types)s.")
        % {
            "count": MAX_FILES,
            "size": round(max_bytes() / 1_048_576),
            "types": ", ".join(sorted(ext.lstrip(".") for ext in ALLOWED_TYPES)),
        }
    )


class ServiceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Service) -> str:
        return f"{obj.parent.name}: {obj.name}" if obj.parent_id and obj.parent else obj.name


class NewRequestForm(forms.Form):
    subject = forms.CharField(
        label=_("Subject"),
        max_length=250,
        help_text=_("In a few words: what is wrong, or what do you need?"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=100_000,
        help_text=_(
            "What happened, since when, who is affected, and any error message you saw. "
            "The more we know, the faster we can help."
        ),
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    severity = forms.ChoiceField(
        label=_("How serious is it?"),
        choices=Severity.choices,
        initial=Severity.C,
        widget=forms.RadioSelect,
    )
    category = forms.ChoiceField(
        label=_("What is it about?"),
        choices=[("", _("Choose a topic")), *Category.choices],
    )
    service = ServiceChoiceField(
        label=_("Which service does it concern?"),
        queryset=None,  # the actor's catalog, set in __init__
        required=False,
        empty_label=_("Not sure, or none"),
    )
    attachments = FilesField(label=_("Attachments (optional)"))
    form_token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = files_help()
        self.fields["service"].queryset = all_services(actor)  # type: ignore[attr-defined]
        # Check health first: picking a service asks which incidents affect it (htmx).
        self.fields["service"].widget.attrs.update(
            {
                "hx-get": reverse("health:portal_check"),
                # A form back with its errors checks again for the service already chosen.
                "hx-trigger": "load, change"
                if self.is_bound and self.data.get("service")
                else "change",
                "hx-target": "#health-check",
                "hx-swap": "innerHTML",
            }
        )


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"), max_length=100_000, widget=forms.Textarea(attrs={"rows": 5})
    )
    attachments = FilesField(label=_("Attachments (optional)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = files_help()


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class ProfileForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), required=False)
    time_zone = forms.ChoiceField(label=_("Time zone"), required=False)

    def __init__(self, *args: Any, workspace_time_zone: str = "UTC", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language = self.fields["language"]
        assert isinstance(language, forms.ChoiceField)
        language.choices = [("", _("As my browser asks")), *settings.LANGUAGES]
        zone = self.fields["time_zone"]
        assert isinstance(zone, forms.ChoiceField)
        zone.choices = [
            ("", _("Default (%(zone)s)") % {"zone": workspace_time_zone}),
            *time_zone_choices(),
        ]
