"""A ticket's SLA clocks through the API: due times, replies, pauses, reopen, severity.

The plan (tests/tickets/sla_kit.py) is Berlin office hours, Monday to Friday 09:00-17:00, with
severity B targets of 4 h first response, 8 h next update and 24 h resolution (business hours);
pending customer pauses every clock, pending vendor the resolution only. January 2027: the 8th
is a Friday, the 11th a Monday. Berlin is UTC+1.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client

from partnerdesk.tickets.models import Ticket
from tests.kit import Workspace, api_client, make_workspace, session_client
from tests.tickets.sla_kit import berlin, clocks, office_plan

pytestmark = pytest.mark.django_db

H = timedelta(hours=1)
JSON = "application/json"


def file(client: Client, ws: Workspace, severity: str = "B", **fields: Any) -> dict[str, Any]:
    body = {
        "customer_id": str(ws.customers["a"].pk),
        "subject": "VPN bricht ab",
        "category": "connectivity",
        "severity": severity,
        **fields,
    }
    response = client.post("/api/v1/tickets", body, content_type=JSON)
    assert response.status_code == 201, response.content
    return response.json()  # type: ignore[no-any-return]


def iso(moment: Any) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def by_kind(detail: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["kind"]: c for c in detail["sla"]["clocks"]}


def test_filing_on_a_friday_afternoon_is_due_on_monday(ws: Workspace) -> None:
    plan = office_plan(ws)
    agent = api_client(ws.member("helpdesk_agent"))
    with time_machine.travel(berlin(2027, 1, 8, 16), tick=False):
        ticket = file(agent, ws)
    # First response, 4 business hours from Friday 16:00: 1 h on Friday (16-17), 3 h on
    # Monday (09-12) -> Monday 12:00 Berlin = 11:00 UTC. Resolution, 24 business hours: 1 h
    # Friday + 8 Monday + 8 Tuesday + 7 Wednesday -> Wednesday 13 January 16:00 Berlin.
    sla = ticket["sla"]
    assert sla["plan"] == {"id": str(plan.pk), "name": "Standard"}
    assert sla["state"] == "ok"
    clock = by_kind(ticket)
    assert set(clock) == {"first_response", "resolution"}  # next update starts at the answer
    assert clock["first_response"]["due_at"] == iso(berlin(2027, 1, 11, 12))
    assert clock["first_response"]["target"] == 4 * 3600
    assert clock["first_response"]["remaining"] == 4 * 3600
    assert clock["resolution"]["due_at"] == iso(berlin(2027, 1, 13, 16))
    assert sla["next_due_at"] == iso(berlin(2027, 1, 11, 12))
    assert ticket["sla_due_at"] == iso(berlin(2027, 1, 11, 12))
    stored = Ticket.objects.get(pk=ticket["id"])
    assert stored.support_plan_id == plan.pk and stored.sla_state == "ok"


def test_no_plan_no_clocks(ws: Workspace) -> None:
    ticket = file(api_client(ws.member("helpdesk_agent")), ws)
    assert ticket["sla"] == {"plan": None, "state": "none", "next_due_at": None, "clocks": []}
    assert ticket["sla_due_at"] is None and ticket["sla_state"] == "none"
    assert clocks(ticket["id"]) == {}


def test_the_first_public_staff_reply_meets_the_first_response_a_note_does_not(
    ws: Workspace,
) -> None:
    office_plan(ws)
    agent = api_client(ws.member("helpdesk_agent"))
    with time_machine.travel(berlin(2027, 1, 8, 16), tick=False) as traveller:
        ticket = file(agent, ws)
        path = f"/api/v1/tickets/{ticket['id']}"
        traveller.move_to(berlin(2027, 1, 8, 16, 30))
        agent.post(f"{path}/messages", {"body": "intern", "internal": True}, content_type=JSON)
        assert clocks(ticket["id"])["first_response"].state == "running"
        traveller.move_to(berlin(2027, 1, 11, 10))
        agent.post(f"{path}/messages", {"body": "Wir schauen es uns an."}, content_type=JSON)
        detail = agent.get(path).json()
    clock = by_kind(detail)
    assert clock["first_response"]["state"] == "met"
    assert clock["first_response"]["elapsed"] == 2 * 3600  # Friday 16-17, Monday 09-10
    assert clock["first_response"]["breached_by"] is None
    assert clock["first_response"]["stopped_at"] == iso(berlin(2027, 1, 11, 10))
    # Next update from Monday 10:00, 8 business hours: Tuesday 10:00.
    assert clock["next_update"]["state"] == "running"
    assert clock["next_update"]["due_at"] == iso(berlin(2027, 1, 12, 10))
    assert detail["sla"]["next_due_at"] == iso(berlin(2027, 1, 12, 10))


def test_a_late_first_response_is_missed_by_the_business_time_beyond_it(ws: Workspace) -> None:
    office_plan(ws)
    agent = api_client(ws.member("helpdesk_agent"))
    with time_machine.travel(berlin(2027, 1, 8, 16), tick=False) as traveller:
        ticket = file(agent, ws)
        traveller.move_to(berlin(2027, 1, 11, 14, 30))  # due 12:00: 2.5 business hours late
        agent.post(f"/api/v1/tickets/{ticket['id']}/messages", {"body": "Hi"}, content_type=JSON)
        detail = agent.get(f"/api/v1/tickets/{ticket['id']}").json()
    first = by_kind(detail)["first_response"]
    assert first["state"] == "missed"
    assert first["breached_by"] == 2 * 3600 + 1800
    assert first["breached"] is True and first["breaches"] == 1
    assert first["stopped_at"] == iso(berlin(2027, 1, 11, 14, 30))


def test_pending_customer_pauses_every_clock_and_resuming_moves_due_by_the_paused_time(
    ws: Workspace,
) -> None:
    office_plan(ws)
    agent = api_client(ws.member("helpdesk_agent"))
    with time_machine.travel(berlin(2027, 1, 11, 9), tick=False) as traveller:
        ticket = file(agent, ws)
        path = f"/api/v1/tickets/{ticket['id']}"
        before = by_kind(agent.get(path).json())
        traveller.move_to(berlin(2027, 1, 11, 10))
        agent.patch(path, {"status": "pending_customer"}, content_type=JSON)
        paused = agent.get(path).json()
        assert paused["sla"]["state"] == "paused"
        assert paused["sla"]["next_due_at"] is None and paused["sla_due_at"] is None
        assert {c["state"] for c in paused["sla"]["clocks"]} == {"paused"}
        traveller.move_to(berlin(2027, 1, 11, 13, 30))
        assert by_kind(agent.get(path).json())["first_response"]["paused_total"] == 3 * 3600 + 1800
        agent.patch(path, {"status": "open"}, content_type=JSON)
        after = by_kind(agent.get(path).json())
    # Paused 10:00-13:30, all of it working time: every due time moves by exactly 3.5 h.
    assert after["first_response"]["due_at"] == iso(berlin(2027, 1, 11, 16, 30))
    assert before["first_response"]["due_at"] == iso(berlin(2027, 1, 11, 13))
    assert after["first_response"]["paused_total"] == 3 * 3600 + 1800
    assert after["resolution"]["due_at"] == iso(berlin(2027, 1, 14, 12, 30))
    assert before["resolution"]["due_at"] == iso(berlin(2027, 1, 13, 17))


def test_pending_vendor_pauses_the_resolution_only(ws: Workspace) -> None:
    office_plan(ws)
    agent = api_client(ws.member("helpdesk_agent"))
    with time_machine.travel(berlin(2027, 1, 11, 9), tick=False) as traveller:
        ticket = file(agent, ws)
        path = f"/api/v1/tickets/{ticket['id']}"
        traveller.move_to(berlin(2027, 1, 11, 10))
        agent.patch(path, {"status": "pending_vendor"}, content_type=JSON)
        clock = by_kind(agent.get(path).json())
    assert clock["first_response"]["state"] == "running"
    assert clock["resolution"]["state"] == "paused"
    assert clock["resolution"]["elapsed"] == 3600


def test_a_reopen_resumes_the_resolution_where_it_stopped(ws: Workspace, contacts: dict) -> None:
    office_plan(ws)
    agent = api_client(ws.member("helpdesk_agent"))
    contact = api_client(ws.member("contact"))
    with time_machine.travel(berlin(2027, 1, 11, 9), tick=False) as traveller:
        ticket = file(agent, ws, requester_id=str(contacts["contact"].pk))
        path = f"/api/v1/tickets/{ticket['id']}"
        traveller.move_to(berlin(2027, 1, 11, 11))
        agent.post(f"{path}/messages", {"body": "Erledigt?"}, content_type=JSON)
        agent.patch(path, {"status": "resolved"}, content_type=JSON)
        resolved = by_kind(agent.get(path).json())
        assert resolved["resolution"]["state"] == "met"
        assert resolved["next_update"]["state"] == "cancelled"
        assert agent.get(path).json()["sla"]["state"] == "met"
        # A day later the customer answers: the ticket reopens, the resolution runs again
        # with its 2 h used (the day spent resolved does not count).
        traveller.move_to(berlin(2027, 1, 12, 9))
        contact.post(f"{path}/messages", {"body": "Geht wieder nicht."}, content_type=JSON)
        reopened = agent.get(path).json()
    clock = by_kind(reopened)
    assert reopened["status"] == "open"
    assert clock["resolution"]["state"] == "running"
    assert clock["resolution"]["elapsed"] == 2 * 3600
    # 22 business hours from Tuesday 09:00: 8 Tue + 8 Wed + 6 Thu -> Thursday 15:00.
    assert clock["resolution"]["due_at"] == iso(berlin(2027, 1, 14, 15))
    assert clock["first_response"]["state"] == "met"  # answered once, stays answered
    # The contact's reply restarts the next-update clock: a new cycle from now.
    assert clock["next_update"]["state"] == "running"
    assert clock["next_update"]["cycle"] == 2
    assert clock["next_update"]["due_at"] == iso(berlin(2027, 1, 12, 17))


def test_a_contacts_reply_restarts_the_next_update_clock(ws: Workspace, contacts: dict) -> None:
    office_plan(ws)
    agent = api_client(ws.member("helpdesk_agent"))
    contact = api_client(ws.member("contact"))
    with time_machine.travel(berlin(2027, 1, 11, 9), tick=False) as traveller:
        ticket = file(agent, ws, requester_id=str(contacts["contact"].pk))
        path = f"/api/v1/tickets/{ticket['id']}"
        traveller.move_to(berlin(2027, 1, 11, 10))
        agent.post(f"{path}/messages", {"body": "Bitte Logs schicken."}, content_type=JSON)
        assert by_kind(agent.get(path).json())["next_update"]["due_at"] == iso(
            berlin(2027, 1, 12, 10)
        )
        traveller.move_to(berlin(2027, 1, 11, 15))
        contact.post(f"{path}/messages", {"body": "Anbei."}, content_type=JSON)
        clock = by_kind(agent.get(path).json())["next_update"]
    assert clock["cycle"] == 2 and clock["breaches"] == 0
    assert clock["due_at"] == iso(berlin(2027, 1, 12, 15))  # 8 business hours from Mon 15:00


def test_a_late_next_update_counts_one_breach_per_missed_cycle(ws: Workspace) -> None:
    office_plan(ws)
    agent = api_client(ws.member("helpdesk_agent"))
    with time_machine.travel(berlin(2027, 1, 11, 9), tick=False) as traveller:
        ticket = file(agent, ws)
        path = f"/api/v1/tickets/{ticket['id']}/messages"
        agent.post(path, {"body": "1"}, content_type=JSON)
        traveller.move_to(berlin(2027, 1, 12, 12))  # 11 business hours later: 3 h late
        agent.post(path, {"body": "2"}, content_type=JSON)
        traveller.move_to(berlin(2027, 1, 12, 13))  # on time
        agent.post(path, {"body": "3"}, content_type=JSON)
    clock = clocks(ticket["id"])["next_update"]
    assert (clock.cycle, clock.breaches, clock.state) == (3, 1, "running")


def test_a_severity_change_retargets_and_marks_what_is_already_past(ws: Workspace) -> None:
    office_plan(ws)
    agent = api_client(ws.member("helpdesk_agent"))
    with time_machine.travel(berlin(2027, 1, 11, 9), tick=False) as traveller:
        ticket = file(agent, ws, severity="C")
        path = f"/api/v1/tickets/{ticket['id']}"
        traveller.move_to(berlin(2027, 1, 11, 10, 30))
        # C -> B: first response 8 h -> 4 h, 1.5 h used: due 13:00; resolution 24 h.
        agent.patch(path, {"severity": "B"}, content_type=JSON)
        clock = by_kind(agent.get(path).json())
        assert clock["first_response"]["due_at"] == iso(berlin(2027, 1, 11, 13))
        assert clock["first_response"]["elapsed"] == 5400
        # B -> A: first response 1 h, 1.5 h used: breached at once, by 30 minutes.
        agent.patch(
            path,
            {"severity": "A", "assignee_id": str(ws.member("admin_agent").pk)},
            content_type=JSON,
        )
        detail = agent.get(path).json()
    first = by_kind(detail)["first_response"]
    assert detail["sla"]["state"] == "breached"
    assert first["breached"] is True and first["breaches"] == 1
    assert first["breached_by"] == 1800
    assert first["due_at"] == iso(berlin(2027, 1, 11, 10, 30))
    kinds = [e["kind"] for e in agent.get(f"{path}/history").json()["items"]]
    assert kinds.count("sla_breached") == 1
    assert Ticket.objects.get(pk=ticket["id"]).sla_state == "breached"


def test_a_clock_the_new_severity_has_a_target_for_starts_from_the_filing(ws: Workspace) -> None:
    office_plan(ws, targets={"A": (60, None, 480), "C": (None, None, 2400)})
    agent = api_client(ws.member("helpdesk_agent"))
    with time_machine.travel(berlin(2027, 1, 11, 9), tick=False) as traveller:
        ticket = file(agent, ws, severity="C")
        assert set(clocks(ticket["id"])) == {"resolution"}
        traveller.move_to(berlin(2027, 1, 11, 9, 20))
        agent.patch(f"/api/v1/tickets/{ticket['id']}", {"severity": "A"}, content_type=JSON)
    first = clocks(ticket["id"])["first_response"]
    assert first.started_at == berlin(2027, 1, 11, 9)
    assert first.due_at == berlin(2027, 1, 11, 10)


def test_a_customer_closing_before_any_answer_cancels_the_first_response(
    ws: Workspace, contacts: dict
) -> None:
    office_plan(ws)
    contact = api_client(ws.member("contact"))
    with time_machine.travel(berlin(2027, 1, 11, 9), tick=False) as traveller:
        ticket = file(contact, ws, channel="portal")
        traveller.move_to(berlin(2027, 1, 11, 10))
        response = contact.patch(
            f"/api/v1/tickets/{ticket['id']}", {"status": "closed"}, content_type=JSON
        )
        assert response.status_code == 200, response.content
    found = clocks(ticket["id"])
    assert found["first_response"].state == "cancelled"
    assert found["resolution"].state == "met"
    assert Ticket.objects.get(pk=ticket["id"]).sla_due_at.year == 9000


def test_a_merged_away_ticket_stops_its_clocks(ws: Workspace) -> None:
    office_plan(ws)
    agent = api_client(ws.member("helpdesk_agent"))
    with time_machine.travel(berlin(2027, 1, 11, 9), tick=False):
        original = file(agent, ws)
        duplicate = file(agent, ws)
        response = agent.post(
            f"/api/v1/tickets/{duplicate['id']}/merge",
            {"into_ticket_id": original["id"]},
            content_type=JSON,
        )
        assert response.status_code == 200, response.content
    assert {c.state for c in clocks(duplicate["id"]).values()} == {"cancelled"}
    assert {c.state for c in clocks(original["id"]).values()} == {"running"}
    assert Ticket.objects.get(pk=duplicate["id"]).sla_state == "none"


def test_customer_people_never_see_sla_history(ws: Workspace, contacts: dict) -> None:
    office_plan(ws)
    agent = api_client(ws.member("helpdesk_agent"))
    with time_machine.travel(berlin(2027, 1, 11, 9), tick=False) as traveller:
        ticket = file(agent, ws, severity="C", requester_id=str(contacts["contact"].pk))
        path = f"/api/v1/tickets/{ticket['id']}"
        traveller.move_to(berlin(2027, 1, 11, 16))
        agent.patch(path, {"severity": "A"}, content_type=JSON)  # breached at once
        staff_kinds = [e["kind"] for e in agent.get(f"{path}/history").json()["items"]]
        sales = api_client(ws.member("sales_agent"))
        sales_kinds = [e["kind"] for e in sales.get(f"{path}/history").json()["items"]]
        contact = api_client(ws.member("contact"))
        customer_kinds = [e["kind"] for e in contact.get(f"{path}/history").json()["items"]]
        page = session_client(ws.member("contact")).get(f"/portal/tickets/{ticket['id']}/")
        staff_page = session_client(ws.member("helpdesk_agent")).get(
            f"/desk/tickets/{ticket['id']}/"
        )
    assert "sla_breached" in staff_kinds and "sla_breached" in sales_kinds
    assert "sla_breached" not in customer_kinds and "sla_warning" not in customer_kinds
    assert page.status_code == 200
    assert b"SLA target" not in page.content
    assert staff_page.status_code == 200
    assert "SLA target missed: First response" in staff_page.content.decode()


# --- cost -------------------------------------------------------------------------------------


def queries(run: Any) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        run()
    return len(captured.captured_queries)


def test_filing_and_replying_cost_the_same_however_many_tickets_and_clocks(
    ws: Workspace, other_ws: Workspace
) -> None:
    from partnerdesk.tickets import actions

    office_plan(ws)
    office_plan(other_ws, targets={"B": (None, None, 1440)})  # one clock instead of three
    actor, other_actor = ws.actor("helpdesk_agent"), other_ws.actor("helpdesk_agent")

    def filing(where: Workspace, who: Any) -> Ticket:
        return actions.file_ticket(
            who,
            customer=where.customers["a"],
            subject="VPN",
            description="",
            category="connectivity",
            severity="B",
            channel="agent",
        ).ticket

    def replying(ticket: Ticket, who: Any) -> int:
        return queries(lambda: actions.reply(who, ticket=ticket, body="Update"))

    with time_machine.travel(berlin(2027, 1, 11, 9), tick=False):
        first = filing(ws, actor)
        filing(other_ws, other_actor)  # compiles and caches both calendars
        cost_second = queries(lambda: filing(ws, actor))
        for _n in range(8):
            filing(ws, actor)
        cost_tenth = queries(lambda: filing(ws, actor))
        cost_one_clock = queries(lambda: filing(other_ws, other_actor))
        late = filing(ws, actor)
        actions.reply(actor, ticket=first, body="Hallo")
        actions.reply(actor, ticket=late, body="Hallo")
        reply_first, reply_late = replying(first, actor), replying(late, actor)
    assert cost_second == cost_tenth == cost_one_clock
    assert reply_first == reply_late
    # Against a workspace without a plan: the plan, its targets, the clocks and the ticket.
    no_plan = make_workspace("Ohne Plan")
    plain_actor = no_plan.actor("helpdesk_agent")
    with time_machine.travel(berlin(2027, 1, 11, 9), tick=False):
        filing(no_plan, plain_actor)
        cost_without = queries(lambda: filing(no_plan, plain_actor))
    assert cost_second - cost_without <= 4


def test_a_bulk_status_change_pauses_each_tickets_clocks(ws: Workspace) -> None:
    from partnerdesk.tickets import actions

    office_plan(ws)
    agent = api_client(ws.member("helpdesk_agent"))
    with time_machine.travel(berlin(2027, 1, 11, 9), tick=False) as traveller:
        ids = [file(agent, ws)["id"] for _n in range(2)]
        traveller.move_to(berlin(2027, 1, 11, 10))
        result = actions.bulk_change(
            ws.actor("helpdesk_agent"), ticket_ids=ids, status="pending_vendor"
        )
        assert len(result.changed) == 2
    for ticket_id in ids:
        found = clocks(ticket_id)
        assert found["resolution"].state == "paused" and found["resolution"].elapsed == H
        assert found["first_response"].state == "running"


def test_a_staff_word_on_a_resolved_ticket_starts_no_next_update(ws: Workspace) -> None:
    office_plan(ws)
    agent = api_client(ws.member("helpdesk_agent"))
    with time_machine.travel(berlin(2027, 1, 11, 9), tick=False) as traveller:
        ticket = file(agent, ws)
        path = f"/api/v1/tickets/{ticket['id']}"
        agent.post(f"{path}/messages", {"body": "Gelöst?"}, content_type=JSON)
        agent.patch(path, {"status": "resolved"}, content_type=JSON)
        traveller.move_to(berlin(2027, 1, 11, 11))
        agent.post(f"{path}/messages", {"body": "Nachtrag"}, content_type=JSON)
        detail = agent.get(path).json()
    assert detail["status"] == "resolved"
    assert by_kind(detail)["next_update"]["state"] == "cancelled"
    assert detail["sla"]["state"] == "met" and detail["sla"]["next_due_at"] is None


def test_a_weekend_request_counts_from_monday_morning(ws: Workspace) -> None:
    office_plan(ws)
    agent = api_client(ws.member("helpdesk_agent"))
    with time_machine.travel(berlin(2027, 1, 9, 10), tick=False) as traveller:  # Saturday
        ticket = file(agent, ws)
        clock = by_kind(ticket)
        assert clock["first_response"]["due_at"] == iso(berlin(2027, 1, 11, 13))
        # Nothing is used over the weekend: on Sunday evening all 4 hours remain.
        traveller.move_to(berlin(2027, 1, 10, 20))
        sunday = by_kind(agent.get(f"/api/v1/tickets/{ticket['id']}").json())
    assert sunday["first_response"]["remaining"] == 4 * 3600
    assert sunday["first_response"]["elapsed"] == 0


def test_targets_around_the_clock_ignore_the_service_hours(ws: Workspace) -> None:
    office_plan(ws, business_hours=False)
    agent = api_client(ws.member("helpdesk_agent"))
    with time_machine.travel(berlin(2027, 1, 8, 16), tick=False):
        clock = by_kind(file(agent, ws))
    assert clock["first_response"]["business_hours"] is False
    assert clock["first_response"]["due_at"] == iso(berlin(2027, 1, 8, 20))
    assert clock["resolution"]["due_at"] == iso(berlin(2027, 1, 9, 16))


def test_a_breach_an_agents_own_change_reveals_is_the_desks_word_and_reaches_that_agent(
    ws: Workspace,
) -> None:
    from partnerdesk.tickets.models import AgentNotice, TicketEvent

    office_plan(ws)
    agent = api_client(ws.member("helpdesk_agent"))
    me = str(ws.member("helpdesk_agent").pk)
    with time_machine.travel(berlin(2027, 1, 11, 9), tick=False) as traveller:
        ticket = file(agent, ws, severity="C")
        path = f"/api/v1/tickets/{ticket['id']}"
        agent.patch(path, {"assignee_id": me}, content_type=JSON)
        traveller.move_to(berlin(2027, 1, 11, 10, 30))
        agent.patch(path, {"severity": "A"}, content_type=JSON)  # 1 h target, 1.5 h used
    breach = TicketEvent.objects.get(ticket_id=ticket["id"], kind="sla_breached")
    assert breach.actor_kind == "system" and breach.actor_id is None
    notice = AgentNotice.objects.get(ticket_id=ticket["id"], kind="sla_breached")
    assert str(notice.membership_id) == me
