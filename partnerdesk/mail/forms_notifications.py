"""Forms of the notification settings pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .notifications import PREFERENCES, wants
from .notifications.compose import SUBJECT_MAX, unknown_placeholders


class NotificationChoicesForm(forms.Form):
    """One checkbox per notification an agent can turn off (all on until they do)."""

    def __init__(self, *args: Any, choices: dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label in PREFERENCES.items():
            self.fields[key] = forms.BooleanField(
                label=label, required=False, initial=wants(choices, key)
            )

    def choices(self) -> dict[str, bool]:
        return {key: bool(self.cleaned_data.get(key)) for key in PREFERENCES}


def _check_placeholders(value: str) -> str:
    unknown = unknown_placeholders(value)
    if unknown:
        raise forms.ValidationError(
            _("Unknown placeholder: %(names)s. Use one of the listed ones."),
            code="unknown_placeholder",
            params={"names": ", ".join("{" + name + "}" for name in unknown)},
        )
    return value


class MailTemplateForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=SUBJECT_MAX, required=False)
    text = forms.CharField(
        label=_("Text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "true"}),
        help_text=_(
            "Plain text; a blank line starts a new paragraph. The mail adds the reply line, "
            "the quoted message and the link to the ticket."
        ),
    )

    def clean_subject(self) -> str:
        subject = " ".join(str(self.cleaned_data.get("subject") or "").split())
        return _check_placeholders(subject)

    def clean_text(self) -> str:
        text = str(self.cleaned_data.get("text") or "").replace("\r\n", "\n")
        return _check_placeholders(text)
