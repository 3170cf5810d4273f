"""The `partnerdesk` console script: Django's management commands under one name.

partnerdesk run                 web server, worker and scheduler together (make run)
partnerdesk serve               gunicorn on PARTNERDESK_BIND (default 127.0.0.1:8000)
partnerdesk worker              background worker; the scheduler leader is chosen among them
partnerdesk audit verify        check every workspace's audit chain
partnerdesk token create        make an API token for a person
partnerdesk workspace create    set up a workspace and its first global admin
partnerdesk demo                load the demo workspace once
partnerdesk migrate, check, …   any other Django management command
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnerdesk.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["partnerdesk", *sys.argv[1:]])


if __name__ == "__main__":
    main()
