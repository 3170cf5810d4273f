"""The outbox: what leaves the process is written in the caller's transaction, then delivered.

Delivery is at-least-once to the transport and exactly-once in effect: a worker claims an
item under a lease, calls its handler with the item's idempotency key (the receiver uses it
to apply a retried delivery once: `Message-ID` for mail, `MS-RequestId` for vendors), and
marks it delivered. A worker killed mid-delivery loses its lease and another one retries.
Failures back off exponentially with jitter until `max_attempts`, then the item is failed
and stays visible.
"""

from __future__ import annotations

import logging
import random
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q

from . import clock
from .models import OutboxItem, OutboxStatus

logger = logging.getLogger(__name__)

Handler = Callable[[OutboxItem], None]
HANDLERS: dict[str, Handler] = {}


class PermanentDeliveryError(Exception):
    """The receiver rejected the item for good (bad address, 4xx); retrying cannot help."""


def handler(kind: str) -> Callable[[Handler], Handler]:
    """Register the function that delivers outbox items of `kind`."""

    def register(func: Handler) -> Handler:
        if kind in HANDLERS and HANDLERS[kind] is not func:
            raise ValueError(f"Outbox handler {kind!r} registered twice")
        HANDLERS[kind] = func
        return func

    return register


def enqueue(
    kind: str,
    *,
    payload: dict[str, Any],
    partner_id: uuid.UUID | None = None,
    deliver_after: datetime | None = None,
    max_attempts: int = 12,
) -> OutboxItem:
    """Record an item in the current transaction; it is delivered only if that commits."""
    if not connection.in_atomic_block:
        raise RuntimeError("outbox.enqueue must run inside the caller's transaction")
    if kind not in HANDLERS:
        raise ValueError(f"No outbox handler for {kind!r}")
    now = clock.real_now()
    return OutboxItem.objects.create(
        kind=kind,
        payload=payload,
        partner_id=partner_id,
        created_at=now,
        next_attempt_at=deliver_after or now,
        max_attempts=max_attempts,
    )


def enqueue_many(
    kind: str,
    items: dict[uuid.UUID, dict[str, Any]],
    *,
    partner_id: uuid.UUID | None = None,
    max_attempts: int = 12,
) -> list[OutboxItem]:
    """Record many items of `kind` in one insert, in the current transaction, under ids the
    caller chose (derived from what causes them): an id already recorded is left alone, so
    work that queues them may run twice and queue each once. Returns the items it added."""
    if not connection.in_atomic_block:
        raise RuntimeError("outbox.enqueue_many must run inside the caller's transaction")
    if kind not in HANDLERS:
        raise ValueError(f"No outbox handler for {kind!r}")
    known = set(OutboxItem.objects.filter(id__in=list(items)).values_list("id", flat=True))
    now = clock.real_now()
    added = [
        OutboxItem(
            id=item_id,
            kind=kind,
            payload=payload,
            partner_id=partner_id,
            created_at=now,
            next_attempt_at=now,
            max_attempts=max_attempts,
        )
        for item_id, payload in items.items()
        if item_id not in known
    ]
    # ignore_conflicts: a second worker running the same work at the same moment (its lease
    # ran out) inserts nothing twice; the first one's rows stand.
    OutboxItem.objects.bulk_create(added, ignore_conflicts=True)
    return added


def lease_seconds() -> int:
    return int(getattr(settings, "PARTNERDESK_OUTBOX_LEASE_SECONDS", 120))


def backoff(attempts: int) -> timedelta:
    """Exponential backoff from 10 s, capped at an hour, with full jitter on the upper half."""
    base = min(10 * 2 ** max(attempts - 1, 0), 3600)
    return timedelta(seconds=base / 2 + random.uniform(0, base / 2))  # noqa: S311


def _claim(worker_id: str) -> OutboxItem | None:
    """Take the next due item under a lease, or None.

    Only kinds this process can deliver are claimed: a worker running older code (or without
    a plugin) leaves a kind it does not know to the workers that do, instead of failing it.
    An item whose lease ran out (its worker died mid-delivery) is claimed again, unless it has
    used up its attempts: a delivery that kills its worker must not be retried forever.
    """
    kinds = list(HANDLERS)
    if not kinds:
        return None
    # A plain read first: an idle worker must not take SQLite's write lock on every poll.
    now = clock.real_now()
    if not OutboxItem.objects.filter(
        Q(status=OutboxStatus.PENDING, next_attempt_at__lte=now)
        | Q(status=OutboxStatus.DELIVERING, lease_expires_at__lt=now),
        kind__in=kinds,
    ).exists():
        return None
    while True:
        with transaction.atomic():
            # The clock is read inside the transaction: on SQLite, BEGIN IMMEDIATE may have
            # waited for another writer, and a lease must not start in the past.
            now = clock.real_now()
            due = Q(status=OutboxStatus.PENDING, next_attempt_at__lte=now) | Q(
                status=OutboxStatus.DELIVERING, lease_expires_at__lt=now
            )
            candidates = OutboxItem.objects.filter(due, kind__in=kinds).order_by("next_attempt_at")
            if connection.features.has_select_for_update_skip_locked:
                candidates = candidates.select_for_update(skip_locked=True)
            item = candidates.first()
            if item is None:
                return None
            abandoned = item.status == OutboxStatus.DELIVERING
            if abandoned:
                logger.warning(
                    "outbox %s (%s): lease of %s expired during attempt %s",
                    item.id,
                    item.kind,
                    item.locked_by,
                    item.attempts,
                )
                item.last_error = (
                    f"attempt {item.attempts} by {item.locked_by} did not finish "
                    "(worker stopped mid-delivery?)"
                )
            if abandoned and item.attempts >= item.max_attempts:
                item.status = OutboxStatus.FAILED
                item.locked_by = ""
                item.lease_expires_at = None
                item.save(update_fields=["status", "locked_by", "lease_expires_at", "last_error"])
                continue
            item.status = OutboxStatus.DELIVERING
            item.locked_by = worker_id
            item.lease_expires_at = now + timedelta(seconds=lease_seconds())
            item.attempts += 1
            item.save(
                update_fields=["status", "locked_by", "lease_expires_at", "attempts", "last_error"]
            )
            return item


def _finish(item: OutboxItem, worker_id: str, **changes: Any) -> bool:
    """Record the outcome, unless the lease was lost to another worker meanwhile."""
    updated = OutboxItem.objects.filter(
        id=item.id, status=OutboxStatus.DELIVERING, locked_by=worker_id
    ).update(lease_expires_at=None, locked_by="", **changes)
    if not updated:
        logger.warning(
            "outbox %s (%s): lease lost during attempt %s; its outcome is not recorded here",
            item.id,
            item.kind,
            item.attempts,
        )
    return updated == 1


def deliver_one(worker_id: str) -> bool:
    """Claim and deliver the next due item. Returns False when nothing was due."""
    item = _claim(worker_id)
    if item is None:
        return False
    deliver = HANDLERS.get(item.kind)
    try:
        if deliver is None:
            raise PermanentDeliveryError(f"no handler registered for {item.kind!r}")
        deliver(item)
    except PermanentDeliveryError as exc:
        logger.warning("outbox %s (%s) rejected: %s", item.id, item.kind, exc)
        _finish(item, worker_id, status=OutboxStatus.FAILED, last_error=str(exc)[:2000])
    except Exception as exc:
        final = item.attempts >= item.max_attempts
        logger.warning(
            "outbox %s (%s) attempt %s failed%s: %s",
            item.id,
            item.kind,
            item.attempts,
            " for good" if final else "",
            exc,
        )
        _finish(
            item,
            worker_id,
            status=OutboxStatus.FAILED if final else OutboxStatus.PENDING,
            next_attempt_at=clock.real_now() + backoff(item.attempts),
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
        )
    else:
        _finish(
            item,
            worker_id,
            status=OutboxStatus.DELIVERED,
            delivered_at=clock.real_now(),
            last_error="",
        )
    return True


def deliver_due(worker_id: str, *, limit: int = 20) -> int:
    """Deliver up to `limit` due items; returns how many were attempted."""
    done = 0
    while done < limit and deliver_one(worker_id):
        done += 1
    return done
