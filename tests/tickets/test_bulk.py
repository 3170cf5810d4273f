"""Bulk changes on a queue: one POST, each ticket changed through the single-ticket action in
its own transaction, and a report of what was done and what was refused and why."""

from __future__ import annotations

import pytest
from django.test import Client

from partnerdesk.core.errors import DomainError
from partnerdesk.tickets import actions
from partnerdesk.tickets.actions.bulk import MAX_BULK
from partnerdesk.tickets.models import Ticket, TicketEvent
from tests.kit import Workspace, session_client

pytestmark = pytest.mark.django_db

BULK = "/desk/queues/open/bulk/"
HTMX = {"HX-Request": "true", "HX-Target": "queue-results"}


def file(ws: Workspace, subject: str, *, customer: str = "a") -> Ticket:
    return actions.file_ticket(
        ws.actor("helpdesk_agent"),
        customer=ws.customers[customer],
        subject=subject,
        description="",
        category="how_to",
        severity="C",
        channel="agent",
    ).ticket


def fresh(ticket: Ticket) -> Ticket:
    return Ticket.objects.get(pk=ticket.pk)


@pytest.fixture
def agent(ws: Workspace) -> Client:
    return session_client(ws.member("helpdesk_agent"))


def test_assign_to_me_from_the_queue_without_javascript(ws: Workspace, agent: Client) -> None:
    one, two, other = file(ws, "Eins"), file(ws, "Zwei"), file(ws, "Bleibt")
    response = agent.post(
        f"{BULK}?severity=C",
        {"ticket": [one.pk, two.pk], "action": "assign", "assignee": "me"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/desk/queues/open/?severity=C"  # the filters are kept
    me = ws.member("helpdesk_agent").pk
    assert fresh(one).assignee_id == me and fresh(two).assignee_id == me
    assert fresh(other).assignee_id is None
    assert TicketEvent.objects.filter(ticket=one, kind="assigned").count() == 1
    page = agent.get(response["Location"]).content.decode()
    assert "2 tickets changed." in page


def test_assign_to_a_colleague_and_unassign(ws: Workspace, agent: Client) -> None:
    ticket = file(ws, "Hin und her")
    colleague = ws.member("admin_agent")
    agent.post(BULK, {"ticket": [ticket.pk], "action": "assign", "assignee": colleague.pk})
    assert fresh(ticket).assignee_id == colleague.pk
    agent.post(BULK, {"ticket": [ticket.pk], "action": "assign", "assignee": "none"})
    assert fresh(ticket).assignee_id is None


def test_a_status_change_refuses_what_the_state_machine_refuses(
    ws: Workspace, agent: Client
) -> None:
    good, closed = file(ws, "Geht"), file(ws, "Zu")
    actions.change_ticket(
        ws.actor("helpdesk_agent"), ticket=closed, changes=actions.TicketChanges(status="closed")
    )
    response = agent.post(
        BULK, {"ticket": [good.pk, closed.pk], "action": "status", "status": "open"}, headers=HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert fresh(good).status == "open"  # not undone by the refused one
    assert fresh(closed).status == "closed"
    assert "1 ticket changed." in html and "1 refused." in html
    assert f"{ws.partner.ticket_prefix}-{closed.number}" in html
    assert "cannot become" in html


def test_adding_a_tag_and_reporting_what_was_already_so(ws: Workspace, agent: Client) -> None:
    tagged, plain = file(ws, "Schon"), file(ws, "Noch nicht")
    actions.tag_ticket(ws.actor("helpdesk_agent"), ticket=tagged, names=["vip"])
    response = agent.post(
        BULK, {"ticket": [tagged.pk, plain.pk], "action": "tag", "tag": " VIP "}, headers=HTMX
    )
    html = response.content.decode()
    assert sorted(fresh(plain).tags.values_list("name", flat=True)) == ["vip"]
    assert "1 ticket changed." in html and "1 already had it." in html


def test_the_htmx_answer_is_the_refreshed_table_with_a_summary(
    ws: Workspace, agent: Client
) -> None:
    ticket = file(ws, "Wird meins")
    response = agent.post(
        "/desk/queues/unassigned/bulk/",
        {"ticket": [ticket.pk], "action": "assign", "assignee": "me"},
        headers=HTMX,
    )
    html = response.content.decode()
    assert "<html" not in html
    assert 'data-testid="bulk-summary"' in html
    assert "Wird meins" not in html  # no longer unassigned: the refreshed table lacks it
    assert 'data-testid="count-mine">1<' in html  # and the sidebar counts moved


def test_tickets_the_agent_cannot_see_are_refused_as_not_found(
    ws: Workspace, other_ws: Workspace
) -> None:
    mine, theirs = file(ws, "Für A"), file(ws, "Für B", customer="b")
    foreign = file(other_ws, "Fremd")
    client = session_client(ws.member("limited_agent"))
    response = client.post(
        BULK,
        {
            "ticket": [mine.pk, theirs.pk, foreign.pk, "kein-id"],
            "action": "status",
            "status": "open",
        },
        headers=HTMX,
    )
    html = response.content.decode()
    assert fresh(mine).status == "open"
    assert fresh(theirs).status == "new" and fresh(foreign).status == "new"
    assert "3 refused." in html
    assert html.count("Not found (or not yours to see).") == 3
    assert "Für B" not in html and "Fremd" not in html


def test_a_sales_agent_gets_no_bulk_controls_and_a_post_is_forbidden(ws: Workspace) -> None:
    ticket = file(ws, "Nur lesen")
    client = session_client(ws.member("sales_agent"))
    page = client.get("/desk/queues/open/").content.decode()
    assert "Nur lesen" in page
    assert 'data-testid="bulk-bar"' not in page
    assert 'name="ticket"' not in page and "data-select-all" not in page
    response = client.post(BULK, {"ticket": [ticket.pk], "action": "assign", "assignee": "me"})
    assert response.status_code == 403
    assert fresh(ticket).assignee_id is None


def test_more_than_the_cap_is_refused_with_a_reason(ws: Workspace, agent: Client) -> None:
    ticket = file(ws, "Eins von vielen")
    ids = [ticket.pk] + [f"00000000-0000-4000-8000-{i:012d}" for i in range(MAX_BULK)]
    response = agent.post(BULK, {"ticket": ids, "action": "status", "status": "open"})
    assert response.status_code == 422
    assert f"At most {MAX_BULK} tickets at once" in response.content.decode()
    assert fresh(ticket).status == "new"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "status", "status": "open"}, "Select at least one ticket."),
        ({"action": "status", "status": ""}, "Choose a status."),
        ({"action": "assign", "assignee": ""}, "Choose whom to assign to."),
        ({"action": "tag", "tag": "  "}, "Name a tag."),
    ],
)
def test_an_incomplete_bulk_form_says_what_is_missing(
    ws: Workspace, agent: Client, data: dict[str, str], message: str
) -> None:
    ticket = file(ws, "Unverändert")
    if data.get("status") != "open":
        data = {**data, "ticket": str(ticket.pk)}
    response = agent.post(BULK, data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert fresh(ticket).status == "new" and fresh(ticket).assignee_id is None


def test_a_foreign_assignee_reads_like_an_unknown_one(
    ws: Workspace, other_ws: Workspace, agent: Client
) -> None:
    ticket = file(ws, "Niemand Fremdes")
    for assignee in (other_ws.member("helpdesk_agent").pk, "00000000-0000-4000-8000-00000000000f"):
        response = agent.post(
            BULK, {"ticket": [ticket.pk], "action": "assign", "assignee": assignee}
        )
        assert response.status_code == 422
        assert "Unknown staff member." in response.content.decode()
    assert fresh(ticket).assignee_id is None


def test_the_action_refuses_without_the_permission_and_above_the_cap(ws: Workspace) -> None:
    ticket = file(ws, "Direkt")
    with pytest.raises(DomainError) as refused:
        actions.bulk_change(ws.actor("sales_agent"), ticket_ids=[ticket.pk], status="open")
    assert refused.value.status == 403
    with pytest.raises(DomainError) as too_many:
        actions.bulk_change(
            ws.actor("helpdesk_agent"), ticket_ids=[str(i) for i in range(101)], status="open"
        )
    assert too_many.value.status == 422
    result = actions.bulk_change(ws.actor("helpdesk_agent"), ticket_ids=[ticket.pk], status="open")
    assert [o.outcome for o in result.outcomes] == ["changed"]
