"""Run a background worker: outbox delivery, tasks, and the scheduler when it leads."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from partnerdesk.core.worker import Worker


class Command(BaseCommand):
    help = "Run a Partnerdesk worker. Start as many as the load needs; one leads the scheduler."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--interval", type=float, default=1.0, help="Idle poll interval (s).")
        parser.add_argument("--worker-id", default=None)
        parser.add_argument(
            "--no-scheduler", action="store_true", help="Never take the scheduler lease."
        )

    def handle(
        self, *args: Any, interval: float, worker_id: str | None, no_scheduler: bool, **options: Any
    ) -> None:
        Worker(worker_id=worker_id, interval=interval, schedule=not no_scheduler).run()
