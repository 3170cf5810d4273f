"""Starting and stopping the servers the bench measures, and reading their peak memory.

Every server listens on a free port of 127.0.0.1 and is started the way production runs it
(gunicorn, 2 workers, no access log). A sampler thread reads each process's peak resident set
(`VmHWM` in /proc) every half second, so a worker that gunicorn recycles is still counted.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "bench" / "var"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _peak_rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        pass
    return 0.0


def _pss_mb(pid: int) -> float:
    """The proportional set size: private pages plus a share of those shared with other
    processes (a gunicorn worker shares the pages its master loaded before forking)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        pass
    return 0.0


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return []
    return [int(p) for p in text.split()]


@dataclass
class Process:
    """A started process tree: `peaks` holds the highest VmHWM seen per role, in MB."""

    name: str
    popen: subprocess.Popen[bytes]
    log: Path
    base_url: str = ""
    peaks: dict[str, float] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _sampler: threading.Thread | None = None

    def sample(self) -> None:
        """Peak RSS per role ("master", "worker", "helper"), and the highest PSS sampled
        ("master_pss", "worker_pss", "helper_pss": PSS has no kernel-kept peak)."""
        root = self.popen.pid
        tree = [("master", root)]
        for child in _children(root):
            tree.append(("worker", child))
            # e.g. the mail parse server and its forks
            tree += [("helper", grandchild) for grandchild in _children(child)]
        for role, pid in tree:
            self._note(role, _peak_rss_mb(pid))
            self._note(f"{role}_pss", _pss_mb(pid))

    def _note(self, role: str, mb: float) -> None:
        if mb > self.peaks.get(role, 0.0):
            self.peaks[role] = round(mb, 1)

    def start_sampling(self) -> None:
        def loop() -> None:
            while not self._stop.wait(0.5):
                self.sample()

        self._sampler = threading.Thread(target=loop, daemon=True)
        self._sampler.start()

    def stop(self) -> None:
        self.sample()
        self._stop.set()
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()

    def log_tail(self, lines: int = 40) -> str:
        with contextlib.suppress(FileNotFoundError):
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        return ""


def start(
    name: str,
    argv: Sequence[str],
    *,
    env: dict[str, str],
    cwd: Path = ROOT,
    port: int | None = None,
    ready_path: str = "/",
    timeout: float = 90.0,
) -> Process:
    """Start `argv`; when `port` is given, wait until http://127.0.0.1:port`ready_path` answers
    (any status below 500). Output goes to bench/var/logs/<name>.log."""
    logs = VAR / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    log = logs / f"{name}.log"
    with log.open("wb") as out:
        popen = subprocess.Popen(  # noqa: S603 - our own commands
            list(argv), cwd=cwd, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT
        )
    process = Process(name, popen, log)
    if port is not None:
        process.base_url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + timeout
        while True:
            if popen.poll() is not None:
                raise RuntimeError(f"{name} exited at start:\n{process.log_tail()}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                conn.request("GET", ready_path, headers={"Host": f"127.0.0.1:{port}"})
                status = conn.getresponse().status
                conn.close()
                if status < 500:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                process.stop()
                tail = process.log_tail()
                raise RuntimeError(f"{name} did not answer in {timeout:.0f}s:\n{tail}")
            time.sleep(0.3)
    process.start_sampling()
    return process
