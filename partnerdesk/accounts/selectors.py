"""Reads of people and access, scoped to the actor."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from django.db.models import Prefetch, QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from partnerdesk.core import policies
from partnerdesk.core.actor import Actor
from partnerdesk.core.pagination import Page, paginate
from partnerdesk.customers.models import Customer

from .models import ApiToken, Invitation, Membership
from .permissions import STAFF_ROLES


def staff_of_workspace(actor: Actor) -> QuerySet[Membership]:
    """The workspace's staff, for staff who may see the team."""
    policies.require(actor, "staff.view")
    return (
        Membership.objects.filter(
            partner_id=actor.workspace_id, role__in=[str(r) for r in STAFF_ROLES]
        )
        .select_related("user")
        .prefetch_related(Prefetch("limited_customers", queryset=Customer.objects.only("id")))
    )


def staff_page(actor: Actor, *, cursor: str | None, limit: int | None) -> Page[Membership]:
    return paginate(
        staff_of_workspace(actor), order=["created_at", "id"], cursor=cursor, limit=limit
    )


def is_member_email(actor: Actor, *, email: str) -> bool:
    return Membership.objects.filter(
        partner_id=actor.workspace_id, user__email__iexact=email
    ).exists()


def has_open_invitation(actor: Actor, *, email: str, now: datetime) -> bool:
    """An invitation to this address that can still be accepted."""
    return Invitation.objects.filter(
        partner_id=actor.workspace_id,
        email__iexact=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=now,
    ).exists()


def own_tokens(actor: Actor) -> QuerySet[ApiToken]:
    """The actor's own API tokens, newest first (secrets are never stored)."""
    return ApiToken.objects.filter(membership_id=actor.own_membership_id).order_by("-created_at")


def open_invitations(actor: Actor) -> QuerySet[Invitation]:
    policies.require(actor, "staff.view")
    return Invitation.objects.filter(
        partner_id=actor.workspace_id, accepted_at__isnull=True, revoked_at__isnull=True
    ).order_by("-created_at")


def _customer_names() -> Prefetch:
    return Prefetch(
        "limited_customers", queryset=Customer.objects.only("id", "name").order_by("name")
    )


def staff_for_settings(actor: Actor) -> QuerySet[Membership]:
    """The team as the staff settings page lists it (staff managers): active first, by name,
    with each member's customer limits named; three queries however many members."""
    policies.require(actor, "staff.manage")
    return (
        Membership.objects.filter(
            partner_id=actor.workspace_id, role__in=[str(r) for r in STAFF_ROLES]
        )
        .select_related("user")
        .prefetch_related(_customer_names())
        .order_by("-is_active", "user__full_name", "user__email", "id")
    )


def open_invitations_for_settings(actor: Actor) -> QuerySet[Invitation]:
    """Open staff invitations with their inviter and customer limits loaded."""
    policies.require(actor, "staff.manage")
    return (
        open_invitations(actor)
        .filter(customer__isnull=True)
        .select_related("invited_by__user")
        .prefetch_related(_customer_names())
    )


def mfa_enrolled_user_ids(user_ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
    """Which of these people have a confirmed authenticator (one query)."""
    return set(
        TOTPDevice.objects.filter(user_id__in=list(user_ids), confirmed=True).values_list(
            "user_id", flat=True
        )
    )
