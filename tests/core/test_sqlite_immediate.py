"""SQLite as the embedded database: WAL, and transactions that take the write lock at BEGIN.

Under SQLite's default DEFERRED mode, a transaction that reads and then writes fails with
"database is locked" when another writer got in between (the lock cannot be upgraded, and
the busy timeout does not help). The settings start transactions IMMEDIATE, so concurrent
read-then-write transactions queue instead. Here real processes check that they do.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from partnerdesk.core.models import PeriodicJobState
from tests.support.processes import REPO, worker_env

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "sqlite",
        reason="SQLite only: PostgreSQL has row locks and no transaction modes to check",
    ),
    pytest.mark.django_db(transaction=True),
]

WRITERS = 4
TRANSACTIONS = 20


def run_writers(tmp_path: Path, *extra: str) -> list[dict[str, object]]:
    go = tmp_path / "go"
    env = worker_env()
    writers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.support.sqlite_writer",
                f"writer-{n}",
                str(TRANSACTIONS),
                str(go),
                *extra,
            ],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(WRITERS)
    ]
    try:
        # Let every writer set up Django and connect, then start them together.
        go.touch()
        outputs = [w.communicate(timeout=120) for w in writers]
    finally:
        for w in writers:
            if w.poll() is None:
                w.kill()
                w.wait()
    results = []
    for w, (out, err) in zip(writers, outputs, strict=True):
        assert w.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


def test_connections_use_wal_and_begin_immediate() -> None:
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
    assert connection.transaction_mode == "IMMEDIATE"  # type: ignore[attr-defined]

    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        PeriodicJobState.objects.count()
    assert queries.captured_queries[0]["sql"] == "BEGIN IMMEDIATE"


def test_concurrent_read_then_write_transactions_queue_instead_of_failing(
    tmp_path: Path,
) -> None:
    results = run_writers(tmp_path)

    assert [r["locked"] for r in results] == [0] * WRITERS
    assert [r["errors"] for r in results] == [[]] * WRITERS
    assert [r["committed"] for r in results] == [TRANSACTIONS] * WRITERS
    names = sorted(PeriodicJobState.objects.values_list("name", flat=True))
    # Every transaction saw all the ones before it: no gaps, no duplicates, all rows landed.
    assert names == [f"marker-{n:04d}" for n in range(WRITERS * TRANSACTIONS)]
    writers = set(PeriodicJobState.objects.values_list("last_enqueued_by", flat=True))
    assert writers == {f"writer-{n}" for n in range(WRITERS)}
