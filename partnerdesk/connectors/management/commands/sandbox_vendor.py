"""`partnerdesk sandbox-vendor`: the sandbox vendor server (Partner Center, Graph, Entra)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from partnerdesk.connectors.sandbox import server


class Command(BaseCommand):
    help = "Serve the sandbox vendor (Partner Center, Microsoft Graph and sign-in) for demos."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: ArgumentParser) -> None:
        server.add_arguments(parser)

    def handle(
        self, *args: Any, bind: str, scenario: str, clock_scale: float, state: str | None, **o: Any
    ) -> None:
        server.run(bind, scenario, clock_scale, state)
