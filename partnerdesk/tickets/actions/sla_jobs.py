"""The SLA work of tickets.tasks: recalculating a ticket after a plan or calendar change, the
sweep's marks, and the queries that find the tickets for both (across workspaces: the jobs run
as the system actor). Each is called with the ticket locked, in its own transaction; the rules
are in tickets.actions.sla."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db.models import Q

from partnerdesk.core.actor import Actor
from partnerdesk.offering.models import SupportPlan
from partnerdesk.offering.selectors import compiled_calendar, plan_in_effect
from partnerdesk.sla import policy

from ..models import Ticket
from ..sla_models import TicketClock
from .sla import SLA_FIELDS, Board, clock_rows, plan_by_id, terms_of


def recalculate(
    actor: Actor,
    ticket: Ticket,
    *,
    now: datetime,
    previous_calendar: tuple[uuid.UUID, policy.Scale] | None = None,
) -> bool:
    """The plan in effect (the customer's, else the default) may have changed, or the plan or
    its calendar was edited: follow it. Saves the ticket; True when anything changed.

    `previous_calendar` is (calendar id, that calendar as it was before an edit): the time the
    clocks ran until now is measured on it when the ticket's plan used that calendar (the row
    already holds the new hours)."""
    rows = clock_rows(ticket)
    if ticket.support_plan_id is None and not rows:
        old_business: policy.Scale = policy.AROUND_THE_CLOCK
    else:
        old_plan = plan_by_id(ticket.support_plan_id)
        old_business = compiled_calendar(old_plan.calendar) if old_plan else policy.AROUND_THE_CLOCK
        if old_plan is not None and previous_calendar is not None:
            calendar_id, as_it_was = previous_calendar
            if old_plan.calendar_id == calendar_id:
                old_business = as_it_was
    new_plan = plan_in_effect(customer=ticket.customer)
    if new_plan is None and not rows:
        return False
    board = Board(ticket, terms_of(new_plan), now=now, rows=rows)
    before = (dict(board.clocks), ticket.support_plan_id, ticket.sla_state, ticket.sla_due_at)
    ticket.support_plan = new_plan
    board.retarget(old_business)
    board.match_status()
    board.finish(actor)
    after = (board.clocks, ticket.support_plan_id, ticket.sla_state, ticket.sla_due_at)
    if before == after:
        return False
    ticket.save(update_fields=SLA_FIELDS)
    return True


def sweep_ticket(actor: Actor, ticket: Ticket, *, now: datetime) -> int:
    """Mark the warnings and breaches whose time has come on one locked ticket (each once
    per clock and cycle, so a second run finds nothing); saves the ticket; how many."""
    board = Board(ticket, None, now=now, rows=clock_rows(ticket))
    board.finish(actor)
    if board.marks:
        ticket.save(update_fields=["sla_due_at", "sla_state"])
    return len(board.marks)


def due_ticket_ids(*, now: datetime, limit: int) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """(partner id, ticket id) of tickets with a clock whose warning or due time has come and
    is not marked yet, across workspaces (the sweep; each partial index answers its half)."""
    warn = TicketClock.objects.filter(
        warn_at__isnull=False, warned_at__isnull=True, warn_at__lte=now
    ).values_list("partner_id", "ticket_id")[:limit]
    breach = TicketClock.objects.filter(
        due_at__isnull=False, breached_at__isnull=True, due_at__lte=now
    ).values_list("partner_id", "ticket_id")[:limit]
    return sorted(set(warn) | set(breach))


def affected_ticket_ids(
    *,
    partner_id: uuid.UUID,
    plan_id: uuid.UUID | None = None,
    calendar_id: uuid.UUID | None = None,
    customer_id: uuid.UUID | None = None,
    after: uuid.UUID | None = None,
    limit: int = 200,
) -> list[uuid.UUID]:
    """Open tickets of a workspace a plan, calendar or customer change may move, by id
    (batched with `after`). A plan change reaches the tickets on the plan and the customers
    who have it (or, for the default plan, have none); a customer change its open tickets."""
    tickets = Ticket.objects.filter(partner_id=partner_id, is_open=True)
    where = Q()
    if customer_id is not None:
        where |= Q(customer_id=customer_id)
    if plan_id is not None:
        plan = SupportPlan.objects.filter(partner_id=partner_id, pk=plan_id).first()
        where |= Q(support_plan_id=plan_id) | Q(customer__support_plan_id=plan_id)
        if plan is not None and plan.is_default:
            where |= Q(customer__support_plan_id__isnull=True)
    if calendar_id is not None:
        where |= Q(support_plan__calendar_id=calendar_id) | Q(
            customer__support_plan__calendar_id=calendar_id
        )
    if after is not None:
        tickets = tickets.filter(pk__gt=after)
    return list(tickets.filter(where).order_by("pk").values_list("pk", flat=True)[:limit])


def lock_ticket(*, ticket_id: uuid.UUID, partner_id: uuid.UUID) -> Ticket | None:
    """The ticket, locked for the rest of the transaction (None when it is gone)."""
    return (
        Ticket.objects.select_for_update()
        .select_related("customer")
        .filter(pk=ticket_id, partner_id=partner_id)
        .first()
    )
