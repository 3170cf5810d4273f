"""Canned replies: creating, changing and deleting a workspace's reply templates.

Anyone who replies to tickets keeps personal ones; shared ones (the team's) need
tickets.manage. Bodies may only use the placeholders of canned_text.PLACEHOLDERS.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from partnerdesk.core import audit, clock, policies
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import DomainError, FieldError, forbidden, invalid

from ..canned_models import CannedReply
from ..canned_text import PLACEHOLDERS, unknown_placeholders

MAX_TITLE = 120
MAX_BODY = 20_000


def _require_writer(actor: Actor, *, shared: bool) -> None:
    """Staff who reply may keep their own; the team's library needs tickets.manage."""
    policies.require(actor, "tickets.reply")
    if not (actor.is_staff or actor.is_system):
        raise forbidden()
    if shared:
        policies.require(actor, "tickets.manage")
    elif actor.membership_id is None:
        raise forbidden(_("Only a staff member can keep personal canned replies."))


def _clean(title: str, body: str) -> tuple[str, str]:
    title = " ".join(title.split())
    body = body.strip()
    errors = []
    if not title:
        errors.append(FieldError("title", str(_("Give the canned reply a title.")), "required"))
    elif len(title) > MAX_TITLE:
        errors.append(
            FieldError("title", str(_("At most %(n)s characters.") % {"n": MAX_TITLE}), "too_long")
        )
    if not body:
        errors.append(FieldError("body", str(_("Write the text of the reply.")), "required"))
    elif len(body) > MAX_BODY:
        errors.append(
            FieldError("body", str(_("At most %(n)s characters.") % {"n": MAX_BODY}), "too_long")
        )
    unknown = unknown_placeholders(body)
    if unknown:
        errors.append(
            FieldError(
                "body",
                _("Unknown placeholder %(unknown)s. Use one of: %(known)s.")
                % {
                    "unknown": ", ".join("{" + name + "}" for name in unknown),
                    "known": ", ".join("{" + name + "}" for name in PLACEHOLDERS),
                },
                "unknown_placeholder",
            )
        )
    if errors:
        raise DomainError(
            "validation_failed", _("The request has invalid fields."), status=422, errors=errors
        )
    return title, body


def _title_taken(actor: Actor, title: str, *, shared: bool, exclude: CannedReply | None) -> bool:
    same = CannedReply.objects.filter(partner_id=actor.workspace_id, title__iexact=title)
    same = same.filter(owner__isnull=True) if shared else same.filter(owner_id=actor.membership_id)
    if exclude is not None:
        same = same.exclude(pk=exclude.pk)
    return same.exists()


def _duplicate(shared: bool) -> DomainError:
    return invalid(
        "title",
        _("The team already has a canned reply with this title.")
        if shared
        else _("You already have a canned reply with this title."),
        "duplicate",
    )


def create_canned_reply(actor: Actor, *, title: str, body: str, shared: bool) -> CannedReply:
    """Add a canned reply: the actor's own, or (with tickets.manage) the team's."""
    _require_writer(actor, shared=shared)
    title, body = _clean(title, body)
    now = clock.now()
    try:
        with transaction.atomic(durable=True):
            if _title_taken(actor, title, shared=shared, exclude=None):
                raise _duplicate(shared)
            canned = CannedReply.objects.create(
                partner_id=actor.workspace_id,
                owner_id=None if shared else actor.membership_id,
                title=title,
                body=body,
                created_at=now,
                updated_at=now,
            )
            audit.record(actor, "canned.created", canned, data={"shared": shared})
    except IntegrityError:
        raise _duplicate(shared) from None
    return canned


@dataclass
class CannedChanges:
    """None means unchanged. `shared=True` moves one's own into the team's library; `False`
    makes a shared one the actor's own."""

    title: str | None = None
    body: str | None = None
    shared: bool | None = None


def _require_editor(actor: Actor, canned: CannedReply) -> None:
    """The owner changes a personal one; tickets.manage changes the team's."""
    if canned.partner_id != actor.partner_id:
        raise forbidden()
    _require_writer(actor, shared=canned.is_shared)
    if not canned.is_shared and canned.owner_id != actor.membership_id:
        raise forbidden()


def update_canned_reply(
    actor: Actor, *, canned: CannedReply, changes: CannedChanges
) -> CannedReply:
    """Change the title, the text or who it belongs to."""
    _require_editor(actor, canned)
    shared = canned.is_shared if changes.shared is None else changes.shared
    if shared != canned.is_shared:
        _require_writer(actor, shared=True)  # moving in or out of the team's library
    title, body = _clean(
        canned.title if changes.title is None else changes.title,
        canned.body if changes.body is None else changes.body,
    )
    try:
        with transaction.atomic(durable=True):
            if _title_taken(actor, title, shared=shared, exclude=canned):
                raise _duplicate(shared)
            canned.title = title
            canned.body = body
            canned.owner_id = None if shared else actor.membership_id
            canned.updated_at = clock.now()
            canned.save()
            audit.record(actor, "canned.changed", canned, data={"shared": shared})
    except IntegrityError:
        raise _duplicate(shared) from None
    return canned


def delete_canned_reply(actor: Actor, *, canned: CannedReply) -> None:
    """Remove a canned reply (the owner's own, or the team's with tickets.manage)."""
    _require_editor(actor, canned)
    with transaction.atomic(durable=True):
        audit.record(actor, "canned.deleted", canned, data={"shared": canned.is_shared})
        CannedReply.objects.filter(pk=canned.pk, partner_id=canned.partner_id).delete()
