"""Background tasks of the vendor connectors (owned by the connectors work)."""

from __future__ import annotations

from django_tasks import task


@task()
def sync_health(slot: str = "") -> int:
    """Every 2 minutes: read service health for every connected workspace. TO BE BUILT."""
    return 0


@task()
def sync_partner_center(slot: str = "") -> int:
    """Every 30 minutes: customers, subscriptions, managed-service links, relationships.
    TO BE BUILT."""
    return 0
