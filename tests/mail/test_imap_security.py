"""Connection security, sign-in methods and failures of the IMAP poller, against the test
Dovecot: TLS and STARTTLS with certificate checks, XOAUTH2 with a client-credentials token,
timeouts, and secrets that are stored encrypted and never shown."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import override_settings

from partnerdesk.core.errors import DomainError
from partnerdesk.mail import imap, oauth, secrets
from partnerdesk.mail.actions.mailboxes import MailboxSettings, create_mailbox
from partnerdesk.mail.models import Mailbox
from tests.kit import Workspace
from tests.mail.imap_helpers import Recorder, imap_mailbox, message
from tests.support.dovecot import Dovecot, dovecot  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def trusted(settings: Any, dovecot: Dovecot) -> None:  # noqa: F811
    """The test server's self-signed certificate is trusted (a private CA, in production)."""
    settings.PARTNERDESK_IMAP_CA_FILE = str(dovecot.ca_file)


@pytest.fixture(autouse=True)
def _no_cached_tokens() -> Iterator[None]:
    oauth.forget_tokens()
    yield
    oauth.forget_tokens()


@pytest.mark.parametrize("security", ["ssl", "starttls"])
def test_encrypted_connections_import(
    ws: Workspace,
    dovecot: Dovecot,  # noqa: F811
    trusted: None,
    security: str,
) -> None:
    user, _ = dovecot.new_user()
    dovecot.append(user, message(1))
    mailbox = imap_mailbox(ws, dovecot, user, security=security)
    assert imap.check_connection(mailbox) == imap.ConnectionCheck(ok=True, waiting=1)
    intake = Recorder()
    assert imap.poll(mailbox, ingest=intake).imported == 1


@pytest.mark.parametrize("security", ["ssl", "starttls"])
def test_an_untrusted_certificate_is_refused_in_words(
    ws: Workspace,
    dovecot: Dovecot,  # noqa: F811
    security: str,
) -> None:
    user, _ = dovecot.new_user()
    mailbox = imap_mailbox(ws, dovecot, user, security=security)
    check = imap.check_connection(mailbox)
    assert not check.ok
    assert "is not trusted" in check.error and "self-signed" in check.error


def test_tls_on_the_plain_port_says_to_check_the_port(
    ws: Workspace,
    dovecot: Dovecot,  # noqa: F811
    trusted: None,
) -> None:
    user, _ = dovecot.new_user()
    mailbox = imap_mailbox(ws, dovecot, user, security="ssl", port=dovecot.port)
    check = imap.check_connection(mailbox)
    assert not check.ok and "check the port and the connection security" in check.error


def test_unencrypted_only_to_this_machine(ws: Workspace) -> None:
    config = MailboxSettings(
        name="Support",
        address="support@nordwind.example",
        host="imap.nordwind.example",
        port=143,
        security="none",
        username="support",
        auth_method="password",
        secret="pw",
    )
    with pytest.raises(DomainError) as refused:
        create_mailbox(ws.actor("global_admin"), config=config)
    assert [e.field for e in refused.value.errors] == ["security"]
    # A row changed behind the form's back is refused by the poller too, before connecting.
    mailbox = Mailbox(partner=ws.partner, host="imap.nordwind.example", port=143, security="none")
    assert "only to a server on this machine" in imap.check_connection(mailbox).error


def test_xoauth2_signs_in_with_a_client_credentials_token(
    ws: Workspace,
    dovecot: Dovecot,  # noqa: F811
) -> None:
    user, _ = dovecot.new_user()
    client_id, client_secret = dovecot.oauth.add_client(user)
    dovecot.append(user, message(1))
    dovecot.append(user, message(2))
    mailbox = imap_mailbox(
        ws,
        dovecot,
        user,
        auth_method="xoauth2",
        password=client_secret,
        oauth_token_url=dovecot.oauth.token_url,
        oauth_client_id=client_id,
        oauth_scope="https://outlook.office365.com/.default",
    )
    asked = len(dovecot.oauth.token_requests)
    intake = Recorder()

    report = imap.poll(mailbox, ingest=intake)
    assert report.ok and report.imported == 2
    request = dovecot.oauth.token_requests[-1]
    assert request == {
        "grant_type": "client_credentials",
        "client_id": client_id,
        "scope": "https://outlook.office365.com/.default",
    }
    assert f"user=<{user}>, method=XOAUTH2" in dovecot.log()

    # The token is kept until it nearly expires: the next poll asks for none.
    imap.poll(Mailbox.objects.get(pk=mailbox.pk), ingest=intake)
    assert len(dovecot.oauth.token_requests) == asked + 1


def test_xoauth2_with_a_wrong_client_secret_says_what_the_endpoint_said(
    ws: Workspace,
    dovecot: Dovecot,  # noqa: F811
) -> None:
    user, _ = dovecot.new_user()
    client_id, _secret = dovecot.oauth.add_client(user)
    mailbox = imap_mailbox(
        ws,
        dovecot,
        user,
        auth_method="xoauth2",
        password="wrong-secret-value",
        oauth_token_url=dovecot.oauth.token_url,
        oauth_client_id=client_id,
    )
    report = imap.poll(mailbox, ingest=Recorder())
    assert "invalid_client: AADSTS7000215: Invalid client secret provided." in report.error
    assert "wrong-secret-value" not in report.error
    assert Mailbox.objects.get(pk=mailbox.pk).last_error == report.error


def test_xoauth2_with_a_token_dovecot_rejects(
    ws: Workspace,
    dovecot: Dovecot,  # noqa: F811
) -> None:
    """A token for another mailbox: the server's introspection says so, and sign-in fails."""
    user, _ = dovecot.new_user()
    someone_else, _ = dovecot.new_user()
    client_id, client_secret = dovecot.oauth.add_client(someone_else)
    mailbox = imap_mailbox(
        ws,
        dovecot,
        user,
        auth_method="xoauth2",
        password=client_secret,
        oauth_token_url=dovecot.oauth.token_url,
        oauth_client_id=client_id,
    )
    check = imap.check_connection(mailbox)
    assert not check.ok and f"The server refused the sign-in of {user}" in check.error


def test_the_sasl_string_is_microsofts_format() -> None:
    token = "EwBAAl3BAAUFFpUAo7J3Ve0bjLBWZWCcl"
    assert (
        oauth.xoauth2_string("test@contoso.onmicrosoft.com", token)
        == f"user=test@contoso.onmicrosoft.com\x01auth=Bearer {token}\x01\x01"
    )


def _serve(greeting: bytes) -> Iterator[int]:
    """A server that accepts connections, says `greeting` (maybe nothing) and no more."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn = listener.accept()[0]
            except OSError:
                continue
            held.append(conn)
            if greeting:
                conn.sendall(greeting)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield int(listener.getsockname()[1])
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    listener.close()


@pytest.fixture
def silent_server() -> Iterator[int]:
    yield from _serve(b"")


@pytest.fixture
def babbling_server() -> Iterator[int]:
    yield from _serve(b"220 smtp.example.test ESMTP ready\r\n")


def test_a_server_that_speaks_another_protocol_is_named(
    ws: Workspace, babbling_server: int
) -> None:
    mailbox = Mailbox(partner=ws.partner, host="127.0.0.1", port=babbling_server, security="none")
    check = imap.check_connection(mailbox, timeout=2)
    assert not check.ok
    assert f"127.0.0.1:{babbling_server} answered with an error" in check.error


def test_a_server_that_does_not_answer_times_out(ws: Workspace, silent_server: int) -> None:
    mailbox = Mailbox.objects.get(
        pk=create_mailbox(
            ws.actor("global_admin"),
            config=MailboxSettings(
                name="Silent",
                address="silent@nordwind.example",
                host="127.0.0.1",
                port=silent_server,
                security="none",
                username="support",
                auth_method="password",
                secret="pw",
            ),
        ).pk
    )
    report = imap.poll(mailbox, ingest=Recorder(), timeout=0.5)
    assert f"127.0.0.1:{silent_server} did not answer within 0.5 seconds" in report.error
    check = imap.check_connection(mailbox, timeout=0.5)
    assert not check.ok and "did not answer" in check.error


def test_a_closed_port_is_refused_in_words(ws: Workspace) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    mailbox = Mailbox(partner=ws.partner, host="127.0.0.1", port=port, security="none")
    assert "refused the connection: is the port right?" in imap.check_connection(mailbox).error


# --- the stored secret -------------------------------------------------------------------------


def test_the_secret_is_stored_encrypted(ws: Workspace, dovecot: Dovecot) -> None:  # noqa: F811
    user, password = dovecot.new_user()
    mailbox = imap_mailbox(ws, dovecot, user)
    stored = Mailbox.objects.get(pk=mailbox.pk).secret_encrypted
    assert password not in stored and stored
    assert secrets.decrypt(stored) == password
    assert secrets.encrypt(password) != secrets.encrypt(password)  # random IV each time


def test_a_rotated_secret_key_still_opens_the_secret_and_reencrypts_it() -> None:
    with override_settings(SECRET_KEY="old-key-" + "x" * 50):
        token = secrets.encrypt("hunter2")
    with (
        override_settings(SECRET_KEY="new-key-" + "y" * 50),
        pytest.raises(secrets.SecretUnreadable),
    ):
        secrets.decrypt(token)
    with override_settings(
        SECRET_KEY="new-key-" + "y" * 50, SECRET_KEY_FALLBACKS=["old-key-" + "x" * 50]
    ):
        assert secrets.decrypt(token) == "hunter2"
        fresh = secrets.reencrypt(token)
    with override_settings(SECRET_KEY="new-key-" + "y" * 50):
        assert secrets.decrypt(fresh) == "hunter2"


def test_an_unreadable_secret_tells_the_admin_to_enter_it_again(
    ws: Workspace,
    dovecot: Dovecot,  # noqa: F811
) -> None:
    user, _ = dovecot.new_user()
    mailbox = imap_mailbox(ws, dovecot, user)
    with override_settings(SECRET_KEY="another-key-" + "z" * 50):
        report = imap.poll(mailbox, ingest=Recorder())
    assert "enter it again in the mailbox settings" in report.error
