"""Polling a mailbox over IMAP: new messages are handed to the intake, and only then marked.

The order is what keeps mail from being lost or doubled:

1. fetch a message (BODY.PEEK[], so fetching alone does not mark it read);
2. `ingest` stores it and commits (a message seen before returns the stored row);
3. only then flag it (\\Seen + \\Flagged) or delete and expunge it on the server;
4. save the position (the message's UID), so a crash fetches at most one message again.

A message the intake or the server could not take stops the poll there: it and everything
after it are fetched again on the next poll, never skipped. The position is a UID within a
UIDVALIDITY; a server that changes UIDVALIDITY (a rebuilt mailbox) is read again from the
first message, and the intake's dedupe by bytes and Message-ID keeps that from doubling
anything. Errors of the connection or sign-in are stored on the mailbox in words an admin
can act on (never a secret), and the next poll tries again. Every socket operation has a
timeout. One poll at a time per mailbox: a lease, like the scheduler's.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import ssl
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, InterfaceError
from django.utils.translation import gettext as _
from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError

from partnerdesk.core.actor import Actor

from . import oauth, secrets
from .actions import mailboxes as bookkeeping
from .models import AfterImport, AuthMethod, Mailbox, Security

logger = logging.getLogger(__name__)

# Seconds each socket operation may take (connect, TLS, every command and its answer).
POLL_TIMEOUT = 60.0
CHECK_TIMEOUT = 10.0
# Fetch bodies in batches of at most this many messages and (roughly) bytes.
BATCH_MESSAGES = 25
BATCH_BYTES = 10 * 1024 * 1024
LEASE_TTL = timedelta(minutes=5)

Ingest = Callable[..., Any]


class MailboxError(Exception):
    """A failure an admin can act on; the message is readable and holds no secret."""


@dataclass
class PollReport:
    """What one poll did."""

    mailbox_id: uuid.UUID
    imported: int = 0
    waiting: int = 0  # new messages the server had when the poll began
    error: str = ""
    busy: bool = False  # another poll of this mailbox was running: nothing done
    restarted: bool = False  # the server's UIDVALIDITY changed: read again from the start

    @property
    def ok(self) -> bool:
        return not self.error and not self.busy


@dataclass(frozen=True)
class ConnectionCheck:
    """The answer to "test connection"."""

    ok: bool
    waiting: int = 0
    error: str = ""


def _intake() -> Ingest:
    from .actions.intake import ingest

    return ingest


def ssl_context() -> ssl.SSLContext:
    """Certificates are verified against the system's CAs, plus PARTNERDESK_IMAP_CA_FILE if
    set (a private CA; the tests' self-signed server)."""
    cafile = getattr(settings, "PARTNERDESK_IMAP_CA_FILE", "") or None
    return ssl.create_default_context(cafile=cafile)


# --- connecting --------------------------------------------------------------------------------


def _network_error(mailbox: Mailbox, exc: BaseException, timeout: float) -> MailboxError:
    where = f"{mailbox.host}:{mailbox.port}"
    if isinstance(exc, (socket.timeout, TimeoutError)):
        message = _("The server %(where)s did not answer within %(seconds)s seconds.") % {
            "where": where,
            "seconds": f"{timeout:g}",
        }
    elif isinstance(exc, ssl.SSLCertVerificationError):
        message = _("The certificate of %(where)s is not trusted: %(reason)s.") % {
            "where": where,
            "reason": exc.verify_message or exc.reason or exc.strerror,
        }
    elif isinstance(exc, ssl.SSLError):
        message = _(
            "No encrypted connection with %(where)s (%(reason)s): check the port and the "
            "connection security."
        ) % {"where": where, "reason": exc.reason or exc.strerror}
    elif isinstance(exc, socket.gaierror):
        message = _("The server name %(host)s is not known.") % {"host": mailbox.host}
    elif isinstance(exc, ConnectionRefusedError):
        message = _("%(where)s refused the connection: is the port right?") % {"where": where}
    elif isinstance(exc, OSError):
        message = _("The connection with %(where)s failed: %(reason)s.") % {
            "where": where,
            "reason": exc.strerror or type(exc).__name__,
        }
    else:
        message = _("The server %(where)s answered with an error: %(reason)s") % {
            "where": where,
            "reason": _server_words(exc),
        }
    return MailboxError(message)


def _server_words(exc: BaseException) -> str:
    """The server's own words from an IMAP error, shortened (they never hold our secret)."""
    text = str(exc)
    if text.startswith("b'") or text.startswith('b"'):
        text = text[2:-1]
    return " ".join(text.split())[:300]


def _open(mailbox: Mailbox, *, timeout: float) -> IMAPClient:
    """A connection with the configured security, signed in."""
    security = mailbox.security
    if security == Security.NONE and not bookkeeping.is_local_host(mailbox.host):
        raise MailboxError(
            _("An unencrypted connection is allowed only to a server on this machine.")
        )
    context = ssl_context() if security != Security.NONE else None
    try:
        client = IMAPClient(
            mailbox.host,
            port=mailbox.port,
            ssl=security == Security.SSL,
            ssl_context=context,
            timeout=timeout,
            use_uid=True,
        )
    except (OSError, IMAPClientError) as exc:
        raise _network_error(mailbox, exc, timeout) from None
    try:
        if security == Security.STARTTLS:
            if b"STARTTLS" not in client.capabilities():
                raise MailboxError(
                    _("The server does not offer STARTTLS: choose TLS (port 993) instead.")
                )
            client.starttls(context)
        _sign_in(client, mailbox, timeout=timeout)
    except BaseException:
        _close(client)
        raise
    return client


def _sign_in(client: IMAPClient, mailbox: Mailbox, *, timeout: float) -> None:
    try:
        secret = secrets.decrypt(mailbox.secret_encrypted)
    except secrets.SecretUnreadable:
        raise MailboxError(
            _(
                "The stored password cannot be read (the server's secret key changed): "
                "enter it again in the mailbox settings."
            )
        ) from None
    try:
        if mailbox.auth_method == AuthMethod.XOAUTH2:
            try:
                token = oauth.access_token(
                    token_url=mailbox.oauth_token_url,
                    client_id=mailbox.oauth_client_id,
                    client_secret=secret,
                    scope=mailbox.oauth_scope,
                    timeout=timeout,
                )
            except oauth.OAuthError as exc:
                raise MailboxError(str(exc)) from None
            client.oauth2_login(mailbox.username, token)
        else:
            client.login(mailbox.username, secret)
    except LoginError as exc:
        raise MailboxError(
            _("The server refused the sign-in of %(user)s: %(reason)s")
            % {"user": mailbox.username, "reason": _server_words(exc) or _("no reason given")}
        ) from None
    except (OSError, IMAPClientError) as exc:
        raise _network_error(mailbox, exc, timeout) from None


def _close(client: IMAPClient) -> None:
    # The connection may already be gone: there is nothing left to keep.
    try:
        client.logout()
    except Exception:
        with contextlib.suppress(Exception):
            client.shutdown()


@contextmanager
def connected(mailbox: Mailbox, *, timeout: float) -> Iterator[IMAPClient]:
    """A signed-in connection, closed afterwards."""
    client = _open(mailbox, timeout=timeout)
    try:
        yield client
    finally:
        _close(client)


def _select(client: IMAPClient, mailbox: Mailbox) -> int:
    """Select the folder read-write; its UIDVALIDITY."""
    try:
        state = client.select_folder(mailbox.folder)
    except IMAPClientError as exc:
        raise MailboxError(
            _("The folder %(folder)s cannot be opened: %(reason)s")
            % {"folder": mailbox.folder, "reason": _server_words(exc)}
        ) from None
    return int(state.get(b"UIDVALIDITY") or 0)


def _new_uids(client: IMAPClient, after: int) -> list[int]:
    # "n:*" always includes the highest UID, even one below n: filter.
    return sorted(uid for uid in client.search(["UID", f"{after + 1}:*"]) if uid > after)


# --- test connection ---------------------------------------------------------------------------


def check_connection(mailbox: Mailbox, *, timeout: float = CHECK_TIMEOUT) -> ConnectionCheck:
    """Connect, sign in, open the folder and count what the next poll would import; or say
    in words what failed. Changes nothing on the server or here."""
    try:
        with connected(mailbox, timeout=timeout) as client:
            uid_validity = _select(client, mailbox)
            same = mailbox.uid_validity == uid_validity
            waiting = len(_new_uids(client, mailbox.last_uid if same else 0))
    except MailboxError as exc:
        return ConnectionCheck(ok=False, error=str(exc))
    except (OSError, IMAPClientError) as exc:
        return ConnectionCheck(ok=False, error=str(_network_error(mailbox, exc, timeout)))
    except Exception as exc:  # a server answering nonsense: never a 500 on the settings page
        logger.exception("mailbox %s: connection test failed", mailbox.pk)
        return ConnectionCheck(ok=False, error=_unexpected(exc))
    return ConnectionCheck(ok=True, waiting=waiting)


def _unexpected(exc: Exception) -> str:
    return _("Something unexpected went wrong (%(error)s); the details are in the log.") % {
        "error": type(exc).__name__
    }


# --- polling -----------------------------------------------------------------------------------


def _holder() -> str:
    return (
        f"{socket.gethostname()[:20]}:{os.getpid()}:{threading.get_ident()}:{uuid.uuid4().hex[:8]}"
    )


def poll(
    mailbox: Mailbox, *, ingest: Ingest | None = None, timeout: float = POLL_TIMEOUT
) -> PollReport:
    """Import the mailbox's new messages; see the module's docstring for the order of things.

    `ingest(workspace_id=…, raw=…, source="imap", mailbox=…)` must commit before it returns
    (it is `mail.actions.ingest`; tests pass a recorder). The workspace is always the
    mailbox's own.
    """
    actor = Actor.system(partner_id=mailbox.partner_id, reason="mail.poll")
    report = PollReport(mailbox_id=mailbox.pk)
    holder = _holder()
    if not bookkeeping.take_poll_lease(actor, mailbox=mailbox, holder=holder, ttl=LEASE_TTL):
        report.busy = True
        return report
    try:
        try:
            _poll_leased(mailbox, actor, report, ingest or _intake(), holder, timeout)
        except MailboxError as exc:
            report.error = str(exc)
        except (OSError, IMAPClientError) as exc:
            report.error = str(_network_error(mailbox, exc, timeout))
        except (DatabaseError, InterfaceError):
            raise  # the database is away: the task fails and the next minute tries again
        except Exception as exc:
            logger.exception("mailbox %s: poll failed", mailbox.pk)
            report.error = _unexpected(exc)
        if report.error:
            logger.warning("mailbox %s: %s", mailbox.pk, report.error)
        bookkeeping.record_poll_outcome(actor, mailbox=mailbox, error=report.error)
    finally:
        bookkeeping.release_poll_lease(actor, mailbox=mailbox, holder=holder)
    return report


def _poll_leased(
    mailbox: Mailbox,
    actor: Actor,
    report: PollReport,
    ingest: Ingest,
    holder: str,
    timeout: float,
) -> None:
    with connected(mailbox, timeout=timeout) as client:
        uid_validity = _select(client, mailbox)
        if mailbox.uid_validity != uid_validity:
            # First poll, or the server renumbered the folder: from the first message again.
            report.restarted = mailbox.uid_validity is not None
            if report.restarted:
                logger.warning(
                    "mailbox %s: UIDVALIDITY changed from %s to %s; reading it again",
                    mailbox.pk,
                    mailbox.uid_validity,
                    uid_validity,
                )
            bookkeeping.record_mailbox_position(
                actor, mailbox=mailbox, uid_validity=uid_validity, last_uid=0
            )
        uids = _new_uids(client, mailbox.last_uid)
        report.waiting = len(uids)
        renewed = time.monotonic()
        for batch in _batches(client, uids):
            bodies = client.fetch(batch, ["BODY.PEEK[]"])
            for uid in batch:
                raw = (bodies.get(uid) or {}).get(b"BODY[]")
                if raw is None:
                    report.error = _(
                        "The server did not deliver message %(uid)s; it is fetched again on "
                        "the next poll."
                    ) % {"uid": uid}
                    return
                try:
                    ingest(
                        workspace_id=mailbox.partner_id,
                        raw=bytes(raw),
                        source="imap",
                        mailbox=mailbox,
                    )
                except Exception:
                    logger.exception(
                        "mailbox %s: message %s could not be imported", mailbox.pk, uid
                    )
                    report.error = _(
                        "Message %(uid)s could not be imported (an internal error, logged); it "
                        "is fetched again on the next poll."
                    ) % {"uid": uid}
                    return
                _mark_imported(client, mailbox, uid)
                bookkeeping.record_mailbox_position(
                    actor, mailbox=mailbox, uid_validity=uid_validity, last_uid=uid
                )
                report.imported += 1
                if time.monotonic() - renewed > LEASE_TTL.total_seconds() / 3:
                    bookkeeping.take_poll_lease(
                        actor, mailbox=mailbox, holder=holder, ttl=LEASE_TTL
                    )
                    renewed = time.monotonic()


def _batches(client: IMAPClient, uids: list[int]) -> Iterator[list[int]]:
    """The UIDs in groups small enough to hold in memory, by count and by size."""
    for start in range(0, len(uids), BATCH_MESSAGES):
        chunk = uids[start : start + BATCH_MESSAGES]
        sizes = client.fetch(chunk, ["RFC822.SIZE"])
        batch: list[int] = []
        total = 0
        for uid in chunk:
            size = int((sizes.get(uid) or {}).get(b"RFC822.SIZE") or 0)
            if batch and total + size > BATCH_BYTES:
                yield batch
                batch, total = [], 0
            batch.append(uid)
            total += size
        if batch:
            yield batch


def _mark_imported(client: IMAPClient, mailbox: Mailbox, uid: int) -> None:
    if mailbox.after_import == AfterImport.DELETE:
        client.add_flags([uid], [b"\\Deleted"])
        if client.has_capability("UIDPLUS"):
            client.uid_expunge([uid])
        else:
            client.expunge()
    else:
        client.add_flags([uid], [b"\\Seen", b"\\Flagged"])
