"""Mail out against a real SMTP server (aiosmtpd): what arrives, and a retry that repeats
exactly one message with the same Message-ID."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings

from partnerdesk.core.models import OutboxItem, OutboxStatus
from partnerdesk.mail import tokens
from partnerdesk.mail.models import InboundMessage
from partnerdesk.tickets import actions
from partnerdesk.tickets.actions import TicketChanges
from tests.kit import Workspace, contacts_for
from tests.support.notify import add_mailbox, deliver_all, file_as
from tests.support.smtp import SmtpServer, smtp_server  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _strict_events(settings: Any) -> None:
    settings.PARTNERDESK_EVENTS_STRICT = True


def _token(ws: Workspace, ticket: Any) -> str:
    return tokens.token_for(
        partner_id=ws.partner.pk,
        ticket_id=ticket.pk,
        prefix=ws.partner.ticket_prefix,
        number=ticket.number,
    )


def _parts(message: Any) -> tuple[str, str]:
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text.replace("\r\n", "\n"), html.replace("\r\n", "\n")


def test_acknowledgement_arrives_with_token_threading_and_both_parts(
    ws: Workspace,
    smtp_server: SmtpServer,  # noqa: F811
) -> None:
    contact = contacts_for(ws)["contact"]
    add_mailbox(ws, "support@nordwind.example")
    ticket = file_as(ws, "contact", requester=contact, description="Screen shows <b>Error & 42</b>")
    deliver_all()
    [mail] = smtp_server.to(contact.email)
    token = _token(ws, ticket)
    item = OutboxItem.objects.get(payload__to=[contact.email])
    assert mail["Subject"] == f"[{token}] We received your request: Printer offline"
    assert mail["Message-ID"] == f"<{token}.{item.pk}@partnerdesk>"
    assert mail["Reply-To"] == f"support+{token}@nordwind.example"
    assert ws.partner.name in mail["From"] and "support@nordwind.example" in mail["From"]
    assert mail["Auto-Submitted"] == "auto-generated"
    assert mail["In-Reply-To"] is None
    text, html = _parts(mail)
    assert text.startswith("##- Reply above this line -##")
    assert f"received it as {ws.partner.ticket_prefix}-{ticket.number}" in text
    assert "> Screen shows <b>Error & 42</b>" in text
    assert "&lt;b&gt;Error &amp; 42&lt;/b&gt;" in html
    assert "<b>Error" not in html
    assert f"/portal/tickets/{ticket.pk}/" in text


def test_agent_reply_threads_onto_the_acknowledgement_and_the_customers_mail(
    ws: Workspace,
    smtp_server: SmtpServer,  # noqa: F811
) -> None:
    contact = contacts_for(ws)["contact"]
    ws.partner.support_email = "help@nordwind.example"
    ws.partner.save()
    ticket = file_as(ws, "contact", requester=contact)
    deliver_all()
    [ack] = smtp_server.to(contact.email)
    from partnerdesk.core import clock

    InboundMessage.objects.create(
        partner=ws.partner,
        source="pipe",
        message_id="<CAF-1234@mail.example.test>",
        sha256="0" * 64,
        raw="mail/raw/none.eml",
        size=1,
        received_at=clock.now(),
        state="reply",
        ticket=ticket,
    )
    actions.reply(ws.actor("helpdesk_agent"), ticket=ticket, body="Please restart it.\nThen?")
    deliver_all()
    reply = smtp_server.to(contact.email)[-1]
    assert reply["In-Reply-To"] == "<CAF-1234@mail.example.test>"
    assert reply["References"].split() == [ack["Message-ID"], "<CAF-1234@mail.example.test>"]
    assert reply["Auto-Submitted"] is None  # a person wrote it
    # no mailbox: replies go to the workspace's support address, which sends it too
    assert reply["Reply-To"] == "help@nordwind.example"
    assert "help@nordwind.example" in reply["From"]
    text, _html = _parts(reply)
    assert "Helpdesk Agent wrote:" in text
    assert "> Please restart it.\n> Then?" in text


def test_a_refused_transaction_is_retried_once_with_the_same_message_id(
    ws: Workspace,
    smtp_server: SmtpServer,  # noqa: F811
) -> None:
    contact = contacts_for(ws)["contact"]
    ticket = file_as(ws, "contact", requester=contact)
    item = OutboxItem.objects.get(payload__to=[contact.email])
    smtp_server.refuse_next(1)
    deliver_all()
    item.refresh_from_db()
    assert smtp_server.handler.refused == 1
    assert smtp_server.to(contact.email) == []
    assert item.status == OutboxStatus.PENDING and item.attempts == 1
    assert "451" in item.last_error
    deliver_all()
    deliver_all()
    [mail] = smtp_server.to(contact.email)
    assert mail["Message-ID"] == f"<{_token(ws, ticket)}.{item.pk}@partnerdesk>"
    item.refresh_from_db()
    assert item.status == OutboxStatus.DELIVERED and item.attempts == 2


def test_status_changes_that_matter_reach_the_contact(
    ws: Workspace,
    smtp_server: SmtpServer,  # noqa: F811
) -> None:
    contact = contacts_for(ws)["contact"]
    ticket = file_as(ws, "contact", requester=contact)
    agent = ws.actor("helpdesk_agent")
    for status in ("open", "pending_customer", "on_hold", "resolved", "closed"):
        ticket = actions.change_ticket(agent, ticket=ticket, changes=TicketChanges(status=status))
    deliver_all()
    subjects = [
        re.sub(r"^\[[^]]+\] ", "", str(m["Subject"]).strip()) for m in smtp_server.to(contact.email)
    ]
    assert subjects == [
        "We received your request: Printer offline",
        "We are waiting for your answer: Printer offline",
        "Your request is resolved: Printer offline",
        "Your request is closed: Printer offline",
    ]


def test_a_permanent_refusal_fails_the_mail_without_retrying(
    ws: Workspace,
    smtp_server: SmtpServer,  # noqa: F811
) -> None:
    contact = contacts_for(ws)["contact"]
    file_as(ws, "contact", requester=contact)
    item = OutboxItem.objects.get(payload__to=[contact.email])
    OutboxItem.objects.exclude(pk=item.pk).delete()
    smtp_server.refuse_next(1, "554 5.7.1 Message rejected")
    deliver_all()
    deliver_all()
    item.refresh_from_db()
    assert item.status == OutboxStatus.FAILED and item.attempts == 1
    assert "554" in item.last_error
    assert smtp_server.messages == []


def test_the_sender_is_the_workspace_by_name_or_the_servers_default(
    ws: Workspace,
    smtp_server: SmtpServer,  # noqa: F811
) -> None:
    contact = contacts_for(ws)["contact"]
    ws.partner.name = 'Müller & Söhne "IT"'
    ws.partner.support_email = ""
    ws.partner.save()
    file_as(ws, "contact", requester=contact)
    deliver_all()
    [plain] = smtp_server.to(contact.email)
    assert plain["From"] == settings.DEFAULT_FROM_EMAIL
    assert plain["Reply-To"] is None
    smtp_server.clear()
    add_mailbox(ws, "hilfe@mueller.example")
    file_as(ws, "contact", requester=contact, subject="Second")
    deliver_all()
    [named] = smtp_server.to(contact.email)
    assert named["From"].addresses[0].display_name == "Müller & Söhne 'IT'"
    assert named["From"].addresses[0].addr_spec == "hilfe@mueller.example"
    assert named["Reply-To"].addresses[0].addr_spec.startswith("hilfe+")


def test_replies_go_back_through_the_mailbox_the_customer_wrote_to(
    ws: Workspace,
    smtp_server: SmtpServer,  # noqa: F811
) -> None:
    from partnerdesk.core import clock

    contact = contacts_for(ws)["contact"]
    add_mailbox(ws, "support@nordwind.example")
    billing = add_mailbox(ws, "billing@nordwind.example")
    ticket = file_as(ws, "contact", requester=contact)
    InboundMessage.objects.create(
        partner=ws.partner,
        mailbox=billing,
        source="imap",
        message_id="<invoice-question@example.test>",
        sha256="1" * 64,
        raw="mail/raw/none.eml",
        size=1,
        received_at=clock.now(),
        state="ticket",
        ticket=ticket,
    )
    actions.reply(ws.actor("helpdesk_agent"), ticket=ticket, body="Here is the invoice.")
    deliver_all()
    first, reply = smtp_server.to(contact.email)
    token = _token(ws, ticket)
    assert first["Reply-To"] == f"support+{token}@nordwind.example"
    assert reply["Reply-To"] == f"billing+{token}@nordwind.example"
