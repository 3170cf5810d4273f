"""Placeholders of canned replies: a fixed list, replaced by plain string substitution.

A canned reply's body is text people wrote; it is never given to a template engine. Only the
names in PLACEHOLDERS are replaced, each by its value as plain text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

if TYPE_CHECKING:
    from partnerdesk.core.actor import Actor

    from .canned_models import CannedReply
    from .models import Ticket

PLACEHOLDERS: dict[str, StrOrPromise] = {
    "customer.name": _("the customer's name"),
    "requester.name": _("the requester's full name"),
    "requester.first_name": _("the requester's first name"),
    "agent.name": _("your name"),
    "ticket.reference": _("the ticket's reference, such as PD-1042"),
    "ticket.subject": _("the ticket's subject"),
    "workspace.name": _("your workspace's name"),
    "workspace.support_email": _("your support e-mail address"),
    "workspace.support_phone": _("your support phone number"),
}

# Anything that looks like a placeholder: a name in braces, without spaces or quotes, so that
# braces in ordinary text ("{ok}" aside) or JSON snippets are left alone.
_CANDIDATE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_.]*)\}")


def unknown_placeholders(body: str) -> list[str]:
    """The placeholders in `body` that are not on the list, in order of appearance, once."""
    found: list[str] = []
    for name in _CANDIDATE.findall(body):
        if name not in PLACEHOLDERS and name not in found:
            found.append(name)
    return found


@dataclass(frozen=True)
class PlaceholderValues:
    """What each placeholder stands for on one ticket, for one agent."""

    customer_name: str = ""
    requester_name: str = ""
    agent_name: str = ""
    ticket_reference: str = ""
    ticket_subject: str = ""
    workspace_name: str = ""
    workspace_support_email: str = ""
    workspace_support_phone: str = ""

    def as_dict(self) -> dict[str, str]:
        first_name = self.requester_name.split()[0] if self.requester_name.split() else ""
        return {
            "customer.name": self.customer_name,
            "requester.name": self.requester_name,
            "requester.first_name": first_name,
            "agent.name": self.agent_name,
            "ticket.reference": self.ticket_reference,
            "ticket.subject": self.ticket_subject,
            "workspace.name": self.workspace_name,
            "workspace.support_email": self.workspace_support_email,
            "workspace.support_phone": self.workspace_support_phone,
        }


def substitute(body: str, values: PlaceholderValues) -> str:
    """The body with every known placeholder replaced by its value, in one pass (a value that
    itself looks like a placeholder is not replaced again); unknown ones are left as written."""
    table = values.as_dict()

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        return table[name] if name in table else match.group(0)

    return _CANDIDATE.sub(replace, body)


def values_for(actor: Actor, ticket: Ticket) -> PlaceholderValues:
    """The placeholders' values on `ticket` for `actor`, from rows the ticket page already
    holds (the ticket comes from access.get_ticket_for with its workspace and people)."""
    workspace = ticket.partner
    return PlaceholderValues(
        customer_name=ticket.customer.name,
        requester_name=ticket.requester.name if ticket.requester else "",
        agent_name=actor.display_name or actor.email,
        ticket_reference=f"{workspace.ticket_prefix}-{ticket.number}",
        ticket_subject=ticket.subject,
        workspace_name=workspace.name,
        workspace_support_email=workspace.support_email,
        workspace_support_phone=workspace.support_phone,
    )


def render_canned_reply(actor: Actor, *, ticket: Ticket, canned: CannedReply) -> str:
    """The canned reply's text for this ticket, ready for the agent to edit and send."""
    return substitute(canned.body, values_for(actor, ticket))
