"""Background tasks of tickets: the SLA sweep and the recalculation of clocks.

Both take ids, work one ticket at a time in its own short transaction with the ticket's row
locked (so a sweep and an agent's reply never interleave on one ticket), and are safe to run
twice: a warning or breach is marked once per clock and cycle, and a second recalculation
gives the same due times (a running clock's segment is folded in again, which changes nothing
it shows).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django_tasks import task

from partnerdesk.core import clock
from partnerdesk.core.actor import Actor
from partnerdesk.sla.engine import compile_calendar, spec_from_data

from .actions import sla_jobs as sla

SWEEP_BATCH = 500
RECALCULATE_BATCH = 200


@task()
def sweep_sla(slot: str = "") -> int:
    """Every minute: mark the SLA warnings and breaches whose time has come, across
    workspaces (the two partial indexes on TicketClock find them), and notify the assignee.
    Returns how many were marked."""
    marked = 0
    now = clock.now()
    # Batch after batch until nothing is due, so a burst (a calendar's Monday morning across
    # thousands of tickets) is not left for the next minute; a batch that marks nothing ends
    # the run rather than spin on rows it cannot change.
    while True:
        batch = sla.due_ticket_ids(now=now, limit=SWEEP_BATCH)
        marked_now = 0
        for partner_id, ticket_id in batch:
            system = Actor.system(partner_id=partner_id, reason="tickets.sweep_sla")
            with transaction.atomic(durable=True):
                ticket = sla.lock_ticket(ticket_id=ticket_id, partner_id=partner_id)
                if ticket is None:
                    continue
                marked_now += sla.sweep_ticket(system, ticket, now=clock.now())
        marked += marked_now
        if len(batch) < SWEEP_BATCH or not marked_now:
            return marked


@task()
def recalculate_sla(
    *,
    partner_id: str,
    plan_id: str | None = None,
    calendar_id: str | None = None,
    customer_id: str | None = None,
    previous_calendar: dict[str, Any] | None = None,
) -> int:
    """After a plan, a calendar or a customer's plan changed: recalculate the clocks of every
    open ticket it may move (in batches; each ticket its own transaction). Enqueued by the
    offering actions by dotted path (partnerdesk.tickets.tasks.recalculate_sla). Returns how
    many tickets changed."""
    workspace = uuid.UUID(str(partner_id))
    system = Actor.system(partner_id=workspace, reason="tickets.recalculate_sla")
    # The calendar as it was before an edit (the offering sends it), to measure the time the
    # clocks ran until now on the hours that applied then.
    before = (
        (uuid.UUID(str(calendar_id)), compile_calendar(spec_from_data(previous_calendar)))
        if previous_calendar is not None and calendar_id
        else None
    )
    changed = 0
    after: uuid.UUID | None = None
    while True:
        batch = sla.affected_ticket_ids(
            partner_id=workspace,
            plan_id=uuid.UUID(str(plan_id)) if plan_id else None,
            calendar_id=uuid.UUID(str(calendar_id)) if calendar_id else None,
            customer_id=uuid.UUID(str(customer_id)) if customer_id else None,
            after=after,
            limit=RECALCULATE_BATCH,
        )
        if not batch:
            return changed
        for ticket_id in batch:
            with transaction.atomic(durable=True):
                ticket = sla.lock_ticket(ticket_id=ticket_id, partner_id=workspace)
                if ticket is not None and ticket.is_open:
                    changed += sla.recalculate(
                        system, ticket, now=clock.now(), previous_calendar=before
                    )
        after = batch[-1]
