"""Mail intake: a raw message becomes a ticket, a reply, a triage entry, a quarantine entry or
an ignored row with its reason. Never lost, never doubled.

Two steps.

1. `ingest` stores the raw bytes and an InboundMessage in state RECEIVED, in its own short
   transaction, and returns. A message seen before (the same bytes, or the same Message-ID in
   the workspace) returns the row already stored; the unique constraints decide a race. Only
   once `ingest` has returned may an IMAP poller flag or delete the message on the server, and
   may the pipe command tell the mail server "delivered".

2. `process` decides what the message is (routing.py) and does it through the tickets
   actions. Exactly once: the tickets actions run their own durable transactions, so the
   inbound row is moved out of RECEIVED *inside* the ticket's (or reply's) transaction, through
   the actions' `same_transaction` hook, with a conditional UPDATE (`state = RECEIVED`). If the
   process dies before that transaction commits, neither the ticket nor the state change
   exists and a retry files it; if it dies after, the row is no longer RECEIVED and nothing
   retries it. Two processes racing on one row (the pipe and the retry job) both may try: the
   second one's UPDATE matches no row, it raises `AlreadyProcessed`, and its ticket is rolled
   back with it (on PostgreSQL its UPDATE waits for the first transaction and re-reads the row;
   SQLite runs write transactions one at a time).

   Every other outcome (triage, quarantine, ignored) is the same conditional UPDATE on its own.
   `attempts` counts processing runs that started: an unexpected exception leaves the row
   RECEIVED with the error in `detail`; the scheduled job (`process_left_behind`) runs it again
   after a minute; the fifth failed or crashed run quarantines it (internal_error), so a message
   that kills its worker cannot do so forever.

Follow-ups that are not part of the filing itself (the internal note naming refused
attachments, or saying that the customer was recognised only by its mail domain) are written
right after the ticket in their own transaction; a crash in that gap loses the note, not the
mail (the refused files are also in the row's `detail`).
"""

from __future__ import annotations

import hashlib
import logging
import os
import uuid
from datetime import timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from partnerdesk.core import clock
from partnerdesk.core.actor import Actor

from .. import selectors
from ..models import InboundMessage, InboundState, Mailbox, Source
from ..parsed import ParsedMessage, Refused
from .headers import read_headers, suppresses_acknowledgement

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
RETRY_AFTER = timedelta(minutes=1)


class AlreadyProcessed(Exception):
    """Another run already moved this message out of RECEIVED; this run's writes roll back."""


# --- step 1 -----------------------------------------------------------------------------------


def ingest(
    *,
    workspace_id: uuid.UUID,
    raw: bytes,
    source: str,
    mailbox: Mailbox | None = None,
    process_later: bool = True,
) -> InboundMessage:
    """Store a raw message (state RECEIVED) and return its row; a message seen before returns
    the row stored then, and nothing new is stored. Commits before it returns.

    A new message is processed by a background task (`process_later`) unless the caller runs
    `process` itself (`receive` does); the scheduled retry catches a task that never ran."""
    if source not in Source.values:
        raise ValueError(f"unknown mail source {source!r}")
    digest = hashlib.sha256(raw).hexdigest()
    seen = selectors.inbound_by_bytes(workspace_id=workspace_id, sha256=digest)
    if seen is not None:
        return seen
    facts = read_headers(raw)
    seen = selectors.inbound_by_message_id(workspace_id=workspace_id, message_id=facts.message_id)
    if seen is not None:
        return seen
    inbound = InboundMessage(
        id=uuid.uuid4(),
        partner_id=workspace_id,
        mailbox=mailbox,
        source=source,
        message_id=facts.message_id,
        sha256=digest,
        size=len(raw),
        received_at=clock.now(),
        sender=facts.sender,
        subject=facts.subject,
        state=InboundState.RECEIVED,
    )
    # The file first: a row never points at bytes that are not on disk. A crash before the
    # row commits leaves an unreferenced file, never a row without its message.
    inbound.raw.save(f"{inbound.id.hex}.eml", ContentFile(raw), save=False)
    _sync_to_disk(inbound)
    try:
        with transaction.atomic(durable=True):
            inbound.save(force_insert=True)
            if process_later:
                transaction.on_commit(lambda: _enqueue(inbound.pk))
    except IntegrityError:
        inbound.raw.delete(save=False)
        seen = selectors.inbound_by_bytes(
            workspace_id=workspace_id, sha256=digest
        ) or selectors.inbound_by_message_id(workspace_id=workspace_id, message_id=facts.message_id)
        if seen is None:
            raise
        return seen
    return inbound


def _enqueue(inbound_id: uuid.UUID) -> None:
    from ..intake_tasks import process_inbound

    try:
        process_inbound.enqueue(inbound_id=str(inbound_id))
    except Exception:  # the message is stored; the scheduled retry processes it instead
        logger.exception("could not enqueue processing of mail %s", inbound_id)


def stored_message(inbound_id: str | uuid.UUID) -> InboundMessage | None:
    """The stored message a task names (system work, any workspace); None when it is gone."""
    try:
        pk = inbound_id if isinstance(inbound_id, uuid.UUID) else uuid.UUID(str(inbound_id))
    except ValueError:
        return None
    return InboundMessage.objects.filter(pk=pk).first()


def _sync_to_disk(inbound: InboundMessage) -> None:
    """fsync the stored file where the storage is a local file system: the mail server or IMAP
    server forgets the message once we say we have it."""
    try:
        path = inbound.raw.path
    except NotImplementedError:
        return
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def receive(
    *, workspace_id: uuid.UUID, raw: bytes, source: str, mailbox: Mailbox | None = None
) -> InboundMessage:
    """Both steps, for the pipe and the IMAP poller: store, then process if still RECEIVED.

    An error after storing is not the caller's problem (the message is safe and the scheduled
    job retries it); an error while storing is raised, so the caller keeps the message.
    """
    inbound = ingest(
        workspace_id=workspace_id, raw=raw, source=source, mailbox=mailbox, process_later=False
    )
    if inbound.state != InboundState.RECEIVED:
        return inbound
    try:
        return process(inbound)
    except Exception:  # stored is what counts here; the scheduled retry does the rest
        logger.exception("mail %s stored, processing failed; it will be retried", inbound.pk)
        return inbound


# --- step 2 -----------------------------------------------------------------------------------


def read_raw(inbound: InboundMessage) -> bytes:
    with inbound.raw.open("rb") as stored:
        data: bytes = stored.read()
    return data


def _reload(inbound: InboundMessage) -> InboundMessage:
    return InboundMessage.objects.get(pk=inbound.pk)


def mark(inbound: InboundMessage, *, state: str, **fields: Any) -> None:
    """Move a RECEIVED row to its outcome, inside the caller's transaction; AlreadyProcessed
    if another run got there first."""
    fields = {"state": state, "processed_at": clock.now(), **fields}
    updated = InboundMessage.objects.filter(pk=inbound.pk, state=InboundState.RECEIVED).update(
        **fields
    )
    if not updated:
        raise AlreadyProcessed(str(inbound.pk))
    for name, value in fields.items():
        setattr(inbound, name, value)


def finish(inbound: InboundMessage, *, state: str, **fields: Any) -> InboundMessage:
    """`mark` in a transaction of its own."""
    with transaction.atomic(durable=True):
        mark(inbound, state=state, **fields)
    return inbound


def _claim(inbound: InboundMessage) -> InboundMessage | None:
    """Count this run; None when the row is no longer RECEIVED. A row whose earlier runs all
    failed or died is quarantined instead of being run a sixth time."""
    with transaction.atomic(durable=True):
        updated = InboundMessage.objects.filter(
            pk=inbound.pk, state=InboundState.RECEIVED, attempts__lt=MAX_ATTEMPTS
        ).update(attempts=F("attempts") + 1)
        row = InboundMessage.objects.get(pk=inbound.pk)
        if updated:
            return row
        if row.state != InboundState.RECEIVED:
            return None
        mark(
            row,
            state=InboundState.QUARANTINED,
            reason="internal_error",
            detail=ngettext(
                "Processing failed %(n)s time; the last error: %(error)s",
                "Processing failed %(n)s times; the last error: %(error)s",
                row.attempts,
            )
            % {"n": row.attempts, "error": row.detail or _("the process stopped")},
        )
    return None


def process(inbound: InboundMessage, *, release: bool = False) -> InboundMessage:
    """Decide what a RECEIVED message is and make it so (see the module docstring). Returns the
    row as it is afterwards; a row no longer RECEIVED is returned unchanged.

    `release` is an agent's reprocessing: the sender's flood hold does not apply to it.
    """
    from .routing import route

    claimed = _claim(inbound)
    if claimed is None:
        return _reload(inbound)
    try:
        try:
            parsed = _parse(read_raw(claimed))
        except Refused as refused:
            return finish(
                claimed,
                state=InboundState.QUARANTINED,
                reason=refused.code[:40],
                detail=refused.detail,
            )
        return route(claimed, parsed, release=release)
    except AlreadyProcessed:
        return _reload(inbound)
    except Exception as error:  # unexpected: kept RECEIVED, retried, then held
        logger.exception("processing mail %s failed (attempt %s)", claimed.pk, claimed.attempts)
        return _failed(claimed, error)


def _parse(raw: bytes) -> ParsedMessage:
    """The parser in its own process, under a time and memory limit."""
    from ..parsing import parse_isolated  # imports heavy libraries; only step 2 needs them

    return parse_isolated(raw)


def _failed(inbound: InboundMessage, error: Exception) -> InboundMessage:
    detail = f"{type(error).__name__}: {error}"[:2000]
    with transaction.atomic(durable=True):
        if inbound.attempts >= MAX_ATTEMPTS:
            InboundMessage.objects.filter(pk=inbound.pk, state=InboundState.RECEIVED).update(
                state=InboundState.QUARANTINED,
                reason="internal_error",
                detail=ngettext(
                    "Processing failed %(n)s time; the last error: %(error)s",
                    "Processing failed %(n)s times; the last error: %(error)s",
                    inbound.attempts,
                )
                % {"n": inbound.attempts, "error": detail},
                processed_at=clock.now(),
            )
        else:
            InboundMessage.objects.filter(pk=inbound.pk, state=InboundState.RECEIVED).update(
                detail=detail
            )
    return _reload(inbound)


def process_left_behind(*, limit: int = 200) -> int:
    """Process RECEIVED messages older than a minute (a crash between the two steps, or an
    error); the scheduled job. Returns how many were run."""
    stale = selectors.left_behind(received_before=clock.now() - RETRY_AFTER, limit=limit)
    for inbound in stale:
        try:
            process(inbound)
        except Exception:  # one bad row must not stop the others
            logger.exception("retrying mail %s failed", inbound.pk)
    return len(stale)


# --- what the outbound side asks ----------------------------------------------------------------


def wants_acknowledgement(inbound: InboundMessage) -> bool:
    """Whether an automatic answer (the acknowledgement of a new ticket) may go to the sender:
    never to auto-generated mail, and not when the sender asked for none
    (X-Auto-Response-Suppress: All, AutoReply or OOF). The suppression header alone never
    stops the mail from becoming a ticket; it only stops the automatic answer."""
    if inbound.auto_generated:
        return False
    try:
        facts = read_headers(read_raw(inbound))
    except OSError:
        return False
    return not suppresses_acknowledgement(facts.suppress)


def system_actor(inbound: InboundMessage) -> Actor:
    return Actor.system(partner_id=inbound.partner_id, reason="mail intake")


def parsed_facts(parsed: ParsedMessage) -> dict[str, Any]:
    """What the row records about the sender, whatever the outcome."""
    return {
        "sender": (parsed.sender.email or "")[:320],
        "subject": parsed.subject,
        "snippet": " ".join((parsed.reply_text or parsed.text).split())[:300],
        "authentication": {
            "results": [
                {"method": r.method, "result": r.result, "domain": r.domain}
                for r in parsed.authentication
            ]
        },
    }
