"""Changing a ticket: status, severity, category, subject, service, assignee."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from partnerdesk.accounts.models import Membership
from partnerdesk.catalog.models import Service
from partnerdesk.core import audit, clock, events, policies
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import forbidden, invalid

from .. import search
from ..enums import Category, EventKind, Severity, Status
from ..models import (
    Ticket,
)
from . import sla
from ._common import check_choice, record_event, set_status


@dataclass
class TicketChanges:
    """Fields staff may change; None means unchanged. `assignee_id=""` unassigns."""

    status: str | None = None
    severity: str | None = None
    category: str | None = None
    subject: str | None = None
    service: Service | None = None
    clear_service: bool = False
    assignee: Membership | None = None
    unassign: bool = False


def change_ticket(actor: Actor, *, ticket: Ticket, changes: TicketChanges) -> Ticket:
    """Change status, severity, category, subject, service or assignee, with history."""
    policies.require(actor, "tickets.manage")
    if changes.severity is not None:
        check_choice("severity", changes.severity, Severity)
    if changes.category is not None:
        check_choice("category", changes.category, Category)
    if changes.subject is not None and not changes.subject.strip():
        raise invalid("subject", _("Give the ticket a subject."), "required")
    if changes.assignee is not None:
        _check_assignee(actor, ticket, changes.assignee)
    with transaction.atomic(durable=True):
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
        previous_status, previous_assignee_id = locked.status, locked.assignee_id
        previous_severity = locked.severity
        if changes.status is not None:
            set_status(actor, locked, changes.status)
        if changes.severity is not None and changes.severity != locked.severity:
            record_event(
                actor, locked, EventKind.SEVERITY, {"from": locked.severity, "to": changes.severity}
            )
            locked.severity = changes.severity
        detail: dict[str, Any] = {}
        if changes.category is not None and changes.category != locked.category:
            detail["category"] = {"from": locked.category, "to": changes.category}
            locked.category = changes.category
        if changes.subject is not None and changes.subject.strip() != locked.subject:
            detail["subject"] = {"from": locked.subject, "to": changes.subject.strip()}
            locked.subject = changes.subject.strip()[:250]
        new_service = None if changes.clear_service else (changes.service or locked.service)
        if (new_service.pk if new_service else None) != locked.service_id:
            detail["service"] = {
                "from": locked.service_id,
                "to": new_service.pk if new_service else None,
            }
            locked.service = new_service
        if detail:
            record_event(actor, locked, EventKind.CHANGED, detail)
        new_assignee_id = (
            None
            if changes.unassign
            else (changes.assignee.pk if changes.assignee else locked.assignee_id)
        )
        if new_assignee_id != locked.assignee_id:
            record_event(
                actor,
                locked,
                EventKind.ASSIGNED,
                {
                    "from": str(locked.assignee_id) if locked.assignee_id else None,
                    "to": str(new_assignee_id) if new_assignee_id else None,
                },
            )
            locked.assignee_id = new_assignee_id
        sla.clocks_after_change(
            actor,
            locked,
            now=clock.now(),
            previous_status=previous_status,
            severity_changed=locked.severity != previous_severity,
        )
        locked.last_activity_at = clock.now()
        locked.save()
        search.reindex_ticket(locked.pk)
        audit.record(
            actor,
            "ticket.changed",
            locked,
            customer_id=locked.customer_id,
            data={
                "status": changes.status,
                "severity": changes.severity,
                "assignee": str(new_assignee_id) if new_assignee_id else None,
            },
        )
        if locked.status != previous_status:
            events.emit(
                events.TICKET_STATUS_CHANGED,
                actor=actor,
                ticket=locked,
                previous=previous_status,
                current=locked.status,
            )
        if locked.assignee_id != previous_assignee_id:
            events.emit(
                events.TICKET_ASSIGNED,
                actor=actor,
                ticket=locked,
                previous=str(previous_assignee_id or ""),
                current=str(locked.assignee_id or ""),
            )
    return locked


def _check_assignee(actor: Actor, ticket: Ticket, membership: Membership) -> None:
    from partnerdesk.accounts.permissions import permissions_for

    if membership.partner_id != ticket.partner_id or not membership.is_staff:
        raise invalid("assignee_id", _("Unknown staff member."))
    if not membership.is_active or "tickets.reply" not in permissions_for(membership.role):
        raise invalid("assignee_id", _("This person cannot work tickets."))
    if (
        membership.is_customer_limited
        and not membership.limited_customers.filter(pk=ticket.customer_id).exists()
    ):
        raise invalid("assignee_id", _("This person does not support this customer."))


def close_as_requester(actor: Actor, *, ticket: Ticket) -> Ticket:
    """A customer closes their own request (it is solved, or no longer needed)."""
    if not actor.is_customer:
        raise forbidden()
    with transaction.atomic(durable=True):
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if locked.status != Status.CLOSED:
            previous_status = locked.status
            set_status(actor, locked, Status.CLOSED)
            sla.clocks_after_change(actor, locked, now=clock.now(), previous_status=previous_status)
            locked.last_activity_at = clock.now()
            locked.save()
            search.reindex_ticket(locked.pk)
            audit.record(actor, "ticket.closed_by_customer", locked, customer_id=locked.customer_id)
            events.emit(
                events.TICKET_STATUS_CHANGED,
                actor=actor,
                ticket=locked,
                previous=previous_status,
                current=locked.status,
            )
    return locked
