"""What the runner measures: a side is Partnerdesk, the peer, or the bare-insert floor.

`bench/run.py` drives every side the same way, size by size:
`prepare(engine, size)` (a fresh working copy of the cached dataset), `start()` (its servers),
`scenarios()` (measured one after the other), then `stop()` (the processes' peak memory).
"""

from __future__ import annotations

from typing import Protocol

from load import Scenario


class Side(Protocol):
    name: str  # "partnerdesk", "django-helpdesk", "floor"

    def prepare(self, engine: str, size: str) -> dict[str, object]:
        """Build the dataset if the cache lacks it, then make a fresh working copy; returns
        facts for the report (tickets, build seconds, database size in MB)."""
        ...

    def start(self) -> str:
        """Start the servers on free ports; returns the web server's base URL."""
        ...

    def scenarios(self) -> list[Scenario]:
        """The scenarios, in the order they run (reads first, writes last)."""
        ...

    def stop(self) -> dict[str, float]:
        """Stop the servers; the peak resident memory per role in MB ("web", "worker")."""
        ...
