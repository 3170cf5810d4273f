"""Helpers for ticket tests: Contact rows for the kit's customer people, tickets made through
the actions (never written directly), and what a search finds."""

from __future__ import annotations

from collections.abc import Sequence

from partnerdesk.core.actor import Actor
from partnerdesk.customers.models import Contact
from partnerdesk.tickets import actions
from partnerdesk.tickets.models import Ticket
from partnerdesk.tickets.search_selectors import search_tickets
from tests.kit import CUSTOMER_PEOPLE, Workspace


def make_contacts(ws: Workspace) -> dict[str, Contact]:
    """Contact rows for ws's "contact", "manager" and "contact_b", each linked to its login
    (Contact.membership), so their actors carry a contact_id. Safe to call twice."""
    found: dict[str, Contact] = {}
    for person in CUSTOMER_PEOPLE:
        member = ws.member(person)
        contact = Contact.objects.filter(membership=member).first()
        if contact is None:
            contact = Contact.objects.create(
                partner=ws.partner,
                customer=member.customer,
                name=member.user.full_name,
                email=member.user.email,
                membership=member,
                created_at=member.created_at,
            )
        found[person] = contact
    return found


def new_ticket(
    ws: Workspace,
    *,
    subject: str,
    description: str = "",
    by: str = "helpdesk_agent",
    customer: str = "a",
    requester: Contact | None = None,
    tags: Sequence[str] = (),
) -> Ticket:
    """A ticket filed through `file_ticket` by the kit person `by`."""
    actor = ws.actor(by)
    return actions.file_ticket(
        actor,
        customer=ws.customers[customer],
        subject=subject,
        description=description,
        category="how_to",
        severity="C",
        channel="agent" if actor.is_staff else "portal",
        requester=requester,
        tags=tags,
    ).ticket


def found(actor: Actor, query: str) -> set[int]:
    """The numbers of the tickets `actor` finds with `query` (one page of up to 200)."""
    return {t.number for t in search_tickets(actor, query=query, cursor=None, limit=200).items}
