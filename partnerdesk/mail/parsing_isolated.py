"""`parse` in a separate process under a time and a memory limit.

Design. A message is parsed in a child process; the caller waits at most `timeout` seconds
for its answer, then kills it (`Refused("parse_timeout")`). The child first limits its own
address space (RLIMIT_AS = `Limits.memory_bytes`), so a message that makes the parser
allocate without end fails inside the child (`Refused("too_much_memory")`) and never takes
memory from the host. A child that dies without answering (a signal, an abort in a native
library) gives `Refused("parser_crashed")`.

Cost. Children come from a multiprocessing *forkserver*: one small server process, started on
first use, has already imported this package (email, nh3, mail-parser-reply); each message
is a fork of it (a few milliseconds), not a new interpreter. The forkserver is per calling
process (web process, worker, `partnerdesk mail ingest`) and stops with it. Being forked from
the server and not from the caller, a child never inherits the caller's database
connections, threads or open files.

Where multiprocessing cannot start a child (a daemonic multiprocessing worker may not have
children), the same child runs as `python -m partnerdesk.mail.parsing_isolated`, reading its
input from stdin: slower to start, same limits.

Failing to start any process at all is not the message's fault: that raises OSError, and the
intake treats it as a temporary failure (the mail server retries).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import resource
import signal
import subprocess
import sys
import threading
import time
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerContext
from typing import Any

from partnerdesk.mail.parsed import ParsedMessage, Refused
from partnerdesk.mail.parsing_limits import Limits, check_raw

_context: ForkServerContext | None = None
_context_lock = threading.Lock()
# Test hooks: stand-ins for a parse that hangs, eats memory or crashes. Reachable only through
# the private `_hook` argument, never from a message.
HOOKS = ("", "sleep", "allocate", "crash")


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
    if multiprocessing.current_process().daemon:
        return _answer(_run_subprocess(raw, limits, timeout, _hook))
    return _answer(_run_forked(raw, limits, timeout, _hook))


def _default_timeout() -> float:
    try:
        from django.conf import settings

        if settings.configured:
            return float(getattr(settings, "PARTNERDESK_MAIL_PARSE_TIMEOUT", 10.0))
    except ImportError:  # pragma: no cover
        pass
    return 10.0


def _get_context() -> ForkServerContext:
    global _context
    with _context_lock:
        if _context is None:
            context = multiprocessing.get_context("forkserver")
            assert isinstance(context, ForkServerContext)
            context.set_forkserver_preload(["partnerdesk.mail.parsing"])
            _context = context
        return _context


def _run_forked(raw: bytes, limits: Limits, timeout: float, hook: str) -> tuple[Any, ...]:
    context = _get_context()
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(sender, raw, limits, hook), daemon=True)
    process.start()
    sender.close()
    started = time.monotonic()
    try:
        if not receiver.poll(timeout):
            return ("refused", "parse_timeout", f"no result within {timeout:g} seconds")
        try:
            answer: tuple[Any, ...] = receiver.recv()
        except (EOFError, OSError, pickle.UnpicklingError):
            process.join(max(0.1, timeout - (time.monotonic() - started)))
            return ("crashed", _exit_reason(process.exitcode))
        return answer
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join(5)


def _exit_reason(exitcode: int | None) -> str:
    if exitcode is None:
        return "the parser stopped answering"
    if exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = str(-exitcode)
        return f"the parser was killed by {name}"
    return f"the parser exited with status {exitcode}"


def _run_subprocess(raw: bytes, limits: Limits, timeout: float, hook: str) -> tuple[Any, ...]:
    command = [sys.executable, "-m", "partnerdesk.mail.parsing_isolated"]
    child = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    try:
        out, _err = child.communicate(pickle.dumps((raw, limits, hook)), timeout=timeout)
    except subprocess.TimeoutExpired:
        child.kill()
        child.communicate()
        return ("refused", "parse_timeout", f"no result within {timeout:g} seconds")
    try:
        answer: tuple[Any, ...] = pickle.loads(out)  # noqa: S301 - written by our own child
    except Exception:
        return ("crashed", _exit_reason(child.returncode))
    return answer


def _answer(answer: tuple[Any, ...]) -> ParsedMessage:
    kind = answer[0]
    if kind == "ok" and isinstance(answer[1], ParsedMessage):
        return answer[1]
    if kind == "refused":
        raise Refused(str(answer[1]), str(answer[2]))
    raise Refused("parser_crashed", str(answer[1]) if len(answer) > 1 else "no answer")


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


def _child(sender: Connection, raw: bytes, limits: Limits, hook: str) -> None:
    answer = _work(raw, limits, hook)
    try:
        sender.send(answer)
    except MemoryError:
        sender.send(("refused", "too_much_memory", "the result did not fit in memory"))
    finally:
        sender.close()


def _main() -> None:
    raw, limits, hook = pickle.loads(sys.stdin.buffer.read())  # noqa: S301 - from our parent
    answer = _work(raw, limits, hook)
    try:
        data = pickle.dumps(answer)
    except MemoryError:
        data = pickle.dumps(("refused", "too_much_memory", "the result did not fit in memory"))
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    _main()
