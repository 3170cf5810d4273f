"""Loading a bench desk into the database Django is connected to (the build, and the tests).

`load_desk(...)` writes the workspace and its offering through the product's actions, the
people, customers and tags through the ORM in bulk (one password hash for everyone), then the
tickets in bulk from worker processes (gen_rows.py): executemany on SQLite, COPY on PostgreSQL.
With `bulk=True` (an empty database of its own) the secondary indexes and, on PostgreSQL, the
foreign keys of the ticket tables are dropped first and recreated from their own definitions
afterwards, and the FTS5 index on SQLite is built once at the end; the tests load with
`bulk=False` into their transaction, through the same row code.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import content
import gen_clocks
import gen_rows
import time_machine
from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from gen_rows import COLUMNS, Desk, Person
from gen_writers import MODELS, PostgresWriter, SqliteWriter, Writer

from partnerdesk.accounts import actions as accounts
from partnerdesk.accounts.actors import actor_for_membership
from partnerdesk.accounts.models import Membership, User
from partnerdesk.core import audit
from partnerdesk.core.actor import Actor
from partnerdesk.core.models import AuditChainHead, AuditEntry
from partnerdesk.customers.models import Contact, Customer, CustomerDomain
from partnerdesk.offering import actions as offering
from partnerdesk.partners import actions as partners
from partnerdesk.tickets.models import (
    Tag,
    TicketCounter,
)

SLUG = "bench-partner"
CHUNK = 1_000  # tickets per worker task
# The desk was set up a month before its first ticket (content.START).
SET_UP_AT = content.START - timedelta(days=30)


def totp_key_hex(seed: int) -> str:
    """agent00's authenticator secret (20 bytes, hex), from the seed."""
    return hashlib.sha1(f"{seed}/totp/agent00".encode()).hexdigest()  # noqa: S324


@dataclass
class Loaded:
    """What the manifest needs of a load."""

    desk: Desk
    api_token: str
    tickets: int
    rows: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def check_columns() -> None:
    """The columns gen_rows writes exist, and none the database needs is left out."""
    for name, columns in COLUMNS.items():
        model = MODELS[name]
        concrete = {f.column: f for f in model._meta.local_concrete_fields}
        unknown = set(columns) - set(concrete)
        if unknown:
            raise RuntimeError(f"{model.__name__} has no column(s) {sorted(unknown)}")
        for column, f in concrete.items():
            if column in columns or (f.primary_key and column == "id" and "id" not in columns):
                continue
            if not f.null and not f.has_default():
                raise RuntimeError(f"{model.__name__}.{column} is required but not written")


# --- the desk before its tickets ---------------------------------------------------------------


def _person_rows(
    seed: int,
    pid: uuid.UUID,
    password: str,
    people: Sequence[tuple[str, str, str, uuid.UUID | None]],  # key, name, email, customer
    role_of: Callable[[int], str],
) -> tuple[list[User], list[Membership]]:
    users, memberships = [], []
    at = SET_UP_AT
    for i, (key, name, email, customer) in enumerate(people):
        user = User(
            id=gen_rows.stable_uuid(seed, "user", key),
            email=email,
            full_name=name,
            password=password,
            language="en",
        )
        users.append(user)
        memberships.append(
            Membership(
                id=gen_rows.stable_uuid(seed, "membership", key),
                partner_id=pid,
                user=user,
                role=role_of(i),
                customer_id=customer,
                created_at=at,
            )
        )
    return users, memberships


def _plan(system: Actor) -> uuid.UUID:
    calendar = offering.create_calendar(
        system,
        changes=offering.CalendarChanges(
            name="Around the clock", time_zone="Europe/Berlin", always_open=True
        ),
    )
    targets = [
        offering.TargetInput(severity=s, clock=c, minutes=m, business_hours=False)
        for s, clocks in gen_clocks.TARGETS.items()
        for c, m in clocks.items()
    ]
    plan = offering.create_plan(
        system,
        changes=offering.PlanChanges(
            name="Bench 24x7",
            description="Every Microsoft cloud service we sell, around the clock.",
            support_kinds=list(content.CATEGORIES),
            calendar=calendar,
            languages=["en", "de"],
            currency="EUR",
            monthly_fee=None,
            is_published=True,
            position=0,
            targets=targets,
            channels=[
                offering.ChannelInput(kind="portal", address="https://bench-partner.example/"),
                offering.ChannelInput(kind="email", address="support@bench-partner.example"),
            ],
        ),
    )
    offering.set_default_plan(system, plan=plan)
    return plan.pk


class _Chain:
    """Appends to the workspace's audit chain in bulk (the product's hashing, one write)."""

    def __init__(self, partner_id: uuid.UUID) -> None:
        head = AuditChainHead.objects.get(partner_id=partner_id)
        self.partner_id, self.seq, self.last = partner_id, head.last_seq, head.last_hash
        self.entries: list[AuditEntry] = []

    def add(self, action: str, target: models.Model, *, customer_id: Any, data: dict[str, Any],
            personal: dict[str, Any]) -> None:  # fmt: skip
        self.seq += 1
        entry = AuditEntry(
            partner_id=self.partner_id,
            seq=self.seq,
            at=SET_UP_AT,
            actor_kind="system",
            actor_id="system",
            action=action,
            object_type=target._meta.label_lower,
            object_id=str(target.pk),
            customer_id=customer_id,
            data=data,
            personal=personal,
            prev_hash=self.last or audit.GENESIS,
        )
        entry.hash = audit.compute_hash(entry)
        self.last = entry.hash
        self.entries.append(entry)

    def save(self) -> None:
        AuditEntry.objects.bulk_create(self.entries, batch_size=2000)
        AuditChainHead.objects.filter(partner_id=self.partner_id).update(
            last_seq=self.seq, last_hash=self.last
        )


def set_up(*, seed: int, size: int, engine: str, positions: list[int]) -> tuple[Desk, str]:
    """The workspace, offering, staff, customers, contacts and tags; returns the desk and
    agent00's API token."""
    with time_machine.travel(SET_UP_AT, tick=True):
        workspace = partners.create_workspace(
            name="Bench Partner GmbH",
            slug=SLUG,
            time_zone="Europe/Berlin",
            default_language="en",
            support_email="support@bench-partner.example",
            support_phone="+49 89 5550100",
            support_website="https://bench-partner.example/support",
        )
        pid = workspace.pk
        system = Actor.system(partner_id=pid, reason="bench data")
        plan_id = _plan(system)
        password = make_password(content.PASSWORD)  # one hash for everyone
        with transaction.atomic():
            desk = _people(seed, size, engine, positions, pid, plan_id, password, workspace)
        agent00 = Membership.objects.select_related("user").get(pk=desk.agents[0].membership_id)
        from django_otp.plugins.otp_totp.models import TOTPDevice

        TOTPDevice.objects.create(
            user=agent00.user, name="Authenticator", confirmed=True, key=totp_key_hex(seed)
        )
        _token, secret = accounts.create_api_token(
            actor_for_membership(agent00, via="cli"), name="bench"
        )
    _forget_tasks()
    return desk, secret


def _people(
    seed: int,
    size: int,
    engine: str,
    positions: list[int],
    pid: uuid.UUID,
    plan_id: uuid.UUID,
    password: str,
    workspace: Any,
) -> Desk:
    chain = _Chain(pid)
    at = SET_UP_AT
    customers = content.customers()
    rows = [
        Customer(
            id=gen_rows.customer_id(seed, c.index),
            partner_id=pid,
            name=c.name,
            country=c.country,
            language="de" if c.country in ("DE", "AT", "CH") else "en",
            time_zone="Europe/Berlin",
            created_at=at,
        )
        for c in customers
    ]
    Customer.objects.bulk_create(rows, batch_size=1000)
    CustomerDomain.objects.bulk_create(
        [
            CustomerDomain(partner_id=pid, customer_id=r.pk, domain=c.domain)
            for r, c in zip(rows, customers, strict=True)
        ],
        batch_size=1000,
    )
    for r in rows:
        chain.add("customer.created", r, customer_id=r.pk, data={"domains": 1},
                  personal={"name": r.name})  # fmt: skip

    staff = [(f"agent{p.index}", p.name, p.email, None) for p in content.agents()]
    roles = {0: "helpdesk_agent", 1: "global_admin"}
    users, members = _person_rows(
        seed, pid, password, staff, lambda i: roles.get(i, "helpdesk_agent")
    )
    people: list[tuple[str, str, str, uuid.UUID | None]] = []
    contact_specs = []
    for c in customers:
        for p in content.contacts(c):
            people.append((f"contact{c.index}/{p.index}", p.name, p.email, rows[c.index].pk))
            contact_specs.append((c.index, p))
    c_users, c_members = _person_rows(seed, pid, password, people, lambda i: "contact")
    User.objects.bulk_create(users + c_users, batch_size=1000)
    Membership.objects.bulk_create(members + c_members, batch_size=1000)
    for m in members + c_members:
        chain.add("member.created", m, customer_id=m.customer_id, data={"role": m.role},
                  personal={"email": m.user.email})  # fmt: skip
    contacts = [
        Contact(
            id=gen_rows.stable_uuid(seed, "contact", ci, p.index),
            partner_id=pid,
            customer_id=rows[ci].pk,
            name=p.name,
            email=p.email,
            membership=m,
            created_at=at,
        )
        for (ci, p), m in zip(contact_specs, c_members, strict=True)
    ]
    Contact.objects.bulk_create(contacts, batch_size=1000)
    for contact in contacts:
        chain.add("contact.created", contact, customer_id=contact.customer_id,
                  data={"portal_login": True},
                  personal={"name": contact.name, "email": contact.email})  # fmt: skip
    Tag.objects.bulk_create([Tag(partner_id=pid, name=n) for n in content.TAG_NAMES])
    tag_ids = dict(Tag.objects.filter(partner_id=pid).values_list("name", "id"))
    chain.save()

    agents = [Person(m.pk, u.pk, u.full_name, u.email) for u, m in zip(users, members, strict=True)]
    by_customer: list[list[Person]] = [[] for _ in customers]
    for (ci, _p), contact, u, m in zip(contact_specs, contacts, c_users, c_members, strict=True):
        by_customer[ci].append(Person(m.pk, u.pk, contact.name, contact.email, contact.pk))
    return Desk(
        seed=seed,
        size=size,
        partner_id=pid,
        prefix=workspace.ticket_prefix,
        plan_id=plan_id,
        customer_ids=[r.pk for r in rows],
        customer_names=[r.name for r in rows],
        contacts=by_customer,
        agents=agents,
        tag_ids=[tag_ids[n] for n in content.TAG_NAMES],
        tag_names=list(content.TAG_NAMES),
        audit_base=chain.seq,
        engine=engine,
        positions=positions,
    )


def _forget_tasks() -> None:
    """Setting the default plan enqueued a recalculation of its (then no) tickets: drop it, or
    the first worker of a bench run would recalculate every open ticket of the loaded desk."""
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # another task backend: nothing stored to forget
        return
    DBTaskResult.objects.all().delete()


# --- the tickets -------------------------------------------------------------------------------


def _link(desk: Desk, audit_rows: list[tuple[Any, ...]], last: str) -> tuple[Any, str]:
    """Chain the tickets' audit entries in order; returns the encoded rows and the last hash."""
    encode = gen_rows.encode(desk.engine)
    out: list[Any] = []
    for seq, at, kind, actor, object_id, cid, data, personal, canonical in audit_rows:
        prev = last
        last = hashlib.sha256(canonical.replace(gen_rows.PREV, prev).encode()).hexdigest()
        values = (
            desk.partner_id, seq, at, kind, actor, "ticket.filed", "tickets.ticket", object_id,
            cid, data, personal, prev, last,
        )  # fmt: skip
        if desk.engine == "postgresql":
            out.append("\t".join(map(encode, values)))
        else:
            out.append(tuple(map(encode, values)))
    if desk.engine == "postgresql":
        return ("\n".join(out) + "\n") if out else "", last
    return out, last


def _results(desk: Desk, jobs: int) -> Iterator[tuple[int, dict[str, Any], list[Any]]]:
    bounds = list(gen_rows.chunks(len(desk.positions), CHUNK))
    gen_rows.DESK = desk
    if jobs <= 1 or len(bounds) < 4:
        for b in bounds:
            yield gen_rows.build_chunk(b)
        return
    context = multiprocessing.get_context("fork")
    with context.Pool(jobs) as pool:
        yield from pool.imap(gen_rows.build_chunk, bounds, chunksize=1)


def load_tickets(desk: Desk, *, bulk: bool, jobs: int = 1, quiet: bool = False) -> Loaded:
    """Write desk.positions' tickets; the audit chain and ticket counter follow them."""
    check_columns()
    writer: Writer = (
        PostgresWriter(bulk=bulk) if connection.vendor == "postgresql" else SqliteWriter(bulk=bulk)
    )
    head = AuditChainHead.objects.get(partner_id=desk.partner_id)
    desk.audit_base = head.last_seq  # the set-up's entries come first (workers fork later)
    last = head.last_hash
    counts = dict.fromkeys(COLUMNS, 0)
    began = time.perf_counter()
    shown = began
    done = 0
    writer.begin()
    for n, payload, audit_rows in _results(desk, jobs):
        payload["auditentry"], last = _link(desk, audit_rows, last)
        for name in COLUMNS:
            writer.write(name, payload[name])
            rows = payload[name]
            counts[name] += rows.count("\n") if isinstance(rows, str) else len(rows)
        done += n
        if done % (CHUNK * 20) == 0:
            writer.commit()
        now = time.perf_counter()
        if not quiet and (now - shown > 5 or done == len(desk.positions)):
            total = sum(counts.values())
            print(
                f"  {done:>9,} tickets  {total:>11,} rows  {total / (now - began):>9,.0f} rows/s"
                f"  {done / (now - began):>7,.0f} tickets/s",
                file=sys.stderr,
                flush=True,
            )
            shown = now
    writer.commit()
    loaded_at = time.perf_counter()
    AuditChainHead.objects.filter(partner_id=desk.partner_id).update(
        last_seq=desk.audit_base + len(desk.positions), last_hash=last
    )
    top = max(desk.positions, default=-1)
    TicketCounter.objects.update_or_create(
        partner_id=desk.partner_id, defaults={"last_number": content.NUMBER_BASE + top}
    )
    writer.commit()
    seconds = {"rows": loaded_at - began, **writer.finish()}
    return Loaded(desk=desk, api_token="", tickets=done, rows=counts, seconds=seconds)


def load_desk(
    *,
    size: int,
    positions: list[int] | None = None,
    seed: int = content.SEED,
    bulk: bool = False,
    jobs: int = 1,
    quiet: bool = False,
) -> Loaded:
    """The whole desk: set-up, then tickets `positions` (default: all of a `size` desk)."""
    if seed != content.SEED:
        raise ValueError("content.py has one seed; change content.SEED to change the data")
    engine = connection.vendor
    chosen = list(range(size)) if positions is None else sorted(positions)
    began = time.perf_counter()
    desk, secret = set_up(seed=seed, size=size, engine=engine, positions=chosen)
    set_up_seconds = time.perf_counter() - began
    if bulk and engine == "postgresql":
        connection.close()  # no connection is inherited by the worker processes
    loaded = load_tickets(desk, bulk=bulk, jobs=jobs, quiet=quiet)
    loaded.api_token = secret
    loaded.seconds["set_up"] = set_up_seconds
    return loaded
