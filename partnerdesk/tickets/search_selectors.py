"""Searching tickets: the full-text index, filtered by the one visibility rule of tickets.

Every search starts from `visible_tickets(actor)`; the index only narrows it. Internal notes
are searched only for actors who see them (`sees_internal`), so a customer person never finds
a ticket, nor counts one, by a word that appears only in an internal note.
"""

from __future__ import annotations

import uuid

from django.db import connection
from django.db.models import F, Q, QuerySet

from partnerdesk.core.actor import Actor
from partnerdesk.core.pagination import Page, clamp_limit, decode_cursor, paginate
from partnerdesk.partners.selectors import current_workspace

from . import search
from .models import Ticket, TicketSearchDocument
from .selectors import capped_count, sees_internal, visible_tickets

SEARCH_ORDER = ["-search_activity_at", "-search_ticket_id"]
# PostgreSQL has no statistics for a prefix query ("word:*", how the last word is searched) and
# guesses a fixed share of the documents. For a word it guessed common but that was rare (or
# absent) it read the newest documents in order and checked each: a search with no hit read all
# of a 1,000,000-ticket workspace (5 s). So at most FEW_MATCHES matches are first read through
# the GIN index, and when that is all of them the page is cut from them (see `_few_matches`).
FEW_MATCHES = 2_000


def _whole_workspace(actor: Actor) -> uuid.UUID | None:
    """The workspace, for an actor who sees all of it (None for everyone limited)."""
    if actor.is_system or (actor.is_staff and actor.limited_customer_ids is None):
        return actor.partner_id
    return None


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
    workspace_id = _whole_workspace(actor)
    if workspace_id is not None:
        # The document copies the ticket's workspace: stated on the document too, the engine
        # can read the newest matching documents in order and stop after a page.
        tickets = tickets.filter(search_document__partner_id=workspace_id).annotate(
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
    parsed = search.parse_query(query)
    tickets = matching_tickets(actor, parsed)
    workspace_id = _whole_workspace(actor)
    if connection.vendor == "postgresql" and workspace_id is not None:
        page_ids = _few_matches(actor, workspace_id, parsed, cursor=cursor, limit=limit)
        if page_ids is not None:
            tickets = tickets.filter(id__in=page_ids)
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


def _few_matches(
    actor: Actor,
    workspace_id: uuid.UUID,
    query: search.SearchQuery,
    *,
    cursor: str | None,
    limit: int | None,
) -> list[uuid.UUID] | None:
    """The ids of the page's tickets (and the one after), newest activity first, when the
    workspace has at most FEW_MATCHES matches after the cursor; None when it has more (then
    reading the newest documents in order finds a page soon). No ORDER BY here, so PostgreSQL
    reads the matches through the GIN index whatever it guesses their number to be."""
    documents = TicketSearchDocument.objects.filter(partner_id=workspace_id).filter(
        search.DocumentMatches(query, internal=sees_internal(actor), document=F("id"))
    )
    if cursor:
        last_activity_at, last_id = decode_cursor(cursor, size=len(SEARCH_ORDER))
        documents = documents.filter(
            Q(last_activity_at__lt=last_activity_at)
            | Q(last_activity_at=last_activity_at, ticket_id__lt=last_id)
        )
    found = list(
        documents.order_by().values_list("last_activity_at", "ticket_id")[: FEW_MATCHES + 1]
    )
    if len(found) > FEW_MATCHES:
        return None
    found.sort(reverse=True)  # SEARCH_ORDER; PostgreSQL compares uuids as Python does
    return [ticket_id for _at, ticket_id in found[: clamp_limit(limit) + 1]]


def search_count(actor: Actor, *, query: str | None) -> str:
    """How many tickets match, up to 99 ("99+" beyond): never a count over the whole index."""
    return capped_count(matching_tickets(actor, search.parse_query(query)))
