"""One event's mails: who sends them, in whose words, rendered and queued (`Mailing`)."""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from partnerdesk.core import clock, events, outbox
from partnerdesk.offering.enums import ClockKind
from partnerdesk.partners.models import Partner
from partnerdesk.tickets import search
from partnerdesk.tickets.enums import Channel, Status
from partnerdesk.tickets.models import Message

from ... import tokens
from ...models import Audience, OutboundMail, TemplateKey
from ...outbound import KIND as MAIL_KIND
from ...outbound import mail_payload, message_id_for, queue_mail
from .. import selectors
from ..compose import (
    Quote,
    Rendered,
    Wording,
    default_wording,
    language_or_default,
    render,
)
from ..selectors import Recipient

logger = logging.getLogger(__name__)

ADDRESS_FAILING = "address_failing"
# A move to "pending customer" this soon after the same agent's public reply is part of it.
REPLY_CARRIES_STATUS = timedelta(minutes=2)


class Mailing:
    """What every mail about one event shares: the workspace, its sender and its wording."""

    def __init__(self, event: events.TicketEvent) -> None:
        self.event = event
        self.ticket = event.ticket
        self.workspace: Partner = Partner.objects.get(pk=self.ticket.partner_id)
        self.language = language_or_default(self.workspace.default_language)
        self.mailbox = selectors.sender_mailbox(ticket=self.ticket)
        self.token = tokens.token_for(
            partner_id=self.workspace.pk,
            ticket_id=self.ticket.pk,
            prefix=self.workspace.ticket_prefix,
            number=self.ticket.number,
        )
        self.reference = f"{self.workspace.ticket_prefix}-{self.ticket.number}"
        self._wordings: dict[tuple[str, str], tuple[str, str]] = {}
        self._quotes: dict[str, Quote | None] = {}
        self._links: dict[str, str] = {}
        self._statuses: dict[str, str] = {}  # the ticket's status by language

    # --- sender ---------------------------------------------------------------------------

    def sender_address(self) -> str:
        return self.mailbox.address if self.mailbox else self.workspace.support_email

    def from_header(self) -> str:
        address = self.sender_address()
        if not address:
            return str(settings.DEFAULT_FROM_EMAIL)
        name = self.workspace.name.replace('"', "'")
        return f'"{name}" <{address}>'

    def reply_to(self) -> str:
        if self.mailbox:
            return tokens.reply_address(self.mailbox.address, self.token)
        return self.workspace.support_email

    # --- words ----------------------------------------------------------------------------

    def wording(self, key: str, language: str) -> tuple[str, str]:
        """The subject and text of `key` in `language`: looked up (and the built-in templates
        rendered) once per key and language, however many people it goes to."""
        if (key, language) not in self._wordings:
            override = selectors.workspace_override(
                partner_id=self.workspace.pk, key=key, language=language
            )
            subject, text = default_wording(key, language)
            if override is not None:
                subject = override.subject or subject
                text = override.text or text
            self._wordings[(key, language)] = (subject, text)
        return self._wordings[(key, language)]

    def values(self, person: Recipient, language: str) -> dict[str, str]:
        ticket = self.ticket
        requester = ticket.requester if ticket.requester_id else None
        if language not in self._statuses:
            with translation.override(language):
                self._statuses[language] = str(Status(ticket.status).label)
        status = self._statuses[language]
        return {
            "ticket.reference": self.reference,
            "ticket.subject": ticket.subject,
            "ticket.status": status,
            "ticket.link": self.link(person),
            "customer.name": ticket.customer.name,
            "requester.name": requester.name if requester else "",
            "requester.first_name": (requester.name.split() or [""])[0] if requester else "",
            "recipient.name": person.name,
            "recipient.first_name": person.first_name,
            "author.name": self.author_name(),
            "workspace.name": self.workspace.name,
            "workspace.support_email": self.workspace.support_email,
            "workspace.support_phone": self.workspace.support_phone,
            **self.sla_values(person, language),
        }

    def sla_values(self, person: Recipient, language: str) -> dict[str, str]:
        """The clock and its due time (in the person's zone and language) of an SLA event."""
        if self.event.kind not in (events.TICKET_SLA_WARNING, events.TICKET_SLA_BREACHED):
            return {"sla.clock": "", "sla.due_at": ""}
        kind = self.event.current
        due_at = selectors.clock_due_at(ticket=self.ticket, kind=kind)
        zone_name = person.time_zone or self.workspace.time_zone or "UTC"
        try:
            zone = ZoneInfo(zone_name)
        except (ZoneInfoNotFoundError, ValueError):
            zone = ZoneInfo("UTC")
        with translation.override(language):
            label = str(ClockKind(kind).label) if kind in ClockKind.values else kind
            when = (
                date_format(due_at.astimezone(zone), "DATETIME_FORMAT") + f" ({zone.key})"
                if due_at
                else "?"
            )
        return {"sla.clock": label, "sla.due_at": when}

    def author_name(self) -> str:
        """Who made the change, as people know them (the workspace for scheduled jobs)."""
        actor = self.event.actor
        if actor.is_system:
            return self.workspace.name
        return actor.display_name or actor.email or self.workspace.name

    def link(self, person: Recipient) -> str:
        name = "tickets:ticket" if person.membership_id and not person.contact_id else None
        name = name or "portal:ticket"
        if name not in self._links:
            self._links[name] = settings.PUBLIC_URL + reverse(
                name, kwargs={"ticket_id": str(self.ticket.pk)}
            )
        return self._links[name]

    def quote(self, key: str) -> Quote | None:
        if key not in self._quotes:
            self._quotes[key] = self._quote(key)
        return self._quotes[key]

    def _quote(self, key: str) -> Quote | None:
        event, ticket = self.event, self.ticket
        if key in (TemplateKey.AGENT_REPLIED, TemplateKey.CUSTOMER_REPLIED) and event.message:
            return Quote(author=self.author_name(), text=event.message.body)
        if key in (TemplateKey.ACKNOWLEDGED, TemplateKey.NEW_TICKET) and ticket.description:
            requester = ticket.requester if ticket.requester_id else None
            author = requester.name if requester else ticket.customer.name
            return Quote(author=author, text=ticket.description)
        return None

    # --- sending --------------------------------------------------------------------------

    def send_all(self, key: str, people: list[Recipient], audience: str) -> None:
        """Queue `key` to each of `people` (a contact whose address fails is skipped)."""
        if audience == Audience.CONTACT:
            for person in [p for p in people if p.failing_since is not None]:
                self.skip_failing(key, person)
            people = [p for p in people if p.failing_since is None]
        if not people:
            return
        threads = selectors.threads_for(
            ticket=self.ticket,
            recipients=[p.email for p in people],
            with_inbound=audience == Audience.CONTACT,
        )
        for person in people:
            self.send(key, person, audience, threads[person.email])

    def render(self, key: str, person: Recipient) -> Rendered:
        language = person.language
        subject, text = self.wording(key, language)
        return render(
            wording=Wording(subject=subject, text=text, values=self.values(person, language)),
            language=language,
            token=self.token,
            reference=self.reference,
            workspace=self.workspace.name,
            link=self.link(person),
            quote=self.quote(key),
        )

    def mail_fields(self, key: str, person: Recipient, thread: selectors.Thread) -> dict[str, Any]:
        """What `queue_mail` (and `mail_payload`) take to send `key` to `person`."""
        rendered = self.render(key, person)
        return {
            "to": person.email,
            "subject": rendered.subject,
            "text": rendered.text,
            "html": rendered.html,
            "token": self.token,
            "from_email": self.from_header(),
            "reply_to": self.reply_to(),
            "in_reply_to": thread.in_reply_to,
            "references": thread.references,
            # An agent's reply is a person writing; everything else is a notification.
            "auto_submitted": key != TemplateKey.AGENT_REPLIED,
            "language": person.language,
        }

    def send(self, key: str, person: Recipient, audience: str, thread: selectors.Thread) -> None:
        item, message_id = queue_mail(
            partner_id=self.workspace.pk, **self.mail_fields(key, person, thread)
        )
        self.log(key, person, audience, message_id=message_id, outbox_item_id=item.pk)

    def send_batch(
        self, key: str, people: list[Recipient], audience: str, *, batch: uuid.UUID
    ) -> int:
        """Queue `key` to each of `people` in two inserts (the outbox items, the log rows).
        Each mail's id is derived from `batch` and the address, so running this again for the
        same batch queues only the mails that are not queued yet. Returns how many it queued."""
        if not people:
            return 0
        threads = selectors.threads_for(
            ticket=self.ticket, recipients=[p.email for p in people], with_inbound=False
        )
        payloads: dict[uuid.UUID, dict[str, Any]] = {}
        logs: dict[uuid.UUID, OutboundMail] = {}
        now = clock.now()
        for person in people:
            address = person.email.lower()
            item_id = uuid.uuid5(batch, f"mail:{address}")
            if item_id in payloads:
                continue  # two memberships of one address: one mail
            payloads[item_id] = mail_payload(**self.mail_fields(key, person, threads[person.email]))
            logs[item_id] = self.log_row(
                key,
                person,
                audience,
                id=uuid.uuid5(batch, f"log:{address}"),
                message_id=message_id_for(self.token, item_id),
                outbox_item_id=item_id,
                created_at=now,
            )
        # Rendered above, written here: on SQLite a transaction holds the one write lock, so
        # the rendering of fifty mails must not happen inside it (filings would wait on it).
        with transaction.atomic():
            added = outbox.enqueue_many(MAIL_KIND, payloads, partner_id=self.workspace.pk)
            OutboundMail.objects.bulk_create(
                [logs[item.id] for item in added], ignore_conflicts=True
            )
        return len(added)

    def log_row(self, key: str, person: Recipient, audience: str, **fields: Any) -> OutboundMail:
        return OutboundMail(
            partner_id=self.workspace.pk,
            ticket_id=self.ticket.pk,
            key=key,
            audience=audience,
            recipient=person.email,
            contact_id=person.contact_id,
            membership_id=person.membership_id,
            language=person.language,
            **{"created_at": clock.now(), **fields},
        )

    def log(self, key: str, person: Recipient, audience: str, **fields: Any) -> None:
        self.log_row(key, person, audience, **fields).save(force_insert=True)

    def skip_failing(self, key: str, person: Recipient) -> None:
        """No mail to an address that bounces; the ticket says so once per address."""
        first_time = not selectors.skipped_before(
            ticket=self.ticket, recipient=person.email, reason=ADDRESS_FAILING
        )
        self.log(key, person, Audience.CONTACT, skipped=ADDRESS_FAILING)
        if not first_time:
            return
        with translation.override(self.language):
            since = person.failing_since
            body = _(
                "No mail goes to %(address)s: the address has been failing since %(date)s "
                "(mail to it bounced). Check the address with %(customer)s; until then this "
                "ticket's mail to it is skipped."
            ) % {
                "address": person.email,
                "date": date_format(since, "SHORT_DATE_FORMAT") if since else "?",
                "customer": self.ticket.customer.name,
            }
        Message.objects.create(
            partner_id=self.workspace.pk,
            ticket_id=self.ticket.pk,
            customer_id=self.ticket.customer_id,
            body=body,
            internal=True,
            channel=Channel.EMAIL,
            created_at=clock.now(),
        )
        search.reindex_ticket(self.ticket.pk)


def acknowledgement_wanted(mailing: Mailing) -> bool:
    """Every new request is acknowledged, unless it came by mail that was auto-generated or
    asked for no automatic answer (the intake decides that from the mail)."""
    if mailing.ticket.channel != Channel.EMAIL:
        return True
    inbound = selectors.inbound_for_ticket(ticket=mailing.ticket)
    if inbound is None:
        return True  # an agent recorded a mail by hand
    from ...actions.intake import wants_acknowledgement

    return wants_acknowledgement(inbound)
