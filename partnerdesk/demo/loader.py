"""The demo workspace of JOURNEYS.md, loaded once by `make run`.

Everything is written through the actions, as people would: the workspace, its customers and
contacts, the logins, the support offering, and about fifty tickets with replies, notes, tags,
assignees, a merge. Each story step runs under `clock.replaying(at)`, so what the actions derive
from the time (history, SLA clocks and due times) is what it was then; a few stamps the actions
take from the database are still moved back afterwards (a listed exemption in core/tenancy.py).
The audit log keeps the real times: it is hash-chained and tells the truth.
"""

from __future__ import annotations

import uuid
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Max

from partnerdesk.accounts import actions as accounts
from partnerdesk.accounts.actors import actor_for_membership
from partnerdesk.accounts.models import Membership
from partnerdesk.accounts.permissions import Role, permissions_for
from partnerdesk.catalog.selectors import service_by_code
from partnerdesk.core import clock, events
from partnerdesk.core.actor import Actor, ActorKind
from partnerdesk.customers import actions as customers
from partnerdesk.customers import selectors as customer_selectors
from partnerdesk.customers.models import Contact, Customer
from partnerdesk.partners import actions as partners
from partnerdesk.partners.enums import Instance, PartnerType
from partnerdesk.partners.selectors import workspace_exists
from partnerdesk.tickets import actions as tickets
from partnerdesk.tickets import search
from partnerdesk.tickets.models import Message, Ticket, TicketEvent
from partnerdesk.tickets.tasks import sweep_sla

from .canned import load_canned_replies
from .offering import load_offering
from .organisations import (
    CONTACTS,
    CUSTOMERS,
    LOGINS,
    OWN_DOMAINS,
    STAFF,
    WORKSPACE_TENANT,
    DemoLogin,
)
from .script import Step, Story
from .services import load_services
from .stories_everyday import EVERYDAY_STORIES
from .stories_international import INTERNATIONAL_STORIES
from .stories_journeys import JOURNEY_STORIES
from .stories_trades import TRADES_STORIES

__all__ = ["LOGINS", "PASSWORD", "SLUG", "STORIES", "DemoLogin", "load_demo"]

SLUG = "nordwind-it"
PASSWORD = "nordwind-demo-2026"  # noqa: S105 - published demo login
ZONE = zoneinfo.ZoneInfo("Europe/Berlin")
STORIES: list[Story] = [
    *JOURNEY_STORIES,
    *EVERYDAY_STORIES,
    *TRADES_STORIES,
    *INTERNATIONAL_STORIES,
]


def load_demo() -> bool:
    """Create the demo workspace unless it exists. Returns True if it was created now.

    Nobody is mailed about the demo's history: its people are made up."""
    if workspace_exists(slug=SLUG):
        return False
    with events.context(notify=False):
        _load()
    return True


def _load() -> None:
    workspace = partners.create_workspace(
        name="Nordwind IT GmbH",
        slug=SLUG,
        instance=Instance.GLOBAL,
        partner_type=PartnerType.DIRECT_BILL,
        time_zone="Europe/Berlin",
        default_language="de",
        mpn_id="4711001",
        tenant_id=WORKSPACE_TENANT,
        support_email="support@nordwind-it.example",
        support_phone="+49 89 1234567",
        support_website="https://nordwind-it.example/support",
    )
    system = Actor.system(partner_id=workspace.pk, reason="demo data")
    organisations = _customers(system)
    logins = _logins(system, organisations)
    contacts = _contacts(system, organisations, logins)
    load_canned_replies(system)
    load_offering(system, organisations=organisations, today=clock.now().astimezone(ZONE).date())
    playback = _Playback(
        workspace_id=workspace.pk,
        customers=organisations,
        contacts=contacts,
        logins=logins,
    )
    playback.play(STORIES)
    _backdate_people(workspace.pk, before=playback.earliest - timedelta(days=60))
    # After the stories: today's incidents must not link themselves to last month's tickets.
    load_services(system, organisations=organisations, logins=logins, now=clock.now())
    # What the minutely sweep would have marked by now: warnings and breaches of open tickets.
    sweep_sla.call()


# --- people ----------------------------------------------------------------------------------


def _customers(system: Actor) -> dict[str, Customer]:
    found = {}
    for demo in CUSTOMERS:
        found[demo.key] = customers.create_customer(
            system,
            name=demo.name,
            tenant_id=uuid.UUID(demo.tenant_id),
            domains=demo.domains,
            country=demo.country,
            language=demo.language,
            time_zone=demo.time_zone,
            notes=demo.notes,
        )
    own = customer_selectors.own_tenant(system)
    assert own is not None, "create_workspace makes the own tenant"
    found["own"] = customers.update_customer(
        system,
        customer=own,
        changes=customers.CustomerChanges(
            domains=OWN_DOMAINS,
            country="DE",
            notes="Unser eigener Tenant: Support dafür ist nicht Teil des CSP-Vorteils.",
        ),
    )
    return found


def _logins(system: Actor, organisations: dict[str, Customer]) -> dict[str, Membership]:
    found = {}
    for login in LOGINS:
        customer = organisations[login.customer] if login.customer else None
        found[login.email] = accounts.create_member(
            system,
            email=login.email,
            full_name=login.name,
            role=login.role,
            password=PASSWORD,
            customer=customer,
            language=customer.language if customer else "de",
        )
    return found


def _contacts(
    system: Actor, organisations: dict[str, Customer], logins: dict[str, Membership]
) -> dict[str, Contact]:
    return {
        demo.key: customers.create_contact(
            system,
            customer=organisations[demo.customer],
            name=demo.name,
            email=demo.email,
            phone=demo.phone,
            may_request_admin_changes=demo.may_request_admin_changes,
            membership=logins.get(demo.email),
        )
        for demo in CONTACTS
    }


def _mail_actor(contact: Contact, customer: Customer) -> Actor:
    """A contact without a login, writing by e-mail (as the mail gateway will act for them)."""
    return Actor(
        kind=ActorKind.CONTACT,
        partner_id=contact.partner_id,
        role=Role.CONTACT,
        customer_id=contact.customer_id,
        contact_id=contact.pk,
        permissions=permissions_for(Role.CONTACT),
        limited_customer_ids=frozenset({contact.customer_id}),
        via="email",
        display_name=contact.name,
        email=contact.email,
        language=customer.language,
    )


def _backdate_people(workspace_id: uuid.UUID, *, before: datetime) -> None:
    """Customers and contacts were there before their first ticket."""
    with transaction.atomic():
        Customer.objects.filter(partner_id=workspace_id).update(created_at=before)
        Contact.objects.filter(partner_id=workspace_id).update(created_at=before)


# --- tickets ---------------------------------------------------------------------------------


@dataclass
class _Times:
    """When a ticket's story says things happened."""

    created: datetime
    last_activity: datetime
    resolved: datetime | None = None
    closed: datetime | None = None


class _Playback:
    """Plays the stories in the order they happened, so ticket numbers follow time."""

    def __init__(
        self,
        *,
        workspace_id: uuid.UUID,
        customers: dict[str, Customer],
        contacts: dict[str, Contact],
        logins: dict[str, Membership],
    ) -> None:
        self.workspace_id = workspace_id
        self.customers = customers
        self.contacts = contacts
        self.staff = {key: logins[email] for key, email in STAFF.items()}
        self.staff_actors = {key: actor_for_membership(m) for key, m in self.staff.items()}
        self.requesters = {
            key: (
                actor_for_membership(contact.membership)
                if contact.membership is not None
                else _mail_actor(contact, contact.customer)
            )
            for key, contact in contacts.items()
        }
        self.now = clock.now()
        self.latest = self.now - timedelta(minutes=5)
        self.tickets: dict[str, Ticket] = {}
        self.times: dict[uuid.UUID, _Times] = {}
        self.watermark = 0
        self.earliest = self.now

    def start_of(self, story: Story) -> datetime:
        day: date = self.now.astimezone(ZONE).date() - timedelta(days=story.days_ago)
        if story.on_friday:
            while day.weekday() != 4:
                day -= timedelta(days=1)
        elif story.severity != "A":
            while day.weekday() >= 5:
                day -= timedelta(days=1)
        hour, minute = (int(part) for part in story.at.split(":"))
        start = datetime.combine(day, time(hour, minute), tzinfo=ZONE).astimezone(UTC)
        return min(start, self.latest)

    def play(self, stories: Iterable[Story]) -> None:
        ordered = sorted(stories, key=self.start_of)
        self.earliest = self.start_of(ordered[0])
        for story in ordered:
            self._play(story)
        with transaction.atomic():
            for ticket_id in self.times:
                search.reindex_ticket(ticket_id)

    # --- one story ---------------------------------------------------------------------------

    def _play(self, story: Story) -> None:
        at = self.start_of(story)
        with clock.replaying(at):
            ticket = self._file(story)
        self.tickets[story.key] = ticket
        self.times[ticket.pk] = _Times(created=at, last_activity=at)
        self._stamp(at)
        touched = {ticket.pk}
        untagged = list(story.tags) if not story.filed_by else []
        for step in story.steps:
            at = min(at + step.after, self.latest)
            with clock.replaying(at):
                touched |= self._step(story, step, at)
            if untagged and step.by:
                tickets.tag_ticket(self.staff_actors[step.by], ticket=ticket, names=untagged)
                untagged = []
            self._stamp(at)
        for ticket_id in touched:
            self._settle(ticket_id)

    def _file(self, story: Story) -> Ticket:
        customer = self.customers[story.customer]
        requester = self.contacts[story.requester] if story.requester else None
        actor = (
            self.staff_actors[story.filed_by]
            if story.filed_by
            else self.requesters[story.requester]
        )
        channel = story.channel
        if not story.filed_by and requester is not None and requester.membership_id is None:
            channel = "email"
        filed = tickets.file_ticket(
            actor,
            customer=customer,
            subject=story.subject,
            description=story.description,
            category=story.category,
            severity=story.severity,
            channel=channel,
            requester=requester if story.filed_by else None,
            service=service_by_code(actor, story.service) if story.service else None,
            tags=story.tags if story.filed_by else (),
        )
        return filed.ticket

    def _step(self, story: Story, step: Step, at: datetime) -> set[uuid.UUID]:
        """Run one step; returns the tickets it touched."""
        ticket = self.tickets[story.key]
        times = self.times[ticket.pk]
        staff = self.staff_actors.get(step.by)
        touched = {ticket.pk}
        if step.kind in ("reply", "note", "answer"):
            if step.kind == "answer":
                actor = self.requesters[story.requester]
                channel = "portal" if actor.via != "email" else "email"
                filed = tickets.reply(actor, ticket=ticket, body=step.text, channel=channel)
            else:
                assert staff is not None
                filed = tickets.reply(
                    staff, ticket=ticket, body=step.text, internal=step.kind == "note"
                )
            ticket = filed.ticket
            if filed.message is not None:
                Message.objects.filter(pk=filed.message.pk).update(created_at=at)
            if step.kind != "note":
                times.last_activity = at
        elif step.kind in ("status", "assign", "severity"):
            assert staff is not None
            changes = tickets.TicketChanges(
                status=step.value if step.kind == "status" else None,
                severity=step.value if step.kind == "severity" else None,
                assignee=self.staff[step.value] if step.kind == "assign" else None,
            )
            ticket = tickets.change_ticket(staff, ticket=ticket, changes=changes)
            times.last_activity = at
            if step.value == "resolved":
                times.resolved = at
            if step.value == "closed":
                times.closed = at
        elif step.kind == "tag":
            assert staff is not None
            tickets.tag_ticket(staff, ticket=ticket, names=step.value.split(","))
        elif step.kind == "close":
            ticket = tickets.close_as_requester(self.requesters[story.requester], ticket=ticket)
            times.last_activity = times.closed = at
        elif step.kind == "merge":
            assert staff is not None
            self._settle(ticket.pk)  # the merge copies the duplicate's filing time
            original = self.tickets[step.value]
            original = tickets.merge_tickets(staff, duplicate=ticket, original=original)
            self.tickets[step.value] = original
            self.times[original.pk].last_activity = at
            times.closed = at
            touched.add(original.pk)
        else:
            raise ValueError(f"unknown demo step {step.kind!r}")
        self.tickets[story.key] = ticket
        return touched

    # --- the clock ---------------------------------------------------------------------------

    def _stamp(self, at: datetime) -> None:
        """Move the history entries written since the last stamp to `at`."""
        TicketEvent.objects.filter(partner_id=self.workspace_id, pk__gt=self.watermark).update(
            at=at
        )
        self.watermark = (
            TicketEvent.objects.filter(partner_id=self.workspace_id).aggregate(last=Max("pk"))[
                "last"
            ]
            or 0
        )

    def _settle(self, ticket_id: uuid.UUID) -> None:
        """Give the ticket the times its story says (resolved/closed only where they are set)."""
        times = self.times[ticket_id]
        resolved_at, closed_at = Ticket.objects.filter(pk=ticket_id).values_list(
            "resolved_at", "closed_at"
        )[0]
        Ticket.objects.filter(pk=ticket_id).update(
            created_at=times.created,
            last_activity_at=times.last_activity,
            resolved_at=(times.resolved or times.last_activity) if resolved_at else None,
            closed_at=(times.closed or times.last_activity) if closed_at else None,
        )
