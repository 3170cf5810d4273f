from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from partnerdesk.demo.loader import LOGINS, PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the demo workspace (Nordwind IT GmbH) once and print its logins."

    def handle(self, *args: Any, **options: Any) -> None:
        created = load_demo()
        self.stdout.write("Demo workspace " + ("loaded." if created else "already present."))
        self.stdout.write(f"Demo logins (password for all: {PASSWORD}):")
        for login in LOGINS:
            self.stdout.write(f"  {login.email:42} {login.note}")
        self.stdout.write("Staff set up an authenticator app at their first sign-in.")
