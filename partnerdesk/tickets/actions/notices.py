"""Reading one's console notices: marking one, or all, read. Only one's own notices exist for
these (access.get_notice_for answers 404 for anyone else's)."""

from __future__ import annotations

from django.db import transaction

from partnerdesk.core import audit, clock, policies
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import not_found

from ..models import AgentNotice
from ..selectors import own_notices


def mark_notice_read(actor: Actor, *, notice: AgentNotice) -> None:
    """Mark one of the actor's notices read (again: no change)."""
    policies.require(actor, "tickets.view")
    if notice.membership_id != actor.membership_id or notice.partner_id != actor.partner_id:
        raise not_found()
    if notice.read_at is not None:
        return
    with transaction.atomic(durable=True):
        updated = (
            own_notices(actor)
            .filter(pk=notice.pk, read_at__isnull=True)
            .update(read_at=clock.now())
        )
        if updated:
            audit.record(actor, "notice.read", notice, data={"kind": notice.kind})


def mark_all_notices_read(actor: Actor) -> int:
    """Mark every unread notice of the actor read; returns how many were unread."""
    policies.require(actor, "tickets.view")
    with transaction.atomic(durable=True):
        updated = own_notices(actor).filter(read_at__isnull=True).update(read_at=clock.now())
        if updated:
            audit.record(actor, "notice.read_all", data={"count": updated})
    return updated
