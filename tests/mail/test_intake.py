"""Mail intake: each rule that turns a message into a ticket, a reply, triage, quarantine or an
ignored row; through `receive` (store, then process) with the real parser."""

from __future__ import annotations

from typing import Any

import pytest

from partnerdesk.customers.models import Contact, CustomerDomain
from partnerdesk.mail.actions import intake
from partnerdesk.mail.models import InboundMessage
from partnerdesk.tickets.models import Attachment, Message, Ticket
from tests.kit import Workspace, contacts_for
from tests.mail.intake_kit import a_ticket, mail, our_message_id, receive, token_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def ann(ws: Workspace) -> Contact:
    """A contact of customer a without a portal login, writing from contoso.example."""
    return Contact.objects.create(
        partner=ws.partner,
        customer=ws.customers["a"],
        name="Ann Example",
        email="Ann@Contoso.example",
        created_at=ws.partner.created_at,
    )


# --- new messages -------------------------------------------------------------------------------


def test_a_known_contact_gets_a_ticket_with_the_text_and_files(ws: Workspace, ann: Contact) -> None:
    raw = mail(
        body="The printer is offline.\n\nAnn",
        attachments=[("status page.pdf", b"%PDF-1.4 x", "application/pdf")],
    )
    inbound = receive(ws, raw)

    assert (inbound.state, inbound.reason) == ("ticket", "")
    ticket = Ticket.objects.get(pk=inbound.ticket_id)
    assert (ticket.customer_id, ticket.requester_id) == (ann.customer_id, ann.pk)
    assert (ticket.subject, ticket.channel, ticket.status) == ("Printer offline", "email", "new")
    assert "The printer is offline." in ticket.description
    assert [a.filename for a in Attachment.objects.filter(ticket=ticket)] == ["status page.pdf"]
    assert inbound.sender == "ann@contoso.example"
    assert inbound.sender_verified is None  # no Authentication-Results: allowed, not verified
    assert intake.wants_acknowledgement(inbound) is True


def test_a_sender_from_a_customer_domain_gets_a_ticket_without_requester_and_a_note(
    ws: Workspace,
) -> None:
    CustomerDomain.objects.create(
        partner=ws.partner, customer=ws.customers["b"], domain="fabrikam.example"
    )
    inbound = receive(ws, mail(sender="Bob <bob@FABRIKAM.example>"))

    assert inbound.state == "ticket"
    ticket = Ticket.objects.get(pk=inbound.ticket_id)
    assert (ticket.customer_id, ticket.requester_id) == (ws.customers["b"].pk, None)
    note = Message.objects.get(ticket=ticket)
    assert note.internal
    assert "bob@fabrikam.example" in note.body and "no requester" in note.body


def test_an_unknown_sender_waits_in_triage(ws: Workspace) -> None:
    inbound = receive(ws, mail(sender="stranger@nowhere.example"))

    assert (inbound.state, inbound.reason) == ("triage", "unknown_sender")
    assert "stranger@nowhere.example" in inbound.detail
    assert Ticket.objects.filter(partner=ws.partner).count() == 0


def test_an_inactive_contact_is_unknown(ws: Workspace, ann: Contact) -> None:
    Contact.objects.filter(pk=ann.pk).update(is_active=False)
    assert receive(ws, mail()).reason == "unknown_sender"


def test_a_refused_attachment_is_reported_in_the_ticket_and_the_mail_is_kept(
    ws: Workspace, ann: Contact
) -> None:
    inbound = receive(
        ws,
        mail(
            attachments=[
                ("setup.exe", b"MZ...", "application/octet-stream"),
                ("log.txt", b"error 42", "text/plain"),
            ]
        ),
    )

    assert inbound.state == "ticket"
    ticket = Ticket.objects.get(pk=inbound.ticket_id)
    assert [a.filename for a in Attachment.objects.filter(ticket=ticket)] == ["log.txt"]
    note = Message.objects.get(ticket=ticket, internal=True)
    assert "setup.exe" in note.body
    assert "setup.exe" in inbound.detail


# --- threading ----------------------------------------------------------------------------------


def test_a_reply_threads_by_in_reply_to_and_reopens_a_resolved_ticket(
    ws: Workspace, ann: Contact
) -> None:
    ticket = a_ticket(ws, ann, status="resolved")
    raw = mail(
        subject="Re: VPN drops every hour",
        body="It happened again.\n\nOn Monday you wrote:\n> Fixed now.",
        headers={"In-Reply-To": our_message_id(ticket), "References": our_message_id(ticket)},
    )
    inbound = receive(ws, raw)

    assert (inbound.state, inbound.ticket_id) == ("reply", ticket.pk)
    message = Message.objects.get(pk=inbound.ticket_message_id)
    assert (message.author_contact_id, message.channel, message.internal) == (
        ann.pk,
        "email",
        False,
    )
    assert "It happened again." in message.body
    assert "Fixed now" not in message.body  # quoted history trimmed; the original keeps it
    assert Ticket.objects.get(pk=ticket.pk).status == "open"


def test_a_reply_threads_by_the_token_in_the_subject(ws: Workspace, ann: Contact) -> None:
    ticket = a_ticket(ws, ann)
    inbound = receive(ws, mail(subject=f"Re: [{token_of(ticket)}] VPN drops"))
    assert (inbound.state, inbound.ticket_id) == ("reply", ticket.pk)


def test_a_reply_threads_by_the_plus_address(ws: Workspace, ann: Contact) -> None:
    ticket = a_ticket(ws, ann)
    inbound = receive(ws, mail(to=f"support+{token_of(ticket)}@nordwind.example"))
    assert (inbound.state, inbound.ticket_id) == ("reply", ticket.pk)


def test_a_colleague_of_the_customer_may_answer(ws: Workspace, ann: Contact) -> None:
    ticket = a_ticket(ws, ann)
    Contact.objects.create(
        partner=ws.partner,
        customer=ann.customer,
        name="Carl",
        email="carl@contoso.example",
        created_at=ws.partner.created_at,
    )
    inbound = receive(ws, mail(sender="carl@contoso.example", subject=f"[{token_of(ticket)}] x"))
    assert inbound.state == "reply"


def test_an_answer_from_someone_else_goes_to_triage_not_onto_the_ticket(
    ws: Workspace, ann: Contact
) -> None:
    contacts = contacts_for(ws)
    ticket = a_ticket(ws, ann)
    # contact_b is a contact, but of the other customer: not someone who speaks on this ticket.
    for sender in ("eve@elsewhere.example", contacts["contact_b"].email):
        inbound = receive(ws, mail(sender=sender, subject=f"Re: [{token_of(ticket)}] VPN"))
        assert (inbound.state, inbound.reason) == ("triage", "not_a_contact")
        # Shown to the agent, not attached: `ticket` (what it became) stays empty.
        assert (inbound.answers_ticket_id, inbound.ticket_id) == (ticket.pk, None)
    assert Message.objects.filter(ticket=ticket).count() == 0


def test_a_forged_or_foreign_token_is_no_token(
    ws: Workspace, other_ws: Workspace, ann: Contact
) -> None:
    mine = a_ticket(ws, ann)
    other_contact = Contact.objects.create(
        partner=other_ws.partner,
        customer=other_ws.customers["a"],
        name="Otto",
        email="otto@alpen.example",
        created_at=other_ws.partner.created_at,
    )
    theirs = a_ticket(other_ws, other_contact)
    forged = f"{token_of(mine).rsplit('.', 1)[0]}.aaaaaa"
    # The other workspace's token, carried to this workspace: it must not find any ticket here,
    # even one with the same number.
    for subject in (f"[{token_of(theirs)}] hello", f"[{forged}] hello"):
        inbound = receive(ws, mail(subject=subject))
        assert inbound.state == "ticket"  # a new ticket for ann's customer, per the sender rules
        assert inbound.ticket_id not in (mine.pk, theirs.pk)
    stranger = receive(ws, mail(sender="x@nowhere.example", subject=f"[{token_of(theirs)}] x"))
    assert (stranger.state, stranger.reason, stranger.ticket_id) == (
        "triage",
        "unknown_sender",
        None,
    )
    assert Message.objects.filter(ticket__in=[mine, theirs]).count() == 0


def test_a_contact_answering_a_closed_ticket_gets_a_new_one_that_names_it(
    ws: Workspace, ann: Contact
) -> None:
    ticket = a_ticket(ws, ann, status="closed")
    inbound = receive(ws, mail(subject=f"Re: [{token_of(ticket)}] VPN drops"))

    assert inbound.state == "ticket" and inbound.ticket_id != ticket.pk
    follow_up = Ticket.objects.get(pk=inbound.ticket_id)
    assert f"closed ticket {ticket.number}" in follow_up.description
    assert ticket.number != follow_up.number and "VPN drops" in follow_up.subject


def test_a_reply_on_a_merged_ticket_lands_on_the_surviving_one(ws: Workspace, ann: Contact) -> None:
    from partnerdesk.tickets.actions import merge_tickets

    merged, survivor = a_ticket(ws, ann), a_ticket(ws, ann)
    merge_tickets(ws.actor("helpdesk_agent"), duplicate=merged, original=survivor)
    inbound = receive(ws, mail(subject=f"Re: [{token_of(merged)}] VPN"))
    assert (inbound.state, inbound.ticket_id) == ("reply", survivor.pk)


# --- sender trust ---------------------------------------------------------------------------------


def test_dmarc_failure_never_attaches_automatically(ws: Workspace, ann: Contact) -> None:
    ticket = a_ticket(ws, ann)
    new = receive(ws, mail(dmarc="fail"))
    answer = receive(ws, mail(dmarc="fail", subject=f"Re: [{token_of(ticket)}] VPN"))

    for inbound in (new, answer):
        assert (inbound.state, inbound.reason, inbound.sender_verified) == (
            "triage",
            "dmarc_failed",
            False,
        )
        assert "DMARC failed for contoso.example" in inbound.detail
    # The agent is shown which ticket it claims to answer; it did not become part of it.
    assert (answer.answers_ticket_id, answer.ticket_id) == (ticket.pk, None)
    assert Message.objects.filter(ticket=ticket).count() == 0
    assert Ticket.objects.filter(partner=ws.partner).count() == 1


def test_dmarc_pass_marks_the_sender_verified(ws: Workspace, ann: Contact) -> None:
    inbound = receive(ws, mail(dmarc="pass"))
    assert (inbound.state, inbound.sender_verified) == ("ticket", True)
    assert {"method": "dmarc", "result": "pass", "domain": "contoso.example"} in (
        inbound.authentication["results"]
    )


# --- loops and noise ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto-Submitted": "auto-replied"},
        {"Precedence": "bulk"},
        {"Precedence": "list"},
        {"Return-Path": "<>"},
    ],
)
def test_auto_generated_mail_opens_no_ticket(
    ws: Workspace, ann: Contact, headers: dict[str, str]
) -> None:
    inbound = receive(ws, mail(headers=headers))
    assert (inbound.state, inbound.reason, inbound.auto_generated) == (
        "ignored",
        "auto_generated",
        True,
    )
    assert intake.wants_acknowledgement(inbound) is False


def test_mailer_daemon_is_auto_generated(ws: Workspace) -> None:
    inbound = receive(ws, mail(sender="MAILER-DAEMON@mx.contoso.example"))
    assert (inbound.state, inbound.auto_generated) == ("ignored", True)


def test_auto_submitted_no_is_human_mail(ws: Workspace, ann: Contact) -> None:
    inbound = receive(ws, mail(headers={"Auto-Submitted": "no"}))
    assert (inbound.state, inbound.auto_generated) == ("ticket", False)


def test_an_auto_reply_on_a_ticket_is_kept_as_an_internal_note_without_reopening(
    ws: Workspace, ann: Contact
) -> None:
    ticket = a_ticket(ws, ann, status="resolved")
    inbound = receive(
        ws,
        mail(
            subject=f"Automatic reply: [{token_of(ticket)}] VPN",
            body="I am out of office until Monday.",
            headers={"Auto-Submitted": "auto-replied"},
        ),
    )

    assert (inbound.state, inbound.auto_generated) == ("reply", True)
    note = Message.objects.get(pk=inbound.ticket_message_id)
    assert note.internal and "out of office" in note.body
    assert "Automatic reply from ann@contoso.example" in note.body
    assert Ticket.objects.get(pk=ticket.pk).status == "resolved"


def test_auto_response_suppress_stops_only_the_acknowledgement(ws: Workspace, ann: Contact) -> None:
    inbound = receive(ws, mail(headers={"X-Auto-Response-Suppress": "All"}))
    assert (inbound.state, inbound.auto_generated) == ("ticket", False)
    assert intake.wants_acknowledgement(inbound) is False
    other = receive(ws, mail(headers={"X-Auto-Response-Suppress": "DR, RN, NRN"}))
    assert intake.wants_acknowledgement(other) is True


def _bounce(recipient: str) -> bytes:
    report = (
        "From: Mail Delivery System <MAILER-DAEMON@mx.nordwind.example>\r\n"
        "To: support@nordwind.example\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        "Message-ID: <bounce-1@mx.nordwind.example>\r\n"
        "Auto-Submitted: auto-replied\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n'
        "\r\n--b\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
        "--b\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.nordwind.example\r\n\r\n"
        f"Final-Recipient: rfc822; {recipient}\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        "--b--\r\n"
    )
    return report.encode()


def test_a_bounce_marks_the_contact_failing_and_is_ignored(ws: Workspace, ann: Contact) -> None:
    inbound = receive(ws, _bounce("ann@contoso.example"))

    assert (inbound.state, inbound.reason) == ("ignored", "bounce")
    assert "ann@contoso.example" in inbound.detail
    ann.refresh_from_db()
    assert ann.email_failing_since is not None
    assert "Undelivered Mail" in ann.email_failure


def test_a_flood_from_one_sender_is_held_until_reprocessed(
    ws: Workspace, ann: Contact, settings: Any
) -> None:
    from partnerdesk.mail.actions.quarantine import reprocess_quarantined

    settings.PARTNERDESK_MAIL_SENDER_LIMIT = 3
    outcomes = [receive(ws, mail(subject=f"Alert {n}")) for n in range(5)]

    assert [i.state for i in outcomes] == ["ticket"] * 3 + ["quarantined"] * 2
    held = outcomes[3]
    assert held.reason == "rate_limited" and "Held for review" in held.detail
    released = reprocess_quarantined(ws.actor("global_admin"), inbound=held)
    assert released.state == "ticket"
    assert Ticket.objects.filter(partner=ws.partner).count() == 4


# --- hostile and broken mail ----------------------------------------------------------------------


def test_a_message_past_a_limit_is_quarantined_with_its_code(
    ws: Workspace, ann: Contact, settings: Any
) -> None:
    settings.PARTNERDESK_MAIL_MAX_BYTES = 2000
    inbound = receive(ws, mail(body="x" * 5000))
    assert inbound.state == "quarantined"
    assert inbound.reason == "too_large"
    assert intake.read_raw(inbound).startswith(b"From:")  # the raw bytes are kept


def test_anything_unexpected_is_retried_then_quarantined(
    ws: Workspace, ann: Contact, monkeypatch: pytest.MonkeyPatch
) -> None:
    from partnerdesk.mail.actions import routing

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(routing, "dmarc_verdict", broken)
    inbound = receive(ws, mail())
    assert (inbound.state, inbound.attempts) == ("received", 1)
    assert "RuntimeError: database hiccup" in inbound.detail
    for attempt in range(2, 6):
        inbound = intake.process(inbound)
        assert inbound.attempts == attempt
    assert (inbound.state, inbound.reason) == ("quarantined", "internal_error")
    assert "5 times" in inbound.detail
    assert Ticket.objects.filter(partner=ws.partner).count() == 0


def test_a_message_whose_runs_all_died_is_quarantined_not_run_again(
    ws: Workspace, ann: Contact
) -> None:
    inbound = intake.ingest(workspace_id=ws.partner.pk, raw=mail(), source="pipe")
    InboundMessage.objects.filter(pk=inbound.pk).update(attempts=intake.MAX_ATTEMPTS)
    after = intake.process(inbound)
    assert (after.state, after.reason) == ("quarantined", "internal_error")
    assert Ticket.objects.filter(partner=ws.partner).count() == 0
