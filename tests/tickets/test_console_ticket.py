"""The console's ticket page, control by control: what each POST changes (with htmx and
without), the refusals people read, who sees which controls, and what the page costs."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from partnerdesk.tickets import actions
from partnerdesk.tickets.models import Attachment, Message, Ticket, TicketEvent
from tests.kit import Workspace, max_queries, session_client

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def filed(ws: Workspace, customer: str = "a", subject: str = "Teams ruft nicht an") -> Ticket:
    return actions.file_ticket(
        ws.actor("helpdesk_agent"),
        customer=ws.customers[customer],
        subject=subject,
        description="Seit dem Update klingelt nichts.",
        category="configuration",
        severity="B",
        channel="phone",
    ).ticket


def agent(ws: Workspace, person: str = "helpdesk_agent") -> Client:
    return session_client(ws.member(person))


def url(ticket: Ticket, action: str = "ticket") -> str:
    """The page, or the address a control posts to (by URL name: tag, untag, watch, ...)."""
    return reverse(f"tickets:{action}", args=[ticket.pk])


def fresh(ticket: Ticket) -> Ticket:
    return Ticket.objects.get(pk=ticket.pk)


def text(response: Any) -> str:
    return response.content.decode()


def textarea(html: str) -> str:
    found = re.search(r'<textarea name="body"[^>]*>(.*?)</textarea>', html, re.S)
    assert found, "no reply box"
    return found.group(1)


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


# --- reply and note ---------------------------------------------------------------------------


def test_an_htmx_reply_appears_in_the_timeline_and_the_box_clears(ws: Workspace) -> None:
    ticket = filed(ws)
    response = agent(ws).post(url(ticket, "reply"), {"body": "Wir prüfen das."}, **HX)
    assert response.status_code == 200
    html = text(response)
    assert 'id="ticket-composer"' in html and textarea(html) == ""
    assert 'id="ticket-timeline" aria-label="Conversation and history" hx-swap-oob="true"' in html
    assert "Wir prüfen das." in html
    assert 'id="ticket-details"' in html and 'hx-swap-oob="true"' in html
    message = Message.objects.get(ticket=ticket)
    assert (message.body, message.internal) == ("Wir prüfen das.", False)
    assert fresh(ticket).status == "open"  # the first public reply opens a new ticket


def test_a_reply_without_htmx_redirects_back_to_the_page(ws: Workspace) -> None:
    ticket = filed(ws)
    response = agent(ws).post(url(ticket, "reply"), {"body": "Antwort"})
    assert response.status_code == 302
    assert response["Location"] == url(ticket) + "#ticket-composer"
    assert Message.objects.filter(ticket=ticket, body="Antwort").exists()


def test_an_internal_note_is_a_note_and_the_box_stays_in_note_mode(ws: Workspace) -> None:
    ticket = filed(ws)
    response = agent(ws).post(url(ticket, "reply"), {"body": "Lizenz fehlt", "internal": "1"}, **HX)
    assert response.status_code == 200
    assert 'class="composer mode-note"' in text(response)
    assert Message.objects.get(ticket=ticket).internal is True
    assert fresh(ticket).status == "new"  # a note does not answer the customer


@pytest.mark.parametrize("htmx", [True, False])
def test_an_empty_reply_shows_the_error_beside_the_box(ws: Workspace, htmx: bool) -> None:
    ticket = filed(ws)
    response = agent(ws).post(url(ticket, "reply"), {"body": "  "}, **(HX if htmx else {}))
    assert response.status_code == 422
    html = text(response)
    assert 'id="reply-body-errors"' in html and "Write something first." in html
    assert ("<html" in html) is not htmx  # htmx gets the reply box, a browser the page
    assert not Message.objects.filter(ticket=ticket).exists()


def test_a_reply_carries_attachments(ws: Workspace) -> None:
    ticket = filed(ws)
    files = [
        SimpleUploadedFile("log.txt", b"error 42", "text/plain"),
        SimpleUploadedFile("screen.png", b"\x89PNG....", "image/png"),
    ]
    response = agent(ws).post(
        url(ticket, "reply"), {"body": "Log anbei", "attachments": files}, **HX
    )
    assert response.status_code == 200
    message = Message.objects.get(ticket=ticket)
    assert sorted(a.filename for a in Attachment.objects.filter(message=message)) == [
        "log.txt",
        "screen.png",
    ]
    assert "log.txt" in text(response)  # listed under the message in the timeline


def test_a_refused_file_stops_the_reply_and_says_why(ws: Workspace) -> None:
    ticket = filed(ws)
    bad = SimpleUploadedFile("tool.exe", b"MZ", "application/octet-stream")
    response = agent(ws).post(
        url(ticket, "reply"), {"body": "Programm anbei", "attachments": [bad]}, **HX
    )
    assert response.status_code == 422
    assert "tool.exe: Files of this type are not accepted" in text(response)
    assert "Programm anbei" in textarea(text(response))  # nothing the agent wrote is lost
    assert not Message.objects.filter(ticket=ticket).exists()


def test_send_and_set_status_in_one_go(ws: Workspace) -> None:
    ticket = filed(ws)
    client = agent(ws)
    client.post(url(ticket, "reply"), {"body": "Bitte testen", "then_status": "pending_customer"})
    assert fresh(ticket).status == "pending_customer"
    client.post(url(ticket, "reply"), {"body": "Gelöst", "then_status": "resolved"}, **HX)
    assert fresh(ticket).status == "resolved"
    assert Message.objects.filter(ticket=ticket).count() == 2


def test_send_and_set_status_refuses_an_impossible_move_before_sending(ws: Workspace) -> None:
    ticket = filed(ws)
    actions.change_ticket(
        ws.actor("helpdesk_agent"), ticket=ticket, changes=actions.TicketChanges(status="resolved")
    )
    response = agent(ws).post(
        url(ticket, "reply"), {"body": "Noch etwas", "then_status": "pending_customer"}, **HX
    )
    assert response.status_code == 422
    assert "A ticket that is Resolved cannot become Pending customer." in text(response)
    assert not Message.objects.filter(ticket=ticket).exists()


def test_a_closed_ticket_has_no_reply_box_and_refuses_replies(ws: Workspace) -> None:
    ticket = filed(ws)
    actions.change_ticket(
        ws.actor("helpdesk_agent"), ticket=ticket, changes=actions.TicketChanges(status="closed")
    )
    client = agent(ws)
    assert 'data-testid="reply-form"' not in text(client.get(url(ticket)))
    response = client.post(url(ticket, "reply"), {"body": "Hallo?"})
    assert response.status_code == 409
    assert "This ticket is closed" in text(response)
    assert not Message.objects.filter(ticket=ticket).exists()


def test_the_reply_and_note_modes_work_without_javascript(ws: Workspace) -> None:
    ticket = filed(ws)
    client = agent(ws)
    page = text(client.get(url(ticket)))
    assert 'data-compose="reply" data-shortcut="r"' in page
    assert 'data-compose="note" data-shortcut="n"' in page
    assert 'class="composer mode-reply"' in page
    note = text(client.get(url(ticket), {"compose": "note"}))
    assert 'class="composer mode-note"' in note
    assert 'name="internal" value="1"' in note


# --- assignee ---------------------------------------------------------------------------------


def test_assign_to_a_staff_member_updates_the_aside_and_the_history(ws: Workspace) -> None:
    ticket = filed(ws)
    admin = ws.member("admin_agent")
    response = agent(ws).post(url(ticket, "assign"), {"assignee_id": str(admin.pk)}, **HX)
    assert response.status_code == 200
    html = text(response)
    assert html.lstrip().startswith('<aside class="card details" id="ticket-details"')
    assert "Assignee changed: nobody → Admin Agent" in html  # the timeline, out of band
    assert fresh(ticket).assignee_id == admin.pk


def test_assign_to_me_and_unassign(ws: Workspace) -> None:
    ticket = filed(ws)
    client = agent(ws)
    page = text(client.get(url(ticket)))
    assert 'data-shortcut="a"' in page
    assert client.post(url(ticket, "take")).status_code == 302
    assert fresh(ticket).assignee_id == ws.member("helpdesk_agent").pk
    assert 'data-shortcut="a"' not in text(client.get(url(ticket)))  # it is mine already
    assert client.post(url(ticket, "unassign"), **HX).status_code == 200
    assert fresh(ticket).assignee_id is None


def test_the_assignee_list_holds_only_people_who_may_work_the_ticket(ws: Workspace) -> None:
    ticket_b = filed(ws, "b")
    page = text(agent(ws).get(url(ticket_b)))
    options = re.search(r'<select name="assignee_id".*?</select>', page, re.S)
    assert options
    names = set(re.findall(r">([^<]+)</option>", options.group(0)))
    assert {"Helpdesk Agent", "Admin Agent", "Global Admin"} <= names
    assert "Sales Agent" not in names  # read-only on tickets
    assert "Limited Agent" not in names  # supports customer a only


@pytest.mark.parametrize(
    ("person", "reason"),
    [
        ("sales_agent", "This person cannot work tickets."),
        ("limited_agent", "This person does not support this customer."),
    ],
)
def test_the_actions_refusal_of_an_assignee_is_shown(
    ws: Workspace, person: str, reason: str
) -> None:
    ticket_b = filed(ws, "b")
    for extra in (HX, {}):
        response = agent(ws).post(
            url(ticket_b, "assign"), {"assignee_id": str(ws.member(person).pk)}, **extra
        )
        assert response.status_code == 422
        assert reason in text(response)
    assert fresh(ticket_b).assignee_id is None


# --- status, severity, category and service ---------------------------------------------------


def test_status_and_severity_change_in_place(ws: Workspace) -> None:
    ticket = filed(ws)
    client = agent(ws)
    response = client.post(url(ticket, "status"), {"status": "pending_vendor"}, **HX)
    assert response.status_code == 200
    assert "Status changed: New → Pending vendor" in text(response)
    response = client.post(url(ticket, "severity"), {"severity": "A"}, **HX)
    assert 'data-testid="severity">A: critical' in text(response)
    ticket = fresh(ticket)
    assert (ticket.status, ticket.severity) == ("pending_vendor", "A")


def test_the_status_list_offers_only_possible_moves(ws: Workspace) -> None:
    ticket = filed(ws)
    actions.change_ticket(
        ws.actor("helpdesk_agent"), ticket=ticket, changes=actions.TicketChanges(status="resolved")
    )
    page = text(agent(ws).get(url(ticket)))
    select = re.search(r'<select name="status".*?</select>', page, re.S)
    assert select
    assert re.findall(r'value="(\w+)"', select.group(0)) == ["open", "resolved", "closed"]


def test_an_impossible_status_change_is_refused_beside_the_control(ws: Workspace) -> None:
    ticket = filed(ws)
    client = agent(ws)
    client.post(url(ticket, "status"), {"status": "closed"})
    response = client.post(url(ticket, "status"), {"status": "open"}, **HX)
    assert response.status_code == 409
    assert 'data-testid="refusal"' in text(response)
    assert "A ticket that is Closed cannot become Open." in text(response)
    assert fresh(ticket).status == "closed"


def test_category_and_service(ws: Workspace) -> None:
    ticket = filed(ws)
    client = agent(ws)
    response = client.post(
        url(ticket, "details"), {"category": "performance", "service": "teams"}, **HX
    )
    assert response.status_code == 200, text(response)
    assert (
        "Details changed: category Software configuration → Performance and availability, "
        "service — → Microsoft Teams" in text(response)
    )
    ticket = fresh(ticket)
    assert (ticket.category, ticket.service_id) == ("performance", "teams")
    client.post(url(ticket, "details"), {"category": "performance", "service": ""})
    assert fresh(ticket).service_id is None
    response = client.post(url(ticket, "details"), {"category": "nonsense"})
    assert response.status_code == 422
    assert fresh(ticket).category == "performance"


# --- tags -------------------------------------------------------------------------------------


def test_tags_are_added_several_at_once_and_removed_one_by_one(ws: Workspace) -> None:
    ticket = filed(ws)
    client = agent(ws)
    response = client.post(url(ticket, "tag"), {"tags": "Teams, Lizenz ,, telefonie"}, **HX)
    assert response.status_code == 200
    assert "Tag added: lizenz" in text(response)
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["lizenz", "teams", "telefonie"]
    assert 'aria-label="Remove tag teams"' in text(response)
    client.post(url(ticket, "untag"), {"tag": "teams"})
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["lizenz", "telefonie"]


def test_bad_tags_get_a_readable_error(ws: Workspace) -> None:
    ticket = filed(ws)
    client = agent(ws)
    response = client.post(url(ticket, "tag"), {"tags": " , "}, **HX)
    assert response.status_code == 422
    assert "Name at least one tag." in text(response)
    response = client.post(url(ticket, "tag"), {"tags": "x" * 60})
    assert response.status_code == 422
    assert "Tags have at most 50 characters." in text(response)
    assert not ticket.tags.exists()


# --- watchers ---------------------------------------------------------------------------------


def test_watch_and_stop_watching_oneself(ws: Workspace) -> None:
    ticket = filed(ws)
    client = agent(ws)
    me = ws.member("helpdesk_agent")
    response = client.post(url(ticket, "watch"), **HX)
    assert response.status_code == 200
    assert "Stop watching" in text(response)
    assert list(ticket.watchers.all()) == [me]
    client.post(url(ticket, "unwatch"))
    assert not ticket.watchers.exists()


def test_add_and_remove_another_watcher(ws: Workspace) -> None:
    ticket = filed(ws)
    client = agent(ws)
    admin = ws.member("admin_agent")
    response = client.post(url(ticket, "watch"), {"membership_id": str(admin.pk)}, **HX)
    assert "Watcher added: Admin Agent" in text(response)
    assert 'data-testid="watchers"' in text(response) and "Admin Agent" in text(response)
    assert list(ticket.watchers.all()) == [admin]
    client.post(url(ticket, "unwatch"), {"membership_id": str(admin.pk)}, **HX)
    assert not ticket.watchers.exists()


def test_a_watcher_of_another_workspace_does_not_exist(ws: Workspace, other_ws: Workspace) -> None:
    ticket = filed(ws)
    stranger = other_ws.member("helpdesk_agent")
    response = agent(ws).post(url(ticket, "watch"), {"membership_id": str(stranger.pk)})
    assert response.status_code == 404
    assert not ticket.watchers.exists()


# --- merge ------------------------------------------------------------------------------------


def test_merge_asks_first_showing_both_subjects_then_merges(ws: Workspace) -> None:
    duplicate, original = filed(ws, subject="Teams klingelt nicht"), filed(ws, subject="Teams")
    client = agent(ws)
    reference = f"{ws.partner.ticket_prefix}-{original.number}"
    response = client.post(url(duplicate, "merge"), {"into": reference}, **HX)
    assert response.status_code == 200
    html = text(response)
    assert 'data-testid="merge-confirm"' in html
    assert "Teams klingelt nicht" in html and f"{reference}</span> Teams" in html
    assert fresh(duplicate).merged_into_id is None  # nothing happens before the confirmation
    response = client.post(
        url(duplicate, "merge"), {"into": str(original.number), "confirm": "1"}, **HX
    )
    assert response["HX-Redirect"] == url(original)
    assert fresh(duplicate).merged_into_id == original.pk
    page = text(client.get(url(duplicate)))
    assert 'data-testid="merged-banner"' in page and f'href="{url(original)}"' in page


def test_merge_without_javascript_confirms_on_the_page(ws: Workspace) -> None:
    duplicate, original = filed(ws), filed(ws, subject="Original")
    client = agent(ws)
    response = client.post(url(duplicate, "merge"), {"into": f"#{original.number}"})
    assert response.status_code == 200 and "<html" in text(response)
    assert 'data-testid="merge-confirm"' in text(response)
    response = client.post(url(duplicate, "merge"), {"into": original.number, "confirm": "1"})
    assert response.status_code == 302 and response["Location"] == url(original)
    assert fresh(duplicate).merged_into_id == original.pk


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        ("self", "A ticket cannot be merged into itself."),
        ("other_customer", "Only tickets of the same customer can be merged."),
        ("closed", "Merge into an open ticket that was not merged itself."),
    ],
)
def test_merge_refusals_come_from_the_action_and_are_shown(
    ws: Workspace, target: str, reason: str
) -> None:
    duplicate = filed(ws)
    into = {
        "self": lambda: duplicate,
        "other_customer": lambda: filed(ws, "b"),
        "closed": lambda: filed(ws),
    }[target]()
    if target == "closed":
        actions.change_ticket(
            ws.actor("helpdesk_agent"), ticket=into, changes=actions.TicketChanges(status="closed")
        )
    response = agent(ws).post(url(duplicate, "merge"), {"into": into.number, "confirm": "1"}, **HX)
    assert response.status_code == 422
    assert reason in text(response)
    assert fresh(duplicate).merged_into_id is None


def test_merge_into_an_unknown_or_invisible_ticket(ws: Workspace, other_ws: Workspace) -> None:
    duplicate, theirs = filed(ws), filed(ws, "b")
    foreign = [filed(other_ws) for _ in range(3)][-1]  # a number this workspace does not have
    client = agent(ws, "limited_agent")
    for into in ("PD-999999", str(foreign.number), str(theirs.number), "XY-1", "abc"):
        response = client.post(url(duplicate, "merge"), {"into": into, "confirm": "1"}, **HX)
        assert response.status_code == 422, into
        assert 'aria-invalid="true"' in text(response)
    assert fresh(duplicate).merged_into_id is None


# --- who sees what ----------------------------------------------------------------------------

CONTROLS = [
    ("reply", {"body": "x"}),
    ("take", {}),
    ("assign", {"assignee_id": "?"}),
    ("unassign", {}),
    ("status", {"status": "resolved"}),
    ("severity", {"severity": "A"}),
    ("details", {"category": "how_to", "service": ""}),
    ("tag", {"tags": "x"}),
    ("untag", {"tag": "x"}),
    ("watch", {}),
    ("unwatch", {}),
    ("merge", {"into": "?", "confirm": "1"}),
]


def _state(ticket: Ticket) -> tuple[Any, ...]:
    ticket = fresh(ticket)
    return (
        ticket.status,
        ticket.severity,
        ticket.category,
        ticket.assignee_id,
        ticket.merged_into_id,
        sorted(ticket.tags.values_list("name", flat=True)),
        sorted(ticket.watchers.values_list("id", flat=True)),
        Message.objects.filter(ticket=ticket).count(),
        TicketEvent.objects.filter(ticket=ticket).count(),
    )


def test_a_sales_agent_sees_no_controls_and_every_post_is_forbidden(ws: Workspace) -> None:
    ticket, other = filed(ws), filed(ws, subject="Other")
    actions.tag_ticket(ws.actor("helpdesk_agent"), ticket=ticket, names=["x"])
    client = agent(ws, "sales_agent")
    page = text(client.get(url(ticket)))
    assert "Seit dem Update klingelt nichts." in page and 'data-testid="tags"' in page
    for marker in ("reply-form", "status-form", "assign-section", "tags-section", "merge-section",
                   "watchers-section", "canned-picker", 'data-shortcut="a"'):  # fmt: skip
        assert marker not in page, marker
    assert '<form method="post" action="/desk/tickets/' not in page
    before = _state(ticket)
    for action, data in CONTROLS:
        data = {
            k: (str(ws.member("sales_agent").pk) if k == "assignee_id" else v)
            for k, v in data.items()
        }
        if action == "merge":
            data["into"] = str(other.number)
        for extra in (HX, {}):
            response = client.post(url(ticket, action), data, **extra)
            assert response.status_code == 403, (action, response.status_code)
    assert _state(ticket) == before


def test_a_limited_agent_gets_404_for_another_customers_ticket(ws: Workspace) -> None:
    theirs = filed(ws, "b")
    client = agent(ws, "limited_agent")
    assert client.get(url(theirs)).status_code == 404
    before = _state(theirs)
    for action, data in CONTROLS:
        assert client.post(url(theirs, action), data).status_code == 404, action
    assert _state(theirs) == before


def test_another_workspaces_ticket_is_404_for_every_control(
    ws: Workspace, other_ws: Workspace
) -> None:
    foreign = filed(other_ws)
    client = agent(ws, "global_admin")
    before = _state(foreign)
    for action, data in CONTROLS:
        assert client.post(url(foreign, action), data, **HX).status_code == 404, action
    assert _state(foreign) == before


def test_internal_notes_never_reach_staff_without_view_internal(ws: Workspace) -> None:
    ticket = filed(ws)
    actor = ws.actor("helpdesk_agent")
    actions.reply(actor, ticket=ticket, body="Öffentliche Antwort")
    actions.reply(
        actor,
        ticket=ticket,
        body="Geheime Notiz",
        internal=True,
        files=[SimpleUploadedFile("intern.txt", b"secret", "text/plain")],
    )
    for person in ("sales_agent", "billing_admin"):
        page = text(agent(ws, person).get(url(ticket)))
        assert "Öffentliche Antwort" in page
        assert "Geheime Notiz" not in page and "intern.txt" not in page, person
        assert "Internal note" not in page, person
    page = text(agent(ws).get(url(ticket)))
    assert "Geheime Notiz" in page and "intern.txt" in page


def test_the_customer_name_links_to_the_customer_page(ws: Workspace) -> None:
    ticket = filed(ws)
    page = text(agent(ws).get(url(ticket)))
    assert f'href="/desk/customers/{ticket.customer_id}/"' in page


def test_the_ticket_page_costs_the_same_for_few_and_many_rows(ws: Workspace) -> None:
    ticket = filed(ws)
    actor = ws.actor("helpdesk_agent")
    client = agent(ws)
    people = ["helpdesk_agent", "admin_agent", "global_admin"]

    def grow(n: int, start: int) -> None:
        for i in range(start, start + n):
            files = [SimpleUploadedFile(f"f{i}.txt", b"x", "text/plain")] if i % 3 == 0 else []
            actions.reply(
                actor, ticket=ticket, body=f"reply {i}", internal=bool(i % 2), files=files
            )
            actions.tag_ticket(actor, ticket=ticket, names=[f"tag {i}"])
            member = ws.member(people[i % len(people)])
            actions.watch_ticket(actor, ticket=ticket, membership=member)

    def queries() -> int:
        client.get(url(ticket))
        with max_queries(30) as captured:
            assert client.get(url(ticket)).status_code == 200
        return len(captured.captured_queries)

    grow(3, 0)
    few = queries()
    grow(17, 3)  # 20 tags is the most a ticket may have
    for i in range(20, 30):
        actions.reply(actor, ticket=ticket, body=f"reply {i}")
    assert Message.objects.filter(ticket=ticket).count() == 30
    assert queries() == few
