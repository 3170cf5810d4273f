"""The writes of notifications: the event subscriber that queues a ticket's mails (inside the
ticket action's transaction), the worker's fan-out of the mails to a group of agents, and the
settings pages' changes (wording, own choices).

Mail to one person (the contact, a new assignee) is rendered and queued in the action's
transaction. Mail to a group of agents (a new ticket or a customer reply reaches everyone who
works the customer, or the assignee and the watchers: fifty mails on a fifty-agent desk) is
one outbox item of kind `FAN_OUT` in that transaction, carrying the event's facts; a worker
expands it into the agents' mails, reading the ticket and the people as they are then. The
expansion derives each mail's outbox id from the item and the address, so a retry (a worker
that died half-way) queues nobody's mail twice. A ticket deleted or merged into another in
between mails nobody: the request lives on in the ticket it was merged into.
"""

from __future__ import annotations

import json
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
from django.utils.translation import gettext_lazy

from partnerdesk.accounts.models import Membership
from partnerdesk.core import audit, clock, events, outbox, policies
from partnerdesk.core.actor import Actor, ActorKind
from partnerdesk.core.errors import invalid, not_found
from partnerdesk.core.models import OutboxItem
from partnerdesk.offering.enums import ClockKind
from partnerdesk.partners.models import Partner
from partnerdesk.tickets import search
from partnerdesk.tickets.enums import Channel, Status
from partnerdesk.tickets.models import Message

from .. import tokens
from ..models import Audience, MailTemplate, OutboundMail, TemplateKey
from ..outbound import KIND as MAIL_KIND
from ..outbound import mail_payload, message_id_for, queue_mail
from . import PREFERENCES, rules, selectors
from .compose import (
    Quote,
    Rendered,
    Wording,
    default_wording,
    language_or_default,
    render,
    unknown_placeholders,
)
from .selectors import Recipient

logger = logging.getLogger(__name__)

ADDRESS_FAILING = "address_failing"
# A move to "pending customer" this soon after the same agent's public reply is part of it.
REPLY_CARRIES_STATUS = timedelta(minutes=2)
# The outbox item a worker expands into the mails to a group of agents.
FAN_OUT = "mail.notify_agents"
GROUP_AUDIENCES = frozenset({rules.EVERYONE_ON_CUSTOMER, rules.ON_TICKET})


class _Mailing:
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


def _acknowledgement_wanted(mailing: _Mailing) -> bool:
    """Every new request is acknowledged, unless it came by mail that was auto-generated or
    asked for no automatic answer (the intake decides that from the mail)."""
    if mailing.ticket.channel != Channel.EMAIL:
        return True
    inbound = selectors.inbound_for_ticket(ticket=mailing.ticket)
    if inbound is None:
        return True  # an agent recorded a mail by hand
    from ..actions.intake import wants_acknowledgement

    return wants_acknowledgement(inbound)


@events.subscribe(*sorted(events.KINDS))
def notify_ticket_event(event: events.TicketEvent) -> None:
    """Queue the mails a ticket event asks for (see the package docstring for who gets what).
    Changes made inside `events.context(notify=False)` (data loads, the demo) mail nobody.
    Mail to a group of agents is one outbox item here, expanded by a worker (`fan_out`)."""
    if event.context.get("notify") is False:
        return
    key = rules.contact_key(event)
    plan = rules.agent_plan(event)
    if key is None and plan is None:
        return
    if plan is not None and plan.audience in GROUP_AUDIENCES:
        _queue_fan_out(event, plan)
        plan = None
        if key is None:
            return
    mailing = _Mailing(event)
    if key == TemplateKey.ACKNOWLEDGED and not _acknowledgement_wanted(mailing):
        key = None
    if key == TemplateKey.PENDING_CUSTOMER and selectors.replied_just_now(
        ticket=event.ticket,
        membership_id=event.actor.membership_id,
        since=clock.now() - REPLY_CARRIES_STATUS,
    ):
        key = None  # "reply and wait for the customer": the reply itself is the question
    if key is not None:
        person = selectors.requester(ticket=event.ticket, workspace_language=mailing.language)
        # The acknowledgement goes to the requester who filed; other mails never to the actor.
        if person is not None and (
            key == TemplateKey.ACKNOWLEDGED or not rules.made_the_change(event, person)
        ):
            mailing.send_all(key, [person], Audience.CONTACT)
    if plan is not None:
        mailing.send_all(plan.key, _wanting(event, plan, mailing.language), Audience.AGENT)


def _wanting(event: events.TicketEvent, plan: rules.AgentPlan, language: str) -> list[Recipient]:
    """The agents of `plan` who want its mail, without the one who made the change."""
    return [
        person
        for person in _agents(event, plan, language)
        if not rules.made_the_change(event, person) and rules.agent_wants(person, plan)
    ]


# --- the fan-out to a group of agents ------------------------------------------------------


def _queue_fan_out(event: events.TicketEvent, plan: rules.AgentPlan) -> None:
    """One outbox item, in the action's transaction, with everything the worker needs to
    know of the event (the ticket itself it reads again, as it is then)."""
    actor = event.actor
    outbox.enqueue(
        FAN_OUT,
        partner_id=event.ticket.partner_id,
        payload={
            "ticket_id": str(event.ticket.pk),
            "kind": event.kind,
            "message_id": str(event.message.pk) if event.message is not None else "",
            "previous": event.previous,
            "current": event.current,
            # what callers told subscribers (JSON-safe: anything else as its text)
            "context": json.loads(json.dumps(event.context, default=str)),
            "actor": {
                "kind": str(actor.kind),
                "partner_id": _text(actor.partner_id),
                "user_id": _text(actor.user_id),
                "membership_id": _text(actor.membership_id),
                "contact_id": _text(actor.contact_id),
                "customer_id": _text(actor.customer_id),
                "display_name": actor.display_name,
                "email": actor.email,
                "via": actor.via,
            },
            "plan": {"key": plan.key, "audience": plan.audience, "preference": plan.preference},
        },
    )


def _text(value: uuid.UUID | None) -> str:
    return str(value) if value is not None else ""


def _uuid(value: str) -> uuid.UUID | None:
    return uuid.UUID(value) if value else None


def _actor_from(facts: dict[str, Any]) -> Actor:
    """The acting principal as the mails need it: who they were, not what they may do."""
    return Actor(
        kind=ActorKind(facts["kind"]),
        partner_id=_uuid(facts["partner_id"]),
        user_id=_uuid(facts["user_id"]),
        membership_id=_uuid(facts["membership_id"]),
        contact_id=_uuid(facts["contact_id"]),
        customer_id=_uuid(facts["customer_id"]),
        display_name=facts["display_name"],
        email=facts["email"],
        via=facts["via"],
    )


@outbox.handler(FAN_OUT)
def fan_out(item: OutboxItem) -> None:
    """Queue the agents' mails of one event: one read of the people, the mails rendered
    outside any transaction, then two inserts in one. Safe to run twice (see
    `_Mailing.send_batch`)."""
    facts = item.payload
    if item.partner_id is None:
        raise outbox.PermanentDeliveryError("a fan-out without its workspace")
    ticket = selectors.ticket_for_mail(partner_id=item.partner_id, ticket_id=facts["ticket_id"])
    if ticket is None or ticket.merged_into_id is not None:
        logger.info(
            "fan-out %s: ticket %s was %s meanwhile; nobody is mailed",
            item.pk,
            facts["ticket_id"],
            "deleted" if ticket is None else "merged",
        )
        return
    message = (
        selectors.message_for_mail(ticket=ticket, message_id=facts["message_id"])
        if facts["message_id"]
        else None
    )
    event = events.TicketEvent(
        kind=facts["kind"],
        actor=_actor_from(facts["actor"]),
        ticket=ticket,
        message=message,
        previous=facts["previous"],
        current=facts["current"],
        context=facts["context"],
    )
    plan = rules.AgentPlan(**facts["plan"])
    mailing = _Mailing(event)
    mailing.send_batch(
        plan.key, _wanting(event, plan, mailing.language), Audience.AGENT, batch=item.pk
    )


def _agents(event: events.TicketEvent, plan: rules.AgentPlan, language: str) -> list[Recipient]:
    if plan.audience == rules.ASSIGNEE:
        if not event.ticket.assignee_id:
            return []
        person = selectors.agent(
            ticket=event.ticket,
            membership_id=str(event.ticket.assignee_id),
            workspace_language=language,
        )
        return [person] if person else []
    if plan.audience == rules.NEW_ASSIGNEE:
        person = selectors.agent(
            ticket=event.ticket, membership_id=event.current, workspace_language=language
        )
        return [person] if person else []
    if plan.audience == rules.ON_TICKET:
        return selectors.agents_on_ticket(ticket=event.ticket, workspace_language=language)
    return selectors.agents_for_customer(ticket=event.ticket, workspace_language=language)


# --- the settings pages ------------------------------------------------------------------------


def _check_template_key(key: str, language: str) -> None:
    if key not in TemplateKey.values or language not in {c for c, _n in settings.LANGUAGES}:
        raise not_found()


def check_wording(*, subject: str, text: str) -> None:
    """Refuse (422, naming them) placeholders that are not on the list, and a subject that
    is more than one line."""
    for field_name, value in (("subject", subject), ("text", text)):
        unknown = unknown_placeholders(value)
        if unknown:
            raise invalid(
                field_name,
                gettext_lazy("Unknown placeholder: %(names)s. Use one of the listed ones.")
                % {"names": ", ".join("{" + name + "}" for name in unknown)},
                "unknown_placeholder",
            )
    if "\n" in subject.strip():
        raise invalid("subject", gettext_lazy("The subject is one line."))


def save_template(
    actor: Actor, *, key: str, language: str, subject: str, text: str
) -> MailTemplate | None:
    """Store the workspace's wording of one notification in one language. A part left empty,
    or equal to the built-in wording, follows the built-in one (and its later improvements);
    when both do, the workspace's row goes."""
    policies.require(actor, selectors.TEMPLATES_PERMISSION)
    _check_template_key(key, language)
    subject, text = " ".join(subject.split()), text.replace("\r\n", "\n").strip("\n")
    check_wording(subject=subject, text=text)
    default_subject, default_text = default_wording(key, language)
    subject = "" if subject == default_subject else subject
    text = "" if text.strip() == default_text.strip() else text
    with transaction.atomic(durable=True):
        if not subject and not text:
            MailTemplate.objects.filter(
                partner_id=actor.workspace_id, key=key, language=language
            ).delete()
            row = None
        else:
            row, _created = MailTemplate.objects.update_or_create(
                partner_id=actor.workspace_id,
                key=key,
                language=language,
                defaults={
                    "subject": subject,
                    "text": text,
                    "updated_at": clock.now(),
                    "updated_by_id": actor.membership_id,
                },
            )
        audit.record(
            actor,
            "mail.template_changed",
            row,
            data={"key": key, "language": language, "custom": row is not None},
        )
    return row


def reset_template(actor: Actor, *, key: str, language: str) -> None:
    """Back to the built-in wording of one notification in one language."""
    policies.require(actor, selectors.TEMPLATES_PERMISSION)
    _check_template_key(key, language)
    with transaction.atomic(durable=True):
        deleted, _rows = MailTemplate.objects.filter(
            partner_id=actor.workspace_id, key=key, language=language
        ).delete()
        if deleted:
            audit.record(
                actor, "mail.template_reset", None, data={"key": key, "language": language}
            )


def set_own_notification_choices(actor: Actor, *, choices: dict[str, bool]) -> dict[str, bool]:
    """Store which notifications the signed-in staff member wants (every known key)."""
    if not actor.is_staff:
        raise not_found()
    unknown = set(choices) - set(PREFERENCES)
    if unknown:
        raise invalid(
            "choices",
            gettext_lazy("Unknown notification: %(names)s.")
            % {"names": ", ".join(sorted(unknown))},
        )
    stored = {name: bool(choices.get(name, False)) for name in PREFERENCES}
    with transaction.atomic(durable=True):
        membership = (
            Membership.objects.select_for_update()
            .filter(pk=actor.own_membership_id, partner_id=actor.workspace_id)
            .first()
        )
        if membership is None:
            raise not_found()
        if membership.notifications != stored:
            membership.notifications = stored
            membership.save(update_fields=["notifications"])
            audit.record(actor, "membership.notifications_changed", membership, data=stored)
    return stored
