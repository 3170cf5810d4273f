"""The rules of one SLA clock, pure: no database, no clock (`now` is always passed in).

A `Clock` mirrors a `tickets.TicketClock` row. Time is measured on a *scale*: the plan's
compiled business calendar for a target in service hours, `AROUND_THE_CLOCK` (plain elapsed
time) for one that is not. Every function returns a new `Clock`; none reads the time itself.

The state of a running clock is (elapsed, running_since): `elapsed` is the working time used
before `running_since`, so at any moment

    used(now)  = elapsed + scale.working_time(running_since, now)
    due_at     = scale.add(running_since, max(target - elapsed, 0))
    warn_at    = scale.add(running_since, max(target * warning_percent / 100 - elapsed, 0))
                 (only while this cycle was not warned yet; no warning at 0 % or 100 % and more)
    breached_by = max(used(now) - target, 0)   (live while running; stored when stopped missed)

`breached_at` is the due time the clock passed, not the moment anybody noticed: the sweep marks
it up to a minute later, a stop after the due time records the due time. Once a cycle is past
its target, its due time stays `breached_at` whatever happens next (pause and resume, a
recalculation, a reopen): an overdue clock never shows "due now".

- `pause(now)` folds the running segment into `elapsed` (the working time from running_since
  to now) and remembers when the pause began; `resume(now)` adds the wall time paused to
  `paused_total` and runs again from now (Request Tracker's semantics: a paused clock ignores
  time, it does not move its due time by wall time but by the working time it did not use).
- `stop(now)` ends a cycle: met when the working time used is within the target, else missed
  with `breached_by` stored; a miss the sweep had not marked yet is counted now (`breaches`).
  `cancel(now)` ends it without a verdict (not needed: closed before any answer, merged away).
- `restart(now)` (the next-update clock) ends the current cycle as `stop` does and starts
  cycle + 1 from now: `elapsed`, `paused_total`, `warned_at`, `breached_at` and `breached_by`
  describe the current cycle; `breaches` counts missed cycles over the clock's life.
- `reopen(now)` (the resolution clock, when a resolved ticket opens again) runs it again from
  now with the working time it had used: the time spent resolved does not count, and a miss
  stays a miss (`breached_at` is kept, so nobody is told twice).
- `retarget(target, business_hours, old_scale, new_scale, now)`: a new target or calendar
  (severity or plan changed). The running segment is folded into `elapsed` on the OLD scale up
  to now, then the due and warning times are computed on the new one. Stopped clocks keep
  their verdict. A warning or breach already marked stays marked for the cycle.

`summary(clocks, now)` gives a ticket's (sla_state, sla_due_at): the due time is the earliest
due time of a running clock (NO_DUE when none runs); the state is, in this order, BREACHED (a
running clock past its due time; or, when none runs, a stopped clock that was missed), WARNING
(a running clock past its warning share), OK (a clock runs), PAUSED (clocks exist, and every
one not stopped is paused), MET (all stopped, none missed, at least one met), NONE (no clocks,
or all cancelled).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Protocol

from .engine import TWENTY_FOUR_SEVEN, CompiledCalendar, compile_calendar

# The same values as tickets.sla_models.ClockState / SlaState (the engine imports nothing of
# ours; tickets imports this module and the values are checked equal by the tests).
RUNNING, PAUSED, MET, MISSED, CANCELLED = "running", "paused", "met", "missed", "cancelled"
STOPPED = frozenset({MET, MISSED, CANCELLED})
STATE_NONE, STATE_OK, STATE_WARNING = "none", "ok", "warning"
STATE_BREACHED, STATE_PAUSED, STATE_MET = "breached", "paused", "met"

NO_DUE = datetime(9000, 1, 1, tzinfo=UTC)
ZERO = timedelta(0)


class Scale(Protocol):
    """What a clock needs of a calendar (CompiledCalendar has it)."""

    def add(self, start: datetime, duration: timedelta) -> datetime: ...

    def working_time(self, start: datetime, end: datetime) -> timedelta: ...


AROUND_THE_CLOCK: CompiledCalendar = compile_calendar(TWENTY_FOUR_SEVEN)


def scale_for(business_hours: bool, business: Scale) -> Scale:
    """The plan's calendar for a target in service hours, plain time otherwise."""
    return business if business_hours else AROUND_THE_CLOCK


@dataclass(frozen=True)
class Clock:
    """One clock of one ticket, as TicketClock stores it."""

    kind: str
    target: timedelta
    business_hours: bool
    started_at: datetime
    state: str = RUNNING
    cycle: int = 1
    elapsed: timedelta = ZERO
    running_since: datetime | None = None
    paused_since: datetime | None = None
    paused_total: timedelta = ZERO
    due_at: datetime | None = None
    warn_at: datetime | None = None
    warned_at: datetime | None = None
    breached_at: datetime | None = None
    stopped_at: datetime | None = None
    breached_by: timedelta | None = None
    breaches: int = 0

    @property
    def running(self) -> bool:
        return self.state == RUNNING

    @property
    def paused(self) -> bool:
        return self.state == PAUSED

    @property
    def stopped(self) -> bool:
        return self.state in STOPPED


def warning_share(target: timedelta, warning_percent: int) -> timedelta | None:
    """The working time after which a clock warns; None when the plan does not warn."""
    if warning_percent <= 0 or warning_percent >= 100:
        return None
    return target * warning_percent / 100


def schedule(clock: Clock, *, scale: Scale, warning_percent: int) -> Clock:
    """The due and warning times of a running clock (both None for any other)."""
    if not clock.running or clock.running_since is None:
        return replace(clock, due_at=None, warn_at=None)
    since = clock.running_since
    if clock.elapsed >= clock.target and clock.breached_at is not None:
        # Already past its target in this cycle: the due time stays the moment it passed
        # (a pause, a recalculation or a reopen must not move an overdue clock to "now").
        return replace(clock, due_at=clock.breached_at, warn_at=None)
    due_at = scale.add(since, max(clock.target - clock.elapsed, ZERO))
    warn_at = None
    share = warning_share(clock.target, warning_percent)
    if share is not None and clock.warned_at is None:
        warn_at = scale.add(since, max(share - clock.elapsed, ZERO))
    return replace(clock, due_at=due_at, warn_at=warn_at)


def start(
    *,
    kind: str,
    target: timedelta,
    business_hours: bool,
    at: datetime,
    scale: Scale,
    warning_percent: int,
) -> Clock:
    """A new clock running from `at` (its natural start, which may lie in the past)."""
    clock = Clock(
        kind=kind, target=target, business_hours=business_hours, started_at=at, running_since=at
    )
    return schedule(clock, scale=scale, warning_percent=warning_percent)


def used(clock: Clock, *, now: datetime, scale: Scale) -> timedelta:
    """Working time the clock has used in this cycle, up to `now`."""
    if clock.running and clock.running_since is not None:
        return clock.elapsed + max(scale.working_time(clock.running_since, now), ZERO)
    return clock.elapsed


def breached_by(clock: Clock, *, now: datetime, scale: Scale) -> timedelta | None:
    """Working time used beyond the target (None when within it, or cancelled)."""
    if clock.stopped:
        return clock.breached_by
    over = used(clock, now=now, scale=scale) - clock.target
    return over if over > ZERO else None


def remaining(clock: Clock, *, now: datetime, scale: Scale) -> timedelta | None:
    """Working time left before the due time (None unless running; zero once past it)."""
    if not clock.running:
        return None
    return max(clock.target - used(clock, now=now, scale=scale), ZERO)


def is_past_due(clock: Clock, now: datetime) -> bool:
    return clock.running and clock.due_at is not None and clock.due_at <= now


def is_past_warning(clock: Clock, now: datetime) -> bool:
    """Past the warning share in this cycle (marked already, or its time has come)."""
    if not clock.running:
        return False
    return clock.warned_at is not None or (clock.warn_at is not None and clock.warn_at <= now)


def pause(clock: Clock, *, now: datetime, scale: Scale) -> Clock:
    """Stop counting: the running segment goes into `elapsed`. Only a running clock pauses."""
    if not clock.running:
        return clock
    return replace(
        clock,
        state=PAUSED,
        elapsed=used(clock, now=now, scale=scale),
        running_since=None,
        paused_since=now,
        due_at=None,
        warn_at=None,
    )


def resume(clock: Clock, *, now: datetime, scale: Scale, warning_percent: int) -> Clock:
    """Count again from `now`; the wall time spent paused is added to `paused_total`."""
    if not clock.paused:
        return clock
    paused_for = max(now - clock.paused_since, ZERO) if clock.paused_since else ZERO
    resumed = replace(
        clock,
        state=RUNNING,
        running_since=now,
        paused_since=None,
        paused_total=clock.paused_total + paused_for,
    )
    return schedule(resumed, scale=scale, warning_percent=warning_percent)


def _halt(clock: Clock, now: datetime, scale: Scale) -> Clock:
    """The clock with its time up to `now` folded in (running or paused), not yet stopped."""
    if clock.running:
        clock = replace(clock, elapsed=used(clock, now=now, scale=scale))
    elif clock.paused and clock.paused_since is not None:
        clock = replace(
            clock, paused_total=clock.paused_total + max(now - clock.paused_since, ZERO)
        )
    return replace(clock, running_since=None, paused_since=None, due_at=None, warn_at=None)


def stop(clock: Clock, *, now: datetime, scale: Scale) -> Clock:
    """End the cycle with a verdict: met within the target, else missed (and counted)."""
    if clock.stopped:
        return clock
    halted = _halt(clock, now, scale)
    over = halted.elapsed - halted.target
    if over <= ZERO:
        return replace(halted, state=MET, stopped_at=now, breached_by=None)
    counted = halted.breached_at is not None
    passed = clock.due_at if clock.due_at is not None and clock.due_at <= now else now
    return replace(
        halted,
        state=MISSED,
        stopped_at=now,
        breached_by=over,
        breached_at=halted.breached_at or passed,
        breaches=halted.breaches if counted else halted.breaches + 1,
    )


def cancel(clock: Clock, *, now: datetime, scale: Scale) -> Clock:
    """End the cycle without a verdict (the answer is no longer needed)."""
    if clock.stopped:
        return clock
    return replace(_halt(clock, now, scale), state=CANCELLED, stopped_at=now, breached_by=None)


def restart(clock: Clock, *, now: datetime, scale: Scale, warning_percent: int) -> Clock:
    """End this cycle (met or missed; a cancelled one stays so) and start the next from now."""
    ended = stop(clock, now=now, scale=scale)
    fresh = replace(
        ended,
        state=RUNNING,
        cycle=ended.cycle + 1,
        started_at=now,
        elapsed=ZERO,
        running_since=now,
        paused_since=None,
        paused_total=ZERO,
        warned_at=None,
        breached_at=None,
        stopped_at=None,
        breached_by=None,
    )
    return schedule(fresh, scale=scale, warning_percent=warning_percent)


def reopen(clock: Clock, *, now: datetime, scale: Scale, warning_percent: int) -> Clock:
    """Run a stopped clock again from `now` with the working time it had used. A miss stays a
    miss (breached_at and breaches are kept); a cancelled clock stays cancelled."""
    if clock.state not in (MET, MISSED):
        return clock
    again = replace(clock, state=RUNNING, running_since=now, stopped_at=None, breached_by=None)
    return schedule(again, scale=scale, warning_percent=warning_percent)


def retarget(
    clock: Clock,
    *,
    target: timedelta,
    business_hours: bool,
    old_scale: Scale,
    new_scale: Scale,
    now: datetime,
    warning_percent: int,
) -> Clock:
    """A new target (severity) or scale (plan, calendar). The running segment is measured on
    the old scale up to `now`; due and warning times come from the new one."""
    if clock.stopped:
        return clock
    if clock.running:
        clock = replace(clock, elapsed=used(clock, now=now, scale=old_scale), running_since=now)
    changed = replace(clock, target=target, business_hours=business_hours)
    return schedule(changed, scale=new_scale, warning_percent=warning_percent)


def mark_warned(clock: Clock, *, now: datetime) -> Clock:
    """The warning share was reached (once per cycle)."""
    if clock.warned_at is not None:
        return clock
    return replace(clock, warned_at=now, warn_at=None)


def mark_breached(clock: Clock, *, now: datetime) -> Clock:
    """The due time passed (once per cycle): counted in `breaches`. `breached_at` is the due
    time itself (the sweep notices up to a minute later). A breach implies the warning, so a
    clock that skips its warning share (a recalculation) is not warned later."""
    if clock.breached_at is not None:
        return clock
    passed = clock.due_at if clock.due_at is not None and clock.due_at <= now else now
    return replace(
        clock,
        breached_at=passed,
        breaches=clock.breaches + 1,
        warned_at=clock.warned_at or now,
        warn_at=None,
    )


def summary(clocks: Iterable[Clock], now: datetime) -> tuple[str, datetime]:
    """A ticket's SLA state and next due time (see the module docstring)."""
    clocks = list(clocks)
    running = [c for c in clocks if c.running]
    due = min((c.due_at for c in running if c.due_at is not None), default=NO_DUE)
    if not clocks:
        return STATE_NONE, due
    if any(is_past_due(c, now) for c in running):
        return STATE_BREACHED, due
    if not running and any(c.state == MISSED for c in clocks):
        return STATE_BREACHED, due
    if any(is_past_warning(c, now) for c in running):
        return STATE_WARNING, due
    if running:
        return STATE_OK, due
    if any(c.paused for c in clocks):
        return STATE_PAUSED, due
    if any(c.state == MET for c in clocks):
        return STATE_MET, due
    return STATE_NONE, due
