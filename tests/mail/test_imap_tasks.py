"""Scheduling the polls: one task per active mailbox every minute, and one poll of a mailbox
at a time however many workers run."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from partnerdesk.config.schedule import JOBS
from partnerdesk.core.actor import Actor
from partnerdesk.mail import imap, tasks
from partnerdesk.mail.actions.mailboxes import (
    delete_mailbox,
    set_mailbox_active,
    take_poll_lease,
)
from partnerdesk.mail.models import Mailbox
from tests.kit import Workspace, make_workspace
from tests.mail.imap_helpers import Recorder, imap_mailbox, message
from tests.support.dovecot import Dovecot, dovecot  # noqa: F401


def test_the_scheduler_polls_every_minute() -> None:
    job = next(j for j in JOBS if j.name == "mail.poll_mailboxes")
    assert job.every == timedelta(minutes=1)
    assert job.resolve() is tasks.poll_mailboxes


@pytest.mark.django_db
def test_one_task_per_active_mailbox_of_every_workspace(
    ws: Workspace,
    other_ws: Workspace,
    dovecot: Dovecot,  # noqa: F811
) -> None:
    mine = imap_mailbox(ws, dovecot, dovecot.new_user()[0])
    theirs = imap_mailbox(other_ws, dovecot, dovecot.new_user()[0])
    paused = imap_mailbox(ws, dovecot, dovecot.new_user()[0])
    set_mailbox_active(ws.actor("global_admin"), mailbox=paused, active=False)

    assert tasks.poll_mailboxes.call() == 2

    queued = DBTaskResult.objects.filter(task_path=tasks.poll_mailbox.module_path)
    assert sorted(r.args_kwargs["kwargs"]["mailbox_id"] for r in queued) == sorted(
        [str(mine.pk), str(theirs.pk)]
    )


@pytest.mark.django_db
def test_the_poll_task_polls_and_skips_deleted_or_paused_mailboxes(
    ws: Workspace,
    dovecot: Dovecot,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    user, _ = dovecot.new_user()
    dovecot.append(user, message(1))
    mailbox = imap_mailbox(ws, dovecot, user)
    intake = Recorder()
    real_poll = imap.poll
    monkeypatch.setattr(imap, "poll", lambda m, **kw: real_poll(m, ingest=intake))

    assert tasks.poll_mailbox.call(mailbox_id=str(mailbox.pk)) == "imported 1"
    assert len(intake.calls) == 1
    set_mailbox_active(ws.actor("global_admin"), mailbox=mailbox, active=False)
    assert tasks.poll_mailbox.call(mailbox_id=str(mailbox.pk)) == "gone or paused"
    mailbox_id = str(mailbox.pk)
    delete_mailbox(ws.actor("global_admin"), mailbox=mailbox)
    assert tasks.poll_mailbox.call(mailbox_id=mailbox_id) == "gone or paused"


@pytest.mark.django_db
def test_a_poller_that_died_loses_the_mailbox_when_its_lease_runs_out(
    ws: Workspace,
    dovecot: Dovecot,  # noqa: F811
) -> None:
    user, _ = dovecot.new_user()
    dovecot.append(user, message(1))
    mailbox = imap_mailbox(ws, dovecot, user)
    system = Actor.system(partner_id=ws.partner.pk, reason="test")

    assert take_poll_lease(system, mailbox=mailbox, holder="alive", ttl=timedelta(minutes=5))
    assert imap.poll(mailbox, ingest=Recorder()).busy

    # The holder stopped (killed worker) and its lease ran out: the next poll takes over.
    assert take_poll_lease(system, mailbox=mailbox, holder="alive", ttl=timedelta(seconds=-1))
    report = imap.poll(mailbox, ingest=Recorder())
    assert not report.busy and report.imported == 1


@pytest.mark.django_db(transaction=True)
def test_two_polls_of_one_mailbox_at_once_take_turns(dovecot: Dovecot) -> None:  # noqa: F811
    """Two workers polling the same mailbox at the same moment: the second finds it being
    polled and leaves it; each message reaches the intake once, never two at a time."""
    ws = make_workspace()
    user, _ = dovecot.new_user()
    sent = [message(n) for n in range(3)]
    for raw in sent:
        dovecot.append(user, raw)
    mailbox = imap_mailbox(ws, dovecot, user)
    inside, go_on = threading.Event(), threading.Event()
    lock = threading.Lock()
    running = [0]
    most_at_once = [0]
    handed: list[bytes] = []

    def slow_intake(**call: Any) -> None:
        with lock:
            running[0] += 1
            most_at_once[0] = max(most_at_once[0], running[0])
        inside.set()
        go_on.wait(10)
        with lock:
            running[0] -= 1
            handed.append(call["raw"])

    outcome: dict[str, imap.PollReport] = {}

    def first_worker() -> None:
        try:
            outcome["first"] = imap.poll(Mailbox.objects.get(pk=mailbox.pk), ingest=slow_intake)
        finally:
            connection.close()

    worker = threading.Thread(target=first_worker)
    worker.start()
    try:
        assert inside.wait(10), "the first poll never reached the intake"
        second = imap.poll(Mailbox.objects.get(pk=mailbox.pk), ingest=slow_intake)
    finally:
        go_on.set()
        worker.join(30)

    assert second.busy and second.imported == 0
    assert outcome["first"].imported == 3
    assert handed == sent and most_at_once[0] == 1
    # Its turn now: nothing left, and the mailbox is free again.
    third = imap.poll(Mailbox.objects.get(pk=mailbox.pk), ingest=slow_intake)
    assert not third.busy and third.imported == 0
