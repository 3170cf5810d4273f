"""Request middleware of the core: idempotency keys and domain error rendering."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from . import idempotency
from .errors import DomainError
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
