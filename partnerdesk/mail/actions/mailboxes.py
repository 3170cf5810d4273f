"""Writes on mailboxes: the settings an admin keeps, and the poller's bookkeeping.

Settings changes are audited; the secret is encrypted here (mail.secrets) and never leaves
again. The poller (mail.imap, as the system actor) advances the position after each message
it imported, records the outcome of each poll, and holds a lease per mailbox so that two
workers never poll the same mailbox at once.
"""

from __future__ import annotations

import ipaddress
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from partnerdesk.core import audit, clock, policies
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import DomainError, FieldError, forbidden
from partnerdesk.core.models import SchedulerLease

from .. import secrets
from ..models import AuthMethod, Mailbox, Security

# Mailboxes are the partner owner's: only a role that may change the workspace manages them.
MANAGE_PERMISSION = "workspace.manage"

# Changing any of these points the mailbox at another folder: the old position means nothing.
_POSITION_FIELDS = ("host", "port", "username", "folder")


def is_local_host(host: str) -> bool:
    """Whether `host` is this machine: the only place an unencrypted connection may go."""
    host = host.strip().strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class MailboxSettings:
    """Everything the settings form sets. `secret` None keeps the stored one."""

    name: str
    address: str
    host: str
    port: int
    security: str
    username: str
    auth_method: str
    folder: str = "INBOX"
    after_import: str = "flag"
    is_active: bool = True
    oauth_token_url: str = ""
    oauth_client_id: str = ""
    oauth_scope: str = ""
    secret: str | None = None


def _validate(config: MailboxSettings, *, has_secret: bool, stored: Mailbox | None = None) -> None:
    errors = []
    if config.security == Security.NONE and not is_local_host(config.host):
        errors.append(
            FieldError(
                "security",
                _(
                    "Without encryption the password would cross the network in clear text: "
                    "choose TLS or STARTTLS (unencrypted only for a server on this machine)."
                ),
            )
        )
    if not (1 <= config.port <= 65535):
        errors.append(FieldError("port", _("A port is a number from 1 to 65535.")))
    if config.auth_method == AuthMethod.XOAUTH2:
        if not config.oauth_token_url:
            errors.append(FieldError("oauth_token_url", _("OAuth needs the token endpoint.")))
        if not config.oauth_client_id:
            errors.append(FieldError("oauth_client_id", _("OAuth needs the client id.")))
    if not has_secret and not config.secret:
        field = "client_secret" if config.auth_method == AuthMethod.XOAUTH2 else "password"
        message = (
            _(
                "Enter it again: a stored secret goes only to the server and sign-in method "
                "it was entered for."
            )
            if stored is not None and stored.secret_encrypted
            else _("Enter it once; it is stored encrypted.")
        )
        errors.append(FieldError(field, message, "required"))
    if errors:
        raise DomainError(
            "validation_failed", _("The request has invalid fields."), status=422, errors=errors
        )


def _keeps_secret(mailbox: Mailbox, config: MailboxSettings) -> bool:
    """A stored secret is kept only for the same sign-in method (a password is no client
    secret) and the same destination: pointing the mailbox at another server or token
    endpoint asks for it again, so nobody can send the stored one somewhere it can be read."""
    if not mailbox.secret_encrypted or mailbox.auth_method != config.auth_method:
        return False
    if mailbox.host.lower() != config.host.strip().lower():
        return False
    if config.auth_method == AuthMethod.XOAUTH2:
        return mailbox.oauth_token_url == config.oauth_token_url.strip()
    return True


def _duplicate_address() -> DomainError:
    return DomainError(
        "validation_failed",
        _("The request has invalid fields."),
        status=422,
        errors=[FieldError("address", _("Another mailbox already has this address."), "duplicate")],
    )


def _apply(mailbox: Mailbox, config: MailboxSettings) -> None:
    mailbox.name = config.name.strip()
    mailbox.address = config.address.strip().lower()
    mailbox.host = config.host.strip()
    mailbox.port = config.port
    mailbox.security = config.security
    mailbox.username = config.username.strip()
    mailbox.auth_method = config.auth_method
    mailbox.folder = config.folder.strip() or "INBOX"
    mailbox.after_import = config.after_import
    mailbox.is_active = config.is_active
    xoauth2 = config.auth_method == AuthMethod.XOAUTH2
    mailbox.oauth_token_url = config.oauth_token_url.strip() if xoauth2 else ""
    mailbox.oauth_client_id = config.oauth_client_id.strip() if xoauth2 else ""
    mailbox.oauth_scope = config.oauth_scope.strip() if xoauth2 else ""
    if config.secret:
        mailbox.secret_encrypted = secrets.encrypt(config.secret)


def _audit_data(mailbox: Mailbox) -> dict[str, object]:
    return {
        "host": mailbox.host,
        "port": mailbox.port,
        "security": mailbox.security,
        "auth_method": mailbox.auth_method,
        "folder": mailbox.folder,
        "after_import": mailbox.after_import,
        "is_active": mailbox.is_active,
    }


def unsaved_mailbox(actor: Actor, *, config: MailboxSettings, base: Mailbox | None) -> Mailbox:
    """A mailbox as the form describes it, not saved: for "test connection" before saving.
    An empty secret keeps the stored one of `base`."""
    policies.require(actor, MANAGE_PERMISSION)
    if base is not None and base.partner_id != actor.workspace_id:
        raise forbidden()
    _validate(config, has_secret=base is not None and _keeps_secret(base, config), stored=base)
    mailbox = Mailbox(partner_id=actor.workspace_id, created_at=clock.now())
    if base is not None:
        mailbox.pk = base.pk
        mailbox.secret_encrypted = base.secret_encrypted
        mailbox.uid_validity, mailbox.last_uid = base.uid_validity, base.last_uid
    _apply(mailbox, config)
    if any(getattr(mailbox, f) != getattr(base, f, None) for f in _POSITION_FIELDS):
        mailbox.uid_validity, mailbox.last_uid = None, 0
    return mailbox


def create_mailbox(actor: Actor, *, config: MailboxSettings) -> Mailbox:
    """Add a mailbox to poll; its first poll imports what is in the folder."""
    policies.require(actor, MANAGE_PERMISSION)
    _validate(config, has_secret=False)
    mailbox = Mailbox(partner_id=actor.workspace_id, created_at=clock.now())
    _apply(mailbox, config)
    try:
        with transaction.atomic(durable=True):
            mailbox.save(force_insert=True)
            audit.record(
                actor,
                "mailbox.created",
                mailbox,
                data=_audit_data(mailbox),
                personal={"address": mailbox.address, "username": mailbox.username},
            )
    except IntegrityError:
        raise _duplicate_address() from None
    return mailbox


def update_mailbox(actor: Actor, *, mailbox: Mailbox, config: MailboxSettings) -> Mailbox:
    """Change a mailbox's settings; a new server, user or folder starts from its first message
    (what was imported already is recognised and not doubled)."""
    policies.require(actor, MANAGE_PERMISSION)
    if mailbox.partner_id != actor.workspace_id:
        raise forbidden()
    _validate(config, has_secret=_keeps_secret(mailbox, config), stored=mailbox)
    before = {f: getattr(mailbox, f) for f in _POSITION_FIELDS}
    _apply(mailbox, config)
    moved = any(getattr(mailbox, f) != v for f, v in before.items())
    if moved:
        mailbox.uid_validity, mailbox.last_uid = None, 0
    if moved or config.secret:
        mailbox.last_error = ""
    try:
        with transaction.atomic(durable=True):
            mailbox.save()
            audit.record(
                actor,
                "mailbox.changed",
                mailbox,
                data={**_audit_data(mailbox), "secret_changed": bool(config.secret)},
                personal={"address": mailbox.address, "username": mailbox.username},
            )
    except IntegrityError:
        raise _duplicate_address() from None
    return mailbox


def set_mailbox_active(actor: Actor, *, mailbox: Mailbox, active: bool) -> Mailbox:
    """Pause polling (mail stays on the server) or resume it."""
    policies.require(actor, MANAGE_PERMISSION)
    if mailbox.partner_id != actor.workspace_id:
        raise forbidden()
    with transaction.atomic(durable=True):
        Mailbox.objects.filter(pk=mailbox.pk).update(is_active=active)
        mailbox.is_active = active
        audit.record(actor, "mailbox.activated" if active else "mailbox.deactivated", mailbox)
    return mailbox


def delete_mailbox(actor: Actor, *, mailbox: Mailbox) -> None:
    """Stop polling and forget the mailbox; messages already imported stay."""
    policies.require(actor, MANAGE_PERMISSION)
    if mailbox.partner_id != actor.workspace_id:
        raise forbidden()
    with transaction.atomic(durable=True):
        audit.record(actor, "mailbox.deleted", mailbox, personal={"address": mailbox.address})
        lease = _lease_name(mailbox.pk)
        mailbox.delete()
        SchedulerLease.objects.filter(name=lease).delete()


def request_poll(actor: Actor, *, mailbox: Mailbox) -> None:
    """Check the mailbox now rather than at the next minute (a poll task, queued)."""
    policies.require(actor, MANAGE_PERMISSION)
    if mailbox.partner_id != actor.workspace_id:
        raise forbidden()
    if not mailbox.is_active:
        raise DomainError(
            "mailbox_paused", _("The mailbox is paused: resume it to check it."), status=409
        )
    from ..tasks import poll_mailbox  # the task polls through mail.imap, which imports this

    poll_mailbox.enqueue(mailbox_id=str(mailbox.pk))


# --- the poller's bookkeeping (system actor) ---------------------------------------------------


def _require_system(actor: Actor, mailbox: Mailbox) -> None:
    if not actor.is_system or actor.partner_id != mailbox.partner_id:
        raise forbidden()


def _lease_name(mailbox_id: uuid.UUID) -> str:
    return f"mail.poll:{mailbox_id}"


def take_poll_lease(actor: Actor, *, mailbox: Mailbox, holder: str, ttl: timedelta) -> bool:
    """Take (or renew) the right to poll this mailbox until `ttl` from now; False while
    another poller holds it. A poller that died loses it when it expires."""
    _require_system(actor, mailbox)
    name = _lease_name(mailbox.pk)
    with transaction.atomic():
        # Read the clock inside the transaction: on SQLite BEGIN IMMEDIATE may have waited.
        now = clock.now()
        SchedulerLease.objects.bulk_create(
            [SchedulerLease(name=name, holder="", expires_at=now)], ignore_conflicts=True
        )
        taken = SchedulerLease.objects.filter(name=name, holder=holder).update(
            expires_at=now + ttl
        ) or SchedulerLease.objects.filter(name=name, expires_at__lte=now).update(
            holder=holder, expires_at=now + ttl
        )
    return taken == 1


def release_poll_lease(actor: Actor, *, mailbox: Mailbox, holder: str) -> None:
    """Hand the lease back, so the next poll need not wait for it to expire."""
    _require_system(actor, mailbox)
    SchedulerLease.objects.filter(name=_lease_name(mailbox.pk), holder=holder).update(
        holder="", expires_at=clock.now()
    )


def record_mailbox_position(
    actor: Actor, *, mailbox: Mailbox, uid_validity: int, last_uid: int
) -> None:
    """Where the next poll starts: saved after every imported message, so a crash fetches
    at most one message again (and the intake recognises it)."""
    _require_system(actor, mailbox)
    Mailbox.objects.filter(pk=mailbox.pk).update(uid_validity=uid_validity, last_uid=last_uid)
    mailbox.uid_validity, mailbox.last_uid = uid_validity, last_uid


def record_poll_outcome(actor: Actor, *, mailbox: Mailbox, error: str) -> None:
    """When the mailbox was last polled and what went wrong, if anything (readable, no
    secrets); an empty error clears the previous one."""
    _require_system(actor, mailbox)
    now = clock.now()
    Mailbox.objects.filter(pk=mailbox.pk).update(last_polled_at=now, last_error=error[:2000])
    mailbox.last_polled_at, mailbox.last_error = now, error[:2000]
