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
from typing import Any

from partnerdesk.core import clock, events, outbox
from partnerdesk.core.actor import Actor, ActorKind
from partnerdesk.core.models import OutboxItem

from ...models import Audience, TemplateKey
from .. import rules, selectors
from ..selectors import Recipient
from .mailing import (
    ADDRESS_FAILING,
    REPLY_CARRIES_STATUS,
    Mailing,
    acknowledgement_wanted,
)
from .settings_pages import (
    check_wording,
    reset_template,
    save_template,
    set_own_notification_choices,
)

__all__ = [
    "ADDRESS_FAILING",
    "FAN_OUT",
    "REPLY_CARRIES_STATUS",
    "check_wording",
    "fan_out",
    "notify_ticket_event",
    "reset_template",
    "save_template",
    "set_own_notification_choices",
]

logger = logging.getLogger(__name__)

# The outbox item a worker expands into the mails to a group of agents.
FAN_OUT = "mail.notify_agents"
GROUP_AUDIENCES = frozenset({rules.EVERYONE_ON_CUSTOMER, rules.ON_TICKET})


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
    mailing = Mailing(event)
    if key == TemplateKey.ACKNOWLEDGED and not acknowledgement_wanted(mailing):
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
    `Mailing.send_batch`)."""
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
    mailing = Mailing(event)
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
