"""The scheduler: periodic jobs, enqueued by exactly one leader among all workers.

Every worker calls `tick()` about once a second. Leadership is a lease row taken with a
conditional UPDATE, so it works the same on SQLite and PostgreSQL. The leader enqueues each
due job and advances its next run time in one transaction with a compare-and-set on the old
time, so a slot is enqueued once even if two workers briefly both believe they lead (a
stalled leader whose lease ran out).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import import_module
from typing import Any

from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from . import clock
from .models import PeriodicJobState, SchedulerLease, WorkerHeartbeat

logger = logging.getLogger(__name__)

LEASE_NAME = "scheduler"


@dataclass(frozen=True)
class PeriodicJob:
    """A task (dotted path to a django-tasks Task) enqueued every `every`."""

    name: str
    task: str
    every: timedelta

    def resolve(self) -> Any:
        module, _, attr = self.task.rpartition(".")
        return getattr(import_module(module), attr)


_EXTRA: dict[str, PeriodicJob] = {}


def register(job: PeriodicJob) -> None:
    """Add a job from a plugin module (the test suite); product jobs live in config.schedule."""
    _EXTRA[job.name] = job


def jobs() -> list[PeriodicJob]:
    from partnerdesk.config.schedule import JOBS

    return [*JOBS, *_EXTRA.values()]


def lease_ttl() -> timedelta:
    return timedelta(seconds=int(getattr(settings, "PARTNERDESK_SCHEDULER_LEASE_SECONDS", 15)))


def acquire_leadership(worker_id: str) -> bool:
    """Take or renew the lease; True if this worker leads until the lease expires.

    A plain read decides first, so followers and a leader with time left write nothing (on
    SQLite every write takes the database's one write lock).
    """
    now = clock.now()
    lease = SchedulerLease.objects.filter(name=LEASE_NAME).first()
    if lease is not None and lease.expires_at is not None:
        if lease.holder == worker_id and lease.expires_at - now > lease_ttl() / 2:
            return True
        if lease.holder not in ("", worker_id) and lease.expires_at > now:
            return False
    with transaction.atomic():
        # Read the clock once the transaction has begun: on SQLite, BEGIN IMMEDIATE may have
        # waited for another writer, and a lease must not start in the past.
        now = clock.now()
        SchedulerLease.objects.bulk_create(
            [SchedulerLease(name=LEASE_NAME, holder="", expires_at=now)], ignore_conflicts=True
        )
        taken = (
            SchedulerLease.objects.filter(name=LEASE_NAME)
            .filter(holder=worker_id)
            .update(expires_at=now + lease_ttl())
        ) or (
            # A lease that expires now is free: so the row made just above is taken at once.
            SchedulerLease.objects.filter(name=LEASE_NAME, expires_at__lte=now).update(
                holder=worker_id, expires_at=now + lease_ttl()
            )
        )
    return taken == 1


def release_leadership(worker_id: str) -> None:
    """Hand the lease back on a clean shutdown so another worker leads at once."""
    SchedulerLease.objects.filter(name=LEASE_NAME, holder=worker_id).update(
        holder="", expires_at=clock.now()
    )


def _next_after(slot: datetime, every: timedelta, now: datetime) -> datetime:
    following = slot + every
    # After downtime, skip the missed slots instead of running them in a burst.
    return following if following > now else now + every


def enqueue_due_jobs(worker_id: str) -> list[str]:
    """Enqueue every due job once; returns the names enqueued.

    A job that cannot be enqueued (its task does not import, the queue rejects it) is logged
    and stays due; it does not stop the other jobs or the worker.
    """
    enqueued = []
    now = clock.now()
    next_runs = dict(PeriodicJobState.objects.values_list("name", "next_run_at"))
    for job in jobs():
        if job.name in next_runs and next_runs[job.name] > now:
            continue  # not due: decided by the read above, without a write transaction
        try:
            if _enqueue_if_due(job, worker_id):
                enqueued.append(job.name)
        except (OperationalError, InterfaceError):
            raise  # the database is away or locked: the worker loop waits and retries
        except Exception:
            logger.exception("scheduler %s could not enqueue %s", worker_id, job.name)
    return enqueued


def _enqueue_if_due(job: PeriodicJob, worker_id: str) -> bool:
    with transaction.atomic():
        now = clock.now()
        PeriodicJobState.objects.bulk_create(
            [PeriodicJobState(name=job.name, next_run_at=now)], ignore_conflicts=True
        )
        state = PeriodicJobState.objects.get(name=job.name)
        if state.next_run_at > now:
            return False
        won = PeriodicJobState.objects.filter(name=job.name, next_run_at=state.next_run_at).update(
            next_run_at=_next_after(state.next_run_at, job.every, now),
            last_enqueued_at=now,
            last_enqueued_by=worker_id,
        )
        if won:
            # In the same transaction as the compare-and-set: both happen or neither does.
            job.resolve().enqueue(slot=state.next_run_at.isoformat())
        return bool(won)


HEARTBEAT_EVERY = timedelta(seconds=10)


def heartbeat_timeout() -> timedelta:
    return timedelta(seconds=int(getattr(settings, "PARTNERDESK_WORKER_TIMEOUT_SECONDS", 120)))


def beat(worker_id: str, *, started_at: datetime) -> None:
    """Record that this worker is alive."""
    now = clock.now()
    updated = WorkerHeartbeat.objects.filter(worker_id=worker_id).update(last_seen_at=now)
    if not updated:
        WorkerHeartbeat.objects.bulk_create(
            [WorkerHeartbeat(worker_id=worker_id, started_at=started_at, last_seen_at=now)],
            ignore_conflicts=True,
        )


def forget_worker(worker_id: str) -> None:
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def requeue_abandoned_tasks() -> int:
    """Put back tasks whose worker fell silent mid-run (killed, machine lost).

    Tasks are safe to run twice by design, so a task that may have half-run is run again
    rather than left RUNNING forever.
    """
    silent_since = clock.now() - heartbeat_timeout()
    alive = set(
        WorkerHeartbeat.objects.filter(last_seen_at__gte=silent_since).values_list(
            "worker_id", flat=True
        )
    )
    abandoned = [
        task.pk
        for task in DBTaskResult.objects.filter(
            status=TaskResultStatus.RUNNING, started_at__lt=silent_since
        ).only("pk", "worker_ids")
        if not task.worker_ids or task.worker_ids[-1] not in alive
    ]
    if not abandoned:
        return 0
    requeued = DBTaskResult.objects.filter(
        pk__in=abandoned, status=TaskResultStatus.RUNNING
    ).update(status=TaskResultStatus.READY, started_at=None)
    WorkerHeartbeat.objects.filter(last_seen_at__lt=silent_since - timedelta(days=1)).delete()
    logger.warning("scheduler requeued %s task(s) of silent workers", requeued)
    return requeued


def tick(worker_id: str) -> list[str]:
    """One scheduler step: lead if possible, then requeue abandoned tasks and enqueue due jobs."""
    if not acquire_leadership(worker_id):
        return []
    requeue_abandoned_tasks()
    names = enqueue_due_jobs(worker_id)
    if names:
        logger.info("scheduler %s enqueued %s", worker_id, ", ".join(names))
    return names
