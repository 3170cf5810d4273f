"""Idempotency keys for API writes.

A client that sends `Idempotency-Key` with a POST, PUT, PATCH or DELETE gets the stored
outcome when it retries, never a second change. The key is scoped to the authenticated
user; the same key with a different request is refused, and so is a retry that arrives
while the first request is still running.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from . import clock
from .errors import DomainError
from .models import IdempotencyRecord, IdempotencyState

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
STALE_AFTER = timedelta(minutes=5)


def request_fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode() if request.method else b"")
    digest.update(b"\0" + request.get_full_path().encode() + b"\0")
    digest.update(request.body)
    return digest.hexdigest()


def begin(*, principal: str, key: str, request: HttpRequest) -> IdempotencyRecord | HttpResponse:
    """Reserve the key. Returns the new record, or the stored response of an earlier request."""
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise DomainError(
            "idempotency_key_invalid",
            _("The Idempotency-Key header must be 1 to 255 printable characters."),
            status=400,
        )
    fingerprint = request_fingerprint(request)
    try:
        with transaction.atomic():
            return IdempotencyRecord.objects.create(
                principal=principal,
                key=key,
                method=request.method or "",
                path=request.path[:500],
                request_hash=fingerprint,
                state=IdempotencyState.IN_PROGRESS,
                created_at=clock.real_now(),
            )
    except IntegrityError:
        pass
    earlier = IdempotencyRecord.objects.get(principal=principal, key=key)
    if earlier.request_hash != fingerprint:
        raise DomainError(
            "idempotency_key_reused",
            _("This Idempotency-Key was already used for a different request."),
            status=422,
        )
    if earlier.state == IdempotencyState.IN_PROGRESS:
        if clock.real_now() - earlier.created_at > STALE_AFTER:
            raise DomainError(
                "idempotency_outcome_unknown",
                _(
                    "The first request with this Idempotency-Key did not finish; check "
                    "whether it took effect before sending it again with a new key."
                ),
                status=409,
            )
        raise DomainError(
            "idempotency_in_progress",
            _("A request with this Idempotency-Key is still being processed; retry shortly."),
            status=409,
        )
    replay = HttpResponse(
        bytes(earlier.response_body or b""),
        status=earlier.response_status or 200,
        content_type=earlier.response_content_type or "application/json",
    )
    replay["Idempotent-Replayed"] = "true"
    return replay


def finish(record: IdempotencyRecord, response: HttpResponse) -> None:
    """Store the outcome; a server error releases the key so the client may retry."""
    if response.status_code >= 500:
        IdempotencyRecord.objects.filter(pk=record.pk).delete()
        return
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        state=IdempotencyState.COMPLETED,
        response_status=response.status_code,
        response_body=response.content,
        response_content_type=response.get("Content-Type", ""),
    )


def abandon(record: IdempotencyRecord) -> None:
    IdempotencyRecord.objects.filter(pk=record.pk).delete()


# --- one-time keys of forms --------------------------------------------------------------------


def reserve(*, principal: str, key: str, path: str) -> bool:
    """Take a one-time key (a form's token) for one submission: True for the first taker only.
    The unique key decides between requests that arrive at the same moment, which a session
    cannot (each request reads its own copy of it)."""
    try:
        with transaction.atomic():
            IdempotencyRecord.objects.create(
                principal=principal,
                key=key,
                method="POST",
                path=path[:500],
                request_hash="",
                state=IdempotencyState.IN_PROGRESS,
                created_at=clock.real_now(),
            )
    except IntegrityError:
        return False
    return True


def unreserve(*, principal: str, key: str) -> None:
    """The submission failed before it took effect: the key may be taken again."""
    IdempotencyRecord.objects.filter(principal=principal, key=key).delete()
