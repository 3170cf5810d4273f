"""Searching tickets: the full-text index, filtered by the one visibility rule of tickets.

Every search starts from `visible_tickets(actor)`; the index only narrows it. Internal notes
are searched only for actors who see them (`sees_internal`), so a customer person never finds
a ticket, nor counts one, by a word that appears only in an internal note.
"""

from __future__ import annotations

from django.db.models import F, Q, QuerySet

from partnerdesk.core.actor import Actor
from partnerdesk.core.pagination import Page, decode_cursor, paginate
from partnerdesk.partners.selectors import current_workspace

from . import search
from .models import Ticket
from .selectors import capped_count, sees_internal, visible_tickets

SEARCH_ORDER = ["-search_activity_at", "-search_ticket_id"]


def matching_tickets(actor: Actor, query: search.SearchQuery) -> QuerySet[Ticket]:
    """Visible tickets whose search document matches, with what a result row shows.

    Rows are ordered by (`search_activity_at`, `search_ticket_id`): the ticket's last activity
    and id, read where an index serves them in order: from the document (index
    `search_recent`) for staff who see the whole workspace, from the ticket (`q_customer`,
    `q_requester`) for everyone limited to customers. The document copies the ticket's values,
    so both orders are the same.
    """
    tickets = visible_tickets(actor)
    internal = sees_internal(actor)
    whole_workspace = actor.is_system or (actor.is_staff and actor.limited_customer_ids is None)
    if whole_workspace and actor.partner_id is not None:
        # The document copies the ticket's workspace: stated on the document too, the engine
        # can read the newest matching documents in order and stop after a page.
        tickets = tickets.filter(search_document__partner_id=actor.partner_id).annotate(
            search_activity_at=F("search_document__last_activity_at"),
            search_ticket_id=F("search_document__ticket_id"),
        )
    else:
        tickets = tickets.annotate(
            search_activity_at=F("last_activity_at"), search_ticket_id=F("id")
        )
    in_order = search.matches_many(query, internal=internal)
    return tickets.filter(
        search.DocumentMatches(query, internal=internal, in_order=in_order)
    ).select_related("customer")


def search_tickets(
    actor: Actor, *, query: str | None, cursor: str | None, limit: int | None
) -> Page[Ticket]:
    """Tickets matching `query`, newest activity first, one page. An empty query is a 422.
    Each ticket comes with its customer and workspace loaded (`ticket.partner.ticket_prefix`)."""
    tickets = matching_tickets(actor, search.parse_query(query))
    if cursor:
        # Redundant with the cursor's condition, but one an index can start from: a later page
        # then costs what the first one does.
        last_activity_at, _last_id = decode_cursor(cursor, size=len(SEARCH_ORDER))
        tickets = tickets.filter(Q(search_activity_at__lte=last_activity_at))
    page = paginate(tickets, order=SEARCH_ORDER, cursor=cursor, limit=limit)
    if page.items:
        # Every hit is of the actor's workspace; one read for the ticket prefix, not a join
        # (joining the workspace row would keep SQLite from reading the page in index order).
        workspace = current_workspace(actor)
        for ticket in page.items:
            ticket.partner = workspace
    return page


def search_count(actor: Actor, *, query: str | None) -> str:
    """How many tickets match, up to 99 ("99+" beyond): never a count over the whole index."""
    return capped_count(matching_tickets(actor, search.parse_query(query)))
