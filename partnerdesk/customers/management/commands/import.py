"""`partnerdesk import customers|subscriptions FILE --workspace SLUG [--as EMAIL]`: a CSV import
run synchronously, with the same code as the console's. Prints a progress bar to a terminal and
the per-row report; exits with 1 when any row failed."""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import DomainError
from partnerdesk.customers.models import ImportJob
from partnerdesk.customers.subscriptions import actions
from partnerdesk.customers.subscriptions.actions.imports import cli_actor

BAR = 30


class Command(BaseCommand):
    help = "Import customers or subscriptions from a CSV file (UTF-8, ; or , separated)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("kind", choices=["customers", "subscriptions"])
        parser.add_argument("file", type=Path)
        parser.add_argument("--workspace", required=True, help="The workspace's slug.")
        parser.add_argument(
            "--as",
            dest="email",
            default="",
            help="Import as this staff member (needs customers.manage); default: the system.",
        )

    def handle(
        self, *args: Any, kind: str, file: Path, workspace: str, email: str, **options: Any
    ) -> None:
        try:
            raw = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from error
        try:
            actor: Actor = cli_actor(workspace_slug=workspace, email=email)
            job = actions.start_import(
                actor, kind=kind, file_name=file.name, raw=raw, enqueue=False
            )
        except DomainError as error:
            detail = "; ".join(f"{e.field}: {e.message}" for e in error.errors)
            raise CommandError(detail or str(error.message)) from error
        tty = self.stdout.isatty()
        job = actions.run_import(job, progress=self._bar if tty else None)
        if tty:
            self.stdout.write("")
        self._report(job)
        if job.failed_count or job.status != "done":
            sys.exit(1)

    def _bar(self, job: ImportJob) -> None:
        done = BAR * job.percent // 100
        self.stdout.write(
            f"\r[{'#' * done}{'.' * (BAR - done)}] {job.processed_rows}/{job.total_rows}",
            ending="",
        )
        self.stdout.flush()

    def _report(self, job: ImportJob) -> None:
        for entry in job.report:
            self.stdout.write(f"line {entry['line']}: {entry['outcome']}: {entry['message']}")
        if job.error:
            self.stdout.write(f"failed: {job.error}")
        self.stdout.write(
            f"{job.created_count} created, {job.updated_count} updated, "
            f"{job.failed_count} failed of {job.total_rows} rows"
        )
