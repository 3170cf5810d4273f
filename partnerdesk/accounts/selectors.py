"""Reads of people and access, scoped to the actor."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

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


def own_tokens(actor: Actor) -> QuerySet[ApiToken]:
    """The actor's own API tokens, newest first (secrets are never stored)."""
    return ApiToken.objects.filter(membership_id=actor.own_membership_id).order_by("-created_at")


def open_invitations(actor: Actor) -> QuerySet[Invitation]:
    policies.require(actor, "staff.view")
    return Invitation.objects.filter(
        partner_id=actor.workspace_id, accepted_at__isnull=True, revoked_at__isnull=True
    ).order_by("-created_at")
