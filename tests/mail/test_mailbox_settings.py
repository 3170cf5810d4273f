"""The mailbox settings pages: who may use them, what each form changes and refuses, that
secrets are write-only, "test connection" with and without htmx, and isolation."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest

from partnerdesk.core.models import AuditEntry
from partnerdesk.mail import secrets
from partnerdesk.mail.models import InboundMessage, InboundState, Mailbox
from tests.accounts.helpers import Browser, location, text_of
from tests.kit import CUSTOMER_PEOPLE, STAFF, Workspace, max_queries, session_client
from tests.mail.imap_helpers import imap_mailbox
from tests.support.dovecot import Dovecot, dovecot  # noqa: F401

pytestmark = pytest.mark.django_db

NOT_MANAGERS = [p for p in STAFF if p != "global_admin"]
LIST = "/settings/mailboxes/"
ADD = "/settings/mailboxes/new/"


def field_errors(response: Any) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    body = response.content.decode()
    for name, block in re.findall(
        r'<ul class="errorlist"[^>]*data-field="(\w+)">(.*?)</ul>', body, re.S
    ):
        found.setdefault(name, []).extend(
            html.unescape(i) for i in re.findall(r"<li>(.*?)</li>", block)
        )
    return found


def admin(ws: Workspace, person: str = "global_admin") -> Browser:
    browser = Browser()
    browser.client.cookies = session_client(ws.member(person)).cookies
    return browser


def form_data(dovecot: Dovecot, user: str, **changes: str) -> dict[str, str]:  # noqa: F811
    data = {
        "name": "Support",
        "address": f"{user}@nordwind.example",
        "host": dovecot.host,
        "port": str(dovecot.port),
        "security": "none",
        "username": user,
        "auth_method": "password",
        "password": dovecot.passwords[user],
        "oauth_token_url": "",
        "oauth_client_id": "",
        "client_secret": "",
        "oauth_scope": "",
        "folder": "INBOX",
        "after_import": "flag",
        "is_active": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def edit_url(mailbox: Mailbox) -> str:
    return f"/settings/mailboxes/{mailbox.pk}/"


# --- who may use the pages ---------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in() -> None:
    response = Browser().get(LIST)
    assert location(response) == "/accounts/login/?next=%2Fsettings%2Fmailboxes%2F"


@pytest.mark.parametrize("person", NOT_MANAGERS)
def test_other_staff_are_refused(ws: Workspace, person: str) -> None:
    browser = admin(ws, person)
    assert browser.get(LIST).status_code == 403
    assert browser.get(ADD).status_code == 403
    assert browser.client.post(ADD, {"name": "x"}).status_code == 403
    assert not Mailbox.objects.exists()


@pytest.mark.parametrize("person", CUSTOMER_PEOPLE)
def test_the_pages_do_not_exist_for_customer_people(ws: Workspace, person: str) -> None:
    browser = admin(ws, person)
    assert browser.get(LIST).status_code == 404
    assert browser.get(ADD).status_code == 404


def test_the_menu_shows_mailboxes_to_the_admin_only(ws: Workspace) -> None:
    assert 'href="/settings/mailboxes/"' in admin(ws).get("/settings/").content.decode()
    helpdesk = admin(ws, "helpdesk_agent").get("/settings/").content.decode()
    assert 'href="/settings/mailboxes/"' not in helpdesk


# --- the list ----------------------------------------------------------------------------------


def test_the_list_shows_each_mailbox_with_its_last_poll_error_and_counts(
    ws: Workspace,
    other_ws: Workspace,
    dovecot: Dovecot,  # noqa: F811
) -> None:
    mailbox = imap_mailbox(ws, dovecot, dovecot.new_user()[0], name="Billing")
    Mailbox.objects.filter(pk=mailbox.pk).update(
        last_error="The server refused the sign-in of billing: Authentication failed."
    )
    for state in [InboundState.TICKET, InboundState.TICKET, InboundState.QUARANTINED]:
        _inbound(mailbox, state)
    imap_mailbox(other_ws, dovecot, dovecot.new_user()[0], name="Alpen Secret Box")

    page = admin(ws).get(LIST)

    assert page.status_code == 200
    text = text_of(page)
    assert "Billing" in text and mailbox.address in text
    assert "The server refused the sign-in of billing" in text
    row = re.search(
        rf'data-mailbox="{re.escape(mailbox.address)}">(.*?)</tr>', page.content.decode(), re.S
    )
    assert row is not None
    counts = dict(re.findall(r'data-count="(\w+)">(\d+) ', row.group(1)))
    assert counts == {"imported": "3", "quarantined": "1"}  # none in triage: not shown
    assert "Alpen Secret Box" not in text


def _inbound(mailbox: Mailbox, state: str) -> InboundMessage:
    from django.core.files.base import ContentFile

    from partnerdesk.core import clock

    n = InboundMessage.objects.count()
    inbound = InboundMessage(
        partner_id=mailbox.partner_id,
        mailbox=mailbox,
        source="imap",
        message_id=f"<{n}.{mailbox.pk}@example.test>",
        sha256=f"{n:064d}",
        size=10,
        received_at=clock.now(),
        state=state,
    )
    inbound.raw.save(f"{n}.eml", ContentFile(b"x"), save=False)
    inbound.save()
    return inbound


def test_the_list_costs_the_same_for_2_and_12_mailboxes(
    ws: Workspace,
    dovecot: Dovecot,  # noqa: F811
) -> None:
    browser = admin(ws)
    for _ in range(2):
        _inbound(imap_mailbox(ws, dovecot, dovecot.new_user()[0]), InboundState.TICKET)
    with max_queries(30) as two:
        assert browser.get(LIST).status_code == 200
    for _ in range(10):
        _inbound(imap_mailbox(ws, dovecot, dovecot.new_user()[0]), InboundState.TRIAGE)
    with max_queries(len(two.captured_queries)):
        assert browser.get(LIST).status_code == 200


# --- adding and changing -----------------------------------------------------------------------


def test_the_admin_adds_a_mailbox_and_the_secret_is_never_shown_again(
    ws: Workspace,
    dovecot: Dovecot,  # noqa: F811
) -> None:
    user, password = dovecot.new_user()
    browser = admin(ws)
    page = browser.get(ADD)
    assert page.status_code == 200

    response = browser.submit(page, form_data(dovecot, user))

    assert location(response) == LIST
    mailbox = Mailbox.objects.get(partner=ws.partner)
    assert (mailbox.host, mailbox.port, mailbox.username) == (dovecot.host, dovecot.port, user)
    assert secrets.decrypt(mailbox.secret_encrypted) == password
    assert AuditEntry.objects.filter(action="mailbox.created", object_id=str(mailbox.pk)).exists()
    listing = browser.open(LIST)
    assert "The mailbox Support is added" in text_of(listing)

    edit = browser.get(edit_url(mailbox))
    assert edit.status_code == 200
    assert password not in edit.content.decode()
    assert mailbox.secret_encrypted not in edit.content.decode()
    assert "Leave empty to keep the stored one" in text_of(edit)


def test_an_empty_password_keeps_the_stored_one_and_a_new_one_replaces_it(
    ws: Workspace,
    dovecot: Dovecot,  # noqa: F811
) -> None:
    user, password = dovecot.new_user()
    mailbox = imap_mailbox(ws, dovecot, user)
    browser = admin(ws)

    page = browser.get(edit_url(mailbox))
    response = browser.submit(page, form_data(dovecot, user, name="Renamed", password=""))
    assert location(response) == LIST
    mailbox.refresh_from_db()
    assert mailbox.name == "Renamed" and secrets.decrypt(mailbox.secret_encrypted) == password

    page = browser.get(edit_url(mailbox))
    browser.submit(page, form_data(dovecot, user, password="a new one"))
    mailbox.refresh_from_db()
    assert secrets.decrypt(mailbox.secret_encrypted) == "a new one"


def test_moving_to_another_folder_starts_from_its_first_message(
    ws: Workspace,
    dovecot: Dovecot,  # noqa: F811
) -> None:
    user, _ = dovecot.new_user()
    mailbox = imap_mailbox(ws, dovecot, user)
    Mailbox.objects.filter(pk=mailbox.pk).update(uid_validity=7, last_uid=42)
    browser = admin(ws)
    browser.submit(browser.get(edit_url(mailbox)), form_data(dovecot, user, password=""))
    mailbox.refresh_from_db()
    assert (mailbox.uid_validity, mailbox.last_uid) == (7, 42)  # same folder: kept

    browser.submit(
        browser.get(edit_url(mailbox)), form_data(dovecot, user, folder="Support", password="")
    )
    mailbox.refresh_from_db()
    assert (mailbox.uid_validity, mailbox.last_uid) == (None, 0)


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"address": "not an address"}, "address", "valid email"),
        ({"port": "70000"}, "port", "less than or equal to 65535"),
        ({"name": ""}, "name", "required"),
        ({"host": "imap.nordwind.example"}, "security", "only for a server on this machine"),
        ({"password": ""}, "password", "stored encrypted"),
        ({"auth_method": "xoauth2"}, "oauth_token_url", "token endpoint"),
        ({"auth_method": "xoauth2"}, "client_secret", "stored encrypted"),
        ({"security": "telnet"}, "security", "Select a valid choice"),
    ],
)
def test_bad_input_is_refused_next_to_the_field(
    ws: Workspace,
    dovecot: Dovecot,  # noqa: F811
    changes: dict[str, str],
    field: str,
    words: str,
) -> None:
    user, _ = dovecot.new_user()
    browser = admin(ws)
    response = browser.submit(browser.get(ADD), form_data(dovecot, user, **changes))
    assert response.status_code == 422
    errors = field_errors(response)
    assert any(words in e for e in errors.get(field, [])), errors
    assert not Mailbox.objects.exists()


def test_a_second_mailbox_with_the_same_address_is_refused(
    ws: Workspace,
    dovecot: Dovecot,  # noqa: F811
) -> None:
    user, _ = dovecot.new_user()
    imap_mailbox(ws, dovecot, user)
    browser = admin(ws)
    response = browser.submit(browser.get(ADD), form_data(dovecot, user))
    assert response.status_code == 422
    assert field_errors(response)["address"] == ["Another mailbox already has this address."]
    assert Mailbox.objects.count() == 1


def test_switching_to_oauth_needs_the_client_secret(
    ws: Workspace,
    dovecot: Dovecot,  # noqa: F811
) -> None:
    """A stored password is no client secret: switching methods asks for the new secret."""
    user, _ = dovecot.new_user()
    mailbox = imap_mailbox(ws, dovecot, user)
    browser = admin(ws)
    response = browser.submit(
        browser.get(edit_url(mailbox)),
        form_data(
            dovecot,
            user,
            auth_method="xoauth2",
            password="",
            oauth_token_url="https://login.microsoftonline.com/tenant/oauth2/v2.0/token",
            oauth_client_id="app",
        ),
    )
    assert response.status_code == 422 and "client_secret" in field_errors(response)
    mailbox.refresh_from_db()
    assert mailbox.auth_method == "password"


# --- test connection ---------------------------------------------------------------------------


def test_test_connection_without_javascript_shows_the_outcome_and_saves_nothing(
    ws: Workspace,
    dovecot: Dovecot,  # noqa: F811
) -> None:
    user, _ = dovecot.new_user()
    dovecot.append(user, b"Subject: waiting\r\n\r\nx\r\n")
    browser = admin(ws)

    response = browser.submit(browser.get(ADD), form_data(dovecot, user, action="test"))

    assert response.status_code == 200
    assert "Connection works" in text_of(response)
    assert "1 message is waiting in INBOX" in text_of(response)
    assert not Mailbox.objects.exists()
    # What was typed stays in the form, so the admin can save it next.
    assert f'value="{dovecot.passwords[user]}"' in response.content.decode()

    wrong = browser.submit(browser.get(ADD), form_data(dovecot, user, password="x", action="test"))
    assert "Connection failed" in text_of(wrong)
    assert f"The server refused the sign-in of {user}" in text_of(wrong)


def test_test_connection_with_htmx_answers_a_fragment(
    ws: Workspace,
    dovecot: Dovecot,  # noqa: F811
) -> None:
    user, _ = dovecot.new_user()
    mailbox = imap_mailbox(ws, dovecot, user)
    browser = admin(ws)
    page = browser.get(edit_url(mailbox))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert token is not None
    headers = {"HTTP_HX_REQUEST": "true", "HTTP_X_CSRFTOKEN": token.group(1)}

    # The stored password is used when the field is left empty.
    ok = browser.client.post(
        edit_url(mailbox), form_data(dovecot, user, password="", action="test"), **headers
    )
    assert ok.status_code == 200
    assert "<main" not in ok.content.decode()
    assert "Connected and signed in. 0 messages are waiting in INBOX." in text_of(ok)

    bad = browser.client.post(
        edit_url(mailbox), form_data(dovecot, user, port="notaport", action="test"), **headers
    )
    assert "Not tested: correct what is marked in the form first." in text_of(bad)
    assert "Port: Enter a whole number." in text_of(bad)

    saved = browser.client.post(f"{edit_url(mailbox)}test/", {}, **headers)
    assert "Connection works" in text_of(saved)


def test_test_from_the_list_without_javascript_comes_back_with_a_message(
    ws: Workspace,
    dovecot: Dovecot,  # noqa: F811
) -> None:
    user, _ = dovecot.new_user()
    mailbox = imap_mailbox(ws, dovecot, user, password="wrong")
    browser = admin(ws)
    listing = browser.get(LIST)
    response = browser.submit(listing, {}, action=f"{edit_url(mailbox)}test/")
    assert location(response) == LIST
    assert f"The server refused the sign-in of {user}" in text_of(browser.open(LIST))


# --- pause and delete --------------------------------------------------------------------------


def test_the_admin_pauses_resumes_and_deletes_a_mailbox(
    ws: Workspace,
    dovecot: Dovecot,  # noqa: F811
) -> None:
    user, _ = dovecot.new_user()
    mailbox = imap_mailbox(ws, dovecot, user)
    kept = _inbound(mailbox, InboundState.TICKET)
    browser = admin(ws)

    browser.submit(browser.get(LIST), {}, action=f"{edit_url(mailbox)}active/")
    mailbox.refresh_from_db()
    assert not mailbox.is_active
    assert "paused" in text_of(browser.open(LIST))
    browser.submit(browser.get(LIST), {}, action=f"{edit_url(mailbox)}active/")
    mailbox.refresh_from_db()
    assert mailbox.is_active

    confirm = browser.get(f"{edit_url(mailbox)}delete/")
    assert "Tickets and messages already imported stay" in text_of(confirm)
    assert location(browser.submit(confirm, {})) == LIST
    assert not Mailbox.objects.filter(pk=mailbox.pk).exists()
    kept.refresh_from_db()
    assert kept.mailbox_id is None
    assert AuditEntry.objects.filter(action="mailbox.deleted").exists()


# --- isolation ---------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", "test/", "poll/", "active/", "delete/"])
def test_another_workspaces_mailbox_does_not_exist(
    ws: Workspace,
    other_ws: Workspace,
    dovecot: Dovecot,  # noqa: F811
    suffix: str,
) -> None:
    user, _ = dovecot.new_user()
    theirs = imap_mailbox(other_ws, dovecot, user)
    browser = admin(ws)
    url = f"{edit_url(theirs)}{suffix}"
    if suffix in ("", "delete/"):
        assert browser.get(url).status_code == 404
    page = browser.get(LIST)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    response = browser.client.post(
        url,
        {**form_data(dovecot, user, name="Hijacked"), "active": "0"},
        HTTP_X_CSRFTOKEN=token.group(1) if token else "",
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.name != "Hijacked" and theirs.is_active
    assert browser.get("/settings/mailboxes/not-a-uuid/").status_code == 404


def test_check_now_queues_a_poll_of_that_mailbox(
    ws: Workspace,
    dovecot: Dovecot,  # noqa: F811
) -> None:
    from django_tasks_db.models import DBTaskResult

    from partnerdesk.mail.tasks import poll_mailbox

    mailbox = imap_mailbox(ws, dovecot, dovecot.new_user()[0])
    browser = admin(ws)
    response = browser.submit(browser.get(LIST), {}, action=f"{edit_url(mailbox)}poll/")
    assert location(response) == LIST
    queued = DBTaskResult.objects.filter(task_path=poll_mailbox.module_path)
    assert [r.args_kwargs["kwargs"] for r in queued] == [{"mailbox_id": str(mailbox.pk)}]
    assert "is being checked" in text_of(browser.open(LIST))

    Mailbox.objects.filter(pk=mailbox.pk).update(is_active=False)
    page = browser.get(LIST)
    assert f"{edit_url(mailbox)}poll/" not in page.content.decode()  # no button when paused
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert token is not None
    browser.client.post(f"{edit_url(mailbox)}poll/", {}, HTTP_X_CSRFTOKEN=token.group(1))
    assert queued.count() == 1
    assert "The mailbox is paused" in text_of(browser.open(LIST))


@pytest.mark.parametrize("test_first", [False, True])
def test_the_stored_password_never_goes_to_another_server(
    ws: Workspace,
    dovecot: Dovecot,  # noqa: F811
    test_first: bool,
) -> None:
    """Pointing the mailbox elsewhere asks for the password again: otherwise whoever changes
    the server could have the stored password sent to one they listen on."""
    user, password = dovecot.new_user()
    mailbox = imap_mailbox(ws, dovecot, user)
    browser = admin(ws)
    changes = {"host": "localhost", "password": ""}
    if test_first:
        changes["action"] = "test"
    response = browser.submit(browser.get(edit_url(mailbox)), form_data(dovecot, user, **changes))
    assert response.status_code == 422
    assert "Enter it again" in text_of(response)
    assert not re.search(r"Connection works", text_of(response))
    mailbox.refresh_from_db()
    assert mailbox.host == dovecot.host and secrets.decrypt(mailbox.secret_encrypted) == password
