"""Who is mailed about what: the recipient rules, delivered through a real SMTP server."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.base import ContentFile

from partnerdesk.accounts.models import Membership, User
from partnerdesk.core import clock
from partnerdesk.mail.models import InboundMessage, OutboundMail
from partnerdesk.tickets import actions
from partnerdesk.tickets.actions import TicketChanges
from partnerdesk.tickets.models import Message
from tests.kit import Workspace, contacts_for
from tests.support.notify import deliver_all, file_as
from tests.support.smtp import SmtpServer, smtp_server  # noqa: F401

pytestmark = pytest.mark.django_db

WORKERS = ["global_admin", "admin_agent", "helpdesk_agent", "limited_agent"]


@pytest.fixture(autouse=True)
def _strict_events(settings: Any) -> None:
    settings.PARTNERDESK_EVENTS_STRICT = True


def mailed(smtp: SmtpServer) -> dict[str, list[str]]:
    """Recipient address -> subjects without the token, in the order they arrived."""
    deliver_all()
    found: dict[str, list[str]] = {}
    for received in smtp.received:
        # A folded non-ASCII subject decodes with the fold's leading space; readers strip it.
        subject = re.sub(r"^\[[^]]+\] ", "", str(received.message["Subject"]).strip())
        for address in received.rcpt_tos:
            found.setdefault(address, []).append(subject)
    smtp.clear()
    return found


def email_of(ws: Workspace, who: str) -> str:
    return ws.member(who).user.email


# --- new tickets -------------------------------------------------------------------------------


def test_a_portal_request_is_acknowledged_and_reaches_everyone_who_works_the_customer(
    ws: Workspace,
    smtp_server: SmtpServer,  # noqa: F811
) -> None:
    contact = contacts_for(ws)["contact"]
    file_as(ws, "contact", requester=contact)
    got = mailed(smtp_server)
    assert got.pop(contact.email) == ["We received your request: Printer offline"]
    assert set(got) == {email_of(ws, who) for who in WORKERS}
    assert all(
        s == [f"New ticket from {ws.customers['a'].name}: Printer offline"] for s in got.values()
    )


def test_customer_limited_staff_never_hear_of_another_customers_tickets(
    ws: Workspace,
    smtp_server: SmtpServer,  # noqa: F811
) -> None:
    contact_b = contacts_for(ws)["contact_b"]
    ticket = file_as(ws, "contact_b", customer="b", requester=contact_b)
    got = mailed(smtp_server)
    assert email_of(ws, "limited_agent") not in got
    assert email_of(ws, "helpdesk_agent") in got
    actions.reply(ws.actor("contact_b"), ticket=ticket, body="Any news?")
    got = mailed(smtp_server)
    assert email_of(ws, "limited_agent") not in got
    assert email_of(ws, "helpdesk_agent") in got


def test_sales_and_billing_who_do_not_work_tickets_are_not_mailed(
    ws: Workspace,
    smtp_server: SmtpServer,  # noqa: F811
) -> None:
    file_as(ws, "contact", requester=contacts_for(ws)["contact"])
    got = mailed(smtp_server)
    assert email_of(ws, "sales_agent") not in got
    assert email_of(ws, "billing_admin") not in got


def test_the_agent_who_files_for_a_contact_is_not_mailed_but_the_contact_is_acknowledged(
    ws: Workspace,
    smtp_server: SmtpServer,  # noqa: F811
) -> None:
    contact = contacts_for(ws)["contact"]
    file_as(ws, "helpdesk_agent", requester=contact)
    got = mailed(smtp_server)
    assert email_of(ws, "helpdesk_agent") not in got
    assert got[contact.email] == ["We received your request: Printer offline"]
    assert email_of(ws, "admin_agent") in got


def test_a_ticket_without_requester_mails_no_contact(
    ws: Workspace,
    smtp_server: SmtpServer,  # noqa: F811
) -> None:
    contacts_for(ws)
    file_as(ws, "helpdesk_agent")
    got = mailed(smtp_server)
    assert set(got) == {email_of(ws, who) for who in WORKERS if who != "helpdesk_agent"}


# --- replies -----------------------------------------------------------------------------------


def test_an_internal_note_never_reaches_the_contact(
    ws: Workspace,
    smtp_server: SmtpServer,  # noqa: F811
) -> None:
    contact = contacts_for(ws)["contact"]
    ticket = file_as(ws, "contact", requester=contact)
    mailed(smtp_server)
    actions.reply(ws.actor("helpdesk_agent"), ticket=ticket, body="Secret: VIP", internal=True)
    assert mailed(smtp_server) == {}
    actions.reply(ws.actor("helpdesk_agent"), ticket=ticket, body="We are on it.")
    got = mailed(smtp_server)
    assert got == {contact.email: ["Re: Printer offline"]}


def test_a_customer_reply_goes_to_the_assignee_and_watchers_only(
    ws: Workspace,
    smtp_server: SmtpServer,  # noqa: F811
) -> None:
    contact = contacts_for(ws)["contact"]
    ticket = file_as(ws, "contact", requester=contact)
    admin = ws.actor("admin_agent")
    ticket = actions.change_ticket(
        admin, ticket=ticket, changes=TicketChanges(assignee=ws.member("helpdesk_agent"))
    )
    actions.watch_ticket(admin, ticket=ticket, membership=ws.member("limited_agent"))
    mailed(smtp_server)
    actions.reply(ws.actor("contact"), ticket=ticket, body="Still broken.")
    got = mailed(smtp_server)
    subject = f"Reply from {ws.customers['a'].name}: Printer offline"
    assert got == {
        email_of(ws, "helpdesk_agent"): [subject],
        email_of(ws, "limited_agent"): [subject],
    }


def test_a_customer_reply_on_an_unassigned_ticket_reaches_everyone_on_the_customer(
    ws: Workspace,
    smtp_server: SmtpServer,  # noqa: F811
) -> None:
    contact = contacts_for(ws)["contact"]
    ticket = file_as(ws, "contact", requester=contact)
    mailed(smtp_server)
    actions.reply(ws.actor("contact"), ticket=ticket, body="Still broken.")
    got = mailed(smtp_server)
    assert set(got) == {email_of(ws, who) for who in WORKERS}
    assert contact.email not in got


def test_the_customer_reply_mail_quotes_the_reply(
    ws: Workspace,
    smtp_server: SmtpServer,  # noqa: F811
) -> None:
    contact = contacts_for(ws)["contact"]
    ticket = file_as(ws, "contact", requester=contact)
    mailed(smtp_server)
    actions.reply(ws.actor("contact"), ticket=ticket, body="Still broken.\nSince 9:00.")
    deliver_all()
    [mail] = smtp_server.to(email_of(ws, "helpdesk_agent"))
    text = mail.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
    assert "Contact wrote:\n> Still broken.\n> Since 9:00." in text
    assert f"/desk/tickets/{ticket.pk}/" in text
    assert mail["Auto-Submitted"] == "auto-generated"


# --- assignment and status -----------------------------------------------------------------------


def test_assignment_mails_the_new_assignee_unless_they_took_it_themselves(
    ws: Workspace,
    smtp_server: SmtpServer,  # noqa: F811
) -> None:
    ticket = file_as(ws, "contact", requester=contacts_for(ws)["contact"])
    mailed(smtp_server)
    ticket = actions.change_ticket(
        ws.actor("admin_agent"),
        ticket=ticket,
        changes=TicketChanges(assignee=ws.member("helpdesk_agent")),
    )
    assert mailed(smtp_server) == {
        email_of(ws, "helpdesk_agent"): ["Assigned to you: Printer offline"]
    }
    actions.change_ticket(
        ws.actor("global_admin"),
        ticket=ticket,
        changes=TicketChanges(assignee=ws.member("global_admin")),
    )
    assert mailed(smtp_server) == {}


def test_a_contact_closing_their_own_request_is_not_mailed_about_it(
    ws: Workspace,
    smtp_server: SmtpServer,  # noqa: F811
) -> None:
    ticket = file_as(ws, "contact", requester=contacts_for(ws)["contact"])
    mailed(smtp_server)
    actions.close_as_requester(ws.actor("contact"), ticket=ticket)
    assert mailed(smtp_server) == {}


def test_status_changes_the_contact_need_not_know_send_nothing(
    ws: Workspace,
    smtp_server: SmtpServer,  # noqa: F811
) -> None:
    ticket = file_as(ws, "contact", requester=contacts_for(ws)["contact"])
    mailed(smtp_server)
    agent = ws.actor("helpdesk_agent")
    for status in ("open", "pending_vendor", "on_hold"):
        ticket = actions.change_ticket(agent, ticket=ticket, changes=TicketChanges(status=status))
    assert mailed(smtp_server) == {}


# --- preferences -------------------------------------------------------------------------------


def test_each_agents_choices_are_honoured(
    ws: Workspace,
    smtp_server: SmtpServer,  # noqa: F811
) -> None:
    Membership.objects.filter(pk=ws.member("helpdesk_agent").pk).update(
        notifications={"new_ticket": False, "customer_reply": True, "assigned": False}
    )
    Membership.objects.filter(pk=ws.member("admin_agent").pk).update(
        notifications={"customer_reply": False}
    )
    ticket = file_as(ws, "contact", requester=contacts_for(ws)["contact"])
    got = mailed(smtp_server)
    assert email_of(ws, "helpdesk_agent") not in got
    assert email_of(ws, "admin_agent") in got
    actions.reply(ws.actor("contact"), ticket=ticket, body="Hello?")
    got = mailed(smtp_server)
    assert email_of(ws, "helpdesk_agent") in got
    assert email_of(ws, "admin_agent") not in got
    actions.change_ticket(
        ws.actor("global_admin"),
        ticket=ticket,
        changes=TicketChanges(assignee=ws.member("helpdesk_agent")),
    )
    assert mailed(smtp_server) == {}


# --- language and wording ----------------------------------------------------------------------


def test_a_german_contact_gets_german_and_the_english_agent_english(
    ws: Workspace,
    smtp_server: SmtpServer,  # noqa: F811
) -> None:
    contact = contacts_for(ws)["contact"]
    User.objects.filter(pk=ws.member("contact").user_id).update(language="de")
    User.objects.filter(pk=ws.member("helpdesk_agent").user_id).update(language="en")
    admin = ws.actor("global_admin")
    from partnerdesk.mail.notifications.actions import save_template

    save_template(
        admin,
        key="status_resolved",
        language="de",
        subject="Erledigt: {ticket.subject}",
        text="Hallo {recipient.first_name}, Ihre Anfrage ist jetzt: {ticket.status}.",
    )
    ticket = file_as(ws, "contact", requester=contact)
    ticket = actions.change_ticket(
        ws.actor("helpdesk_agent"),
        ticket=ticket,
        changes=TicketChanges(assignee=ws.member("helpdesk_agent"), status="open"),
    )
    ticket = actions.change_ticket(
        ws.actor("global_admin"), ticket=ticket, changes=TicketChanges(status="resolved")
    )
    deliver_all()
    resolved = smtp_server.to(contact.email)[-1]
    assert resolved["Subject"].endswith("] Erledigt: Printer offline")
    assert resolved["Content-Language"] == "de"
    text = resolved.get_body(preferencelist=("plain",)).get_content()
    assert "Hallo Contact, Ihre Anfrage ist jetzt: Gelöst." in text
    html = resolved.get_body(preferencelist=("html",)).get_content()
    assert '<html lang="de">' in html
    [agent_mail] = smtp_server.to(email_of(ws, "helpdesk_agent"))
    assert agent_mail["Content-Language"] == "en"
    assert "] New ticket from" in agent_mail["Subject"]


def test_the_workspace_language_is_used_when_the_person_has_none(
    ws: Workspace,
    smtp_server: SmtpServer,  # noqa: F811
) -> None:
    ws.partner.default_language = "de"
    ws.partner.save()
    ws.customers["a"].language = ""
    ws.customers["a"].save()
    file_as(ws, "contact", requester=contacts_for(ws)["contact"])
    deliver_all()
    for mail in smtp_server.messages:
        assert mail["Content-Language"] == "de"


def test_a_workspace_wording_replaces_the_built_in_one_for_its_language_only(
    ws: Workspace,
    smtp_server: SmtpServer,  # noqa: F811
) -> None:
    from partnerdesk.mail.notifications.actions import save_template

    save_template(
        ws.actor("global_admin"),
        key="ticket_acknowledged",
        language="en",
        subject="Thanks, {requester.first_name}! ({ticket.reference})",
        text="{workspace.name} has your request about <{ticket.subject}>.",
    )
    contact = contacts_for(ws)["contact"]
    ticket = file_as(ws, "contact", requester=contact, subject="A & B")
    deliver_all()
    [mail] = smtp_server.to(contact.email)
    reference = f"{ws.partner.ticket_prefix}-{ticket.number}"
    assert mail["Subject"].endswith(f"] Thanks, Contact! ({reference})")
    text = mail.get_body(preferencelist=("plain",)).get_content()
    assert f"{ws.partner.name} has your request about <A & B>." in text
    html = mail.get_body(preferencelist=("html",)).get_content()
    assert "has your request about &lt;A &amp; B&gt;." in html


# --- failing addresses -------------------------------------------------------------------------


def test_a_failing_address_is_skipped_and_the_ticket_says_so_once(
    ws: Workspace,
    smtp_server: SmtpServer,  # noqa: F811
) -> None:
    contact = contacts_for(ws)["contact"]
    contact.email_failing_since = clock.now()
    contact.save()
    ticket = file_as(ws, "contact", requester=contact)
    agent = ws.actor("helpdesk_agent")
    actions.reply(agent, ticket=ticket, body="Try again?")
    got = mailed(smtp_server)
    assert contact.email not in got
    notes = Message.objects.filter(ticket=ticket, internal=True)
    assert notes.count() == 1
    assert f"No mail goes to {contact.email}" in notes.get().body
    assert OutboundMail.objects.filter(ticket=ticket, skipped="address_failing").count() == 2
    assert email_of(ws, "admin_agent") in got  # agents still hear of the ticket


# --- mail from auto-responders -----------------------------------------------------------------


def test_a_ticket_from_auto_generated_mail_is_not_acknowledged(
    ws: Workspace,
    smtp_server: SmtpServer,  # noqa: F811
) -> None:
    contact = contacts_for(ws)["contact"]
    for auto, expected in ((True, False), (False, True)):
        raw = (
            f"From: {contact.email}\r\nTo: support@example.test\r\nSubject: Away\r\n"
            f"Message-ID: <auto-{auto}@example.test>\r\n\r\nI am away.\r\n"
        ).encode()
        inbound = InboundMessage(
            partner=ws.partner,
            source="pipe",
            message_id=f"<auto-{auto}@example.test>",
            sha256=str(auto)[0] * 64,
            size=len(raw),
            received_at=clock.now(),
            auto_generated=auto,
        )
        inbound.raw.save("auto.eml", ContentFile(raw), save=False)
        inbound.save()

        def link(filed: Any, inbound: InboundMessage = inbound) -> None:
            InboundMessage.objects.filter(pk=inbound.pk).update(ticket=filed.ticket, state="ticket")

        actions.file_ticket(
            ws.actor("contact"),
            customer=ws.customers["a"],
            subject="Out of office",
            description="I am away.",
            category="how_to",
            severity="C",
            channel="email",
            requester=contact,
            same_transaction=link,
        )
        got = mailed(smtp_server)
        assert (contact.email in got) is expected, auto


# --- cost --------------------------------------------------------------------------------------


def _filing_queries(ws: Workspace) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    contact = contacts_for(ws)["contact"]
    with CaptureQueriesContext(connection) as captured:
        file_as(ws, "contact", requester=contact)
    return len(captured.captured_queries)


def test_each_more_agent_costs_the_filing_nothing(ws: Workspace) -> None:
    from tests.factories import MembershipFactory

    file_as(ws, "contact", requester=contacts_for(ws)["contact"])  # warm caches
    few = _filing_queries(ws)
    for n in range(10):
        MembershipFactory(partner=ws.partner, role="helpdesk_agent", user__email=f"x{n}@ex.test")
    many = _filing_queries(ws)
    # the agents' mails are one outbox item, expanded by a worker (test_notification_fan_out)
    assert many == few, (few, many)


def test_reply_and_wait_sends_the_reply_alone_but_a_later_wait_is_announced(
    ws: Workspace,
    smtp_server: SmtpServer,  # noqa: F811
) -> None:
    contact = contacts_for(ws)["contact"]
    ticket = file_as(ws, "contact", requester=contact)
    mailed(smtp_server)
    agent = ws.actor("helpdesk_agent")
    actions.reply(agent, ticket=ticket, body="Which printer model is it?")
    ticket = actions.change_ticket(
        agent, ticket=ticket, changes=TicketChanges(status="pending_customer")
    )
    assert mailed(smtp_server) == {contact.email: ["Re: Printer offline"]}
    ticket = actions.change_ticket(agent, ticket=ticket, changes=TicketChanges(status="open"))
    ticket = actions.change_ticket(
        ws.actor("admin_agent"), ticket=ticket, changes=TicketChanges(status="pending_customer")
    )
    assert mailed(smtp_server) == {
        contact.email: ["We are waiting for your answer: Printer offline"]
    }


def test_changes_made_with_notify_off_mail_nobody(
    ws: Workspace,
    smtp_server: SmtpServer,  # noqa: F811
) -> None:
    from partnerdesk.core import events

    contact = contacts_for(ws)["contact"]
    with events.context(notify=False):
        ticket = file_as(ws, "contact", requester=contact)
        actions.reply(ws.actor("helpdesk_agent"), ticket=ticket, body="Done.")
    assert mailed(smtp_server) == {}
    actions.reply(ws.actor("helpdesk_agent"), ticket=ticket, body="Done now.")
    assert list(mailed(smtp_server)) == [contact.email]
