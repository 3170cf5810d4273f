"""From an offering change to a ticket's due time: the actions enqueue the tickets app's
recalculation by dotted path after commit, and the open ticket's clock moves."""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

import pytest
import time_machine

from partnerdesk.offering import actions
from partnerdesk.offering.actions import common
from partnerdesk.tickets import actions as ticket_actions
from partnerdesk.tickets.models import Ticket
from tests.kit import Workspace, contacts_for

from .conftest import make_calendar, make_plan

pytestmark = pytest.mark.django_db

UTC = dt.UTC
real_task = importlib.import_module(common.RECALCULATE_SLA_TASK.rpartition(".")[0])


class RunAtOnce:
    """The real task, run when enqueued (the test database has no worker)."""

    def enqueue(self, **kwargs: Any) -> None:
        real_task.recalculate_sla.call(**kwargs)


recalculate_sla = RunAtOnce()


def berlin(day: int, hour: int) -> dt.datetime:
    """December 2026 in Munich (CET, UTC+1)."""
    return dt.datetime(2026, 12, day, hour, tzinfo=UTC) - dt.timedelta(hours=1)


@time_machine.travel(berlin(21, 15), tick=False)
def test_plan_and_calendar_changes_move_an_open_tickets_due_time(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    monkeypatch.setattr(common, "RECALCULATE_SLA_TASK", f"{__name__}.recalculate_sla")
    admin = ws.actor("global_admin")
    calendar = make_calendar(ws)  # Mon-Fri 08:00-17:00 Munich
    plan = make_plan(ws, calendar)  # B: first response in 240 business minutes
    actions.set_default_plan(admin, plan=plan)
    filed = ticket_actions.file_ticket(
        ws.actor("admin_agent"),
        customer=ws.customers["a"],
        requester=contacts_for(ws)["contact"],
        subject="Outlook cannot connect",
        description="Since this morning.",
        category="connectivity",
        severity="B",
        channel="agent",
    )
    ticket = filed.ticket
    # Monday 15:00 + 4 business hours: 2 on Monday to 17:00, 2 on Tuesday from 08:00.
    assert Ticket.objects.get(pk=ticket.pk).sla_due_at == berlin(22, 10)

    with django_capture_on_commit_callbacks(execute=True):
        actions.add_calendar_exception(
            admin, calendar=calendar, date=dt.date(2026, 12, 22), kind="closed"
        )
    # Closed on Tuesday: the last 2 hours fall on Wednesday.
    assert Ticket.objects.get(pk=ticket.pk).sla_due_at == berlin(23, 10)

    with django_capture_on_commit_callbacks(execute=True):
        actions.update_plan(
            admin,
            plan=plan,
            changes=actions.PlanChanges(targets=[actions.TargetInput("B", "first_response", 60)]),
        )
    # One business hour from Monday 15:00.
    assert Ticket.objects.get(pk=ticket.pk).sla_due_at == berlin(21, 16)


def test_new_hours_do_not_rewrite_the_time_a_clock_already_ran(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    """Filed Friday 16:00 (1 business hour left that day), B = 4 business hours: due Monday
    11:00. On Monday 09:00 the office adds Saturday hours (08:00-17:00). The Friday-to-Monday
    time already ran on the old hours: 1 h used (Friday 16-17) plus Monday 08-09, so 2 h left
    from Monday 09:00: still due 11:00. Measured on the new hours, the past Saturday would
    count 9 h and the ticket would be breached."""
    monkeypatch.setattr(common, "RECALCULATE_SLA_TASK", f"{__name__}.recalculate_sla")
    admin = ws.actor("global_admin")
    calendar = make_calendar(ws)
    actions.set_default_plan(admin, plan=make_plan(ws, calendar))
    with time_machine.travel(berlin(18, 16), tick=False) as traveller:
        filed = ticket_actions.file_ticket(
            ws.actor("admin_agent"),
            customer=ws.customers["a"],
            requester=contacts_for(ws)["contact"],
            subject="Printer offline",
            description="",
            category="connectivity",
            severity="B",
            channel="agent",
        )
        assert Ticket.objects.get(pk=filed.ticket.pk).sla_due_at == berlin(21, 11)
        traveller.move_to(berlin(21, 9))
        with django_capture_on_commit_callbacks(execute=True):
            actions.update_calendar(
                admin,
                calendar=calendar,
                changes=actions.CalendarChanges(
                    weekly={**calendar.weekly, "sat": [["08:00", "17:00"]]}
                ),
            )
    ticket = Ticket.objects.get(pk=filed.ticket.pk)
    assert ticket.sla_state == "ok"
    assert ticket.sla_due_at == berlin(21, 11)
