"""Filing tickets, replies and notes, and files."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from partnerdesk.catalog.models import Service
from partnerdesk.core import audit, clock, events, policies
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import DomainError, forbidden, invalid
from partnerdesk.customers.models import Contact, Customer

from .. import search, states
from ..attachments import Rejected, check_upload, sha256_of
from ..enums import Category, Channel, EventKind, Severity, Status
from ..models import (
    Attachment,
    Message,
    Ticket,
    TicketCounter,
)
from . import sla
from ._common import Filed, check_choice, record_event, set_status
from .labels import add_tag, clean_tags

# A write of the caller's that must commit with the action or not at all (mail intake marks
# its inbound message as filed in the same transaction, so a crash never files it twice).
# It runs last inside the action's transaction; an exception it raises rolls everything back.
SameTransaction = Callable[[Filed], None]


def _next_number(partner_id: uuid.UUID) -> int:
    """Take the workspace's next ticket number; the row lock makes it unique under load.

    In a transaction of its own, before the filing's: the counter is locked for a moment, not
    for the whole filing. Taken inside the filing, it made every filing of a workspace wait for
    the one before to commit (about 20 a second however many servers). A filing that fails
    after this leaves a gap in the numbers, as a database sequence would."""
    with transaction.atomic(durable=True):
        TicketCounter.objects.bulk_create(
            [TicketCounter(partner_id=partner_id)], ignore_conflicts=True
        )
        counter = TicketCounter.objects.select_for_update().get(partner_id=partner_id)
        counter.last_number += 1
        counter.save(update_fields=["last_number"])
        return counter.last_number


def _store_files(
    actor: Actor,
    ticket: Ticket,
    message: Message | None,
    files: Sequence[UploadedFile],
    *,
    internal: bool,
) -> tuple[list[Attachment], list[Rejected]]:
    stored: list[Attachment] = []
    rejected: list[Rejected] = []
    for upload in files:
        checked = check_upload(upload)
        if isinstance(checked, Rejected):
            rejected.append(checked)
            continue
        filename, content_type = checked
        attachment = Attachment(
            partner_id=ticket.partner_id,
            ticket=ticket,
            message=message,
            customer_id=ticket.customer_id,
            filename=filename,
            content_type=content_type,
            size=upload.size or 0,
            sha256=sha256_of(upload),
            internal=internal,
            uploaded_by_id=actor.membership_id,
            created_at=clock.now(),
        )
        attachment.file.save(f"{uuid.uuid4().hex}.bin", upload, save=False)
        attachment.save()
        stored.append(attachment)
    if stored:
        record_event(
            actor,
            ticket,
            EventKind.ATTACHED,
            {"files": [a.filename for a in stored]},
            internal=internal,
        )
    return stored, rejected


def _requester_for(actor: Actor, customer: Customer, requester: Contact | None) -> Contact | None:
    if actor.is_customer:
        if actor.contact_id is None:
            raise forbidden(_("Your login is not linked to a contact of your organisation."))
        return Contact.objects.get(pk=actor.contact_id)
    if requester is not None and requester.customer_id != customer.pk:
        raise invalid("requester_id", _("The requester is not a contact of this customer."))
    return requester


def file_ticket(
    actor: Actor,
    *,
    customer: Customer,
    subject: str,
    description: str,
    category: str,
    severity: str,
    channel: str,
    requester: Contact | None = None,
    service: Service | None = None,
    tags: Sequence[str] = (),
    files: Sequence[UploadedFile] = (),
    same_transaction: SameTransaction | None = None,
) -> Filed:
    """File a ticket for a customer. Customer people file for themselves only.

    `same_transaction` runs inside the filing transaction with the result (see SameTransaction).
    """
    policies.require(actor, "tickets.create")
    if not actor.sees_customer(customer.pk) or customer.partner_id != actor.partner_id:
        raise invalid("customer_id", _("Unknown customer."))
    subject = subject.strip()
    if not subject:
        raise invalid("subject", _("Give the ticket a subject."), "required")
    check_choice("category", category, Category)
    check_choice("severity", severity, Severity)
    check_choice("channel", channel, Channel)
    if actor.is_customer and channel not in (Channel.PORTAL, Channel.API, Channel.EMAIL):
        raise invalid("channel", _("Customers file through the portal, e-mail or the API."))
    requester = _requester_for(actor, customer, requester)
    names = clean_tags(tags) if actor.is_staff else []
    now = clock.now()
    number = _next_number(customer.partner_id)
    with transaction.atomic(durable=True):
        ticket = Ticket.objects.create(
            partner_id=customer.partner_id,
            number=number,
            customer=customer,
            requester=requester,
            subject=subject[:250],
            description=description.strip(),
            category=category,
            severity=severity,
            channel=channel,
            service=service,
            status=Status.NEW,
            is_open=True,
            created_by_id=actor.membership_id,
            created_at=now,
            last_activity_at=now,
        )
        record_event(
            actor,
            ticket,
            EventKind.CREATED,
            {"severity": severity, "category": category, "channel": channel},
        )
        sla.start_clocks(actor, ticket, now=now)
        for name in names:
            add_tag(actor, ticket, name)
        stored, rejected = _store_files(actor, ticket, None, files, internal=False)
        search.reindex_ticket(ticket.pk)
        audit.record(
            actor,
            "ticket.filed",
            ticket,
            customer_id=customer.pk,
            data={"number": ticket.number, "severity": severity},
        )
        filed = Filed(ticket=ticket, attachments=stored, rejected=rejected)
        if same_transaction is not None:
            same_transaction(filed)
        events.emit(events.TICKET_FILED, actor=actor, ticket=ticket)
    return filed


def _reply_opens(actor: Actor, status: str, *, internal: bool) -> bool:
    """A customer's answer to "pending customer", or staff's first public reply, opens it."""
    if actor.is_customer:
        return status == Status.PENDING_CUSTOMER
    return not internal and status == Status.NEW


def reply(
    actor: Actor,
    *,
    ticket: Ticket,
    body: str,
    internal: bool = False,
    files: Sequence[UploadedFile] = (),
    channel: str | None = None,
    same_transaction: SameTransaction | None = None,
) -> Filed:
    """Add a public reply or an internal note. A customer's reply reopens a resolved ticket.

    The system actor writes internal notes too (mail intake files an auto-reply as one).
    `same_transaction` runs inside the reply's transaction with the result.
    """
    policies.require(actor, "tickets.reply")
    if internal and not (
        actor.is_system or (actor.is_staff and actor.has("tickets.view_internal"))
    ):
        raise forbidden(_("Only partner staff write internal notes."))
    if not body.strip():
        raise invalid("body", _("Write something."), "required")
    if ticket.status == Status.CLOSED:
        raise DomainError(
            "ticket_closed",
            _("This ticket is closed. Open a new ticket and mention %(ref)s.")
            % {"ref": ticket.number},
            status=409,
        )
    with transaction.atomic(durable=True):
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
        previous_status = locked.status
        now = clock.now()
        message = Message.objects.create(
            partner_id=locked.partner_id,
            ticket=locked,
            customer_id=locked.customer_id,
            author_id=actor.membership_id if actor.is_staff else None,
            author_contact_id=actor.contact_id if actor.is_customer else None,
            body=body.strip(),
            internal=internal,
            channel=channel or (Channel.AGENT if actor.is_staff else Channel.PORTAL),
            created_at=now,
        )
        record_event(
            actor,
            locked,
            EventKind.NOTED if internal else EventKind.REPLIED,
            {"message_id": str(message.pk)},
            internal=internal,
        )
        if actor.is_customer and states.reopens_on_customer_reply(locked.status):
            set_status(actor, locked, Status.OPEN, kind=EventKind.REOPENED)
        elif _reply_opens(actor, locked.status, internal=internal):
            set_status(actor, locked, Status.OPEN)
        stored, rejected = _store_files(actor, locked, message, files, internal=internal)
        sla.clocks_after_change(
            actor, locked, now=now, previous_status=previous_status, reply_internal=internal
        )
        if not internal:
            locked.last_activity_at = now
        locked.save()
        search.reindex_ticket(locked.pk)
        audit.record(
            actor,
            "ticket.noted" if internal else "ticket.replied",
            locked,
            customer_id=locked.customer_id,
            data={"message_id": str(message.pk)},
        )
        filed = Filed(ticket=locked, message=message, attachments=stored, rejected=rejected)
        if same_transaction is not None:
            same_transaction(filed)
        _emit_reply_events(actor, locked, message, previous_status)
    return filed


def _emit_reply_events(actor: Actor, ticket: Ticket, message: Message, previous: str) -> None:
    """Tell subscribers (mail) of the reply, and of the status it moved the ticket to."""
    events.emit(events.TICKET_REPLIED, actor=actor, ticket=ticket, message=message)
    if ticket.status != previous:
        events.emit(
            events.TICKET_STATUS_CHANGED,
            actor=actor,
            ticket=ticket,
            previous=previous,
            current=ticket.status,
        )


def attach_files(
    actor: Actor, *, ticket: Ticket, files: Sequence[UploadedFile], internal: bool = False
) -> Filed:
    """Add files to a ticket without a message."""
    policies.require(actor, "tickets.reply")
    if internal and not (actor.is_staff and actor.has("tickets.view_internal")):
        raise forbidden(_("Only partner staff add internal files."))
    if not files:
        raise invalid("files", _("Choose at least one file."), "required")
    with transaction.atomic(durable=True):
        stored, rejected = _store_files(actor, ticket, None, files, internal=internal)
        if stored:
            audit.record(
                actor,
                "ticket.attached",
                ticket,
                customer_id=ticket.customer_id,
                data={"count": len(stored)},
            )
    return Filed(ticket=ticket, attachments=stored, rejected=rejected)
