"""Rendering errors: problem+json (RFC 9457) for the API, a readable page for people."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from .errors import TITLES, DomainError, FieldError

PROBLEM_TYPE = "application/problem+json"


def is_api_request(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def problem_response(
    *,
    status: int,
    code: str,
    detail: Any,
    errors: list[FieldError] | None = None,
    extra: dict[str, Any] | None = None,
    instance: str = "",
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": f"https://partnerdesk.invalid/problems/{code}",
        "title": str(TITLES.get(status, _("Request failed"))),
        "status": status,
        "code": code,
        "detail": str(detail),
    }
    if instance:
        body["instance"] = instance
    if errors:
        body["errors"] = [error.as_dict() for error in errors]
    if extra:
        body.update(extra)
    return HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=PROBLEM_TYPE
    )


def problem_from_error(request: HttpRequest, error: DomainError) -> HttpResponse:
    return problem_response(
        status=error.status,
        code=error.code,
        detail=error.message,
        errors=error.errors,
        extra=error.extra,
        instance=request.path,
    )


def error_page(
    request: HttpRequest,
    *,
    status: int,
    code: str,
    message: Any,
    errors: list[FieldError] | None = None,
) -> HttpResponse:
    html = render_to_string(
        "web/error.html",
        {
            "status": status,
            "title": TITLES.get(status, _("Request failed")),
            "code": code,
            "message": message,
            "errors": errors or [],
        },
        request=request,
    )
    return HttpResponse(html, status=status)


def render_error(request: HttpRequest, error: DomainError) -> HttpResponse:
    if is_api_request(request):
        return problem_from_error(request, error)
    return error_page(
        request, status=error.status, code=error.code, message=error.message, errors=error.errors
    )
