"""A writer process for tests/core/test_sqlite_immediate.py.

python -m tests.support.sqlite_writer NAME COUNT GO_FILE [--transaction-mode DEFERRED]

Waits until GO_FILE exists (so all writers start together), then runs COUNT transactions that
read, pause, then write: each counts the marker rows and inserts the next one, named by the
count. Serialised writers produce marker-0000, marker-0001, ... with no gaps and no clash.
Prints one JSON line: {"committed": n, "locked": n, "errors": [...]}. The settings' mode is
IMMEDIATE; `--transaction-mode` overrides it, to show what the test would catch without it.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("name")
    parser.add_argument("count", type=int)
    parser.add_argument("go_file", type=Path)
    parser.add_argument("--transaction-mode", default=None)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnerdesk.config.settings")
    import django

    django.setup()
    from django.db import OperationalError, connection, transaction

    from partnerdesk.core import clock
    from partnerdesk.core.models import PeriodicJobState

    if args.transaction_mode:
        connection.settings_dict["OPTIONS"]["transaction_mode"] = args.transaction_mode
    connection.ensure_connection()

    deadline = time.monotonic() + 60
    while not args.go_file.exists() and time.monotonic() < deadline:
        time.sleep(0.005)

    committed, locked, errors = 0, 0, []
    markers = PeriodicJobState.objects.filter(name__startswith="marker-")
    for _ in range(args.count):
        try:
            with transaction.atomic():
                seen = markers.count()  # the read ...
                time.sleep(0.002)  # ... other writers get every chance to interleave ...
                PeriodicJobState.objects.create(  # ... then the write that depends on it
                    name=f"marker-{seen:04d}",
                    next_run_at=clock.now(),
                    last_enqueued_by=args.name,
                )
            committed += 1
        except OperationalError as exc:
            if "locked" not in str(exc):
                raise
            locked += 1
        except Exception as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
    print(json.dumps({"committed": committed, "locked": locked, "errors": errors}))


if __name__ == "__main__":
    main()
