"""`partnerdesk run`: the web server and a worker (with the scheduler) side by side, and the
sandbox vendor server (unless PARTNERDESK_SANDBOX_VENDOR=0) so the demo shows live health."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the web app with gunicorn and run a worker beside it until interrupted."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("PARTNERDESK_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=1, help="Worker processes.")
        parser.add_argument(
            "--sandbox-bind", default=os.environ.get("PARTNERDESK_SANDBOX_BIND", "127.0.0.1:8765")
        )

    def handle(
        self, *args: Any, bind: str, workers: int, sandbox_bind: str, **options: Any
    ) -> None:
        exe = [sys.executable, "-m", "partnerdesk.cli"]
        children = []
        if os.environ.get("PARTNERDESK_SANDBOX_VENDOR", "1") != "0":
            sandbox = [*exe, "sandbox-vendor", "--bind", sandbox_bind]
            sandbox += ["--clock-scale", os.environ.get("PARTNERDESK_SANDBOX_CLOCK_SCALE", "1")]
            # The consents it issued survive a restart, so the demo's stays valid.
            state = os.environ.get("PARTNERDESK_SANDBOX_STATE") or str(
                Path(settings.VAR_DIR) / "sandbox-vendor.json"
            )
            sandbox += ["--state", state]
            children.append(subprocess.Popen(sandbox))  # noqa: S603
            os.environ.setdefault("PARTNERDESK_SANDBOX_VENDOR_URL", f"http://{sandbox_bind}")
            self.stdout.write(f"Sandbox vendor at http://{sandbox_bind}/")
        children.append(subprocess.Popen([*exe, "serve", "--bind", bind]))  # noqa: S603
        children += [subprocess.Popen([*exe, "worker"]) for _ in range(workers)]  # noqa: S603
        self.stdout.write(self.style.SUCCESS(f"Partnerdesk is running at http://{bind}/"))
        self.stdout.write("Press Ctrl+C to stop.")
        stopping = False

        def stop(signum: int, frame: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping and all(child.poll() is None for child in children):
                time.sleep(0.5)
        finally:
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)
            for child in children:
                try:
                    child.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    child.kill()
        failed = [c for c in children if c.returncode not in (0, -signal.SIGTERM, None)]
        if failed and not stopping:
            raise SystemExit(1)
