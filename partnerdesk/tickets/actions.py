"""Every write to tickets: filing, replies and notes, changes, tags, watchers, merges."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from partnerdesk.accounts.models import Membership
from partnerdesk.catalog.models import Service
from partnerdesk.core import audit, clock, policies
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import DomainError, forbidden, invalid
from partnerdesk.customers.models import Contact, Customer

from . import search, states
from .attachments import Rejected, check_upload, sha256_of
from .enums import Category, Channel, EventKind, Severity, Status
from .models import (
    Attachment,
    Message,
    Tag,
    Ticket,
    TicketCounter,
    TicketEvent,
    TicketTag,
    TicketWatcher,
)

MAX_TAGS = 20


@dataclass
class Filed:
    """What filing or replying produced: the object, and the files refused with their reasons."""

    ticket: Ticket
    message: Message | None = None
    attachments: list[Attachment] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)


def _event(
    actor: Actor,
    ticket: Ticket,
    kind: str,
    data: dict[str, Any] | None = None,
    *,
    internal: bool = False,
) -> None:
    TicketEvent.objects.create(
        partner_id=ticket.partner_id,
        ticket=ticket,
        kind=kind,
        actor_id=actor.membership_id,
        actor_kind=str(actor.kind),
        data=data or {},
        internal=internal,
        at=clock.now(),
    )


def _next_number(partner_id: uuid.UUID) -> int:
    """Take the workspace's next ticket number; the row lock makes it unique under load."""
    TicketCounter.objects.bulk_create([TicketCounter(partner_id=partner_id)], ignore_conflicts=True)
    counter = TicketCounter.objects.select_for_update().get(partner_id=partner_id)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def _check_choice(name: str, value: str, choices: Any) -> None:
    if value not in choices.values:
        raise invalid(name, _("Choose one of: %(values)s.") % {"values": ", ".join(choices.values)})


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
        _event(
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
) -> Filed:
    """File a ticket for a customer. Customer people file for themselves only."""
    policies.require(actor, "tickets.create")
    if not actor.sees_customer(customer.pk) or customer.partner_id != actor.partner_id:
        raise invalid("customer_id", _("Unknown customer."))
    subject = subject.strip()
    if not subject:
        raise invalid("subject", _("Give the ticket a subject."), "required")
    _check_choice("category", category, Category)
    _check_choice("severity", severity, Severity)
    _check_choice("channel", channel, Channel)
    if actor.is_customer and channel not in (Channel.PORTAL, Channel.API, Channel.EMAIL):
        raise invalid("channel", _("Customers file through the portal, e-mail or the API."))
    requester = _requester_for(actor, customer, requester)
    names = _clean_tags(tags) if actor.is_staff else []
    now = clock.now()
    with transaction.atomic(durable=True):
        ticket = Ticket.objects.create(
            partner_id=customer.partner_id,
            number=_next_number(customer.partner_id),
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
        _event(
            actor,
            ticket,
            EventKind.CREATED,
            {"severity": severity, "category": category, "channel": channel},
        )
        for name in names:
            _add_tag(actor, ticket, name)
        stored, rejected = _store_files(actor, ticket, None, files, internal=False)
        search.reindex_ticket(ticket.pk)
        audit.record(
            actor,
            "ticket.filed",
            ticket,
            customer_id=customer.pk,
            data={"number": ticket.number, "severity": severity},
        )
    return Filed(ticket=ticket, attachments=stored, rejected=rejected)


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
) -> Filed:
    """Add a public reply or an internal note. A customer's reply reopens a resolved ticket."""
    policies.require(actor, "tickets.reply")
    if internal and not (actor.is_staff and actor.has("tickets.view_internal")):
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
        _event(
            actor,
            locked,
            EventKind.NOTED if internal else EventKind.REPLIED,
            {"message_id": str(message.pk)},
            internal=internal,
        )
        if actor.is_customer and states.reopens_on_customer_reply(locked.status):
            _set_status(actor, locked, Status.OPEN, kind=EventKind.REOPENED)
        elif _reply_opens(actor, locked.status, internal=internal):
            _set_status(actor, locked, Status.OPEN)
        stored, rejected = _store_files(actor, locked, message, files, internal=internal)
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
    return Filed(ticket=locked, message=message, attachments=stored, rejected=rejected)


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


# --- changes ---------------------------------------------------------------------------------


def _set_status(actor: Actor, ticket: Ticket, target: str, *, kind: str = EventKind.STATUS) -> None:
    states.check_transition(ticket.status, target)
    if ticket.status == target:
        return
    previous = ticket.status
    now = clock.now()
    ticket.status = target
    ticket.is_open = states.is_open(target)
    if target == Status.RESOLVED:
        ticket.resolved_at = now
    if target == Status.CLOSED:
        ticket.closed_at = now
    if target in (Status.OPEN,) and previous == Status.RESOLVED:
        ticket.resolved_at = None
    _event(actor, ticket, kind, {"from": previous, "to": target})


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
        _check_choice("severity", changes.severity, Severity)
    if changes.category is not None:
        _check_choice("category", changes.category, Category)
    if changes.subject is not None and not changes.subject.strip():
        raise invalid("subject", _("Give the ticket a subject."), "required")
    if changes.assignee is not None:
        _check_assignee(actor, ticket, changes.assignee)
    with transaction.atomic(durable=True):
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if changes.status is not None:
            _set_status(actor, locked, changes.status)
        if changes.severity is not None and changes.severity != locked.severity:
            _event(
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
            _event(actor, locked, EventKind.CHANGED, detail)
        new_assignee_id = (
            None
            if changes.unassign
            else (changes.assignee.pk if changes.assignee else locked.assignee_id)
        )
        if new_assignee_id != locked.assignee_id:
            _event(
                actor,
                locked,
                EventKind.ASSIGNED,
                {
                    "from": str(locked.assignee_id) if locked.assignee_id else None,
                    "to": str(new_assignee_id) if new_assignee_id else None,
                },
            )
            locked.assignee_id = new_assignee_id
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
            _set_status(actor, locked, Status.CLOSED)
            locked.last_activity_at = clock.now()
            locked.save()
            search.reindex_ticket(locked.pk)
            audit.record(actor, "ticket.closed_by_customer", locked, customer_id=locked.customer_id)
    return locked


# --- tags and watchers -------------------------------------------------------------------------


def _clean_tags(names: Sequence[str]) -> list[str]:
    cleaned = []
    for name in names:
        tag = " ".join(name.strip().lower().split())
        if not tag:
            continue
        if len(tag) > 50:
            raise invalid("tags", _("Tags have at most 50 characters."), "too_long")
        if tag not in cleaned:
            cleaned.append(tag)
    if len(cleaned) > MAX_TAGS:
        raise invalid("tags", _("At most %(n)s tags.") % {"n": MAX_TAGS}, "too_many")
    return cleaned


def _add_tag(actor: Actor, ticket: Ticket, name: str) -> bool:
    Tag.objects.bulk_create([Tag(partner_id=ticket.partner_id, name=name)], ignore_conflicts=True)
    tag = Tag.objects.get(partner_id=ticket.partner_id, name=name)
    created = TicketTag.objects.bulk_create(
        [TicketTag(partner_id=ticket.partner_id, ticket=ticket, tag=tag)], ignore_conflicts=True
    )
    if TicketTag.objects.filter(ticket=ticket, tag=tag).count() and created:
        _event(actor, ticket, EventKind.TAGGED, {"tag": name})
        return True
    return False


def tag_ticket(actor: Actor, *, ticket: Ticket, names: Sequence[str]) -> list[str]:
    """Add tags (idempotent); returns the ticket's tags."""
    policies.require(actor, "tickets.manage")
    cleaned = _clean_tags(names)
    if not cleaned:
        raise invalid("tags", _("Name at least one tag."), "required")
    with transaction.atomic(durable=True):
        existing = set(ticket.tags.values_list("name", flat=True))
        if len(existing | set(cleaned)) > MAX_TAGS:
            raise invalid("tags", _("At most %(n)s tags.") % {"n": MAX_TAGS}, "too_many")
        for name in cleaned:
            if name not in existing:
                _add_tag(actor, ticket, name)
        search.reindex_ticket(ticket.pk)
        audit.record(
            actor, "ticket.tagged", ticket, customer_id=ticket.customer_id, data={"tags": cleaned}
        )
    return sorted(ticket.tags.values_list("name", flat=True))


def untag_ticket(actor: Actor, *, ticket: Ticket, name: str) -> list[str]:
    policies.require(actor, "tickets.manage")
    with transaction.atomic(durable=True):
        removed, _n = TicketTag.objects.filter(
            ticket=ticket, tag__name=name.strip().lower()
        ).delete()
        if removed:
            _event(actor, ticket, EventKind.UNTAGGED, {"tag": name.strip().lower()})
            search.reindex_ticket(ticket.pk)
            audit.record(
                actor,
                "ticket.untagged",
                ticket,
                customer_id=ticket.customer_id,
                data={"tag": name.strip().lower()},
            )
    return sorted(ticket.tags.values_list("name", flat=True))


def watch_ticket(actor: Actor, *, ticket: Ticket, membership: Membership) -> None:
    """Add a staff member as watcher (staff may add themselves; managers may add anyone)."""
    policies.require(actor, "tickets.reply")
    if not actor.is_staff:
        raise forbidden()
    if membership.pk != actor.membership_id:
        policies.require(actor, "tickets.manage")
    if membership.partner_id != ticket.partner_id or not membership.is_staff:
        raise invalid("membership_id", _("Unknown staff member."))
    with transaction.atomic(durable=True):
        created = TicketWatcher.objects.bulk_create(
            [TicketWatcher(partner_id=ticket.partner_id, ticket=ticket, membership=membership)],
            ignore_conflicts=True,
        )
        if created and TicketWatcher.objects.filter(ticket=ticket, membership=membership).exists():
            _event(actor, ticket, EventKind.WATCHING, {"membership_id": str(membership.pk)})
            audit.record(actor, "ticket.watched", ticket, customer_id=ticket.customer_id)


def unwatch_ticket(actor: Actor, *, ticket: Ticket, membership: Membership) -> None:
    policies.require(actor, "tickets.reply")
    if not actor.is_staff:
        raise forbidden()
    if membership.pk != actor.membership_id:
        policies.require(actor, "tickets.manage")
    with transaction.atomic(durable=True):
        removed, _n = TicketWatcher.objects.filter(ticket=ticket, membership=membership).delete()
        if removed:
            _event(actor, ticket, EventKind.UNWATCHING, {"membership_id": str(membership.pk)})
            audit.record(actor, "ticket.unwatched", ticket, customer_id=ticket.customer_id)


# --- merge ---------------------------------------------------------------------------------------


def merge_tickets(actor: Actor, *, duplicate: Ticket, original: Ticket) -> Ticket:
    """Merge a duplicate into its original: its messages and files move, it is closed."""
    policies.require(actor, "tickets.manage")
    if duplicate.pk == original.pk:
        raise invalid("into_ticket_id", _("A ticket cannot be merged into itself."))
    if duplicate.customer_id != original.customer_id:
        raise invalid("into_ticket_id", _("Only tickets of the same customer can be merged."))
    if original.status == Status.CLOSED or original.merged_into_id is not None:
        raise invalid("into_ticket_id", _("Merge into an open ticket that was not merged itself."))
    if duplicate.merged_into_id is not None:
        raise DomainError("already_merged", _("This ticket was already merged."), status=409)
    with transaction.atomic(durable=True):
        first, second = sorted([duplicate.pk, original.pk])
        locked = {
            t.pk: t for t in Ticket.objects.select_for_update().filter(pk__in=[first, second])
        }
        dup, orig = locked[duplicate.pk], locked[original.pk]
        moved = Message.objects.filter(ticket=dup).update(ticket=orig)
        Attachment.objects.filter(ticket=dup).update(ticket=orig)
        for tag_id in TicketTag.objects.filter(ticket=dup).values_list("tag_id", flat=True):
            TicketTag.objects.bulk_create(
                [TicketTag(partner_id=orig.partner_id, ticket=orig, tag_id=tag_id)],
                ignore_conflicts=True,
            )
        if dup.description:
            Message.objects.create(
                partner_id=orig.partner_id,
                ticket=orig,
                customer_id=orig.customer_id,
                author_contact_id=dup.requester_id,
                body=dup.description,
                internal=False,
                channel=dup.channel,
                created_at=dup.created_at,
            )
        if dup.status != Status.CLOSED:
            dup.status = Status.CLOSED
            dup.is_open = False
            dup.closed_at = clock.now()
        dup.merged_into = orig
        dup.save()
        orig.last_activity_at = clock.now()
        orig.save()
        _event(
            actor, dup, EventKind.MERGED_INTO, {"ticket_id": str(orig.pk), "number": orig.number}
        )
        _event(
            actor,
            orig,
            EventKind.MERGED_FROM,
            {"ticket_id": str(dup.pk), "number": dup.number, "messages": moved},
        )
        search.reindex_ticket(dup.pk)
        search.reindex_ticket(orig.pk)
        audit.record(
            actor, "ticket.merged", dup, customer_id=dup.customer_id, data={"into": str(orig.pk)}
        )
    return orig
