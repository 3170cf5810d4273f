"""Request middleware of the core: idempotency keys and domain error rendering."""

from __future__ import annotations

import json
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from . import idempotency
from .errors import DomainError, FieldError
from .problems import is_api_request, render_error

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class IdempotencyMiddleware:
    """Replays the stored outcome of an API write retried with the same Idempotency-Key."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(idempotency.HEADER)
        actor = getattr(request, "actor", None)
        if (
            key is None
            or request.method not in WRITE_METHODS
            or not is_api_request(request)
            or actor is None
            or not actor.is_authenticated
        ):
            return self.get_response(request)
        try:
            started = idempotency.begin(principal=f"user:{actor.user_id}", key=key, request=request)
        except DomainError as error:
            return render_error(request, error)
        if isinstance(started, HttpResponse):
            return started
        try:
            response = self.get_response(request)
        except BaseException:
            idempotency.abandon(started)
            raise
        idempotency.finish(started, response)
        return response


def _has_nul(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


class RejectNulMiddleware:
    """API text may not carry NUL characters: PostgreSQL cannot store them, so say so (422).

    Uploaded files (multipart) may contain any bytes and are not looked at.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_api_request(request) and self._carries_nul(request):
            return render_error(
                request,
                DomainError(
                    "validation_failed",
                    _("Text may not contain NUL characters."),
                    status=422,
                    errors=[FieldError("body", _("Remove the NUL (\\u0000) characters."), "nul")],
                ),
            )
        return self.get_response(request)

    @staticmethod
    def _carries_nul(request: HttpRequest) -> bool:
        query = request.META.get("QUERY_STRING", "")
        if "%00" in query or "\x00" in query or "\x00" in request.path:
            return True
        if request.content_type != "application/json":
            return False
        body = request.body
        if b"\x00" in body:
            return True
        if b"\\u0000" not in body:
            return False
        # Only a parsed string can tell an escaped NUL from the text "\u0000".
        try:
            return _has_nul(json.loads(body))
        except ValueError:
            return False  # malformed JSON: the API reports that itself


class DomainErrorMiddleware:
    """Turns a DomainError raised by a page into a readable error page with its status."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DomainError):
            return render_error(request, exception)
        return None
