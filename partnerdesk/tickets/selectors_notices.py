"""Reads of a staff member's console notices (SLA warnings and breaches of tickets assigned to
them, written by tickets.actions.sla): the notices page and the top bar's badge."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.dateparse import parse_datetime
from django_stubs_ext import StrOrPromise

from partnerdesk.core.actor import Actor
from partnerdesk.offering.enums import ClockKind

from .selectors import capped_count, own_notices, visible_tickets
from .sla_models import AgentNotice, NoticeKind

NOTICE_LIMIT = 50  # unread notices on the page, newest first
READ_LIMIT = 20  # read ones shown below them, for a moment's memory
BADGE_CAP = 99


@dataclass(frozen=True)
class NoticeRow:
    """One notice as the page shows it."""

    id: int
    kind: str
    kind_label: StrOrPromise
    clock_label: StrOrPromise
    due_at: datetime | None
    created_at: datetime
    read: bool
    ticket_id: str
    reference: str
    subject: str


def _label(choices: type[NoticeKind] | type[ClockKind], value: str) -> StrOrPromise:
    try:
        return choices(value).label
    except ValueError:
        return value


def _rows(actor: Actor, notices: list[AgentNotice]) -> list[NoticeRow]:
    rows = []
    for notice in notices:
        data = notice.data or {}
        due = data.get("due_at")
        ticket = notice.ticket
        rows.append(
            NoticeRow(
                id=notice.pk,
                kind=notice.kind,
                kind_label=_label(NoticeKind, notice.kind),
                clock_label=_label(ClockKind, str(data.get("clock", ""))),
                due_at=parse_datetime(due) if isinstance(due, str) else None,
                created_at=notice.created_at,
                read=notice.read_at is not None,
                ticket_id=str(ticket.pk),
                reference=f"{ticket.partner.ticket_prefix}-{ticket.number}",
                subject=ticket.subject,
            )
        )
    return rows


def _listed(actor: Actor, *, unread: bool, limit: int) -> list[AgentNotice]:
    # Only notices of tickets the actor still sees (a limited agent moved off a customer).
    return list(
        own_notices(actor)
        .filter(read_at__isnull=unread, ticket__in=visible_tickets(actor))
        .select_related("ticket__partner")
        .only(
            "id",
            "kind",
            "data",
            "created_at",
            "read_at",
            "ticket__id",
            "ticket__number",
            "ticket__subject",
            "ticket__partner__ticket_prefix",
        )
        .order_by("-created_at", "-id")[:limit]
    )


def unread_notices(actor: Actor, *, limit: int = NOTICE_LIMIT) -> list[NoticeRow]:
    """The actor's unread notices, newest first (at most `limit`)."""
    return _rows(actor, _listed(actor, unread=True, limit=limit))


def recently_read_notices(actor: Actor, *, limit: int = READ_LIMIT) -> list[NoticeRow]:
    """The actor's latest read notices, newest first (at most `limit`)."""
    return _rows(actor, _listed(actor, unread=False, limit=limit))


def unread_notice_count(actor: Actor) -> str:
    """How many notices wait unread, capped ("99+"); "0" for people who get none."""
    unread = own_notices(actor).filter(read_at__isnull=True, ticket__in=visible_tickets(actor))
    return capped_count(unread, BADGE_CAP)
