"""Facts about the HTTP request that depend on how the server is deployed."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from .problems import error_page


def client_address(request: HttpRequest) -> str:
    """The address of the client, for throttling and the audit log.

    Behind a proxy (PARTNERDESK_BEHIND_PROXY) the proxy's own address is REMOTE_ADDR; the
    client is the last entry of X-Forwarded-For, the one our proxy appended (entries before
    it come from the client and can be forged).
    """
    if settings.PARTNERDESK_BEHIND_PROXY:
        forwarded = request.headers.get("X-Forwarded-For", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1][:60]
    return str(request.META.get("REMOTE_ADDR", ""))[:60]


View = Callable[..., HttpResponse]


def allow(*methods: str) -> Callable[[View], View]:
    """Like require_http_methods, but a wrong method gets a readable page, not an empty 405."""
    allowed = {m.upper() for m in methods} | ({"HEAD"} if "GET" in methods else set())

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in allowed:
                response = error_page(
                    request,
                    status=405,
                    code="method_not_allowed",
                    message=_("This address is not meant to be opened like this."),
                )
                response["Allow"] = ", ".join(sorted(allowed))
                return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def remember_language(response: HttpResponse, language: str) -> None:
    """Keeps a chosen language on this browser after signing out, as Django's switcher does."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
