"""Settings pages of the workspace: its details and the support profile customers see.

Staff who may see the workspace see both; those who may manage it (the permission the
PATCH /api/v1/workspace endpoint needs) get forms. Customer people are told nothing exists.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import select_template
from django.utils.translation import gettext as _

from partnerdesk.core import policies
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import DomainError, forbidden
from partnerdesk.core.http import allow
from partnerdesk.tickets.console import console_page, staff_actor

from . import actions, selectors
from .forms import SupportProfileForm, WorkspaceForm, show_action_errors
from .models import Partner


def _settings_actor(request: HttpRequest) -> Actor:
    actor = staff_actor(request)
    policies.require(actor, "workspace.view")
    return actor


def _workspace_changes(form: WorkspaceForm, workspace: Partner) -> actions.WorkspaceChanges:
    data = form.cleaned_data
    clear = {"tenant_id"} if data["tenant_id"] is None else set()
    if not data["provider"]:
        clear.add("provider_id")
    return actions.WorkspaceChanges(
        name=data["name"],
        time_zone=data["time_zone"],
        default_language=data["default_language"],
        instance=data["instance"],
        partner_type=data["partner_type"],
        provider_id=data["provider"] or None,
        provider_name="" if data["provider"] else data["provider_name"],
        provider_mpn_id="" if data["provider"] else data["provider_mpn_id"],
        mpn_id=data["mpn_id"],
        tenant_id=data["tenant_id"],
        clear=frozenset(clear),
    )


def _support_changes(form: SupportProfileForm, workspace: Partner) -> actions.WorkspaceChanges:
    data = form.cleaned_data
    return actions.WorkspaceChanges(
        support_email=data["support_email"],
        support_phone=data["support_phone"],
        support_website=data["support_website"],
    )


def _settings_form_page(
    request: HttpRequest,
    *,
    form_class: type[WorkspaceForm] | type[SupportProfileForm],
    changes_of: Any,
    template: str,
    section: str,
    saved: str,
) -> HttpResponse:
    """GET shows the workspace (a form for managers); POST saves through the action and
    comes back here, or shows what is wrong next to the fields (422)."""
    actor = _settings_actor(request)
    workspace = selectors.current_workspace(actor)
    can_manage = actor.has("workspace.manage")
    extra: dict[str, Any] = {}
    if form_class is WorkspaceForm:
        extra = {"workspace": workspace, "providers": selectors.indirect_providers(actor)}
    status = 200
    form: forms.Form | None = None
    if request.method == "POST":
        if not can_manage:
            raise forbidden()
        form = form_class(request.POST, **extra)
        if form.is_valid():
            try:
                actions.update_workspace(
                    actor, workspace=workspace, changes=changes_of(form, workspace)
                )
            except DomainError as error:
                if error.status != 422:
                    raise
                show_action_errors(form, error, form_class.ACTION_FIELDS)
                workspace = selectors.current_workspace(actor)  # unsaved values shown in form
            else:
                messages.success(request, saved)
                return redirect(request.path)
        status = 422
    elif can_manage:
        form = form_class(initial=form_class.initial_for(workspace), **extra)
    context = {
        "workspace": workspace,
        "form": form,
        "section": section,
        "can_manage": can_manage,
        **_portal_preview(),
    }
    return render(request, template, context, status=status)


def _portal_preview() -> dict[str, str]:
    """The support box as the portal draws it (its own template and stylesheet), or a plain
    stand-in where the portal is not installed."""
    name = select_template(["portal/_support.html", "partners/_support_box.html"]).template.name
    portal = name == "portal/_support.html"
    return {"preview_template": str(name), "portal_css": "portal/portal.css" if portal else ""}


@console_page
@allow("GET", "POST")
def workspace_settings(request: HttpRequest) -> HttpResponse:
    return _settings_form_page(
        request,
        form_class=WorkspaceForm,
        changes_of=_workspace_changes,
        template="partners/settings_workspace.html",
        section="workspace",
        saved=_("The workspace settings are saved."),
    )


@console_page
@allow("GET", "POST")
def support_profile(request: HttpRequest) -> HttpResponse:
    return _settings_form_page(
        request,
        form_class=SupportProfileForm,
        changes_of=_support_changes,
        template="partners/settings_support.html",
        section="support",
        saved=_("The support profile is saved; customers see it on their next page."),
    )
