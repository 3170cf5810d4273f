"""What every API router shares: authentication by the request's actor, errors, pagination."""

from __future__ import annotations

import logging
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security.base import AuthBase
from ninja.utils import check_csrf

from .actor import Actor
from .errors import DomainError, FieldError
from .problems import problem_response

logger = logging.getLogger(__name__)


class ActorAuth(AuthBase):
    """Accepts the actor resolved by the middleware: a bearer token or a signed-in session.

    Session requests that change something must carry the CSRF token; token requests need not.
    """

    openapi_type = "http"
    openapi_scheme = "bearer"

    def __call__(self, request: HttpRequest) -> Actor | None:
        actor: Actor = getattr(request, "actor", Actor.anonymous())
        if not actor.is_authenticated:
            return None
        unsafe = request.method not in ("GET", "HEAD", "OPTIONS")
        if actor.via == "session" and unsafe and check_csrf(request) is not None:
            raise DomainError(
                "csrf_failed",
                _("The CSRF token is missing or wrong; reload the page and try again."),
                status=403,
            )
        return actor


def actor_of(request: HttpRequest) -> Actor:
    """The authenticated actor of an API request."""
    return request.auth  # type: ignore[attr-defined]


class Problem(Schema):
    type: str
    title: str
    status: int
    code: str
    detail: str


class Cursor(Schema):
    next_cursor: str | None = None


def _field_name(location: list[Any]) -> str:
    # ninja reports ("body", "payload", "name"); users know the field as "name".
    parts = [str(p) for p in location if p not in ("body", "payload", "query", "path", "header")]
    return ".".join(parts) or ".".join(str(p) for p in location)


def install_error_handlers(api: NinjaAPI) -> None:
    """Every error of the API leaves as application/problem+json."""

    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return problem_response(
            status=exc.status,
            code=exc.code,
            detail=exc.message,
            errors=exc.errors,
            extra=exc.extra,
            instance=request.path,
        )

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = [
            FieldError(
                _field_name(list(e.get("loc", []))),
                str(e.get("msg", "")),
                str(e.get("type", "invalid")),
            )
            for e in exc.errors
        ]
        return problem_response(
            status=422,
            code="validation_failed",
            detail=_("The request has invalid fields."),
            errors=errors,
            instance=request.path,
        )

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        token_given = getattr(request, "auth_via_token", False)
        response = problem_response(
            status=401,
            code="invalid_token" if token_given else "not_authenticated",
            detail=_("The API token is not valid or was revoked.")
            if token_given
            else _("Sign in or send an API token as 'Authorization: Bearer <token>'."),
            instance=request.path,
        )
        response["WWW-Authenticate"] = 'Bearer realm="partnerdesk"'
        return response

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return problem_response(
            status=exc.status_code, code="http_error", detail=str(exc), instance=request.path
        )

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return problem_response(
            status=404, code="not_found", detail=_("Not found."), instance=request.path
        )

    @api.exception_handler(Exception)
    def unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("Unhandled API error on %s %s", request.method, request.path)
        return problem_response(
            status=500,
            code="internal_error",
            detail=_("Something went wrong on our side; it has been logged."),
            instance=request.path,
        )
