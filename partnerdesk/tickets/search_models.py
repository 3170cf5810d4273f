"""The search document of a ticket: the text the full-text index is built over.

One row per ticket, rewritten by `search.reindex_ticket` inside every ticket write action. The
engine's own index over it is created by migration 0002_ticket_search and is invisible to
Django's models:

- SQLite: the FTS5 table `tickets_search_fts` (external content on this table, rowid = `id`,
  tokenizer `unicode61 remove_diacritics 2`), kept in step by triggers on this table.
- PostgreSQL: the generated columns `public_tsv` (public text, searched by customer people) and
  `all_tsv` (public and internal text, searched by staff), both
  `to_tsvector('simple', partnerdesk_unaccent(…))`, each with a GIN index.

`customer`, `requester` and `last_activity_at` copy the ticket's, so a search can filter and
order inside this one table (see the indexes) and stop after a page.
"""

from __future__ import annotations

from django.db import models

from partnerdesk.core.models import PartnerOwned


class TicketSearchDocument(PartnerOwned):
    """What a search can find of one ticket. Its integer id is the FTS5 rowid on SQLite."""

    id = models.BigAutoField(primary_key=True)
    ticket = models.OneToOneField(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="search_document"
    )
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    requester = models.ForeignKey(
        "customers.Contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The reference, subject, description, public messages, customer, requester and tags.
    public_text = models.TextField(blank=True)
    # Internal notes: only partner staff who see internal notes search them.
    internal_text = models.TextField(blank=True)
    last_activity_at = models.DateTimeField()

    class Meta:
        indexes = [
            # Results come newest activity first; these let a search for a common word read
            # the newest documents in order and stop after a page.
            models.Index(fields=["partner", "-last_activity_at", "-ticket"], name="search_recent"),
            models.Index(
                fields=["customer", "-last_activity_at", "-ticket"],
                name="search_customer_recent",
            ),
        ]

    def __str__(self) -> str:
        return f"search document of {self.ticket_id}"
