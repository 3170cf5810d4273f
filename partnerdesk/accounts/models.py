from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from partnerdesk.core.models import PartnerOwned

from .permissions import CUSTOMER_ROLES, STAFF_ROLES, Role


class UserManager(BaseUserManager["User"]):
    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user


class User(AbstractBaseUser):
    """A person who signs in: partner staff or a customer contact. Access comes from memberships."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("name"), max_length=200)
    language = models.CharField(_("language"), max_length=10, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined"), auto_now_add=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email


class Membership(PartnerOwned):
    """A user's place in one workspace: a staff role, or a contact or manager of one customer."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("customer"),
    )
    # Outsourced or tiered support: staff that see only some customers.
    is_customer_limited = models.BooleanField(_("limited to some customers"), default=False)
    limited_customers = models.ManyToManyField(
        "customers.Customer", blank=True, related_name="+", verbose_name=_("customers")
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"))
    # Staff's mail notification choices, {"new_ticket": false, …}; a missing key is on
    # (partnerdesk.mail.notifications.PREFERENCES lists them).
    notifications = models.JSONField(_("notifications"), default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "partner"], name="membership_one_per_workspace"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(
                        role__in=sorted(str(r) for r in CUSTOMER_ROLES),
                        customer__isnull=False,
                        is_customer_limited=False,
                    )
                    | models.Q(role__in=sorted(str(r) for r in STAFF_ROLES), customer__isnull=True)
                ),
                name="membership_customer_matches_role",
            ),
        ]
        indexes = [models.Index(fields=["partner", "role"], name="membership_by_role")]

    def __str__(self) -> str:
        return f"{self.user} ({self.role})"

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES


class ApiToken(PartnerOwned):
    """A personal API token: shown once, stored as its SHA-256 digest."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="tokens")
    name = models.CharField(_("name"), max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField(_("created"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["membership", "created_at"], name="token_by_owner")]


class Invitation(PartnerOwned):
    """An invitation to join a workspace, accepted through a link sent by e-mail."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(_("e-mail address"))
    full_name = models.CharField(_("name"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # Staff invited for some customers only get exactly these limits when they accept.
    is_customer_limited = models.BooleanField(_("limited to some customers"), default=False)
    limited_customers = models.ManyToManyField(
        "customers.Customer", blank=True, related_name="+", verbose_name=_("customers")
    )
    digest = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"))
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)


class LoginFailure(models.Model):
    """A failed sign-in, counted per account and per address for throttling."""

    key = models.CharField(max_length=100)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["key", "at"], name="login_failure_window")]
