"""A mail server's delivery agent, for the fault test: takes messages from a spool directory and
hands each to intake, deleting the spool file only once intake has stored it, as a mail server
does with a pipe that answered 0. Killed with SIGKILL at any moment, it loses nothing: on start
it puts back what it had taken, and a message stored twice is stored once.

    python -m tests.mail.fault_feeder <spool> <name> <workspace id>

Runs until the spool is empty and no message is left RECEIVED (it runs the scheduled retry
itself, with the minute shortened to two seconds).
"""

from __future__ import annotations

import os
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path


def main() -> int:
    spool, name, workspace = Path(sys.argv[1]), sys.argv[2], uuid.UUID(sys.argv[3])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnerdesk.config.settings")
    import django

    django.setup()
    from django.db import DatabaseError, close_old_connections, connection

    from partnerdesk.mail.actions import intake

    intake.RETRY_AFTER = timedelta(seconds=2)
    taken = spool.parent / f"taken-{name}"
    taken.mkdir(exist_ok=True)
    for left in taken.iterdir():  # what this feeder held when it was killed goes back
        left.rename(spool / left.name)
    delivered = 0
    while True:
        claimed = _claim(spool, taken)
        try:
            if claimed is None:
                intake.process_left_behind()
                if not any(spool.iterdir()) and not _received_left():
                    print(f"{name}: done, {delivered} delivered", flush=True)
                    return 0
                time.sleep(0.3)
                continue
            intake.receive(workspace_id=workspace, raw=claimed.read_bytes(), source="pipe")
            claimed.unlink()
            delivered += 1
        except DatabaseError as error:  # the database went away: keep the message, try again
            print(f"{name}: temporary failure: {error}".splitlines()[0], flush=True)
            if claimed is not None and claimed.exists():
                claimed.rename(spool / claimed.name)
            connection.close()
            time.sleep(0.5)
        finally:
            close_old_connections()


def _claim(spool: Path, taken: Path) -> Path | None:
    for candidate in sorted(spool.iterdir()):
        target = taken / candidate.name
        try:
            candidate.rename(target)  # atomic: two feeders never take the same file
        except FileNotFoundError:
            continue
        return target
    return None


def _received_left() -> bool:
    from partnerdesk.mail.models import InboundMessage

    return InboundMessage.objects.filter(state="received").exists()


if __name__ == "__main__":
    sys.exit(main())
