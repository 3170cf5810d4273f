"""`partnerdesk audit verify`: walk every workspace's audit chain."""

from __future__ import annotations

import uuid
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from partnerdesk.core import audit


class Command(BaseCommand):
    help = "Audit log tools. 'verify' reports the first broken link of each workspace's chain."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["verify"])
        parser.add_argument(
            "--workspace", type=uuid.UUID, default=None, help="Only this workspace id."
        )

    def handle(self, *args: Any, action: str, workspace: uuid.UUID | None, **options: Any) -> None:
        workspaces = [workspace] if workspace else audit.chained_workspaces()
        broken = 0
        for partner_id in workspaces:
            link = audit.verify_chain(partner_id)
            if link is None:
                self.stdout.write(f"ok      workspace {partner_id}")
            else:
                broken += 1
                self.stdout.write(
                    f"BROKEN  workspace {partner_id}: first broken link at entry #{link.seq}: "
                    f"{link.reason}"
                )
        if broken:
            raise CommandError(f"{broken} of {len(workspaces)} audit chains are broken")
        self.stdout.write(f"All {len(workspaces)} audit chains are intact.")
