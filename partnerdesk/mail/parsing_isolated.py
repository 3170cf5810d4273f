"""`parse` in a separate process under a time and a memory limit.

Design: a small parse server per calling process, one fork per message.

- On first use, the caller (web process, worker, `partnerdesk mail ingest`) starts
  `python -m partnerdesk.mail.parsing_isolated serve`: a fresh interpreter that imports the
  parser (email, nh3, mail-parser-reply) once and then waits for requests on its stdin. It
  inherits nothing from the caller: no database connections, threads, open files or main
  script. It exits when the caller goes away (its stdin closes).
- For each message the server forks a child (a few milliseconds). The child first limits its
  own address space (RLIMIT_AS = `Limits.memory_bytes`), so a message that makes the parser
  allocate without end fails inside the child (`Refused("too_much_memory")`) and never takes
  memory from the host; then it parses and writes its answer to a pipe.
- The server waits at most `timeout` seconds for the answer, then kills the child
  (`Refused("parse_timeout")`). A child that dies without answering (a signal, an abort in a
  native library) gives `Refused("parser_crashed")`.
- The caller waits for the server a little longer than the timeout; a server that does not
  answer is killed and replaced on the next call. Requests from threads of one process take
  turns (a lock): intake handles one message at a time per process anyway.
- A process forked from the caller (gunicorn workers from a preloading master) never uses
  the caller's server: the server belongs to the process id that started it.

Why not multiprocessing's forkserver: on Python 3.11 each of its children re-imports the
caller's main script (pytest, gunicorn…) before doing anything, which costs time and fails
for a main that cannot be imported again.

Failing to start the server at all is not the message's fault: that raises OSError, and the
intake treats it as a temporary failure (the mail server or the poller tries again).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import resource
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO, Any

from partnerdesk.mail.parsed import ParsedMessage, Refused
from partnerdesk.mail.parsing_limits import Limits, check_raw

# Test hooks: stand-ins for a parse that hangs, eats memory or crashes. Reachable only through
# the private `_hook` argument, never from a message.
HOOKS = ("", "sleep", "allocate", "crash")
GRACE_SECONDS = 5.0  # how much longer than the parse timeout the caller waits for the server
FRAME = struct.Struct("!Q")


def parse_isolated(
    raw: bytes, *, limits: Limits | None = None, timeout: float | None = None, _hook: str = ""
) -> ParsedMessage:
    """`parse(raw)` in a child process; `Refused` also for parse_timeout, too_much_memory
    and parser_crashed. `timeout` defaults to PARTNERDESK_MAIL_PARSE_TIMEOUT (10 s)."""
    assert _hook in HOOKS
    limits = limits or Limits.from_settings()
    if timeout is None:
        timeout = _default_timeout()
    check_raw(raw, limits)  # cheap refusals need no process
    request = (raw, limits, _hook, timeout)
    with _lock:
        answer = _server().ask(request, wait=timeout + GRACE_SECONDS)
        if answer[0] == "server_gone":  # not this message's doing: once more, on a new server
            answer = _server().ask(request, wait=timeout + GRACE_SECONDS)
    return _answer(answer)


def _default_timeout() -> float:
    try:
        from django.conf import settings

        if settings.configured:
            return float(getattr(settings, "PARTNERDESK_MAIL_PARSE_TIMEOUT", 10.0))
    except ImportError:  # pragma: no cover - Django is always installed here
        pass
    return 10.0


def _answer(answer: tuple[Any, ...]) -> ParsedMessage:
    """("ok", parsed), ("refused", code, detail); anything else ("crashed" from the child,
    "server_gone" twice in a row) is a crash."""
    kind = answer[0]
    if kind == "ok" and isinstance(answer[1], ParsedMessage):
        return answer[1]
    if kind == "refused":
        raise Refused(str(answer[1]), str(answer[2]))
    raise Refused("parser_crashed", str(answer[1]) if len(answer) > 1 else "no answer")


# --- the caller's side ------------------------------------------------------------------------

_lock = threading.Lock()
_current: _Server | None = None


class _Server:
    def __init__(self) -> None:
        self.owner = os.getpid()
        # The server imports this package from where the caller did, installed or not.
        home = str(Path(__file__).resolve().parents[2])
        path = os.environ.get("PYTHONPATH", "")
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (home, path) if p)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "partnerdesk.mail.parsing_isolated", "serve"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            close_fds=True,
            env=env,
        )

    def alive(self) -> bool:
        return self.owner == os.getpid() and self.process.poll() is None

    def ask(self, request: tuple[Any, ...], *, wait: float) -> tuple[Any, ...]:
        assert self.process.stdin is not None and self.process.stdout is not None
        try:
            _write_frame(self.process.stdin, request)
            data = _read_frame(self.process.stdout.fileno(), deadline=time.monotonic() + wait)
        except TimeoutError:
            self.stop()
            return ("refused", "parse_timeout", f"no result within {wait:g} seconds")
        except (OSError, EOFError, ValueError):
            self.stop()
            return ("server_gone", "the parse server stopped")
        answer: tuple[Any, ...] = pickle.loads(data)  # noqa: S301 - from our own server
        return answer

    def stop(self) -> None:
        if self.owner != os.getpid():
            return  # a forked copy: the server is its parent's
        with contextlib.suppress(OSError):
            self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(5)


def _server() -> _Server:
    global _current
    if _current is None or not _current.alive():
        if _current is not None:
            _current.stop()
        _current = _Server()
    return _current


def _write_frame(stream: IO[bytes], value: Any) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(FRAME.pack(len(data)))
    stream.write(data)
    stream.flush()


def _read_exact(fd: int, size: int, deadline: float | None) -> bytes:
    chunks: list[bytes] = []
    remaining = size
    while remaining:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise TimeoutError
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _read_frame(fd: int, *, deadline: float | None) -> bytes:
    (size,) = FRAME.unpack(_read_exact(fd, FRAME.size, deadline))
    return _read_exact(fd, size, deadline)


# --- the server's side ------------------------------------------------------------------------


def serve() -> None:
    """Answer requests from stdin until it closes, one forked child per message."""
    from partnerdesk.mail import parsing  # noqa: F401 - imported once, inherited by each child

    source = sys.stdin.buffer.fileno()
    # Answers go to a private copy of stdout; anything printed by a library goes to stderr.
    sink = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    while True:
        try:
            request = pickle.loads(_read_frame(source, deadline=None))  # noqa: S301 - our caller
        except EOFError:
            return
        raw, limits, hook, timeout = request
        _write_frame(sink, _run_child(raw, limits, hook, timeout))


def _run_child(raw: bytes, limits: Limits, hook: str, timeout: float) -> tuple[Any, ...]:
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        try:
            os.close(read_end)
            answer = _work(raw, limits, hook)
            try:
                data = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
            except MemoryError:
                data = pickle.dumps(("refused", "too_much_memory", "no memory for the result"))
            with os.fdopen(write_end, "wb") as out:
                out.write(data)
        finally:
            os._exit(0)
    os.close(write_end)
    deadline = time.monotonic() + timeout
    chunks: list[bytes] = []
    timed_out = False
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([read_end], [], [], left)[0]:
                timed_out = True
                break
            chunk = os.read(read_end, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(read_end)
        if timed_out:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        _pid, status = os.waitpid(pid, 0)
    if timed_out:
        return ("refused", "parse_timeout", f"no result within {timeout:g} seconds")
    try:
        result: tuple[Any, ...] = pickle.loads(b"".join(chunks))  # noqa: S301 - our child
    except Exception:
        return ("crashed", _exit_reason(status))
    return result


def _exit_reason(status: int) -> str:
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = str(number)
        return f"the parser was killed by {name}"
    return f"the parser exited with status {os.waitstatus_to_exitcode(status)} without a result"


def _work(raw: bytes, limits: Limits, hook: str) -> tuple[Any, ...]:
    """Runs in the child: limit memory, parse, and say how it went as plain tuples (Refused
    itself does not survive pickling)."""
    with contextlib.suppress(ValueError, OSError):  # a lower hard limit already applies
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    from partnerdesk.mail import parsing

    try:
        if hook == "sleep":
            time.sleep(3600)
        elif hook == "allocate":
            hog = [bytearray(64 * 2**20) for _ in range(limits.memory_bytes // (64 * 2**20) + 2)]
            del hog
        elif hook == "crash":
            os.abort()
        return ("ok", parsing.parse(raw, limits=limits))
    except Refused as refused:
        return ("refused", refused.code, refused.detail)
    except MemoryError:
        return ("refused", "too_much_memory", f"more than {limits.memory_bytes} bytes")
    except BaseException as exc:
        return ("crashed", f"{type(exc).__name__}: {exc}"[:500])


if __name__ == "__main__" and sys.argv[1:] == ["serve"]:
    serve()
