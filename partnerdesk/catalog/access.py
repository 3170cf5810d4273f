"""Fetching one service by code within the actor's catalog (shared plus its own); else 404."""

from __future__ import annotations

from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import not_found

from .models import Service
from .selectors import service_by_code


def get_service_for(actor: Actor, code: str) -> Service:
    service = service_by_code(actor, code)
    if service is None:
        raise not_found()
    return service
