"""The console's SLA: the "Next due" column with countdowns, sorting by next due, the
"breaching soon" queue, the SLA filter, the ticket page's SLA panel, and one's notices with
their badge; the API answering the same questions.

The clock rows and the ticket's summary fields are written here directly (as the SLA actions
would leave them), so these tests show what the console makes of them, whatever the rules."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client

from partnerdesk.accounts.models import User
from partnerdesk.offering.models import BusinessCalendar, SupportPlan
from partnerdesk.tickets import actions, selectors
from partnerdesk.tickets.models import AgentNotice, Ticket, TicketClock
from partnerdesk.tickets.sla_display import countdown_text, duration_text
from partnerdesk.tickets.sla_models import NO_DUE
from tests.kit import Workspace, api_client, max_queries, session_client

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)  # a Friday; 10:00 in Berlin


@pytest.fixture
def clock() -> Any:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def file(ws: Workspace, subject: str, *, severity: str = "B", customer: str = "a") -> Ticket:
    return actions.file_ticket(
        ws.actor("helpdesk_agent"),
        customer=ws.customers[customer],
        subject=subject,
        description="",
        category="how_to",
        severity=severity,
        channel="agent",
    ).ticket


def sla(ticket: Ticket, state: str, due: datetime = NO_DUE, **fields: Any) -> Ticket:
    """Set the ticket's SLA summary, as the clock actions keep it."""
    Ticket.objects.filter(pk=ticket.pk).update(sla_state=state, sla_due_at=due, **fields)
    return Ticket.objects.get(pk=ticket.pk)


def close(ws: Workspace, ticket: Ticket) -> None:
    actions.change_ticket(
        ws.actor("admin_agent"), ticket=ticket, changes=actions.TicketChanges(status="closed")
    )


def add_clock(ticket: Ticket, kind: str, state: str, **fields: Any) -> TicketClock:
    values: dict[str, Any] = {
        "target": timedelta(hours=4),
        "business_hours": False,
        "started_at": NOW - timedelta(hours=1),
    }
    values.update(fields)
    return TicketClock.objects.create(
        partner_id=ticket.partner_id, ticket=ticket, kind=kind, state=state, **values
    )


def notice(ws: Workspace, ticket: Ticket, person: str, *, kind: str, at: datetime) -> AgentNotice:
    return AgentNotice.objects.create(
        partner=ws.partner,
        membership=ws.member(person),
        ticket=ticket,
        kind=kind,
        data={"clock": "first_response", "due_at": (at + timedelta(minutes=5)).isoformat()},
        created_at=at,
    )


def subjects(html: str) -> list[str]:
    return re.findall(r'<a href="/desk/tickets/[^"]+/" data-open>([^<]+)</a>', html)


def row_of(html: str, subject: str) -> str:
    found = re.search(
        r"<tr data-row>(?:(?!</tr>).)*" + re.escape(subject) + r".*?</tr>", html, re.S
    )
    assert found, subject
    return found.group(0)


def get(client: Client, path: str, status: int = 200, **params: Any) -> str:
    response = client.get(path, params)
    assert response.status_code == status, response.content[:500]
    return response.content.decode()


@pytest.fixture
def agent(ws: Workspace) -> Client:
    """The helpdesk agent, who reads times in Berlin."""
    User.objects.filter(pk=ws.member("helpdesk_agent").user_id).update(time_zone="Europe/Berlin")
    return session_client(ws.member("helpdesk_agent"))


# --- countdowns in words ----------------------------------------------------------------------


def test_countdowns_read_as_people_say_them() -> None:
    assert countdown_text(NOW + timedelta(hours=1, minutes=20), NOW) == "in 1 h 20 min"
    assert countdown_text(NOW - timedelta(minutes=35), NOW) == "overdue by 35 min"
    assert countdown_text(NOW + timedelta(hours=2), NOW) == "in 2 h"
    assert countdown_text(NOW + timedelta(days=3, hours=4, minutes=9), NOW) == "in 3 d 4 h"
    assert countdown_text(NOW + timedelta(seconds=40), NOW) == "in <1 min"
    assert duration_text(timedelta(minutes=59, seconds=59)) == "59 min"
    assert duration_text(timedelta(days=1)) == "1 d"


# --- the queue's "Next due" column ------------------------------------------------------------


def test_rows_show_the_next_due_time_in_the_viewers_zone_with_a_countdown(
    ws: Workspace, agent: Client, clock: Any
) -> None:
    sla(file(ws, "Bald fällig"), "ok", NOW + timedelta(hours=1, minutes=20))
    sla(file(ws, "Gleich fällig"), "warning", NOW + timedelta(minutes=25))
    sla(file(ws, "Überfällig"), "breached", NOW - timedelta(minutes=35))
    sla(file(ws, "Angehalten"), "paused")
    sla(file(ws, "Ohne SLA"), "none")
    html = get(agent, "/desk/queues/open/")
    assert "<th>Next due</th>" in html

    soon = row_of(html, "Bald fällig")
    assert 'class="sla sla-ok"' in soon
    assert 'datetime="2026-11-20T10:20:00+00:00"' in soon
    assert "11:20" in soon  # 10:20 UTC is 11:20 in Berlin
    assert "in 1 h 20 min" in soon
    assert 'class="sla sla-warning"' in row_of(html, "Gleich fällig")
    assert "in 25 min" in row_of(html, "Gleich fällig")
    late = row_of(html, "Überfällig")
    assert 'class="sla sla-breached"' in late and "overdue by 35 min" in late
    assert 'class="sla sla-paused"' in row_of(html, "Angehalten")
    assert ">paused<" in row_of(html, "Angehalten")
    none = row_of(html, "Ohne SLA")
    assert 'data-testid="sla-due">—<' in none and "sla sla-" not in none


def test_a_due_time_just_passed_reads_overdue_before_the_sweep_marks_it(
    ws: Workspace, agent: Client, clock: Any
) -> None:
    sla(file(ws, "Noch grün"), "ok", NOW + timedelta(minutes=1))
    clock.shift(timedelta(minutes=3))
    row = row_of(get(agent, "/desk/queues/open/"), "Noch grün")
    assert 'class="sla sla-breached"' in row and "overdue by 2 min" in row


def test_the_column_costs_no_query_per_row(ws: Workspace, agent: Client, clock: Any) -> None:
    def queries(path: str, **params: str) -> int:
        agent.get(path, params)
        with max_queries(30) as captured:
            assert agent.get(path, params).status_code == 200
        return len(captured.captured_queries)

    for i in range(3):
        sla(file(ws, f"klein {i}"), "warning", NOW + timedelta(minutes=30 + i))
    small = {
        "open": queries("/desk/queues/open/", sort="due"),
        "breaching": queries("/desk/queues/breaching/"),
        "filtered": queries("/desk/queues/open/", sla_state="warning"),
    }
    for i in range(30):
        sla(file(ws, f"groß {i}"), "warning", NOW + timedelta(minutes=40 + i))
    assert {
        "open": queries("/desk/queues/open/", sort="due"),
        "breaching": queries("/desk/queues/breaching/"),
        "filtered": queries("/desk/queues/open/", sla_state="warning"),
    } == small


# --- sorting by next due and the breaching queue --------------------------------------------


def test_sorting_by_next_due_puts_the_earliest_first_and_no_sla_last(
    ws: Workspace, agent: Client, clock: Any
) -> None:
    sla(file(ws, "Ohne"), "none")
    sla(file(ws, "Später"), "ok", NOW + timedelta(hours=6))
    sla(file(ws, "Überfällig"), "breached", NOW - timedelta(hours=1))
    sla(file(ws, "Früher"), "ok", NOW + timedelta(hours=1))
    closed = file(ws, "Geschlossen")
    close(ws, closed)
    sla(closed, "met")
    html = get(agent, "/desk/queues/open/", sort="due")
    assert subjects(html) == ["Überfällig", "Früher", "Später", "Ohne"]
    assert '<option value="due" selected>Next due</option>' in html
    # Every ticket (closed ones too), open first.
    api = api_client(ws.member("helpdesk_agent"))
    listed = api.get("/api/v1/tickets", {"sort": "due"}).json()["items"]
    assert [t["subject"] for t in listed] == [
        "Überfällig",
        "Früher",
        "Später",
        "Ohne",
        "Geschlossen",
    ]


def test_the_breaching_queue_holds_what_is_due_within_two_hours_or_overdue(
    ws: Workspace, agent: Client, clock: Any
) -> None:
    assert timedelta(hours=2) == selectors.BREACHING_WITHIN
    sla(file(ws, "In zwei Stunden"), "ok", NOW + timedelta(hours=2))
    sla(file(ws, "Knapp danach"), "ok", NOW + timedelta(hours=2, minutes=2))
    sla(file(ws, "Seit gestern"), "breached", NOW - timedelta(days=1))
    sla(file(ws, "Gleich"), "warning", NOW + timedelta(minutes=10))
    sla(file(ws, "Angehalten"), "paused")
    sla(file(ws, "Ohne"), "none")
    closed = file(ws, "Geschlossen")
    close(ws, closed)
    sla(closed, "ok", NOW + timedelta(minutes=5))

    html = get(agent, "/desk/queues/breaching/")
    assert "<h1>Breaching soon</h1>" in html
    # Its own order, shown as chosen: the earliest due first.
    assert subjects(html) == ["Seit gestern", "Gleich", "In zwei Stunden"]
    assert '<option value="due" selected>Next due</option>' in html
    assert 'data-default="due"' in html
    assert re.search(r'data-testid="count-breaching">3<', html)
    # Another order can still be chosen.
    assert subjects(get(agent, "/desk/queues/breaching/", sort="newest")) == [
        "Gleich",
        "Seit gestern",
        "In zwei Stunden",
    ]

    api = api_client(ws.member("helpdesk_agent"))
    counts = {q["name"]: q["count"] for q in api.get("/api/v1/queues").json()}
    assert counts["breaching"] == "3"
    listed = api.get("/api/v1/queues/breaching").json()["items"]
    assert [t["subject"] for t in listed] == ["Seit gestern", "Gleich", "In zwei Stunden"]

    # Two minutes on, the next ticket comes within two hours.
    clock.shift(timedelta(minutes=2))
    assert subjects(get(agent, "/desk/queues/breaching/"))[-1] == "Knapp danach"


def test_customer_people_have_no_breaching_queue(ws: Workspace) -> None:
    api = api_client(ws.member("manager"))
    assert [q["name"] for q in api.get("/api/v1/queues").json()] == ["open"]
    assert api.get("/api/v1/queues/breaching").status_code == 404


# --- the SLA filter ---------------------------------------------------------------------------


def test_the_sla_filter_narrows_page_and_api_and_refuses_unknown_states(
    ws: Workspace, agent: Client, clock: Any
) -> None:
    sla(file(ws, "Rot"), "breached", NOW - timedelta(minutes=5))
    sla(file(ws, "Gelb"), "warning", NOW + timedelta(minutes=5))
    sla(file(ws, "Pause"), "paused")
    assert subjects(get(agent, "/desk/queues/open/", sla_state="breached")) == ["Rot"]
    assert subjects(get(agent, "/desk/queues/open/", sla_state="paused")) == ["Pause"]
    html = get(agent, "/desk/queues/open/", 422, sla_state="purple")
    assert 'data-testid="filter-errors"' in html and "SLA:" in html

    api = api_client(ws.member("helpdesk_agent"))
    items = api.get("/api/v1/tickets", {"sla_state": "warning"}).json()["items"]
    assert [t["subject"] for t in items] == ["Gelb"]
    assert items[0]["sla_state"] == "warning"
    assert items[0]["sla_due_at"].startswith("2026-11-20T09:05:00")
    paused = api.get("/api/v1/queues/open", {"sla_state": "paused"}).json()["items"]
    assert [(t["subject"], t["sla_due_at"]) for t in paused] == [("Pause", None)]
    for path in ("/api/v1/tickets", "/api/v1/queues/open"):
        refused = api.get(path, {"sla_state": "purple"})
        assert refused.status_code == 422
        assert refused.json()["errors"][0]["field"] == "sla_state"
    assert api.get("/api/v1/tickets", {"sort": "soonest"}).status_code == 422


# --- the ticket page's SLA panel --------------------------------------------------------------


def _plan(ws: Workspace) -> SupportPlan:
    calendar, _new = BusinessCalendar.objects.get_or_create(
        partner=ws.partner,
        name="Rund um die Uhr",
        defaults={
            "time_zone": "Europe/Berlin",
            "always_open": True,
            "created_at": NOW,
            "updated_at": NOW,
        },
    )
    plan, _new = SupportPlan.objects.get_or_create(
        partner=ws.partner,
        name="Premium 24x7",
        defaults={"calendar": calendar, "created_at": NOW, "updated_at": NOW},
    )
    return plan


def _clocked_ticket(ws: Workspace) -> Ticket:
    ticket = file(ws, "Mit Uhren")
    Ticket.objects.filter(pk=ticket.pk).update(support_plan=_plan(ws))
    TicketClock.objects.filter(ticket=ticket).delete()
    add_clock(
        ticket,
        "first_response",
        "missed",
        target=timedelta(hours=1),
        started_at=NOW - timedelta(hours=3),
        elapsed=timedelta(hours=1, minutes=35),
        stopped_at=NOW - timedelta(hours=1, minutes=25),
        breached_at=NOW - timedelta(hours=2),
        breached_by=timedelta(minutes=35),
        breaches=1,
    )
    add_clock(
        ticket,
        "next_update",
        "running",
        target=timedelta(hours=2),
        cycle=2,
        breaches=1,
        started_at=NOW - timedelta(hours=1, minutes=20),
        running_since=NOW - timedelta(hours=1, minutes=20),
        due_at=NOW + timedelta(minutes=40),
        warn_at=NOW - timedelta(minutes=10),
        warned_at=NOW - timedelta(minutes=10),
    )
    add_clock(
        ticket,
        "resolution",
        "paused",
        target=timedelta(hours=8),
        started_at=NOW - timedelta(hours=3),
        elapsed=timedelta(hours=2),
        paused_since=NOW - timedelta(minutes=15),
        paused_total=timedelta(minutes=30),
    )
    return sla(ticket, "warning", NOW + timedelta(minutes=40))


def _panel(html: str) -> str:
    found = re.search(r'<section class="control sla-panel".*?</section>', html, re.S)
    assert found, "no SLA panel"
    return found.group(0)


def _clock(panel: str, kind: str) -> str:
    found = re.search(rf'<li data-testid="clock-{kind}">.*?</li>', panel, re.S)
    assert found, kind
    return found.group(0)


def test_the_panel_shows_the_plan_and_each_clock(ws: Workspace, agent: Client, clock: Any) -> None:
    ticket = _clocked_ticket(ws)
    panel = _panel(get(agent, f"/desk/tickets/{ticket.pk}/"))
    assert "Premium 24x7" in panel
    assert 'data-testid="sla-state"' in panel

    first = _clock(panel, "first_response")
    assert "First response" in first and "Missed" in first
    assert "breached by 35 min" in first
    assert "target 1 h" in first

    update = _clock(panel, "next_update")
    assert "Next update" in update and "Breaching soon" in update
    assert 'datetime="2026-11-20T09:40:00+00:00"' in update
    assert "10:40" in update  # Berlin
    assert "in 40 min" in update
    assert "update 2, 1 breach" in update

    resolution = _clock(panel, "resolution")
    assert "Resolution" in resolution and "Paused" in resolution
    # Paused 30 minutes before, and 15 since it was paused again.
    assert "paused 45 min" in resolution
    assert "countdown" not in resolution


def test_a_ticket_without_clocks_says_so(ws: Workspace, agent: Client) -> None:
    ticket = file(ws, "Ohne Plan")
    TicketClock.objects.filter(ticket=ticket).delete()
    Ticket.objects.filter(pk=ticket.pk).update(support_plan=None)
    panel = _panel(get(agent, f"/desk/tickets/{ticket.pk}/"))
    assert "No support plan" in panel and "No SLA clock runs for this ticket." in panel


def test_htmx_changes_on_the_page_bring_the_panel_up_to_date(
    ws: Workspace, agent: Client, clock: Any
) -> None:
    ticket = _clocked_ticket(ws)
    assert "in 40 min" in _panel(get(agent, f"/desk/tickets/{ticket.pk}/"))
    # Meanwhile the next update was sent; then the agent tags the ticket.
    TicketClock.objects.filter(ticket=ticket, kind="next_update").update(
        state="met", due_at=None, running_since=None, warn_at=None, stopped_at=NOW
    )
    clock.shift(timedelta(minutes=5))
    response = agent.post(
        f"/desk/tickets/{ticket.pk}/tags/", {"tags": "vip"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    update = _clock(_panel(response.content.decode()), "next_update")
    assert "Met" in update and "in 40 min" not in update

    # A status change answers with the details aside, the panel in it.
    response = agent.post(
        f"/desk/tickets/{ticket.pk}/status/", {"status": "open"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200, response.content[:300]
    assert 'id="ticket-sla"' in response.content.decode()

    # So does a reply (the details come back out of band, the panel in them).
    response = agent.post(
        f"/desk/tickets/{ticket.pk}/reply/", {"body": "Wir sind dran."}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200, response.content[:300]
    answer = response.content.decode()
    assert re.search(r'id="ticket-details"[^>]*hx-swap-oob="true"', answer)
    assert 'id="ticket-sla"' in answer


def test_the_panel_costs_the_same_however_many_clocks(
    ws: Workspace, agent: Client, clock: Any
) -> None:
    def queries(ticket: Ticket) -> int:
        agent.get(f"/desk/tickets/{ticket.pk}/")
        with max_queries(40) as captured:
            assert agent.get(f"/desk/tickets/{ticket.pk}/").status_code == 200
        return len(captured.captured_queries)

    one = file(ws, "Eine Uhr")
    Ticket.objects.filter(pk=one.pk).update(support_plan=_plan(ws))
    TicketClock.objects.filter(ticket=one).delete()
    add_clock(one, "first_response", "running", due_at=NOW + timedelta(hours=1))
    assert queries(one) == queries(_clocked_ticket(ws))


def test_a_sales_agent_sees_the_clocks_but_has_no_controls(ws: Workspace, clock: Any) -> None:
    ticket = _clocked_ticket(ws)
    sales = session_client(ws.member("sales_agent"))
    html = get(sales, f"/desk/tickets/{ticket.pk}/")
    assert "in 40 min" in _panel(html)
    assert 'data-testid="status-form"' not in html
    assert "in 40 min" in row_of(get(sales, "/desk/queues/breaching/"), "Mit Uhren")
    assert 'data-testid="bulk-bar"' not in get(sales, "/desk/queues/breaching/")


# --- notices ----------------------------------------------------------------------------------


def test_the_notices_page_lists_ones_unread_notices_newest_first(
    ws: Workspace, agent: Client, clock: Any
) -> None:
    older = file(ws, "Alte Warnung")
    newer = file(ws, "Neuer Bruch")
    notice(ws, older, "helpdesk_agent", kind="sla_warning", at=NOW - timedelta(hours=1))
    notice(ws, newer, "helpdesk_agent", kind="sla_breached", at=NOW - timedelta(minutes=5))
    notice(ws, newer, "admin_agent", kind="sla_breached", at=NOW)  # someone else's
    html = get(agent, "/desk/notices/")
    unread = re.search(r'data-testid="unread-notices">.*?</ul>', html, re.S)
    assert unread
    rows = re.findall(r'<li class="notice[^"]*"', unread.group(0))
    assert len(rows) == 2
    assert unread.group(0).index("Neuer Bruch") < unread.group(0).index("Alte Warnung")
    assert "SLA target missed" in html and "SLA target about to be missed" in html
    assert "First response" in html
    assert "9:05" in html  # the older one's due time (08:05 UTC), in Berlin


def test_opening_a_notice_marks_it_read_and_goes_to_the_ticket(
    ws: Workspace, agent: Client, clock: Any
) -> None:
    ticket = file(ws, "Bruch")
    mine = notice(ws, ticket, "helpdesk_agent", kind="sla_breached", at=NOW)
    other = notice(ws, ticket, "helpdesk_agent", kind="sla_warning", at=NOW)
    assert badge(agent) == "2"

    response = agent.post(f"/desk/notices/{mine.pk}/read/", {"open": "1"})
    assert response.status_code == 302
    assert response["Location"] == f"/desk/tickets/{ticket.pk}/"
    mine.refresh_from_db()
    assert mine.read_at == NOW
    assert badge(agent) == "1"
    html = get(agent, "/desk/notices/")
    assert 'data-testid="read-notices"' in html

    # "Mark all read" (with htmx: the list comes back).
    response = agent.post("/desk/notices/read/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'data-testid="no-notices"' in response.content.decode()
    other.refresh_from_db()
    assert other.read_at == NOW
    assert badge(agent) is None


def badge(client: Client) -> str | None:
    """The unread count the top bar's badge shows (None: no count shown)."""
    found = re.search(
        r'data-testid="notice-count"[^>]*>([^<]+)<', get(client, "/desk/notices/badge/")
    )
    return found.group(1) if found else None


def test_another_members_notice_is_not_found(ws: Workspace, agent: Client, clock: Any) -> None:
    ticket = file(ws, "Fremd")
    theirs = notice(ws, ticket, "admin_agent", kind="sla_breached", at=NOW)
    assert agent.post(f"/desk/notices/{theirs.pk}/read/", {"open": "1"}).status_code == 404
    assert agent.post(f"/desk/notices/{theirs.pk + 1000}/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    # Marking all read leaves other people's notices alone.
    assert agent.post("/desk/notices/read/").status_code == 302
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.parametrize("person", ["contact", "manager"])
def test_customer_people_have_no_notices(ws: Workspace, person: str) -> None:
    client = session_client(ws.member(person))
    assert client.get("/desk/notices/").status_code == 404
    assert client.get("/desk/notices/badge/").status_code == 404
    assert client.post("/desk/notices/read/").status_code == 404


def test_the_badge_is_loaded_after_the_page_so_pages_pay_no_query_for_it(
    ws: Workspace, agent: Client, clock: Any
) -> None:
    notice(ws, file(ws, "X"), "helpdesk_agent", kind="sla_breached", at=NOW)
    agent.get("/desk/queues/open/")
    with max_queries(30) as captured:
        html = get(agent, "/desk/queues/open/")
    assert 'hx-get="/desk/notices/badge/"' in html and 'hx-trigger="load"' in html
    assert not [q for q in captured.captured_queries if "agentnotice" in q["sql"].lower()]
    # Customer people get no notices link at all.
    portal = session_client(ws.member("contact")).get("/portal/")
    assert "/desk/notices/" not in portal.content.decode()


def test_a_sales_agent_sees_an_empty_notices_page(ws: Workspace) -> None:
    html = get(session_client(ws.member("sales_agent")), "/desk/notices/")
    assert 'data-testid="no-notices"' in html


# --- with the real clocks: the sweep's marks as the console shows them -----------------------


def test_the_sweeps_warning_and_breach_reach_the_agents_console(ws: Workspace) -> None:
    from partnerdesk.tickets import tasks
    from tests.tickets.sla_kit import berlin, office_plan

    office_plan(ws)  # B: first response within 4 business hours, Berlin 09:00-17:00
    with time_machine.travel(berlin(2027, 1, 11, 9), tick=False) as traveller:
        agent = session_client(ws.member("helpdesk_agent"))
        ticket = file(ws, "Drucker offline")
        actions.change_ticket(
            ws.actor("admin_agent"),
            ticket=ticket,
            changes=actions.TicketChanges(assignee=ws.member("helpdesk_agent")),
        )
        assert subjects(get(agent, "/desk/queues/breaching/")) == []
        traveller.move_to(berlin(2027, 1, 11, 12, 0, 30))
        tasks.sweep_sla.call()
        html = get(agent, "/desk/queues/breaching/")
        assert subjects(html) == ["Drucker offline"]
        row = row_of(html, "Drucker offline")
        assert 'class="sla sla-warning"' in row and "in 59 min" in row
        assert badge(agent) == "1"
        panel = _panel(get(agent, f"/desk/tickets/{ticket.pk}/"))
        assert "Standard" in panel
        assert "Breaching soon" in _clock(panel, "first_response")

        traveller.move_to(berlin(2027, 1, 11, 13, 5, 30))
        tasks.sweep_sla.call()
        row = row_of(get(agent, "/desk/queues/breaching/"), "Drucker offline")
        assert 'class="sla sla-breached"' in row and "overdue by 5 min" in row
        assert badge(agent) == "2"
        notices_html = get(agent, "/desk/notices/")
        missed = notices_html.index("SLA target missed")
        assert missed < notices_html.index("SLA target about to be")
        panel = _panel(get(agent, f"/desk/tickets/{ticket.pk}/"))
        assert "overdue by 5 min" in _clock(panel, "first_response")
