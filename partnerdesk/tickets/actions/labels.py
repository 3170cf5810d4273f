"""Tags and watchers."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from partnerdesk.accounts.models import Membership
from partnerdesk.core import audit, policies
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import forbidden, invalid

from .. import search
from ..enums import EventKind
from ..models import (
    Tag,
    Ticket,
    TicketTag,
    TicketWatcher,
)
from ._common import MAX_TAGS, record_event


def clean_tags(names: Sequence[str]) -> list[str]:
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


def add_tag(actor: Actor, ticket: Ticket, name: str) -> bool:
    Tag.objects.bulk_create([Tag(partner_id=ticket.partner_id, name=name)], ignore_conflicts=True)
    tag = Tag.objects.get(partner_id=ticket.partner_id, name=name)
    created = TicketTag.objects.bulk_create(
        [TicketTag(partner_id=ticket.partner_id, ticket=ticket, tag=tag)], ignore_conflicts=True
    )
    if TicketTag.objects.filter(ticket=ticket, tag=tag).count() and created:
        record_event(actor, ticket, EventKind.TAGGED, {"tag": name})
        return True
    return False


def tag_ticket(actor: Actor, *, ticket: Ticket, names: Sequence[str]) -> list[str]:
    """Add tags (idempotent); returns the ticket's tags."""
    policies.require(actor, "tickets.manage")
    cleaned = clean_tags(names)
    if not cleaned:
        raise invalid("tags", _("Name at least one tag."), "required")
    with transaction.atomic(durable=True):
        existing = set(ticket.tags.values_list("name", flat=True))
        if len(existing | set(cleaned)) > MAX_TAGS:
            raise invalid("tags", _("At most %(n)s tags.") % {"n": MAX_TAGS}, "too_many")
        for name in cleaned:
            if name not in existing:
                add_tag(actor, ticket, name)
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
            record_event(actor, ticket, EventKind.UNTAGGED, {"tag": name.strip().lower()})
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
            record_event(actor, ticket, EventKind.WATCHING, {"membership_id": str(membership.pk)})
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
            record_event(actor, ticket, EventKind.UNWATCHING, {"membership_id": str(membership.pk)})
            audit.record(actor, "ticket.unwatched", ticket, customer_id=ticket.customer_id)
