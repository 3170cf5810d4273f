"""Reads of a ticket's SLA clocks, for the console, the portal and the API.

`ticket_clocks(actor, ticket=…, now=…)` gives one `ClockView` per clock of a ticket the actor
already holds (fetched through `access.get_ticket_for`, so visibility is decided there): staff
and customer people who may see the ticket may read its clocks (the portal may one day say
"we answer by …"). The live values (remaining, elapsed, breached_by) are computed at `now` on
the clock's scale: the plan's business calendar for a target in service hours, plain time for
one around the clock (partnerdesk.sla.policy). One query for the clocks; the calendar is
compiled once per version and cached.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django_stubs_ext import StrOrPromise

from partnerdesk.core.actor import Actor
from partnerdesk.offering.enums import ClockKind
from partnerdesk.offering.models import SupportPlan
from partnerdesk.sla import policy

from .models import Ticket
from .sla_models import NO_DUE, ClockState, SlaState, TicketClock

CLOCK_ORDER = [ClockKind.FIRST_RESPONSE, ClockKind.NEXT_UPDATE, ClockKind.RESOLUTION]


def as_clock(row: TicketClock) -> policy.Clock:
    """A stored clock as the pure policy sees it."""
    return policy.Clock(
        kind=row.kind,
        target=row.target,
        business_hours=row.business_hours,
        started_at=row.started_at,
        state=row.state,
        cycle=row.cycle,
        elapsed=row.elapsed,
        running_since=row.running_since,
        paused_since=row.paused_since,
        paused_total=row.paused_total,
        due_at=row.due_at,
        warn_at=row.warn_at,
        warned_at=row.warned_at,
        breached_at=row.breached_at,
        stopped_at=row.stopped_at,
        breached_by=row.breached_by,
        breaches=row.breaches,
    )


def business_scale(plan: SupportPlan | None) -> policy.Scale:
    """The plan's compiled service hours (cached by calendar version); plain time without a
    plan (a plan deleted after its clocks started)."""
    if plan is None:
        return policy.AROUND_THE_CLOCK
    from partnerdesk.offering.selectors import compiled_calendar

    return compiled_calendar(plan.calendar)


@dataclass(frozen=True)
class ClockView:
    """One clock as people see it. Durations are working time on the clock's scale, except
    `paused_total` (wall time). `remaining` is None unless the clock runs; `breached_by` is
    the working time used beyond the target (None within it)."""

    kind: str
    label: StrOrPromise
    state: str  # ClockState
    target: dt.timedelta
    business_hours: bool
    due_at: dt.datetime | None
    remaining: dt.timedelta | None
    breached_by: dt.timedelta | None
    elapsed: dt.timedelta
    paused_total: dt.timedelta
    warned: bool
    breached: bool
    cycle: int
    breaches: int
    stopped_at: dt.datetime | None = None  # when met, missed or cancelled

    @property
    def state_label(self) -> StrOrPromise:
        return ClockState(self.state).label


@dataclass(frozen=True)
class SlaView:
    """A ticket's SLA as a whole: its plan, the live summary and its clocks."""

    plan_id: uuid.UUID | None
    plan_name: str
    state: str  # SlaState
    next_due_at: dt.datetime | None  # None when no clock runs
    clocks: list[ClockView]

    @property
    def state_label(self) -> StrOrPromise:
        return SlaState(self.state).label


def _view(clock: policy.Clock, *, now: dt.datetime, business: policy.Scale) -> ClockView:
    scale = policy.scale_for(clock.business_hours, business)
    paused_total = clock.paused_total
    if clock.paused and clock.paused_since is not None:
        paused_total += max(now - clock.paused_since, dt.timedelta(0))
    over = policy.breached_by(clock, now=now, scale=scale)
    return ClockView(
        kind=clock.kind,
        label=ClockKind(clock.kind).label,
        state=clock.state,
        target=clock.target,
        business_hours=clock.business_hours,
        due_at=clock.due_at if clock.running else None,
        remaining=policy.remaining(clock, now=now, scale=scale),
        breached_by=over,
        elapsed=policy.used(clock, now=now, scale=scale),
        paused_total=paused_total,
        warned=policy.is_past_warning(clock, now) or clock.warned_at is not None,
        breached=clock.breached_at is not None or policy.is_past_due(clock, now) or bool(over),
        cycle=clock.cycle,
        breaches=clock.breaches,
        stopped_at=clock.stopped_at if clock.stopped else None,
    )


def _clocks_of(ticket: Ticket) -> list[policy.Clock]:
    rows = list(ticket.clocks.all())
    rows.sort(key=lambda row: CLOCK_ORDER.index(ClockKind(row.kind)))
    return [as_clock(row) for row in rows]


def ticket_clocks(actor: Actor, *, ticket: Ticket, now: dt.datetime) -> list[ClockView]:
    """The ticket's clocks (first response, next update, resolution; those it has) at `now`.
    `ticket` was fetched for `actor` through access.get_ticket_for."""
    clocks = _clocks_of(ticket)
    if not clocks:
        return []
    business = business_scale(ticket.support_plan)
    return [_view(clock, now=now, business=business) for clock in clocks]


def ticket_sla(actor: Actor, *, ticket: Ticket, now: dt.datetime) -> SlaView:
    """The ticket's SLA at `now`: plan, live state, next due time and clocks (for the API
    and the ticket page). The state is computed at `now` (the stored Ticket.sla_state, which
    queues filter on, catches up within a minute through the sweep)."""
    clocks = _clocks_of(ticket)
    plan = ticket.support_plan
    business = business_scale(plan) if clocks else policy.AROUND_THE_CLOCK
    state, due = policy.summary(clocks, now)
    return SlaView(
        plan_id=plan.pk if plan else None,
        plan_name=plan.name if plan else "",
        state=state,
        next_due_at=None if due == NO_DUE else due,
        clocks=[_view(clock, now=now, business=business) for clock in clocks],
    )
