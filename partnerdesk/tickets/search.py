"""The full-text index of tickets (filled in by the search work; called by every write)."""

from __future__ import annotations

import uuid


def reindex_ticket(ticket_id: uuid.UUID) -> None:
    """Bring the ticket's search document up to date, in the caller's transaction."""
