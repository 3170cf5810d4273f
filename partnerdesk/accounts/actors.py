"""Resolving the Actor of a request, once, from a session or a bearer token."""

from __future__ import annotations

import uuid

from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest

from partnerdesk.core.actor import Actor, ActorKind

from . import access
from .actions import record_token_use
from .mfa import user_has_confirmed_mfa
from .models import Membership
from .permissions import Role, is_staff_role, permissions_for

SESSION_MEMBERSHIP_KEY = "partnerdesk_membership"


def _contact_id(membership: Membership) -> uuid.UUID | None:
    """The contact record of a customer person (loaded with the membership, no query)."""
    if membership.customer_id is None:
        return None
    try:
        return membership.contact.pk
    except ObjectDoesNotExist:
        return None


def actor_for_membership(
    membership: Membership, *, via: str = "session", token_id: object = None
) -> Actor:
    """The Actor a membership acts as; one extra query only for customer-limited staff."""
    user = membership.user
    if is_staff_role(membership.role):
        kind = ActorKind.STAFF
    elif membership.role == Role.CUSTOMER_MANAGER:
        kind = ActorKind.MANAGER
    else:
        kind = ActorKind.CONTACT
    limited = None
    if kind == ActorKind.STAFF and membership.is_customer_limited:
        limited = access.limited_customer_ids(membership)
    elif kind != ActorKind.STAFF:
        limited = frozenset({membership.customer_id}) if membership.customer_id else frozenset()
    return Actor(
        kind=kind,
        partner_id=membership.partner_id,
        user_id=user.pk,
        membership_id=membership.pk,
        role=membership.role,
        customer_id=membership.customer_id,
        contact_id=_contact_id(membership),
        permissions=permissions_for(membership.role),
        limited_customer_ids=limited,
        token_id=token_id,  # type: ignore[arg-type]
        via=via,
        display_name=user.full_name,
        email=user.email,
        language=user.language or "",
        time_zone=user.time_zone or "",
        workspace_language=membership.partner.default_language or "",
        workspace_time_zone=membership.partner.time_zone or "",
        user=user,
    )


def actor_from_bearer(secret: str) -> Actor | None:
    token = access.find_token_by_secret(secret)
    if token is None:
        return None
    membership = token.membership
    if not membership.is_active or not membership.user.is_active:
        return None
    record_token_use(token)
    return actor_for_membership(membership, via="token", token_id=token.pk)


def mfa_required(membership: Membership) -> bool:
    """Staff always need a second factor; contacts only once they enabled one."""
    return is_staff_role(membership.role) or user_has_confirmed_mfa(membership.user)


def resolve_actor(request: HttpRequest) -> Actor:
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        request.auth_via_token = True  # type: ignore[attr-defined]
        return actor_from_bearer(header[7:].strip()) or Actor.anonymous()
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return Actor.anonymous()
    membership = access.find_session_membership(
        user.pk, request.session.get(SESSION_MEMBERSHIP_KEY)
    )
    if membership is None:
        return Actor.anonymous()
    request.membership = membership  # type: ignore[attr-defined]
    verified = getattr(user, "is_verified", lambda: False)()
    if mfa_required(membership) and not verified:
        request.mfa_pending = True  # type: ignore[attr-defined]
        return Actor.anonymous()
    return actor_for_membership(membership)
