"""`partnerdesk demo`: the workspace of JOURNEYS.md, made once, with logins that work."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command

from partnerdesk.accounts.models import Membership, User
from partnerdesk.core import clock
from partnerdesk.core.audit import verify_chain
from partnerdesk.core.models import AuditEntry
from partnerdesk.customers.models import Contact, Customer, CustomerDomain
from partnerdesk.demo.loader import LOGINS, PASSWORD, SLUG
from partnerdesk.partners.models import Partner
from partnerdesk.tickets.enums import EventKind, Status
from partnerdesk.tickets.models import Message, Tag, Ticket, TicketEvent
from tests.kit import api_client

pytestmark = pytest.mark.django_db


def _demo() -> str:
    out = io.StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model.__module__.startswith("partnerdesk.")
    }


def test_the_demo_is_loaded_once_and_prints_its_logins() -> None:
    first = _demo()

    assert "Demo workspace loaded." in first
    assert PASSWORD in first
    for login in LOGINS:
        assert login.email in first
    counts = _row_counts()
    last_audit = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first()

    second = _demo()

    assert "already present" in second
    assert all(login.email in second for login in LOGINS)
    assert _row_counts() == counts
    assert AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() == last_audit


def test_the_demo_workspace_is_nordwind_it() -> None:
    _demo()
    workspace = Partner.objects.get(slug=SLUG)

    assert (workspace.name, workspace.time_zone, workspace.instance, workspace.partner_type) == (
        "Nordwind IT GmbH",
        "Europe/Berlin",
        "global",
        "direct_bill",
    )
    customers = {c.name: c for c in Customer.objects.filter(partner=workspace)}
    assert 8 <= len(customers) <= 12
    assert {"Bäckerei Huber GmbH", "Stadtwerke Rosenheim GmbH & Co. KG"} <= set(customers)
    assert any(name.startswith("Kanzlei") for name in customers)
    own = Customer.objects.get(partner=workspace, is_partner_own=True)
    assert own.tenant_id == workspace.tenant_id
    assert {c.country for c in customers.values()} >= {"DE", "AT", "GB", "CH"}
    assert {c.language for c in customers.values()} == {"de", "en"}
    huber = customers["Bäckerei Huber GmbH"]
    assert list(CustomerDomain.objects.filter(customer=huber).values_list("domain", flat=True)) == [
        "baeckerei-huber.example"
    ]
    assert verify_chain(workspace.pk) is None


def test_the_demo_logins_work_and_customer_logins_are_their_contacts() -> None:
    _demo()
    workspace = Partner.objects.get(slug=SLUG)
    for login in LOGINS:
        user = User.objects.get(email=login.email)
        assert user.check_password(PASSWORD), login.email
        membership = Membership.objects.get(user=user, partner=workspace)
        assert membership.role == login.role
        if login.customer:
            contact = Contact.objects.get(membership=membership)
            assert contact.email == login.email
            assert contact.customer_id == membership.customer_id
    assert Contact.objects.filter(partner=workspace, membership__isnull=True).count() >= 10

    maria = Membership.objects.get(user__email="maria.huber@baeckerei-huber.example")
    client = api_client(maria)
    own = client.get(f"/api/v1/customers/{maria.customer_id}")
    assert own.status_code == 200
    assert own.json()["name"] == "Bäckerei Huber GmbH"
    anna = api_client(Membership.objects.get(user__email="anna.berger@nordwind-it.example"))
    assert (
        len(anna.get("/api/v1/customers").json()["items"])
        == Customer.objects.filter(partner=workspace).count()
    )


def test_about_fifty_tickets_in_every_status_with_a_history() -> None:
    _demo()
    workspace = Partner.objects.get(slug=SLUG)
    tickets = Ticket.objects.filter(partner=workspace)

    assert 45 <= tickets.count() <= 60
    assert set(tickets.values_list("status", flat=True)) == set(Status.values)
    assert tickets.filter(merged_into__isnull=False).count() == 1
    assert tickets.filter(assignee__isnull=False).count() >= 40
    assert tickets.filter(customer__is_partner_own=True).exists()
    outbox = tickets.get(subject="E-Mails bleiben im Postausgang")
    assert outbox.customer.name == "Bäckerei Huber GmbH"
    assert outbox.service_id == "exchange-online"
    assert outbox.requester is not None and outbox.requester.membership_id is not None
    assert set(outbox.tags.values_list("name", flat=True)) == {"exchange", "ex226792"}
    messages = Message.objects.filter(partner=workspace)
    assert messages.filter(internal=True).count() >= 20
    assert messages.filter(internal=False, author_contact__isnull=False).count() >= 5
    assert Tag.objects.filter(partner=workspace).count() >= 10
    events = TicketEvent.objects.filter(partner=workspace)
    assert events.filter(kind=EventKind.MERGED_INTO).count() == 1
    assert events.filter(kind=EventKind.REOPENED).count() == 0
    closed_by_customers = events.filter(kind=EventKind.STATUS, actor_kind="contact")
    assert closed_by_customers.filter(data__to="closed").count() >= 2
    subjects = " ".join(tickets.values_list("subject", flat=True))
    assert "Postausgang" in subjects and "Cannot send email" in subjects


def _check_the_timeline() -> None:
    now = clock.now()
    workspace = Partner.objects.get(slug=SLUG)
    tickets = list(Ticket.objects.filter(partner=workspace).order_by("number"))
    created = [t.created_at for t in tickets]
    assert created == sorted(created), "numbers follow time"
    assert max(created) - min(created) > timedelta(days=21)
    for ticket in tickets:
        assert ticket.created_at <= ticket.last_activity_at <= now, ticket.subject
        for at in (ticket.resolved_at, ticket.closed_at):
            assert at is None or ticket.created_at <= at <= now, ticket.subject
        if ticket.status == Status.RESOLVED:
            assert ticket.resolved_at is not None
    for message in Message.objects.filter(partner=workspace).select_related("ticket"):
        assert message.created_at <= now
    latest_event = TicketEvent.objects.filter(partner=workspace).order_by("-at").first()
    assert latest_event is not None and latest_event.at <= now
    history = TicketEvent.objects.filter(
        ticket__subject="Produktiv-VM startet nach Plattform-Update nicht mehr"
    ).order_by("pk")
    times = [e.at for e in history]
    assert times == sorted(times)
    assert times[0].astimezone(Berlin).strftime("%a %H:%M") == "Fri 16:45"


Berlin = __import__("zoneinfo").ZoneInfo("Europe/Berlin")


def test_the_stories_lie_in_the_past_weeks_in_order() -> None:
    _demo()
    _check_the_timeline()


@pytest.mark.parametrize("moment", ["2026-03-01 10:00", "2026-03-02 06:00", "2026-03-06 23:30"])
def test_the_timeline_holds_on_any_day(moment: str) -> None:
    at = datetime.fromisoformat(moment).replace(tzinfo=UTC)
    with time_machine.travel(at, tick=True):
        _demo()
        _check_the_timeline()


def test_loading_the_demo_mails_nobody() -> None:
    """Its people are made up: a worker must not spend hours retrying mail to them."""
    from partnerdesk.core.models import OutboxItem

    _demo()
    assert Ticket.objects.count() > 40
    assert OutboxItem.objects.filter(kind="mail.send").count() == 0


def test_the_demo_tickets_run_their_plans_clocks_at_the_stories_times() -> None:
    """Journey 2: Stadtwerke Rosenheim's plan is Business Critical 24x7, first response
    within 30 minutes around the clock; the Friday 16:45 request was answered at 16:52."""
    from partnerdesk.tickets.models import TicketClock

    _demo()
    vm = Ticket.objects.get(subject__startswith="Produktiv-VM startet")
    assert vm.support_plan is not None
    assert vm.support_plan.name == "Business Critical 24x7"
    first = TicketClock.objects.get(ticket=vm, kind="first_response")
    assert first.state == "met"
    assert first.stopped_at is not None
    assert first.stopped_at - vm.created_at == timedelta(minutes=7)
    assert first.target == timedelta(minutes=30)
    # Every ticket of a customer with a plan (all, through the default) has its clocks.
    workspace_tickets = Ticket.objects.filter(partner__slug=SLUG, merged_into__isnull=True)
    assert not workspace_tickets.filter(support_plan__isnull=True).exists()
    assert TicketClock.objects.filter(ticket__partner__slug=SLUG).count() >= 2 * len(
        workspace_tickets
    )
    # The sweep ran at the end: an open ticket whose clock is past due says so.
    now = clock.now()
    for ticket in workspace_tickets.filter(is_open=True):
        if ticket.sla_due_at <= now:
            assert ticket.sla_state == "breached", ticket.subject
