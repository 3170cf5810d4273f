"""Fetching one incident by id within the actor's visibility; otherwise 404."""

from __future__ import annotations

import uuid

from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import not_found

from .models import Incident
from .selectors import visible_incidents


def _uuid(value: str | uuid.UUID) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise not_found() from None


def get_incident_for(actor: Actor, incident_id: str | uuid.UUID) -> Incident:
    """An incident the actor sees (staff: the workspace's; customer people: theirs)."""
    incident = (
        visible_incidents(actor)
        .select_related("service", "customer")
        .filter(pk=_uuid(incident_id))
        .first()
    )
    if incident is None:
        raise not_found()
    return incident
