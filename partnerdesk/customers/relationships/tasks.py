"""Background tasks of admin relationships (owned by the relationships work)."""

from __future__ import annotations

from django_tasks import task


@task()
def warn_expiring_relationships(slot: str = "") -> int:
    """Hourly: warn 30, 7 and 1 days before a relationship ends. TO BE BUILT."""
    return 0
