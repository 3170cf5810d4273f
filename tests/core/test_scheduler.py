"""The scheduler in process: idle reads write nothing; tasks of dead workers are run again."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from partnerdesk.core import clock, scheduler
from partnerdesk.core.models import WorkerHeartbeat
from partnerdesk.core.tasks import prune_idempotency_records

pytestmark = pytest.mark.django_db


def _writes(captured: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE", "BEGIN"))
    ]


def test_followers_and_a_fresh_leader_write_nothing(frozen_clock: time_machine.Coordinates) -> None:
    assert scheduler.acquire_leadership("leader")
    with CaptureQueriesContext(connection) as captured:
        assert not scheduler.acquire_leadership("follower")
        assert scheduler.acquire_leadership("leader")  # more than half its lease left
    assert _writes(captured) == []
    # With less than half left, the leader renews.
    frozen_clock.shift(scheduler.lease_ttl() * 0.6)
    with CaptureQueriesContext(connection) as captured:
        assert scheduler.acquire_leadership("leader")
    assert any("UPDATE" in sql.upper() for sql in _writes(captured))


def test_jobs_that_are_not_due_cost_one_read(frozen_clock: time_machine.Coordinates) -> None:
    assert scheduler.enqueue_due_jobs("leader")  # first tick: everything is due
    with CaptureQueriesContext(connection) as captured:
        assert scheduler.enqueue_due_jobs("leader") == []
    assert len(captured.captured_queries) == 1
    assert _writes(captured) == []


def _running_task(worker_id: str) -> DBTaskResult:
    result = prune_idempotency_records.enqueue()
    row = DBTaskResult.objects.get(pk=result.id)
    row.claim(worker_id)
    return row


def test_tasks_of_silent_workers_are_run_again(frozen_clock: time_machine.Coordinates) -> None:
    scheduler.beat("dead", started_at=clock.now())
    scheduler.beat("alive", started_at=clock.now())
    dead_task = _running_task("dead")
    live_task = _running_task("alive")
    never_beat = _running_task("unknown")

    frozen_clock.shift(scheduler.heartbeat_timeout() - timedelta(seconds=1))
    assert scheduler.requeue_abandoned_tasks() == 0  # not silent long enough yet

    frozen_clock.shift(timedelta(seconds=2))
    scheduler.beat("alive", started_at=clock.now())
    assert scheduler.requeue_abandoned_tasks() == 2
    statuses = dict(DBTaskResult.objects.values_list("pk", "status"))
    assert statuses[dead_task.pk] == TaskResultStatus.READY
    assert statuses[never_beat.pk] == TaskResultStatus.READY
    assert statuses[live_task.pk] == TaskResultStatus.RUNNING


def test_a_clean_shutdown_signs_off() -> None:
    scheduler.beat("w", started_at=clock.now())
    scheduler.forget_worker("w")
    assert not WorkerHeartbeat.objects.filter(worker_id="w").exists()


def test_the_database_optimize_job_runs_on_either_engine() -> None:
    from django.db import connection

    from partnerdesk.core.tasks import optimize_database

    result = optimize_database.call()
    assert result == ("optimized" if connection.vendor == "sqlite" else "not needed")
