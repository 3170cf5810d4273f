"""The one permission check: visible but not allowed is 403."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .actor import Actor
from .errors import DomainError, forbidden


def require(actor: Actor, permission: str) -> None:
    """Raise 403 unless the actor's role grants `permission`."""
    if not actor.is_authenticated:
        raise DomainError("not_authenticated", _("Authentication required."), status=401)
    if not actor.has(permission):
        raise forbidden()
