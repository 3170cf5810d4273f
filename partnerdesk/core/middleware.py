"""Request middleware of the core: idempotency keys and domain error rendering."""

from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import parse_qsl

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


def _nul_field(value: object, path: str = "") -> str | None:
    """The dotted name of the first string (or key) holding a NUL, or None."""
    if isinstance(value, str):
        return path or "body" if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if "\x00" in str(key):
                return where
            found = _nul_field(item, where)
            if found:
                return found
    if isinstance(value, list):
        for item in value:
            found = _nul_field(item, path)
            if found:
                return found
    return None


class RejectNulMiddleware:
    """API text may not carry NUL characters: PostgreSQL cannot store them, so say so (422),
    naming the field. Uploaded files (multipart) may contain any bytes and are not looked at.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        field = self._nul_field(request) if is_api_request(request) else None
        if field is not None:
            return render_error(
                request,
                DomainError(
                    "validation_failed",
                    _("Text may not contain NUL characters."),
                    status=422,
                    errors=[
                        FieldError(field, _("Remove the NUL characters."), "invalid_characters")
                    ],
                ),
            )
        return self.get_response(request)

    @staticmethod
    def _nul_field(request: HttpRequest) -> str | None:
        for name, value in parse_qsl(request.META.get("QUERY_STRING", ""), keep_blank_values=True):
            if "\x00" in name or "\x00" in value:
                return name.replace("\x00", "") or "query"
        if "\x00" in request.path:
            return "path"
        if request.content_type != "application/json":
            return None
        body = request.body
        if b"\\u0000" not in body and b"\x00" not in body:
            return None
        try:
            # Only a parsed string can tell an escaped NUL from the text "\u0000".
            return _nul_field(json.loads(body))
        except ValueError:
            return "body" if b"\x00" in body else None


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
