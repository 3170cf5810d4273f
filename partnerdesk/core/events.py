"""Domain events: what happened to a ticket, told to whoever subscribed, inside the transaction.

Tickets emit (`emit`), other apps subscribe (`subscribe`): tickets never import mail, and mail
learns of a reply without a signal or a save() hook. Subscribers run synchronously in the
emitting action's transaction, so what they write (outbox rows for notifications) commits
or rolls back with the change itself. Each subscriber runs in its own savepoint: one that
fails is logged and undone, and the change that emitted still commits (a notification must
never cost an agent the reply they wrote).

`context(...)` lets a caller tell subscribers something about the changes it makes, across
the action in between: `with events.context(notify=False):` around a data load (the demo)
asks that nobody be mailed about them.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from .actor import Actor

logger = logging.getLogger(__name__)

TICKET_FILED = "ticket.filed"
TICKET_REPLIED = "ticket.replied"  # a public reply or an internal note (message.internal)
TICKET_STATUS_CHANGED = "ticket.status_changed"
TICKET_ASSIGNED = "ticket.assigned"
# An SLA clock reached its warning share or its due time; `current` is the clock kind.
TICKET_SLA_WARNING = "ticket.sla_warning"
TICKET_SLA_BREACHED = "ticket.sla_breached"

KINDS = frozenset(
    {
        TICKET_FILED,
        TICKET_REPLIED,
        TICKET_STATUS_CHANGED,
        TICKET_ASSIGNED,
        TICKET_SLA_WARNING,
        TICKET_SLA_BREACHED,
    }
)


@dataclass(frozen=True)
class TicketEvent:
    """One change to a ticket. `ticket` (and `message`) are the rows as the action holds them
    (core does not import tickets, hence Any); `previous`/`current` carry the status or the
    assignee's membership id for the change kinds."""

    kind: str
    actor: Actor
    ticket: Any
    message: Any = None
    previous: str = ""
    current: str = ""
    context: dict[str, Any] = field(default_factory=dict)


Subscriber = Callable[[TicketEvent], None]
_SUBSCRIBERS: dict[str, list[Subscriber]] = {}
_CONTEXT: ContextVar[dict[str, Any] | None] = ContextVar("partnerdesk_event_context", default=None)


def subscribe(*kinds: str) -> Callable[[Subscriber], Subscriber]:
    """Register a function to be called with every event of `kinds` (once per function)."""

    def register(func: Subscriber) -> Subscriber:
        for kind in kinds:
            if kind not in KINDS:
                raise ValueError(f"Unknown event kind {kind!r}")
            listeners = _SUBSCRIBERS.setdefault(kind, [])
            if func not in listeners:
                listeners.append(func)
        return func

    return register


def unsubscribe(func: Subscriber) -> None:
    for listeners in _SUBSCRIBERS.values():
        if func in listeners:
            listeners.remove(func)


@contextlib.contextmanager
def context(**values: Any) -> Iterator[None]:
    """Attach `values` to every event emitted inside the block (nested blocks add to it)."""
    token = _CONTEXT.set({**(_CONTEXT.get() or {}), **values})
    try:
        yield
    finally:
        _CONTEXT.reset(token)


def emit(
    kind: str,
    *,
    actor: Actor,
    ticket: Any,
    message: Any = None,
    previous: str = "",
    current: str = "",
) -> None:
    """Tell the subscribers of `kind`; must run inside the emitting action's transaction."""
    if kind not in KINDS:
        raise ValueError(f"Unknown event kind {kind!r}")
    if not connection.in_atomic_block:
        raise RuntimeError("events.emit must run inside the action's transaction")
    event = TicketEvent(
        kind=kind,
        actor=actor,
        ticket=ticket,
        message=message,
        previous=previous,
        current=current,
        context=dict(_CONTEXT.get() or {}),
    )
    for subscriber in list(_SUBSCRIBERS.get(kind, ())):
        try:
            with transaction.atomic():
                subscriber(event)
        except Exception:
            if getattr(settings, "PARTNERDESK_EVENTS_STRICT", False):
                raise
            logger.exception(
                "event %s on ticket %s: subscriber %s failed; its writes were undone",
                kind,
                getattr(ticket, "pk", None),
                getattr(subscriber, "__qualname__", subscriber),
            )
