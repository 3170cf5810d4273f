"""Reads for notifications: the people a ticket's mail may go to, the thread it continues,
the workspace's sender addresses and wording. Called by the event subscriber inside the
ticket action's transaction (the system's view of one workspace) and by the settings pages."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q

from partnerdesk.accounts.models import Membership
from partnerdesk.accounts.permissions import ROLE_PERMISSIONS, STAFF_ROLES
from partnerdesk.core import policies
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import not_found
from partnerdesk.customers.models import Contact
from partnerdesk.tickets.models import Message, Ticket, TicketClock, TicketWatcher

from ..models import InboundMessage, Mailbox, MailTemplate, OutboundMail
from .compose import language_or_default

WORKING_ROLES = sorted(
    str(role) for role in STAFF_ROLES if "tickets.reply" in ROLE_PERMISSIONS.get(role, ())
)


@dataclass(frozen=True)
class Recipient:
    """Someone a ticket's mail may go to, with what the rules need to decide."""

    email: str
    name: str
    language: str
    membership_id: uuid.UUID | None = None
    contact_id: uuid.UUID | None = None
    choices: dict[str, Any] = field(default_factory=dict)
    failing_since: datetime | None = None
    time_zone: str = ""  # staff's own zone (SLA mails show due times in it); "" = workspace's

    @property
    def first_name(self) -> str:
        words = self.name.split()
        return words[0] if words else ""


def _agent(membership: Membership, workspace_language: str) -> Recipient:
    return Recipient(
        email=membership.user.email,
        name=membership.user.full_name or membership.user.email,
        language=language_or_default(membership.user.language, workspace_language),
        membership_id=membership.pk,
        choices=dict(membership.notifications or {}),
        time_zone=membership.user.time_zone,
    )


def _working_staff(ticket: Any) -> Any:
    """Active staff of the ticket's workspace who work tickets and may see its customer."""
    limited_to_customer = Membership.limited_customers.through.objects.filter(
        membership_id=OuterRef("pk"), customer_id=ticket.customer_id
    )
    return (
        Membership.objects.filter(
            partner_id=ticket.partner_id,
            role__in=WORKING_ROLES,
            is_active=True,
            user__is_active=True,
        )
        .filter(Q(is_customer_limited=False) | Q(Exists(limited_to_customer)))
        .select_related("user")
        .order_by("user__email")
    )


def agents_for_customer(*, ticket: Any, workspace_language: str) -> list[Recipient]:
    """Everyone whose queues the ticket is in: staff who work tickets and see its customer."""
    return [_agent(m, workspace_language) for m in _working_staff(ticket)]


def agents_on_ticket(*, ticket: Any, workspace_language: str) -> list[Recipient]:
    """The ticket's assignee and watchers, if they (still) work tickets of its customer."""
    watching = TicketWatcher.objects.filter(ticket_id=ticket.pk, membership_id=OuterRef("pk"))
    people = _working_staff(ticket).filter(Q(pk=ticket.assignee_id) | Q(Exists(watching)))
    return [_agent(m, workspace_language) for m in people]


def agent(*, ticket: Any, membership_id: str, workspace_language: str) -> Recipient | None:
    """One staff member, if they work tickets of the ticket's customer."""
    found = _working_staff(ticket).filter(pk=membership_id).first()
    return _agent(found, workspace_language) if found else None


def requester(*, ticket: Any, workspace_language: str) -> Recipient | None:
    """The ticket's requester, if active, in their language (their login's, else their
    organisation's, else the workspace's)."""
    if ticket.requester_id is None:
        return None
    contact = (
        Contact.objects.filter(pk=ticket.requester_id, partner_id=ticket.partner_id, is_active=True)
        .select_related("customer", "membership__user")
        .first()
    )
    if contact is None or not contact.email:
        return None
    user = contact.membership.user if contact.membership else None
    return Recipient(
        email=contact.email,
        name=contact.name,
        language=language_or_default(
            user.language if user else "", contact.customer.language, workspace_language
        ),
        contact_id=contact.pk,
        failing_since=getattr(contact, "email_failing_since", None),
    )


def ticket_for_mail(*, partner_id: uuid.UUID, ticket_id: str) -> Ticket | None:
    """The ticket as it is now, with what its mails show (for the worker's fan-out)."""
    return (
        Ticket.objects.filter(pk=ticket_id, partner_id=partner_id)
        .select_related("customer", "requester")
        .first()
    )


def message_for_mail(*, ticket: Any, message_id: str) -> Message | None:
    return Message.objects.filter(
        pk=message_id, partner_id=ticket.partner_id, ticket_id=ticket.pk
    ).first()


def sender_mailbox(*, ticket: Any) -> Mailbox | None:
    """The mailbox replies about the ticket come back to: the one the customer wrote to, if it
    is still active, else the workspace's oldest active mailbox."""
    active = Mailbox.objects.filter(partner_id=ticket.partner_id, is_active=True)
    wrote_to = InboundMessage.objects.filter(
        partner_id=ticket.partner_id, ticket_id=ticket.pk, mailbox_id=OuterRef("pk")
    )
    return (
        active.annotate(wrote_to=Exists(wrote_to)).order_by("-wrote_to", "created_at", "id").first()
    )


def inbound_for_ticket(*, ticket: Any) -> InboundMessage | None:
    """The mail a ticket was filed from, if it came by mail (the first one linked to it)."""
    return (
        InboundMessage.objects.filter(partner_id=ticket.partner_id, ticket_id=ticket.pk)
        .order_by("received_at", "id")
        .first()
    )


@dataclass(frozen=True)
class Thread:
    in_reply_to: str = ""
    references: list[str] = field(default_factory=list)


def threads_for(*, ticket: Any, recipients: list[str], with_inbound: bool) -> dict[str, Thread]:
    """Where a new mail to each of `recipients` sits in the ticket's thread: after our first
    and last mails to them and, for contacts, after the customer's first and last mails (by
    their Message-IDs, as the intake stored them). Two queries however many recipients."""
    sent: dict[str, list[tuple[datetime, str]]] = {}
    rows = (
        OutboundMail.objects.filter(
            partner_id=ticket.partner_id, ticket_id=ticket.pk, recipient__in=recipients, skipped=""
        )
        .exclude(message_id="")
        .order_by("created_at", "id")
        .values_list("recipient", "created_at", "message_id")
    )
    for recipient, at, message_id in rows:
        sent.setdefault(recipient, []).append((at, message_id))
    theirs: list[tuple[datetime, str]] = []
    if with_inbound:
        theirs = list(
            InboundMessage.objects.filter(partner_id=ticket.partner_id, ticket_id=ticket.pk)
            .exclude(message_id="")
            .order_by("received_at", "id")
            .values_list("received_at", "message_id")
        )
    threads = {}
    for recipient in recipients:
        ours = sent.get(recipient, [])
        found = [*ours[:1], *ours[-1:], *theirs[:1], *theirs[-1:]]
        ordered: list[str] = []
        for _at, message_id in sorted(found, key=lambda row: row[0]):
            if _bracketed(message_id) not in ordered:
                ordered.append(_bracketed(message_id))
        threads[recipient] = Thread(in_reply_to=ordered[-1] if ordered else "", references=ordered)
    return threads


def _bracketed(message_id: str) -> str:
    message_id = message_id.strip()
    return message_id if message_id.startswith("<") else f"<{message_id}>"


def replied_just_now(*, ticket: Any, membership_id: uuid.UUID | None, since: datetime) -> bool:
    """Whether this staff member wrote a public reply on the ticket since `since`."""
    if membership_id is None:
        return False
    return Message.objects.filter(
        partner_id=ticket.partner_id,
        ticket_id=ticket.pk,
        author_id=membership_id,
        internal=False,
        created_at__gte=since,
    ).exists()


def clock_due_at(*, ticket: Any, kind: str) -> datetime | None:
    """When the ticket's clock of `kind` is (or was) due: for an SLA warning or breach."""
    return (
        TicketClock.objects.filter(partner_id=ticket.partner_id, ticket_id=ticket.pk, kind=kind)
        .values_list("due_at", flat=True)
        .first()
    )


def skipped_before(*, ticket: Any, recipient: str, reason: str) -> bool:
    return OutboundMail.objects.filter(
        partner_id=ticket.partner_id, ticket_id=ticket.pk, recipient=recipient, skipped=reason
    ).exists()


def workspace_override(*, partner_id: uuid.UUID, key: str, language: str) -> MailTemplate | None:
    return MailTemplate.objects.filter(partner_id=partner_id, key=key, language=language).first()


# --- the settings pages ------------------------------------------------------------------------

TEMPLATES_PERMISSION = "workspace.manage"


def workspace_templates(actor: Actor) -> dict[tuple[str, str], MailTemplate]:
    """The workspace's own wordings by (key, language): one query."""
    policies.require(actor, TEMPLATES_PERMISSION)
    rows = MailTemplate.objects.filter(partner_id=actor.workspace_id)
    return {(row.key, row.language): row for row in rows}


def workspace_template(actor: Actor, *, key: str, language: str) -> MailTemplate | None:
    policies.require(actor, TEMPLATES_PERMISSION)
    return workspace_override(partner_id=actor.workspace_id, key=key, language=language)


def own_notification_choices(actor: Actor) -> dict[str, Any]:
    """The signed-in staff member's stored choices (missing keys are on)."""
    if not actor.is_staff:
        raise not_found()
    membership = Membership.objects.filter(
        pk=actor.own_membership_id, partner_id=actor.workspace_id
    ).first()
    return dict(membership.notifications or {}) if membership else {}
