"""`partnerdesk mail ingest` as a mail server runs it: a real process, the message on stdin,
the exit code deciding whether the mail server keeps the message and tries again."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from partnerdesk.customers.models import Contact
from partnerdesk.mail.models import InboundMessage
from partnerdesk.tickets.models import Ticket
from tests.kit import Workspace
from tests.mail.intake_kit import mail
from tests.support.processes import PARTNERDESK, REPO, worker_env

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def var(tmp_path: Path, settings: Any) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"  # where the child stores the raw bytes
    return tmp_path


def run(var: Path, *args: str, raw: bytes = b"", **env: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [str(PARTNERDESK), "mail", *args],
        input=raw,
        cwd=REPO,
        env=worker_env(**{"PARTNERDESK_VAR_DIR": str(var), **env}),
        capture_output=True,
        timeout=120,
    )


def test_a_message_is_stored_and_processed_and_the_server_told_so(ws: Workspace, var: Path) -> None:
    Contact.objects.create(
        partner=ws.partner,
        customer=ws.customers["a"],
        name="Ann",
        email="ann@contoso.example",
        created_at=ws.partner.created_at,
    )
    done = run(var, "ingest", "--workspace", ws.partner.slug, raw=mail())
    assert done.returncode == 0, done.stderr
    inbound = InboundMessage.objects.get(partner=ws.partner)
    assert (inbound.state, inbound.source) == ("ticket", "pipe")
    assert done.stdout.decode().strip() == f"{inbound.pk} ticket"
    assert (var / "media" / inbound.raw.name).read_bytes().startswith(b"From: ")

    again = run(var, "ingest", "--workspace", ws.partner.slug, raw=mail(message_id="<x@y>"))
    twice = run(var, "ingest", "--workspace", ws.partner.slug, raw=mail(message_id="<x@y>"))
    assert (again.returncode, twice.returncode) == (0, 0)
    assert InboundMessage.objects.filter(partner=ws.partner).count() == 2
    assert Ticket.objects.filter(partner=ws.partner).count() == 2


def test_bad_mail_is_quarantined_and_accepted(ws: Workspace, var: Path) -> None:
    hostile = b"Content-Type: multipart/mixed; boundary=x\r\n\r\n" + b"--x\r\n" * 3 + b"\xff" * 10
    done = run(
        var,
        "ingest",
        "--workspace",
        ws.partner.slug,
        raw=hostile,
        PARTNERDESK_MAIL_MAX_BYTES="40",
    )
    assert done.returncode == 0, done.stderr
    inbound = InboundMessage.objects.get(partner=ws.partner)
    assert (inbound.state, inbound.reason) == ("quarantined", "too_large")


def test_a_database_that_refuses_connections_is_a_temporary_failure(
    ws: Workspace, var: Path
) -> None:
    for url in ("postgres://partnerdesk@127.0.0.1:1/partnerdesk", f"sqlite:///{var}/no/such.db"):
        done = run(var, "ingest", "--workspace", ws.partner.slug, raw=mail(), DATABASE_URL=url)
        assert done.returncode == 75, (url, done.stderr)
        lines = done.stderr.decode().strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("partnerdesk mail: temporary failure:")
    assert InboundMessage.objects.count() == 0


def test_settings_that_do_not_load_are_a_temporary_failure(ws: Workspace, var: Path) -> None:
    """Production without a SECRET_KEY: Django cannot even start; the server must retry."""
    done = run(
        var,
        "ingest",
        "--workspace",
        ws.partner.slug,
        raw=mail(),
        PARTNERDESK_ENV="production",
        SECRET_KEY="",
    )
    assert done.returncode == 75, done.stderr
    assert done.stderr.decode().startswith("partnerdesk mail ingest: not ready:")


def test_an_unknown_workspace_keeps_the_mail_at_the_server(ws: Workspace, var: Path) -> None:
    done = run(var, "ingest", "--workspace", "no-such-desk", raw=mail())
    assert done.returncode == 75
    assert "no workspace with the slug 'no-such-desk'" in done.stderr.decode()


def test_a_disk_that_cannot_take_the_message_is_a_temporary_failure(
    ws: Workspace, var: Path
) -> None:
    blocked = var / "blocked"
    blocked.mkdir()
    (blocked / "media").write_text("a file where the media directory should be")
    done = run(
        var,
        "ingest",
        "--workspace",
        ws.partner.slug,
        raw=mail(),
        PARTNERDESK_VAR_DIR=str(blocked),
    )
    assert done.returncode == 75, done.stderr
    assert InboundMessage.objects.count() == 0


def test_a_usage_mistake_is_a_usage_error(var: Path) -> None:
    assert run(var, "ingest").returncode == 64  # no --workspace


def test_reprocess_runs_held_mail_again(ws: Workspace, var: Path, settings: Any) -> None:
    Contact.objects.create(
        partner=ws.partner,
        customer=ws.customers["a"],
        name="Ann",
        email="ann@contoso.example",
        created_at=ws.partner.created_at,
    )
    held = run(
        var, "ingest", "--workspace", ws.partner.slug, raw=mail(), PARTNERDESK_MAIL_MAX_BYTES="100"
    )
    assert held.returncode == 0
    assert InboundMessage.objects.get().state == "quarantined"
    # The limit raised (the default again): reprocess those held for it.
    done = run(var, "reprocess", "--workspace", ws.partner.slug, "--reason", "too_large")
    assert done.returncode == 0, done.stderr
    assert InboundMessage.objects.get().state == "ticket"
    assert "1 reprocessed" in done.stdout.decode()
