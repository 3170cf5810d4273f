"""`partnerdesk run` starts the sandbox vendor beside web and worker (unless turned off) and
hands its address to the children."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.core.management import call_command

from partnerdesk.core.management.commands import run


class FakeChild:
    returncode = 0

    def __init__(self, argv: list[str]) -> None:
        self.argv = argv

    def poll(self) -> int:
        return 0

    def send_signal(self, signum: int) -> None:  # pragma: no cover - never alive
        pass

    def wait(self, timeout: float | None = None) -> int:
        return 0


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    argvs: list[list[str]] = []

    def popen(argv: list[str], **kwargs: Any) -> FakeChild:
        argvs.append(argv)
        return FakeChild(argv)

    monkeypatch.setattr(run.subprocess, "Popen", popen)
    monkeypatch.setattr(run.signal, "signal", lambda *a: None)
    monkeypatch.delenv("PARTNERDESK_SANDBOX_VENDOR_URL", raising=False)
    return argvs


def test_run_starts_the_sandbox(started: list[list[str]], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PARTNERDESK_SANDBOX_VENDOR", raising=False)
    call_command("run", sandbox_bind="127.0.0.1:9876")
    commands = [argv[3] for argv in started]
    assert commands == ["sandbox-vendor", "serve", "worker"]
    assert started[0][4:6] == ["--bind", "127.0.0.1:9876"]
    assert os.environ["PARTNERDESK_SANDBOX_VENDOR_URL"] == "http://127.0.0.1:9876"
    monkeypatch.delenv("PARTNERDESK_SANDBOX_VENDOR_URL")


def test_run_without_the_sandbox(started: list[list[str]], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARTNERDESK_SANDBOX_VENDOR", "0")
    call_command("run")
    assert [argv[3] for argv in started] == ["serve", "worker"]
