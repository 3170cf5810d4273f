"""Forms of the mail settings pages: input checks only; the rules live in the actions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .actions.mailboxes import MailboxSettings
from .models import AfterImport, AuthMethod, Mailbox, Security

MICROSOFT_SCOPE = "https://outlook.office365.com/.default"


class SecretInput(forms.PasswordInput):
    """Write-only: shows back only what was typed in this very request (a form with errors,
    or after "test connection" without JavaScript), never the stored secret."""

    def __init__(self) -> None:
        super().__init__(render_value=True, attrs={"autocomplete": "new-password"})


class MailboxForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("How agents see this mailbox, e.g. “Support” or “Billing”."),
    )
    address = forms.EmailField(
        label=_("Address customers write to"),
        max_length=254,
        help_text=_("Replies go out from it, with the ticket's number in a plus address."),
    )
    host = forms.CharField(
        label=_("IMAP server"),
        max_length=255,
        help_text=_("Microsoft 365: outlook.office365.com"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    port = forms.IntegerField(
        label=_("Port"),
        min_value=1,
        max_value=65535,
        initial=993,
        help_text=_("993 for TLS, 143 for STARTTLS."),
    )
    security = forms.ChoiceField(
        label=_("Connection security"), choices=Security.choices, initial=Security.SSL
    )
    username = forms.CharField(
        label=_("User name"),
        max_length=255,
        help_text=_("Usually the mailbox's address."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    auth_method = forms.ChoiceField(
        label=_("Sign-in method"),
        choices=AuthMethod.choices,
        initial=AuthMethod.PASSWORD,
        widget=forms.RadioSelect,
    )
    password = forms.CharField(label=_("Password"), max_length=1000, required=False)
    oauth_token_url = forms.URLField(
        label=_("Token endpoint"),
        max_length=200,
        required=False,
        assume_scheme="https",
        help_text=_(
            "Microsoft 365: https://login.microsoftonline.com/<tenant id>/oauth2/v2.0/token"
        ),
    )
    oauth_client_id = forms.CharField(
        label=_("Application (client) id"), max_length=255, required=False
    )
    client_secret = forms.CharField(label=_("Client secret"), max_length=1000, required=False)
    oauth_scope = forms.CharField(
        label=_("Scope"),
        max_length=255,
        required=False,
        initial=MICROSOFT_SCOPE,
        help_text=_("Microsoft 365: %(scope)s") % {"scope": MICROSOFT_SCOPE},
    )
    folder = forms.CharField(
        label=_("Folder"),
        max_length=255,
        initial="INBOX",
        help_text=_("The folder to import from; INBOX unless the mail is sorted elsewhere."),
    )
    after_import = forms.ChoiceField(
        label=_("After a message is imported"),
        choices=AfterImport.choices,
        initial=AfterImport.FLAG,
        widget=forms.RadioSelect,
    )
    is_active = forms.BooleanField(
        label=_("Active: poll this mailbox every minute"), required=False, initial=True
    )

    def __init__(self, *args: Any, stored: Mailbox | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A new widget per form: the help text below depends on what is stored.
        for name in ("password", "client_secret"):
            field = self.fields[name]
            field.widget = SecretInput()
            keeps = (
                stored is not None
                and stored.secret_encrypted
                and ((name == "password") == (stored.auth_method == AuthMethod.PASSWORD))
            )
            field.help_text = (
                _(
                    "Stored encrypted and never shown. Leave empty to keep the stored one "
                    "(asked for again if the server changes)."
                )
                if keeps
                else _("Stored encrypted and never shown again.")
            )

    @classmethod
    def initial_for(cls, mailbox: Mailbox) -> dict[str, Any]:
        return {
            "name": mailbox.name,
            "address": mailbox.address,
            "host": mailbox.host,
            "port": mailbox.port,
            "security": mailbox.security,
            "username": mailbox.username,
            "auth_method": mailbox.auth_method,
            "oauth_token_url": mailbox.oauth_token_url,
            "oauth_client_id": mailbox.oauth_client_id,
            "oauth_scope": mailbox.oauth_scope or MICROSOFT_SCOPE,
            "folder": mailbox.folder,
            "after_import": mailbox.after_import,
            "is_active": mailbox.is_active,
        }

    def config(self) -> MailboxSettings:
        data = self.cleaned_data
        xoauth2 = data["auth_method"] == AuthMethod.XOAUTH2
        secret = data["client_secret"] if xoauth2 else data["password"]
        return MailboxSettings(
            name=data["name"],
            address=data["address"],
            host=data["host"],
            port=data["port"],
            security=data["security"],
            username=data["username"],
            auth_method=data["auth_method"],
            folder=data["folder"],
            after_import=data["after_import"],
            is_active=data["is_active"],
            oauth_token_url=data["oauth_token_url"],
            oauth_client_id=data["oauth_client_id"],
            oauth_scope=data["oauth_scope"],
            secret=secret or None,
        )
