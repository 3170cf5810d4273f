"""A ticket's SLA clocks: the pure rules (partnerdesk.sla.policy) applied to TicketClock rows,
called by the ticket actions inside their transactions, and (through sla_jobs) by the sweep
and the recalculation task (tickets.tasks) for one locked ticket at a time.

Which clocks a ticket runs comes from the plan in effect for its customer when it is filed
(`offering.selectors.plan_in_effect`; no plan, no clocks) and the targets for its severity
(`plan_targets`; no target, no such clock). A target in service hours counts on the plan's
calendar, one around the clock in plain time.

- First response: starts at filing; met by the first public reply of partner staff (not an
  internal note, not the system); stopped (met or missed by then) when the ticket is resolved
  or closed by staff; cancelled when the customer closes it before any answer, or when it is
  merged away.
- Next update: starts at the first response and restarts (a new cycle; a late cycle counts in
  `breaches`) at every later public staff reply and at every public reply of a contact ("a
  contact's reply restarts the next-update clock"); cancelled when resolved or closed.
- Resolution: starts at filing, stops at resolved (met or missed); a reopen (resolved ->
  open, a customer's reply does it) resumes it where it stopped, the time spent resolved not
  counted and a miss staying a miss; closed stops it for good.
- Pauses: the plan's `pauses` ({status: [clock kinds]}); entering such a status pauses those
  clocks, leaving it resumes them (after every change the clocks are matched to the status).
- Recalculation: a severity change retargets every clock still counting (elapsed kept); a
  clock the new severity has no target for is removed, one that newly has a target starts
  from its natural start (first response and resolution: the filing time, and a first
  response already given stops it at once, met or missed by then; next update: the latest
  public reply, once staff answered) with that working time counted. A plan change (another
  plan assigned, the plan or its calendar edited: `recalculate`) measures the running segment
  on the OLD plan's calendar up to now and computes the due times on the new plan. When the
  calendar itself was edited, the offering sends the calendar as it was (`previous_calendar`),
  so the time until the recalculation is measured on the old hours (up to the task's short
  queueing delay, which counts on the new ones).
  Tickets have no "change customer" action yet; when one comes it calls `recalculate`.
- Warnings and breaches are marked by the sweep, and at once when a change finds the time
  already past; either way once per clock and cycle (`warned_at`, `breached_at`), with one
  staff-only history entry, one console notice for the assignee (none when unassigned) and
  one event (TICKET_SLA_WARNING / TICKET_SLA_BREACHED, `current` = the clock kind) that the
  mail subscriber turns into one mail. A breach implies the warning (none comes after it).

Queries per action do not grow with the number of clocks: the plan with its calendar and
targets (the compiled calendar is cached by version), the clocks, and one write of each kind.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q, QuerySet

from partnerdesk.core import events
from partnerdesk.core.actor import Actor
from partnerdesk.offering.enums import ClockKind
from partnerdesk.offering.models import PlanTarget, SupportPlan
from partnerdesk.offering.selectors import compiled_calendar, plan_in_effect, plan_targets
from partnerdesk.sla import policy

from ..enums import EventKind, Status
from ..models import Message, Ticket
from ..selectors_sla import as_clock
from ..sla_models import AgentNotice, NoticeKind, TicketClock
from ._common import record_event

FR, NU, RES = ClockKind.FIRST_RESPONSE, ClockKind.NEXT_UPDATE, ClockKind.RESOLUTION
SLA_FIELDS = ["support_plan", "sla_due_at", "sla_state"]
_CLOCK_FIELDS = [
    "state",
    "target",
    "business_hours",
    "cycle",
    "started_at",
    "elapsed",
    "running_since",
    "paused_since",
    "paused_total",
    "due_at",
    "warn_at",
    "warned_at",
    "breached_at",
    "stopped_at",
    "breached_by",
    "breaches",
]


@dataclass(frozen=True)
class Terms:
    """What a ticket's clocks need of its plan, read once per action."""

    plan: SupportPlan
    targets: dict[tuple[str, str], PlanTarget]
    business: policy.Scale
    pauses: dict[str, frozenset[str]]
    warning_percent: int

    def target(self, severity: str, kind: str) -> PlanTarget | None:
        return self.targets.get((severity, kind))

    def paused_kinds(self, status: str) -> frozenset[str]:
        return self.pauses.get(status, frozenset())


def terms_of(plan: SupportPlan | None) -> Terms | None:
    if plan is None:
        return None
    pauses = {
        str(status): frozenset(str(kind) for kind in kinds)
        for status, kinds in (plan.pauses or {}).items()
        if isinstance(kinds, list)
    }
    return Terms(
        plan=plan,
        targets=plan_targets(plan),
        business=compiled_calendar(plan.calendar),
        pauses=pauses,
        warning_percent=plan.warning_percent,
    )


def plan_by_id(plan_id: uuid.UUID | None) -> SupportPlan | None:
    if plan_id is None:
        return None
    return (
        SupportPlan.objects.select_related("calendar")
        .prefetch_related("targets")
        .filter(pk=plan_id)
        .first()
    )


@dataclass(frozen=True)
class _Mark:
    kind: str  # EventKind.SLA_WARNING / SLA_BREACHED
    clock: policy.Clock


class Board:
    """One ticket's clocks while an action changes them; `finish` writes what changed."""

    def __init__(
        self, ticket: Ticket, terms: Terms | None, *, now: datetime, rows: list[TicketClock]
    ) -> None:
        self.ticket, self.terms, self.now = ticket, terms, now
        self.rows = {row.kind: row for row in rows}
        self.clocks: dict[str, policy.Clock] = {kind: as_clock(r) for kind, r in self.rows.items()}
        self.marks: list[_Mark] = []

    # --- scales and targets ---------------------------------------------------------------

    @property
    def business(self) -> policy.Scale:
        return self.terms.business if self.terms else policy.AROUND_THE_CLOCK

    @property
    def warning_percent(self) -> int:
        return self.terms.warning_percent if self.terms else 0

    def scale(self, clock: policy.Clock) -> policy.Scale:
        return policy.scale_for(clock.business_hours, self.business)

    def begin(self, kind: str, at: datetime) -> bool:
        """Start `kind` from `at`, if the plan has a target for it at this severity."""
        target = self.terms.target(self.ticket.severity, kind) if self.terms else None
        if target is None:
            return False
        self.clocks[kind] = policy.start(
            kind=kind,
            target=timedelta(minutes=target.minutes),
            business_hours=target.business_hours,
            at=at,
            scale=policy.scale_for(target.business_hours, self.business),
            warning_percent=self.warning_percent,
        )
        return True

    # --- transitions ----------------------------------------------------------------------

    def stop(self, kind: str) -> None:
        clock = self.clocks.get(kind)
        if clock is not None:
            self.clocks[kind] = policy.stop(clock, now=self.now, scale=self.scale(clock))

    def cancel(self, kind: str) -> None:
        clock = self.clocks.get(kind)
        if clock is not None:
            self.clocks[kind] = policy.cancel(clock, now=self.now, scale=self.scale(clock))

    def restart(self, kind: str) -> None:
        clock = self.clocks.get(kind)
        if clock is None:
            self.begin(kind, self.now)
            return
        self.clocks[kind] = policy.restart(
            clock, now=self.now, scale=self.scale(clock), warning_percent=self.warning_percent
        )

    def staff_replied(self) -> None:
        self.stop(FR)
        if self.ticket.is_open:  # a word on a resolved ticket asks for no further update
            self.restart(NU)

    def contact_replied(self) -> None:
        if NU in self.clocks and self.ticket.is_open:
            self.restart(NU)

    def status_moved(self, previous: str, current: str, *, by_customer: bool) -> None:
        if current == Status.RESOLVED:
            self.stop(FR)
            self.cancel(NU)
            self.stop(RES)
        elif current == Status.CLOSED:
            if by_customer:
                self.cancel(FR)
            else:
                self.stop(FR)
            self.cancel(NU)
            self.stop(RES)
        elif previous == Status.RESOLVED:
            clock = self.clocks.get(RES)
            if clock is not None:
                self.clocks[RES] = policy.reopen(
                    clock,
                    now=self.now,
                    scale=self.scale(clock),
                    warning_percent=self.warning_percent,
                )

    def merged_away(self) -> None:
        for kind in list(self.clocks):
            self.cancel(kind)

    def retarget(self, old_business: policy.Scale) -> None:
        """Targets (and calendar) from `self.terms` for the ticket's severity; the running
        segments measured on `old_business` (or plain time) up to now."""
        for kind, clock in list(self.clocks.items()):
            if clock.stopped:
                continue
            target = self.terms.target(self.ticket.severity, kind) if self.terms else None
            if target is None:
                del self.clocks[kind]
                continue
            self.clocks[kind] = policy.retarget(
                clock,
                target=timedelta(minutes=target.minutes),
                business_hours=target.business_hours,
                old_scale=policy.scale_for(clock.business_hours, old_business),
                new_scale=policy.scale_for(target.business_hours, self.business),
                now=self.now,
                warning_percent=self.warning_percent,
            )
        if not self.ticket.is_open:
            return
        self.begin_late()

    def begin_late(self) -> None:
        """Clocks that newly have a target start from their natural start: the filing for
        first response and resolution (a first response already given stops it at once, met
        or missed by then); the latest public reply for next update, once staff answered."""
        created = self.ticket.created_at
        if RES not in self.clocks:
            self.begin(RES, created)
        if FR not in self.clocks and self.begin(FR, created):
            answered = _first_answer_at(self.ticket)
            if answered is not None:
                clock = self.clocks[FR]
                self.clocks[FR] = policy.stop(clock, now=answered, scale=self.scale(clock))
        wants_update = self.terms and self.terms.target(self.ticket.severity, NU)
        if NU not in self.clocks and wants_update and _first_answer_at(self.ticket) is not None:
            self.begin(NU, _last_reply_at(self.ticket) or self.now)

    def match_status(self) -> None:
        """Pause the clocks the ticket's status pauses, resume the others."""
        paused = self.terms.paused_kinds(self.ticket.status) if self.terms else frozenset()
        for kind, clock in list(self.clocks.items()):
            if clock.running and kind in paused:
                self.clocks[kind] = policy.pause(clock, now=self.now, scale=self.scale(clock))
            elif clock.paused and kind not in paused:
                self.clocks[kind] = policy.resume(
                    clock,
                    now=self.now,
                    scale=self.scale(clock),
                    warning_percent=self.warning_percent,
                )

    def mark_due(self) -> None:
        """Mark a breach or warning whose time has come (once per clock and cycle)."""
        for kind, clock in list(self.clocks.items()):
            if not clock.running:
                continue
            if clock.breached_at is None and policy.is_past_due(clock, self.now):
                self.clocks[kind] = policy.mark_breached(clock, now=self.now)
                self.marks.append(_Mark(EventKind.SLA_BREACHED, self.clocks[kind]))
            elif (
                clock.warned_at is None and clock.warn_at is not None and clock.warn_at <= self.now
            ):
                self.clocks[kind] = policy.mark_warned(clock, now=self.now)
                self.marks.append(_Mark(EventKind.SLA_WARNING, self.clocks[kind]))

    # --- writing --------------------------------------------------------------------------

    def finish(self, actor: Actor) -> None:
        """Mark what is due, write the clocks that changed, set the ticket's summary (the
        caller saves the ticket) and announce the marks."""
        self.mark_due()
        ticket = self.ticket
        created, changed = [], []
        for kind, clock in self.clocks.items():
            row = self.rows.get(kind)
            if row is None:
                created.append(
                    TicketClock(partner_id=ticket.partner_id, ticket=ticket, **_fields(clock))
                )
            elif as_clock(row) != clock:
                for name, value in _fields(clock).items():
                    setattr(row, name, value)
                changed.append(row)
        gone = [row.pk for kind, row in self.rows.items() if kind not in self.clocks]
        if gone:
            TicketClock.objects.filter(pk__in=gone, partner_id=ticket.partner_id).delete()
        if created:
            TicketClock.objects.bulk_create(created)
        if changed:
            TicketClock.objects.bulk_update(changed, _CLOCK_FIELDS)
        ticket.sla_state, ticket.sla_due_at = policy.summary(self.clocks.values(), self.now)
        for mark in self.marks:
            _announce(actor, ticket, mark, now=self.now)


def _fields(clock: policy.Clock) -> dict[str, object]:
    return {name: getattr(clock, name) for name in ["kind", *_CLOCK_FIELDS]}


def _announce(actor: Actor, ticket: Ticket, mark: _Mark, *, now: datetime) -> None:
    """History (staff only), the assignee's console notice and the event (mail)."""
    clock = mark.clock
    data = {
        "clock": clock.kind,
        "cycle": clock.cycle,
        "due_at": clock.due_at.isoformat() if clock.due_at else None,
    }
    # The clock's verdict is the desk's observation, not a deed of whoever happened to act on
    # the ticket when it was noticed: history and mail come from the system (so the agent
    # whose note revealed the breach is still told about it).
    actor = Actor.system(partner_id=ticket.partner_id, reason="sla")
    record_event(actor, ticket, mark.kind, data)
    breached = mark.kind == EventKind.SLA_BREACHED
    if ticket.assignee_id is not None:
        AgentNotice.objects.create(
            partner_id=ticket.partner_id,
            membership_id=ticket.assignee_id,
            ticket=ticket,
            kind=NoticeKind.SLA_BREACHED if breached else NoticeKind.SLA_WARNING,
            data=data,
            created_at=(clock.breached_at if breached else clock.warned_at) or now,
        )
    events.emit(
        events.TICKET_SLA_BREACHED if breached else events.TICKET_SLA_WARNING,
        actor=actor,
        ticket=ticket,
        current=clock.kind,
    )


def _public_replies(ticket: Ticket) -> QuerySet[Message]:
    return Message.objects.filter(ticket=ticket, partner_id=ticket.partner_id, internal=False)


def _first_answer_at(ticket: Ticket) -> datetime | None:
    """When partner staff first answered in public (None: not yet)."""
    return (
        _public_replies(ticket)
        .filter(author__isnull=False)
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )


def _last_reply_at(ticket: Ticket) -> datetime | None:
    """The latest public reply by staff or a contact (either restarts the next update)."""
    return (
        _public_replies(ticket)
        .filter(Q(author__isnull=False) | Q(author_contact__isnull=False))
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )


def clock_rows(ticket: Ticket) -> list[TicketClock]:
    return list(TicketClock.objects.filter(ticket=ticket, partner_id=ticket.partner_id))


# --- called by the ticket actions, inside their transactions -----------------------------------


def start_clocks(actor: Actor, ticket: Ticket, *, now: datetime) -> None:
    """At filing: the plan in effect for the customer, and its clocks for the severity. Saves
    the ticket's SLA fields when there is a plan (nothing is written without one)."""
    plan = plan_in_effect(customer=ticket.customer)
    terms = terms_of(plan)
    if terms is None:
        return
    ticket.support_plan = plan
    board = Board(ticket, terms, now=now, rows=[])
    board.begin(FR, ticket.created_at)
    board.begin(RES, ticket.created_at)
    board.match_status()
    board.finish(actor)
    ticket.save(update_fields=SLA_FIELDS)


def clocks_after_change(
    actor: Actor,
    ticket: Ticket,
    *,
    now: datetime,
    previous_status: str,
    reply_internal: bool | None = None,
    severity_changed: bool = False,
) -> None:
    """After a reply (`reply_internal` False for a public one, True for a note), a status or
    severity change of a locked ticket: the clocks follow, and the ticket's SLA fields are set
    for the caller to save. A ticket without a plan has no clocks and costs no query."""
    if ticket.support_plan_id is None:
        return
    board = _board(ticket, now=now)
    if reply_internal is False and actor.is_staff:
        board.staff_replied()
    elif reply_internal is False and actor.is_customer:
        board.contact_replied()
    if ticket.status != previous_status:
        board.status_moved(previous_status, ticket.status, by_customer=actor.is_customer)
    if severity_changed:
        board.retarget(board.business)
    board.match_status()
    board.finish(actor)


def clocks_after_merge(actor: Actor, ticket: Ticket, *, now: datetime) -> None:
    """A ticket merged away: its clocks are no longer needed (cancelled)."""
    if ticket.support_plan_id is None:
        return
    board = _board(ticket, now=now)
    board.merged_away()
    board.finish(actor)


def _board(ticket: Ticket, *, now: datetime) -> Board:
    plan = plan_by_id(ticket.support_plan_id)
    ticket.support_plan = plan
    return Board(ticket, terms_of(plan), now=now, rows=clock_rows(ticket))
