"""Reads of the vendor connection, scoped to the actor's workspace."""

from __future__ import annotations

import uuid

from django.utils import formats
from django.utils.translation import gettext as _

from partnerdesk.core import feeds
from partnerdesk.core.actor import Actor
from partnerdesk.partners.models import Partner

from .models import ConnectionStatus, VendorConnection

# The workspace-level feeds the settings page lists (per-customer feeds show on customers).
WORKSPACE_FEEDS = (
    feeds.PARTNER_HEALTH,
    feeds.PARTNER_CENTER_INCIDENTS,
    feeds.CUSTOMERS,
    feeds.RELATIONSHIPS,
)


def connection_for(actor: Actor) -> VendorConnection | None:
    """The actor's workspace's connection (None if none was set up)."""
    if actor.partner_id is None:
        return None
    return VendorConnection.objects.filter(partner_id=actor.partner_id).first()


def workspace(actor: Actor) -> Partner | None:
    if actor.partner_id is None:
        return None
    return Partner.objects.filter(pk=actor.partner_id).first()


def connected_workspaces(actor: Actor) -> list[uuid.UUID]:
    """Workspaces with a usable consent: every one for the system actor without a workspace,
    else the actor's own (if connected)."""
    rows = VendorConnection.objects.filter(status=ConnectionStatus.CONNECTED)
    if actor.partner_id is not None:
        rows = rows.filter(partner_id=actor.partner_id)
    elif not actor.is_system:
        return []
    return list(rows.values_list("partner_id", flat=True))


def feed_states(actor: Actor) -> list[tuple[str, str, feeds.Feed | None]]:
    """(feed, its name, its state) for the workspace-level feeds."""
    return [
        (feed, str(feeds.FEED_NAMES[feed]), feeds.state_for(actor, feed))
        for feed in WORKSPACE_FEEDS
    ]


def last_health_success(actor: Actor) -> str:
    state = feeds.state_for(actor, feeds.PARTNER_HEALTH)
    if state is None or state.last_success_at is None:
        return _("never")
    return str(formats.date_format(state.last_success_at, "DATETIME_FORMAT"))


def consent_problem(actor: Actor) -> str | None:
    """The message for the workspace owner when Microsoft refused the stored consent (None
    otherwise, or for anyone who cannot renew it)."""
    if not actor.has("connectors.manage"):
        return None
    connection = connection_for(actor)
    if connection is None or connection.status != ConnectionStatus.CONSENT_EXPIRED:
        return None
    return _(
        "Microsoft refused the stored consent (%(detail)s): sign in again as a partner admin "
        "to renew it. Everything else keeps working; health and relationships show data as "
        "of %(time)s."
    ) % {
        "detail": connection.status_detail or _("no reason given"),
        "time": last_health_success(actor),
    }
