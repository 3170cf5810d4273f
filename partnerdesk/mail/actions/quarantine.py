"""The partner owner's quarantine: run a held message through intake again (after a limit was
raised, or to release a sender's flood hold), or discard it. The raw bytes always stay."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from partnerdesk.core import audit, clock, policies
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import DomainError, forbidden

from .. import selectors
from ..models import InboundMessage, InboundState
from .intake import process


def _require(actor: Actor) -> None:
    policies.require(actor, "mail.quarantine")
    if not selectors.sees_quarantine(actor):
        raise forbidden()


def _gone() -> DomainError:
    return DomainError(
        "already_sorted",
        _("Someone dealt with this message a moment ago; it is no longer quarantined."),
        status=409,
    )


def reprocess_quarantined(actor: Actor, *, inbound: InboundMessage) -> InboundMessage:
    """Back to RECEIVED with a fresh count of attempts, then processed again at once; the
    sender's flood hold does not apply (reprocessing is the release)."""
    _require(actor)
    with transaction.atomic(durable=True):
        updated = InboundMessage.objects.filter(
            pk=inbound.pk, state=InboundState.QUARANTINED
        ).update(state=InboundState.RECEIVED, attempts=0, processed_at=None)
        if not updated:
            raise _gone()
        audit.record(
            actor,
            "mail.reprocessed",
            inbound,
            data={"reason": inbound.reason},
            personal={"sender": inbound.sender},
        )
    inbound.state = InboundState.RECEIVED
    inbound.attempts = 0
    return process(inbound, release=True)


def discard_quarantined(actor: Actor, *, inbound: InboundMessage) -> InboundMessage:
    """Ignored (discarded); kept with its raw bytes and the reason it was held."""
    _require(actor)
    with transaction.atomic(durable=True):
        updated = InboundMessage.objects.filter(
            pk=inbound.pk, state=InboundState.QUARANTINED
        ).update(
            state=InboundState.IGNORED,
            reason="discarded",
            detail=_("Discarded from quarantine (held as: %(reason)s). %(detail)s")
            % {"reason": inbound.reason, "detail": inbound.detail},
            processed_at=clock.now(),
        )
        if not updated:
            raise _gone()
        audit.record(
            actor,
            "mail.discarded",
            inbound,
            data={"reason": inbound.reason},
            personal={"sender": inbound.sender},
        )
    return InboundMessage.objects.get(pk=inbound.pk)
