"""Test-only outbox handler and periodic job, loaded by worker processes the tests start.

Workers import this module through `PARTNERDESK_PLUGINS=tests.support.plugins` (see
`partnerdesk.core.apps`); test modules import it too, so `outbox.enqueue` knows the kind.

- Outbox kind `test.sink` POSTs its payload to the test's HTTP sink (`payload["sink"]`) with the
  item's idempotency key as `MS-RequestId`. The payload can ask it to
  `stall` (sleep before or after sending, so a test can SIGKILL the worker at that point) or
  `fail` (raise, transiently or for good), each only on the attempts it lists.
- With `PARTNERDESK_TEST_BROKEN_JOB` set, a periodic job `test.broken` whose task does not
  exist, registered before `test.record_slot`.
- Periodic job `test.record_slot`, every `PARTNERDESK_TEST_SLOT_EVERY` seconds (default 1),
  appends "<slot> <pid>" to the file named by `PARTNERDESK_TEST_SLOTS_FILE`. It is registered
  only when that variable is set, so other process tests are not woken by it.
"""

from __future__ import annotations

import os
import time
from datetime import timedelta
from typing import Any

import httpx
from django_tasks import task

from partnerdesk.core import outbox
from partnerdesk.core.models import OutboxItem
from partnerdesk.core.scheduler import PeriodicJob, register

SINK_KIND = "test.sink"
SLOT_JOB = "test.record_slot"
SLOTS_FILE_ENV = "PARTNERDESK_TEST_SLOTS_FILE"
SLOT_EVERY_ENV = "PARTNERDESK_TEST_SLOT_EVERY"
BROKEN_JOB = "test.broken"
BROKEN_JOB_ENV = "PARTNERDESK_TEST_BROKEN_JOB"


class SinkDeliveryError(Exception):
    """A transient failure the test asked for."""


def _instruction(payload: dict[str, Any], name: str, attempt: int) -> dict[str, Any] | None:
    """payload[name] if it applies to this attempt (by default only to the first)."""
    instruction = payload.get(name)
    if instruction and attempt in instruction.get("attempts", [1]):
        return dict(instruction)
    return None


def _stall(payload: dict[str, Any], at: str, attempt: int) -> None:
    stall = _instruction(payload, "stall", attempt)
    if stall and stall["at"] == at:
        time.sleep(float(stall["seconds"]))


@outbox.handler(SINK_KIND)
def deliver_to_sink(item: OutboxItem) -> None:
    payload = item.payload
    attempt = item.attempts
    fail = _instruction(payload, "fail", attempt)
    if fail:
        message = f"{fail.get('message', 'told to fail')} (attempt {attempt})"
        if fail.get("permanent"):
            raise outbox.PermanentDeliveryError(message)
        raise SinkDeliveryError(message)
    _stall(payload, "before_send", attempt)
    key = item.idempotency_key
    response = httpx.post(
        payload["sink"],
        json={
            "idempotency_key": key,
            "attempt": attempt,
            "worker_pid": os.getpid(),
            "payload": payload,
        },
        headers={"MS-RequestId": key},
        timeout=10,
        trust_env=False,  # never through a proxy: the sink is on 127.0.0.1
    )
    response.raise_for_status()
    _stall(payload, "after_send", attempt)


@task()
def record_slot(slot: str = "") -> None:
    """Append "<slot> <pid>" to the slots file; one write() on an O_APPEND file, so lines from
    several processes never interleave."""
    path = os.environ.get(SLOTS_FILE_ENV)
    if not path:
        return
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, f"{slot} {os.getpid()}\n".encode())
    finally:
        os.close(fd)


if os.environ.get(BROKEN_JOB_ENV):
    # A job whose task cannot be imported (a typo in a deploy): it must not take the
    # scheduler, or the worker running it, down with it.
    register(
        PeriodicJob(name=BROKEN_JOB, task=f"{__name__}.no_such_task", every=timedelta(seconds=1))
    )

if os.environ.get(SLOTS_FILE_ENV):
    register(
        PeriodicJob(
            name=SLOT_JOB,
            task=f"{__name__}.record_slot",
            every=timedelta(seconds=float(os.environ.get(SLOT_EVERY_ENV, "1"))),
        )
    )
