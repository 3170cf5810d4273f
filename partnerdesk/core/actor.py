"""Who is acting: resolved once per request (or job) and passed down explicitly."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class ActorKind(models.TextChoices):
    STAFF = "staff", _("Partner staff")
    CONTACT = "contact", _("Customer contact")
    MANAGER = "manager", _("Customer manager")
    SYSTEM = "system", _("System")
    ANONYMOUS = "anonymous", _("Anonymous")


@dataclass(frozen=True)
class Actor:
    """The acting principal and everything access decisions need, without further queries.

    `limited_customer_ids` is None for staff who see every customer of their workspace,
    a set for customer-limited staff, and the contact's own customer for contacts.
    """

    kind: ActorKind
    partner_id: uuid.UUID | None = None
    user_id: uuid.UUID | None = None
    membership_id: uuid.UUID | None = None
    role: str | None = None
    customer_id: uuid.UUID | None = None
    contact_id: uuid.UUID | None = None
    permissions: frozenset[str] = frozenset()
    limited_customer_ids: frozenset[uuid.UUID] | None = None
    token_id: uuid.UUID | None = None
    via: str = "session"
    display_name: str = ""
    email: str = ""
    language: str = "en"
    time_zone: str = "UTC"
    # The workspace's defaults, loaded with the membership (no extra query).
    workspace_language: str = ""
    workspace_time_zone: str = ""
    user: Any = field(default=None, compare=False, repr=False)

    # --- kinds -----------------------------------------------------------------------------

    @property
    def is_authenticated(self) -> bool:
        return self.kind != ActorKind.ANONYMOUS

    @property
    def is_staff(self) -> bool:
        return self.kind == ActorKind.STAFF

    @property
    def is_customer(self) -> bool:
        return self.kind in (ActorKind.CONTACT, ActorKind.MANAGER)

    @property
    def is_system(self) -> bool:
        return self.kind == ActorKind.SYSTEM

    # --- decisions -------------------------------------------------------------------------

    def has(self, permission: str) -> bool:
        """True if the role's permission set (or the system actor) includes `permission`."""
        return self.is_system or permission in self.permissions

    def sees_customer(self, customer_id: uuid.UUID | None) -> bool:
        """Whether rows of this customer are inside the actor's visibility."""
        if self.is_system:
            return True
        if self.is_customer:
            return customer_id is not None and customer_id == self.customer_id
        if self.limited_customer_ids is None:
            return True
        return customer_id in self.limited_customer_ids

    @property
    def workspace_id(self) -> uuid.UUID:
        """The actor's workspace; actors without one see nothing (404)."""
        if self.partner_id is None:
            from .errors import not_found

            raise not_found()
        return self.partner_id

    @property
    def own_membership_id(self) -> uuid.UUID:
        """The acting membership; the system and anonymous actors have none (404)."""
        if self.membership_id is None:
            from .errors import not_found

            raise not_found()
        return self.membership_id

    @property
    def audit_id(self) -> str:
        """Pseudonymous identity for the hash-chained part of the audit log."""
        if self.is_system:
            return "system"
        return str(self.user_id) if self.user_id else "anonymous"

    # --- constructors ----------------------------------------------------------------------

    @classmethod
    def anonymous(cls) -> Actor:
        return cls(kind=ActorKind.ANONYMOUS, via="none")

    @classmethod
    def system(cls, *, partner_id: uuid.UUID | None, reason: str) -> Actor:
        """The actor of scheduled jobs and workers; see core.tenancy for what it may cross."""
        return cls(kind=ActorKind.SYSTEM, partner_id=partner_id, via="system", display_name=reason)
