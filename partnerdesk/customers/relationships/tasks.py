"""Background tasks of admin relationships."""

from __future__ import annotations

from django_tasks import task

from partnerdesk.core import clock
from partnerdesk.core.actor import Actor

from . import actions


@task()
def warn_expiring_relationships(slot: str = "") -> int:
    """Hourly: warn 30, 7 and 1 days before a relationship ends without extending itself,
    once per threshold (each relationship in its own transaction, its row locked). Returns how
    many warnings went out."""
    now = clock.now()
    sent = 0
    for partner_id, relationship_id in actions.due_warnings(now=now):
        system = Actor.system(partner_id=partner_id, reason="relationships.warn_expiring")
        if actions.warn_relationship(system, relationship_id=relationship_id, now=now):
            sent += 1
    return sent
