"""The worker's step: tasks and the outbox each get a slice, so neither starves the other."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from partnerdesk.core import outbox
from partnerdesk.core.models import OutboxItem, OutboxStatus
from partnerdesk.core.tasks import optimize_database
from partnerdesk.core.worker import Worker

KIND = "test.worker_backlog"


@pytest.fixture
def delivered() -> Iterator[list[str]]:
    seen: list[str] = []
    outbox.handler(KIND)(lambda item: seen.append(item.idempotency_key))
    try:
        yield seen
    finally:
        outbox.HANDLERS.pop(KIND, None)


def _finished_tasks() -> int:
    return DBTaskResult.objects.filter(status="SUCCESSFUL").count()


@pytest.mark.django_db(transaction=True)
def test_a_backlog_of_mail_does_not_keep_tasks_waiting(delivered: list[str]) -> None:
    with transaction.atomic():
        for n in range(500):
            outbox.enqueue(KIND, payload={"n": n})
    for _ in range(3):
        optimize_database.enqueue()
    worker = Worker(worker_id="w-fair", schedule=False, batch=20)

    steps = 0
    while _finished_tasks() < 3:
        assert worker.step()
        steps += 1
        assert steps <= 3, "tasks waited behind the outbox backlog"
    # The tasks ran while most of the backlog was still waiting, and the mail moved too.
    assert steps == 1
    assert 1 <= len(delivered) <= 20
    assert OutboxItem.objects.filter(kind=KIND, status=OutboxStatus.PENDING).count() >= 480


@pytest.mark.django_db(transaction=True)
def test_a_backlog_of_tasks_does_not_keep_mail_waiting(delivered: list[str]) -> None:
    for _ in range(50):
        optimize_database.enqueue()
    with transaction.atomic():
        outbox.enqueue(KIND, payload={"n": 1})
    worker = Worker(worker_id="w-fair", schedule=False, batch=20)

    assert worker.step()
    assert len(delivered) == 1
    assert 1 <= _finished_tasks() <= 20


@pytest.mark.django_db(transaction=True)
def test_a_step_ends_its_slice_when_the_time_is_up(delivered: list[str]) -> None:
    with transaction.atomic():
        for n in range(30):
            outbox.enqueue(KIND, payload={"n": n})
    optimize_database.enqueue()
    # A slice of no time at all still does one piece of each kind of work.
    worker = Worker(worker_id="w-fair", schedule=False, batch=20, slice_seconds=0)

    assert worker.step()
    assert len(delivered) == 1
    assert _finished_tasks() == 1
    assert worker.step()
    assert len(delivered) == 2
