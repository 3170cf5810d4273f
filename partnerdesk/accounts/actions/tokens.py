"""Personal API tokens: made, used and revoked."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from partnerdesk.core import audit, clock, policies
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import DomainError, invalid

from ..models import ApiToken
from ..tokens import digest, new_secret


def create_api_token(actor: Actor, *, name: str) -> tuple[ApiToken, str]:
    """Make a personal token; the secret is returned once and never stored."""
    policies.require(actor, "tokens.own")
    if actor.via == "token":
        raise DomainError(
            "token_cannot_create_token",
            _("API tokens are created from a signed-in session, not with another token."),
            status=403,
        )
    name = name.strip()
    if not name:
        raise invalid("name", _("Give the token a name."), "required")
    if len(name) > 100:
        raise invalid("name", _("At most 100 characters."), "too_long")
    secret = new_secret()
    with transaction.atomic(durable=True):
        token = ApiToken.objects.create(
            partner_id=actor.workspace_id,
            membership_id=actor.own_membership_id,
            name=name,
            digest=digest(secret),
            prefix=secret[:10],
            created_at=clock.now(),
        )
        audit.record(actor, "token.created", token, data={"name": name})
    return token, secret


TOKEN_TOUCH_INTERVAL = timedelta(minutes=1)


def record_token_use(token: ApiToken) -> None:
    """Note when a token was last used, at most once a minute (no write on most requests)."""
    now = clock.now()
    if token.last_used_at is None or now - token.last_used_at >= TOKEN_TOUCH_INTERVAL:
        # Conditional on the value read, so concurrent requests write once.
        ApiToken.objects.filter(pk=token.pk, last_used_at=token.last_used_at).update(
            last_used_at=now
        )


def revoke_api_token(actor: Actor, *, token: ApiToken) -> ApiToken:
    """Stop a token working at once. Revoking twice changes nothing."""
    if token.revoked_at is not None:
        return token
    with transaction.atomic(durable=True):
        token.revoked_at = clock.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor, "token.revoked", token)
    return token
