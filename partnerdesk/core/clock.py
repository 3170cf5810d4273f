"""The only clock. Tests move it with time-machine; nothing else calls datetime.now().

`replaying(at)` sets the domain clock to a moment of the past for the code inside the block: the
demo loader replays its stories at the times they happened, so every time the actions derive
(history, SLA due times) is what it would have been. The platform's own records (audit chain,
outbox, idempotency keys) use `real_now()`: the audit log always tells when a thing was done.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import datetime

from django.utils import timezone

_REPLAY: ContextVar[datetime | None] = ContextVar("partnerdesk_clock_replay", default=None)


def now() -> datetime:
    """The current time, aware, in UTC (the replayed moment inside `replaying`)."""
    return _REPLAY.get() or timezone.now()


def real_now() -> datetime:
    """The current time even while replaying: for audit rows, the outbox, idempotency keys."""
    return timezone.now()


@contextlib.contextmanager
def replaying(at: datetime) -> Iterator[None]:
    """Run the block as if it were `at` (an aware datetime)."""
    if at.tzinfo is None:
        raise ValueError("replaying needs an aware datetime")
    token = _REPLAY.set(at)
    try:
        yield
    finally:
        _REPLAY.reset(token)
