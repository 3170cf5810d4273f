"""The SLA sweep and recalculation tasks: warnings and breaches marked once per clock and
cycle, one console notice and one mail for the assignee; plan changes recalculate.

Plan: Berlin office hours Mon-Fri 09:00-17:00, severity B first response 4 business hours,
warning at 75 % (3 h). Monday 11 January 2027, Berlin is UTC+1.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine

from partnerdesk.accounts.models import User
from partnerdesk.customers.models import Customer
from partnerdesk.mail.models import OutboundMail
from partnerdesk.tickets import actions, tasks
from partnerdesk.tickets.actions import TicketChanges
from partnerdesk.tickets.models import AgentNotice, Ticket, TicketEvent
from tests.kit import Workspace, max_queries
from tests.support.notify import deliver_all
from tests.support.smtp import SmtpServer, smtp_server  # noqa: F401
from tests.tickets.sla_kit import berlin, clocks, office_plan

pytestmark = pytest.mark.django_db

H = timedelta(hours=1)


@pytest.fixture(autouse=True)
def _strict_events(settings: Any) -> None:
    settings.PARTNERDESK_EVENTS_STRICT = True


def file_b(ws: Workspace, *, assignee: str | None = "helpdesk_agent") -> Ticket:
    ticket = actions.file_ticket(
        ws.actor("admin_agent"),
        customer=ws.customers["a"],
        subject="Drucker offline",
        description="",
        category="how_to",
        severity="B",
        channel="agent",
    ).ticket
    if assignee:
        ticket = actions.change_ticket(
            ws.actor("admin_agent"),
            ticket=ticket,
            changes=TicketChanges(assignee=ws.member(assignee)),
        )
    return ticket


def sla_mails(ticket: Ticket) -> list[tuple[str, str]]:
    return list(
        OutboundMail.objects.filter(ticket=ticket, key__startswith="agent_sla")
        .order_by("created_at", "key")
        .values_list("key", "recipient")
    )


def notices(ticket: Ticket) -> list[tuple[str, str]]:
    return list(
        AgentNotice.objects.filter(ticket=ticket)
        .order_by("created_at", "kind")
        .values_list("kind", "data__clock")
    )


def history(ticket: Ticket) -> list[str]:
    return list(
        TicketEvent.objects.filter(ticket=ticket, kind__startswith="sla")
        .order_by("at", "id")
        .values_list("kind", flat=True)
    )


def test_the_sweep_warns_then_breaches_once_each_and_tells_the_assignee(
    ws: Workspace,
    smtp_server: SmtpServer,  # noqa: F811
) -> None:
    office_plan(ws)
    User.objects.filter(pk=ws.member("helpdesk_agent").user_id).update(
        time_zone="America/New_York", language="en"
    )
    agent_email = ws.member("helpdesk_agent").user.email
    with time_machine.travel(berlin(2027, 1, 11, 9), tick=False) as traveller:
        ticket = file_b(ws)
        deliver_all()
        smtp_server.clear()
        traveller.move_to(berlin(2027, 1, 11, 11, 59))
        assert tasks.sweep_sla.call() == 0
        traveller.move_to(berlin(2027, 1, 11, 12, 0, 30))
        assert tasks.sweep_sla.call() == 1
        assert tasks.sweep_sla.call() == 0  # idempotent
        assert Ticket.objects.get(pk=ticket.pk).sla_state == "warning"
        assert notices(ticket) == [("sla_warning", "first_response")]
        assert sla_mails(ticket) == [("agent_sla_warning", agent_email)]
        traveller.move_to(berlin(2027, 1, 11, 13, 0, 30))
        assert tasks.sweep_sla.call() == 1
        assert tasks.sweep_sla.call() == 0
        deliver_all()
    assert history(ticket) == ["sla_warning", "sla_breached"]
    assert notices(ticket) == [
        ("sla_warning", "first_response"),
        ("sla_breached", "first_response"),
    ]
    assert sla_mails(ticket) == [
        ("agent_sla_warning", agent_email),
        ("agent_sla_breached", agent_email),
    ]
    stored = Ticket.objects.get(pk=ticket.pk)
    assert stored.sla_state == "breached"
    first = clocks(ticket)["first_response"]
    assert first.breaches == 1 and first.breached_at == berlin(2027, 1, 11, 13, 0)  # its due time
    subjects = [re.sub(r"^\[[^]]+\] ", "", str(r.message["Subject"])) for r in smtp_server.received]
    assert subjects == [
        "First response due soon: Drucker offline",
        "First response overdue: Drucker offline",
    ]
    warning = smtp_server.received[0].message
    body = (warning.get_body(preferencelist=("plain",)) or warning).get_content()
    # Due Monday 13:00 Berlin, shown in the assignee's zone: 07:00 in New York.
    assert "Jan. 11, 2027, 7 a.m. (America/New_York)" in body
    assert f"{ws.partner.ticket_prefix}-{ticket.number}" in body
    assert f"/tickets/{ticket.pk}/" in body


def test_a_late_sweep_that_finds_a_breach_sends_no_warning_after_it(ws: Workspace) -> None:
    office_plan(ws)
    with time_machine.travel(berlin(2027, 1, 11, 9), tick=False) as traveller:
        ticket = file_b(ws)
        traveller.move_to(berlin(2027, 1, 11, 14))
        assert tasks.sweep_sla.call() == 1
        assert tasks.sweep_sla.call() == 0
    assert history(ticket) == ["sla_breached"]
    assert [kind for kind, _r in sla_mails(ticket)] == ["agent_sla_breached"]


def test_an_unassigned_ticket_is_marked_without_notice_or_mail(ws: Workspace) -> None:
    office_plan(ws)
    with time_machine.travel(berlin(2027, 1, 11, 9), tick=False) as traveller:
        ticket = file_b(ws, assignee=None)
        traveller.move_to(berlin(2027, 1, 11, 14))
        assert tasks.sweep_sla.call() == 1
    assert history(ticket) == ["sla_breached"]
    assert notices(ticket) == [] and sla_mails(ticket) == []


def test_the_breach_mail_honours_the_assignees_choice(ws: Workspace) -> None:
    office_plan(ws)
    member = ws.member("helpdesk_agent")
    member.notifications = {"sla_breach": False}
    member.save(update_fields=["notifications"])
    with time_machine.travel(berlin(2027, 1, 11, 9), tick=False) as traveller:
        ticket = file_b(ws)
        traveller.move_to(berlin(2027, 1, 11, 12, 30))
        tasks.sweep_sla.call()
        traveller.move_to(berlin(2027, 1, 11, 14))
        tasks.sweep_sla.call()
    assert [kind for kind, _r in sla_mails(ticket)] == ["agent_sla_warning"]
    assert len(notices(ticket)) == 2  # the console notice still comes


def test_the_sweep_does_not_grow_per_ticket_beyond_its_own_work(ws: Workspace) -> None:
    office_plan(ws)
    with time_machine.travel(berlin(2027, 1, 11, 9), tick=False) as traveller:
        for _n in range(3):
            file_b(ws, assignee=None)
        traveller.move_to(berlin(2027, 1, 11, 9, 30))
        with max_queries(4):  # nothing due: the two index lookups (and no more)
            assert tasks.sweep_sla.call() == 0


def test_a_customers_new_plan_recalculates_its_open_tickets(ws: Workspace) -> None:
    office_plan(ws)  # the default: office hours
    around = office_plan(
        ws,
        name="Premium",
        default=False,
        business_hours=False,
        targets={"B": (60, 120, 480)},
    )
    with time_machine.travel(berlin(2027, 1, 8, 16), tick=False) as traveller:
        ticket = file_b(ws, assignee=None)
        other = actions.file_ticket(
            ws.actor("admin_agent"),
            customer=ws.customers["b"],
            subject="Andere Firma",
            description="",
            category="how_to",
            severity="B",
            channel="agent",
        ).ticket
        assert clocks(ticket)["first_response"].due_at == berlin(2027, 1, 11, 12)
        traveller.move_to(berlin(2027, 1, 8, 16, 30))
        Customer.objects.filter(pk=ws.customers["a"].pk).update(support_plan=around)
        changed = tasks.recalculate_sla.call(
            partner_id=str(ws.partner.pk), customer_id=str(ws.customers["a"].pk)
        )
        assert changed == 1
        assert (
            tasks.recalculate_sla.call(
                partner_id=str(ws.partner.pk), customer_id=str(ws.customers["a"].pk)
            )
            == 0
        )  # idempotent
    first = clocks(ticket)["first_response"]
    # 30 minutes used on the old (office) calendar; 60 minutes around the clock: 30 left.
    assert first.elapsed == timedelta(minutes=30)
    assert first.business_hours is False
    assert first.due_at == berlin(2027, 1, 8, 17)
    stored = Ticket.objects.get(pk=ticket.pk)
    assert stored.support_plan_id == around.pk and stored.sla_due_at == berlin(2027, 1, 8, 17)
    assert clocks(other)["first_response"].due_at == berlin(2027, 1, 11, 12)  # untouched


def test_a_plan_edit_recalculates_the_tickets_on_it(ws: Workspace) -> None:
    plan = office_plan(ws)
    with time_machine.travel(berlin(2027, 1, 11, 9), tick=False) as traveller:
        ticket = file_b(ws, assignee=None)
        traveller.move_to(berlin(2027, 1, 11, 10))
        plan.targets.filter(severity="B", clock="first_response").update(minutes=120)
        plan.version += 1
        plan.save(update_fields=["version"])
        assert tasks.recalculate_sla.call(partner_id=str(ws.partner.pk), plan_id=str(plan.pk)) == 1
    assert clocks(ticket)["first_response"].due_at == berlin(2027, 1, 11, 11)


def test_a_ticket_without_a_plan_gets_clocks_when_its_customer_gets_one(ws: Workspace) -> None:
    with time_machine.travel(berlin(2027, 1, 11, 9), tick=False) as traveller:
        ticket = file_b(ws, assignee=None)
        assert clocks(ticket) == {}
        plan = office_plan(ws, default=False)
        traveller.move_to(berlin(2027, 1, 11, 10))
        Customer.objects.filter(pk=ws.customers["a"].pk).update(support_plan=plan)
        tasks.recalculate_sla.call(
            partner_id=str(ws.partner.pk), customer_id=str(ws.customers["a"].pk)
        )
    first = clocks(ticket)["first_response"]
    # It counts from the filing, as if the plan had been there from the start.
    assert first.started_at == first.running_since == berlin(2027, 1, 11, 9)
    assert first.due_at == berlin(2027, 1, 11, 13)


def test_the_sla_mails_can_be_worded_and_previewed(ws: Workspace) -> None:
    from tests.kit import session_client

    client = session_client(ws.member("global_admin"))
    for key, subject in (
        ("agent_sla_warning", "{sla.clock} due soon: {ticket.subject}"),
        ("agent_sla_breached", "{sla.clock} overdue: {ticket.subject}"),
    ):
        url = f"/settings/templates/{key}/en/"
        assert subject in client.get(url).content.decode()
        text = "{sla.clock} was due at {sla.due_at}."
        preview = client.post(url, {"subject": subject, "text": text, "preview": "1"})
        assert preview.status_code == 200
        assert "First response was due at 2026-03-02 14:00." in preview.content.decode()


def test_clocks_that_start_late_know_the_answers_already_given(
    ws: Workspace, contacts: dict
) -> None:
    with time_machine.travel(berlin(2027, 1, 11, 9), tick=False) as traveller:
        ticket = file_b(ws, assignee=None)
        traveller.move_to(berlin(2027, 1, 11, 10))
        actions.reply(ws.actor("helpdesk_agent"), ticket=ticket, body="Wir sind dran.")
        traveller.move_to(berlin(2027, 1, 11, 11))
        actions.reply(ws.actor("contact"), ticket=ticket, body="Danke, eilt.")
        plan = office_plan(ws, default=False)
        traveller.move_to(berlin(2027, 1, 11, 12))
        Customer.objects.filter(pk=ws.customers["a"].pk).update(support_plan=plan)
        tasks.recalculate_sla.call(
            partner_id=str(ws.partner.pk), customer_id=str(ws.customers["a"].pk)
        )
    found = clocks(ticket)
    # The first response was given at 10:00, within its 4 h: met, 1 h used.
    assert (found["first_response"].state, found["first_response"].elapsed) == ("met", H)
    # The next update counts from the contact's reply at 11:00: 8 business hours, Tue 11:00.
    assert found["next_update"].running_since == berlin(2027, 1, 11, 11)
    assert found["next_update"].due_at == berlin(2027, 1, 12, 11)
    assert found["resolution"].running_since == berlin(2027, 1, 11, 9)


def test_the_sweep_is_scheduled_every_minute() -> None:
    from partnerdesk.core import scheduler

    job = next(j for j in scheduler.jobs() if j.name == "tickets.sweep_sla")
    assert job.every == timedelta(minutes=1)
    assert job.resolve() is tasks.sweep_sla
