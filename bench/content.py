"""The benchmark's data, as plain Python: the same tickets for Partnerdesk and for the peer.

Pure standard library (the peer's generator imports it from its own virtual environment).
Ticket `n` depends only on (seed, n): any slice of the stream can be built on its own, and
10k, 100k and 1M share their first tickets' shape but not their dates (every size spans the
same three years, so a bigger desk is a busier desk, not an older one).

What the scenarios rely on:
- `COMMON_WORD` is in the public text of about 30 % of tickets, `RARE_WORD` in one ticket in
  10,000 (`is_rare`), `NO_HIT_WORD` in none.
- Open tickets are mostly the newest: about 3 % of all tickets are open at any size.
- `customer_of(n)` spreads tickets over `CUSTOMERS` customers with a long tail: customer 0
  (`BUSY_CUSTOMER`) files about 3 % of all tickets, the quietest a handful.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}
CUSTOMERS = 1_000
CONTACTS_PER_CUSTOMER = 3
AGENTS = 50
TAGS = 40
SEED = 20261121
# Every size's tickets are created in these three years; the bench's "now" is END.
START = datetime(2023, 11, 16, 8, 0, tzinfo=UTC)
END = datetime(2026, 11, 16, 8, 0, tzinfo=UTC)
PASSWORD = "bench-password-2026"  # every generated person's; the data is synthetic

COMMON_WORD = "outlook"
RARE_WORD = "zephyrlink"
NO_HIT_WORD = "quuxplorator"
BUSY_CUSTOMER = 0
RARE_EVERY = 10_000

STATUSES_OPEN = ("new", "open", "pending_customer", "pending_vendor", "on_hold")
CATEGORIES = (
    "account_setup",
    "accounts_billing",
    "how_to",
    "updates",
    "configuration",
    "connectivity",
    "performance",
    "subscription",
)
SEVERITIES = ("A", "B", "C")
CHANNELS = ("portal", "email", "api", "phone")

_TOPICS: dict[str, list[str]] = {
    "mail": [
        "Since this morning {COMMON} keeps asking for the password again and again.",
        "Several colleagues cannot send mail from {COMMON}; the web version works.",
        "The shared mailbox of the {dept} team no longer shows up in {COMMON}.",
        "Calendar invitations sent from {COMMON} arrive twice at external partners.",
        "Our {COMMON} profile on the new laptop is stuck at 'Loading profile'.",
    ],
    "licence": [
        "We need {k} more licences for the new colleagues in {dept}.",
        "The invoice of {month} lists {k} seats but we only use {j}.",
        "Please move {k} users from the Business Basic plan to Business Standard.",
        "A licence assigned to a former employee should be freed for reuse.",
        "The renewal of our annual subscription is due in {month}; please confirm the price.",
    ],
    "teams": [
        "Teams meetings drop after about {k} minutes for people working from home.",
        "External guests cannot join the Teams channel of the {dept} project.",
        "Screen sharing in Teams shows a black window on the second monitor.",
        "The Teams phone number of the {dept} hotline stopped ringing.",
    ],
    "azure": [
        "The virtual machine {host} in West Europe does not start after the resize.",
        "Our Azure SQL database hits its DTU limit every night at {k} o'clock.",
        "Backups of {host} failed {j} times this week with error {code}.",
        "Please raise the vCPU quota in West Europe to {k} cores.",
        "The storage account of the {dept} archive refuses uploads with 403.",
    ],
    "access": [
        "A new colleague in {dept} needs access to the SharePoint site and the printers.",
        "Multi-factor sign-in fails for {j} users after they changed their phones.",
        "The account of an apprentice is locked after too many attempts.",
        "Conditional access blocks sign-ins from our branch office since {month}.",
    ],
    "device": [
        "Intune does not install the new VPN profile on {j} laptops.",
        "The enrolment of {k} new tablets stops at the compliance check.",
        "Windows updates are pending on {host} for {j} days now.",
    ],
}
_TOPIC_NAMES = tuple(_TOPICS)
_REPLIES_AGENT = [
    "Thank you for the details. I have checked the service health: no known incident.",
    "I have reset the settings for the affected users; please try again and tell me.",
    "We have opened a service request with the vendor and will update you by {month}.",
    "Could you send a screenshot of the error message and the time it happened?",
    "The change is done: {k} licences are now assigned. Please check the admin centre.",
    "I have restarted {host} and the service answers again.",
    "The vendor confirmed the cause and rolled out a fix for error {code}.",
]
_REPLIES_CONTACT = [
    "It happened again at {k}:15 today for {j} people.",
    "Here is the screenshot you asked for; the error code is {code}.",
    "Thank you, it works now.",
    "Unfortunately nothing changed; the problem is still there.",
    "Could you give us an update, please? The {dept} team is waiting.",
]
_NOTES = [
    "Customer called, asked for a quicker answer. Escalated internally.",
    "Checked the admin relationship: the role is granted until {month}.",
    "Vendor case {code} opened, severity B.",
    "Looks like the same root cause as last month's ticket for this customer.",
]
_DEPTS = ("sales", "finance", "logistics", "reception", "engineering", "legal", "support")
_MONTHS = ("January", "March", "April", "June", "September", "October", "December")
_FIRST = ("Anna", "Jonas", "Lena", "Tim", "Maria", "Lukas", "Sophie", "Felix", "Laura", "Paul")
_LAST = ("Berger", "Weber", "Fischer", "Schulz", "Huber", "Wagner", "Bauer", "Koch", "Wolf")
_ORG_A = ("Alpen", "Isar", "Nord", "Sued", "Berg", "Wald", "See", "Stadt", "Land", "Donau")
_ORG_B = ("bau", "werke", "technik", "logistik", "kanzlei", "praxis", "haus", "handel")
_ATTACHMENTS = (
    ("screenshot.png", "image/png", 182_000),
    ("error-log.txt", "text/plain", 14_200),
    ("invoice.pdf", "application/pdf", 96_000),
    ("export.csv", "text/csv", 41_000),
)
TAG_NAMES = tuple(f"{word}-{i}" for i, word in enumerate(["vip", "vendor", "billing", "mfa"] * 10))


@dataclass(frozen=True)
class Customer:
    index: int
    name: str
    domain: str
    country: str


@dataclass(frozen=True)
class Person:
    index: int
    name: str
    email: str


@dataclass(frozen=True)
class MessageSpec:
    """One reply or note. `agent` is an index into `agents()`, `contact` into the customer's
    contacts (0..CONTACTS_PER_CUSTOMER-1); exactly one of them is set."""

    body: str
    at: datetime
    internal: bool = False
    agent: int | None = None
    contact: int | None = None
    attachment: tuple[str, str, int] | None = None  # filename, content type, size


@dataclass(frozen=True)
class TicketSpec:
    n: int  # 0-based position in the stream; the ticket's number is NUMBER_BASE + n
    customer: int
    requester: int  # index among the customer's contacts
    subject: str
    description: str
    category: str
    severity: str
    channel: str
    status: str
    assignee: int | None
    created_at: datetime
    last_activity_at: datetime
    resolved_at: datetime | None
    closed_at: datetime | None
    messages: tuple[MessageSpec, ...] = field(default_factory=tuple)
    tags: tuple[int, ...] = ()
    watchers: tuple[int, ...] = ()

    @property
    def is_open(self) -> bool:
        return self.status in STATUSES_OPEN


NUMBER_BASE = 1001


def customers() -> list[Customer]:
    rng = random.Random(SEED)
    out = []
    for i in range(CUSTOMERS):
        a, b = rng.choice(_ORG_A), rng.choice(_ORG_B)
        country = rng.choices(("DE", "AT", "CH", "US", "CN"), weights=(70, 12, 10, 5, 3))[0]
        out.append(Customer(i, f"{a}{b} {i:04d} GmbH", f"{a}{b}{i:04d}.example".lower(), country))
    return out


def contacts(customer: Customer) -> list[Person]:
    rng = random.Random(SEED + 7919 * (customer.index + 1))
    people = []
    for j in range(CONTACTS_PER_CUSTOMER):
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        email = f"{first}.{last}.{j}@{customer.domain}".lower()
        people.append(Person(j, f"{first} {last}", email))
    return people


def agents() -> list[Person]:
    rng = random.Random(SEED + 1)
    out = []
    for i in range(AGENTS):
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        out.append(Person(i, f"{first} {last}", f"agent{i:02d}@bench-partner.example"))
    return out


def customer_of(n: int, rng: random.Random) -> int:
    """A long tail: customer 0 files about 3 % of all tickets, the first 100 about a third."""
    return min(CUSTOMERS - 1, int(rng.random() ** 2 * CUSTOMERS))


def is_rare(n: int) -> bool:
    return n % RARE_EVERY == RARE_EVERY // 2


def _fill(text: str, rng: random.Random) -> str:
    return text.format(
        COMMON=COMMON_WORD.capitalize(),
        dept=rng.choice(_DEPTS),
        month=rng.choice(_MONTHS),
        k=rng.randint(2, 40),
        j=rng.randint(2, 12),
        host=f"srv-{rng.randint(1, 400):03d}",
        code=f"0x{rng.randint(0, 0xFFFFFF):06X}",
    )


def ticket(n: int, size: int) -> TicketSpec:
    """Ticket `n` (0-based) of a desk of `size` tickets."""
    rng = random.Random(SEED * 1_000_003 + n)
    span = (END - START).total_seconds()
    created = START + timedelta(seconds=span * (n + rng.random()) / size)
    age_share = n / size  # 0 oldest .. 1 newest
    topic = rng.choice(_TOPIC_NAMES)
    if topic == "mail" or rng.random() < 0.2:
        # About 30 % in all: the mail topic itself (1/6) plus a fifth of the rest.
        lines = [_fill(rng.choice(_TOPICS["mail"]), rng)]
    else:
        lines = []
    pool = _TOPICS["licence" if topic == "mail" else topic]
    lines += [_fill(line, rng) for line in rng.sample(pool, k=min(len(pool), rng.randint(1, 3)))]
    if is_rare(n):
        lines.append(f"The {RARE_WORD.capitalize()} gateway reports an unknown tenant.")
    subject = lines[0].split(";")[0].split(".")[0][:120]
    description = " ".join(lines)
    customer = customer_of(n, rng)
    # Open: most of the newest 4 %, and a few stale ones anywhere.
    is_open = rng.random() < (0.7 if age_share > 0.96 else 0.003)
    status = rng.choice(STATUSES_OPEN) if is_open else rng.choice(("resolved", "closed", "closed"))
    assignee = None if (is_open and rng.random() < 0.25) else rng.randrange(AGENTS)
    requester = rng.randrange(CONTACTS_PER_CUSTOMER)

    at = created
    messages = []
    for i in range(rng.choice((0, 1, 1, 2, 2, 3, 3, 4, 5, 7))):
        at = at + timedelta(minutes=rng.randint(5, 60 * 30))
        if at > END:
            break
        kind = "agent" if i % 2 == 0 else "contact"
        if kind == "agent" and rng.random() < 0.2:
            body = _fill(rng.choice(_NOTES), rng)
            messages.append(MessageSpec(body, at, internal=True, agent=assignee or 0))
            continue
        attachment = rng.choice(_ATTACHMENTS) if rng.random() < 0.1 else None
        if kind == "agent":
            body = _fill(rng.choice(_REPLIES_AGENT), rng)
            messages.append(MessageSpec(body, at, agent=assignee or 0, attachment=attachment))
        else:
            body = _fill(rng.choice(_REPLIES_CONTACT), rng)
            messages.append(MessageSpec(body, at, contact=requester, attachment=attachment))
    last = max(created, at if messages else created)
    resolved = closed = None
    if not is_open:
        resolved = min(END, last + timedelta(minutes=rng.randint(10, 600)))
        last = resolved
        if status == "closed":
            closed = min(END, resolved + timedelta(days=rng.randint(1, 7)))
            last = closed
    tags = tuple(sorted(rng.sample(range(TAGS), k=rng.choice((0, 0, 1, 1, 2, 3)))))
    watchers = (rng.randrange(AGENTS),) if rng.random() < 0.1 else ()
    return TicketSpec(
        n=n,
        customer=customer,
        requester=requester,
        subject=subject,
        description=description,
        category=rng.choice(CATEGORIES),
        severity=rng.choices(SEVERITIES, weights=(5, 35, 60))[0],
        channel=rng.choice(CHANNELS),
        status=status,
        assignee=assignee,
        created_at=created,
        last_activity_at=last,
        resolved_at=resolved,
        closed_at=closed,
        messages=tuple(messages),
        tags=tags,
        watchers=watchers,
    )


def tickets(size: int, start: int = 0, stop: int | None = None) -> Iterator[TicketSpec]:
    """Tickets start..stop-1 of a desk of `size` tickets."""
    for n in range(start, size if stop is None else stop):
        yield ticket(n, size)


if __name__ == "__main__":  # a look at the stream: python bench/content.py
    import sys
    import time

    size = SIZES[sys.argv[1]] if len(sys.argv) > 1 else 10_000
    began = time.perf_counter()
    specs = list(tickets(size, 0, min(size, 20_000)))
    took = time.perf_counter() - began
    common = sum(COMMON_WORD in s.description.lower() for s in specs) / len(specs)
    open_ = sum(s.is_open for s in specs) / len(specs)
    msgs = sum(len(s.messages) for s in specs) / len(specs)
    busy = sum(s.customer == BUSY_CUSTOMER for s in specs) / len(specs)
    print(f"{len(specs)} tickets in {took:.2f}s; common {common:.0%}, open {open_:.1%},")
    print(f"{msgs:.1f} messages each, busiest customer {busy:.1%}")
    print(specs[-1])
