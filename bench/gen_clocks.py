"""A ticket's SLA clocks through its life, for the generator: the product's own `sla.policy`
on the bench plan's targets (all around the clock), with the sweep's warnings and breaches at
the moments they came."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from partnerdesk.offering.enums import DEFAULT_PAUSES, DEFAULT_WARNING_PERCENT
from partnerdesk.sla import policy

FR, NU, RES = "first_response", "next_update", "resolution"
# The bench plan's targets (minutes), all around the clock (offering: business_hours False),
# so a due time is plain addition and the generator needs no calendar.
TARGETS: dict[str, dict[str, int]] = {
    "A": {FR: 4 * 60, NU: 8 * 60, RES: 2 * 24 * 60},
    "B": {FR: 8 * 60, NU: 24 * 60, RES: 5 * 24 * 60},
    "C": {FR: 24 * 60, RES: 10 * 24 * 60},
}
SCALE = policy.AROUND_THE_CLOCK
WARN = DEFAULT_WARNING_PERCENT
PAUSES = {status: frozenset(str(k) for k in kinds) for status, kinds in DEFAULT_PAUSES.items()}


class Clocks:
    """A ticket's clocks through its life, with the sweep's warnings and breaches as they came."""

    def __init__(self, severity: str) -> None:
        self.targets = TARGETS[severity]
        self.clocks: dict[str, policy.Clock] = {}
        self.marks: list[tuple[str, policy.Clock, datetime]] = []  # (event kind, clock, at)

    def begin(self, kind: str, at: datetime) -> None:
        minutes = self.targets.get(kind)
        if minutes is not None:
            self.clocks[kind] = policy.start(
                kind=kind,
                target=timedelta(minutes=minutes),
                business_hours=False,
                at=at,
                scale=SCALE,
                warning_percent=WARN,
            )

    def sweep(self, now: datetime) -> None:
        """What the minutely sweep marked before `now`: warnings, then breaches, at their time."""
        for kind, clock in list(self.clocks.items()):
            if not clock.running:
                continue
            warn_at = clock.warn_at
            if (
                warn_at is not None
                and clock.warned_at is None
                and warn_at <= now
                and (clock.due_at is None or warn_at < clock.due_at)
            ):
                clock = policy.mark_warned(clock, now=warn_at)
                self.marks.append(("sla_warning", clock, warn_at))
            if clock.breached_at is None and clock.due_at is not None and clock.due_at <= now:
                clock = policy.mark_breached(clock, now=clock.due_at)
                self.marks.append(("sla_breached", clock, clock.due_at or now))
            self.clocks[kind] = clock

    def apply(self, kind: str, change: Callable[..., policy.Clock], at: datetime) -> None:
        clock = self.clocks.get(kind)
        if clock is None:
            return
        if change in (policy.restart, policy.resume):
            self.clocks[kind] = change(clock, now=at, scale=SCALE, warning_percent=WARN)
        else:
            self.clocks[kind] = change(clock, now=at, scale=SCALE)

    def restart(self, kind: str, at: datetime) -> None:
        if kind in self.clocks:
            self.apply(kind, policy.restart, at)
        else:
            self.begin(kind, at)

    def match_status(self, status: str, at: datetime) -> None:
        paused = PAUSES.get(status, frozenset())
        for kind, clock in list(self.clocks.items()):
            if clock.running and kind in paused:
                self.apply(kind, policy.pause, at)
            elif clock.paused and kind not in paused:
                self.apply(kind, policy.resume, at)
