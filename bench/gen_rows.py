"""The rows of one slice of tickets, as the ticket actions would have written them.

No database here: `build_chunk` turns content.TicketSpec objects into the rows of every ticket
table (ticket, messages, attachment metadata, tags, watchers, history, search document, SLA
clocks) plus each ticket's audit entry without its chain link, already encoded for the engine
(COPY text for PostgreSQL, tuples for sqlite3). It runs in worker processes; the loader
(gen_load.py) writes what it returns and links the audit chain in order.

What the filing and reply actions write (tickets/actions/filing.py, _common.py, labels.py,
sla.py) is mirrored here; what later features will fill (incident links) is not.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import content
from content import MessageSpec, TicketSpec
from gen_clocks import FR, NU, RES, Clocks
from gen_encode import LITE, PG
from gen_encode import encode as encode

from partnerdesk.sla import policy
from partnerdesk.tickets.search import document_texts

# Columns written per table (the loader checks them against the models; ids the database
# assigns are left out).
COLUMNS: dict[str, tuple[str, ...]] = {
    "ticket": (
        "id", "partner_id", "number", "customer_id", "requester_id", "subject", "description",
        "category", "service_id", "severity", "channel", "status", "is_open", "assignee_id",
        "merged_into_id", "created_by_id", "created_at", "last_activity_at", "resolved_at",
        "closed_at", "support_plan_id", "sla_due_at", "sla_state",
    ),
    "message": (
        "id", "partner_id", "ticket_id", "customer_id", "author_id", "author_contact_id",
        "body", "internal", "channel", "created_at",
    ),
    "attachment": (
        "id", "partner_id", "ticket_id", "message_id", "customer_id", "file", "filename",
        "content_type", "size", "sha256", "internal", "uploaded_by_id", "created_at",
    ),
    "tickettag": ("partner_id", "ticket_id", "tag_id"),
    "ticketwatcher": ("partner_id", "ticket_id", "membership_id"),
    "ticketevent": (
        "partner_id", "ticket_id", "kind", "actor_id", "actor_kind", "data", "internal", "at",
    ),
    "ticketsearchdocument": (
        "partner_id", "ticket_id", "customer_id", "requester_id", "public_text",
        "internal_text", "last_activity_at",
    ),
    "ticketclock": (
        "partner_id", "ticket_id", "kind", "state", "target", "business_hours", "cycle",
        "started_at", "elapsed", "running_since", "paused_since", "paused_total", "due_at",
        "warn_at", "warned_at", "breached_at", "stopped_at", "breached_by", "breaches",
    ),
    "auditentry": (
        "partner_id", "seq", "at", "actor_kind", "actor_id", "action", "object_type",
        "object_id", "customer_id", "data", "personal", "prev_hash", "hash",
    ),
}  # fmt: skip
TABLES = tuple(COLUMNS)
PREV = "@@PREV@@"  # stands for the previous audit hash until the loader links the chain


def stable_uuid(seed: int, *parts: object) -> uuid.UUID:
    """A version-4-shaped UUID that depends only on the seed and the parts."""
    digest = hashlib.md5(f"{seed}/{'/'.join(map(str, parts))}".encode()).digest()  # noqa: S324
    return uuid.UUID(bytes=digest, version=4)


def ticket_id(seed: int, n: int) -> uuid.UUID:
    return stable_uuid(seed, "ticket", n)


def customer_id(seed: int, index: int) -> uuid.UUID:
    return stable_uuid(seed, "customer", index)


@dataclass(frozen=True)
class Person:
    """Someone who acts on tickets: staff (membership) or a contact with a portal login."""

    membership_id: uuid.UUID
    user_id: uuid.UUID
    name: str
    email: str
    contact_id: uuid.UUID | None = None

    @property
    def kind(self) -> str:
        return "contact" if self.contact_id else "staff"


@dataclass
class Desk:
    """What the rows refer to, made by the loader before the tickets (sent to the workers)."""

    seed: int
    size: int
    partner_id: uuid.UUID
    prefix: str
    plan_id: uuid.UUID
    customer_ids: list[uuid.UUID]
    customer_names: list[str]
    contacts: list[list[Person]]  # per customer
    agents: list[Person]
    tag_ids: list[int]
    tag_names: list[str]
    audit_base: int  # the seq before the first ticket's audit entry
    engine: str  # "sqlite" or "postgresql"
    positions: list[int] = field(default_factory=list)  # ticket positions, in filing order


class Rows:
    """Rows per table, encoded as they are added."""

    def __init__(self, engine: str) -> None:
        self.engine = engine
        self.pg: dict[str, list[str]] = {t: [] for t in TABLES}
        self.lite: dict[str, list[tuple[object, ...]]] = {t: [] for t in TABLES}
        self.audit: list[tuple[object, ...]] = []  # raw values; the loader links and encodes

    def add(self, table: str, *values: object) -> None:
        if self.engine == "postgresql":
            encoders = PG
            self.pg[table].append("\t".join([encoders[type(v)](v) for v in values]))
        else:
            lite = LITE
            self.lite[table].append(tuple([lite[type(v)](v) for v in values]))

    def payload(self) -> dict[str, object]:
        if self.engine == "postgresql":
            return {t: ("\n".join(lines) + "\n") if lines else "" for t, lines in self.pg.items()}
        return dict(self.lite)

    def count(self, table: str) -> int:
        return len(self.pg[table] if self.engine == "postgresql" else self.lite[table])


# --- one ticket --------------------------------------------------------------------------------


def _event(
    rows: Rows,
    desk: Desk,
    tid: uuid.UUID,
    kind: str,
    who: Person | None,
    data: dict[str, object],
    at: datetime,
    *,
    internal: bool = False,
) -> None:
    rows.add(
        "ticketevent",
        desk.partner_id,
        tid,
        kind,
        who.membership_id if who else None,
        who.kind if who else "system",
        data,
        internal,
        at,
    )


def _status(
    rows: Rows, desk: Desk, tid: uuid.UUID, who: Person, old: str, new: str, at: datetime
) -> None:
    _event(rows, desk, tid, "status", who, {"from": old, "to": new}, at)


def ticket_rows(spec: TicketSpec, desk: Desk, rows: Rows, seq: int) -> None:
    """Every row of one ticket, as filing it and the replies, notes and changes since wrote."""
    seed, pid = desk.seed, desk.partner_id
    tid = ticket_id(seed, spec.n)
    number = content.NUMBER_BASE + spec.n
    cid = desk.customer_ids[spec.customer]
    people = desk.contacts[spec.customer]
    requester = people[spec.requester]
    agent = desk.agents[spec.assignee] if spec.assignee is not None else None
    # Phone tickets are typed in by an agent; the rest the requester files herself.
    filer = (agent or desk.agents[0]) if spec.channel == "phone" else requester
    created = spec.created_at

    _event(
        rows,
        desk,
        tid,
        "created",
        filer,
        {"severity": spec.severity, "category": spec.category, "channel": spec.channel},
        created,
    )
    clocks = Clocks(spec.severity)
    clocks.begin(FR, created)
    clocks.begin(RES, created)
    staff = agent or desk.agents[0]
    tag_names = [desk.tag_names[i] for i in spec.tags]
    for i in spec.tags:
        rows.add("tickettag", pid, tid, desk.tag_ids[i])
    for name in tag_names:
        _event(rows, desk, tid, "tagged", staff, {"tag": name}, created + timedelta(minutes=2))
    if agent is not None:
        _event(
            rows,
            desk,
            tid,
            "assigned",
            agent,
            {"from": None, "to": str(agent.membership_id)},
            created + timedelta(minutes=3),
        )
    for w in spec.watchers:
        watcher = desk.agents[w]
        rows.add("ticketwatcher", pid, tid, watcher.membership_id)
        _event(
            rows,
            desk,
            tid,
            "watching",
            watcher,
            {"membership_id": str(watcher.membership_id)},
            created + timedelta(minutes=4),
        )

    status = "new"
    texts: list[tuple[str, bool]] = []
    for i, message in enumerate(spec.messages):
        status = _message_rows(spec, desk, rows, tid, cid, i, message, clocks, status)
        texts.append((message.body, message.internal))
    last = spec.messages[-1].at if spec.messages else created
    if spec.is_open:
        if spec.status != status and spec.status != "new":
            at = last + timedelta(minutes=5)
            clocks.sweep(at)
            _status(rows, desk, tid, staff, status, spec.status, at)
            status = spec.status
            clocks.match_status(status, at)
    else:
        assert spec.resolved_at is not None
        clocks.sweep(spec.resolved_at)
        _status(rows, desk, tid, staff, status, "resolved", spec.resolved_at)
        clocks.apply(FR, policy.stop, spec.resolved_at)
        clocks.apply(NU, policy.cancel, spec.resolved_at)
        clocks.apply(RES, policy.stop, spec.resolved_at)
        if spec.closed_at is not None:
            _status(rows, desk, tid, staff, "resolved", "closed", spec.closed_at)
    clocks.sweep(content.END)
    for kind, clock, at in clocks.marks:
        data = {
            "clock": clock.kind,
            "cycle": clock.cycle,
            "due_at": clock.due_at.isoformat() if clock.due_at else None,
        }
        _event(rows, desk, tid, kind, None, data, at)
    sla_state, sla_due = policy.summary(clocks.clocks.values(), content.END)
    for clock in clocks.clocks.values():
        rows.add(
            "ticketclock",
            pid,
            tid,
            clock.kind,
            clock.state,
            clock.target,
            clock.business_hours,
            clock.cycle,
            clock.started_at,
            clock.elapsed,
            clock.running_since,
            clock.paused_since,
            clock.paused_total,
            clock.due_at,
            clock.warn_at,
            clock.warned_at,
            clock.breached_at,
            clock.stopped_at,
            clock.breached_by,
            clock.breaches,
        )
    rows.add(
        "ticket",
        tid,
        pid,
        number,
        cid,
        requester.contact_id,
        spec.subject[:250],
        spec.description,
        spec.category,
        None,
        spec.severity,
        spec.channel,
        spec.status,
        spec.is_open,
        agent.membership_id if agent else None,
        None,
        filer.membership_id,
        created,
        spec.last_activity_at,
        spec.resolved_at,
        spec.closed_at,
        desk.plan_id,
        sla_due,
        sla_state,
    )
    public_text, internal_text = document_texts(
        number=number,
        prefix=desk.prefix,
        subject=spec.subject[:250],
        description=spec.description,
        customer_name=desk.customer_names[spec.customer],
        requester_name=requester.name,
        requester_email=requester.email,
        tags=sorted(tag_names),
        messages=reversed(texts),  # newest first
    )
    rows.add(
        "ticketsearchdocument",
        pid,
        tid,
        cid,
        requester.contact_id,
        public_text,
        internal_text,
        spec.last_activity_at,
    )
    # The audit entry of the filing; `hash` and `prev_hash` are set by the loader.
    body = {
        "partner": str(pid),
        "seq": seq,
        "at": created.isoformat(timespec="microseconds"),
        "actor_kind": filer.kind,
        "actor_id": str(filer.user_id),
        "action": "ticket.filed",
        "object_type": "tickets.ticket",
        "object_id": str(tid),
        "customer": str(cid),
        "data": {"number": number, "severity": spec.severity},
        "prev": PREV,
    }
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    rows.audit.append(
        (
            seq,
            created,
            filer.kind,
            str(filer.user_id),
            str(tid),
            cid,
            body["data"],
            {"actor_name": filer.name, "actor_email": filer.email},
            canonical,
        )
    )


def _message_rows(
    spec: TicketSpec,
    desk: Desk,
    rows: Rows,
    tid: uuid.UUID,
    cid: uuid.UUID,
    i: int,
    message: MessageSpec,
    clocks: Clocks,
    status: str,
) -> str:
    """One reply or note (filing.reply); returns the status after it."""
    pid = desk.partner_id
    mid = stable_uuid(desk.seed, "message", spec.n, i)
    at = message.at
    if message.agent is not None:
        who = desk.agents[message.agent]
        channel = "agent"
    else:
        who = desk.contacts[spec.customer][message.contact or 0]
        channel = "email" if spec.channel == "email" else "portal"
    rows.add(
        "message",
        mid,
        pid,
        tid,
        cid,
        who.membership_id if who.kind == "staff" else None,
        who.contact_id,
        message.body,
        message.internal,
        channel,
        at,
    )
    _event(
        rows,
        desk,
        tid,
        "noted" if message.internal else "replied",
        who,
        {"message_id": str(mid)},
        at,
        internal=message.internal,
    )
    clocks.sweep(at)
    # Staff's first public reply opens a new ticket (unless the stream keeps it "new").
    opens = spec.status != "new"
    if not message.internal and who.kind == "staff" and status == "new" and opens:
        _status(rows, desk, tid, who, "new", "open", at)
        status = "open"
    if message.attachment is not None:
        filename, content_type, size = message.attachment
        aid = stable_uuid(desk.seed, "attachment", spec.n, i)
        rows.add(
            "attachment",
            aid,
            pid,
            tid,
            mid,
            cid,
            f"attachments/bench/{aid.hex}.bin",
            filename,
            content_type,
            size,
            hashlib.sha256(aid.bytes).hexdigest(),
            message.internal,
            who.membership_id,
            at,
        )
        _event(rows, desk, tid, "attached", who, {"files": [filename]}, at, internal=False)
    if not message.internal:
        if who.kind == "staff":
            clocks.apply(FR, policy.stop, at)
            clocks.restart(NU, at)
        elif NU in clocks.clocks:
            clocks.restart(NU, at)
    return status


# --- a chunk, in a worker process --------------------------------------------------------------

DESK: Desk | None = None  # set in the parent before the workers fork


def build_chunk(bounds: tuple[int, int]) -> tuple[int, dict[str, object], list[tuple[object, ...]]]:
    """Rows of desk.positions[start:stop]; returns (ticket count, payload per table, audit)."""
    desk = DESK
    assert desk is not None, "gen_rows.DESK is set by the loader"
    start, stop = bounds
    rows = Rows(desk.engine)
    for k, n in enumerate(desk.positions[start:stop]):
        ticket_rows(content.ticket(n, desk.size), desk, rows, desk.audit_base + start + k + 1)
    return stop - start, rows.payload(), rows.audit


def chunks(total: int, size: int) -> Iterable[tuple[int, int]]:
    for start in range(0, total, size):
        yield start, min(total, start + size)


def spread(positions: Sequence[int], count: int, size: int) -> list[int]:
    """`count` positions spread over the desk, each a ticket with two messages or more."""
    chosen: list[int] = []
    if not positions:
        return chosen
    step = max(1, len(positions) // count)
    for k in range(0, len(positions), step):
        for n in positions[k : k + step]:
            if len(content.ticket(n, size).messages) >= 2:
                chosen.append(n)
                break
        if len(chosen) == count:
            break
    return chosen
