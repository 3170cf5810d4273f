"""The customer's own settings in the portal: language and time zone."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _

from partnerdesk.accounts import actions
from partnerdesk.core import clock
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import DomainError
from partnerdesk.core.http import allow, remember_language

from .forms import ProfileForm
from .guard import customer_actor, portal_page, render_portal


def _profile_page(
    request: HttpRequest, actor: Actor, form: ProfileForm, *, status: int = 200
) -> HttpResponse:
    return render_portal(
        request,
        actor,
        "portal/profile.html",
        {"form": form, "now": clock.now()},
        status=status,
    )


@portal_page
@allow("GET", "POST")
def profile(request: HttpRequest) -> HttpResponse:
    actor = customer_actor(request)
    workspace_zone = actor.workspace_time_zone or settings.TIME_ZONE
    if request.method != "POST":
        form = ProfileForm(
            initial={"language": actor.language, "time_zone": actor.time_zone},
            workspace_time_zone=workspace_zone,
        )
        return _profile_page(request, actor, form)
    form = ProfileForm(request.POST, workspace_time_zone=workspace_zone)
    if not form.is_valid():
        return _profile_page(request, actor, form, status=422)
    language = form.cleaned_data["language"]
    try:
        actions.set_own_language(actor, language=language)
        actions.set_own_time_zone(actor, time_zone=form.cleaned_data["time_zone"])
    except DomainError as error:
        if not error.errors:
            raise
        for problem in error.errors:
            form.add_error(problem.field if problem.field in form.fields else None, problem.message)
        return _profile_page(request, actor, form, status=422)
    with translation.override(language or translation.get_language()):
        messages.success(request, _("Your settings are saved."))
    response = redirect("portal:profile")
    if language:
        remember_language(response, language)
    return response
