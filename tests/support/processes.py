"""Real worker processes for tests: started on the test database, always killed afterwards.

with WorkerPool(tmp_path, env={...}) as pool:
    a = pool.start("a")          # `.venv/bin/partnerdesk worker --interval 0.2`
    a.kill()                     # SIGKILL: no clean shutdown, leases stay taken
wait_for(lambda: ..., what="the item is delivered", pool=pool)
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import IO, Any, TypeVar
from urllib.parse import quote

from django.db import connection

REPO = Path(__file__).resolve().parents[2]
PARTNERDESK = Path(sys.executable).parent / "partnerdesk"
PLUGINS = "tests.support.plugins"

T = TypeVar("T")


def child_database_url() -> str:
    """DATABASE_URL of the database pytest-django made for this run, for child processes."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        name = str(settings["NAME"])
        if not Path(name).is_absolute() or "mode=memory" in name or name == ":memory:":
            raise RuntimeError(f"worker processes need a file database, not {name!r}")
        return f"sqlite:///{name}"
    if connection.vendor == "postgresql":
        user = quote(str(settings.get("USER") or ""), safe="")
        password = quote(str(settings.get("PASSWORD") or ""), safe="")
        credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
        host = settings.get("HOST") or "127.0.0.1"
        port = settings.get("PORT") or 5432
        return f"postgres://{credentials}{host}:{port}/{quote(str(settings['NAME']), safe='')}"
    raise RuntimeError(f"no worker processes on {connection.vendor}")


def worker_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PARTNERDESK_TEST_DB", None)
    env.update(
        {
            "PARTNERDESK_ENV": "test",
            "DATABASE_URL": child_database_url(),
            "PARTNERDESK_PLUGINS": PLUGINS,
            # The console script puts .venv/bin, not the checkout, on sys.path.
            "PYTHONPATH": os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p),
            "PYTHONUNBUFFERED": "1",
            "PARTNERDESK_LOG_LEVEL": "INFO",
        }
    )
    env.update(extra)
    return env


class WorkerProcess:
    def __init__(self, name: str, popen: subprocess.Popen[bytes], worker_id: str, log: Path):
        self.name = name
        self.popen = popen
        self.worker_id = worker_id
        self.log_path = log

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def kill(self) -> None:
        """SIGKILL, as a crash or the OOM killer would: nothing is cleaned up."""
        if self.alive():
            os.kill(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=30)

    def stop(self) -> int:
        """SIGTERM, as a deploy would: the worker finishes its step and exits; its exit code."""
        if self.alive():
            self.popen.send_signal(signal.SIGTERM)
        return self.popen.wait(timeout=60)

    def log(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


class WorkerPool:
    def __init__(self, directory: Path, env: dict[str, str] | None = None) -> None:
        self.directory = directory
        self.env = worker_env(**(env or {}))
        self.workers: list[WorkerProcess] = []
        self._logs: list[IO[bytes]] = []

    def start(self, name: str, *args: str, interval: float = 0.2) -> WorkerProcess:
        worker_id = f"test-{name}-{uuid.uuid4().hex[:8]}"
        log_path = self.directory / f"worker-{name}.log"
        log = log_path.open("ab")
        self._logs.append(log)
        command = [str(PARTNERDESK), "worker", f"--interval={interval}", f"--worker-id={worker_id}"]
        popen = subprocess.Popen(
            [*command, *args],
            cwd=REPO,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        worker = WorkerProcess(name, popen, worker_id, log_path)
        self.workers.append(worker)
        return worker

    def by_id(self, worker_id: str) -> WorkerProcess | None:
        return next((w for w in self.workers if w.worker_id == worker_id), None)

    def report(self) -> str:
        parts = []
        for w in self.workers:
            state = "running" if w.alive() else f"exited {w.popen.returncode}"
            parts.append(f"--- worker {w.name} ({w.worker_id}, pid {w.pid}, {state}) ---")
            parts.append(w.log())
        return "\n".join(parts)

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        for worker in self.workers:
            worker.kill()
        for log in self._logs:
            log.close()
        if exc_type is not None:
            print(self.report())  # shown by pytest with the failure


def wait_for(
    condition: Callable[[], T],
    *,
    what: str,
    timeout: float = 45.0,
    interval: float = 0.05,
    pool: WorkerPool | None = None,
    each: Callable[[], Any] | None = None,
) -> T:
    """Poll until `condition()` is truthy and return it; fail after a generous timeout.

    `each` runs on every poll (to sample state while waiting). The timeout only bounds a hang;
    nothing asserts how long things took.
    """
    deadline = time.monotonic() + timeout
    while True:
        if each is not None:
            each()
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            details = f"\n{pool.report()}" if pool is not None else ""
            raise AssertionError(f"gave up waiting for {what} after {timeout:.0f} s{details}")
        time.sleep(interval)
