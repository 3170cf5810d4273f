"""Resolving the actor, and holding staff to a second factor before anything else."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from .actors import resolve_actor

# Pages a signed-in user whose second factor is still missing may open.
MFA_OPEN_PATHS = ("/accounts/", "/static/", "/i18n/", "/api/")


class ActorMiddleware:
    """Sets request.actor once per request; everything below passes it down explicitly."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.actor = resolve_actor(request)  # type: ignore[attr-defined]
        return self.get_response(request)


class StaffMfaRequiredMiddleware:
    """A signed-in user who still owes the second factor sees only the MFA pages."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if getattr(request, "mfa_pending", False) and not request.path.startswith(MFA_OPEN_PATHS):
            return HttpResponseRedirect(reverse("accounts:mfa"))
        return self.get_response(request)
