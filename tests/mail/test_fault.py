"""The fault test: 1,000 messages delivered by two delivery processes (tests/mail/fault_feeder.py,
a mail server's pipe in a loop) into one workspace, while the processes are killed with
SIGKILL twice and, on PostgreSQL, the database restarted once (or its connections cut, below).
Afterwards
exactly 1,000 messages are stored, none RECEIVED, and each became exactly one thing: 500
tickets, 200 replies, 200 triage entries and 100 ignored auto-replies; no ticket or reply twice.

On PostgreSQL the server is restarted (`pg_ctlcluster … restart`) when
PARTNERDESK_FAULT_RESTART_DB=1, as `.ci/run` sets it: CI owns the machine's cluster. Elsewhere
the cluster may be shared with other test runs, which a restart would break, so the test
terminates every other backend of its own database instead, which is what the delivery
processes see of a restart (their connections fail, new ones succeed).
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from partnerdesk.customers.models import Contact
from partnerdesk.mail.models import InboundMessage
from partnerdesk.tickets.models import Message, Ticket
from tests.kit import Workspace
from tests.mail.intake_kit import a_ticket, mail, token_of
from tests.support.processes import REPO, worker_env

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

TOTAL = 1000
CONTACTS = 100
TICKETS = 40
OUTPUT = REPO / "test-output" / "mail-fault.json"
PYTHON = str(REPO / ".venv" / "bin" / "python")


class Feeders:
    def __init__(self, spool: Path, workspace: str, var: Path, logs: Path) -> None:
        self.spool, self.workspace, self.logs = spool, workspace, logs
        self.env = worker_env(PARTNERDESK_VAR_DIR=str(var))
        self.running: dict[str, subprocess.Popen[bytes]] = {}
        self.kills = 0

    def start(self, name: str) -> None:
        log = (self.logs / f"feeder-{name}.log").open("ab")
        self.running[name] = subprocess.Popen(
            [PYTHON, "-m", "tests.mail.fault_feeder", str(self.spool), name, self.workspace],
            cwd=REPO,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def kill(self, name: str) -> None:
        process = self.running[name]
        process.kill()  # SIGKILL: mid-transaction, mid-parse, mid-write, wherever it is
        process.wait(timeout=30)
        self.kills += 1

    def wait(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        for name, process in self.running.items():
            left = max(1.0, deadline - time.monotonic())
            code = process.wait(timeout=left)
            assert code == 0, f"feeder {name} exited {code}:\n{self.log(name)}"

    def log(self, name: str) -> str:
        path = self.logs / f"feeder-{name}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-30:])

    def stop_all(self) -> None:
        for process in self.running.values():
            if process.poll() is None:
                process.kill()
                process.wait(timeout=30)


def _stored(workspace: Workspace) -> int:
    return InboundMessage.objects.filter(partner=workspace.partner).count()


def _wait_until_stored(workspace: Workspace, count: int, feeders: Feeders) -> None:
    deadline = time.monotonic() + 600
    while _stored(workspace) < count:
        assert time.monotonic() < deadline, "\n".join(feeders.log(n) for n in feeders.running)
        time.sleep(0.1)


def _restart_database() -> str:
    """Restart the machine's PostgreSQL cluster, or cut the connections to the test database
    (see the module docstring); says which it did."""
    if os.environ.get("PARTNERDESK_FAULT_RESTART_DB") == "1":
        version = sorted(os.listdir("/etc/postgresql"))[-1]
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
            check=True,
            timeout=120,
        )
        connection.close()  # this process's connection died with the server
        return "restarted"
    return f"cut {_cut_database_connections()} connections"


def _cut_database_connections() -> int:
    """What the delivery processes see of a database restart (see the module docstring)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def _generate(ws: Workspace, spool: Path) -> Counter[str]:
    """The 1,000 messages, written to the spool; what each should become."""
    contacts = [
        Contact.objects.create(
            partner=ws.partner,
            customer=ws.customers["a" if n % 2 else "b"],
            name=f"Person {n}",
            email=f"person{n}@customer.example",
            created_at=ws.partner.created_at,
        )
        for n in range(CONTACTS)
    ]
    tickets = [a_ticket(ws, contacts[(n * 7) % CONTACTS]) for n in range(TICKETS)]
    expected: Counter[str] = Counter()
    for i in range(TOTAL):
        kind = i % 10
        if kind < 5:
            raw, outcome = (
                mail(sender=contacts[i % CONTACTS].email, subject=f"Request {i}"),
                "ticket",
            )
        elif kind < 7:
            ticket = tickets[(i // 10) % TICKETS]  # 5 answers each: no sender floods
            requester = next(c for c in contacts if c.pk == ticket.requester_id)
            raw = mail(sender=requester.email, subject=f"Re: [{token_of(ticket)}] answer {i}")
            outcome = "reply"
        elif kind < 9:
            raw, outcome = (
                mail(sender=f"stranger{i}@nowhere.example", subject=f"Hello {i}"),
                "triage",
            )
        else:
            raw = mail(
                sender=contacts[i % CONTACTS].email,
                subject=f"Out of office {i}",
                headers={"Auto-Submitted": "auto-replied"},
            )
            outcome = "ignored"
        (spool / f"{i:04d}.eml").write_bytes(raw)
        expected[outcome] += 1
    return expected


def test_a_thousand_messages_survive_killed_workers_once_each(
    ws: Workspace, tmp_path: Path, settings: Any
) -> None:
    var = tmp_path / "var"
    settings.MEDIA_ROOT = var / "media"
    spool = tmp_path / "spool" / "new"
    spool.mkdir(parents=True)
    expected = _generate(ws, spool)
    assert expected == Counter({"ticket": 500, "reply": 200, "triage": 200, "ignored": 100})
    tickets_before = set(Ticket.objects.filter(partner=ws.partner).values_list("id", flat=True))

    feeders = Feeders(spool, str(ws.partner.pk), var, tmp_path)
    started = time.monotonic()
    cut = None
    try:
        feeders.start("a")
        feeders.start("b")
        _wait_until_stored(ws, 250, feeders)
        feeders.kill("a")
        feeders.start("a")  # the replacement puts back what the killed one had taken
        if connection.vendor == "postgresql":
            _wait_until_stored(ws, 450, feeders)
            cut = _restart_database()
        _wait_until_stored(ws, 600, feeders)
        feeders.kill("b")
        feeders.start("b")
        feeders.wait(timeout=900)
    finally:
        feeders.stop_all()
    elapsed = time.monotonic() - started

    rows = list(InboundMessage.objects.filter(partner=ws.partner))
    assert len(rows) == TOTAL
    states = Counter(r.state for r in rows)
    assert states == expected, Counter((r.state, r.reason) for r in rows)
    assert all(r.attempts <= 5 for r in rows)
    # Each ticket and each reply exactly once, and nothing filed that no row points at.
    filed = [r.ticket_id for r in rows if r.state == "ticket"]
    assert len(set(filed)) == len(filed) == 500
    made = Ticket.objects.filter(partner=ws.partner).exclude(id__in=tickets_before)
    assert set(made.values_list("id", flat=True)) == set(filed)
    replies = [r.ticket_message_id for r in rows if r.state == "reply"]
    assert len(set(replies)) == len(replies) == 200
    mail_messages = Message.objects.filter(ticket_id__in=tickets_before, channel="email")
    assert set(mail_messages.values_list("id", flat=True)) == set(replies)
    # Every row's raw bytes are on disk.
    assert all((var / "media" / r.raw.name).is_file() for r in rows)

    figures = {
        "messages": TOTAL,
        "database": connection.vendor,
        "seconds": round(elapsed, 1),
        "messages_per_second": round(TOTAL / elapsed, 1),
        "kills": feeders.kills,
        "database_fault": cut,
        "attempts": dict(Counter(r.attempts for r in rows)),
    }
    OUTPUT.parent.mkdir(exist_ok=True)
    OUTPUT.write_text(json.dumps(figures, indent=2))
    print(figures)
