"""The scheduler with real worker processes: one leader, each slot once, a survivor takes over.

(At the end, a few in-process checks of the same rules with a frozen clock.)

Two `partnerdesk worker` processes run on this run's test database with the test plugin's
`test.record_slot` job (every second); each run of the job appends "<slot> <pid>" to a file.
A broken job (`test.broken`, its task cannot be imported) is scheduled beside it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path

import pytest
import time_machine
from django_tasks_db.models import DBTaskResult

from partnerdesk.core import clock
from partnerdesk.core.models import PeriodicJobState, SchedulerLease
from partnerdesk.core.scheduler import (
    _EXTRA,
    LEASE_NAME,
    PeriodicJob,
    acquire_leadership,
    enqueue_due_jobs,
    lease_ttl,
    register,
    release_leadership,
    tick,
)
from tests.support import plugins
from tests.support.processes import WorkerPool, wait_for

EVERY = timedelta(seconds=1)
LEASE_SECONDS = 3


@dataclass(frozen=True)
class Enqueued:
    slot: str
    status: str
    worker_ids: list[str]


def lease_holder() -> str:
    holders = list(SchedulerLease.objects.filter(name=LEASE_NAME).values_list("holder", flat=True))
    return holders[0] if holders else ""


def last_enqueued_by() -> str:
    state = PeriodicJobState.objects.filter(name=plugins.SLOT_JOB).first()
    return state.last_enqueued_by if state else ""


def enqueued() -> list[Enqueued]:
    """Every run of the test job the leader enqueued, from the task backend's table."""
    rows = DBTaskResult.objects.filter(task_path=plugins.record_slot.module_path).values_list(
        "args_kwargs", "status", "worker_ids"
    )
    return [Enqueued(args["kwargs"]["slot"], status, ids) for args, status, ids in rows]


def ran(slots_file: Path) -> list[tuple[str, int]]:
    """(slot, pid) for every run of the job, from the file the job appends to."""
    if not slots_file.exists():
        return []
    lines = slots_file.read_text().splitlines()
    return [(slot, int(pid)) for slot, pid in (line.split() for line in lines)]


class Sampler:
    """Reads who holds the lease and who last enqueued the job, on every poll."""

    def __init__(self) -> None:
        self.holders: list[str] = []
        self.enqueuers: list[str] = []

    def __call__(self) -> None:
        self.holders.append(lease_holder())
        self.enqueuers.append(last_enqueued_by())

    def reset(self) -> None:
        self.holders.clear()
        self.enqueuers.clear()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_one_leader_enqueues_each_slot_once_and_a_survivor_takes_over(tmp_path: Path) -> None:
    slots_file = tmp_path / "slots.txt"
    env = {
        plugins.SLOTS_FILE_ENV: str(slots_file),
        plugins.SLOT_EVERY_ENV: str(EVERY.total_seconds()),
        "PARTNERDESK_SCHEDULER_LEASE_SECONDS": str(LEASE_SECONDS),
        # A job whose task cannot be imported runs first in every tick: it must neither stop
        # the other jobs nor crash the workers.
        plugins.BROKEN_JOB_ENV: "1",
    }
    sample = Sampler()
    with WorkerPool(tmp_path, env=env) as pool:
        a, b = pool.start("a"), pool.start("b")
        ours = {a.worker_id, b.worker_id}

        # 1. Both running: one of them leads, and keeps leading while it lives.
        leader_id = wait_for(
            lambda: lease_holder() if lease_holder() in ours else "",
            what="a worker to take the scheduler lease",
            pool=pool,
        )
        wait_for(
            lambda: len(ran(slots_file)) >= 5,
            what="five runs of the test job",
            pool=pool,
            each=sample,
        )
        assert a.alive() and b.alive(), pool.report()
        assert set(sample.holders) == {leader_id}, "leadership changed hands while both lived"
        assert set(sample.enqueuers) - {""} == {leader_id}, "a non-leader enqueued the job"
        assert SchedulerLease.objects.count() == 1

        # 2. The leader dies without letting go; the other takes over once the lease runs out.
        leader = pool.by_id(leader_id)
        assert leader is not None
        survivor = b if leader is a else a
        killed_at = datetime.now(UTC)
        leader.kill()
        sample.reset()
        wait_for(
            lambda: lease_holder() == survivor.worker_id,
            what="the survivor to take over the lease",
            pool=pool,
            each=sample,
        )
        assert set(sample.holders) <= {leader_id, survivor.worker_id}
        wait_for(
            lambda: sum(1 for e in enqueued() if datetime.fromisoformat(e.slot) > killed_at) >= 3,
            what="three slots after the takeover",
            pool=pool,
        )
        assert survivor.alive(), pool.report()
        assert last_enqueued_by() == survivor.worker_id
        assert plugins.BROKEN_JOB in survivor.log(lines=10_000)  # reported, not fatal

        # 3. A newcomer joins; the leader is stopped cleanly and hands the lease back.
        newcomer = pool.start("c")
        wait_for(lambda: "started" in newcomer.log(), what="the newcomer to start", pool=pool)
        assert survivor.stop() == 0, pool.report()
        stopped_at = datetime.now(UTC)  # every later slot can only be the newcomer's
        assert lease_holder() != survivor.worker_id  # released on the way out
        wait_for(
            lambda: lease_holder() == newcomer.worker_id,
            what="the newcomer to take over the lease",
            pool=pool,
        )
        wait_for(
            lambda: sum(1 for e in enqueued() if datetime.fromisoformat(e.slot) > stopped_at) >= 2,
            what="two slots after the clean handover",
            pool=pool,
        )
        assert newcomer.stop() == 0, pool.report()  # so no run is in flight when we look

        jobs = enqueued()
        runs = ran(slots_file)

    # Each slot was enqueued once (the compare-and-set on next_run_at) ...
    enqueued_per_slot = Counter(e.slot for e in jobs)
    assert [s for s, n in enqueued_per_slot.items() if n > 1] == []
    # ... on the schedule: slots are at least `every` apart, however leadership moved ...
    slots = sorted(datetime.fromisoformat(s) for s in enqueued_per_slot)
    assert all(later - earlier >= EVERY for earlier, later in pairwise(slots))

    # ... and ran at most once: no slot twice, nothing that was not enqueued.
    ran_per_slot = Counter(slot for slot, _ in runs)
    assert [s for s, n in ran_per_slot.items() if n > 1] == []
    assert set(ran_per_slot) <= set(enqueued_per_slot)
    # Every finished slot left its line; one still READY (enqueued in the newcomer's last tick)
    # has not run. A slot the killed leader had claimed stays RUNNING: django-tasks-db does not
    # reclaim the tasks of dead workers. There is at most one, as a worker runs one at a time.
    by_status: dict[str, list[Enqueued]] = {}
    for e in jobs:
        by_status.setdefault(e.status, []).append(e)
    assert set(by_status) <= {"SUCCESSFUL", "READY", "RUNNING"}
    assert {e.slot for e in by_status.get("SUCCESSFUL", [])} <= set(ran_per_slot)
    assert not {e.slot for e in by_status.get("READY", [])} & set(ran_per_slot)
    orphaned = by_status.get("RUNNING", [])
    assert len(orphaned) <= 1 and all(e.worker_ids == [leader_id] for e in orphaned)

    # Who ran what: nothing by the dead leader after its death, only the newcomer at the end.
    def pids(since: datetime, until: datetime | None = None) -> set[int]:
        moments = ((datetime.fromisoformat(slot), pid) for slot, pid in runs)
        return {pid for at, pid in moments if since < at and (until is None or at < until)}

    assert pids(killed_at, stopped_at) and pids(killed_at) <= {survivor.pid, newcomer.pid}
    assert pids(stopped_at) == {newcomer.pid}
    later = [e for e in jobs if datetime.fromisoformat(e.slot) > stopped_at]
    assert all(e.worker_ids == [newcomer.worker_id] for e in later if e.status != "READY")


# --- the same rules in process, with a frozen clock ---------------------------------------------

IN_PROCESS_JOB = "test.in_process"


@pytest.fixture
def extra_jobs() -> Iterator[Callable[[PeriodicJob], None]]:
    added: list[str] = []

    def add(job: PeriodicJob) -> None:
        register(job)
        added.append(job.name)

    yield add
    for name in added:
        _EXTRA.pop(name, None)


def in_process_slots() -> list[str]:
    return sorted(e.slot for e in enqueued())


@pytest.mark.django_db
def test_the_first_worker_takes_a_fresh_lease_on_its_first_tick(
    frozen_clock: time_machine.Coordinates,
) -> None:
    assert not SchedulerLease.objects.exists()
    assert acquire_leadership("w1")
    assert lease_holder() == "w1"


@pytest.mark.django_db
def test_the_leader_renews_its_lease_and_loses_it_only_when_it_lapses(
    frozen_clock: time_machine.Coordinates,
) -> None:
    ttl = lease_ttl()
    assert acquire_leadership("w1")
    assert not acquire_leadership("w2")
    for _ in range(3):  # renewing before expiry keeps it, however long
        frozen_clock.shift(ttl - timedelta(seconds=1))
        assert acquire_leadership("w1")
        assert not acquire_leadership("w2")

    frozen_clock.shift(ttl + timedelta(seconds=1))  # w1 stalled past its lease
    assert acquire_leadership("w2")
    assert not acquire_leadership("w1")  # and cannot take it back while w2 renews
    release_leadership("w1")  # a stale leader's release does nothing
    assert lease_holder() == "w2"

    release_leadership("w2")  # a clean shutdown hands over at once
    assert acquire_leadership("w1")


@pytest.mark.django_db
def test_each_slot_is_enqueued_once_even_by_a_stale_leader(
    frozen_clock: time_machine.Coordinates, extra_jobs: Callable[[PeriodicJob], None]
) -> None:
    every = timedelta(minutes=1)
    extra_jobs(PeriodicJob(IN_PROCESS_JOB, plugins.record_slot.module_path, every))
    start = clock.now()

    assert IN_PROCESS_JOB in tick("w1")
    assert tick("w1") == [] and tick("w2") == []
    assert in_process_slots() == [start.isoformat()]

    # w1 stalls past its lease; w2 takes over before the next slot.
    frozen_clock.shift(lease_ttl() + timedelta(seconds=1))
    assert tick("w2") == []
    assert lease_holder() == "w2"

    # At the next slot w1 wakes, still believing it leads, and enqueues; w2 must not as well.
    frozen_clock.move_to(start + every)
    assert IN_PROCESS_JOB in enqueue_due_jobs("w1")  # with the product's minutely jobs
    assert tick("w2") == []
    assert in_process_slots() == [start.isoformat(), (start + every).isoformat()]

    # After downtime the missed slots are skipped, not run in a burst.
    frozen_clock.move_to(start + 10 * every + timedelta(seconds=5))
    assert IN_PROCESS_JOB in tick("w2")
    assert tick("w2") == []
    assert len(in_process_slots()) == 3
    state = PeriodicJobState.objects.get(name=IN_PROCESS_JOB)
    assert state.next_run_at == clock.now() + every
    assert state.last_enqueued_by == "w2"


@pytest.mark.django_db
def test_a_job_that_cannot_be_enqueued_does_not_stop_the_others(
    frozen_clock: time_machine.Coordinates,
    extra_jobs: Callable[[PeriodicJob], None],
    caplog: pytest.LogCaptureFixture,
) -> None:
    every = timedelta(minutes=1)
    extra_jobs(PeriodicJob(plugins.BROKEN_JOB, "tests.support.plugins.no_such_task", every))
    extra_jobs(PeriodicJob(IN_PROCESS_JOB, plugins.record_slot.module_path, every))

    names = tick("w1")

    assert IN_PROCESS_JOB in names and plugins.BROKEN_JOB not in names
    assert in_process_slots() == [clock.now().isoformat()]
    assert f"could not enqueue {plugins.BROKEN_JOB}" in caplog.text
    # The broken job stays due (its compare-and-set rolled back with the failed enqueue).
    broken = PeriodicJobState.objects.filter(name=plugins.BROKEN_JOB).first()
    assert broken is None or broken.next_run_at <= clock.now()
