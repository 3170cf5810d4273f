"""Which notifications an event asks for: pure decisions over the event, no reads."""

from __future__ import annotations

from dataclasses import dataclass

from partnerdesk.core import events
from partnerdesk.tickets.enums import Status

from ..models_outbound import TemplateKey
from . import wants
from .selectors import Recipient

# Status changes a contact hears of: they ask something of them, or end the request.
CONTACT_STATUS_KEYS: dict[str, str] = {
    Status.PENDING_CUSTOMER: TemplateKey.PENDING_CUSTOMER,
    Status.RESOLVED: TemplateKey.RESOLVED,
    Status.CLOSED: TemplateKey.CLOSED,
}

# Who among the staff an agent notification goes to.
EVERYONE_ON_CUSTOMER = "customer"  # all who work tickets and may see the customer
ON_TICKET = "ticket"  # the assignee and the watchers
NEW_ASSIGNEE = "assignee"
ASSIGNEE = "current_assignee"  # the ticket's assignee as it is now (SLA warnings, breaches)


@dataclass(frozen=True)
class AgentPlan:
    key: str
    audience: str
    preference: str


def contact_key(event: events.TicketEvent) -> str | None:
    """The contact notification an event asks for, if any (the acknowledgement's exceptions,
    auto-generated mail, are decided by the caller, who can read the mail)."""
    if event.kind == events.TICKET_FILED:
        return TemplateKey.ACKNOWLEDGED
    if event.kind == events.TICKET_REPLIED:
        message = event.message
        if message is None or message.internal or message.author_id is None:
            return None  # internal notes never; the customer's own replies never
        return TemplateKey.AGENT_REPLIED
    if event.kind == events.TICKET_STATUS_CHANGED:
        return CONTACT_STATUS_KEYS.get(event.current)
    return None


def agent_plan(event: events.TicketEvent) -> AgentPlan | None:
    """The agent notification an event asks for, and to whom."""
    ticket = event.ticket
    if event.kind == events.TICKET_FILED:
        audience = ON_TICKET if ticket.assignee_id else EVERYONE_ON_CUSTOMER
        return AgentPlan(TemplateKey.NEW_TICKET, audience, "new_ticket")
    if event.kind == events.TICKET_REPLIED:
        message = event.message
        if message is None or message.internal or not event.actor.is_customer:
            return None
        audience = ON_TICKET if ticket.assignee_id else EVERYONE_ON_CUSTOMER
        return AgentPlan(TemplateKey.CUSTOMER_REPLIED, audience, "customer_reply")
    if event.kind == events.TICKET_ASSIGNED and event.current:
        return AgentPlan(TemplateKey.ASSIGNED, NEW_ASSIGNEE, "assigned")
    if event.kind == events.TICKET_SLA_WARNING and ticket.assignee_id:
        return AgentPlan(TemplateKey.SLA_WARNING, ASSIGNEE, "sla_warning")
    if event.kind == events.TICKET_SLA_BREACHED and ticket.assignee_id:
        return AgentPlan(TemplateKey.SLA_BREACHED, ASSIGNEE, "sla_breach")
    return None


def made_the_change(event: events.TicketEvent, person: Recipient) -> bool:
    """Whether `person` is who acted: nobody is mailed about their own change."""
    actor = event.actor
    if person.membership_id is not None and person.membership_id == actor.membership_id:
        return True
    if person.contact_id is not None and person.contact_id == actor.contact_id:
        return True
    return bool(actor.email) and actor.email.lower() == person.email.lower()


def agent_wants(person: Recipient, plan: AgentPlan) -> bool:
    return wants(person.choices, plan.preference)
