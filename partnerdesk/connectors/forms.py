"""The Microsoft connection's settings form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class AppForm(forms.Form):
    client_id = forms.CharField(label=_("Application (client) id"), max_length=64)
    client_secret = forms.CharField(
        label=_("Client secret"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Stored encrypted and never shown again; leave empty to keep the stored one."),
    )
    login_url = forms.URLField(label=_("Sign-in endpoint"), assume_scheme="https")
    partner_center_url = forms.URLField(label=_("Partner Center API"), assume_scheme="https")
    graph_url = forms.URLField(label=_("Microsoft Graph API"), assume_scheme="https")
