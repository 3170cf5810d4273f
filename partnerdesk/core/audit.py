"""The audit log: append-only, hash-chained per workspace.

Each entry's hash covers the previous entry's hash and every field except `personal`, so
editing, deleting or reordering a row breaks the chain at that row, while personal data can
still be erased without breaking it. `verify_chain` finds the first broken link.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, models

from . import clock
from .actor import Actor
from .models import AuditChainHead, AuditEntry

GENESIS = "0" * 64


def _canonical(entry: AuditEntry) -> bytes:
    body = {
        "partner": str(entry.partner_id),
        "seq": entry.seq,
        "at": entry.at.isoformat(timespec="microseconds"),
        "actor_kind": entry.actor_kind,
        "actor_id": entry.actor_id,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "customer": str(entry.customer_id) if entry.customer_id else None,
        "data": entry.data,
        "prev": entry.prev_hash,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), default=str).encode()


def compute_hash(entry: AuditEntry) -> str:
    return hashlib.sha256(_canonical(entry)).hexdigest()


def _describe(target: Any) -> tuple[str, str]:
    if target is None:
        return "", ""
    if isinstance(target, models.Model):
        return target._meta.label_lower, str(target.pk)
    return type(target).__name__.lower(), str(target)


def record(
    actor: Actor,
    action: str,
    target: Any = None,
    *,
    partner_id: uuid.UUID | None = None,
    customer_id: uuid.UUID | None = None,
    data: dict[str, Any] | None = None,
    personal: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry to the workspace's chain, inside the caller's transaction.

    `data` is chained and must hold no personal data; `personal` (names, e-mail addresses,
    IPs) is stored beside it, erasable. `customer_id` marks an action done on behalf of a
    customer.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("audit.record must run inside the action's transaction")
    workspace = partner_id or actor.partner_id
    if workspace is None:
        raise ValueError("An audit entry needs a workspace")
    # Create the head once; then lock it so appends to one chain are serialised.
    AuditChainHead.objects.bulk_create(
        [AuditChainHead(partner_id=workspace)], ignore_conflicts=True
    )
    head = AuditChainHead.objects.select_for_update().get(partner_id=workspace)
    object_type, object_id = _describe(target)
    pii = dict(personal or {})
    if actor.display_name and not actor.is_system:
        pii.setdefault("actor_name", actor.display_name)
    if actor.email:
        pii.setdefault("actor_email", actor.email)
    entry = AuditEntry(
        partner_id=workspace,
        seq=head.last_seq + 1,
        at=clock.real_now(),
        actor_kind=str(actor.kind),
        actor_id=actor.audit_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        customer_id=customer_id,
        data=json.loads(json.dumps(data or {}, default=str)),
        personal=pii,
        prev_hash=head.last_hash or GENESIS,
    )
    entry.hash = compute_hash(entry)
    entry.save()
    AuditChainHead.objects.filter(partner_id=workspace).update(
        last_seq=entry.seq, last_hash=entry.hash
    )
    return entry


def erase_personal_data(*, actor_id: str) -> int:
    """Blank the erasable part of every entry by this actor; the chain stays valid."""
    return AuditEntry.objects.filter(actor_id=actor_id).exclude(personal={}).update(personal={})


@dataclass(frozen=True)
class BrokenLink:
    partner_id: uuid.UUID
    seq: int
    reason: str


def _entries(partner_id: uuid.UUID) -> Iterator[AuditEntry]:
    return AuditEntry.objects.filter(partner_id=partner_id).order_by("seq").iterator(2000)


def verify_chain(partner_id: uuid.UUID) -> BrokenLink | None:
    """Walk one workspace's chain; return the first broken link, or None if intact."""
    expected_prev = GENESIS
    expected_seq = 1
    for entry in _entries(partner_id):
        if entry.seq != expected_seq:
            return BrokenLink(partner_id, expected_seq, "entry missing (sequence gap)")
        if entry.prev_hash != expected_prev:
            return BrokenLink(partner_id, entry.seq, "previous-hash link does not match")
        if compute_hash(entry) != entry.hash:
            return BrokenLink(partner_id, entry.seq, "entry content was changed")
        expected_prev = entry.hash
        expected_seq += 1
    head = AuditChainHead.objects.filter(partner_id=partner_id).first()
    if head is not None and head.last_seq != expected_seq - 1:
        return BrokenLink(partner_id, expected_seq, "entries missing at the end of the chain")
    if head is not None and head.last_seq and head.last_hash != expected_prev:
        return BrokenLink(partner_id, head.last_seq, "last entry does not match the chain head")
    return None


def chained_workspaces() -> list[uuid.UUID]:
    return list(AuditChainHead.objects.order_by("partner_id").values_list("partner_id", flat=True))
