"""The worker loop: scheduler tick, django-tasks tasks and outbox delivery, in one process.

Any number of these run side by side; the scheduler's lease makes one of them the leader,
outbox leases and the task backend's row claims keep them from doing the same work twice.

Each step gives tasks and the outbox a slice each: up to `batch` pieces of work or
`slice_seconds`, whichever ends first, and always at least one piece when one is ready. A
backlog of mail (fifty notifications per new ticket on a fifty-agent desk) holds a mail
intake or SLA sweep task back by one slice at most; a backlog of tasks likewise holds the
mail back by one slice at most.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
from collections.abc import Callable
from types import FrameType

from django.db import close_old_connections, connection
from django.db.utils import OperationalError
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker as TaskRunner
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from . import clock, outbox, scheduler

logger = logging.getLogger(__name__)


def new_worker_id() -> str:
    return f"{socket.gethostname()[:30]}-{os.getpid()}-{get_random_string(8)}"[:64]


class Worker:
    def __init__(
        self,
        *,
        worker_id: str | None = None,
        interval: float = 1.0,
        tick_every: float = 1.0,
        backend_name: str = "default",
        schedule: bool = True,
        batch: int = 20,
        slice_seconds: float = 0.5,
    ) -> None:
        self.worker_id = worker_id or new_worker_id()
        self.interval = interval
        self.tick_every = tick_every
        self.backend_name = backend_name
        self.schedule = schedule
        self.batch = batch
        self.slice_seconds = slice_seconds
        self.running = True
        self._last_tick = 0.0
        self.started_at = clock.now()
        self._stopped = threading.Event()
        self._tasks = TaskRunner(
            queue_names=["*"],
            interval=interval,
            batch=False,
            backend_name=backend_name,
            startup_delay=False,
            max_tasks=None,
            worker_id=self.worker_id,
            excluded_queue_names=[],
        )

    def stop(self, signum: int, frame: FrameType | None) -> None:
        logger.info("worker %s stopping on %s", self.worker_id, signal.strsignal(signum))
        self.running = False

    def run_one_task(self) -> bool:
        """Claim and run one ready task; False when none was ready."""
        ready = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not ready.exists():  # a plain read: idle workers take no write lock
            return False
        try:
            with exclusive_transaction(ready.db):
                result = ready.get_locked()
                if result is not None:
                    result.claim(self.worker_id)
        except OperationalError as exc:
            if is_locked_database_exception(exc):
                return False
            raise
        if result is None:
            return False
        self._tasks.run_task(result)
        return True

    def _heartbeat(self) -> None:
        """Beat on a thread of its own, so a long task or delivery does not look like death."""
        try:
            while not self._stopped.wait(timeout=scheduler.HEARTBEAT_EVERY.total_seconds()):
                self._part("heartbeat", self._beat_once)
        finally:
            connection.close()

    def _beat_once(self) -> bool:
        scheduler.beat(self.worker_id, started_at=self.started_at)
        return False

    def _part(self, name: str, work: Callable[[], bool]) -> bool:
        """Run one part of a step; its failure is reported and does not starve the others."""
        try:
            return work()
        except OperationalError as exc:
            # A database restart or a lock timeout: log, wait, carry on.
            logger.warning("worker %s: database error in %s: %s", self.worker_id, name, exc)
        except Exception:
            # A bug in one piece of work must stop neither this worker's other work nor every
            # worker in turn as each picks up the same work: report it and carry on.
            logger.exception("worker %s: unexpected error in %s", self.worker_id, name)
        return False

    def _slice(self, work: Callable[[], bool]) -> bool:
        """Run `work` until it finds nothing to do, `batch` times, or the slice's time is up
        (checked after each piece: one piece always runs). True if anything was done."""
        deadline = time.monotonic() + self.slice_seconds
        done = 0
        while done < self.batch and work():
            done += 1
            if time.monotonic() >= deadline:
                break
        return done > 0

    def step(self) -> bool:
        """One round of work; True if anything was done (so the loop does not sleep).
        Tasks come before the outbox, so what the scheduler just enqueued runs at once."""
        close_old_connections()
        busy = False
        if self.schedule and time.monotonic() - self._last_tick >= self.tick_every:
            self._last_tick = time.monotonic()
            busy = self._part("scheduler", lambda: bool(scheduler.tick(self.worker_id))) or busy
        busy = self._part("tasks", lambda: self._slice(self.run_one_task)) or busy
        busy = (
            self._part("outbox", lambda: self._slice(lambda: outbox.deliver_one(self.worker_id)))
            or busy
        )
        return busy

    def run(self) -> None:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        logger.info("worker %s started", self.worker_id)
        self._part("heartbeat", self._beat_once)
        beating = threading.Thread(target=self._heartbeat, name="heartbeat", daemon=True)
        beating.start()
        try:
            while self.running:
                try:
                    busy = self.step()
                except Exception:
                    logger.exception("worker %s: unexpected error, carrying on", self.worker_id)
                    busy = False
                if not busy and self.running:
                    time.sleep(self.interval)
        finally:
            self._stopped.set()
            beating.join(timeout=5)
            try:
                scheduler.forget_worker(self.worker_id)
            except Exception:
                logger.exception("worker %s: could not sign off", self.worker_id)
            if self.schedule:
                try:
                    scheduler.release_leadership(self.worker_id)
                except Exception:
                    logger.exception("worker %s: could not hand back the lease", self.worker_id)
            logger.info("worker %s stopped", self.worker_id)
