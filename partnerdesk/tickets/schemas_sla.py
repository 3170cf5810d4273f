"""The `sla` object of a ticket in the API (tickets.selectors_sla.SlaView as JSON)."""

from __future__ import annotations

from datetime import datetime, timedelta

from ninja import Schema
from pydantic import Field

from .selectors_sla import ClockView, SlaView


def seconds(value: timedelta | None) -> int | None:
    return None if value is None else int(value.total_seconds())


class PlanRef(Schema):
    id: str
    name: str


class ClockOut(Schema):
    """One clock. Durations are whole seconds of working time on the clock's scale (the
    plan's service hours when `business_hours`, else around the clock); `paused_total` is wall
    time."""

    kind: str = Field(..., description="first_response, next_update or resolution")
    label: str
    state: str = Field(..., description="running, paused, met, missed or cancelled")
    target: int = Field(..., description="The target, in seconds")
    business_hours: bool
    due_at: datetime | None = Field(..., description="While running")
    remaining: int | None = Field(..., description="Seconds left; null unless running")
    breached_by: int | None = Field(..., description="Seconds used beyond the target")
    elapsed: int
    paused_total: int
    warned: bool
    breached: bool
    cycle: int
    breaches: int = Field(..., description="Missed cycles over the clock's life")
    stopped_at: datetime | None = Field(None, description="When it was met, missed or cancelled")

    @staticmethod
    def build(view: ClockView) -> ClockOut:
        return ClockOut(
            kind=view.kind,
            label=str(view.label),
            state=view.state,
            target=int(view.target.total_seconds()),
            business_hours=view.business_hours,
            due_at=view.due_at,
            remaining=seconds(view.remaining),
            breached_by=seconds(view.breached_by),
            elapsed=int(view.elapsed.total_seconds()),
            paused_total=int(view.paused_total.total_seconds()),
            warned=view.warned,
            breached=view.breached,
            cycle=view.cycle,
            breaches=view.breaches,
            stopped_at=view.stopped_at,
        )


class TicketSlaOut(Schema):
    plan: PlanRef | None = Field(..., description="The support plan the clocks follow")
    state: str = Field(..., description="ok, warning, breached, paused, met or none (now)")
    next_due_at: datetime | None = Field(..., description="Null when no clock runs")
    clocks: list[ClockOut]

    @staticmethod
    def build(view: SlaView) -> TicketSlaOut:
        return TicketSlaOut(
            plan=PlanRef(id=str(view.plan_id), name=view.plan_name) if view.plan_id else None,
            state=view.state,
            next_due_at=view.next_due_at,
            clocks=[ClockOut.build(clock) for clock in view.clocks],
        )
