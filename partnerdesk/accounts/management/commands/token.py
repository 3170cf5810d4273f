"""`partnerdesk token create --email … --name …`: an API token for a person."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from partnerdesk.accounts import actions
from partnerdesk.accounts.access import first_active_membership
from partnerdesk.accounts.actors import actor_for_membership
from partnerdesk.accounts.models import User
from partnerdesk.core.errors import DomainError


class Command(BaseCommand):
    help = "Create an API token for a person; the secret is printed once."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["create"])
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", required=True)

    def handle(self, *args: Any, action: str, email: str, name: str, **options: Any) -> None:
        user = User.objects.filter(email__iexact=email).first()
        membership = first_active_membership(user) if user else None
        if membership is None:
            raise CommandError(f"No active person with the address {email}")
        try:
            _token, secret = actions.create_api_token(
                actor_for_membership(membership, via="cli"), name=name
            )
        except DomainError as error:
            raise CommandError(str(error.message)) from error
        self.stdout.write(secret)
