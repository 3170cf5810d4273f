"""SLA test fixtures: a Berlin office-hours plan written as rows (no offering actions needed),
and a short way to read a ticket's clocks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from partnerdesk.offering.enums import DEFAULT_PAUSES
from partnerdesk.offering.models import BusinessCalendar, PlanTarget, SupportPlan
from partnerdesk.tickets.models import Ticket, TicketClock
from tests.kit import Workspace

H = timedelta(hours=1)
WEEKDAYS_9_TO_5 = {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}
# Targets in minutes per severity: (first response, next update, resolution), business hours.
TARGETS = {"A": (60, 120, 480), "B": (240, 480, 1440), "C": (480, 960, 2400)}


def berlin(
    year: int, month: int, day: int, hour: int, minute: int = 0, second: int = 0
) -> datetime:
    """A Berlin wall time in winter (UTC+1) as an aware UTC datetime."""
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC) - H


def office_plan(
    ws: Workspace,
    *,
    name: str = "Standard",
    default: bool = True,
    targets: dict[str, tuple[int | None, int | None, int | None]] | None = None,
    business_hours: bool = True,
    always_open: bool = False,
    warning_percent: int = 75,
) -> SupportPlan:
    """A plan on a Berlin Mon-Fri 09:00-17:00 calendar (no holidays), the default pauses."""
    now = datetime(2026, 1, 1, tzinfo=UTC)
    calendar = BusinessCalendar.objects.create(
        partner=ws.partner,
        name=f"{name} hours",
        time_zone="Europe/Berlin",
        always_open=always_open,
        weekly={} if always_open else WEEKDAYS_9_TO_5,
        created_at=now,
        updated_at=now,
    )
    plan = SupportPlan.objects.create(
        partner=ws.partner,
        name=name,
        calendar=calendar,
        pauses=DEFAULT_PAUSES,
        warning_percent=warning_percent,
        is_default=default,
        created_at=now,
        updated_at=now,
    )
    for severity, minutes in (targets or TARGETS).items():
        for clock, value in zip(
            ("first_response", "next_update", "resolution"), minutes, strict=True
        ):
            if value is not None:
                PlanTarget.objects.create(
                    partner=ws.partner,
                    plan=plan,
                    severity=severity,
                    clock=clock,
                    minutes=value,
                    business_hours=business_hours,
                )
    return plan


def clocks(ticket: Ticket | str) -> dict[str, TicketClock]:
    ticket_id = ticket.pk if isinstance(ticket, Ticket) else ticket
    return {c.kind: c for c in TicketClock.objects.filter(ticket_id=ticket_id)}


def ticket(ticket_id: str) -> Ticket:
    return Ticket.objects.get(pk=ticket_id)
