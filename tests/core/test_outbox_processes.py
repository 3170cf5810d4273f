"""Outbox delivery by real worker processes, killed with SIGKILL at the worst moments.

The items go to an HTTP sink on 127.0.0.1 that, like a vendor honouring `MS-RequestId`,
applies each idempotency key once. Delivery may be repeated after a crash; its effect may not.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from partnerdesk.core import outbox
from partnerdesk.core.models import OutboxItem, OutboxStatus
from tests.support import plugins
from tests.support.processes import WorkerPool, wait_for
from tests.support.sink import Sink

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

LEASE_SECONDS = 2
CRASH_ENV = {"PARTNERDESK_OUTBOX_LEASE_SECONDS": str(LEASE_SECONDS)}
STALL = 300.0  # far longer than the test: the worker is killed while it sleeps


@pytest.fixture
def sink() -> Iterator[Sink]:
    with Sink() as running:
        yield running


def enqueue(sink: Sink, **payload: Any) -> OutboxItem:
    """An item for the sink, recorded in a committed transaction as product code does."""
    with transaction.atomic():
        return outbox.enqueue(
            plugins.SINK_KIND, payload={"sink": sink.url, "ref": uuid.uuid4().hex, **payload}
        )


def status(item: OutboxItem) -> OutboxItem:
    return OutboxItem.objects.get(pk=item.pk)


def test_worker_killed_after_sending_is_redelivered_with_the_same_key(
    tmp_path: Path, sink: Sink
) -> None:
    item = enqueue(sink, stall={"at": "after_send", "seconds": STALL, "attempts": [1]})
    key = item.idempotency_key
    with WorkerPool(tmp_path, env=CRASH_ENV) as pool:
        first = pool.start("first")
        wait_for(lambda: sink.requests(key), what="the first delivery to arrive", pool=pool)

        # The receiver has it, but the worker dies before it can record that.
        first.kill()
        crashed = status(item)
        assert crashed.status == OutboxStatus.DELIVERING
        assert crashed.attempts == 1
        assert crashed.locked_by == first.worker_id
        assert crashed.lease_expires_at is not None

        second = pool.start("second")
        delivered = wait_for(
            lambda: (s := status(item)).status == OutboxStatus.DELIVERED and s,
            what="the second worker to deliver the item",
            pool=pool,
        )

    assert delivered.attempts == 2
    assert delivered.delivered_at is not None
    assert (delivered.locked_by, delivered.lease_expires_at, delivered.last_error) == ("", None, "")

    requests = sink.requests(key)
    assert [(r.attempt, r.worker_pid) for r in requests] == [(1, first.pid), (2, second.pid)]
    assert {r.key for r in requests} == {key}  # MS-RequestId reused on the retry
    assert sink.effects(item.payload["ref"]) == 1  # so the receiver applied it once
    # The second worker waited for the dead one's lease to run out before retrying.
    assert requests[1].received_at >= crashed.lease_expires_at.timestamp()


def test_worker_killed_before_sending_is_delivered_once_by_another(
    tmp_path: Path, sink: Sink
) -> None:
    item = enqueue(sink, stall={"at": "before_send", "seconds": STALL, "attempts": [1]})
    with WorkerPool(tmp_path, env=CRASH_ENV) as pool:
        first = pool.start("first")
        wait_for(
            lambda: status(item).status == OutboxStatus.DELIVERING,
            what="the first worker to claim the item",
            pool=pool,
        )
        first.kill()
        assert sink.requests() == []
        assert status(item).locked_by == first.worker_id

        second = pool.start("second")
        delivered = wait_for(
            lambda: (s := status(item)).status == OutboxStatus.DELIVERED and s,
            what="the second worker to deliver the item",
            pool=pool,
        )

    assert delivered.attempts == 2
    requests = sink.requests()
    assert [(r.key, r.attempt, r.worker_pid) for r in requests] == [
        (item.idempotency_key, 2, second.pid)
    ]
    assert sink.effects(item.payload["ref"]) == 1


def test_failures_are_retried_after_backoff_or_failed_for_good(tmp_path: Path, sink: Sink) -> None:
    transient = enqueue(sink, fail={"attempts": [1], "message": "vendor said 503"})
    permanent = enqueue(sink, fail={"attempts": [1, 2, 3], "permanent": True, "message": "400"})
    with WorkerPool(tmp_path) as pool:
        pool.start("only")
        failed = wait_for(
            lambda: (s := status(permanent)).status == OutboxStatus.FAILED and s,
            what="the rejected item to fail",
            pool=pool,
        )
        backing_off = wait_for(
            lambda: (s := status(transient)).status == OutboxStatus.PENDING and s.attempts and s,
            what="the transient failure to be recorded",
            pool=pool,
        )
        assert "vendor said 503 (attempt 1)" in backing_off.last_error
        assert backing_off.next_attempt_at - backing_off.created_at >= timedelta(seconds=5)
        # Instead of waiting out the first backoff (5-10 s), make the item due now.
        OutboxItem.objects.filter(pk=transient.pk).update(next_attempt_at=timezone.now())
        delivered = wait_for(
            lambda: (s := status(transient)).status == OutboxStatus.DELIVERED and s,
            what="the retry to be delivered",
            pool=pool,
        )

    assert (failed.attempts, failed.last_error) == (1, "400 (attempt 1)")
    assert (delivered.attempts, delivered.last_error) == (2, "")
    assert [(r.key, r.attempt) for r in sink.requests()] == [(transient.idempotency_key, 2)]


def test_concurrent_workers_deliver_each_item_once(tmp_path: Path, sink: Sink) -> None:
    items = [enqueue(sink, n=n) for n in range(30)]
    # No crash here, so a long lease: every item must be claimed by exactly one worker.
    with WorkerPool(tmp_path, env={"PARTNERDESK_OUTBOX_LEASE_SECONDS": "120"}) as pool:
        for name in ("a", "b", "c"):
            pool.start(name)
        wait_for(
            lambda: OutboxItem.objects.filter(status=OutboxStatus.DELIVERED).count() == len(items),
            what="all items to be delivered",
            pool=pool,
        )
        assert all(w.alive() for w in pool.workers), pool.report()

    per_key = Counter(r.key for r in sink.requests())
    assert per_key == Counter({item.idempotency_key: 1 for item in items})
    assert set(OutboxItem.objects.values_list("attempts", flat=True)) == {1}
