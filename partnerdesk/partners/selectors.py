"""Reads of the workspace, scoped to the actor."""

from __future__ import annotations

from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import not_found

from .models import Partner


def current_workspace(actor: Actor) -> Partner:
    """The actor's own workspace; every authenticated actor sees its own."""
    if actor.partner_id is None:
        raise not_found()
    workspace = Partner.objects.select_related("provider").filter(pk=actor.workspace_id).first()
    if workspace is None:
        raise not_found()
    return workspace


def workspace_name(actor: Actor) -> str:
    return str(
        Partner.objects.filter(pk=actor.workspace_id).values_list("name", flat=True).first() or ""
    )


def workspace_exists(*, slug: str) -> bool:
    return Partner.objects.filter(slug=slug).exists()
