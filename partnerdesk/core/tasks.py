"""Background tasks of the core: housekeeping declared in config.schedule."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task
from django_tasks_db.models import DBTaskResult

from . import clock
from .models import IdempotencyRecord, OutboxItem, OutboxStatus

IDEMPOTENCY_RETENTION = timedelta(hours=24)
TASK_RETENTION = timedelta(days=7)


@task()
def prune_idempotency_records(slot: str = "") -> int:
    """Forget stored API write outcomes older than the retention window."""
    cutoff = clock.now() - IDEMPOTENCY_RETENTION
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted


@task()
def prune_finished_tasks(slot: str = "") -> int:
    """Drop finished task results and delivered outbox items past retention."""
    cutoff = clock.now() - TASK_RETENTION
    tasks, _ = DBTaskResult.objects.filter(finished_at__lt=cutoff).delete()
    items, _ = OutboxItem.objects.filter(
        status=OutboxStatus.DELIVERED, delivered_at__lt=cutoff
    ).delete()
    return tasks + items


@task()
def optimize_database(slot: str = "") -> str:
    """Keep SQLite's planner statistics current, so queues read their indexes in order.

    PostgreSQL's autovacuum does the same there.
    """
    from django.db import connection

    if connection.vendor != "sqlite":
        return "not needed"
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA optimize")
    return "optimized"
