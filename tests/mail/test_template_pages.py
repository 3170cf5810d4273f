"""The settings pages of mail out: each agent's notification choices, and the workspace's
wording of notifications (global admins), with preview, validation and reset."""

from __future__ import annotations

import pytest
from django.test import Client

from partnerdesk.accounts.models import Membership
from partnerdesk.mail.models import MailTemplate
from tests.kit import CUSTOMER_PEOPLE, STAFF, Workspace, make_workspace, max_queries, session_client

pytestmark = pytest.mark.django_db

CHOICES = "/settings/notifications/"
TEMPLATES = "/settings/templates/"
ACK_EN = "/settings/templates/ticket_acknowledged/en/"
ACK_DE = "/settings/templates/ticket_acknowledged/de/"


def _client(ws: Workspace, who: str) -> Client:
    return session_client(ws.member(who))


# --- notification choices ----------------------------------------------------------------------


@pytest.mark.parametrize("who", STAFF)
def test_every_staff_member_sees_their_choices_all_on_at_first(ws: Workspace, who: str) -> None:
    response = _client(ws, who).get(CHOICES)
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("new_ticket", "customer_reply", "assigned", "sla_warning", "sla_breach"):
        assert f'name="{name}"' in html
    assert html.count("checked") == 5
    assert 'href="/settings/notifications/" aria-current="page"' in html


@pytest.mark.parametrize("who", CUSTOMER_PEOPLE)
def test_customer_people_are_told_the_page_does_not_exist(ws: Workspace, who: str) -> None:
    assert _client(ws, who).get(CHOICES).status_code == 404
    assert _client(ws, who).post(CHOICES, {"new_ticket": "on"}).status_code == 404


def test_anonymous_visitors_sign_in_first() -> None:
    response = Client().get(CHOICES)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_saving_choices_turns_off_what_is_unticked_and_only_for_me(ws: Workspace) -> None:
    client = _client(ws, "helpdesk_agent")
    response = client.post(CHOICES, {"new_ticket": "on", "assigned": "on"})
    assert response.status_code == 302 and response["Location"] == CHOICES
    mine = Membership.objects.get(pk=ws.member("helpdesk_agent").pk)
    assert mine.notifications == {
        "new_ticket": True,
        "customer_reply": False,
        "assigned": True,
        "sla_warning": False,
        "sla_breach": False,
    }
    assert Membership.objects.get(pk=ws.member("admin_agent").pk).notifications == {}
    html = client.get(CHOICES).content.decode()
    assert html.count("checked") == 2
    assert "Your notification choices are saved." in html


def test_staff_who_do_not_work_tickets_are_told_the_mails_do_not_reach_them(
    ws: Workspace,
) -> None:
    assert (
        'data-testid="not-working-tickets"'
        in _client(ws, "sales_agent").get(CHOICES).content.decode()
    )
    assert (
        'data-testid="not-working-tickets"'
        not in _client(ws, "helpdesk_agent").get(CHOICES).content.decode()
    )


def test_the_choices_page_costs_the_same_queries_as_before(ws: Workspace) -> None:
    client = _client(ws, "helpdesk_agent")
    client.get(CHOICES)
    with max_queries(12):
        assert client.get(CHOICES).status_code == 200


# --- templates list ----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["admin_agent", "helpdesk_agent", "sales_agent", "limited_agent"])
def test_only_global_admins_edit_templates(ws: Workspace, who: str) -> None:
    client = _client(ws, who)
    assert client.get(TEMPLATES).status_code == 403
    assert client.get(ACK_EN).status_code == 403
    assert client.post(ACK_EN, {"subject": "x", "text": "y"}).status_code == 403
    assert not MailTemplate.objects.exists()
    assert "/settings/templates/" not in client.get(CHOICES).content.decode()


@pytest.mark.parametrize("who", CUSTOMER_PEOPLE)
def test_customer_people_never_see_the_templates(ws: Workspace, who: str) -> None:
    assert _client(ws, who).get(TEMPLATES).status_code == 404
    assert _client(ws, who).post(ACK_EN, {"subject": "x", "text": "y"}).status_code == 404


def test_the_list_shows_every_notification_per_language_and_which_are_customised(
    ws: Workspace,
) -> None:
    client = _client(ws, "global_admin")
    client.post(ACK_DE, {"subject": "Eingang: {ticket.subject}", "text": "Danke!", "save": "1"})
    html = client.get(TEMPLATES).content.decode()
    assert html.count("<tr data-key=") == 10  # 5 to contacts, 5 to staff (2 of them SLA)
    assert html.count("Your wording") == 1
    assert 'href="/settings/templates/ticket_acknowledged/de/"' in html
    assert 'href="/settings/templates/agent_assigned/en/"' in html


def test_the_list_costs_the_same_queries_however_many_are_customised(ws: Workspace) -> None:
    client = _client(ws, "global_admin")
    client.get(TEMPLATES)
    with max_queries(12) as few:
        client.get(TEMPLATES)
    count = len(few.captured_queries)
    for key in ("ticket_acknowledged", "agent_replied", "status_closed", "agent_assigned"):
        for language in ("en", "de"):
            client.post(f"/settings/templates/{key}/{language}/", {"subject": "S", "text": "T"})
    with max_queries(count):
        client.get(TEMPLATES)


def test_another_workspaces_wording_is_neither_shown_nor_changed(ws: Workspace) -> None:
    other = make_workspace("Distri AG")
    _client(other, "global_admin").post(ACK_EN, {"subject": "Secret wording", "text": "T"})
    client = _client(ws, "global_admin")
    assert "Your wording" not in client.get(TEMPLATES).content.decode()
    assert "Secret wording" not in client.get(ACK_EN).content.decode()
    client.post(ACK_EN, {"subject": "Ours", "text": "Ours"})
    client.post(ACK_EN + "reset/")
    theirs = MailTemplate.objects.get(partner=other.partner)
    assert (theirs.subject, theirs.text) == ("Secret wording", "T")
    assert not MailTemplate.objects.filter(partner=ws.partner).exists()


# --- editing -----------------------------------------------------------------------------------


def test_the_editor_starts_from_the_built_in_wording_and_lists_placeholders(
    ws: Workspace,
) -> None:
    html = _client(ws, "global_admin").get(ACK_EN).content.decode()
    assert 'value="We received your request: {ticket.subject}"' in html
    assert "Thank you for your request." in html
    assert "<code>{ticket.reference}</code>" in html
    assert "<code>{recipient.first_name}</code>" in html
    assert "The built-in wording." in html
    assert 'data-testid="reset-form"' not in html


def test_an_unknown_placeholder_is_refused_naming_it(ws: Workspace) -> None:
    response = _client(ws, "global_admin").post(
        ACK_EN, {"subject": "Hi {ticket.subjekt}", "text": "Dear {customer.nme}", "save": "1"}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Unknown placeholder: {ticket.subjekt}" in html
    assert "Unknown placeholder: {customer.nme}" in html
    assert not MailTemplate.objects.exists()


def test_saving_stores_the_wording_and_reset_brings_back_the_built_in(ws: Workspace) -> None:
    client = _client(ws, "global_admin")
    response = client.post(
        ACK_DE, {"subject": "Eingang {ticket.reference}", "text": "Hallo {recipient.first_name}"}
    )
    assert response.status_code == 302 and response["Location"] == ACK_DE
    row = MailTemplate.objects.get(partner=ws.partner, key="ticket_acknowledged", language="de")
    assert (row.subject, row.text) == ("Eingang {ticket.reference}", "Hallo {recipient.first_name}")
    html = client.get(ACK_DE).content.decode()
    assert "Your wording, changed" in html and 'data-testid="reset-form"' in html
    assert client.get(ACK_EN).content.decode().count("Eingang") == 0
    response = client.post(ACK_DE + "reset/")
    assert response.status_code == 302 and response["Location"] == ACK_DE
    assert not MailTemplate.objects.exists()


def test_saving_the_built_in_wording_unchanged_keeps_following_it(ws: Workspace) -> None:
    client = _client(ws, "global_admin")
    html = client.get(ACK_EN).content.decode()
    assert "We received your request" in html
    from partnerdesk.mail.notifications.compose import default_wording

    subject, text = default_wording("ticket_acknowledged", "en")
    client.post(ACK_EN, {"subject": subject, "text": text})
    assert not MailTemplate.objects.exists()
    client.post(ACK_EN, {"subject": subject, "text": "Only the text is ours."})
    row = MailTemplate.objects.get()
    assert (row.subject, row.text) == ("", "Only the text is ours.")


def test_preview_fills_the_placeholders_without_saving(ws: Workspace) -> None:
    response = _client(ws, "global_admin").post(
        ACK_EN,
        {
            "subject": "Got it: {ticket.subject}",
            "text": "Hello {recipient.first_name} <b>&</b>, see {ticket.reference}.",
            "preview": "1",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f"[{ws.partner.ticket_prefix}-1042.abcdef] Got it: Printer offline" in html
    assert f"Hello Anna &lt;b&gt;&amp;&lt;/b&gt;, see {ws.partner.ticket_prefix}-1042." in html
    assert "Reply above this line" in html
    assert not MailTemplate.objects.exists()


@pytest.mark.parametrize(
    "url", ["/settings/templates/nonsense/en/", "/settings/templates/ticket_acknowledged/fr/"]
)
def test_unknown_notifications_and_languages_do_not_exist(ws: Workspace, url: str) -> None:
    client = _client(ws, "global_admin")
    assert client.get(url).status_code == 404
    assert client.post(url, {"subject": "x", "text": "y"}).status_code == 404
    assert client.post(url + "reset/").status_code == 404
    assert not MailTemplate.objects.exists()


def test_the_menu_offers_both_pages_to_global_admins(ws: Workspace) -> None:
    html = _client(ws, "global_admin").get("/settings/").content.decode()
    assert 'href="/settings/templates/"' in html
    assert 'href="/settings/notifications/"' in html
