"""Pieces every ticket action shares: the history entry, choice checks, status moves."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from partnerdesk.core import clock
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import invalid

from .. import states
from ..attachments import Rejected
from ..enums import EventKind, Status
from ..models import (
    Attachment,
    Message,
    Ticket,
    TicketEvent,
)

MAX_TAGS = 20


@dataclass
class Filed:
    """What filing or replying produced: the object, and the files refused with their reasons."""

    ticket: Ticket
    message: Message | None = None
    attachments: list[Attachment] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)


def record_event(
    actor: Actor,
    ticket: Ticket,
    kind: str,
    data: dict[str, Any] | None = None,
    *,
    internal: bool = False,
) -> None:
    TicketEvent.objects.create(
        partner_id=ticket.partner_id,
        ticket=ticket,
        kind=kind,
        actor_id=actor.membership_id,
        actor_kind=str(actor.kind),
        data=data or {},
        internal=internal,
        at=clock.now(),
    )


def check_choice(name: str, value: str, choices: Any) -> None:
    if value not in choices.values:
        raise invalid(name, _("Choose one of: %(values)s.") % {"values": ", ".join(choices.values)})


def set_status(actor: Actor, ticket: Ticket, target: str, *, kind: str = EventKind.STATUS) -> None:
    states.check_transition(ticket.status, target)
    if ticket.status == target:
        return
    previous = ticket.status
    now = clock.now()
    ticket.status = target
    ticket.is_open = states.is_open(target)
    if target == Status.RESOLVED:
        ticket.resolved_at = now
    if target == Status.CLOSED:
        ticket.closed_at = now
    if target in (Status.OPEN,) and previous == Status.RESOLVED:
        ticket.resolved_at = None
    record_event(actor, ticket, kind, {"from": previous, "to": target})
