"""Background tasks of the vendor connectors: one task per workspace, so one workspace's
failure never holds up another's; each is safe to run twice or concurrently (the actions
upsert by vendor id)."""

from __future__ import annotations

import uuid

from django_tasks import task

from partnerdesk.core.actor import Actor

from . import selectors, sync


@task()
def sync_health(slot: str = "") -> int:
    """Every 2 minutes: enqueue a health sync for every connected workspace."""
    system = Actor.system(partner_id=None, reason="connectors.sync_health")
    partner_ids = selectors.connected_workspaces(system)
    for partner_id in partner_ids:
        sync_health_for.enqueue(partner_id=str(partner_id))
    return len(partner_ids)


@task()
def sync_partner_center(slot: str = "") -> int:
    """Every 30 minutes: customers, subscriptions, managed-service links, relationships."""
    system = Actor.system(partner_id=None, reason="connectors.sync_partner_center")
    partner_ids = selectors.connected_workspaces(system)
    for partner_id in partner_ids:
        sync_partner_center_for.enqueue(partner_id=str(partner_id))
    return len(partner_ids)


@task()
def sync_health_for(partner_id: str) -> str:
    return str(sync.sync_health(uuid.UUID(partner_id)))


@task()
def sync_partner_center_for(partner_id: str) -> str:
    return str(sync.sync_partner_center(uuid.UUID(partner_id)))
