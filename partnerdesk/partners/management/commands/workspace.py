"""`partnerdesk workspace create`: a workspace and its first global admin."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from partnerdesk.accounts import actions as accounts
from partnerdesk.accounts.permissions import Role
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import DomainError
from partnerdesk.partners import actions
from partnerdesk.partners.enums import Instance, PartnerType


class Command(BaseCommand):
    help = "Create a workspace and invite its first global admin by e-mail."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["create"])
        parser.add_argument("--name", required=True)
        parser.add_argument("--admin-email", required=True)
        parser.add_argument("--admin-name", default="")
        parser.add_argument("--instance", choices=Instance.values, default=Instance.GLOBAL)
        parser.add_argument(
            "--partner-type", choices=PartnerType.values, default=PartnerType.DIRECT_BILL
        )
        parser.add_argument("--time-zone", default="UTC")
        parser.add_argument("--language", default="en")

    def handle(self, *args: Any, **o: Any) -> None:
        try:
            workspace = actions.create_workspace(
                name=o["name"],
                instance=o["instance"],
                partner_type=o["partner_type"],
                time_zone=o["time_zone"],
                default_language=o["language"],
            )
            system = Actor.system(partner_id=workspace.pk, reason="set-up")
            accounts.invite_person(
                system,
                email=o["admin_email"],
                full_name=o["admin_name"],
                role=Role.GLOBAL_ADMIN,
                language=o["language"],
            )
        except DomainError as error:
            detail = "; ".join(f"{e.field}: {e.message}" for e in error.errors)
            raise CommandError(f"{error.message} {detail}".strip()) from error
        self.stdout.write(f"Workspace {workspace.name} ({workspace.pk}) created.")
        self.stdout.write(f"An invitation went to {o['admin_email']} (delivered by the worker).")
