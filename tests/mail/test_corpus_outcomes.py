"""Every message of the corpus (tests/data/mail/expected.json) through intake, with the real
isolated parser: the state and reason the manifest expects, and what it made in the desk."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from partnerdesk.customers.models import Contact, Customer, CustomerDomain
from partnerdesk.mail.models import InboundMessage
from partnerdesk.mail.tokens import SUBJECT_TOKEN
from partnerdesk.tickets import actions as ticket_actions
from partnerdesk.tickets.models import Message, Ticket
from tests.data.mail import make_hostile
from tests.kit import Workspace
from tests.mail.intake_kit import receive, token_of

pytestmark = pytest.mark.django_db

CORPUS = Path(__file__).resolve().parents[1] / "data" / "mail"
MANIFEST = json.loads((CORPUS / "expected.json").read_text())
MESSAGES = MANIFEST["messages"]


def _name(entry: dict[str, Any]) -> str:
    return str(entry.get("file") or entry["generate"])


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def _people(ws: Workspace) -> dict[str, Customer]:
    """The manifest's customers, domains and contacts, in this workspace; by mail domain."""
    by_domain: dict[str, Customer] = {}
    for spec in MANIFEST["fixtures"]["customers"]:
        customer = Customer.objects.create(
            partner=ws.partner, name=spec["name"], created_at=ws.partner.created_at
        )
        for domain in spec["domains"]:
            CustomerDomain.objects.create(partner=ws.partner, customer=customer, domain=domain)
            by_domain[domain] = customer
        for contact in spec["contacts"]:
            Contact.objects.create(
                partner=ws.partner,
                customer=customer,
                name=contact["name"],
                email=contact["email"],
                created_at=ws.partner.created_at,
            )
    return by_domain


def _answered_ticket(
    ws: Workspace, entry: dict[str, Any], by_domain: dict[str, Customer]
) -> Ticket:
    sender = entry["parse"]["sender"]
    customer = by_domain[sender.rpartition("@")[2]]
    contact = Contact.objects.filter(partner=ws.partner, email=sender).first()
    filed = ticket_actions.file_ticket(
        ws.actor("helpdesk_agent"),
        customer=customer,
        requester=contact,
        subject="The ticket the message answers",
        description="Filed by the corpus test.",
        category="how_to",
        severity="B",
        channel="phone",
    )
    return Ticket.objects.select_related("partner").get(pk=filed.ticket.pk)


def _raw(entry: dict[str, Any]) -> bytes:
    if "generate" in entry:
        return make_hostile.build(entry["generate"])
    return (CORPUS / entry["file"]).read_bytes()


@pytest.mark.parametrize("entry", MESSAGES, ids=_name)
def test_each_corpus_message_has_its_expected_outcome(
    ws: Workspace, entry: dict[str, Any], settings: Any
) -> None:
    by_domain = _people(ws)
    raw = _raw(entry)
    ticket = None
    if placeholder := entry.get("token_placeholder"):
        ticket = _answered_ticket(ws, entry, by_domain)
        raw = re.sub(re.escape(placeholder).encode(), token_of(ticket).encode(), raw, flags=re.I)

    inbound = receive(ws, raw)

    expected = entry["intake"]
    assert (inbound.state, inbound.reason) == (expected["outcome"], expected["reason"]), (
        inbound.detail
    )
    assert InboundMessage.objects.filter(partner=ws.partner).count() == 1
    if expected["outcome"] == "ticket":
        made = Ticket.objects.get(pk=inbound.ticket_id)
        assert made.channel == "email"
        sender_domain = str(entry["parse"]["sender"]).rpartition("@")[2]
        assert made.customer_id == by_domain[sender_domain].pk
        expected_subject = " ".join(SUBJECT_TOKEN.sub("", entry["parse"]["subject"]).split())
        assert made.subject == (expected_subject[:250] or "(no subject)")
    elif expected["outcome"] == "reply":
        assert ticket is not None and inbound.ticket_id == ticket.pk
        message = Message.objects.get(pk=inbound.ticket_message_id)
        assert not message.internal and message.channel == "email"
        for text in entry["parse"].get("reply_text_contains", []):
            assert text in message.body
    else:
        others = Ticket.objects.filter(partner=ws.partner).exclude(pk=getattr(ticket, "pk", None))
        assert not others.exists()
    if expected["outcome"] == "quarantined":
        assert inbound.size == len(raw)  # held with its bytes


def test_the_corpus_covers_every_outcome() -> None:
    outcomes = {entry["intake"]["outcome"] for entry in MESSAGES}
    assert outcomes == {"ticket", "reply", "triage", "quarantined", "ignored"}
