"""Forms of the agent console's ticket page and canned replies (input checks only; the
actions decide what is allowed)."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from . import states
from .attachments import Rejected, check_upload
from .enums import Category, Severity, Status

MAX_FILES = 10


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name; each checked against the attachment rules."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        uploads = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(uploads) > MAX_FILES:
            raise forms.ValidationError(_("At most %(n)s files at once.") % {"n": MAX_FILES})
        refused = []
        for upload in uploads:
            checked = check_upload(upload)
            if isinstance(checked, Rejected):
                refused.append(f"{checked.filename}: {checked.reason}")
        if refused:
            raise forms.ValidationError(refused)
        return uploads


class ReplyForm(forms.Form):
    """A public reply or (internal=1) an internal note, optionally with files and a status to
    set once it is sent."""

    body = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=100_000,
        error_messages={"required": _("Write something first.")},
    )
    internal = forms.BooleanField(required=False, widget=forms.HiddenInput)
    attachments = MultipleFileField(label=_("Attach files"), required=False)
    then_status = forms.ChoiceField(
        label=_("Then set status"),
        choices=[("", _("leave as it is"))] + [(s.value, s.label) for s in Status],
        required=False,
    )

    def __init__(self, *args: Any, current_status: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.current_status = current_status

    def clean_then_status(self) -> str:
        target: str = self.cleaned_data.get("then_status") or ""
        current = self.current_status
        if not target or current is None or target == current:
            return target
        # A first public reply opens a new ticket; from there any working status is allowed.
        if not (
            states.can_transition(current, target)
            or (current == Status.NEW and states.can_transition(Status.OPEN, target))
        ):
            raise forms.ValidationError(
                _("A ticket that is %(current)s cannot become %(target)s.")
                % {"current": Status(current).label, "target": Status(target).label}
            )
        return target


# Statuses the reply box offers to set with "send and set status".
THEN_STATUSES = [
    Status.OPEN,
    Status.PENDING_CUSTOMER,
    Status.PENDING_VENDOR,
    Status.ON_HOLD,
    Status.RESOLVED,
]


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)


class SeverityForm(forms.Form):
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)


class DetailsForm(forms.Form):
    """Category and service; the service list is the catalog's."""

    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    service = forms.ChoiceField(label=_("Service"), required=False)

    def __init__(self, *args: Any, services: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [("", _("none")), *services]  # type: ignore[attr-defined]


class AssignForm(forms.Form):
    assignee_id = forms.UUIDField(
        label=_("Assign to"), error_messages={"required": _("Choose a person.")}
    )


class TagsForm(forms.Form):
    tags = forms.CharField(
        label=_("Add tags"),
        max_length=1_000,
        help_text=_("One or several, separated by commas."),
        error_messages={"required": _("Name at least one tag.")},
    )

    def clean_tags(self) -> list[str]:
        names = [name.strip() for name in self.cleaned_data["tags"].split(",")]
        names = [name for name in names if name]
        if not names:
            raise forms.ValidationError(_("Name at least one tag."))
        return names


class UntagForm(forms.Form):
    tag = forms.CharField(max_length=100)


class WatcherForm(forms.Form):
    membership_id = forms.UUIDField(
        label=_("Add a watcher"), error_messages={"required": _("Choose a person.")}
    )


class MergeForm(forms.Form):
    """The ticket to merge into, by reference (PD-1042), #1042 or 1042."""

    into = forms.CharField(
        label=_("Merge into ticket"),
        max_length=40,
        error_messages={"required": _("Name the ticket to merge into.")},
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, ticket_prefix: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ticket_prefix = ticket_prefix

    def clean_into(self) -> int:
        given = self.cleaned_data["into"].strip()
        match = re.fullmatch(r"(?:(?P<prefix>[A-Za-z0-9]+)-|#)?(?P<number>\d{1,18})", given)
        if match is None or (
            match.group("prefix") and match.group("prefix").upper() != self.ticket_prefix.upper()
        ):
            raise forms.ValidationError(
                _("Give a ticket reference such as %(example)s, or its number.")
                % {"example": f"{self.ticket_prefix}-1042"}
            )
        return int(match.group("number"))


class CannedReplyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    body = forms.CharField(
        label=_("Text"), widget=forms.Textarea(attrs={"rows": 10}), max_length=20_000
    )
    shared = forms.BooleanField(
        label=_("Share with the team (everyone who replies can use it)"), required=False
    )
