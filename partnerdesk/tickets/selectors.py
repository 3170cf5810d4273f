"""Reads of tickets, scoped to the actor: the one visibility rule for lists, search and detail."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import models
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from partnerdesk.accounts.models import Membership
from partnerdesk.accounts.permissions import STAFF_ROLES, permissions_for
from partnerdesk.core import clock
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import invalid
from partnerdesk.core.pagination import Page, paginate
from partnerdesk.partners.selectors import current_workspace

from .enums import OPEN_STATUSES, STAFF_ONLY_EVENTS, Category, Severity, Status
from .models import Attachment, CannedReply, Message, Tag, Ticket, TicketEvent, TicketWatcher
from .sla_models import AgentNotice, SlaState
from .snippets import Snippet

QUEUE_ORDER = ["-last_activity_at", "-id"]
COUNT_CAP = 99
# The "breaching soon" queue: open tickets whose next due time is at most this far ahead,
# including those already past it. Two hours is the shortest target of the seeded plans
# (severity A's first response): whatever is in this window needs someone now.
BREACHING_WITHIN = timedelta(hours=2)
SNIPPET_TEXT = 20_000  # of a search document's text read for a result's snippet


def visible_tickets(actor: Actor) -> QuerySet[Ticket]:
    """Tickets the actor may see: staff their workspace's (or their customers'), a manager the
    organisation's, a contact the ones they requested."""
    if not actor.is_authenticated or actor.partner_id is None or not actor.has("tickets.view"):
        return Ticket.objects.none()
    tickets = Ticket.objects.filter(partner_id=actor.partner_id)
    if actor.is_system:
        return tickets
    if actor.is_staff:
        if actor.limited_customer_ids is not None:
            tickets = tickets.filter(customer_id__in=actor.limited_customer_ids)
        return tickets
    if actor.customer_id is None:
        return Ticket.objects.none()
    if actor.has("tickets.view_organisation"):
        return tickets.filter(customer_id=actor.customer_id)
    if actor.contact_id is None:
        return Ticket.objects.none()
    return tickets.filter(customer_id=actor.customer_id, requester_id=actor.contact_id)


def sees_internal(actor: Actor) -> bool:
    return actor.is_system or (actor.is_staff and actor.has("tickets.view_internal"))


def ticket_list(actor: Actor) -> QuerySet[Ticket]:
    """Visible tickets with what a list row shows, in two queries however long the page."""
    return (
        visible_tickets(actor)
        .select_related("customer", "requester", "assignee__user", "service")
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.only("id", "name")))
    )


class QueueSort(models.TextChoices):
    """How a queue or ticket list is ordered; each order is read from an index (Ticket.Meta)."""

    ACTIVITY = "activity", _("Last activity")
    NEWEST = "newest", _("Newest created")
    OLDEST = "oldest", _("Oldest created")
    SEVERITY = "severity", _("Severity")
    DUE = "due", _("Next due")


# Ticket numbers grow with creation, and (partner, number) is unique: ordering by number is
# ordering by creation, served by the unique index for whole lists and `q_open_number` for
# open ones. Severity sorts open tickets first, so one index (`q_open_severity`) serves a
# list restricted to open tickets and one that is not.
SORT_ORDERS: dict[str, list[str]] = {
    QueueSort.ACTIVITY: QUEUE_ORDER,
    QueueSort.NEWEST: ["-number"],
    QueueSort.OLDEST: ["number"],
    QueueSort.SEVERITY: ["-is_open", "severity", "-last_activity_at", "-id"],
    # Open tickets first, the earliest due first; a ticket with no running clock has NO_DUE
    # (year 9000), so it sorts last without a NULLS LAST the engines would disagree on.
    QueueSort.DUE: ["-is_open", "sla_due_at", "id"],
}


@dataclass(frozen=True)
class TicketFilter:
    """Conditions on a ticket list; every condition set must hold (a queue's own filter and a
    person's narrowing are two filters applied one after the other)."""

    status: str | None = None
    severity: str | None = None
    category: str | None = None
    customer_id: uuid.UUID | None = None
    assignee_id: uuid.UUID | None = None
    unassigned: bool = False
    is_open: bool | None = None
    tag: str | None = None
    sla_state: str | None = None
    due_by: datetime | None = None  # next due at or before (the "breaching soon" queue)


def check_filter(where: TicketFilter) -> None:
    """Refuse values no ticket can have (422 naming the field), instead of an empty list."""
    for name, value, choices in (
        ("status", where.status, Status),
        ("severity", where.severity, Severity),
        ("category", where.category, Category),
        ("sla_state", where.sla_state, SlaState),
    ):
        if value is not None and value not in choices.values:
            raise invalid(
                name, _("Choose one of: %(values)s.") % {"values": ", ".join(choices.values)}
            )
    if where.tag is not None and len(where.tag) > 50:
        raise invalid("tag", _("Tags have at most 50 characters."), "too_long")


def _narrowed(tickets: QuerySet[Ticket], where: TicketFilter) -> QuerySet[Ticket]:
    if where.status:
        tickets = tickets.filter(status=where.status)
        if where.is_open is None and where.status in OPEN_STATUSES:
            # Implied by the status; stated, it lets the open-ticket indexes serve the list.
            tickets = tickets.filter(is_open__in=[True])
    if where.is_open is not None:
        # `IN (value)`, not `is_open = value`: Django writes the latter as a bare `is_open` on
        # SQLite, which cannot use it as the index's equality column (then it sorts the rows).
        tickets = tickets.filter(is_open__in=[where.is_open])
    if where.severity:
        tickets = tickets.filter(severity=where.severity)
    if where.category:
        tickets = tickets.filter(category=where.category)
    if where.customer_id:
        tickets = tickets.filter(customer_id=where.customer_id)
    if where.unassigned:
        tickets = tickets.filter(assignee__isnull=True)
    elif where.assignee_id:
        tickets = tickets.filter(assignee_id=where.assignee_id)
    if where.tag:
        tickets = tickets.filter(tags__name=where.tag.strip().lower())
    if where.sla_state:
        tickets = tickets.filter(sla_state=where.sla_state)
    if where.due_by is not None:
        tickets = tickets.filter(sla_due_at__lte=where.due_by)
    return tickets


def filtered_tickets(
    actor: Actor, *, where: TicketFilter, also: TicketFilter | None = None
) -> QuerySet[Ticket]:
    """Visible tickets meeting `where` and, if given, `also` (a person's narrowing)."""
    tickets = _narrowed(ticket_list(actor), where)
    return _narrowed(tickets, also) if also is not None else tickets


def ticket_page(
    actor: Actor,
    *,
    where: TicketFilter,
    also: TicketFilter | None = None,
    sort: str = QueueSort.ACTIVITY,
    cursor: str | None,
    limit: int | None,
) -> Page[Ticket]:
    """One page of a ticket list in the chosen order (keyset-paginated: flat at any depth)."""
    order = SORT_ORDERS.get(sort, QUEUE_ORDER)
    page = paginate(
        filtered_tickets(actor, where=where, also=also), order=order, cursor=cursor, limit=limit
    )
    if page.items:
        # One read for the ticket prefix, not a join: joining the workspace row keeps SQLite
        # from reading the page in index order.
        workspace = current_workspace(actor)
        for ticket in page.items:
            ticket.partner = workspace
    return page


def ticket_by_number(actor: Actor, *, number: int) -> Ticket | None:
    """The visible ticket with this number, if any (the unique (partner, number) index)."""
    return visible_tickets(actor).filter(number=number).only("id").first()


def assignable_staff(actor: Actor) -> list[Membership]:
    """Active staff of the actor's workspace who may work tickets, by name (at most 200)."""
    if not actor.is_staff:
        return []
    roles = [role for role in STAFF_ROLES if "tickets.reply" in permissions_for(role)]
    return list(
        Membership.objects.filter(
            partner_id=actor.workspace_id, role__in=[str(r) for r in roles], is_active=True
        )
        .select_related("user")
        .order_by("user__full_name", "id")[:200]
    )


def workspace_tags(actor: Actor) -> list[str]:
    """Tag names of the workspace, for suggestions (at most 200, by name)."""
    if not actor.is_staff:
        return []
    return list(
        Tag.objects.filter(partner_id=actor.workspace_id)
        .order_by("name")
        .values_list("name", flat=True)[:200]
    )


def hit_snippets(
    actor: Actor, *, tickets: list[Ticket], terms: Sequence[str]
) -> dict[uuid.UUID, Snippet]:
    """For search results: where each ticket's text (its description and thread, internal
    notes only for those who see them) holds one of `terms`. Two queries for the page."""
    from django.db.models.functions import Left

    from .models import TicketSearchDocument, TicketTag
    from .snippets import body_lines, snippet_in

    if not tickets or not terms:
        return {}
    ids = [t.pk for t in tickets]
    internal = sees_internal(actor)
    documents = TicketSearchDocument.objects.filter(
        partner_id=actor.workspace_id, ticket_id__in=ids
    ).values_list(
        "ticket_id",
        Left("public_text", SNIPPET_TEXT),
        Left("internal_text", SNIPPET_TEXT) if internal else models.Value(""),
        "ticket__requester__name",
        "ticket__requester__email",
    )
    tags: dict[uuid.UUID, list[str]] = {}
    for ticket_id, name in (
        # By ticket only: these are the page's tickets, already visible to the actor. With the
        # workspace stated too, SQLite (which keeps no statistics) read every tag row of the
        # workspace through its partner index: 46 ms at 100k tickets, growing with the desk.
        TicketTag.objects.filter(ticket_id__in=ids)
        .order_by("ticket_id", "tag__name")
        .values_list("ticket_id", "tag__name")
    ):
        tags.setdefault(ticket_id, []).append(name)
    by_id = {t.pk: t for t in tickets}
    found: dict[uuid.UUID, Snippet] = {}
    for ticket_id, public, internal_text, requester, email in documents:
        ticket = by_id[ticket_id]
        header = [
            str(ticket.number),
            f"{ticket.partner.ticket_prefix}-{ticket.number}",
            ticket.subject,
            ticket.customer.name,
            requester or "",
            email or "",
            re.sub(r"[@.]", " ", email) if email else "",
            " ".join(tags.get(ticket_id, [])),
        ]
        lines = body_lines(public, header) + (internal_text.split("\n") if internal_text else [])
        snippet = snippet_in(lines, terms)
        if snippet is not None:
            found[ticket_id] = snippet
    return found


# --- queues -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Queue:
    name: str
    label: str
    where: TicketFilter
    sort: str = QueueSort.ACTIVITY  # when the person chooses none


def breaching_filter(*, now: datetime | None = None) -> TicketFilter:
    """Open tickets due within BREACHING_WITHIN of `now`, or already past due (one range of
    the q_open_due index; NO_DUE lies far beyond it)."""
    return TicketFilter(is_open=True, due_by=(now or clock.now()) + BREACHING_WITHIN)


def queues_for(actor: Actor) -> list[Queue]:
    """The named queues an actor works from; each maps to one index (see Ticket.Meta)."""
    from django.utils.translation import gettext as _

    if not actor.is_staff:
        return [Queue("open", _("Open tickets"), TicketFilter(is_open=True))]
    return [
        Queue("unassigned", _("Unassigned"), TicketFilter(is_open=True, unassigned=True)),
        Queue("mine", _("Mine"), TicketFilter(is_open=True, assignee_id=actor.membership_id)),
        Queue("open", _("All open"), TicketFilter(is_open=True)),
        Queue("breaching", _("Breaching soon"), breaching_filter(), sort=QueueSort.DUE),
        Queue("pending_vendor", _("Pending vendor"), TicketFilter(status=Status.PENDING_VENDOR)),
    ]


def queue_named(actor: Actor, name: str, *, customer_id: uuid.UUID | None = None) -> Queue | None:
    if name == "customer" and customer_id is not None:
        return Queue("customer", "", TicketFilter(customer_id=customer_id))
    return next((q for q in queues_for(actor) if q.name == name), None)


def capped_count(rows: QuerySet[Any], cap: int = COUNT_CAP) -> str:
    """How many, up to `cap`; more shows as "99+" (never a COUNT over the whole table)."""
    found = rows.order_by()[: cap + 1].count()
    return f"{cap}+" if found > cap else str(found)


def queue_counts(actor: Actor) -> list[tuple[Queue, str]]:
    return [
        (queue, capped_count(filtered_tickets(actor, where=queue.where)))
        for queue in queues_for(actor)
    ]


# --- one ticket's contents -------------------------------------------------------------------


def messages_of(actor: Actor, ticket: Ticket) -> QuerySet[Message]:
    """The thread as the actor may see it: customer people never get internal notes."""
    messages = Message.objects.filter(ticket=ticket, partner_id=ticket.partner_id)
    if not sees_internal(actor):
        messages = messages.filter(internal=False)
    return messages.select_related("author__user", "author_contact").prefetch_related(
        Prefetch("attachments", queryset=Attachment.objects.order_by("created_at"))
    )


def message_page(
    actor: Actor, ticket: Ticket, *, cursor: str | None, limit: int | None
) -> Page[Message]:
    return paginate(
        messages_of(actor, ticket), order=["created_at", "id"], cursor=cursor, limit=limit
    )


def attachments_of(actor: Actor, ticket: Ticket) -> QuerySet[Attachment]:
    attachments = Attachment.objects.filter(ticket=ticket, partner_id=ticket.partner_id)
    if not sees_internal(actor):
        attachments = attachments.filter(internal=False)
    return attachments.order_by("created_at", "id")


def history_of(actor: Actor, ticket: Ticket) -> QuerySet[TicketEvent]:
    events = TicketEvent.objects.filter(ticket=ticket, partner_id=ticket.partner_id)
    if not sees_internal(actor):
        events = events.filter(internal=False)
    if actor.is_customer:
        events = events.exclude(kind__in=STAFF_ONLY_EVENTS)
    return events.select_related("actor__user").order_by("at", "id")


def history_page(
    actor: Actor, ticket: Ticket, *, cursor: str | None, limit: int | None
) -> Page[TicketEvent]:
    return paginate(history_of(actor, ticket), order=["at", "id"], cursor=cursor, limit=limit)


def tag_names(ticket: Ticket) -> list[str]:
    return sorted(ticket.tags.values_list("name", flat=True))


def watcher_ids(ticket: Ticket) -> list[uuid.UUID]:
    return list(ticket.watchers.values_list("id", flat=True))


# --- the customer portal ----------------------------------------------------------------------


def portal_ticket_page(
    actor: Actor, *, is_open: bool, mine_only: bool, cursor: str | None, limit: int | None
) -> Page[Ticket]:
    """A customer person's requests, newest activity first: a contact's own, a manager's
    organisation's (or only the ones they requested, `mine_only`). One query per page."""
    # `IN (value)` so SQLite uses is_open as an index column (see _narrowed).
    tickets = visible_tickets(actor).filter(is_open__in=[is_open])
    if mine_only:
        if actor.contact_id is None:
            tickets = tickets.none()
        else:
            tickets = tickets.filter(requester_id=actor.contact_id)
    tickets = tickets.select_related("requester", "assignee__user")
    return paginate(tickets, order=QUEUE_ORDER, cursor=cursor, limit=limit)


def ticket_files_of(actor: Actor, ticket: Ticket) -> QuerySet[Attachment]:
    """Files added to the ticket itself (when it was filed), not to one of its messages."""
    return attachments_of(actor, ticket).filter(message__isnull=True)


def public_status_history(actor: Actor, ticket: Ticket) -> QuerySet[TicketEvent]:
    """Status changes and reopenings the actor may see, oldest first."""
    from .enums import EventKind

    return history_of(actor, ticket).filter(kind__in=[EventKind.STATUS, EventKind.REOPENED])


# --- the console's ticket page and canned replies (views.py, views_ticket_*.py, canned_api.py)


def assignable_staff_for(actor: Actor, ticket: Ticket) -> list[Membership]:
    """Who may be given this ticket: active staff who work tickets and, when limited to some
    customers, support this one (change_ticket enforces the same), by name."""
    if not actor.is_staff:
        return []
    roles = [str(role) for role in STAFF_ROLES if "tickets.reply" in permissions_for(role)]
    return list(
        Membership.objects.filter(
            partner_id=actor.workspace_id, customer__isnull=True, role__in=roles, is_active=True
        )
        .filter(
            models.Q(is_customer_limited=False) | models.Q(limited_customers__pk=ticket.customer_id)
        )
        .distinct()
        .select_related("user")
        .order_by("user__full_name", "id")[:200]
    )


def staff_names(actor: Actor) -> dict[str, str]:
    """Names of the workspace's staff by membership id, for the history ("assigned to …")."""
    if not actor.is_staff:
        return {}
    return {
        str(pk): name or email
        for pk, name, email in Membership.objects.filter(
            partner_id=actor.workspace_id, customer__isnull=True
        ).values_list("id", "user__full_name", "user__email")[:1000]
    }


def watchers_of(actor: Actor, ticket: Ticket) -> list[Membership]:
    """Who watches the ticket, by name; staff only (customers never learn who watches)."""
    if not actor.is_staff:
        return []
    return list(
        Membership.objects.filter(
            partner_id=ticket.partner_id,
            pk__in=TicketWatcher.objects.filter(ticket=ticket).values("membership_id"),
        )
        .select_related("user")
        .order_by("user__full_name", "id")
    )


def canned_replies_for(actor: Actor) -> QuerySet[CannedReply]:
    """The team's canned replies and the actor's own, by title; for staff who reply. Another
    person's own canned replies are never among them."""
    if not (actor.is_staff and actor.has("tickets.reply")) or actor.membership_id is None:
        return CannedReply.objects.none()
    return CannedReply.objects.filter(partner_id=actor.workspace_id).filter(
        models.Q(owner__isnull=True) | models.Q(owner_id=actor.membership_id)
    )


def canned_reply_page(actor: Actor, *, cursor: str | None, limit: int | None) -> Page[CannedReply]:
    return paginate(canned_replies_for(actor), order=["title", "id"], cursor=cursor, limit=limit)


# --- console notices (selectors_notices.py builds on this) -------------------------------------


def own_notices(actor: Actor) -> QuerySet[AgentNotice]:
    """The actor's own console notices: a staff member's, never another person's."""
    if not actor.is_staff or actor.membership_id is None or actor.partner_id is None:
        return AgentNotice.objects.none()
    return AgentNotice.objects.filter(
        partner_id=actor.partner_id, membership_id=actor.membership_id
    )
