"""Background tasks of the mail app."""

from __future__ import annotations

from django_tasks import task

from partnerdesk.core.actor import Actor

from . import access, imap, selectors

# --- polling mailboxes -------------------------------------------------------------------------


@task()
def poll_mailboxes(slot: str = "") -> int:
    """Every minute: one poll task per active mailbox of every workspace, so a slow or
    unreachable server holds up only its own mailbox. Returns how many were enqueued."""
    system = Actor.system(partner_id=None, reason="mail.poll_mailboxes")
    mailbox_ids = selectors.mailboxes_to_poll(system)
    for mailbox_id in mailbox_ids:
        poll_mailbox.enqueue(mailbox_id=str(mailbox_id))
    return len(mailbox_ids)


@task()
def poll_mailbox(mailbox_id: str) -> str:
    """Poll one mailbox, unless it was deleted or paused meanwhile or another worker is
    polling it right now (its lease); safe to run twice."""
    system = Actor.system(partner_id=None, reason="mail.poll_mailbox")
    mailbox = access.get_mailbox_for_poll(system, mailbox_id)
    if mailbox is None or not mailbox.is_active:
        return "gone or paused"
    report = imap.poll(mailbox)
    if report.busy:
        return "another poll is running"
    if report.error:
        return f"imported {report.imported}, then: {report.error}"
    return f"imported {report.imported}"
