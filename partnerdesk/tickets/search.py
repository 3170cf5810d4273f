"""The full-text index of tickets, and turning what a person typed into a safe engine query.

Every ticket has one `TicketSearchDocument` (see search_models.py for the engine indexes built
over it). The ticket actions call `reindex_ticket` inside their transaction after every change
to a ticket's text, tags, customer, requester or last activity, so the index never lags.

Queries never reach the engine as syntax: SQLite gets quoted FTS5 phrases built from the
words' letters and digits; PostgreSQL gets the text as a bound parameter of `plainto_tsquery`
(which has no operators), plus a prefix match on the last word built from its output.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import NotSupportedError, connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BooleanField, Expression, F
from django.db.models.expressions import Col
from django.db.models.functions import Left
from django.db.models.sql.compiler import SQLCompiler
from django.utils.translation import gettext_lazy as _

from partnerdesk.core.errors import invalid

from .models import Message, Ticket, TicketSearchDocument, TicketTag

# Each text of a document is cut here: the header (reference, subject, names, tags) and the
# description come first, then messages newest first, so a long thread loses its oldest part.
# It also keeps PostgreSQL's tsvector below its 1 MB limit.
MAX_TEXT = 100_000
MAX_QUERY = 300
FTS_TABLE = "tickets_search_fts"

# "1042", "#1042", "PD-1042": a ticket number (prefixes have at most 8 characters).
_NUMBER = re.compile(r"^\s*(?:#\s*|[^\W\d_][^\W_]{0,7}\s*-\s*)?(\d{1,18})\s*$")
# What FTS5's unicode61 tokenizer keeps as a token: runs of letters and digits.
_TERM = re.compile(r"[^\W_]+")


# --- queries ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchQuery:
    """A parsed search: the words as typed, the letter-and-digit terms, or a ticket number."""

    words: tuple[str, ...]
    terms: tuple[str, ...]
    number: int | None = None


def _printable(text: str) -> str:
    # Control characters (NUL among them) never reach a database.
    return "".join(
        " " if unicodedata.category(ch) in ("Cc", "Cs", "Cf", "Zl", "Zp") else ch for ch in text
    )


def parse_query(text: str | None) -> SearchQuery:
    """What the person typed, made safe; a query with no letter or digit is refused (422)."""
    text = _printable(text or "")
    if len(text) > MAX_QUERY:
        raise invalid("q", _("Search for at most %(n)s characters.") % {"n": MAX_QUERY}, "too_long")
    terms = tuple(_TERM.findall(text))
    if not terms:
        raise invalid("q", _("Type a word or a ticket number to search for."), "required")
    number = _NUMBER.match(text)
    return SearchQuery(
        words=tuple(text.split()),
        terms=terms,
        number=int(number.group(1)) if number else None,
    )


def fts5_query(query: SearchQuery, *, internal: bool) -> str:
    """The FTS5 MATCH expression: every term as a quoted phrase, the last one as a prefix."""
    if query.number is not None:
        phrases = [f'"{query.number}"']
    else:
        quoted = ['"' + term.replace('"', '""') + '"' for term in query.terms]
        phrases = [*quoted[:-1], quoted[-1] + "*"]
    expression = " ".join(phrases)
    return expression if internal else "{public_text} : (" + expression + ")"


def tsquery_sql(query: SearchQuery) -> tuple[str, list[Any]]:
    """The PostgreSQL tsquery, as SQL with bound parameters (never text spliced into SQL)."""
    if query.number is not None:
        return "plainto_tsquery('simple', %s)", [str(query.number)]
    last = (
        "to_tsquery('simple', COALESCE(NULLIF("
        "plainto_tsquery('simple', partnerdesk_unaccent(%s))::text, '') || ':*', ''))"
    )
    if len(query.words) == 1:
        return last, [query.words[0]]
    return (
        f"(plainto_tsquery('simple', partnerdesk_unaccent(%s)) && {last})",
        [" ".join(query.words[:-1]), query.words[-1]],
    )


class DocumentMatches(Expression):
    """True for tickets whose search document matches; internal notes only if `internal`.

    Used as `visible_tickets(actor).filter(DocumentMatches(query, internal=…))`: the search
    document is joined through `search_document`, and the engine's full-text index decides.

    `in_order` (SQLite only; PostgreSQL's planner chooses by itself): the query matches so many
    documents that reading them in activity order and checking each against the set of
    matches is cheaper than fetching and sorting every match. See `matches_many`.
    """

    conditional = True

    def __init__(
        self, query: SearchQuery, *, internal: bool, in_order: bool = False, document: Any = None
    ) -> None:
        super().__init__(output_field=BooleanField())
        self.query = query
        self.internal = internal
        self.in_order = in_order
        self.document: Any = document if document is not None else F("search_document__id")

    def get_source_expressions(self) -> list[Any]:
        return [self.document]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        (self.document,) = exprs

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, list[Any]]:
        raise NotSupportedError("Ticket search supports SQLite and PostgreSQL.")

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, list[Any]]:
        column, params = compiler.compile(self.document)
        # A unary + keeps SQLite from driving the query by the list of matches.
        driver = "+" if self.in_order else ""
        return (
            f"{driver}{column} IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)",  # noqa: S608
            [*params, fts5_query(self.query, internal=self.internal)],
        )

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, list[Any]]:
        if not isinstance(self.document, Col):
            raise NotSupportedError("DocumentMatches needs the document's id column.")
        table = compiler.quote_name_unless_alias(self.document.alias)
        vector = f"{table}.all_tsv" if self.internal else f"{table}.public_tsv"
        sql, params = tsquery_sql(self.query)
        return f"{vector} @@ {sql}", params


# SQLite has no planner statistics for FTS5: ask the index whether a query is common.
SQLITE_MANY = 2_000


def matches_many(query: SearchQuery, *, internal: bool) -> bool:
    """Whether the query matches at least SQLITE_MANY documents (of any workspace; it only
    chooses the plan). Always False on PostgreSQL, whose planner has statistics."""
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s LIMIT %s)",  # noqa: S608
            [fts5_query(query, internal=internal), SQLITE_MANY],
        )
        row = cursor.fetchone()
    return bool(row and row[0] >= SQLITE_MANY)


# --- documents --------------------------------------------------------------------------------


def _cut(parts: Iterable[str]) -> str:
    kept: list[str] = []
    size = 0
    for part in parts:
        if not part:
            continue
        if size + len(part) > MAX_TEXT:
            kept.append(part[: max(MAX_TEXT - size, 0)])
            break
        kept.append(part)
        size += len(part) + 1
    return "\n".join(kept)


def document_texts(
    *,
    number: int,
    prefix: str,
    subject: str,
    description: str,
    customer_name: str,
    requester_name: str,
    requester_email: str,
    tags: Iterable[str],
    messages: Iterable[tuple[str, bool]],
) -> tuple[str, str]:
    """The public and the internal text of a ticket. `messages` are (body, internal), newest
    first. The e-mail address is also given as words: PostgreSQL keeps an address as one token."""
    public: list[str] = []
    internal: list[str] = []
    for body, is_internal in messages:
        (internal if is_internal else public).append(body)
    email_words = re.sub(r"[@.]", " ", requester_email) if requester_email else ""
    header = [
        str(number),
        f"{prefix}-{number}",
        subject,
        customer_name,
        requester_name,
        requester_email,
        email_words,
        " ".join(tags),
    ]
    return _cut([*header, description, *public]), _cut(internal)


def reindex_ticket(ticket_id: uuid.UUID) -> None:
    """Bring the ticket's search document up to date, in the caller's transaction."""
    reindex_tickets([ticket_id])


def reindex_tickets(ticket_ids: Sequence[uuid.UUID]) -> None:
    """Rewrite the search documents of these tickets in five queries, however many.

    For actions (through `reindex_ticket`) and for loaders that write tickets in bulk: call
    it in batches of a few hundred ids, inside the loader's transaction.
    """
    if not ticket_ids:
        return
    # Lock the documents first, then read what they are built from: two actions on one ticket
    # (a reply and a tag, say) then rebuild its document one after the other, the second from
    # what the first committed, instead of the second overwriting it with a stale read.
    # (A no-op on SQLite, whose writers already take turns.)
    list(
        TicketSearchDocument.objects.select_for_update()
        .filter(ticket_id__in=ticket_ids)
        .order_by("ticket_id")
        .values_list("id", flat=True)
    )
    tickets = list(
        Ticket.objects.filter(pk__in=ticket_ids)
        .select_related("partner", "customer", "requester")
        .only(
            "id",
            "number",
            "subject",
            "description",
            "partner_id",
            "customer_id",
            "requester_id",
            "last_activity_at",
            "partner__ticket_prefix",
            "customer__name",
            "requester__name",
            "requester__email",
        )
    )
    if not tickets:
        return
    found = [t.pk for t in tickets]
    messages: dict[uuid.UUID, list[tuple[str, bool]]] = defaultdict(list)
    for ticket_id, body, internal in (
        Message.objects.filter(ticket_id__in=found)
        .order_by("ticket_id", "-created_at", "-id")
        .values_list("ticket_id", Left("body", MAX_TEXT), "internal")
    ):
        messages[ticket_id].append((body, internal))
    tags: dict[uuid.UUID, list[str]] = defaultdict(list)
    for ticket_id, name in (
        TicketTag.objects.filter(ticket_id__in=found)
        .order_by("ticket_id", "tag__name")
        .values_list("ticket_id", "tag__name")
    ):
        tags[ticket_id].append(name)
    documents = []
    for ticket in tickets:
        public_text, internal_text = document_texts(
            number=ticket.number,
            prefix=ticket.partner.ticket_prefix,
            subject=ticket.subject,
            description=ticket.description,
            customer_name=ticket.customer.name,
            requester_name=ticket.requester.name if ticket.requester else "",
            requester_email=ticket.requester.email if ticket.requester else "",
            tags=tags[ticket.pk],
            messages=messages[ticket.pk],
        )
        documents.append(
            TicketSearchDocument(
                partner_id=ticket.partner_id,
                ticket_id=ticket.pk,
                customer_id=ticket.customer_id,
                requester_id=ticket.requester_id,
                public_text=public_text,
                internal_text=internal_text,
                last_activity_at=ticket.last_activity_at,
            )
        )
    TicketSearchDocument.objects.bulk_create(
        documents,
        update_conflicts=True,
        unique_fields=["ticket"],
        update_fields=[
            "partner",
            "customer",
            "requester",
            "public_text",
            "internal_text",
            "last_activity_at",
        ],
    )
