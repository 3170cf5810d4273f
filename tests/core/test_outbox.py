"""The outbox in process: transactions, retries with backoff, failure, leases, at most once done.

A test-local handler (kind `test.local`) records what it was given and fails on request; the
clock is frozen and moved by hand, so backoff is observed without waiting for it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.db import transaction

from partnerdesk.core import clock, outbox
from partnerdesk.core.models import OutboxItem, OutboxStatus

KIND = "test.local"


@dataclass
class LocalHandler:
    """Delivers by appending to `delivered`; raises `fail_with` while it is set."""

    delivered: list[tuple[str, int]] = field(default_factory=list)
    fail_with: Exception | None = None

    def __call__(self, item: OutboxItem) -> None:
        if self.fail_with is not None:
            raise self.fail_with
        self.delivered.append((item.idempotency_key, item.attempts))


@pytest.fixture
def local() -> Iterator[LocalHandler]:
    handler = LocalHandler()
    outbox.handler(KIND)(handler)
    try:
        yield handler
    finally:
        outbox.HANDLERS.pop(KIND, None)


def enqueue(**kwargs: Any) -> OutboxItem:
    with transaction.atomic():
        return outbox.enqueue(KIND, payload={"n": 1}, **kwargs)


class Rollback(Exception):
    pass


@pytest.mark.django_db(transaction=True)
def test_enqueue_outside_a_transaction_is_refused(local: LocalHandler) -> None:
    with pytest.raises(RuntimeError, match="inside the caller's transaction"):
        outbox.enqueue(KIND, payload={})
    assert not OutboxItem.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_an_item_whose_transaction_rolls_back_is_never_delivered(local: LocalHandler) -> None:
    with contextlib.suppress(Rollback), transaction.atomic():
        outbox.enqueue(KIND, payload={})
        raise Rollback

    assert not OutboxItem.objects.exists()
    assert outbox.deliver_due("w1") == 0
    assert local.delivered == []


@pytest.mark.django_db
def test_enqueue_of_an_unknown_kind_is_refused(local: LocalHandler) -> None:
    with pytest.raises(ValueError, match="No outbox handler"), transaction.atomic():
        outbox.enqueue("test.nobody", payload={})


@pytest.mark.django_db
def test_failures_are_retried_with_growing_backoff_then_fail_for_good(
    local: LocalHandler, frozen_clock: time_machine.Coordinates
) -> None:
    item = enqueue(max_attempts=4)
    local.fail_with = ConnectionError("vendor unreachable")
    delays = []
    for attempt in range(1, 4):
        failed_at = clock.now()
        assert outbox.deliver_one("w1")
        item.refresh_from_db()
        assert (item.status, item.attempts) == (OutboxStatus.PENDING, attempt)
        assert item.last_error == "ConnectionError: vendor unreachable"
        assert (item.locked_by, item.lease_expires_at) == ("", None)
        delay = item.next_attempt_at - failed_at
        base = timedelta(seconds=10 * 2 ** (attempt - 1))
        assert base / 2 <= delay <= base  # exponential, jitter on the upper half
        delays.append(delay)

        # Not due a moment before the backoff is over; due when it is.
        frozen_clock.move_to(item.next_attempt_at - timedelta(milliseconds=1))
        assert not outbox.deliver_one("w1")
        frozen_clock.move_to(item.next_attempt_at)

    assert delays == sorted(delays)  # never shrinks

    local.fail_with = ConnectionError("still unreachable")
    assert outbox.deliver_one("w1")
    item.refresh_from_db()
    assert (item.status, item.attempts) == (OutboxStatus.FAILED, 4)
    assert item.last_error == "ConnectionError: still unreachable"

    # Failed stays failed, however long one waits, and stays visible with its error.
    frozen_clock.shift(timedelta(days=2))
    local.fail_with = None
    assert outbox.deliver_due("w1") == 0
    assert local.delivered == []
    item.refresh_from_db()
    assert item.status == OutboxStatus.FAILED


@pytest.mark.django_db
def test_a_permanent_rejection_fails_at_once(
    local: LocalHandler, frozen_clock: time_machine.Coordinates
) -> None:
    item = enqueue()
    local.fail_with = outbox.PermanentDeliveryError("550 no such mailbox")
    assert outbox.deliver_one("w1")
    item.refresh_from_db()
    assert (item.status, item.attempts, item.last_error) == (
        OutboxStatus.FAILED,
        1,
        "550 no such mailbox",
    )
    frozen_clock.shift(timedelta(days=2))
    local.fail_with = None
    assert outbox.deliver_due("w1") == 0
    assert local.delivered == []


@pytest.mark.django_db
def test_a_delivered_item_is_not_delivered_again(
    local: LocalHandler, frozen_clock: time_machine.Coordinates
) -> None:
    item = enqueue()
    assert outbox.deliver_due("w1") == 1
    item.refresh_from_db()
    assert item.status == OutboxStatus.DELIVERED
    assert item.delivered_at == clock.now()
    assert (item.attempts, item.locked_by, item.lease_expires_at) == (1, "", None)

    frozen_clock.shift(timedelta(days=2))
    assert outbox.deliver_due("w1") == 0
    assert outbox.deliver_due("w2") == 0
    assert local.delivered == [(item.idempotency_key, 1)]


@pytest.mark.django_db
def test_deliver_after_holds_an_item_back(
    local: LocalHandler, frozen_clock: time_machine.Coordinates
) -> None:
    item = enqueue(deliver_after=clock.now() + timedelta(minutes=5))
    assert outbox.deliver_due("w1") == 0
    frozen_clock.shift(timedelta(minutes=5))
    assert outbox.deliver_due("w1") == 1
    assert local.delivered == [(item.idempotency_key, 1)]


@pytest.mark.django_db
def test_an_abandoned_delivery_is_retried_after_its_lease_with_the_same_key(
    local: LocalHandler, frozen_clock: time_machine.Coordinates
) -> None:
    item = enqueue()
    # Worker w1 claims the item and dies before recording anything.
    claimed = outbox._claim("w1")
    assert claimed is not None and claimed.pk == item.pk
    lease = timedelta(seconds=outbox.lease_seconds())

    frozen_clock.shift(lease - timedelta(seconds=1))
    assert outbox.deliver_due("w2") == 0  # w1's lease still holds

    frozen_clock.shift(timedelta(seconds=2))
    assert outbox.deliver_due("w2") == 1
    item.refresh_from_db()
    assert (item.status, item.attempts, item.last_error) == (OutboxStatus.DELIVERED, 2, "")
    assert local.delivered == [(item.idempotency_key, 2)]

    # Had w1 only stalled, its late outcome is not recorded over w2's.
    assert not outbox._finish(claimed, "w1", status=OutboxStatus.FAILED, last_error="late")
    item.refresh_from_db()
    assert item.status == OutboxStatus.DELIVERED


@pytest.mark.django_db
def test_a_delivery_that_keeps_killing_its_worker_fails_after_max_attempts(
    local: LocalHandler, frozen_clock: time_machine.Coordinates
) -> None:
    item = enqueue(max_attempts=2)
    lease = timedelta(seconds=outbox.lease_seconds())
    for worker in ("w1", "w2"):  # each claims it, then dies mid-delivery
        assert outbox._claim(worker) is not None
        frozen_clock.shift(lease + timedelta(seconds=1))

    assert outbox.deliver_due("w3") == 0
    item.refresh_from_db()
    assert (item.status, item.attempts) == (OutboxStatus.FAILED, 2)
    assert "attempt 2 by w2 did not finish" in item.last_error
    assert local.delivered == []


@pytest.mark.django_db
def test_a_kind_without_a_handler_here_is_left_for_workers_that_have_one(
    local: LocalHandler, frozen_clock: time_machine.Coordinates
) -> None:
    # Written by a process that knows the kind (a newer release, a plugin) ...
    stranger = OutboxItem.objects.create(
        kind="test.elsewhere", payload={}, created_at=clock.now(), next_attempt_at=clock.now()
    )
    mine = enqueue()
    # ... it is not this worker's to fail.
    assert outbox.deliver_due("w1") == 1
    stranger.refresh_from_db()
    assert (stranger.status, stranger.attempts, stranger.last_error) == (
        OutboxStatus.PENDING,
        0,
        "",
    )
    assert local.delivered == [(mine.idempotency_key, 1)]
