"""Reads of the mail app, scoped to the actor."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db.models import Count, Q, QuerySet

from partnerdesk.core import policies
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import forbidden

from .models import InboundMessage, InboundState, Mailbox

# --- mailboxes ---------------------------------------------------------------------------------

MAILBOX_MANAGE_PERMISSION = "workspace.manage"


def mailboxes_for_settings(actor: Actor) -> QuerySet[Mailbox]:
    """The workspace's mailboxes with how many messages each brought in, for the settings
    list: one query however many mailboxes."""
    policies.require(actor, MAILBOX_MANAGE_PERMISSION)
    return (
        Mailbox.objects.filter(partner_id=actor.workspace_id)
        .annotate(
            imported_count=Count("messages"),
            triage_count=Count("messages", filter=Q(messages__state=InboundState.TRIAGE)),
            quarantined_count=Count("messages", filter=Q(messages__state=InboundState.QUARANTINED)),
        )
        .order_by("name", "address", "id")
    )


def mailboxes_to_poll(actor: Actor) -> list[uuid.UUID]:
    """Ids of the active mailboxes the scheduler polls: every workspace's for the system
    actor without a workspace, else the actor's workspace's."""
    if not actor.is_system:
        raise forbidden()
    mailboxes = Mailbox.objects.filter(is_active=True)
    if actor.partner_id is not None:
        mailboxes = mailboxes.filter(partner_id=actor.partner_id)
    return list(mailboxes.order_by("last_polled_at", "id").values_list("id", flat=True))


# --- inbound messages (intake) -----------------------------------------------------------------
# Restored after an accidental overwrite of this file (see the commit message): the intake's
# reads, as mail/actions/intake.py calls them.


def inbound_by_bytes(*, workspace_id: uuid.UUID, sha256: str) -> InboundMessage | None:
    """The message already stored with exactly these bytes in the workspace, if any."""
    return InboundMessage.objects.filter(partner_id=workspace_id, sha256=sha256).first()


def inbound_by_message_id(*, workspace_id: uuid.UUID, message_id: str) -> InboundMessage | None:
    """The message already stored with this Message-ID in the workspace, if any."""
    if not message_id:
        return None
    return InboundMessage.objects.filter(partner_id=workspace_id, message_id=message_id).first()


def left_behind(*, received_before: datetime, limit: int) -> list[InboundMessage]:
    """Messages of every workspace still RECEIVED since before `received_before` (a crash
    between storing and processing): for the system job that processes them."""
    return list(
        InboundMessage.objects.filter(
            state=InboundState.RECEIVED, received_at__lt=received_before
        ).order_by("received_at")[:limit]
    )
