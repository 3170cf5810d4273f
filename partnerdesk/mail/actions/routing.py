"""What a parsed message is, in the order the rules apply:

1. a flood (more than PARTNERDESK_MAIL_SENDER_LIMIT messages from one sender in ten minutes):
   quarantined, "held for review", until an agent reprocesses it;
2. a bounce: the failed recipients' contact addresses are marked failing; ignored (bounce);
3. a forged-looking sender (DMARC failed for the From domain): triage (dmarc_failed), never
   attached or filed automatically, whatever the rest says;
4. an answer on a ticket of this workspace (our Message-ID in In-Reply-To/References, then the
   token in the subject, then the plus part of the address it was delivered to, each only if
   the token's signature matches that ticket here): a reply when the sender is a contact of
   the ticket's customer, an internal note "automatic reply" when it is auto-generated (never
   reopens), triage (not_a_contact) when the sender is someone else; on a closed ticket a
   contact's answer opens a new ticket that names the old one;
5. a new message: auto-generated mail is ignored (auto_generated); a known active contact gets
   a ticket for their customer as requester; a sender from one of a customer's mail domains
   gets a ticket for that customer without a requester (we do not create contacts from mail:
   anyone at the domain can write, and a contact is a person the partner vouches for; an
   internal note says so); anyone else goes to triage (unknown_sender).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from partnerdesk.core import clock
from partnerdesk.core.actor import Actor
from partnerdesk.customers.models import Contact, Customer
from partnerdesk.tickets.enums import Status
from partnerdesk.tickets.models import Ticket

from .. import selectors, tokens
from ..models import InboundMessage, InboundState
from ..parsed import ParsedMessage
from . import filing
from .headers import read_headers
from .intake import finish, mark, parsed_facts, read_raw, system_actor

FLOOD_WINDOW = timedelta(minutes=10)
AUTO_SENDERS = ("mailer-daemon", "postmaster")
AUTO_PRECEDENCE = ("bulk", "junk", "list")


def sender_limit() -> int:
    return int(getattr(settings, "PARTNERDESK_MAIL_SENDER_LIMIT", 20))


def dmarc_verdict(parsed: ParsedMessage) -> bool | None:
    """True when DMARC passed for the From domain, False when it failed, None without a
    verdict for that domain (no record, temperror, or no Authentication-Results at all)."""
    domain = parsed.sender.domain
    verdict: bool | None = None
    for result in parsed.authentication:
        if result.method != "dmarc" or (result.domain and result.domain != domain):
            continue
        if result.result == "fail":
            return False  # one failing verdict for the domain outweighs any pass
        if result.result == "pass":
            verdict = True
    return verdict


def is_auto_generated(parsed: ParsedMessage, raw: bytes) -> bool:
    if parsed.auto_submitted not in ("", "no"):
        return True
    if parsed.precedence in AUTO_PRECEDENCE:
        return True
    if parsed.is_bounce:
        return True
    local = parsed.sender.email.partition("@")[0]
    if local in AUTO_SENDERS:
        return True
    # Only an explicitly empty Return-Path (<>) counts; a pipe without one is human mail.
    facts = read_headers(raw)
    return facts.has_return_path and facts.return_path == ""


def route(inbound: InboundMessage, parsed: ParsedMessage, *, release: bool) -> InboundMessage:
    raw = read_raw(inbound)
    system = system_actor(inbound)
    verified = dmarc_verdict(parsed)
    auto = is_auto_generated(parsed, raw)
    facts: dict[str, Any] = {
        **parsed_facts(parsed),
        "sender_verified": verified,
        "auto_generated": auto,
    }
    sender = facts["sender"]
    if not release and _flooding(inbound, sender):
        return finish(
            inbound,
            state=InboundState.QUARANTINED,
            reason="rate_limited",
            detail=_(
                "Held for review: more than %(n)s messages from %(sender)s within %(minutes)s "
                "minutes. Reprocess it to let it through."
            )
            % {"n": sender_limit(), "sender": sender or "?", "minutes": 10},
            **facts,
        )
    if parsed.is_bounce:
        return _bounce(system, inbound, parsed, facts)
    ticket = _thread_ticket(system, parsed)
    if verified is False:
        return finish(
            inbound,
            state=InboundState.TRIAGE,
            reason="dmarc_failed",
            detail=_(
                "The receiving server says DMARC failed for %(domain)s: the sender may be "
                "forged. Check with the sender before acting on it."
            )
            % {"domain": parsed.sender.domain or "?"},
            answers_ticket=ticket,
            **facts,
        )
    if ticket is not None:
        return _answer(system, inbound, parsed, ticket, facts)
    return _new_message(system, inbound, parsed, facts)


def _flooding(inbound: InboundMessage, sender: str) -> bool:
    if not sender:
        return False
    recent = selectors.mail_from_sender_since(
        workspace_id=inbound.partner_id,
        sender=sender,
        since=inbound.received_at - FLOOD_WINDOW,
        excluding=inbound.pk,
    )
    return recent >= sender_limit()


def _bounce(
    system: Actor, inbound: InboundMessage, parsed: ParsedMessage, facts: dict[str, Any]
) -> InboundMessage:
    recipients = sorted({r.lower() for r in parsed.bounced_recipients if r})
    failure = _("Bounced: %(subject)s") % {"subject": parsed.subject or "-"}
    with transaction.atomic(durable=True):
        for contact in selectors.contacts_with_emails(system, emails=recipients):
            Contact.objects.filter(pk=contact.pk).update(
                email_failing_since=contact.email_failing_since or clock.now(),
                email_failure=failure[:2000],
            )
        mark(
            inbound,
            state=InboundState.IGNORED,
            reason="bounce",
            detail=", ".join(recipients) or _("The bounce names no recipient."),
            **facts,
        )
    return inbound


# --- threading ----------------------------------------------------------------------------------


def _candidate_tokens(parsed: ParsedMessage) -> list[tokens.TicketToken]:
    found: list[tokens.TicketToken] = []
    ours = [*parsed.in_reply_to, *reversed(parsed.references)]
    for message_id in ours:
        local, _at, domain = message_id.strip("<> ").rpartition("@")
        if domain.lower() == tokens.MESSAGE_ID_DOMAIN and (token := tokens.parse(local)):
            found.append(token)
    if token := tokens.in_subject(parsed.subject):
        found.append(token)
    for address in (*parsed.delivered_to, *parsed.to, *parsed.cc):
        local = address.email.partition("@")[0]
        if "+" in local and (token := tokens.parse(local.partition("+")[2])):
            found.append(token)
    return found


def _thread_ticket(system: Actor, parsed: ParsedMessage) -> Ticket | None:
    """The first candidate token that names a ticket of this workspace (signature checked
    against this workspace's ticket; a token of another workspace never matches)."""
    for token in _candidate_tokens(parsed)[:20]:
        ticket = selectors.ticket_by_number(system, number=token.number)
        if ticket is None:
            continue
        if tokens.matches(token, partner_id=system.workspace_id, ticket_id=ticket.pk):
            return selectors.surviving_ticket(system, ticket=ticket)
    return None


def _answer(
    system: Actor,
    inbound: InboundMessage,
    parsed: ParsedMessage,
    ticket: Ticket,
    facts: dict[str, Any],
) -> InboundMessage:
    contact = selectors.contact_by_email(system, email=parsed.sender.email)
    if contact is None or contact.customer_id != ticket.customer_id:
        return finish(
            inbound,
            state=InboundState.TRIAGE,
            reason="not_a_contact",
            detail=_(
                "An answer on ticket %(number)s from %(sender)s, who is not a contact of "
                "%(customer)s."
            )
            % {
                "number": ticket.number,
                "sender": parsed.sender.email or "?",
                "customer": ticket.customer.name,
            },
            answers_ticket=ticket,
            **facts,
        )
    if facts["auto_generated"]:
        if ticket.status == Status.CLOSED:
            return finish(
                inbound,
                state=InboundState.IGNORED,
                reason="auto_generated",
                detail=_("An automatic reply on the closed ticket %(number)s.")
                % {"number": ticket.number},
                answers_ticket=ticket,
                **facts,
            )
        return filing.auto_reply_note(system, inbound, parsed, ticket, facts)
    if ticket.status == Status.CLOSED:
        return filing.new_ticket(
            inbound, parsed, facts, customer=contact.customer, contact=contact, follows=ticket
        )
    return filing.contact_reply(inbound, parsed, ticket, contact, facts)


def _new_message(
    system: Actor, inbound: InboundMessage, parsed: ParsedMessage, facts: dict[str, Any]
) -> InboundMessage:
    if facts["auto_generated"]:
        return finish(
            inbound,
            state=InboundState.IGNORED,
            reason="auto_generated",
            detail=_("Automatic mail (an auto-reply, a list or a system message) opens no ticket."),
            **facts,
        )
    contact = selectors.contact_by_email(system, email=parsed.sender.email)
    if contact is not None:
        return filing.new_ticket(inbound, parsed, facts, customer=contact.customer, contact=contact)
    customer: Customer | None = selectors.customer_by_domain(system, domain=parsed.sender.domain)
    if customer is not None:
        return filing.new_ticket(inbound, parsed, facts, customer=customer, contact=None)
    return finish(
        inbound,
        state=InboundState.TRIAGE,
        reason="unknown_sender",
        detail=_("%(sender)s is not a contact, and %(domain)s is no customer's mail domain.")
        % {"sender": parsed.sender.email or "?", "domain": parsed.sender.domain or "?"},
        **facts,
    )
