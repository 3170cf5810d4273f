"""Settings pages of the service catalog: every service with its effective profile, and the
owner's edit (catalog.manage) with reset to the defaults and workspace-own services. Staff
who see customers read it; customer people are told it does not exist."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from partnerdesk.core import policies
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import DomainError, forbidden
from partnerdesk.core.http import allow
from partnerdesk.partners.enums import Instance
from partnerdesk.partners.selectors import current_workspace
from partnerdesk.tickets.console import console_page, staff_actor

from . import access, actions, selectors
from .forms import NewServiceForm, ProfileForm, role_choices
from .models import Escalation, Service, VendorFee
from .profiles import PORTAL_KINDS

MANAGE = actions.MANAGE


def _viewer(request: HttpRequest) -> Actor:
    actor = staff_actor(request)
    policies.require(actor, "customers.view")
    return actor


def _manager(request: HttpRequest) -> Actor:
    actor = _viewer(request)
    if not actor.has(MANAGE):
        raise forbidden()
    return actor


def _role_label(role_id: str, names: dict[str, Any]) -> str:
    return str(names.get(role_id, role_id))


@console_page
@allow("GET")
def settings_page(request: HttpRequest) -> HttpResponse:
    actor = _viewer(request)
    services = list(selectors.all_services(actor))
    profiles = selectors.profiles_for(actor, services)
    rows = selectors.profile_rows(actor)
    instance = current_workspace(actor).instance
    names = dict(role_choices())
    escalations = dict(Escalation.choices)
    fees = dict(VendorFee.choices)
    entries = []
    for service in services:
        profile = profiles[service.code]
        row = rows.get(service.code)
        entries.append(
            {
                "service": service,
                "profile": profile,
                "row": row,
                "escalation": escalations.get(profile.escalation_for(instance), ""),
                "vendor_fee": fees.get(profile.vendor_fee, ""),
                "roles": [_role_label(r, names) for r in profile.admin_roles],
                "admin": profile.portal(instance).admin,
            }
        )
    return render(
        request,
        "catalog/settings.html",
        {
            "section": "services",
            "entries": entries,
            "instance_label": Instance(instance).label if instance in Instance.values else instance,
            "can_manage": actor.has(MANAGE),
        },
    )


def _edit_page(
    request: HttpRequest,
    actor: Actor,
    service: Service,
    form: ProfileForm,
    *,
    status: int = 200,
) -> HttpResponse:
    can_manage = actor.has(MANAGE)
    if not can_manage:
        for bound in form.fields.values():
            bound.disabled = True
    profile = selectors.profile_for(actor, service)
    return render(
        request,
        "catalog/edit.html",
        {
            "section": "services",
            "service": service,
            "profile": profile,
            "row": selectors.profile_rows(actor).get(service.code),
            "form": form,
            "portal_rows": form.portal_rows(),
            "kinds": PORTAL_KINDS,
            "can_manage": can_manage,
        },
        status=status,
    )


@console_page
@allow("GET", "POST")
def edit_page(request: HttpRequest, code: str) -> HttpResponse:
    actor = _viewer(request)
    service = access.get_service_for(actor, code)
    if request.method == "POST":
        actor = _manager(request)
        form = ProfileForm(request.POST)
        if form.is_valid():
            try:
                actions.save_profile(actor, service=service, values=form.values())
            except DomainError as error:
                if error.status != 422:
                    raise
                form.show_errors(error.errors)
            else:
                messages.success(request, _("Saved. This workspace now uses its own settings."))
                return redirect("catalog:edit", code=service.code)
        return _edit_page(request, actor, service, form, status=422)
    form = ProfileForm()
    form.initial = ProfileForm.initial_from(
        actions.ProfileValues.of(selectors.profile_for(actor, service)), form.known_roles
    )
    return _edit_page(request, actor, service, form)


@console_page
@allow("POST")
def reset_page(request: HttpRequest, code: str) -> HttpResponse:
    actor = _manager(request)
    service = access.get_service_for(actor, code)
    if actions.reset_profile(actor, service=service):
        messages.success(request, _("Back to the defaults."))
    return redirect("catalog:edit", code=service.code)


def _parents(actor: Actor) -> list[tuple[str, str]]:
    return [(s.code, s.name) for s in selectors.all_services(actor) if s.parent_id is None]


@console_page
@allow("GET", "POST")
def new_page(request: HttpRequest) -> HttpResponse:
    actor = _manager(request)
    form = NewServiceForm(request.POST or None, parents=_parents(actor))
    if request.method == "POST" and form.is_valid():
        parent_code = form.cleaned_data["parent"]
        try:
            service = actions.add_service(
                actor,
                name=form.cleaned_data["name"],
                parent=access.get_service_for(actor, parent_code) if parent_code else None,
            )
        except DomainError as error:
            if error.status != 422:
                raise
            for e in error.errors:
                form.add_error(e.field if e.field in form.fields else None, e.message)
        else:
            messages.success(request, _("Service added. Now say how it is administered."))
            return redirect("catalog:edit", code=service.code)
    return render(
        request,
        "catalog/new.html",
        {"section": "services", "form": form},
        status=422 if request.method == "POST" else 200,
    )
