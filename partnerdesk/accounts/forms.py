from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class SignInForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, max_length=1024)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_("The 6-digit code from your authenticator app, or a recovery code."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )


class EnrolForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the app"),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class NewPasswordForm(forms.Form):
    password = forms.CharField(label=_("New password"), widget=forms.PasswordInput, max_length=1024)
    password_again = forms.CharField(
        label=_("New password, again"), widget=forms.PasswordInput, max_length=1024
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return data


class AcceptInvitationForm(NewPasswordForm):
    full_name = forms.CharField(label=_("Your name"), max_length=200)

    field_order = ["full_name", "password", "password_again"]


class ExistingAccountForm(forms.Form):
    """Accepting an invitation with an account that exists: its password proves it is yours."""

    password = forms.CharField(
        label=_("Your current password"), widget=forms.PasswordInput, max_length=1024
    )


class ResetRequestForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
