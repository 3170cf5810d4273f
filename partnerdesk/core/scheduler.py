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
from django.db import transaction

from . import clock
from .models import PeriodicJobState, SchedulerLease

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
    """Take or renew the lease; True if this worker leads until the lease expires."""
    now = clock.now()
    with transaction.atomic():
        SchedulerLease.objects.bulk_create(
            [SchedulerLease(name=LEASE_NAME, holder="", expires_at=now)], ignore_conflicts=True
        )
        taken = (
            SchedulerLease.objects.filter(name=LEASE_NAME)
            .filter(holder=worker_id)
            .update(expires_at=now + lease_ttl())
        ) or (
            SchedulerLease.objects.filter(name=LEASE_NAME, expires_at__lt=now).update(
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
    """Enqueue every due job once; returns the names enqueued."""
    now = clock.now()
    enqueued = []
    for job in jobs():
        with transaction.atomic():
            PeriodicJobState.objects.bulk_create(
                [PeriodicJobState(name=job.name, next_run_at=now)], ignore_conflicts=True
            )
            state = PeriodicJobState.objects.get(name=job.name)
            if state.next_run_at > now:
                continue
            won = PeriodicJobState.objects.filter(
                name=job.name, next_run_at=state.next_run_at
            ).update(
                next_run_at=_next_after(state.next_run_at, job.every, now),
                last_enqueued_at=now,
                last_enqueued_by=worker_id,
            )
            if won:
                job.resolve().enqueue(slot=state.next_run_at.isoformat())
                enqueued.append(job.name)
    return enqueued


def tick(worker_id: str) -> list[str]:
    """One scheduler step: lead if possible, then enqueue due jobs."""
    if not acquire_leadership(worker_id):
        return []
    names = enqueue_due_jobs(worker_id)
    if names:
        logger.info("scheduler %s enqueued %s", worker_id, ", ".join(names))
    return names
