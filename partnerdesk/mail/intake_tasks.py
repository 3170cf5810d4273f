"""Background tasks of mail intake (the IMAP poller's own tasks live in tasks.py)."""

from __future__ import annotations

from django_tasks import task

from .actions import intake


@task()
def process_inbound(inbound_id: str) -> str:
    """Step 2 for a message an IMAP poll stored (enqueued when it was stored); safe to run
    twice: a message no longer RECEIVED is left as it is."""
    inbound = intake.stored_message(inbound_id)
    if inbound is None:
        return "gone"
    return intake.process(inbound).state


@task()
def retry_left_behind(slot: str = "") -> int:
    """Every minute: messages stored but still RECEIVED a minute later (a crash between the
    steps, a lost task, an error) are processed again; the fifth failure quarantines one."""
    return intake.process_left_behind()
