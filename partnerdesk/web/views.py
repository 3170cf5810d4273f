"""The landing page and the error pages."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from partnerdesk.core.errors import not_found as not_found_error
from partnerdesk.core.http import allow
from partnerdesk.core.problems import error_page, is_api_request, problem_response
from partnerdesk.partners.selectors import current_workspace


@allow("GET")
def home(request: HttpRequest) -> HttpResponse:
    """Where a person starts: staff in the agent console, customer people in the portal."""
    actor = request.actor  # type: ignore[attr-defined]
    if not actor.is_authenticated:
        return redirect("accounts:login")
    if actor.is_staff:
        return redirect("tickets:desk")
    if actor.is_customer:
        return redirect("portal:home")
    return render(request, "web/home.html", {"workspace": current_workspace(actor)})


@allow("GET")
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers: answers once the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    error = not_found_error()
    if is_api_request(request):
        return problem_response(
            status=404, code=error.code, detail=error.message, instance=request.path
        )
    return error_page(
        request,
        status=404,
        code=error.code,
        message=_("This page does not exist, or you cannot see it."),
    )


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api_request(request):
        return problem_response(
            status=403, code="forbidden", detail=_("You do not have permission to do this.")
        )
    return error_page(
        request, status=403, code="forbidden", message=_("You do not have permission to do this.")
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    message = _(
        "The form expired or came from another site. Go back, reload the page and try again."
    )
    if is_api_request(request):
        return problem_response(status=403, code="csrf_failed", detail=message)
    return error_page(request, status=403, code="csrf_failed", message=message)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api_request(request):
        return problem_response(
            status=400, code="bad_request", detail=_("The request is malformed.")
        )
    return error_page(
        request, status=400, code="bad_request", message=_("The request is malformed.")
    )


def server_error(request: HttpRequest) -> HttpResponse:
    message = _("Something went wrong on our side; it has been logged.")
    if is_api_request(request):
        return problem_response(status=500, code="internal_error", detail=message)
    # No template context processors here: the error may come from them.
    return HttpResponse(
        f"<!doctype html><title>500</title><h1>{_('Internal error')}</h1><p>{message}</p>",
        status=500,
    )
