"""The `partnerdesk` console script: Django's management commands under one name.

partnerdesk run                 web server, worker and scheduler together (make run)
partnerdesk serve               gunicorn on PARTNERDESK_BIND (default 127.0.0.1:8000)
partnerdesk worker              background worker; the scheduler leader is chosen among them
partnerdesk audit verify        check every workspace's audit chain
partnerdesk token create        make an API token for a person
partnerdesk workspace create    set up a workspace and its first global admin
partnerdesk demo                load the demo workspace once
partnerdesk mail ingest         take one message from a mail server's pipe (stdin)
partnerdesk sandbox-vendor      the sandbox vendor server (Partner Center, Graph, sign-in)
partnerdesk migrate, check, …   any other Django management command
"""

from __future__ import annotations

import os
import sys

EX_TEMPFAIL = 75


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnerdesk.config.settings")
    args = sys.argv[1:]
    if args[:1] == ["sandbox-vendor"]:
        args = ["sandbox_vendor", *args[1:]]
    if args[:2] == ["mail", "ingest"]:
        # A mail server's pipe: whatever fails before the command runs (settings, imports) is
        # a temporary failure too, so the server keeps the message and tries again.
        try:
            import django

            django.setup()
        except Exception as error:
            print(f"partnerdesk mail ingest: not ready: {error}", file=sys.stderr)
            raise SystemExit(EX_TEMPFAIL) from None
    from django.core.management import execute_from_command_line

    execute_from_command_line(["partnerdesk", *args])


if __name__ == "__main__":
    main()
