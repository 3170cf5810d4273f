"""django-helpdesk's benchmark dataset: the same tickets as Partnerdesk's, from bench/content.py.

Runs INSIDE bench/var/peer-venv, on a database that `migrate` has just created (the peer's own
tables and indexes, nothing added), with DJANGO_SETTINGS_MODULE=peer.settings and DATABASE_URL
from the environment. bench/peer/side.py drives it; by hand:

    PYTHONPATH=bench DATABASE_URL=... bench/var/peer-venv/bin/python bench/peer/generate.py \
        --size 10k --out /tmp/facts.json

How Partnerdesk's data maps onto the peer's models (it has no customers, tags or SLA):
- the 50 agents are staff users (`agent00`…); every contact of the 1,000 customers is a
  non-staff user (username = e-mail), so a customer person can sign in and see "my tickets";
  every user gets the UserSettings row django-helpdesk's post_save signal would have made;
- one queue per ticket category;
- a ticket keeps its subject, description, requester (submitter_email), assignee, dates
  (created, modified = last activity) and status (new/open/pending…/on hold → Open, with
  on_hold set for on hold; resolved → Resolved; closed → Closed) and its priority from the
  severity (A → 1, B → 2 or 3, C → 4);
- follow-ups as django-helpdesk writes them: "Ticket Opened" with the description, one per
  message (`public=False` for internal notes), and "Resolved"/"Closed" with the new status;
- attachment metadata as FollowUpAttachment rows whose file is a path with no file behind it;
- watchers as TicketCC rows; tags and customers have no counterpart and are left out.

Rows go in with bulk_create in large batches and explicit ids; the sequences are moved past
them after, and PostgreSQL gets VACUUM ANALYZE (what autovacuum would do after a bulk load).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
import uuid
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent.parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peer.settings")

import django  # noqa: E402

django.setup()

import content  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core.management.color import no_style  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from helpdesk.models import (  # noqa: E402
    FollowUp,
    FollowUpAttachment,
    Queue,
    Ticket,
    TicketCC,
    UserSettings,
)

GENERATOR = 1  # bump when the mapping changes: side.py rebuilds datasets of another version
CHUNK = 5_000  # tickets per transaction
BATCH = 2_000  # rows per INSERT
TICKETS_FOR_PAGES = 200

OPEN, RESOLVED, CLOSED = Ticket.OPEN_STATUS, Ticket.RESOLVED_STATUS, Ticket.CLOSED_STATUS


def status_of(spec: content.TicketSpec) -> int:
    if spec.is_open:
        return OPEN
    return RESOLVED if spec.status == "resolved" else CLOSED


def priority_of(spec: content.TicketSpec) -> int:
    if spec.severity == "A":
        return 1
    if spec.severity == "B":
        return 2 + spec.n % 2
    return 4


def secret_of(n: int) -> str:
    return str(uuid.UUID(bytes=hashlib.md5(f"{content.SEED}-{n}".encode()).digest()))  # noqa: S324


class Loader:
    def __init__(self, size: int) -> None:
        self.size = size
        self.password = make_password(content.PASSWORD)  # one hash for every synthetic person
        self.agent_ids: list[int] = []
        self.contact_ids: dict[tuple[int, int], int] = {}
        self.contact_emails: dict[tuple[int, int], str] = {}
        self.agent_names: list[str] = []
        self.queue_ids: dict[str, int] = {}
        self.queue_slugs: dict[int, str] = {}
        self.next_followup = 1
        self.counts = {"tickets": 0, "followups": 0, "attachments": 0, "ccs": 0, "open": 0}
        self.ticket_ids: list[int] = []

    def people(self) -> None:
        users: list[User] = []
        uid = 0
        for agent in content.agents():
            uid += 1
            first, _, last = agent.name.partition(" ")
            username = agent.email.split("@")[0]
            users.append(
                User(
                    id=uid,
                    username=username,
                    email=agent.email,
                    first_name=first,
                    last_name=last,
                    is_staff=True,
                    password=self.password,
                )
            )
            self.agent_ids.append(uid)
            self.agent_names.append(agent.name)
        for customer in content.customers():
            for person in content.contacts(customer):
                uid += 1
                first, _, last = person.name.partition(" ")
                users.append(
                    User(
                        id=uid,
                        username=person.email[:150],
                        email=person.email,
                        first_name=first,
                        last_name=last,
                        password=self.password,
                    )
                )
                self.contact_ids[(customer.index, person.index)] = uid
                self.contact_emails[(customer.index, person.index)] = person.email
        with transaction.atomic():
            User.objects.bulk_create(users, batch_size=BATCH)
            UserSettings.objects.bulk_create(
                [UserSettings(user_id=user.id) for user in users], batch_size=BATCH
            )
            for i, category in enumerate(content.CATEGORIES):
                slug = category.replace("_", "-")
                queue = Queue.objects.create(  # save() also makes the queue's permission
                    title=category.replace("_", " ").capitalize(),
                    slug=slug,
                    email_address=f"{slug}@bench-partner.example",
                    allow_public_submission=i == 0,
                )
                self.queue_ids[category] = queue.id
                self.queue_slugs[queue.id] = slug

    def tickets(self) -> None:
        # The stream's dates must survive: bulk_create would stamp "now" on auto_now fields.
        Ticket._meta.get_field("created").auto_now_add = False
        Ticket._meta.get_field("modified").auto_now = False
        targets = iter(range(0, self.size, max(1, self.size // TICKETS_FOR_PAGES)))
        target = next(targets, None)
        for start in range(0, self.size, CHUNK):
            stop = min(self.size, start + CHUNK)
            tickets: list[Ticket] = []
            followups: list[FollowUp] = []
            attachments: list[FollowUpAttachment] = []
            ccs: list[TicketCC] = []
            for spec in content.tickets(self.size, start, stop):
                ticket = self.ticket(spec)
                tickets.append(ticket)
                followups += self.followups(spec, ticket, attachments)
                ccs += [
                    TicketCC(
                        ticket_id=ticket.id,
                        user_id=self.agent_ids[w],
                        can_view=True,
                        can_update=True,
                    )
                    for w in spec.watchers
                ]
                if target is not None and spec.n >= target and len(spec.messages) >= 2:
                    if len(self.ticket_ids) < TICKETS_FOR_PAGES:
                        self.ticket_ids.append(ticket.id)
                    target = next(targets, None)
            with transaction.atomic():
                Ticket.objects.bulk_create(tickets, batch_size=BATCH)
                FollowUp.objects.bulk_create(followups, batch_size=BATCH)
                FollowUpAttachment.objects.bulk_create(attachments, batch_size=BATCH)
                TicketCC.objects.bulk_create(ccs, batch_size=BATCH)
            self.counts["tickets"] += len(tickets)
            self.counts["followups"] += len(followups)
            self.counts["attachments"] += len(attachments)
            self.counts["ccs"] += len(ccs)
            print(f"  {stop:,} tickets", file=sys.stderr, flush=True)

    def ticket(self, spec: content.TicketSpec) -> Ticket:
        status = status_of(spec)
        if status == OPEN:
            self.counts["open"] += 1
        agent_replies = [m.body for m in spec.messages if m.agent is not None and not m.internal]
        resolution = None
        if status != OPEN:
            resolution = agent_replies[-1] if agent_replies else "Solved, see the conversation."
        return Ticket(
            id=spec.n + 1,
            title=spec.subject[:200],
            queue_id=self.queue_ids[spec.category],
            created=spec.created_at,
            modified=spec.last_activity_at,
            submitter_email=self.contact_emails[(spec.customer, spec.requester)],
            assigned_to_id=self.agent_ids[spec.assignee] if spec.assignee is not None else None,
            status=status,
            on_hold=spec.status == "on_hold",
            description=spec.description,
            resolution=resolution,
            priority=priority_of(spec),
            secret_key=secret_of(spec.n),
        )

    def followup(self, ticket: Ticket, **fields: Any) -> FollowUp:
        followup = FollowUp(id=self.next_followup, ticket_id=ticket.id, **fields)
        self.next_followup += 1
        return followup

    def followups(
        self, spec: content.TicketSpec, ticket: Ticket, attachments: list[FollowUpAttachment]
    ) -> list[FollowUp]:
        requester = self.contact_ids[(spec.customer, spec.requester)]
        if spec.assignee is not None:
            opened = f"Ticket Opened & Assigned to {self.agent_names[spec.assignee]}"
        else:
            opened = "Ticket Opened"
        out = [
            self.followup(
                ticket,
                date=spec.created_at,
                title=opened,
                comment=spec.description,
                public=True,
                user_id=requester,
            )
        ]
        for message in spec.messages:
            if message.agent is not None:
                user_id = self.agent_ids[message.agent]
            else:
                user_id = self.contact_ids[(spec.customer, message.contact or 0)]
            followup = self.followup(
                ticket,
                date=message.at,
                title="Comment",
                comment=message.body,
                public=not message.internal,
                user_id=user_id,
            )
            out.append(followup)
            if message.attachment:
                filename, mime_type, size = message.attachment
                slug = self.queue_slugs[ticket.queue_id]
                attachments.append(
                    FollowUpAttachment(
                        followup_id=followup.id,
                        file=(
                            f"helpdesk/attachments/{slug}-{ticket.id}-{ticket.secret_key}/"
                            f"{followup.id}/{filename}"
                        ),
                        filename=filename,
                        mime_type=mime_type,
                        size=size,
                    )
                )
        assignee = self.agent_ids[spec.assignee] if spec.assignee is not None else None
        if spec.resolved_at is not None:
            out.append(
                self.followup(
                    ticket,
                    date=spec.resolved_at,
                    title="Resolved",
                    comment=ticket.resolution,
                    public=True,
                    user_id=assignee,
                    new_status=RESOLVED,
                )
            )
        if spec.closed_at is not None:
            out.append(
                self.followup(
                    ticket,
                    date=spec.closed_at,
                    title="Closed",
                    comment="",
                    public=True,
                    user_id=assignee,
                    new_status=CLOSED,
                )
            )
        return out

    def finish(self) -> None:
        models = [User, UserSettings, Queue, Ticket, FollowUp, FollowUpAttachment, TicketCC]
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", required=True, help="10k, 100k, 1m, or a number of tickets")
    parser.add_argument("--out", required=True, type=Path, help="where to write the facts")
    args = parser.parse_args()
    size = content.SIZES.get(args.size) or int(args.size)

    began = time.perf_counter()
    loader = Loader(size)
    loader.people()
    loader.tickets()
    loader.finish()
    seconds = time.perf_counter() - began

    busy = content.customers()[content.BUSY_CUSTOMER]
    contact = content.contacts(busy)[0]
    agent = content.agents()[0]
    facts = {
        "tickets": loader.counts["tickets"],
        "open_tickets": loader.counts["open"],
        "followups": loader.counts["followups"],
        "attachments": loader.counts["attachments"],
        "ccs": loader.counts["ccs"],
        "users": len(loader.agent_ids) + len(loader.contact_ids),
        "seed": content.SEED,
        "generator": GENERATOR,
        "load_seconds": round(seconds, 1),
        "password": content.PASSWORD,
        "agent": {"email": agent.email, "username": agent.email.split("@")[0]},
        "contact": {"email": contact.email, "username": contact.email, "customer": busy.index},
        "customer_id": str(busy.index),
        "queues": loader.queue_ids,
        "ticket_ids": loader.ticket_ids,
        "words": {
            "common": content.COMMON_WORD,
            "rare": content.RARE_WORD,
            "none": content.NO_HIT_WORD,
        },
        "max_number": size,
    }
    args.out.write_text(json.dumps(facts, indent=1))
    print(f"loaded {size:,} tickets in {seconds:.1f}s", file=sys.stderr)


if __name__ == "__main__":
    main()
