"""Reads of the workspace, scoped to the actor."""

from __future__ import annotations

from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import not_found

from .enums import PartnerType
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


def indirect_providers(actor: Actor) -> list[tuple[str, str]]:
    """Workspaces on this server an indirect reseller may name as its provider, as
    (id, name) pairs: only their names, and only for those who manage the workspace."""
    if not actor.has("workspace.manage"):
        return []
    rows = (
        Partner.objects.filter(partner_type=PartnerType.INDIRECT_PROVIDER)
        .exclude(pk=actor.workspace_id)
        .order_by("name")
        .values_list("id", "name")[:500]
    )
    return [(str(pk), name) for pk, name in rows]
