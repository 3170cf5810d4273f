"""Settings pages of mail out: each agent's own notification choices, and the workspace's
wording of every notification (global admins), with a preview and a way back to the
built-in wording."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from partnerdesk.core import policies
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import DomainError, not_found
from partnerdesk.core.http import allow
from partnerdesk.partners.forms import show_action_errors
from partnerdesk.partners.selectors import current_workspace
from partnerdesk.tickets.console import console_page, staff_actor

from .forms_notifications import MailTemplateForm, NotificationChoicesForm
from .models_outbound import CONTACT_KEYS, TemplateKey
from .notifications import actions, selectors
from .notifications.compose import (
    PLACEHOLDERS,
    Rendered,
    Wording,
    default_wording,
    sample_values,
)
from .notifications.compose import (
    render as render_mail,
)


@console_page
@allow("GET", "POST")
def notification_choices(request: HttpRequest) -> HttpResponse:
    """The signed-in agent's own choices: which notifications reach them by mail."""
    actor = staff_actor(request)
    stored = selectors.own_notification_choices(actor)
    if request.method == "POST":
        form = NotificationChoicesForm(request.POST, choices=stored)
        if form.is_valid():
            actions.set_own_notification_choices(actor, choices=form.choices())
            messages.success(request, _("Your notification choices are saved."))
            return redirect(request.path)
    else:
        form = NotificationChoicesForm(choices=stored)
    context = {
        "form": form,
        "section": "notifications",
        "address": actor.email,
        "works_tickets": actor.has("tickets.reply"),
    }
    return render(request, "mail/settings_notifications.html", context)


def _templates_actor(request: HttpRequest) -> Actor:
    actor = staff_actor(request)
    policies.require(actor, selectors.TEMPLATES_PERMISSION)
    return actor


def _languages() -> list[tuple[str, str]]:
    return [(code, str(name)) for code, name in settings.LANGUAGES]


@console_page
@allow("GET")
def template_list(request: HttpRequest) -> HttpResponse:
    """Every notification in every language: built-in or the workspace's own wording."""
    actor = _templates_actor(request)
    custom = selectors.workspace_templates(actor)
    rows = []
    for key, label in TemplateKey.choices:
        rows.append(
            {
                "key": key,
                "label": label,
                "to_contacts": key in CONTACT_KEYS,
                "languages": [
                    {
                        "code": code,
                        "name": name,
                        "custom": (key, code) in custom,
                        "url": reverse(
                            "notifications:template", kwargs={"key": key, "language": code}
                        ),
                    }
                    for code, name in _languages()
                ],
            }
        )
    context = {"rows": rows, "section": "templates", "languages": _languages()}
    return render(request, "mail/settings_templates.html", context)


def _template_target(key: str, language: str) -> tuple[str, str]:
    if key not in TemplateKey.values or language not in dict(_languages()):
        raise not_found()
    return str(TemplateKey(key).label), dict(_languages())[language]


def _preview(actor: Actor, key: str, language: str, subject: str, text: str) -> Rendered:
    workspace = current_workspace(actor)
    values = sample_values(
        key=key,
        language=language,
        workspace=workspace,
        agent_name=actor.display_name or actor.email,
        contact_key=key in CONTACT_KEYS,
    )
    default_subject, default_text = default_wording(key, language)
    return render_mail(
        wording=Wording(
            subject=subject or default_subject, text=text or default_text, values=values
        ),
        language=language,
        token=f"{workspace.ticket_prefix}-1042.abcdef",
        reference=values["ticket.reference"],
        workspace=workspace.name,
        link=values["ticket.link"],
    )


@console_page
@allow("GET", "POST")
def template_edit(request: HttpRequest, key: str, language: str) -> HttpResponse:
    """Edit one notification's subject and text; "Preview" shows the mail without saving."""
    actor = _templates_actor(request)
    label, language_name = _template_target(key, language)
    override = selectors.workspace_template(actor, key=key, language=language)
    default_subject, default_text = default_wording(key, language)
    status, preview = 200, None
    if request.method == "POST":
        form = MailTemplateForm(request.POST)
        if form.is_valid():
            subject, text = form.cleaned_data["subject"], form.cleaned_data["text"]
            if "preview" in request.POST:
                preview = _preview(actor, key, language, subject, text)
            else:
                try:
                    actions.save_template(
                        actor, key=key, language=language, subject=subject, text=text
                    )
                except DomainError as error:
                    if error.status != 422:
                        raise
                    show_action_errors(form, error, {})
                    status = 422
                else:
                    messages.success(request, _("The wording is saved."))
                    return redirect(request.path)
        else:
            status = 422
    else:
        form = MailTemplateForm(
            initial={
                "subject": (override.subject if override else "") or default_subject,
                "text": (override.text if override else "") or default_text,
            }
        )
    context: dict[str, Any] = {
        "form": form,
        "section": "templates",
        "key": key,
        "label": label,
        "language": language,
        "language_name": language_name,
        "custom": override is not None,
        "override": override,
        "placeholders": [("{" + name + "}", help) for name, help in PLACEHOLDERS.items()],
        "preview": preview,
        "to_contacts": key in CONTACT_KEYS,
    }
    return render(request, "mail/settings_template_edit.html", context, status=status)


@console_page
@allow("POST")
def template_reset(request: HttpRequest, key: str, language: str) -> HttpResponse:
    """Back to the built-in wording of one notification in one language."""
    actor = _templates_actor(request)
    _template_target(key, language)
    actions.reset_template(actor, key=key, language=language)
    messages.success(request, _("The built-in wording is back."))
    return redirect("notifications:template", key=key, language=language)
