"""Fetching one accounts object by id, always within the actor's visibility (404 otherwise)."""

from __future__ import annotations

import uuid

from django.contrib.auth.tokens import default_token_generator
from django.utils.http import urlsafe_base64_decode

from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import not_found

from .models import ApiToken, Invitation, Membership, User
from .tokens import digest


def _uuid(value: str | uuid.UUID) -> uuid.UUID | None:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        return None


def get_staff_membership_for(actor: Actor, membership_id: str | uuid.UUID) -> Membership:
    """A staff member of the actor's workspace; staff only."""
    pk = _uuid(membership_id)
    if pk is None or not actor.is_staff or actor.partner_id is None:
        raise not_found()
    membership = (
        Membership.objects.select_related("user")
        .filter(pk=pk, partner_id=actor.workspace_id)
        .exclude(customer__isnull=False)
        .first()
    )
    if membership is None:
        raise not_found()
    return membership


def get_own_token_for(actor: Actor, token_id: str | uuid.UUID) -> ApiToken:
    """One of the actor's own API tokens."""
    pk = _uuid(token_id)
    if pk is None or actor.membership_id is None:
        raise not_found()
    token = ApiToken.objects.filter(pk=pk, membership_id=actor.own_membership_id).first()
    if token is None:
        raise not_found()
    return token


# --- authentication lookups (no actor yet: these establish one) ------------------------------


def find_token_by_secret(secret: str) -> ApiToken | None:
    """The live token whose digest matches, with its membership and user."""
    return (
        ApiToken.objects.select_related(
            "membership__user", "membership__contact", "membership__partner"
        )
        .filter(digest=digest(secret), revoked_at__isnull=True)
        .first()
    )


def find_invitation_by_secret(secret: str) -> Invitation | None:
    return Invitation.objects.select_related("customer").filter(digest=digest(secret)).first()


def find_session_membership(user_id: uuid.UUID, membership_id: str | None) -> Membership | None:
    """The membership a signed-in user acts through: the one chosen, or the only one."""
    memberships = Membership.objects.select_related("user", "contact", "partner").filter(
        user_id=user_id, is_active=True
    )
    if membership_id:
        chosen = _uuid(membership_id)
        return memberships.filter(pk=chosen).first() if chosen else None
    found = list(memberships[:2])
    return found[0] if len(found) == 1 else None


def limited_customer_ids(membership: Membership) -> frozenset[uuid.UUID]:
    return frozenset(membership.limited_customers.values_list("id", flat=True))


def first_active_membership(user: User) -> Membership | None:
    return Membership.objects.filter(user=user, is_active=True).order_by("created_at").first()


def find_user_by_reset_uid(uidb64: str) -> User | None:
    try:
        pk = uuid.UUID(urlsafe_base64_decode(uidb64).decode())
    except (ValueError, UnicodeDecodeError):
        return None
    return User.objects.filter(pk=pk, is_active=True).first()


def find_user_by_reset_link(uidb64: str, token: str) -> User | None:
    """The person a password reset link is for, while the link is valid (unused, unexpired)."""
    user = find_user_by_reset_uid(uidb64)
    if user is None or not default_token_generator.check_token(user, token):
        return None
    return user


def find_user_by_email(email: str) -> User | None:
    """The account behind an address, whatever its workspaces (invitations cross them)."""
    return User.objects.filter(email__iexact=email.strip()).first()


def get_open_invitation_for(actor: Actor, invitation_id: str | uuid.UUID) -> Invitation:
    """An invitation of the actor's workspace that was neither accepted nor withdrawn, for
    staff who may see the team."""
    pk = _uuid(invitation_id)
    if pk is None or not actor.is_staff or not actor.has("staff.view"):
        raise not_found()
    invitation = Invitation.objects.filter(
        pk=pk, partner_id=actor.workspace_id, accepted_at__isnull=True, revoked_at__isnull=True
    ).first()
    if invitation is None:
        raise not_found()
    return invitation
