"""The mail bench's child process: Django set up against a dataset, the corpus fed through the
product (bench/mail.py runs it as `python bench/mail.py child <command> …`)."""

from __future__ import annotations

import hashlib
import json
import random
import statistics
import sys
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import content
import mail_corpus as corpus
from load import percentile
from mail import CLOSED_REPLY_SHARE, MAIL_DIR, TARGET_RATIO, VARIANTS, WARMUP
from servers import ROOT

# --- the child: Django --------------------------------------------------------------------------


def _setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _ms(ns: int) -> float:
    return round(ns / 1e6, 3)


def _summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "p50": round(percentile(ordered, 0.50), 3),
        "p95": round(percentile(ordered, 0.95), 3),
        "mean": round(statistics.fmean(ordered), 3) if ordered else 0.0,
        "max": round(ordered[-1], 3) if ordered else 0.0,
    }


def _workspace(manifest: dict[str, Any]) -> Any:
    from partnerdesk.partners.models import Partner

    return Partner.objects.get(slug=manifest["workspace_slug"])


def _sender(customer: content.Customer, person: content.Person) -> corpus.Sender:
    return corpus.Sender(person.name, person.email, customer.name)


def _inputs(
    manifest: dict[str, Any], variant: str
) -> tuple[list[tuple[content.TicketSpec, corpus.Sender]], list[corpus.Thread]]:
    """New requests (the content stream's tickets after the dataset's last, so the same mix of
    customers and text) and threads (tickets of the manifest's `ticket_ids`) to answer."""
    from partnerdesk.customers.models import Contact
    from partnerdesk.mail import tokens
    from partnerdesk.tickets.enums import Status
    from partnerdesk.tickets.models import Message, Ticket

    workspace = _workspace(manifest)
    size = int(manifest["tickets"])
    limit = int(manifest.get("customers", content.CUSTOMERS))
    everyone = content.customers()
    wanted_requests, wanted_replies = corpus.needed()
    requests = []
    n = size + 5_000 * VARIANTS[variant]
    while len(requests) < wanted_requests + 20:
        spec = content.ticket(n, size)
        n += 1
        if spec.customer >= limit:
            continue
        customer = everyone[spec.customer]
        requests.append((spec, _sender(customer, content.contacts(customer)[spec.requester])))

    # Answers go mostly to open tickets (the newest), some to closed ones (a follow-up ticket).
    rng = random.Random(content.SEED + VARIANTS[variant])
    given = Ticket.objects.select_related("customer", "requester").in_bulk(
        list(manifest["ticket_ids"])
    )
    newest_open = (
        Ticket.objects.select_related("customer", "requester")
        # The dataset's own tickets: those the page scenarios filed just before (create_api)
        # may be for the workspace's own customer, which has no contacts to reply.
        .filter(partner_id=workspace.pk, is_open=True, requester__isnull=False)
        .order_by("-number")[:400]
    )
    pool_open = {t.pk: t for t in [*given.values(), *newest_open] if t.status != Status.CLOSED}
    pool_closed = [t for t in given.values() if t.status == Status.CLOSED]
    closed_share = round(wanted_replies * CLOSED_REPLY_SHARE) if pool_closed else 0
    chosen = rng.sample(
        sorted(pool_open.values(), key=lambda t: t.number),
        k=min(len(pool_open), wanted_replies - closed_share),
    )
    chosen += rng.sample(
        sorted(pool_closed, key=lambda t: t.number), k=min(len(pool_closed), closed_share)
    )
    while len(chosen) < wanted_replies:  # a small desk: some tickets answered twice
        chosen.append(rng.choice(chosen))
    rng.shuffle(chosen)
    threads = []
    for ticket in chosen:
        contact = ticket.requester
        if contact is None or not contact.is_active:
            contact = Contact.objects.filter(customer=ticket.customer, is_active=True).first()
        if contact is None:
            raise RuntimeError(f"ticket {ticket.number}: its customer has no active contact")
        token = tokens.token_for(
            partner_id=workspace.pk,
            ticket_id=ticket.pk,
            prefix=workspace.ticket_prefix,
            number=ticket.number,
        )
        unique = hashlib.sha256(f"{ticket.pk}".encode()).hexdigest()[:32]
        quoted = tuple(
            (
                message.author_contact.name if message.author_contact else "Support",
                message.body,
            )
            for message in Message.objects.filter(ticket=ticket, internal=False)
            .select_related("author_contact")
            .order_by("-created_at")[:2]
        )
        threads.append(
            corpus.Thread(
                token=token,
                subject=ticket.subject,
                our_message_id=tokens.message_id(token, unique=unique),
                contact=corpus.Sender(contact.name, contact.email, ticket.customer.name),
                quoted=quoted,
                expect="ticket" if ticket.status == Status.CLOSED else "reply",
            )
        )
    return requests, threads


def _realistic(manifest: dict[str, Any], variant: str, nonce: str) -> list[corpus.Mail]:
    requests, threads = _inputs(manifest, variant)
    mails = corpus.realistic(requests=requests, threads=threads, nonce=f"{nonce}{variant[0]}")
    if variant == "warmup":
        mails = [m for m in mails if m.kind != "reply"][:WARMUP]
    _write(manifest, variant, mails)
    return mails


def _hostile(manifest: dict[str, Any], nonce: str) -> list[corpus.Mail]:
    customer = content.customers()[1]
    mails = corpus.hostile(sender=_sender(customer, content.contacts(customer)[0]), nonce=nonce)
    _write(manifest, "hostile", mails)
    return mails


def _write(manifest: dict[str, Any], variant: str, mails: list[corpus.Mail]) -> None:
    folder = MAIL_DIR / "corpus" / f"{manifest.get('engine')}-{manifest.get('size')}" / variant
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.eml"):
        old.unlink()
    for mail in mails:
        (folder / f"{mail.name}.eml").write_bytes(mail.raw)


def stdlib_parse(raw: bytes) -> None:
    """(a): what PERFORMANCE.md compares with."""
    import email
    import email.policy

    message = email.message_from_bytes(raw, policy=email.policy.default)
    body = message.get_body(("html", "plain"))
    if body is not None:
        body.get_content()
    for part in message.walk():
        if part is not body and not part.is_multipart():
            part.get_content()


class _Timers:
    """Wrap intake's own steps to time them inside `receive`."""

    def __init__(self) -> None:
        self.current: dict[str, int] = {}

    def wrap(self, module: Any, name: str, key: str) -> None:
        original = getattr(module, name)
        timers = self

        def timed(*args: Any, **kwargs: Any) -> Any:
            began = time.perf_counter_ns()
            try:
                return original(*args, **kwargs)
            finally:
                took = time.perf_counter_ns() - began
                timers.current[key] = timers.current.get(key, 0) + took

        setattr(module, name, timed)


def child_mail(manifest: dict[str, Any]) -> dict[str, Any]:
    from django.db import connection

    from partnerdesk.core import clock
    from partnerdesk.mail import parsing
    from partnerdesk.mail.actions import intake, routing
    from partnerdesk.mail.models import InboundMessage

    workspace = _workspace(manifest)
    nonce = uuid.uuid4().hex[:12]
    started = clock.now()
    mails = _realistic(manifest, "measure", nonce)
    warmup = _realistic(manifest, "warmup", nonce)

    # (a) and (c): one warm-up pass, one measured pass.
    rows: list[dict[str, Any]] = [
        {"name": m.name, "kind": m.kind, "bytes": len(m.raw), "expect": m.expect} for m in mails
    ]
    for key, run in (("stdlib_ms", stdlib_parse), ("parse_ms", parsing.parse)):
        for mail in mails:
            run(mail.raw)
        for row, mail in zip(rows, mails, strict=True):
            began = time.perf_counter_ns()
            run(mail.raw)
            row[key] = _ms(time.perf_counter_ns() - began)
    # (d): the parse server starts on first use.
    for mail in mails[:WARMUP]:
        parsing.parse_isolated(mail.raw)
    for row, mail in zip(rows, mails, strict=True):
        began = time.perf_counter_ns()
        parsing.parse_isolated(mail.raw)
        row["isolated_ms"] = _ms(time.perf_counter_ns() - began)

    # (b): end to end, with its steps timed.
    timers = _Timers()
    timers.wrap(intake, "ingest", "ingest")
    timers.wrap(intake, "_sync_to_disk", "fsync")
    timers.wrap(intake, "_claim", "claim")
    timers.wrap(intake, "_parse", "pipeline_parse")
    timers.wrap(routing, "route", "route")
    queries = {"count": 0, "ns": 0}

    def counting(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        began = time.perf_counter_ns()
        try:
            return execute(sql, params, many, context)
        finally:
            queries["count"] += 1
            queries["ns"] += time.perf_counter_ns() - began

    for mail in warmup:
        intake.receive(workspace_id=workspace.pk, raw=mail.raw, source="pipe")
    ids = []
    for row, mail in zip(rows, mails, strict=True):
        timers.current = {}
        queries.update(count=0, ns=0)
        began = time.perf_counter_ns()
        with connection.execute_wrapper(counting):
            inbound = intake.receive(workspace_id=workspace.pk, raw=mail.raw, source="pipe")
        row["e2e_ms"] = _ms(time.perf_counter_ns() - began)
        for key in ("ingest", "fsync", "claim", "pipeline_parse", "route"):
            row[f"{key}_ms"] = _ms(timers.current.get(key, 0))
        row["queries"] = queries["count"]
        row["db_ms"] = _ms(queries["ns"])
        row["state"] = inbound.state
        row["reason"] = inbound.reason
        ids.append(inbound.pk)

    stored = {m.pk: m for m in InboundMessage.objects.filter(pk__in=ids)}
    for row, pk in zip(rows, ids, strict=True):
        row["state"] = stored[pk].state  # as committed
        row["reason"] = stored[pk].reason
    result = _mail_result(manifest, rows)
    result["outbox_items_queued"] = _park_outbox(since=started)
    return result


def _park_outbox(*, since: Any) -> int:
    """Mark the mail queued since `since` (notifications of the tickets the bench filed) as
    delivered: a production worker would have sent it meanwhile. Left pending, the next
    phase's worker would spend many minutes delivering it before it reached any mail task
    (each worker step delivers up to 20 outbox items, then runs one task)."""
    from partnerdesk.core.models import OutboxItem

    return OutboxItem.objects.filter(status="pending", created_at__gte=since).update(
        status="delivered", delivered_at=since
    )


def _mail_result(manifest: dict[str, Any], rows: list[dict[str, Any]]) -> dict[str, Any]:
    def column(key: str, subset: list[dict[str, Any]] = rows) -> list[float]:
        return [float(r[key]) for r in subset]

    timings = {
        key: _summary(column(key))
        for key in (
            *("stdlib_ms", "parse_ms", "isolated_ms", "e2e_ms"),
            *("ingest_ms", "fsync_ms", "claim_ms", "pipeline_parse_ms", "route_ms", "db_ms"),
        )
    }
    mean = {key: value["mean"] for key, value in timings.items()}
    stdlib_mean = mean["stdlib_ms"] or 1e-9
    # Where the mean end-to-end time goes (ms), each part measured in the same run.
    split = {
        "parse (in-process)": mean["parse_ms"],
        "isolation (fork, pickling, pipes)": mean["pipeline_parse_ms"] - mean["parse_ms"],
        "store (file + row + commit)": mean["ingest_ms"] - mean["fsync_ms"],
        "fsync of the raw file": mean["fsync_ms"],
        "claim (attempts + 1, commit)": mean["claim_ms"],
        "routing and filing": mean["route_ms"],
        "other": mean["e2e_ms"]
        - mean["ingest_ms"]
        - mean["claim_ms"]
        - mean["pipeline_parse_ms"]
        - mean["route_ms"],
    }
    by_kind = {}
    for kind in sorted({r["kind"] for r in rows}):
        subset = [r for r in rows if r["kind"] == kind]
        by_kind[kind] = {
            "messages": len(subset),
            "bytes_mean": round(statistics.fmean(column("bytes", subset))),
            "stdlib_ms": round(statistics.fmean(column("stdlib_ms", subset)), 3),
            "e2e_ms": round(statistics.fmean(column("e2e_ms", subset)), 3),
            "ratio": round(
                statistics.fmean(column("e2e_ms", subset))
                / (statistics.fmean(column("stdlib_ms", subset)) or 1e-9),
                1,
            ),
        }
    states = Counter(r["state"] for r in rows)
    wrong = [
        {"name": r["name"], "expect": r["expect"], "state": r["state"], "reason": r["reason"]}
        for r in rows
        if r["state"] != r["expect"]
    ]
    ratio_mean = mean["e2e_ms"] / stdlib_mean
    return {
        "engine": manifest.get("engine"),
        "size": manifest.get("size"),
        "messages": len(rows),
        "bytes_mean": round(statistics.fmean(column("bytes"))),
        "timings_ms": timings,
        "ratio": round(ratio_mean, 1),  # of the means: total time end to end / stdlib
        "ratio_p50": round(timings["e2e_ms"]["p50"] / (timings["stdlib_ms"]["p50"] or 1e-9), 1),
        "target_ratio": TARGET_RATIO,
        "met": ratio_mean <= TARGET_RATIO,
        "split_ms": {key: round(value, 3) for key, value in split.items()},
        "queries_mean": round(statistics.fmean(column("queries")), 1),
        "by_kind": by_kind,
        "outcome": {
            "tickets": states.get("ticket", 0),
            "replies": states.get("reply", 0),
            "quarantined": states.get("quarantined", 0),
            "other": sum(v for k, v in states.items() if k not in ("ticket", "reply")),
            "as_expected": not wrong,
            "unexpected": wrong[:20],
        },
        "rows_file": str(_rows_file(manifest, rows)),
    }


def _rows_file(manifest: dict[str, Any], rows: list[dict[str, Any]]) -> Path:
    """Every message's figures, beside the corpus (too many for the results file)."""
    path = MAIL_DIR / f"rows-{manifest.get('engine')}-{manifest.get('size')}.json"
    path.write_text(json.dumps(rows, indent=0))
    return path


def child_ingest(manifest: dict[str, Any], phase: str) -> dict[str, Any]:
    """Store one set with processing left to the worker; wait until none is RECEIVED."""
    from partnerdesk.core import clock
    from partnerdesk.mail.actions import intake
    from partnerdesk.mail.models import InboundMessage, InboundState

    workspace = _workspace(manifest)
    nonce = uuid.uuid4().hex[:12]
    started = clock.now()
    if phase == "realistic":
        mails = _realistic(manifest, "worker", nonce)
    else:
        mails = _hostile(manifest, nonce)
    began = time.monotonic()
    ids = []
    for mail in mails:
        inbound = intake.ingest(
            workspace_id=workspace.pk, raw=mail.raw, source="imap", process_later=True
        )
        ids.append(inbound.pk)
    stored_seconds = time.monotonic() - began
    deadline = began + float(manifest.get("_wait_seconds", 600))
    queued = 0
    while time.monotonic() < deadline:
        queued += _park_outbox(since=started)  # see _park_outbox: no starved mail tasks
        if not InboundMessage.objects.filter(pk__in=ids, state=InboundState.RECEIVED).exists():
            break
        time.sleep(1.0)
    waited = time.monotonic() - began
    rows = InboundMessage.objects.in_bulk(ids)
    messages = []
    for mail, pk in zip(mails, ids, strict=True):
        row = rows[pk]
        outcome = (
            row.state if row.state != InboundState.QUARANTINED else f"quarantined:{row.reason}"
        )
        took = (row.processed_at - row.received_at).total_seconds() if row.processed_at else None
        messages.append(
            {
                "name": mail.name,
                "kind": mail.kind,
                "bytes": len(mail.raw),
                "expect": mail.expect,
                "outcome": outcome,
                "detail": (row.detail or "")[:200],
                "attempts": row.attempts,
                "seconds": round(took, 3) if took is not None else None,
            }
        )
    outcomes = Counter(m["outcome"] for m in messages)
    return {
        "messages": messages if phase == "hostile" else [],
        "count": len(messages),
        "outcomes": dict(outcomes),
        "left_received": outcomes.get("received", 0),
        "unexpected": [m for m in messages if m["outcome"] not in m["expect"].split("|")][:20],
        "stored_seconds": round(stored_seconds, 2),
        "done_seconds": round(waited, 2),
        "outbox_items_queued": queued + _park_outbox(since=started),
    }


# --- a stand-in dataset (development only) ------------------------------------------------------


def child_standin(manifest: dict[str, Any]) -> dict[str, Any]:
    """60 customers of the content stream with their contacts, 300 tickets with a reply each."""
    from partnerdesk.core import events
    from partnerdesk.core.actor import Actor
    from partnerdesk.customers import actions as customers
    from partnerdesk.mail.actions.filing import contact_actor
    from partnerdesk.partners.actions import create_workspace
    from partnerdesk.tickets import actions as tickets

    workspace = create_workspace(name="Bench Partner", slug=manifest["workspace_slug"])
    system = Actor.system(partner_id=workspace.pk, reason="bench stand-in")
    limit = int(manifest["customers"])
    made: dict[int, tuple[Any, list[Any]]] = {}
    with events.context(notify=False):
        for customer in content.customers()[:limit]:
            row = customers.create_customer(system, name=customer.name, domains=[customer.domain])
            people = [
                customers.create_contact(system, customer=row, name=p.name, email=p.email)
                for p in content.contacts(customer)
            ]
            made[customer.index] = (row, people)
        ids = []
        for spec in content.tickets(10_000, 0, 5_000):
            if spec.customer >= limit:
                continue
            row, people = made[spec.customer]
            actor = contact_actor(people[spec.requester])
            filed = tickets.file_ticket(
                actor,
                customer=row,
                requester=people[spec.requester],
                subject=spec.subject,
                description=spec.description,
                category="how_to",
                severity="B",
                channel="portal",
            )
            tickets.reply(actor, ticket=filed.ticket, body="Any news on this?")
            ids.append(str(filed.ticket.pk))
            if len(ids) == manifest["tickets"]:
                break
    return {**manifest, "ticket_ids": ids[:200]}
