"""Fetching one mail object by id within the actor's visibility (else 404)."""

from __future__ import annotations

import uuid

from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import not_found

from .models import Mailbox
from .selectors import MAILBOX_MANAGE_PERMISSION


def _uuid(value: str | uuid.UUID) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise not_found() from None


def get_mailbox_for(actor: Actor, mailbox_id: str | uuid.UUID) -> Mailbox:
    """A mailbox of the actor's workspace, for those who manage mailboxes and for the system
    actor (the poller); anyone else is told it does not exist."""
    if not (actor.is_system or (actor.is_staff and actor.has(MAILBOX_MANAGE_PERMISSION))):
        raise not_found()
    mailbox = Mailbox.objects.filter(pk=_uuid(mailbox_id), partner_id=actor.workspace_id).first()
    if mailbox is None:
        raise not_found()
    return mailbox


def get_mailbox_for_poll(actor: Actor, mailbox_id: str | uuid.UUID) -> Mailbox | None:
    """The mailbox a poll task names, for the system actor without a workspace; None when it
    was deleted meanwhile."""
    if not actor.is_system:
        raise not_found()
    found = Mailbox.objects.filter(pk=_uuid(mailbox_id))
    if actor.partner_id is not None:
        found = found.filter(partner_id=actor.partner_id)
    return found.first()
