"""The agents' mails of an event leave the action's transaction as one outbox item, which a
worker expands: once per agent however often it runs, reading the ticket as it is then."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partnerdesk.core import clock, outbox
from partnerdesk.core.models import OutboxItem, OutboxStatus
from partnerdesk.mail.models import OutboundMail
from partnerdesk.mail.notifications import actions as notifications
from partnerdesk.mail.outbound import KIND as MAIL_KIND
from partnerdesk.tickets import actions
from tests.factories import MembershipFactory
from tests.kit import Workspace, contacts_for
from tests.support.notify import deliver_all, file_as
from tests.support.smtp import SmtpServer, smtp_server  # noqa: F401

pytestmark = pytest.mark.django_db

WORKERS = ["global_admin", "admin_agent", "helpdesk_agent", "limited_agent"]


@pytest.fixture(autouse=True)
def _strict_events(settings: Any) -> None:
    settings.PARTNERDESK_EVENTS_STRICT = True


def _agents_mailed(smtp: SmtpServer) -> dict[str, int]:
    """Agent address -> how many "New ticket" mails arrived (the outbox delivered first)."""
    deliver_all()
    found: dict[str, int] = {}
    for received in smtp.received:
        if re.search(r"New ticket", str(received.message["Subject"])):
            for address in received.rcpt_tos:
                found[address] = found.get(address, 0) + 1
    smtp.clear()
    return found


def _fan_out_item() -> OutboxItem:
    return OutboxItem.objects.get(kind=notifications.FAN_OUT, status=OutboxStatus.PENDING)


def test_filing_queues_the_acknowledgement_and_one_item_for_all_agents(
    ws: Workspace,
    smtp_server: SmtpServer,  # noqa: F811
) -> None:
    contact = contacts_for(ws)["contact"]
    ticket = file_as(ws, "contact", requester=contact)
    assert sorted(OutboxItem.objects.values_list("kind", flat=True)) == sorted(
        [MAIL_KIND, notifications.FAN_OUT]
    )
    assert list(OutboundMail.objects.values_list("recipient", flat=True)) == [contact.email]
    facts = _fan_out_item().payload
    assert facts["ticket_id"] == str(ticket.pk)
    assert facts["kind"] == "ticket.filed"
    assert facts["actor"]["contact_id"] == str(contact.pk)
    assert facts["plan"] == {
        "key": "agent_new_ticket",
        "audience": "customer",
        "preference": "new_ticket",
    }

    got = _agents_mailed(smtp_server)
    assert got == {ws.member(who).user.email: 1 for who in WORKERS}
    logged = OutboundMail.objects.filter(ticket=ticket, audience="agent")
    assert logged.count() == len(WORKERS)
    assert all(row.message_id and row.outbox_item_id for row in logged)


def _add_agents(ws: Workspace, count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        MembershipFactory(partner=ws.partner, role="helpdesk_agent", user__email=f"x{n}@ex.test")


def test_filing_costs_the_same_however_many_agents_work_the_customer(ws: Workspace) -> None:
    contact = contacts_for(ws)["contact"]
    file_as(ws, "contact", requester=contact)  # warm caches

    def filing() -> int:
        with CaptureQueriesContext(connection) as captured:
            file_as(ws, "contact", requester=contact)
        return len(captured.captured_queries)

    few = filing()
    _add_agents(ws, 20)
    assert filing() == few


def test_the_expansion_costs_the_same_however_many_agents_it_mails(ws: Workspace) -> None:
    contact = contacts_for(ws)["contact"]

    def expansion() -> tuple[int, int]:
        OutboxItem.objects.filter(kind=notifications.FAN_OUT).delete()
        file_as(ws, "contact", requester=contact)
        item = _fan_out_item()
        before = OutboxItem.objects.filter(kind=MAIL_KIND).count()
        with CaptureQueriesContext(connection) as captured:
            notifications.fan_out(item)
        mails = OutboxItem.objects.filter(kind=MAIL_KIND).count() - before
        return len(captured.captured_queries), mails

    expansion()  # warm caches
    few, few_mails = expansion()
    _add_agents(ws, 20)
    many, many_mails = expansion()
    assert many_mails == few_mails + 20
    # one read of the people, one of the thread, the wording once, two inserts: per event
    assert many == few, (few, many)


def test_a_worker_that_dies_after_expanding_leaves_nobody_mailed_twice(
    ws: Workspace,
    smtp_server: SmtpServer,  # noqa: F811
) -> None:
    contact = contacts_for(ws)["contact"]
    file_as(ws, "contact", requester=contact)
    item = _fan_out_item()
    # A worker claims the item, queues the agents' mails, and dies before recording it.
    claimed = outbox._claim("dies")
    while claimed is not None and claimed.pk != item.pk:
        outbox._finish(claimed, "dies", status=OutboxStatus.PENDING)
        claimed = outbox._claim("dies")
    assert claimed is not None
    notifications.fan_out(claimed)
    OutboxItem.objects.filter(pk=item.pk).update(lease_expires_at=clock.real_now() - timedelta(1))
    # Another worker takes it over after the lease and runs the expansion again.
    got = _agents_mailed(smtp_server)
    assert OutboxItem.objects.get(pk=item.pk).attempts == 2
    assert got == {ws.member(who).user.email: 1 for who in WORKERS}
    assert OutboundMail.objects.filter(audience="agent").count() == len(WORKERS)


def test_running_the_expansion_again_queues_only_what_is_missing(ws: Workspace) -> None:
    file_as(ws, "contact", requester=contacts_for(ws)["contact"])
    item = _fan_out_item()
    notifications.fan_out(item)
    first = set(OutboxItem.objects.filter(kind=MAIL_KIND).values_list("id", flat=True))
    notifications.fan_out(item)
    assert set(OutboxItem.objects.filter(kind=MAIL_KIND).values_list("id", flat=True)) == first
    assert OutboundMail.objects.filter(audience="agent").count() == len(WORKERS)


def test_a_ticket_merged_before_the_worker_expands_mails_no_agent(
    ws: Workspace,
    smtp_server: SmtpServer,  # noqa: F811
) -> None:
    contact = contacts_for(ws)["contact"]
    original = file_as(ws, "contact", requester=contact, subject="Printer offline")
    assert len(_agents_mailed(smtp_server)) == len(WORKERS)
    duplicate = file_as(ws, "contact", requester=contact, subject="Printer still offline")
    actions.merge_tickets(ws.actor("admin_agent"), duplicate=duplicate, original=original)
    assert _agents_mailed(smtp_server) == {}
    assert not OutboundMail.objects.filter(ticket=duplicate, audience="agent").exists()


def test_the_people_are_read_when_the_worker_expands(
    ws: Workspace,
    smtp_server: SmtpServer,  # noqa: F811
) -> None:
    file_as(ws, "contact", requester=contacts_for(ws)["contact"])
    gone = ws.member("admin_agent")
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    got = _agents_mailed(smtp_server)
    assert set(got) == {ws.member(who).user.email for who in WORKERS if who != "admin_agent"}


def test_nothing_is_fanned_out_when_nobody_is_to_be_mailed(ws: Workspace) -> None:
    from partnerdesk.core import events

    with events.context(notify=False):
        file_as(ws, "contact", requester=contacts_for(ws)["contact"])
    assert not OutboxItem.objects.exists()
    assert outbox.HANDLERS[notifications.FAN_OUT] is notifications.fan_out
